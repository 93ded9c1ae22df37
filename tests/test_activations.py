"""Activation registry: reference values from the literature and finite-difference slopes."""

import warnings

import numpy as np
import pytest

import reluscope as rs
from reluscope.errors import InvalidParameterError

Z = np.linspace(-6, 6, 241) + 1e-3  # avoid the kink of ReLU-like functions at exactly 0


@pytest.mark.parametrize("name", rs.ACTIVATIONS)
def test_derivative_matches_central_differences(name):
    act = rs.get_activation(name)
    h = 1e-6
    numeric = (act(Z + h) - act(Z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(Z), numeric, rtol=1e-6, atol=1e-8)


# parameters away from their defaults: a derivative that hard-codes a default (ELU's
# f + 1 instead of f + α) passes at the default and fails here
PARAMETERISED = [
    ("elu", {"alpha": 0.3}),
    ("elu", {"alpha": 2.5}),
    ("leaky_relu", {"negative_slope": 0.25}),
    ("leaky_relu", {"negative_slope": 1.0}),
]


@pytest.mark.parametrize(("name", "params"), PARAMETERISED)
def test_derivative_with_parameters_matches_central_differences(name, params):
    act = rs.get_activation(name, **params)
    h = 1e-6
    numeric = (act(Z + h) - act(Z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(Z), numeric, rtol=1e-6, atol=1e-8)


def test_elu_derivative_is_f_plus_alpha_below_zero():
    z = np.array([-3.0, -0.5, 0.5])
    for alpha in (0.3, 1.0, 2.5):
        elu = rs.get_activation("elu", alpha=alpha)
        np.testing.assert_allclose(elu.derivative(z), [elu(z)[0] + alpha, elu(z)[1] + alpha, 1.0])
        assert elu.peak_slope == max(1.0, alpha)


@pytest.mark.parametrize(
    ("name", "params"), [(name, {}) for name in rs.ACTIVATIONS] + PARAMETERISED
)
def test_peak_slope_is_the_supremum_of_the_derivative(name, params):
    act = rs.get_activation(name, **params)
    grid = np.linspace(-20, 20, 400_001)
    assert np.max(np.abs(act.derivative(grid))) == pytest.approx(act.peak_slope, rel=1e-4)


@pytest.mark.parametrize("name", rs.ACTIVATIONS)
def test_extreme_inputs_are_finite_without_warnings(name):
    act = rs.get_activation(name)
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(act(z)))
        assert np.all(np.isfinite(act.derivative(z)))


def test_sigmoid_and_tanh_reference_values():
    # Glorot & Bengio 2010: sigmoid' <= 0.25, vanishing when saturated
    sigmoid = rs.get_activation("sigmoid")
    np.testing.assert_allclose(
        sigmoid.derivative([0.0, 2.0, 5.0, 10.0]), [0.25, 0.105, 0.00665, 4.54e-5], rtol=3e-3
    )
    tanh = rs.get_activation("tanh")
    np.testing.assert_allclose(tanh.derivative([0.0, 2.0, 5.0]), [1.0, 0.0707, 1.82e-4], rtol=3e-3)


def test_relu_gradient_is_zero_for_non_positive_inputs():
    relu = rs.get_activation("relu")
    np.testing.assert_array_equal(relu.derivative([-3.0, -1e-12, 0.0, 1e-12, 3.0]), [0, 0, 0, 1, 1])
    assert relu.zero_gradient_below_zero


def test_leaky_relu_slope_and_zero_slope_is_relu():
    leaky = rs.get_activation("leaky_relu", negative_slope=0.1)
    np.testing.assert_allclose(leaky([-2.0, 3.0]), [-0.2, 3.0])
    np.testing.assert_allclose(leaky.derivative([-2.0, 3.0]), [0.1, 1.0])
    assert not leaky.zero_gradient_below_zero
    flat = rs.get_activation("leaky_relu", negative_slope=0.0)
    relu = rs.get_activation("relu")
    np.testing.assert_array_equal(flat(Z), relu(Z))
    np.testing.assert_array_equal(flat.derivative(Z), relu.derivative(Z))
    assert flat.zero_gradient_below_zero
    assert rs.get_activation("leaky_relu").params == {"negative_slope": 0.01}  # Maas et al.


def test_elu_selu_gelu_silu_reference_values():
    elu = rs.get_activation("elu")
    z = np.array([-2.0, -0.5])
    np.testing.assert_allclose(elu.derivative(z), elu(z) + 1.0)  # Clevert et al. 2016
    selu = rs.get_activation("selu")
    np.testing.assert_allclose(selu([1.0]), [1.0507], rtol=1e-4)
    np.testing.assert_allclose(selu([-50.0]), [-1.0507 * 1.67326], rtol=1e-4)
    gelu = rs.get_activation("gelu")
    np.testing.assert_allclose(gelu([1.0, -1.0]), [0.8413, -0.1587], atol=1e-4)
    grid = np.linspace(-3, 0, 300_001)
    assert gelu(grid).min() == pytest.approx(-0.16997, abs=1e-5)
    assert grid[np.argmin(gelu(grid))] == pytest.approx(-0.7518, abs=1e-3)
    silu = rs.get_activation("silu")
    assert silu(grid * 2).min() == pytest.approx(-0.27846, abs=1e-5)


def test_aliases_and_unknown_names():
    assert rs.get_activation("logistic") == rs.get_activation("sigmoid")
    assert rs.get_activation("swish").name == "silu"
    with pytest.raises(InvalidParameterError, match="activation='relu6'"):
        rs.get_activation("relu6")
    with pytest.raises(InvalidParameterError, match="negative_slope"):
        rs.get_activation("leaky_relu", negative_slope=2.0)


def test_activation_is_elementwise_on_any_shape():
    act = rs.get_activation("tanh")
    z = np.arange(24, dtype=float).reshape(2, 3, 4) / 10 - 1
    assert act(z).shape == z.shape and act.derivative(z).shape == z.shape
    np.testing.assert_allclose(act(z), np.tanh(z))
    assert act(np.array([1, 2])).dtype == np.float64


@pytest.mark.parametrize("name", rs.ACTIVATIONS)
def test_activations_pickle_by_name(name):
    import pickle

    act = rs.get_activation(name, negative_slope=0.2)
    clone = pickle.loads(pickle.dumps(act))
    assert clone == act
    np.testing.assert_array_equal(clone(Z), act(Z))


@pytest.mark.parametrize("name", rs.ACTIVATIONS)
def test_monotone_flag_tells_whether_the_derivative_dips_below_zero(name):
    act = rs.get_activation(name)
    assert act.monotone == bool(act.derivative(np.linspace(-10, 10, 10_001)).min() >= 0)
