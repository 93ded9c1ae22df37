"""Activations and pre-activations: f and f′ on a grid, the network's z, and where f′ is zero
or saturated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reluscope.activations import get_activation
from reluscope.diagnostics import SATURATION_FRACTION
from reluscope.frames._columns import require_columns
from reluscope.stats import finite

__all__ = [
    "PreactivationBins",
    "activation_curves_frame",
    "flat_negative_slopes",
    "gradient_regions",
    "preactivation_bins",
    "preactivations",
    "region_kinds",
]


def activation_curves_frame(
    names: Sequence[str],
    negative_slope: float = 0.01,
    z_range: tuple[float, float] = (-5.0, 5.0),
    n_points: int = 401,
) -> pd.DataFrame:
    """f(z) and f′(z) on a grid, one block of rows per activation.

    Returns
    -------
    DataFrame
        Columns ``activation, z, value, derivative``; ``n_points`` rows per name.

    >>> activation_curves_frame(["relu"], n_points=3)
      activation    z  value  derivative
    0       relu -5.0    0.0         0.0
    1       relu  0.0    0.0         0.0
    2       relu  5.0    5.0         1.0
    """
    z = np.linspace(*z_range, n_points)
    blocks = []
    for name in names:
        activation = get_activation(name, negative_slope=negative_slope)
        blocks.append(
            pd.DataFrame(
                {
                    "activation": activation.name,
                    "z": z,
                    "value": activation(z),
                    "derivative": activation.derivative(z),
                }
            )
        )
    return pd.concat(blocks, ignore_index=True)


def flat_negative_slopes(curves: pd.DataFrame) -> pd.Series:
    """f′ for z < 0 of each activation whose f′ is constant there (0 for ReLU, α for leaky).

    Parameters
    ----------
    curves : DataFrame
        From :func:`activation_curves_frame`.

    Returns
    -------
    Series
        The slope, indexed by activation, in the order of ``curves``.
    """
    below = curves[curves["z"] < 0].groupby("activation", sort=False)["derivative"]
    return below.agg(["min", "max"]).query("min == max")["min"]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True in a 1-D boolean array."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _flat_masks(activation, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where f′ = 0 (zero gradient) and where 0 < |f′| < 5 % of its peak (saturated).

    Saturated only for activations whose derivative tends to 0 on a flat side (sigmoid, tanh,
    …; ``Activation.saturates``): leaky ReLU's small slope is constant, not vanishing, and a
    zero slope is counted once, as zero gradient (the definitions in :mod:`reluscope.diagnostics`).
    """
    slope = np.abs(activation.derivative(z))
    zero = slope == 0.0
    if not activation.saturates:
        return zero, np.zeros_like(zero)
    return zero, (slope < SATURATION_FRACTION * activation.peak_slope) & ~zero


def _small_slope(activation, z: np.ndarray) -> np.ndarray:
    """Where a non-saturating activation has a constant slope below its peak (leaky ReLU's α
    for z < 0): neither zero gradient nor saturated, a unit there still learns."""
    slope = np.abs(activation.derivative(z))
    if activation.saturates:
        return np.zeros(slope.shape, bool)
    return (slope > 0.0) & (slope < activation.peak_slope)


# far on the flat side, where each kind of region shows if the activation has it
_FAR_BELOW = np.array([-50.0])


def region_kinds(activation) -> tuple[str, ...]:
    """The regions of f′ ``activation`` has: ``"zero gradient"`` (f′ = 0: ReLU for z ≤ 0),
    ``"small slope"`` (leaky ReLU's constant α) and ``"saturated"`` (f′ vanishing: sigmoid,
    tanh, ELU, …), in that order.

    >>> from reluscope.activations import get_activation
    >>> region_kinds(get_activation("relu")), region_kinds(get_activation("leaky_relu"))
    (('zero gradient',), ('small slope',))
    """
    if activation.saturates:  # a vanishing f′ that rounds to 0 far out is still saturation
        return ("saturated",)
    zero, _ = _flat_masks(activation, _FAR_BELOW)
    kinds = ("zero gradient",) if zero.any() else ()
    if _small_slope(activation, _FAR_BELOW).any():
        kinds += ("small slope",)
    return kinds


def gradient_regions(activation, low: float, high: float, n_points: int = 2001) -> pd.DataFrame:
    """Spans of z in [low, high] where f′ = 0 or f′ < 5 % of its peak.

    Parameters
    ----------
    activation : reluscope.activations.Activation
    low, high : float
    n_points : int, default 2001
        Resolution of the grid on which the spans are found.

    Returns
    -------
    DataFrame
        ``region, start, end``; region ``"zero gradient"``, ``"small slope"`` or
        ``"saturated"`` (:func:`region_kinds`; disjoint).
    """
    z = np.linspace(low, high, n_points)
    zero, saturated = _flat_masks(activation, z)
    small = _small_slope(activation, z)
    rows = [
        {"region": region, "start": z[a], "end": z[b]}
        for region, mask in (
            ("zero gradient", zero),
            ("small slope", small),
            ("saturated", saturated),
        )
        for a, b in _runs(mask)
    ]
    return pd.DataFrame(rows, columns=["region", "start", "end"])


def preactivations(comparison, seed: int, layer: int, epoch: int) -> pd.DataFrame:
    """z of every training input × unit of one hidden layer at one epoch, per activation.

    Parameters
    ----------
    comparison : reluscope.experiment.Comparison
    seed : int
    layer : int
        Hidden layer, 1-based.
    epoch : int
        Clamped to each run's last epoch (a diverged run stopped early).

    Returns
    -------
    DataFrame
        ``activation, z``: n_samples × units rows per activation.
    """
    frames = [
        pd.DataFrame(
            {
                "activation": activation,
                "z": np.ravel(comparison.preactivations(activation, seed, layer, epoch)),
            }
        )
        for activation in comparison.activations
    ]
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class PreactivationBins:
    """A histogram of z per activation, the flat regions of f′ under it and their shares.

    Attributes
    ----------
    bars : DataFrame
        ``activation, start, end, count``: one row per bin, the same edges for every activation.
    regions : DataFrame
        ``activation, region, start, end``: :func:`gradient_regions` over the bins' range.
    shares : DataFrame
        ``activation, zero_gradient, saturated, small_slope, kinds``: shares of z with f′ = 0,
        with 0 < f′ < 5 % of a vanishing peak, and on a constant small slope (each input
        counted once), and the regions the activation has (:func:`region_kinds`, comma-joined),
        one row per activation.
    """

    bars: pd.DataFrame
    regions: pd.DataFrame
    shares: pd.DataFrame


def preactivation_bins(
    frame: pd.DataFrame,
    activation: str | None = None,
    negative_slope: float = 0.01,
    bins: int = 40,
    zero_gradient_share: float | None = None,
    saturated_share: float | None = None,
) -> PreactivationBins:
    """Bin pre-activations z and find where their activation's gradient is zero or saturated.

    Parameters
    ----------
    frame : DataFrame
        Column ``z`` (e.g. :func:`preactivations`), optionally ``activation``.
    activation : str, optional
        The activation, when ``frame`` has no ``activation`` column.
    negative_slope : float, default 0.01
        For leaky ReLU.
    bins : int, default 40
    zero_gradient_share, saturated_share : float, optional
        The shares to report instead of those computed from ``z``.

    Returns
    -------
    PreactivationBins
    """
    require_columns(frame, ["z"], "pre-activation histogram")
    if "activation" not in frame:
        if activation is None:
            raise ValueError("pre-activation bins need an activation name or column.")
        frame = frame.assign(activation=activation)
    z_all = finite(frame["z"]).dropna()
    if z_all.empty:
        raise ValueError("no finite pre-activations to draw.")
    edges = np.histogram_bin_edges(z_all, bins=bins)
    bars, regions, shares = [], [], []
    for name, group in frame.groupby("activation", sort=False):
        function = get_activation(name, negative_slope=negative_slope)
        z = finite(group["z"]).dropna().to_numpy()
        zero, saturated = _flat_masks(function, z)
        shares.append(
            {
                "activation": name,
                "zero_gradient": float(np.mean(zero))
                if zero_gradient_share is None
                else zero_gradient_share,
                "saturated": float(np.mean(saturated))
                if saturated_share is None
                else saturated_share,
                "small_slope": float(np.mean(_small_slope(function, z))),
                "kinds": ", ".join(region_kinds(function)),
            }
        )
        counts, _ = np.histogram(z, bins=edges)
        bars.append(
            pd.DataFrame(
                {"activation": name, "start": edges[:-1], "end": edges[1:], "count": counts}
            )
        )
        span = gradient_regions(function, float(edges[0]), float(edges[-1]))
        regions.append(span.assign(activation=name)[["activation", "region", "start", "end"]])
    return PreactivationBins(
        bars=pd.concat(bars, ignore_index=True),
        regions=pd.concat(regions, ignore_index=True),
        shares=pd.DataFrame(
            shares, columns=["activation", "zero_gradient", "saturated", "small_slope", "kinds"]
        ),
    )
