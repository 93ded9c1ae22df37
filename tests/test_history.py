"""History: epoch indexing, frames with and without diagnostics, per-model trimming, the
one state per unit, off / revivals / recovered and the run's status."""

import numpy as np
import pandas as pd
import pytest

from reluscope.diagnostics import STATES, find_plateaus
from reluscope.engine import RunSpec, TrainConfig
from reluscope.experiment import train_runs
from reluscope.history import History

# a stall over epochs 3..17 of the running loss (its entry i is epoch i + 1)
STALL = [1.0, 0.8] + [0.79] * 15 + [0.5, 0.3, 0.2]


def _history(running_loss, records=None, hidden=(4,)):
    return History(hidden, running_loss, records or {}, "relu", (2, *hidden, 1))


def test_without_diagnostics_plateaus_are_in_epochs_not_in_list_positions():
    history = _history(STALL)
    assert find_plateaus(STALL) == [(2, 16)]
    assert history.plateaus() == [(3, 17)]
    epochs = history.epochs()
    assert epochs.loc[epochs["plateau"], "epoch"].tolist() == list(range(3, 18))
    assert np.isnan(epochs["loss"].iloc[0])
    np.testing.assert_array_equal(epochs["loss"].iloc[1:], STALL)


def test_with_diagnostics_plateaus_index_the_recorded_loss():
    loss = np.array([1.2, *STALL])  # row 0 is the loss at initialisation
    history = _history(STALL, {"loss": loss})
    assert history.plateaus() == find_plateaus(loss) == [(3, 17)]
    assert history.epochs()["plateau"].sum() == 15


def test_frames_without_diagnostics_are_empty_with_their_columns():
    history = _history([0.5, 0.4])
    assert not history.has_diagnostics
    assert history.layers().empty and {"dead", "grad_norm"} <= set(history.layers().columns)
    assert history.units().empty and {"on_rate", "dead"} <= set(history.units().columns)
    with pytest.raises(ValueError, match="keep_parameters"):
        history.parameters(0)


def test_histories_are_trimmed_to_each_models_epochs(moons):
    X, y = moons
    config = TrainConfig(
        hidden_layers=(6, 3),
        solver="sgd",
        batch_size=50,
        epochs=40,
        tol=1e-2,
        n_iter_no_change=2,
        keep_parameters=True,
    )
    specs = [
        RunSpec("relu", learning_rate=1e-6, seed=0),
        RunSpec("tanh", learning_rate=0.1, seed=1),
    ]
    slow, fast = (run.history for run in train_runs(X, y, specs, config))
    assert slow.n_epochs < fast.n_epochs
    for history in (slow, fast):
        n_rows = history.n_epochs + 1
        assert all(len(values) == n_rows for values in history.records.values())
        assert len(history.layers()) == 2 * n_rows
        assert len(history.units()) == 9 * n_rows
        assert history.units().groupby("epoch").size().eq(9).all()
    expected = f"History(activation='tanh', epochs={fast.n_epochs}, hidden_layers=(6, 3))"
    assert repr(fast) == expected


def test_parameter_snapshots_unpack_into_layers(moons):
    X, y = moons
    config = TrainConfig(hidden_layers=(5,), batch_size=300, epochs=2, keep_parameters=True)
    run = train_runs(X, y, [RunSpec("relu", seed=0)], config)[0]
    weights, biases = run.history.parameters(-1)[0]
    assert weights.shape == (2, 5) and biases.shape == (5,)
    for (w, b), (w_final, b_final) in zip(run.history.parameters(), run.parameters, strict=True):
        np.testing.assert_array_equal(w, w_final)
        np.testing.assert_array_equal(b, b_final)


@pytest.fixture(scope="module")
def born_off_runs(moons):
    """Runs of five activations from a bias offset that leaves many units off at birth."""
    X, y = moons
    config = TrainConfig(
        hidden_layers=(10, 6), solver="adam", batch_size=50, epochs=25, l2_penalty=0.0
    )
    activations = ("relu", "leaky_relu", "tanh", "sigmoid", "elu")
    specs = [RunSpec(name, bias_offset=-4.0, learning_rate=0.05) for name in activations]
    return {run.spec.activation: run.history for run in train_runs(X, y, specs, config)}


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "sigmoid", "elu"])
def test_one_state_per_unit_and_counts_that_partition_the_layer(born_off_runs, activation):
    history = born_off_runs[activation]
    units, layers = history.units(), history.layers()
    flags = units[["dead", "saturated", "inactive"]].to_numpy()
    expected = np.select(flags.T, ["dead", "saturated", "inactive"], default="alive")
    assert units["state"].tolist() == expected.tolist()
    state_columns = [f"state_{state}" for state in STATES]
    assert (layers[state_columns].sum(axis=1) == layers["units"]).all()
    counted = pd.crosstab([units["epoch"], units["layer"]], units["state"])
    for state in STATES:
        column = counted[state] if state in counted else 0
        np.testing.assert_array_equal(layers[f"state_{state}"], column)
    if activation in ("relu", "leaky_relu"):  # never saturated: dead or inactive instead
        assert not units["saturated"].any()
        assert (layers["state_inactive"] > 0).any() or (layers["state_dead"] > 0).any()
    if activation in ("tanh", "elu"):  # both saturate far out on their flat side
        assert (layers["state_saturated"] > 0).any() and (layers["state_inactive"] > 0).any()


@pytest.mark.parametrize(
    ("activation", "off_state"),
    [("relu", "dead"), ("leaky_relu", "inactive"), ("elu", "inactive"), ("tanh", "saturated")],
)
def test_off_revivals_and_recovered_follow_the_records(born_off_runs, activation, off_state):
    history = born_off_runs[activation]
    off = history.records[off_state]
    np.testing.assert_array_equal(history.off(), off)
    units, layers = history.units(), history.layers()
    np.testing.assert_array_equal(units["off"], off.reshape(-1))
    revived = off[:-1] & ~off[1:]
    per_layer = [slice(0, 10), slice(10, 16)]
    for layer, columns in enumerate(per_layer, start=1):
        rows = layers[layers["layer"] == layer]
        np.testing.assert_array_equal(rows["off"], off[:, columns].sum(axis=1))
        np.testing.assert_array_equal(rows["revivals"].iloc[1:], revived[:, columns].sum(axis=1))
        assert rows["revivals"].iloc[0] == 0
    np.testing.assert_array_equal(history.recovered(), off[0] & ~off[-1])
    np.testing.assert_array_equal(history.recovered(3), off[0] & ~off[3])


def test_leaky_units_revive_though_they_never_recover(born_off_runs):
    history = born_off_runs["leaky_relu"]
    layers = history.layers()
    assert layers["off"].iloc[0] > 0  # born inactive
    assert layers["recoveries"].sum() == 0 and layers["dead"].sum() == 0  # never dead
    assert layers["revivals"].sum() > 0
    assert history.recovered().sum() > 0


def test_status_carries_divergence_and_the_constant_predictors_loss(moons):
    X, y = moons
    config = TrainConfig(
        hidden_layers=(16,), solver="sgd", l2_penalty=1e-4, epochs=5, n_iter_no_change=np.inf
    )
    specs = [
        RunSpec("relu", init="sklearn", learning_rate=1e6),
        RunSpec("relu", init="sklearn", learning_rate=0.01),
    ]
    with pytest.warns(RuntimeWarning, match="Training diverged at epoch 1"):
        exploded, fine = train_runs(X, y, specs, config)
    assert exploded.diverged and exploded.history.diverged
    assert exploded.history.diverged_epoch == 1
    assert exploded.history.n_epochs == 5  # a finite explosion is flagged, not stopped
    assert np.isfinite(exploded.history.running_loss).all()
    assert exploded.history.running_loss[-1] > 1e90
    assert not fine.diverged and not fine.history.diverged and fine.history.diverged_epoch is None
    assert fine.history.constant_loss == pytest.approx(np.log(2))  # moons: half and half


def test_a_run_without_gradient_norms_has_the_same_unit_states_and_nan_norms(moons):
    from dataclasses import replace

    X, y = moons
    config = TrainConfig(hidden_layers=(6, 6), batch_size=16, epochs=5)
    specs = [RunSpec("relu", bias_offset=-1.0, seed=0), RunSpec("gelu", seed=1)]
    with_norms = train_runs(X, y, specs, config)
    without = train_runs(X, y, specs, replace(config, gradient_norms=False))
    for ours, reference in zip(without, with_norms, strict=True):
        assert "grad_norm" not in ours.history.records
        layers, expected = ours.history.layers(), reference.history.layers()
        assert layers["grad_norm"].isna().all()
        assert expected["grad_norm"].notna().all()
        pd.testing.assert_frame_equal(
            layers.drop(columns="grad_norm"), expected.drop(columns="grad_norm")
        )
