"""Training curves: per-epoch losses and scores, per-layer diagnostics, unit events, the
history table — summarised over seeds as the charts draw them.

Several seeds are summarised here, in pandas, rather than by Vega-Lite: the browser gets one
row per point, and the band is the same on every render (Vega's ``ci`` is a bootstrap). The
band is a Student-t 95 % interval of the mean across seeds (:func:`reluscope.stats.summarize`;
a point with one seed has a zero-width interval).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reluscope.frames._columns import require_columns
from reluscope.stats import summarize

__all__ = [
    "TrainingCurves",
    "diverged_epochs",
    "event_counts",
    "history_csv",
    "history_table",
    "layer_curves",
    "log_safe",
    "metric_curves",
    "off_curves",
    "off_state_of",
    "recovery_curves",
    "training_curves",
]

# the split a column of the epochs frame belongs to, by its prefix
_SPLIT_PREFIXES = {"": "train", "val_": "validation"}


def log_safe(summary: pd.DataFrame) -> pd.DataFrame:
    """A summary a log axis can show: means ≤ 0 dropped, interval ends ≤ 0 floored at the
    smallest positive mean."""
    summary = summary.copy()
    summary["mean"] = summary["mean"].where(summary["mean"] > 0)
    floor = summary["mean"].min()
    summary["ci_low"] = summary["ci_low"].where(summary["ci_low"] > 0, floor)
    return summary


def _in_order_of(summary: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    """``summary`` with its activations in the order ``source`` has them (the comparison's,
    which is the sidebar's), so legends list them as the sidebar does; a stable sort."""
    if "activation" not in summary or "activation" not in source:
        return summary
    rank = {name: i for i, name in enumerate(pd.unique(source["activation"]))}
    order = np.argsort(summary["activation"].map(rank).to_numpy(), kind="stable")
    return summary.iloc[order].reset_index(drop=True)


def _splits(epochs: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Long form: one row per (activation, seed, epoch, split) with ``value``."""
    present = {
        f"{prefix}{metric}": split
        for prefix, split in _SPLIT_PREFIXES.items()
        if f"{prefix}{metric}" in epochs and epochs[f"{prefix}{metric}"].notna().any()
    }
    if not present:
        raise ValueError(f"the epochs frame has no {metric!r} values to draw.")
    keys = [c for c in ("activation", "seed", "epoch") if c in epochs]
    long = epochs.melt(id_vars=keys, value_vars=list(present), var_name="split")
    long["split"] = long["split"].map(present)
    if "seed" not in long:
        long["seed"] = 0
    return long


def metric_curves(
    epochs: pd.DataFrame, metric: str = "loss", log_scale: bool = False
) -> pd.DataFrame:
    """Mean and 95 % interval over seeds of a per-epoch metric, for training and validation.

    Parameters
    ----------
    epochs : DataFrame
        ``Comparison.epochs()``: columns ``activation, epoch``, optionally ``seed``, and
        ``metric`` / ``val_<metric>`` (either may be missing or all-NaN).
    metric : {"loss", "score"}
    log_scale : bool, default False
        For a log axis (:func:`log_safe`).

    Returns
    -------
    DataFrame
        One row per (activation, split, epoch): ``activation, split, epoch, mean, ci_low,
        ci_high, n``; ``split`` is ``"train"`` or ``"validation"``.
    """
    require_columns(epochs, ["activation", "epoch"], f"{metric} chart")
    values = _splits(epochs, metric)
    # a band never leaves the metric's range: a loss is ≥ 0; a score (accuracy, R²) is ≤ 1,
    # and an accuracy ≥ 0 (scores that are all ≥ 0 are taken as one)
    if metric == "loss":
        bounds = (0.0, np.inf)
    else:
        bounds = (0.0 if (values["value"].dropna() >= 0).all() else -np.inf, 1.0)
    summary = summarize(values, ["activation", "split", "epoch"], "value", bounds=bounds)
    summary = _in_order_of(summary, epochs)
    return log_safe(summary) if log_scale else summary


def layer_curves(
    layers: pd.DataFrame,
    value: str = "dead_fraction",
    layer: int | None = None,
    log_scale: bool = False,
) -> pd.DataFrame:
    """Mean and 95 % interval over seeds of a per-layer column, per activation, layer, epoch.

    Parameters
    ----------
    layers : DataFrame
        ``Comparison.layers()``: one row per (activation, seed, epoch, layer) with ``value``.
        A share ``<count>_fraction`` missing from the frame is computed from the ``<count>``
        and ``units`` columns (e.g. ``dead_fraction`` from ``dead``).
    value : str, default "dead_fraction"
        Shares (names ending in ``_fraction``) get an interval clipped to [0, 1].
    layer : int, optional
        This hidden layer only.
    log_scale : bool, default False
        For a log axis (:func:`log_safe`): e.g. ``grad_norm``, whose exact zeros (a fully dead
        layer) cannot sit on one.

    Returns
    -------
    DataFrame
        ``activation, layer, epoch, mean, ci_low, ci_high, n``.
    """
    is_share = value.endswith("_fraction")
    count = value.removesuffix("_fraction")
    if is_share and value not in layers and {count, "units"} <= set(layers.columns):
        layers = layers.assign(**{value: layers[count] / layers["units"]})
    require_columns(layers, ["activation", "epoch", "layer", value], f"{value} chart")
    if layer is not None:
        layers = layers[layers["layer"] == layer]
    bounds = (0.0, 1.0) if is_share else None
    summary = summarize(layers, ["activation", "layer", "epoch"], value, bounds=bounds)
    summary = _in_order_of(summary, layers)
    return log_safe(summary) if log_scale else summary


# what the off-share chart draws, in legend order: the off share is the one that can come back
SHARES = {"off": "off_fraction", "dead": "dead_fraction"}


def off_state_of(name: str) -> str:
    """The state that is *off* for an activation (``"none"`` for identity or a user label)."""
    from reluscope.activations import ACTIVATIONS, get_activation

    if name not in ACTIVATIONS:
        return "none"
    return get_activation(name).off_state or "none"


def off_curves(layers: pd.DataFrame, layer: int | None = None) -> pd.DataFrame:
    """Shares of units *off* on every input and of *dead* units, per activation, layer, epoch.

    *Off* is the flat side of each activation (:mod:`reluscope.diagnostics`): dead for ReLU,
    inactive for leaky ReLU and ELU-like units, saturated for sigmoid and tanh. A leaky unit
    is never dead, so its recovery shows only as a falling off share.

    Parameters
    ----------
    layers : DataFrame
        ``Comparison.layers()``: one row per (activation, seed, epoch, layer) with ``units``,
        ``off`` and ``dead`` (counts).
    layer : int, optional
        This hidden layer only.

    Returns
    -------
    DataFrame
        ``activation, layer, epoch, share, off_state, mean, ci_low, ci_high, n``: ``share`` is
        ``"off"`` or ``"dead"`` (:data:`SHARES`); ``off_state`` names what *off* means for the
        activation (``"dead"``, ``"inactive"``, ``"saturated"``, ``"none"``); the interval is
        Student-t 95 % over seeds, clipped to [0, 1].

    >>> layers = pd.DataFrame({"activation": "leaky_relu", "seed": 0, "epoch": [0, 1],
    ...                        "layer": 1, "units": 4, "off": [3, 1], "dead": 0})
    >>> off_curves(layers)[["share", "epoch", "mean"]].values.tolist()
    [['off', 0, 0.75], ['off', 1, 0.25], ['dead', 0, 0.0], ['dead', 1, 0.0]]
    """
    require_columns(layers, ["activation", "epoch", "layer", "units", "off", "dead"], "off chart")
    parts = [
        layer_curves(layers, value, layer).assign(share=share) for share, value in SHARES.items()
    ]
    frame = pd.concat(parts, ignore_index=True)
    states = {name: off_state_of(name) for name in frame["activation"].unique()}
    frame["off_state"] = frame["activation"].map(states)
    columns = ["activation", "layer", "epoch", "share", "off_state", "mean", "ci_low", "ci_high"]
    return frame[[*columns, "n"]]


def recovery_curves(comparison) -> pd.DataFrame:
    """:func:`off_curves` of a comparison's layers (what Compare draws under the dead share).

    Parameters
    ----------
    comparison : reluscope.experiment.Comparison
    """
    return off_curves(comparison.layers())


def event_counts(frame: pd.DataFrame, layer: int | None = None) -> pd.DataFrame:
    """Deaths and recoveries per activation and epoch.

    Parameters
    ----------
    frame : DataFrame
        Either per-layer counts (``Comparison.layers()``: ``activation, seed, epoch, layer,
        deaths, recoveries``; summed over layers, averaged over seeds) or one row per event
        (``epoch, event`` with event ``"death"`` or ``"recovery"``, optional ``activation``).
    layer : int, optional
        This hidden layer only (per-layer counts).

    Returns
    -------
    DataFrame
        ``activation, epoch, event, count, signed``: event ``"deaths"`` or ``"recoveries"``;
        ``signed`` is the count, negated for deaths (drawn downwards). Per-layer counts leave
        out zero counts.
    """
    frame = frame if "activation" in frame else frame.assign(activation="network")
    if layer is not None:
        require_columns(frame, ["layer"], "events of one layer")
        frame = frame[frame["layer"] == layer]
    if "event" in frame:
        require_columns(frame, ["epoch", "event"], "events chart")
        names = frame["event"].map({"death": "deaths", "recovery": "recoveries"})
        counted = frame.assign(event=names).groupby(["activation", "epoch", "event"]).size()
        counts = counted.rename("count").reset_index()
    else:
        require_columns(frame, ["epoch", "deaths", "recoveries"], "events chart")
        frame = frame if "seed" in frame else frame.assign(seed=0)
        per_seed = frame.groupby(["activation", "seed", "epoch"])[["deaths", "recoveries"]].sum()
        mean = per_seed.groupby(["activation", "epoch"]).mean().reset_index()
        long = mean.melt(id_vars=["activation", "epoch"], var_name="event", value_name="count")
        counts = long[long["count"] > 0].reset_index(drop=True)
    counts["signed"] = np.where(counts["event"] == "deaths", -counts["count"], counts["count"])
    return counts


def diverged_epochs(summary: pd.DataFrame) -> pd.DataFrame:
    """The activations whose runs diverged, and the first epoch one did, to mark on a chart.

    Parameters
    ----------
    summary : DataFrame
        ``Comparison.summary()``: ``activation, diverged_epoch, status``.

    Returns
    -------
    DataFrame
        ``activation, epoch, status``: one row per activation with a diverged run.
    """
    require_columns(summary, ["activation", "diverged_epoch", "status"], "diverged runs")
    rows = summary[summary["diverged_epoch"].notna()]
    return pd.DataFrame(
        {
            "activation": rows["activation"].to_numpy(),
            "epoch": rows["diverged_epoch"].astype(int).to_numpy(),
            "status": rows["status"].to_numpy(),
        }
    )


def history_table(comparison) -> pd.DataFrame:
    """One row per (activation, seed, epoch, layer): per-layer diagnostics with the losses.

    Parameters
    ----------
    comparison : reluscope.experiment.Comparison
    """
    epochs = comparison.epochs()
    layers = comparison.layers()
    return layers.merge(epochs, on=["activation", "seed", "epoch"], how="left")


def history_csv(comparison) -> bytes:
    """:func:`history_table` as UTF-8 CSV, the Compare page's download."""
    return history_table(comparison).to_csv(index=False).encode()


@dataclass(frozen=True)
class TrainingCurves:
    """Everything the Compare and Gradients pages draw of a comparison, built once.

    Attributes
    ----------
    summary : DataFrame
        ``Comparison.summary()``: one row per activation (means over seeds).
    loss, score : DataFrame
        :func:`metric_curves` of ``loss`` and ``score`` (linear axis; :func:`log_safe` gives
        the loss for a log axis).
    dead_fraction : DataFrame
        :func:`layer_curves` of ``dead_fraction``.
    grad_norm : DataFrame
        :func:`layer_curves` of ``grad_norm``, for its log axis.
    plateaus : DataFrame
        ``Comparison.plateaus()``: ``activation, seed, start_epoch, end_epoch``.
    """

    summary: pd.DataFrame
    loss: pd.DataFrame
    score: pd.DataFrame
    dead_fraction: pd.DataFrame
    grad_norm: pd.DataFrame
    plateaus: pd.DataFrame


def training_curves(comparison) -> TrainingCurves:
    """The summaries over seeds of a comparison's training, as its pages draw them.

    Parameters
    ----------
    comparison : reluscope.experiment.Comparison

    Returns
    -------
    TrainingCurves
        Small frames (one row per activation, split or layer, and epoch), cheap to cache and
        to pickle: none holds a parameter snapshot.
    """
    epochs, layers = comparison.epochs(), comparison.layers()
    return TrainingCurves(
        summary=comparison.summary(),
        loss=metric_curves(epochs, "loss"),
        score=metric_curves(epochs, "score"),
        dead_fraction=layer_curves(layers, "dead_fraction"),
        grad_norm=layer_curves(layers, "grad_norm", log_scale=True),
        plateaus=comparison.plateaus(),
    )
