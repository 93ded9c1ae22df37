"""A training so far: the history of a stack that is still training, as a comparison.

The dashboard draws a long training's curves while it runs. The engine hands every epoch's
state to :data:`reluscope.engine.EPOCH_WATCH`; :func:`snapshot` turns it into a
:class:`~reluscope.experiment.Comparison` of the epochs recorded so far, reading the state
and copying what it keeps, so watching never changes the training (the finished run is
identical to one trained unwatched).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from reluscope.experiment import Comparison, RunResult
from reluscope.history import histories_from_state

__all__ = ["snapshot"]


def snapshot(state, hidden_layers, activations, seeds) -> Comparison:
    """The epochs ``state`` has recorded so far, as a comparison of histories only.

    Parameters
    ----------
    state : reluscope.engine.TrainState
        A stack that :func:`reluscope.experiment.compare` is training: its models are every
        activation of the first seed, then of the next seed, and so on.
    hidden_layers : tuple of int
    activations, seeds : sequence
        As given to ``compare`` (activation names canonical, duplicates dropped).

    Returns
    -------
    Comparison
        ``runs`` hold each model's history up to the last recorded epoch (no parameter
        snapshots, no final parameters); ``train``, ``test`` and ``config`` are ``None``.
    """
    keys = [(activation, seed) for seed in seeds for activation in activations]
    if len(keys) != state.network.n_models:
        raise ValueError(f"{len(keys)} activation × seed pairs for {state.network.n_models} models")
    # epoch 0 and every epoch whose full-data record is in (one-batch training records an
    # epoch's state at the start of the next)
    recorded = max(len(state.records) - 1, 0)
    so_far = SimpleNamespace(
        network=state.network,
        loss_curve=state.loss_curve[:recorded],
        records=[
            {name: value for name, value in entry.items() if name != "parameters"}
            for entry in state.records[: recorded + 1]
        ],
        epochs_run=np.minimum(state.epochs_run, recorded),
        diverged_epoch=None if state.diverged_epoch is None else state.diverged_epoch.copy(),
        constant_loss=state.constant_loss,
    )
    if so_far.diverged_epoch is not None:
        so_far.diverged_epoch[so_far.diverged_epoch > recorded] = -1
    histories = histories_from_state(so_far, hidden_layers)  # the network's own activations
    runs = {
        key: RunResult(None, history, None, history.diverged)
        for key, history in zip(keys, histories, strict=True)
    }
    return Comparison(None, None, tuple(activations), tuple(seeds), runs, None)
