"""Pure diagnostics of hidden units, each definition written once, here.

For hidden unit j of a layer, over the **full training set** D, with z its pre-activation and
f′ the activation's derivative:

- **on-rate**: fraction of x in D with z > 0 (Douglas & Yu 2018 call it Pr[z > 0]).
- **inactive**: z ≤ 0 for every x in D, whatever the activation.
- **dead**: f′(z) = 0 for every x in D; the unit gets exactly zero gradient (for ReLU this is
  "inactive"; a leaky unit can be inactive but never dead).
- **saturated**: f′(z) < 5 % of the activation's peak slope for every x in D.
- **death / recovery**: alive at epoch t−1 and dead at t / dead at t−1 and alive at t.
- **plateau**: a maximal run of ≥ ``min_epochs`` epochs in which the training loss falls by less
  than a relative ``rel_tol`` per epoch, after which the loss still falls to its best value,
  at least a relative ``min_drop`` below the plateau's level (so final convergence is not
  a plateau).

Arrays keep samples on axis −2 and units on axis −1, so a stack of K models, shape
(K, n_samples, n_units), works as well as one model, shape (n_samples, n_units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "PLATEAU_MIN_DROP",
    "PLATEAU_MIN_EPOCHS",
    "PLATEAU_REL_TOL",
    "SATURATION_FRACTION",
    "UnitStates",
    "events",
    "find_plateaus",
    "plateau_mask",
    "unit_states",
]

SATURATION_FRACTION = 0.05
PLATEAU_MIN_EPOCHS = 10
PLATEAU_REL_TOL = 1e-3
PLATEAU_MIN_DROP = 0.05


@dataclass(frozen=True)
class UnitStates:
    """Per-unit states over the data; every array has shape (..., n_units)."""

    on_rate: np.ndarray
    inactive: np.ndarray
    dead: np.ndarray
    saturated: np.ndarray


def unit_states(z, derivative, peak_slope: float) -> UnitStates:
    """Classify units from their pre-activations and derivatives over the data.

    Parameters
    ----------
    z : ndarray of shape (..., n_samples, n_units)
        Pre-activations over the full training set.
    derivative : ndarray of shape (..., n_samples, n_units)
        f′(z), same shape.
    peak_slope : float
        sup |f′| of the activation.
    """
    positive = z > 0.0
    on_rate = positive.mean(axis=-2)
    largest_slope = np.abs(derivative).max(axis=-2)
    return UnitStates(
        on_rate=on_rate,
        inactive=~positive.any(axis=-2),
        dead=largest_slope == 0.0,
        saturated=largest_slope < SATURATION_FRACTION * peak_slope,
    )


def events(dead) -> tuple[np.ndarray, np.ndarray]:
    """Deaths and recoveries between consecutive epochs.

    Parameters
    ----------
    dead : bool ndarray of shape (n_epochs + 1, ..., n_units)
        Dead flags, epoch 0 first.

    Returns
    -------
    deaths, recoveries : bool ndarrays of the same shape
        Row 0 is all False (nothing happens before initialisation).
    """
    dead = np.asarray(dead, dtype=bool)
    deaths = np.zeros_like(dead)
    recoveries = np.zeros_like(dead)
    deaths[1:] = dead[1:] & ~dead[:-1]
    recoveries[1:] = ~dead[1:] & dead[:-1]
    return deaths, recoveries


def find_plateaus(
    loss,
    min_epochs: int = PLATEAU_MIN_EPOCHS,
    rel_tol: float = PLATEAU_REL_TOL,
    min_drop: float = PLATEAU_MIN_DROP,
) -> list[tuple[int, int]]:
    """Plateaus of a loss curve as (start_epoch, end_epoch), inclusive, indices into ``loss``.

    Epoch t ≥ 1 is *flat* when loss[t−1] − loss[t] < rel_tol · |loss[t−1]|. A plateau is a
    maximal run of ≥ ``min_epochs`` flat epochs, starting at the epoch before the first flat one,
    that ends before the best loss is reached and above it by a relative ``min_drop``.

    >>> find_plateaus([1.0] + [0.9] * 12 + [0.5, 0.4], min_epochs=10)
    [(1, 12)]
    """
    loss = np.asarray(loss, dtype=float)
    if loss.size < 2 or not np.isfinite(loss).any():
        return []
    previous = loss[:-1]
    flat = np.concatenate([[False], (previous - loss[1:]) < rel_tol * np.abs(previous)])
    best_epoch = int(np.nanargmin(loss))
    best = loss[best_epoch]
    plateaus = []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flat.astype(np.int8), [0]])))
    for first_flat, stop in zip(edges[::2], edges[1::2], strict=True):
        start, end = first_flat - 1, stop - 1
        if stop - first_flat < min_epochs or end >= best_epoch:
            continue
        if best <= (1.0 - min_drop) * loss[end]:
            plateaus.append((int(start), int(end)))
    return plateaus


def plateau_mask(n_epochs: int, plateaus) -> np.ndarray:
    """Bool array of length ``n_epochs`` marking epochs inside any plateau."""
    mask = np.zeros(n_epochs, dtype=bool)
    for start, end in plateaus:
        mask[start : end + 1] = True
    return mask
