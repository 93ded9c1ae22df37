"""Tests for reluscope.theory: closed forms against REFERENCES, Monte Carlo against the forms."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from reluscope import theory
from reluscope.errors import InvalidParameterError
from reluscope.theory import (
    MonteCarloEstimate,
    bias_kill_probability,
    born_dead_probability,
    dead_first_layer_fraction,
    simulate_born_dead,
)

# REFERENCES: Lu, Shin, Su & Karniadakis 2020 (arXiv:1903.06733), depth 10
BORN_DEAD_DEPTH_10 = [(2, 0.944), (3, 0.737), (5, 0.272), (10, 0.0097)]
# REFERENCES: circle of radius 1, w ~ N(0, I₂)
BIAS_KILL = [(-1.0, 0.393), (-2.0, 0.865), (-3.0, 0.989)]


def uniform_square(n_points: int = 200, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n_points, 2))


def assert_within_stderr(estimate: MonteCarloEstimate, expected: float, k: float = 4.0) -> None:
    # the standard error at the expected value, so an estimate of 0 or 1 cannot pass by accident
    stderr = math.sqrt(expected * (1.0 - expected) / estimate.n_trials)
    assert abs(estimate.p - expected) <= k * stderr, (estimate, expected)


# ---------------------------------------------------------------- closed forms


@pytest.mark.parametrize(("width", "expected"), BORN_DEAD_DEPTH_10)
def test_born_dead_probability_matches_references(width, expected):
    assert born_dead_probability([width] * 10) == pytest.approx(expected, rel=5e-3)


def test_born_dead_probability_is_the_product_formula():
    assert born_dead_probability([1]) == 0.5
    assert born_dead_probability([4]) == 2.0**-4
    assert born_dead_probability((3, 1, 2)) == pytest.approx(1 - (7 / 8) * (1 / 2) * (3 / 4))
    # layers fail independently, so the order of the widths does not matter
    assert born_dead_probability([2, 5, 9]) == pytest.approx(born_dead_probability([9, 2, 5]))
    assert born_dead_probability(np.array([3, 3, 3])) == born_dead_probability([3, 3, 3])


def test_born_dead_probability_keeps_precision_for_wide_layers():
    # 1 − (1 − ε)³ ≈ 3ε, which naive 1 − prod(…) rounds to 0 for ε = 2⁻⁶⁰
    assert born_dead_probability([60] * 3) == pytest.approx(3 * 2.0**-60, rel=1e-12)


def test_born_dead_probability_grows_with_depth_and_falls_with_width():
    by_depth = [born_dead_probability([4] * depth) for depth in range(1, 30)]
    by_width = [born_dead_probability([width] * 10) for width in range(1, 30)]
    assert np.all(np.diff(by_depth) > 0) and by_depth[-1] > 0.8
    assert np.all(np.diff(by_width) < 0)


@pytest.mark.parametrize(("bias", "expected"), BIAS_KILL)
def test_bias_kill_probability_matches_references(bias, expected):
    assert bias_kill_probability(bias) == pytest.approx(expected, abs=5e-4)


def test_bias_kill_probability_is_vectorised_and_zero_for_positive_bias():
    biases = np.array([[-3.0, -1.0], [0.0, 2.0]])
    p = bias_kill_probability(biases)
    assert isinstance(p, np.ndarray) and p.shape == (2, 2)
    assert p[1].tolist() == [0.0, 0.0]
    assert p[0] == pytest.approx([1 - math.exp(-4.5), 1 - math.exp(-0.5)])
    assert isinstance(bias_kill_probability(-1.0), float)


def test_bias_kill_probability_depends_on_bias_over_radius_times_sigma():
    assert bias_kill_probability(-3.0, radius=2.0, sigma=0.5) == pytest.approx(
        bias_kill_probability(-3.0)
    )
    assert bias_kill_probability(-1.0, radius=2.0) == pytest.approx(bias_kill_probability(-0.5))


# ---------------------------------------------------------------- Monte Carlo


@pytest.mark.parametrize(
    ("widths", "seed"),
    [([2] * 10, 1), ([3] * 10, 2), ([5] * 5, 3), ([1, 2, 3, 4], 4), ([6] * 8, 5), ([10] * 10, 6)],
)
def test_single_point_monte_carlo_agrees_with_formula(widths, seed):
    estimate = simulate_born_dead(widths, 20_000, random_state=seed)
    assert_within_stderr(estimate, born_dead_probability(widths))


def test_single_point_probability_does_not_depend_on_input_dimension_or_scale():
    estimate = simulate_born_dead([3] * 6, 20_000, X=[[0.3, -2.0, 5.0]], random_state=7)
    assert_within_stderr(estimate, born_dead_probability([3] * 6))


def test_default_point_is_a_unit_vector_and_only_directions_matter():
    # zero biases make the network positively homogeneous: h(cx) = c·h(x) for c > 0
    widths, n = [3] * 8, 3000
    default = simulate_born_dead(widths, n, random_state=11)
    for X in ([[1.0, 0.0]], [[5.0, 0.0]], [[1.0, 0.0], [0.2, 0.0], [7.0, 0.0]]):
        assert simulate_born_dead(widths, n, X=X, random_state=11) == default


def test_a_point_at_the_origin_is_always_collapsed():
    assert simulate_born_dead([50, 50], 100, X=[[0.0, 0.0]], random_state=0).p == 1.0


def test_same_seed_same_estimate_and_different_seeds_differ():
    first = simulate_born_dead([4] * 6, 5000, X=uniform_square(), random_state=3)
    assert simulate_born_dead([4] * 6, 5000, X=uniform_square(), random_state=3) == first
    assert simulate_born_dead([4] * 6, 5000, X=uniform_square(), random_state=4) != first


def test_estimate_does_not_depend_on_chunking(monkeypatch):
    X = uniform_square(50)
    whole = simulate_born_dead([3] * 5, 700, X=X, random_state=5)
    # tiny chunks: many weight blocks and many activation chunks per block
    monkeypatch.setattr(theory, "_CHUNK_ELEMENTS", 4096)
    chunked = simulate_born_dead([3] * 5, 700, X=X, random_state=5)
    assert abs(chunked.p - whole.p) <= 4 * whole.stderr * math.sqrt(2)
    # same chunks, same draws
    assert simulate_born_dead([3] * 5, 700, X=X, random_state=5) == chunked


def test_collapse_on_a_data_set_is_rarer_than_at_each_of_its_points():
    # one seed draws the same networks whatever X is, so the events nest draw by draw
    X, widths, n = uniform_square(), [3] * 10, 4000
    on_data = simulate_born_dead(widths, n, X=X, random_state=8)
    at_points = [simulate_born_dead(widths, n, X=X[i : i + 1], random_state=8) for i in range(5)]
    assert all(on_data.n_events <= single.n_events for single in at_points)
    assert on_data.p < born_dead_probability(widths) - 8 * on_data.stderr


def test_data_set_monte_carlo_reproduces_references():
    # REFERENCES: all zero on 200 uniform points, depth 10: width 3 ≈ 0.57, width 10 < 1 %
    narrow = simulate_born_dead([3] * 10, 4000, X=uniform_square(), random_state=9)
    assert abs(narrow.p - 0.57) <= 4 * narrow.stderr + 0.005
    wide = simulate_born_dead([10] * 10, 4000, X=uniform_square(), random_state=9)
    assert wide.wilson_interval()[1] < 0.01


@pytest.mark.parametrize("bias", [-3.0, -2.0, -1.0, -0.5])
def test_first_layer_dead_fraction_agrees_with_closed_form(bias):
    estimate = dead_first_layer_fraction(bias, 20_000, random_state=12)
    assert_within_stderr(estimate, bias_kill_probability(bias))


def test_first_layer_dead_fraction_scales_with_radius_and_sigma():
    estimate = dead_first_layer_fraction(-2.0, 20_000, radius=2.0, sigma=0.5, random_state=13)
    assert_within_stderr(estimate, bias_kill_probability(-2.0))


def test_first_layer_units_never_die_without_a_negative_bias():
    assert dead_first_layer_fraction(0.0, 5000, random_state=0).n_events == 0
    assert dead_first_layer_fraction(0.5, 5000, random_state=0).n_events == 0


def test_first_layer_dead_fraction_is_monotone_in_bias_for_one_seed():
    counts = [dead_first_layer_fraction(b, 2000, random_state=1).n_events for b in (-3, -2, -1)]
    assert counts[0] > counts[1] > counts[2] > 0


# ---------------------------------------------------------------- MonteCarloEstimate


def test_estimate_p_stderr_and_wilson_interval():
    half = MonteCarloEstimate(5, 10)
    assert half.p == 0.5
    assert half.stderr == pytest.approx(math.sqrt(0.025))
    assert half.wilson_interval() == pytest.approx((0.2366, 0.7634), abs=1e-4)
    low, high = MonteCarloEstimate(0, 10).wilson_interval()
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    narrow = MonteCarloEstimate(5, 10).wilson_interval(confidence=0.5)
    assert half.wilson_interval()[0] < narrow[0] < 0.5 < narrow[1] < half.wilson_interval()[1]
    assert MonteCarloEstimate(10, 10).wilson_interval()[1] == 1.0
    assert "p=0.5" in repr(half) and "n_trials=10" in repr(half)


@pytest.mark.parametrize(("events", "trials"), [(1473, 2000), (3, 7), (1, 1000)])
def test_wilson_interval_is_the_closed_form(events, trials):
    z, p = 1.959963984540054, events / trials  # the 97.5 % normal quantile
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials**2))
    low, high = MonteCarloEstimate(events, trials).wilson_interval()
    assert low == pytest.approx(centre - half, rel=1e-12)
    assert high == pytest.approx(centre + half, rel=1e-12)


# ---------------------------------------------------------------- input validation


@pytest.mark.parametrize("widths", [[], [0], [3, -1], [2.5], [True, 2], "33", 3, [[2, 2]], None])
def test_bad_widths_are_rejected(widths):
    with pytest.raises(InvalidParameterError) as info:
        simulate_born_dead(widths, 10)
    assert info.value.field == "widths"
    with pytest.raises(InvalidParameterError):
        born_dead_probability(widths)


@pytest.mark.parametrize("n_trials", [0, -5, 10.0, True, "10", None])
def test_bad_n_trials_are_rejected(n_trials):
    with pytest.raises(InvalidParameterError) as info:
        simulate_born_dead([3], n_trials)
    assert info.value.field == "n_trials"


@pytest.mark.parametrize(
    "X", [[1.0, 2.0], np.zeros((0, 2)), np.zeros((3, 0)), [[1.0, np.nan]], [["a", "b"]]]
)
def test_bad_inputs_are_rejected(X):
    with pytest.raises(InvalidParameterError) as info:
        simulate_born_dead([3], 10, X=X)
    assert info.value.field == "X"


def test_input_dim_must_be_positive_and_match_X():
    with pytest.raises(InvalidParameterError, match="input_dim"):
        simulate_born_dead([3], 10, input_dim=0)
    with pytest.raises(InvalidParameterError, match="input_dim"):
        simulate_born_dead([3], 10, X=np.ones((4, 2)), input_dim=3)
    assert simulate_born_dead([3], 10, X=np.ones((4, 3)), input_dim=3).n_trials == 10


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bias": np.nan}, "bias"),
        ({"bias": [-1.0, np.inf]}, "bias"),
        ({"bias": -1.0, "radius": 0.0}, "radius"),
        ({"bias": -1.0, "sigma": -1.0}, "sigma"),
        ({"bias": -1.0, "sigma": math.inf}, "sigma"),
    ],
)
def test_bias_kill_probability_rejects_bad_values(kwargs, field):
    with pytest.raises(InvalidParameterError) as info:
        bias_kill_probability(**kwargs)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bias": math.nan, "n_units": 10}, "bias"),
        ({"bias": [-1.0], "n_units": 10}, "bias"),
        ({"bias": -1.0, "n_units": 0}, "n_units"),
        ({"bias": -1.0, "n_units": 10, "n_points": 0}, "n_points"),
        ({"bias": -1.0, "n_units": 10, "radius": -1.0}, "radius"),
    ],
)
def test_dead_first_layer_fraction_rejects_bad_values(kwargs, field):
    with pytest.raises(InvalidParameterError) as info:
        dead_first_layer_fraction(**kwargs)
    assert info.value.field == field


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, "high"])
def test_bad_confidence_is_rejected(confidence):
    with pytest.raises(InvalidParameterError, match="confidence"):
        MonteCarloEstimate(3, 10).wilson_interval(confidence)


# ---------------------------------------------------------------- module


def test_docstring_examples_exist():
    # pytest's --doctest-modules runs them (once); here only that there are some to run
    examples = [test for test in doctest.DocTestFinder().find(theory) if test.examples]
    assert len(examples) >= 4
