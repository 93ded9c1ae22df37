"""Pure diagnostics of hidden units and of loss curves, each definition written once, here.

For hidden unit j of a layer, over the **full training set** D, with z its pre-activation and
f′ the activation's derivative:

- **on-rate**: fraction of x in D with z > 0 (Douglas & Yu 2018 call it Pr[z > 0]).
- **inactive**: z ≤ 0 for every x in D, whatever the activation.
- **dead**: f′(z) = 0 for every x in D; the unit gets exactly zero gradient (for ReLU this is
  "inactive"; a leaky unit can be inactive but never dead).
- **saturated**: f′(z) < ``SATURATION_FRACTION`` (5 %) of the activation's peak slope for every
  x in D — only for activations whose derivative tends to 0 on a flat side (sigmoid, tanh,
  softplus, ELU, SELU, GELU, SiLU; ``Activation.saturates``). Never for ReLU (that is *dead*)
  or leaky ReLU (that is *inactive*: its slope is constant, not vanishing).
- **state**: one per unit, the first of ``STATES`` = dead, saturated, inactive, alive that
  holds, so counts and colours never overlap.
- **off**: on the flat (or flatter) side of the activation for every x in D
  (``Activation.off_state``): dead for ReLU, inactive for leaky ReLU and the ELU-like
  activations (ELU, SELU, GELU, SiLU, softplus), saturated for sigmoid and tanh; never for
  identity.
- **death / recovery**: alive at epoch t−1 and dead at t / dead at t−1 and alive at t.
- **revival**: off at epoch t−1 and not off at t (how leaky units come back: they are never
  dead, so they never *recover*). **Recovered by epoch T**: off at epoch 0 and not off at T.
- **plateau**: a maximal run of ≥ ``min_epochs`` (k = 10) epochs in which the training loss,
  smoothed by a centred median over w epochs, falls by less than a relative ``rel_tol``
  (τ = 1e-3) per epoch, measured over w epochs; w (``smoothing``) is picked from the curve's
  own noise by default (1 for a clean curve, 5 to 20 for a minibatch SGD curve, at most
  ``PLATEAU_MAX_WINDOW``). Either the loss still falls afterwards to its best value, at least
  a relative ``min_drop`` (5 %) below the plateau's level (so final convergence is not a
  plateau), or the run lasts to the final epoch while the loss is still *high*: at least
  ``1 − PLATEAU_STUCK_SHARE`` (80 %) of the loss of the best constant predictor (the class
  shares, or the mean target) — a *stuck* run.
- **diverged**: an epoch's training loss (scikit-learn's running loss, L2 term included) is
  not finite, or above ``DIVERGENCE_FACTOR`` (10⁴) times its reference: the larger of the
  loss at initialisation (L2 term included) and the constant predictor's loss. The engine
  flags the run at that epoch; a non-finite loss also stops it.

Arrays keep samples on axis −2 and units on axis −1, so a stack of K models, shape
(K, n_samples, n_units), works as well as one model, shape (n_samples, n_units).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from reluscope.activations import Activation
from reluscope.validation import check_integer

__all__ = [
    "DIVERGENCE_FACTOR",
    "DIVERGENCE_RULE",
    "PLATEAU_MAX_WINDOW",
    "PLATEAU_MIN_DROP",
    "PLATEAU_MIN_EPOCHS",
    "PLATEAU_REL_TOL",
    "PLATEAU_SMOOTHING",
    "PLATEAU_STUCK_SHARE",
    "SATURATION_FRACTION",
    "STATES",
    "UnitStates",
    "diverged",
    "events",
    "find_plateaus",
    "off_units",
    "plateau_mask",
    "plateau_window",
    "recovered",
    "revivals",
    "state_codes",
    "unit_states",
]

SATURATION_FRACTION = 0.05
PLATEAU_MIN_EPOCHS = 10
PLATEAU_REL_TOL = 1e-3
PLATEAU_MIN_DROP = 0.05
PLATEAU_SMOOTHING = "auto"
# the widest smoothing window "auto" picks (epochs)
PLATEAU_MAX_WINDOW = 25
# noise factor of the "auto" window (see plateau_window), measured on minibatch curves
PLATEAU_NOISE_FACTOR = 14.0
PLATEAU_STUCK_SHARE = 0.2
DIVERGENCE_FACTOR = 1e4
# the rule in words, for the messages that report a diverged run
DIVERGENCE_RULE = (
    "its loss became infinite or NaN, or rose above 10⁴ × the larger of its loss at "
    "initialisation and a constant predictor's"
)
# the one state of a unit: the first of these that holds
STATES = ("dead", "saturated", "inactive", "alive")


@dataclass(frozen=True)
class UnitStates:
    """Per-unit states over the data; every array has shape (..., n_units)."""

    on_rate: np.ndarray
    inactive: np.ndarray
    dead: np.ndarray
    saturated: np.ndarray

    @property
    def state(self) -> np.ndarray:
        """Index into ``STATES`` of each unit's one state (see :func:`state_codes`)."""
        return state_codes(self.dead, self.saturated, self.inactive)


def unit_states(z, activation: Activation, derivative=None) -> UnitStates:
    """Classify units from their pre-activations over the data.

    Parameters
    ----------
    z : ndarray of shape (..., n_samples, n_units)
        Pre-activations over the full training set.
    activation : Activation
        The units' activation: its derivative, peak slope and whether it saturates.
    derivative : ndarray of shape (..., n_samples, n_units), optional
        f′(z) when already computed.

    The older form ``unit_states(z, derivative, peak_slope)`` still works, with a
    ``FutureWarning``; not knowing the activation, it flags *saturated* for any activation.

    >>> relu = __import__("reluscope").get_activation("relu")
    >>> states = unit_states(np.array([[-1.0, 2.0], [0.0, -1.0]]), relu)
    >>> states.on_rate.tolist(), states.dead.tolist(), states.saturated.tolist()
    ([0.0, 0.5], [True, False], [False, False])
    """
    z = np.asarray(z)
    if isinstance(activation, Activation):
        peak_slope, saturates = activation.peak_slope, activation.saturates
        derivative = activation.derivative(z) if derivative is None else derivative
    else:
        warnings.warn(
            "unit_states(z, derivative, peak_slope) is deprecated; pass the Activation: "
            "unit_states(z, activation)",
            FutureWarning,
            stacklevel=2,
        )
        derivative, peak_slope, saturates = activation, derivative, True
    positive = z > 0.0
    largest_slope = np.abs(derivative).max(axis=-2)
    saturated = largest_slope < SATURATION_FRACTION * peak_slope
    return UnitStates(
        on_rate=positive.mean(axis=-2),
        inactive=~positive.any(axis=-2),
        dead=largest_slope == 0.0,
        saturated=saturated & saturates,
    )


def state_codes(dead, saturated, inactive) -> np.ndarray:
    """Each unit's one state as an index into ``STATES``: dead, else saturated, else
    inactive, else alive.

    >>> STATES[state_codes(True, True, True)], STATES[state_codes(False, False, True)]
    ('dead', 'inactive')
    """
    flags = [np.asarray(flag, dtype=bool) for flag in (dead, saturated, inactive)]
    return np.select(flags, [0, 1, 2], default=3).astype(np.int8)


def off_units(activation: Activation, *, dead, inactive, saturated) -> np.ndarray:
    """The *off* flags of ``activation``'s units: whichever of the three its ``off_state``
    names (all False for identity)."""
    flags = {"dead": dead, "inactive": inactive, "saturated": saturated}
    if activation.off_state is None:
        return np.zeros_like(np.asarray(dead, dtype=bool))
    return np.asarray(flags[activation.off_state], dtype=bool)


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


def revivals(off) -> np.ndarray:
    """Revivals: off at epoch t−1 and not off at t.

    Parameters
    ----------
    off : bool ndarray of shape (n_epochs + 1, ..., n_units)
        Off flags, epoch 0 first.

    Returns
    -------
    bool ndarray of the same shape; row 0 is all False.

    >>> revivals([[True, True], [False, True], [True, False]]).astype(int).tolist()
    [[0, 0], [1, 0], [0, 1]]
    """
    off = np.asarray(off, dtype=bool)
    revived = np.zeros_like(off)
    revived[1:] = off[:-1] & ~off[1:]
    return revived


def recovered(off, epoch: int = -1) -> np.ndarray:
    """Recovered by ``epoch``: off at epoch 0 and not off at ``epoch`` (default the last).

    ``off`` has shape (n_epochs + 1, ..., n_units); the result (..., n_units).

    >>> recovered([[True, True, False], [False, True, True]]).tolist()
    [True, False, False]
    """
    off = np.asarray(off, dtype=bool)
    return off[0] & ~off[epoch]


def diverged(loss, reference) -> np.ndarray:
    """Whether each loss has diverged: not finite, or above ``DIVERGENCE_FACTOR`` × reference.

    Parameters
    ----------
    loss : float or ndarray
        Training losses (one per model, or a curve).
    reference : float or ndarray, broadcastable to ``loss``
        The larger of the loss at initialisation and the constant predictor's loss.

    >>> diverged([0.7, 5.7e92, np.nan, np.inf], 0.69).tolist()
    [False, True, True, True]
    """
    loss = np.asarray(loss, dtype=float)
    with np.errstate(invalid="ignore"):
        return ~np.isfinite(loss) | (loss > DIVERGENCE_FACTOR * np.asarray(reference))


def _noise(loss) -> float:
    """Robust epoch-to-epoch noise of a curve, relative to its level: the scaled median
    absolute deviation of the second differences of log(loss) (of loss / median for curves
    that are not positive), divided by √6 — the second difference of white noise has 6 times
    its variance, and a smooth curve's is close to 0."""
    if loss.size < 4:
        return 0.0
    level = np.log(loss) if (loss > 0).all() else loss / max(np.median(np.abs(loss)), 1e-300)
    second = np.diff(level, 2)
    return float(1.4826 * np.median(np.abs(second - np.median(second))) / np.sqrt(6.0))


def plateau_window(loss, rel_tol: float = PLATEAU_REL_TOL) -> int:
    """The smoothing window ``"auto"`` picks for a curve: 1 for a clean curve, else about
    ``(PLATEAU_NOISE_FACTOR · σ / rel_tol)^(2/3)`` epochs for a relative noise σ per epoch
    (:func:`_noise`), at most ``PLATEAU_MAX_WINDOW`` and a fifth of the curve.

    Two neighbouring w-epoch blocks of white noise differ by about σ·√(2/w), to be compared
    with the τ·w a plateau may fall over w epochs, hence the power 2/3; minibatch SGD with
    momentum wanders over several epochs (its noise is not white), and the factor, measured
    on such curves (moons, stuck and learning runs, SGD and Adam), gives windows of about 10
    for a stuck ReLU network and the cap for the spiky curves of a learning one.

    >>> plateau_window([1.0, 0.8] + [0.79] * 15 + [0.5, 0.3])
    1
    """
    loss = np.asarray(loss, dtype=float)
    noise = _noise(loss[np.isfinite(loss)])
    window = math.ceil((PLATEAU_NOISE_FACTOR * noise / rel_tol) ** (2.0 / 3.0))
    return int(min(max(window, 1), PLATEAU_MAX_WINDOW, max(loss.size // 5, 1)))


def _centred_median(loss, window):
    """Median of each epoch's loss over ``window`` epochs centred on it (fewer at the ends):
    a minibatch curve's spikes, which a mean would spread over the window, drop out."""
    if window <= 1:
        return loss
    padded = np.concatenate(
        [np.full((window - 1) // 2, np.nan), loss, np.full(window // 2, np.nan)]
    )
    return np.nanmedian(np.lib.stride_tricks.sliding_window_view(padded, window), axis=-1)


def _falls(smoothed, start, end, rel_tol) -> bool:
    """Whether the smoothed loss falls by at least ``rel_tol`` per epoch from start to end."""
    return smoothed[start] - smoothed[end] >= rel_tol * (end - start) * abs(smoothed[start])


def find_plateaus(
    loss,
    min_epochs: int = PLATEAU_MIN_EPOCHS,
    rel_tol: float = PLATEAU_REL_TOL,
    min_drop: float = PLATEAU_MIN_DROP,
    *,
    smoothing: int | str = PLATEAU_SMOOTHING,
    constant_loss: float | None = None,
) -> list[tuple[int, int]]:
    """Plateaus of a loss curve as (start_epoch, end_epoch), inclusive, indices into ``loss``.

    Parameters
    ----------
    loss : array-like (n_epochs,)
        A training-loss curve; from its first non-finite value on (a diverged run) no epoch
        belongs to a plateau.
    min_epochs : int
        k: the fewest epochs a plateau spans (end − start).
    rel_tol : float
        τ: an epoch is flat when the smoothed loss falls by less than this share of its level
        per epoch.
    min_drop : float
        A flat run counts when the smoothed loss later falls at least this share below its
        level (of the constant predictor's loss, when larger and known).
    smoothing : int or "auto"
        w: the window of the centred median that smooths the curve, and the lag over which its
        fall is measured; ``"auto"`` (the default) picks it from the curve's noise
        (:func:`plateau_window`): 1 for a clean curve, about 10 to 25 for minibatch SGD.
    constant_loss : float, optional
        The loss of the best constant prediction; given, a flat run also counts when its level
        is at least ``1 − PLATEAU_STUCK_SHARE`` (80 %) of it — a *stuck* stretch, which may
        last to the final epoch (a stuck run) or end in a fall too small to count yet.

    Notes
    -----
    With s the centred median of ``loss`` over w epochs (spikes drop out of a median, where a
    mean would spread them), epoch t ≥ w is flat when s[t−w] − s[t] < τ · w · |s[t−w]|: the
    loss fell by less than τ per epoch over the last w epochs. A run of flat epochs spans from
    w epochs before its first flat one to its last; two runs that touch merge when the loss
    does not fall over both together (one noisy step does not split a stall), and a run over
    which s falls by τ per epoch or more (flat windows chained along a steady fall) is not a
    plateau. The level of a plateau is the median of s over it.

    >>> find_plateaus([1.0] + [0.9] * 12 + [0.5, 0.4], min_epochs=10)
    [(1, 12)]
    >>> find_plateaus([0.8] + [0.69] * 12, constant_loss=0.69)
    [(1, 12)]
    """
    loss = np.asarray(loss, dtype=float)
    finite = np.isfinite(loss)
    curve = loss if finite.all() else loss[: int(np.argmin(finite))]
    if curve.size < 2:
        return []
    if isinstance(smoothing, str) and smoothing == "auto":
        window = plateau_window(curve, rel_tol)
    else:
        window = check_integer("smoothing", smoothing, 1, allowed='"auto" or an integer ≥ 1')
    smoothed = _centred_median(curve, window)
    lag = min(window, curve.size - 1)
    flat = np.zeros(curve.size, dtype=bool)
    earlier = smoothed[:-lag]
    flat[lag:] = earlier - smoothed[lag:] < rel_tol * lag * np.abs(earlier)
    best_epoch = int(np.argmin(smoothed))
    best = smoothed[best_epoch]
    high = None if constant_loss is None else (1.0 - PLATEAU_STUCK_SHARE) * constant_loss
    plateaus = []
    for start, end in _flat_runs(flat, lag, smoothed, rel_tol):
        if end - start < min_epochs:
            continue
        level = float(np.median(smoothed[start : end + 1]))
        # a later fall that counts: min_drop of the plateau's level, and of the constant
        # predictor's loss when known (near convergence a noisy curve wanders by more)
        scale = level if constant_loss is None else max(level, constant_loss)
        dropped = end < best_epoch and best <= level - min_drop * scale
        if dropped or (high is not None and level >= high):
            plateaus.append((int(start), int(end)))
    return plateaus


def _flat_runs(flat, lag, smoothed, rel_tol) -> list[tuple[int, int]]:
    """(start, end) of each run of flat epochs, from ``lag`` epochs before its first flat one;
    runs that touch merge when the smoothed loss does not fall over the two together, and a
    run over which it falls by ``rel_tol`` per epoch (flat windows chained along a steady
    fall) is dropped."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flat.astype(np.int8), [0]])))
    runs = []
    for first_flat, stop in zip(edges[::2], edges[1::2], strict=True):
        start, end = int(first_flat - lag), int(stop - 1)
        if runs and start <= runs[-1][1] + 1 and not _falls(smoothed, runs[-1][0], end, rel_tol):
            runs[-1] = (runs[-1][0], end)
        elif not _falls(smoothed, start, end, rel_tol):
            runs.append((max(start, runs[-1][1] + 1) if runs else start, end))
    return runs


def plateau_mask(n_epochs: int, plateaus) -> np.ndarray:
    """Bool array of length ``n_epochs`` marking epochs inside any plateau."""
    mask = np.zeros(n_epochs, dtype=bool)
    for start, end in plateaus:
        mask[start : end + 1] = True
    return mask
