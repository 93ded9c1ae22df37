"""History: epoch indexing, frames with and without diagnostics, per-model trimming."""

import numpy as np
import pytest

from reluscope.diagnostics import find_plateaus
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
        hidden_layer_sizes=(6, 3),
        solver="sgd",
        batch_size=50,
        max_iter=40,
        tol=1e-2,
        n_iter_no_change=2,
        keep_parameters=True,
    )
    specs = [
        RunSpec("relu", learning_rate=1e-6, random_state=0),
        RunSpec("tanh", learning_rate=0.1, random_state=1),
    ]
    slow, fast = (run.history for run in train_runs(X, y, specs, config))
    assert slow.n_epochs < fast.n_epochs
    for history in (slow, fast):
        n_rows = history.n_epochs + 1
        assert all(len(values) == n_rows for values in history.records.values())
        assert len(history.layers()) == 2 * n_rows
        assert len(history.units()) == 9 * n_rows
        assert history.units().groupby("epoch").size().eq(9).all()
    expected = f"History(activation='tanh', epochs={fast.n_epochs}, hidden_layer_sizes=(6, 3))"
    assert repr(fast) == expected


def test_parameter_snapshots_unpack_into_layers(moons):
    X, y = moons
    config = TrainConfig(hidden_layer_sizes=(5,), batch_size=300, max_iter=2, keep_parameters=True)
    run = train_runs(X, y, [RunSpec("relu", random_state=0)], config)[0]
    weights, biases = run.history.parameters(-1)[0]
    assert weights.shape == (2, 5) and biases.shape == (5,)
    for (w, b), (w_final, b_final) in zip(run.history.parameters(), run.parameters, strict=True):
        np.testing.assert_array_equal(w, w_final)
        np.testing.assert_array_equal(b, b_final)
