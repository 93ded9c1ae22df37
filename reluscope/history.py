"""Per-epoch records of one model, turned into tidy DataFrames on request.

Row epoch 0 is the state at initialisation; row t the state after epoch t's updates. pandas is
imported only when a frame is asked for. Every word (dead, inactive, saturated, state, off,
revival, recovered, plateau, diverged) is defined in ``reluscope.diagnostics``.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from reluscope.activations import get_activation
from reluscope.diagnostics import (
    STATES,
    events,
    find_plateaus,
    off_units,
    plateau_mask,
    recovered,
    revivals,
    state_codes,
)

__all__ = ["History", "histories_from_state"]

_PER_EPOCH = ("loss", "val_loss", "score", "val_score")
_PER_UNIT = ("on_rate", "dead", "inactive", "saturated")
_LAYER_COLUMNS = (
    "epoch",
    "layer",
    "units",
    "dead",
    "inactive",
    "saturated",
    *(f"state_{state}" for state in STATES),
    "off",
    "deaths",
    "recoveries",
    "revivals",
    "grad_norm",
    "mean_activation",
    "on_rate",
    "dead_fraction",
)


class History:
    """Training history of one model.

    Parameters
    ----------
    hidden_layers : tuple of int
    running_loss : ndarray (n_epochs,)
        scikit-learn's ``loss_curve_``: the mean minibatch loss during each epoch.
    records : dict of ndarray
        Epoch-major arrays (n_epochs + 1, ...): loss, score, [val_loss, val_score],
        [grad_norm (…, n_layers + 1)], mean_activation (…, n_hidden), on_rate / dead / inactive /
        saturated (…, total_hidden_units), [parameters (…, P)]. Empty when diagnostics are off.
    activation : str or Activation
        The hidden activation (an Activation keeps its parameters, which decide *off*).
    layer_units : tuple of int
        ``[n_features, *hidden, n_outputs]``, to unpack parameter snapshots.
    constant_loss : float, optional
        Loss of the best constant prediction on the training data: what a *stuck* plateau is
        measured against.
    diverged_epoch : int, optional
        First epoch at which the run diverged; None when it did not.

    Attributes
    ----------
    diverged : bool
        Whether the run diverged (``diverged_epoch`` is set).
    """

    def __init__(
        self,
        hidden_layers,
        running_loss,
        records,
        activation,
        layer_units,
        *,
        constant_loss: float | None = None,
        diverged_epoch: int | None = None,
    ):
        self.hidden_layers = tuple(hidden_layers)
        self.running_loss = np.asarray(running_loss, dtype=float)
        self.records = records
        if isinstance(activation, str):
            activation = get_activation(activation)
        self.activation = activation.name
        self._activation = activation
        self.layer_units = tuple(layer_units)
        self.constant_loss = constant_loss
        self.diverged_epoch = diverged_epoch

    @property
    def diverged(self) -> bool:
        return self.diverged_epoch is not None

    def __repr__(self) -> str:
        return (
            f"History(activation={self.activation!r}, epochs={self.n_epochs}, "
            f"hidden_layers={self.hidden_layers})"
        )

    @property
    def n_epochs(self) -> int:
        """Number of training epochs recorded (the epoch-0 row not counted)."""
        return len(self.running_loss)

    @property
    def has_diagnostics(self) -> bool:
        return "dead" in self.records

    @property
    def loss(self) -> np.ndarray:
        """Full-training-set loss per epoch, (n_epochs + 1,); NaN at epoch 0 without diagnostics."""
        if "loss" in self.records:
            return self.records["loss"]
        return np.concatenate([[np.nan], self.running_loss])

    def _layer_slices(self):
        bounds = np.cumsum((0, *self.hidden_layers))
        return [slice(a, b) for a, b in pairwise(bounds)]

    def plateaus(self, **kwargs) -> list[tuple[int, int]]:
        """Plateaus of the loss as (start_epoch, end_epoch); see ``diagnostics.find_plateaus``
        (``constant_loss`` defaults to this run's, so stuck runs count)."""
        kwargs.setdefault("constant_loss", self.constant_loss)
        loss = self.loss
        offset = 0
        if not np.isfinite(loss[0]):
            loss, offset = loss[1:], 1
        return [(a + offset, b + offset) for a, b in find_plateaus(loss, **kwargs)]

    def unit_events(self):
        """Death and recovery flags, each bool (n_epochs + 1, total_hidden_units)."""
        return events(self.records["dead"])

    def off(self) -> np.ndarray:
        """*Off* flags of every unit, bool (n_epochs + 1, total_hidden_units)."""
        records = self.records
        return off_units(
            self._activation,
            dead=records["dead"],
            inactive=records["inactive"],
            saturated=records["saturated"],
        )

    def recovered(self, epoch: int = -1) -> np.ndarray:
        """Units off at epoch 0 and not off at ``epoch`` (default the last), bool (units,)."""
        return recovered(self.off(), epoch)

    def states(self) -> np.ndarray:
        """Each unit's one state as an index into ``diagnostics.STATES``, (n_epochs + 1, units)."""
        records = self.records
        return state_codes(records["dead"], records["saturated"], records["inactive"])

    def parameters(self, epoch: int = -1):
        """Parameters at an epoch as [(W, b), ...]; needs ``keep_parameters=True`` when training."""
        if "parameters" not in self.records:
            raise ValueError("parameter snapshots were not kept; train with keep_parameters=True")
        flat = self.records["parameters"][epoch]
        layers, offset = [], 0
        for fan_in, fan_out in pairwise(self.layer_units):
            block = flat[offset : offset + (fan_in + 1) * fan_out].reshape(fan_in + 1, fan_out)
            layers.append((block[:-1].copy(), block[-1].copy()))
            offset += (fan_in + 1) * fan_out
        return layers

    # -- tidy frames ----------------------------------------------------------------------
    def epochs(self):
        """One row per epoch: epoch, loss, val_loss, score, val_score, running_loss, plateau."""
        import pandas as pd

        n_rows = self.n_epochs + 1
        nan = np.full(n_rows, np.nan)
        frame = pd.DataFrame({"epoch": np.arange(n_rows)})
        for name in _PER_EPOCH:
            frame[name] = self.records.get(name, self.loss if name == "loss" else nan)
        frame["running_loss"] = np.concatenate([[np.nan], self.running_loss])
        frame["plateau"] = plateau_mask(n_rows, self.plateaus())
        return frame

    def layers(self):
        """One row per (epoch, hidden layer): units; the flags' counts dead, inactive, saturated
        (a dead ReLU is also inactive); the counts of the one state, ``state_dead``,
        ``state_saturated``, ``state_inactive``, ``state_alive``, which sum to ``units``;
        ``off``; the events deaths, recoveries, revivals; grad_norm, mean_activation, on_rate,
        dead_fraction."""
        import pandas as pd

        if not self.has_diagnostics:
            return pd.DataFrame(columns=list(_LAYER_COLUMNS))
        records = self.records
        deaths, recoveries = self.unit_events()
        off = self.off()
        revived = revivals(off)
        states = self.states()
        n_rows = self.n_epochs + 1
        # trained without gradient norms (a sweep without curves): NaN, not a made-up zero
        grad_norm = records.get("grad_norm", np.full((n_rows, len(self.hidden_layers) + 1), np.nan))
        frames = []
        for layer, units in enumerate(self._layer_slices()):
            size = units.stop - units.start
            columns = {
                "epoch": np.arange(n_rows),
                "layer": layer + 1,
                "units": size,
                "dead": records["dead"][:, units].sum(axis=1),
                "inactive": records["inactive"][:, units].sum(axis=1),
                "saturated": records["saturated"][:, units].sum(axis=1),
            }
            for code, state in enumerate(STATES):
                columns[f"state_{state}"] = (states[:, units] == code).sum(axis=1)
            columns |= {
                "off": off[:, units].sum(axis=1),
                "deaths": deaths[:, units].sum(axis=1),
                "recoveries": recoveries[:, units].sum(axis=1),
                "revivals": revived[:, units].sum(axis=1),
                "grad_norm": grad_norm[:, layer],
                "mean_activation": records["mean_activation"][:, layer],
                "on_rate": records["on_rate"][:, units].mean(axis=1, dtype=np.float64),
            }
            frames.append(pd.DataFrame(columns))
        frame = pd.concat(frames).sort_values(["epoch", "layer"], kind="stable")
        frame["dead_fraction"] = frame["dead"] / frame["units"]
        return frame.reset_index(drop=True)

    def units(self):
        """One row per (epoch, hidden layer, unit): on_rate, dead, inactive, saturated, state
        (one of ``diagnostics.STATES``), off."""
        import pandas as pd

        if not self.has_diagnostics:
            return pd.DataFrame(columns=["epoch", "layer", "unit", *_PER_UNIT, "state", "off"])
        n_rows, total = self.records["dead"].shape
        layer_of = np.repeat(
            np.arange(1, len(self.hidden_layers) + 1), self.hidden_layers
        )
        unit_of = np.concatenate([np.arange(size) for size in self.hidden_layers])
        frame = pd.DataFrame(
            {
                "epoch": np.repeat(np.arange(n_rows), total),
                "layer": np.tile(layer_of, n_rows),
                "unit": np.tile(unit_of, n_rows),
            }
        )
        for name in _PER_UNIT:
            frame[name] = self.records[name].reshape(-1)
        frame["state"] = np.asarray(STATES, dtype=object)[self.states().reshape(-1)]
        frame["off"] = self.off().reshape(-1)
        return frame


def histories_from_state(state, hidden_layers, activations=None):
    """Split a trained stack's records into one ``History`` per model, trimmed to its epochs.

    ``activations`` (names, one per model) default to the network's own, parameters included.
    """
    network = state.network
    k = network.n_models
    running = np.array(state.loss_curve).reshape(-1, k)
    stacked = {}
    if state.records:
        for name in state.records[0]:
            stacked[name] = np.stack([entry[name] for entry in state.records])
    histories = []
    for model in range(k):
        n_epochs = int(state.epochs_run[model])
        records = {name: values[: n_epochs + 1, model] for name, values in stacked.items()}
        activation = network.activations if activations is None else activations
        diverged_at = None
        if state.diverged_epoch is not None and state.diverged_epoch[model] >= 0:
            diverged_at = int(state.diverged_epoch[model])
        histories.append(
            History(
                hidden_layers,
                running[:n_epochs, model],
                records,
                activation[model],
                network.layer_units,
                constant_loss=state.constant_loss,
                diverged_epoch=diverged_at,
            )
        )
    return histories
