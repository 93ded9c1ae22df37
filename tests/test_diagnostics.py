"""Diagnostics: the definitions of DESIGN.md, and the dying-ReLU story they must show."""

import warnings

import numpy as np
import pytest

import reluscope as rs
from reluscope.diagnostics import (
    DIVERGENCE_FACTOR,
    STATES,
    diverged,
    events,
    find_plateaus,
    off_units,
    plateau_mask,
    plateau_window,
    recovered,
    revivals,
    state_codes,
    unit_states,
)


@pytest.fixture(scope="module")
def scaled_moons():
    from sklearn.datasets import make_moons
    from sklearn.preprocessing import StandardScaler

    X, y = make_moons(300, noise=0.2, random_state=0)
    return StandardScaler().fit_transform(X), y


def _fit(X, y, **params):
    settings = dict(
        hidden_layer_sizes=(64,),
        init="he_normal",
        batch_size=32,
        max_iter=300,
        n_iter_no_change=np.inf,
        alpha=0.0,
        random_state=0,
    )
    settings.update(params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rs.MLPClassifier(**settings).fit(X, y)


# -- pure functions -----------------------------------------------------------------------------


def test_unit_states_follow_the_definitions():
    z = np.array([[-1.0, 2.0, -3.0, 20.0], [-2.0, -1.0, 0.0, 30.0], [-0.5, 0.5, -1.0, 25.0]])
    relu = rs.get_activation("relu")
    states = unit_states(z, relu)
    np.testing.assert_allclose(states.on_rate, [0, 2 / 3, 0, 1])
    np.testing.assert_array_equal(states.inactive, [True, False, True, False])
    np.testing.assert_array_equal(states.dead, [True, False, True, False])
    assert not states.saturated.any()  # a ReLU on its flat side is dead, never saturated
    assert [STATES[code] for code in states.state] == ["dead", "alive", "dead", "alive"]
    sigmoid = rs.get_activation("sigmoid")
    states = unit_states(z, sigmoid)
    np.testing.assert_array_equal(states.dead, [False] * 4)
    np.testing.assert_array_equal(states.saturated, [False, False, False, True])
    assert [STATES[code] for code in states.state] == [
        "inactive",
        "alive",
        "inactive",
        "saturated",
    ]
    leaky = rs.get_activation("leaky_relu", negative_slope=0.01)  # slope 1 % of its peak
    states = unit_states(z, leaky, leaky.derivative(z))
    np.testing.assert_array_equal(states.inactive, [True, False, True, False])
    assert not states.dead.any()
    assert not states.saturated.any()  # constant slope: inactive, not saturated
    tanh = rs.get_activation("tanh")
    states = unit_states(z, tanh)
    np.testing.assert_array_equal(states.saturated, [False, False, False, True])


def test_unit_states_older_form_still_works_with_a_future_warning():
    z = np.array([[-1.0, 20.0], [-2.0, 30.0]])
    sigmoid = rs.get_activation("sigmoid")
    with pytest.warns(FutureWarning, match="pass the Activation"):
        states = unit_states(z, sigmoid.derivative(z), sigmoid.peak_slope)
    expected = unit_states(z, sigmoid)
    for name in ("on_rate", "inactive", "dead", "saturated"):
        np.testing.assert_array_equal(getattr(states, name), getattr(expected, name))


def test_one_state_per_unit_in_priority_order():
    dead = np.array([1, 1, 1, 0, 0, 0, 0], dtype=bool)
    saturated = np.array([1, 0, 1, 1, 1, 0, 0], dtype=bool)
    inactive = np.array([1, 1, 0, 1, 0, 1, 0], dtype=bool)
    codes = state_codes(dead, saturated, inactive)
    assert [STATES[code] for code in codes] == [
        "dead",
        "dead",
        "dead",
        "saturated",
        "saturated",
        "inactive",
        "alive",
    ]


@pytest.mark.parametrize(
    ("name", "off_state"),
    [
        ("relu", "dead"),
        ("leaky_relu", "inactive"),
        ("elu", "inactive"),
        ("selu", "inactive"),
        ("gelu", "inactive"),
        ("silu", "inactive"),
        ("softplus", "inactive"),
        ("sigmoid", "saturated"),
        ("tanh", "saturated"),
        ("identity", None),
    ],
)
def test_off_is_the_flat_side_of_each_activation(name, off_state):
    act = rs.get_activation(name)
    assert act.off_state == off_state
    assert act.saturates == (name not in ("relu", "leaky_relu", "identity"))
    flags = {
        "dead": np.array([True, False, False, False]),
        "inactive": np.array([True, True, False, False]),
        "saturated": np.array([False, False, True, False]),
    }
    expected = flags[off_state] if off_state else np.zeros(4, dtype=bool)
    np.testing.assert_array_equal(off_units(act, **flags), expected)
    assert rs.get_activation("leaky_relu", negative_slope=0.0).off_state == "dead"  # a ReLU


def test_revivals_and_recovered_by_epoch():
    off = np.array([[1, 1, 0, 1], [0, 1, 1, 1], [1, 0, 0, 1], [0, 0, 0, 1]], dtype=bool)
    np.testing.assert_array_equal(revivals(off).sum(axis=1), [0, 1, 2, 1])
    np.testing.assert_array_equal(recovered(off), [True, True, False, False])
    np.testing.assert_array_equal(recovered(off, epoch=2), [False, True, False, False])
    np.testing.assert_array_equal(recovered(off, epoch=0), [False] * 4)


def test_divergence_rule():
    reference = np.array([0.7, 0.7, 0.7, 0.7, 2.0])
    loss = np.array([0.7 * DIVERGENCE_FACTOR, 0.71 * DIVERGENCE_FACTOR, np.nan, -np.inf, 3e4])
    np.testing.assert_array_equal(diverged(loss, reference), [False, True, True, True, True])
    assert DIVERGENCE_FACTOR == 1e4


def test_events_count_deaths_and_recoveries():
    dead = np.array([[0, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 1]], dtype=bool)
    deaths, recoveries = events(dead)
    np.testing.assert_array_equal(deaths.sum(axis=1), [0, 1, 0, 1])
    np.testing.assert_array_equal(recoveries.sum(axis=1), [0, 1, 1, 1])


def test_plateaus_need_length_and_a_later_improvement():
    stall_then_drop = [1.0, 0.8] + [0.79] * 15 + [0.5, 0.3, 0.2]
    assert find_plateaus(stall_then_drop, min_epochs=10) == [(2, 16)]
    assert find_plateaus(stall_then_drop, min_epochs=20) == []
    converged = [1.0, 0.5, 0.3] + [0.2] * 30  # flat at the end: convergence, not a plateau
    assert find_plateaus(converged) == []
    assert find_plateaus([1.0, 1.0]) == []
    np.testing.assert_array_equal(plateau_mask(5, [(1, 2)]), [False, True, True, False, False])


# -- the story on a real network ------------------------------------------------------------------


def test_large_negative_bias_kills_every_relu_and_plain_sgd_never_revives_it(scaled_moons):
    X, y = scaled_moons
    clf = _fit(
        X,
        y,
        activation="relu",
        bias_offset=-20.0,
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.1,
        max_iter=50,
    )
    layers = clf.history_.layers()
    first = layers[layers["layer"] == 1]
    assert first["dead"].iloc[0] == 64  # born dead: every unit
    assert (np.diff(first["dead"].to_numpy()) >= 0).all()  # the dead count never falls
    assert first["recoveries"].sum() == 0
    assert (first["grad_norm"] == 0).all()  # dead units get exactly zero gradient


def test_leaky_units_are_inactive_but_never_dead_and_keep_a_gradient(scaled_moons):
    X, y = scaled_moons
    clf = _fit(
        X,
        y,
        activation="leaky_relu",
        negative_slope=0.1,
        bias_offset=-20.0,
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.1,
        max_iter=20,
    )
    layers = clf.history_.layers()
    assert layers["inactive"].iloc[0] == 64
    assert layers["dead"].sum() == 0
    assert (layers["grad_norm"] > 0).all()


@pytest.mark.slow
def test_recovery_needs_more_than_a_leak(scaled_moons):
    # REFERENCES.md "Observed with reluscope": moons 300, one layer of 64, He-normal, offset -3,
    # 300 epochs. Plain SGD brings almost no leaky unit back; Adam brings most back;
    # born-dead ReLUs stay dead under both.
    X, y = scaled_moons

    def recovered_share(**params):
        records = _fit(X, y, bias_offset=-3.0, **params).history_.records
        born = records["inactive"][0]
        assert born.sum() >= 20
        return (born & ~records["inactive"][-1]).sum() / born.sum(), records

    sgd = dict(solver="sgd", momentum=0.0, learning_rate_init=0.05)
    adam = dict(solver="adam", learning_rate_init=0.01)
    share, _ = recovered_share(activation="leaky_relu", negative_slope=0.1, **sgd)
    assert share < 0.1
    share, _ = recovered_share(activation="leaky_relu", negative_slope=0.1, **adam)
    assert share > 0.8
    for optimiser in (sgd, adam):
        share, records = recovered_share(activation="relu", **optimiser)
        assert share == 0
        born_dead = records["dead"][0]
        assert records["dead"][-1][born_dead].all()


@pytest.mark.parametrize("batch_size", [32, 1000])
def test_last_epoch_dead_count_matches_the_final_weights(scaled_moons, batch_size):
    X, y = scaled_moons
    clf = _fit(
        X,
        y,
        hidden_layer_sizes=(32, 16),
        activation="relu",
        bias_offset=-1.0,
        solver="sgd",
        learning_rate_init=0.3,
        max_iter=40,
        batch_size=batch_size,
    )
    z1 = X @ clf.coefs_[0] + clf.intercepts_[0]
    z2 = np.maximum(z1, 0) @ clf.coefs_[1] + clf.intercepts_[1]
    expected = [int((z1.max(axis=0) <= 0).sum()), int((z2.max(axis=0) <= 0).sum())]
    last = clf.history_.layers().query(f"epoch == {clf.n_iter_}")
    assert last["dead"].tolist() == expected
    on_rate = clf.history_.units().query(f"epoch == {clf.n_iter_} and layer == 1")["on_rate"]
    np.testing.assert_allclose(on_rate, (z1 > 0).mean(axis=0), atol=1e-6)


def test_epoch_zero_is_the_initial_state(scaled_moons):
    X, y = scaled_moons
    clf = rs.MLPClassifier(
        (16,), init="he_normal", bias_offset=-2.0, max_iter=1, random_state=0, keep_parameters=True
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    weights, biases = clf.history_.parameters(0)[0]
    z = X @ weights + biases
    assert clf.history_.layers()["dead"].iloc[0] == (z.max(axis=0) <= 0).sum()
    np.testing.assert_allclose(biases, -2.0)  # He init: zero biases, plus the offset


def test_history_frames_are_tidy(scaled_moons):
    X, y = scaled_moons
    clf = _fit(
        X,
        y,
        hidden_layer_sizes=(6, 4),
        activation="tanh",
        solver="adam",
        max_iter=7,
        learning_rate_init=0.01,
    )
    epochs, layers, units = clf.history_.epochs(), clf.history_.layers(), clf.history_.units()
    assert len(epochs) == 8 and epochs["epoch"].tolist() == list(range(8))
    assert np.isnan(epochs["running_loss"].iloc[0])
    np.testing.assert_allclose(epochs["running_loss"].iloc[1:], clf.loss_curve_)
    assert len(layers) == 8 * 2
    assert set(layers.columns) >= {
        "epoch",
        "layer",
        "units",
        "dead",
        "inactive",
        "saturated",
        "deaths",
        "recoveries",
        "grad_norm",
        "mean_activation",
        "on_rate",
    }
    assert len(units) == 8 * 10
    assert units.groupby(["epoch", "layer"]).size().tolist() == [6, 4] * 8


def test_saturation_threshold_is_five_percent_of_the_peak_slope():
    # sigmoid units over z in [3, 4] (σ′ ≤ 18 % of its peak), [6, 7] (≤ 1 %), [2, 2.5] (≤ 42 %)
    z = np.array([[3.0, 6.0, 2.0], [3.5, 6.5, 2.2], [4.0, 7.0, 2.5]])
    sigmoid = rs.get_activation("sigmoid")
    np.testing.assert_array_equal(unit_states(z, sigmoid).saturated, [False, True, False])
    tanh = rs.get_activation("tanh")  # tanh′(1.5) ≈ 18 %, tanh′(2.5) ≈ 2.7 % of its peak
    np.testing.assert_array_equal(unit_states(np.array([[1.5], [2.5]]), tanh).saturated, [False])
    np.testing.assert_array_equal(unit_states(np.array([[2.5], [3.0]]), tanh).saturated, [True])


def test_a_stuck_plateau_needs_a_high_loss():
    stuck = [0.9, 0.7] + [0.69] * 12
    assert find_plateaus(stuck) == []  # without the constant predictor's loss: convergence
    assert find_plateaus(stuck, constant_loss=0.69) == [(2, 13)]
    assert find_plateaus(stuck, constant_loss=0.69 / 0.79) == []  # 0.69 is < 80 % of it
    assert find_plateaus(stuck[:-5], constant_loss=0.69) == []  # 7 flat epochs < k
    converged = [1.0, 0.5, 0.3] + [0.2] * 30
    assert find_plateaus(converged, constant_loss=0.69) == []  # flat but low: converged
    # stuck, then a run that goes on falling: only a stall followed by a drop is a plateau
    assert find_plateaus([0.69] * 12 + [0.6, 0.5, 0.4], constant_loss=0.69) == [(0, 11)]
    # a high stall counts even when the fall after it has only begun when the run ends
    assert find_plateaus([0.69] * 12 + [0.68] * 3, constant_loss=0.69) == [(0, 11)]
    assert find_plateaus([0.69] * 12 + [0.68] * 3) == []  # a 1.4 % fall is too small


def test_smoothing_is_a_centred_median_picked_from_the_noise():
    noisy = [1.0, 0.8] + [0.79, 0.7905] * 8 + [0.5, 0.3]  # rises and falls of 6e-4 < τ
    assert find_plateaus(noisy, smoothing=1) == [(2, 17)]
    assert plateau_window(noisy) == 4  # the alternation is noise: a 4-epoch median
    assert find_plateaus(noisy) == [(2, 16)]
    # one fall of 0.4 % > τ between two flat runs: together they do not fall, so they merge
    noisy[9] = 0.787
    assert find_plateaus(noisy, smoothing=1) == [(2, 17)]
    # a spike leaves the median, so the stall is found whole; a clean curve keeps w = 1
    spiky = [1.0, 0.8] + [0.79] * 7 + [5.0] + [0.79] * 7 + [0.5, 0.3]
    assert plateau_window(spiky) == 1
    assert find_plateaus(spiky) == find_plateaus(spiky, smoothing=3) == [(2, 16)]
    with pytest.raises(ValueError, match="smoothing"):
        find_plateaus(noisy, smoothing=0)


def test_a_diverged_curve_has_no_plateau_after_its_first_non_finite_loss():
    curve = [0.9, 0.7] + [0.69] * 12 + [np.inf] + [0.69] * 20
    assert find_plateaus(curve, constant_loss=0.69) == [(2, 13)]
    assert find_plateaus([np.nan, np.nan]) == []


@pytest.mark.parametrize("diagnostics", [True, False])
def test_a_born_dead_network_is_a_stuck_plateau_to_the_last_epoch(scaled_moons, diagnostics):
    # real minibatch curves: every ReLU dead, the output bias alone learns the class shares,
    # and the loss wanders around the constant predictor's ln 2 for the rest of the run
    X, y = scaled_moons
    dead = dict(activation="relu", bias_offset=-20.0, solver="sgd", max_iter=100)
    history = _fit(
        X, y, momentum=0.0, learning_rate_init=0.1, diagnostics=diagnostics, **dead
    ).history_
    assert history.constant_loss == pytest.approx(np.log(2))
    first_epoch = 0 if diagnostics else 1  # without diagnostics the curve starts at epoch 1
    assert history.plateaus() == [(first_epoch, 100)]
    assert history.epochs()["plateau"].iloc[first_epoch:].all()
    # with momentum the loss moves by more than τ from one epoch to the next: unsmoothed, the
    # stall falls apart into pieces; the window picked from the noise finds it whole
    noisy = _fit(
        X, y, momentum=0.9, learning_rate_init=0.2, diagnostics=diagnostics, **dead
    ).history_
    assert plateau_window(noisy.loss[first_epoch:]) > 1
    assert noisy.plateaus() == [(first_epoch, 100)]
    assert noisy.plateaus(smoothing=10) == [(first_epoch, 100)]


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_run_that_learns_has_no_stuck_plateau(scaled_moons, solver):
    X, y = scaled_moons
    rate = {"sgd": 0.05, "adam": 0.01}[solver]
    clf = _fit(X, y, activation="relu", solver=solver, learning_rate_init=rate, max_iter=300)
    assert clf.history_.plateaus() == []
    assert clf.history_.loss[-1] < 0.2 * clf.history_.constant_loss
