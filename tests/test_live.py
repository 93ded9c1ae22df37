"""Training you can watch: snapshots of a training in progress, and the dashboard's live curves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reluscope import compare, engine, live, make_dataset
from reluscope.frames import training_curves

ACTIVATIONS = ("relu", "leaky_relu", "tanh")
SEEDS = (0, 1)


def watched(data, **kwargs):
    """``compare`` with a watcher that snapshots every epoch; the result and the snapshots."""
    snapshots = []

    def watch(state):
        snapshots.append(live.snapshot(state, kwargs["hidden_layers"], ACTIVATIONS, SEEDS))

    token = engine.EPOCH_WATCH.set(watch)
    try:
        result = compare(data, activations=ACTIVATIONS, seeds=SEEDS, **kwargs)
    finally:
        engine.EPOCH_WATCH.reset(token)
    return result, snapshots


@pytest.mark.parametrize("batch_size", [16, 512])  # minibatches, and one batch of all the data
def test_a_watched_training_is_identical_to_one_trained_in_one_go(batch_size):
    data = make_dataset("moons", n_samples=160, noise=0.2, random_state=0)
    settings = dict(hidden_layers=(6, 5), epochs=7, batch_size=batch_size, bias_offset=-1.0)
    result, snapshots = watched(data, **settings)
    plain = compare(data, activations=ACTIVATIONS, seeds=SEEDS, **settings)
    assert len(snapshots) == 7
    for key, run in plain.runs.items():
        history = result.runs[key].history
        assert history.records.keys() == run.history.records.keys()
        for name, values in run.history.records.items():
            np.testing.assert_array_equal(history.records[name], values, err_msg=name)
        np.testing.assert_array_equal(history.running_loss, run.history.running_loss)
    # each snapshot is the finished history cut at the epochs recorded so far, in order
    recorded = [snapshot.n_epochs for snapshot in snapshots]
    assert recorded == sorted(recorded) and recorded[-1] >= 6
    for snapshot in snapshots:
        for key, run in plain.runs.items():
            so_far = snapshot.runs[key].history
            n = so_far.n_epochs
            assert so_far.activation == run.history.activation
            assert "parameters" not in so_far.records
            for name in ("loss", "dead", "on_rate"):
                np.testing.assert_array_equal(
                    so_far.records[name], run.history.records[name][: n + 1]
                )
            np.testing.assert_array_equal(so_far.running_loss, run.history.running_loss[:n])
        curves = training_curves(snapshot)  # what the dashboard draws from it
        assert curves.loss["epoch"].max() == snapshot.n_epochs


def test_a_snapshot_needs_the_stack_it_was_made_for():
    data = make_dataset("moons", n_samples=60, random_state=0)
    states = []
    token = engine.EPOCH_WATCH.set(states.append)
    try:
        compare(data, activations=("relu",), hidden_layers=(4,), epochs=1)
    finally:
        engine.EPOCH_WATCH.reset(token)
    with pytest.raises(ValueError, match="models"):
        live.snapshot(states[0], (4,), ACTIVATIONS, SEEDS)


def test_the_dashboard_draws_the_curves_of_a_long_training_as_it_runs(monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from reluscope.ui import services

    st.cache_data.clear()
    st.cache_resource.clear()
    drawn = []
    original = services.LiveCurves.__call__

    def recording(self, state):
        before = self._last
        original(self, state)
        if self._last != before:
            drawn.append(len(state.loss_curve))

    monkeypatch.setattr(services, "LIVE_DELAY", 0.0)
    monkeypatch.setattr(services, "LIVE_EVERY", 0.0)
    monkeypatch.setattr(services.LiveCurves, "__call__", recording)
    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=300)
    at.query_params.update({"epochs": "15", "n_samples": "120", "hidden_layers": "8x8"})
    at.run()
    assert not at.exception and not at.error
    assert drawn == list(range(1, 16))  # every epoch, while training
    assert not any(c.value.startswith("Training: epoch") for c in at.caption)  # gone after
    drawn.clear()
    at.toggle(key="log_loss").set_value(True).run()  # a cache hit trains nothing, draws nothing
    assert drawn == []
