"""Per-epoch records of one model, turned into tidy DataFrames on request.

Row epoch 0 is the state at initialisation; row t the state after epoch t's updates. pandas is
imported only when a frame is asked for.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from reluscope.diagnostics import events, find_plateaus, plateau_mask

__all__ = ["History", "histories_from_state"]

_PER_EPOCH = ("loss", "val_loss", "score", "val_score")
_PER_UNIT = ("on_rate", "dead", "inactive", "saturated")


class History:
    """Training history of one model.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int
    running_loss : ndarray (n_epochs,)
        scikit-learn's ``loss_curve_``: the mean minibatch loss during each epoch.
    records : dict of ndarray
        Epoch-major arrays (n_epochs + 1, ...): loss, score, [val_loss, val_score],
        grad_norm (…, n_layers + 1), mean_activation (…, n_hidden), on_rate / dead / inactive /
        saturated (…, total_hidden_units), [parameters (…, P)]. Empty when diagnostics are off.
    activation : str
    layer_units : tuple of int
        ``[n_features, *hidden, n_outputs]``, to unpack parameter snapshots.
    """

    def __init__(self, hidden_layer_sizes, running_loss, records, activation, layer_units):
        self.hidden_layer_sizes = tuple(hidden_layer_sizes)
        self.running_loss = np.asarray(running_loss, dtype=float)
        self.records = records
        self.activation = activation
        self.layer_units = tuple(layer_units)

    def __repr__(self) -> str:
        return (
            f"History(activation={self.activation!r}, epochs={self.n_epochs}, "
            f"hidden_layer_sizes={self.hidden_layer_sizes})"
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
        bounds = np.cumsum((0, *self.hidden_layer_sizes))
        return [slice(a, b) for a, b in pairwise(bounds)]

    def plateaus(self, **kwargs) -> list[tuple[int, int]]:
        """Plateaus of the loss as (start_epoch, end_epoch); see ``diagnostics.find_plateaus``."""
        loss = self.loss
        offset = 0
        if not np.isfinite(loss[0]):
            loss, offset = loss[1:], 1
        return [(a + offset, b + offset) for a, b in find_plateaus(loss, **kwargs)]

    def unit_events(self):
        """Death and recovery flags, each bool (n_epochs + 1, total_hidden_units)."""
        return events(self.records["dead"])

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
        """One row per (epoch, hidden layer): units, dead, inactive, saturated, deaths,
        recoveries, grad_norm, mean_activation, on_rate, dead_fraction."""
        import pandas as pd

        if not self.has_diagnostics:
            return pd.DataFrame(
                columns=[
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
                    "dead_fraction",
                ]
            )
        deaths, recoveries = self.unit_events()
        n_rows = self.n_epochs + 1
        frames = []
        for layer, units in enumerate(self._layer_slices()):
            size = units.stop - units.start
            frames.append(
                pd.DataFrame(
                    {
                        "epoch": np.arange(n_rows),
                        "layer": layer + 1,
                        "units": size,
                        "dead": self.records["dead"][:, units].sum(axis=1),
                        "inactive": self.records["inactive"][:, units].sum(axis=1),
                        "saturated": self.records["saturated"][:, units].sum(axis=1),
                        "deaths": deaths[:, units].sum(axis=1),
                        "recoveries": recoveries[:, units].sum(axis=1),
                        "grad_norm": self.records["grad_norm"][:, layer],
                        "mean_activation": self.records["mean_activation"][:, layer],
                        "on_rate": self.records["on_rate"][:, units].mean(axis=1, dtype=np.float64),
                    }
                )
            )
        frame = pd.concat(frames).sort_values(["epoch", "layer"], kind="stable")
        frame["dead_fraction"] = frame["dead"] / frame["units"]
        return frame.reset_index(drop=True)

    def units(self):
        """One row per (epoch, hidden layer, unit): on_rate, dead, inactive, saturated."""
        import pandas as pd

        if not self.has_diagnostics:
            return pd.DataFrame(columns=["epoch", "layer", "unit", *_PER_UNIT])
        n_rows, total = self.records["dead"].shape
        layer_of = np.repeat(
            np.arange(1, len(self.hidden_layer_sizes) + 1), self.hidden_layer_sizes
        )
        unit_of = np.concatenate([np.arange(size) for size in self.hidden_layer_sizes])
        frame = pd.DataFrame(
            {
                "epoch": np.repeat(np.arange(n_rows), total),
                "layer": np.tile(layer_of, n_rows),
                "unit": np.tile(unit_of, n_rows),
            }
        )
        for name in _PER_UNIT:
            frame[name] = self.records[name].reshape(-1)
        return frame


def histories_from_state(state, hidden_layer_sizes, activations):
    """Split a trained stack's records into one ``History`` per model, trimmed to its epochs."""
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
        histories.append(
            History(
                hidden_layer_sizes,
                running[:n_epochs, model],
                records,
                activations[model],
                network.layer_units,
            )
        )
    return histories
