"""Initialisers: each scheme's variance, scikit-learn's draw, and where the bias offset goes."""

import math
from itertools import pairwise

import numpy as np
import pytest

import reluscope as rs
from reluscope.errors import InvalidParameterError
from reluscope.init import INITS, initial_parameters

# fan_in far from fan_out, so a variance computed from the wrong one is off by a factor of 10
LAYER_UNITS = (400, 40, 400, 1)


def _draw(init, activation="relu", bias_offset=0.0, seed=0, **params):
    return initial_parameters(
        LAYER_UNITS,
        init,
        rs.get_activation(activation, **params),
        np.random.RandomState(seed),
        bias_offset=bias_offset,
    )


def _expected_std(init, fan_in, fan_out, leak=0.0):
    return {
        "he_normal": math.sqrt(2.0 / ((1.0 + leak**2) * fan_in)),
        "he_uniform": math.sqrt(2.0 / ((1.0 + leak**2) * fan_in)),
        "glorot_normal": math.sqrt(2.0 / (fan_in + fan_out)),
        "glorot_uniform": math.sqrt(2.0 / (fan_in + fan_out)),
        "lecun_normal": math.sqrt(1.0 / fan_in),
        "sklearn": math.sqrt(2.0 / (fan_in + fan_out)),  # U(±√(6/(fan_in+fan_out)))
    }[init]


@pytest.mark.parametrize("init", INITS)
def test_weight_variance_follows_each_scheme(init):
    layers = _draw(init)
    for (fan_in, fan_out), (weights, _) in zip(pairwise(LAYER_UNITS[:3]), layers[:2], strict=True):
        assert weights.shape == (fan_in, fan_out)
        assert weights.mean() == pytest.approx(0.0, abs=0.05 * weights.std())
        assert weights.std() == pytest.approx(_expected_std(init, fan_in, fan_out), rel=0.03)


@pytest.mark.parametrize("init", ["he_normal", "he_uniform"])
def test_he_corrects_for_the_leak(init):
    weights = _draw(init, "leaky_relu", negative_slope=0.5)[0][0]
    assert weights.std() == pytest.approx(_expected_std(init, 400, 40, leak=0.5), rel=0.03)
    # the correction belongs to leaky ReLU only
    assert _draw(init, "tanh")[0][0].std() == pytest.approx(_expected_std(init, 400, 40), rel=0.03)


def test_uniform_schemes_stay_inside_their_bound():
    he = _draw("he_uniform")[0][0]
    assert np.abs(he).max() <= math.sqrt(6.0 / 400)
    assert np.abs(he).max() > 0.99 * math.sqrt(6.0 / 400)
    glorot = _draw("glorot_uniform")[0][0]
    assert np.abs(glorot).max() <= math.sqrt(6.0 / 440)


def test_sklearn_scheme_uses_factor_two_for_sigmoid_and_draws_biases():
    sigmoid = _draw("sklearn", "sigmoid")
    bound = math.sqrt(2.0 / 440)
    assert np.abs(sigmoid[0][0]).max() <= bound and np.abs(sigmoid[0][1]).max() <= bound
    assert sigmoid[0][0].std() == pytest.approx(bound / math.sqrt(3), rel=0.03)
    assert np.abs(sigmoid[0][1]).max() > 0  # scikit-learn draws the biases too


@pytest.mark.parametrize("init", sorted(set(INITS) - {"sklearn"}))
def test_bias_offset_reaches_every_hidden_layer_and_never_the_output(init):
    layers = _draw(init, bias_offset=-3.0)
    for _, biases in layers[:-1]:
        np.testing.assert_array_equal(biases, -3.0)
    np.testing.assert_array_equal(layers[-1][1], 0.0)


def test_bias_offset_is_added_to_scikit_learns_drawn_biases():
    plain, shifted = _draw("sklearn"), _draw("sklearn", bias_offset=-2.0)
    for (w0, b0), (w1, b1) in zip(plain[:-1], shifted[:-1], strict=True):
        np.testing.assert_array_equal(w1, w0)  # the offset draws nothing
        np.testing.assert_allclose(b1, b0 - 2.0)
    np.testing.assert_array_equal(shifted[-1][0], plain[-1][0])
    np.testing.assert_array_equal(shifted[-1][1], plain[-1][1])


def test_sklearn_scheme_is_scikit_learns_draw():
    import warnings

    from sklearn.neural_network import MLPClassifier

    X = np.random.default_rng(0).normal(size=(30, 4))
    y = np.arange(30) % 2
    reference = MLPClassifier((7, 5), max_iter=1, learning_rate_init=1e-300, random_state=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference.fit(X, y)
    ours = initial_parameters(
        (4, 7, 5, 1), "sklearn", rs.get_activation("relu"), np.random.RandomState(3)
    )
    for (weights, biases), w_ref, b_ref in zip(
        ours, reference.coefs_, reference.intercepts_, strict=True
    ):
        np.testing.assert_allclose(weights, w_ref, rtol=1e-12)
        np.testing.assert_allclose(biases, b_ref, rtol=1e-12)


def test_same_generator_state_gives_the_same_draw_and_dtype_is_kept():
    first = initial_parameters(
        (3, 4, 1), "he_normal", rs.get_activation("relu"), np.random.RandomState(5)
    )
    second = initial_parameters(
        (3, 4, 1),
        "he_normal",
        rs.get_activation("relu"),
        np.random.RandomState(5),
        dtype=np.float32,
    )
    for (w0, b0), (w1, b1) in zip(first, second, strict=True):
        np.testing.assert_array_equal(b1, b0)
        assert w1.dtype == b1.dtype == np.float32
        np.testing.assert_allclose(w1, w0, rtol=1e-6)


def test_unknown_scheme_is_refused():
    with pytest.raises(InvalidParameterError, match="init='orthogonal'"):
        _draw("orthogonal")
