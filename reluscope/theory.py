"""Closed forms and Monte-Carlo estimators for dying ReLUs at initialisation.

Two results from the literature (see ``REFERENCES.md``), each with a Monte-Carlo estimator that
checks it and extends it where no closed form exists:

- **Born dead / collapse** (Lu, Shin, Su & Karniadakis, "Dying ReLU and Initialization: Theory
  and Numerical Examples", Commun. Comput. Phys. 2020, arXiv:1903.06733): a deep ReLU network with
  zero biases and symmetric weights is, at one input point, all zero in some hidden layer with
  probability 1 − ∏ₗ (1 − 2^(−Nₗ)) -- :func:`born_dead_probability`, estimated at a point or on a
  whole data set by :func:`simulate_born_dead`.
- **A negative bias kills first-layer units**: for inputs on a circle of radius R and weights
  w ~ N(0, σ²I₂), a unit with bias b₀ ≤ 0 is dead with probability 1 − exp(−b₀²/(2R²σ²)) --
  :func:`bias_kill_probability`, estimated by :func:`dead_first_layer_fraction`.

>>> round(born_dead_probability([3] * 10), 3)
0.737
>>> simulate_born_dead([3] * 10, n_trials=2000, random_state=0)
MonteCarloEstimate(p=0.7365 ± 0.0099, n_events=1473, n_trials=2000)
>>> round(float(bias_kill_probability(-1.0)), 3)
0.393
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from reluscope.errors import InvalidParameterError
from reluscope.validation import check_integer, check_real

__all__ = [
    "MonteCarloEstimate",
    "bias_kill_probability",
    "born_dead_probability",
    "dead_first_layer_fraction",
    "simulate_born_dead",
]

# float64 elements per working buffer (32 MB): bounds the memory of one chunk of trials
_CHUNK_ELEMENTS = 1 << 22


@dataclass(frozen=True)
class MonteCarloEstimate:
    """A probability estimated as the fraction of independent trials in which an event occurred.

    Attributes
    ----------
    n_events : int
        Number of trials in which the event occurred.
    n_trials : int
        Number of independent trials.
    """

    n_events: int
    n_trials: int

    @property
    def p(self) -> float:
        """The estimate n_events / n_trials."""
        return self.n_events / self.n_trials

    @property
    def stderr(self) -> float:
        """Binomial standard error √(p(1 − p)/n) of :attr:`p`."""
        return math.sqrt(self.p * (1.0 - self.p) / self.n_trials)

    def wilson_interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """Wilson score interval for the probability (Wilson 1927), by
        ``scipy.stats.binomtest(...).proportion_ci(method="wilson")``.

        Unlike p ± z·stderr it stays inside [0, 1] and does not shrink to a point when no trial
        (or every trial) saw the event; its bounds are exactly 0 and 1 there.

        Parameters
        ----------
        confidence : float, default 0.95
            Coverage, in (0, 1).

        Returns
        -------
        (low, high) : tuple of float
        """
        from reluscope.stats import wilson_interval  # pandas and scipy: not at import time

        return wilson_interval(self.n_events, self.n_trials, confidence)

    def __repr__(self) -> str:
        return (
            f"MonteCarloEstimate(p={self.p:.4g} ± {self.stderr:.2g}, "
            f"n_events={self.n_events}, n_trials={self.n_trials})"
        )


def born_dead_probability(widths: Sequence[int]) -> float:
    """Probability that a zero-bias ReLU network is all zero in some hidden layer at one point.

    With zero biases and weights drawn from any distribution symmetric about 0 with no atom at 0,
    each unit of a layer whose input is non-zero is zero with probability ½, independently of
    the others; once a layer is all zero every later layer is too, and the output is the constant
    output bias. Hence (Lu, Shin, Su & Karniadakis 2020, arXiv:1903.06733)

        P(collapsed at x) = 1 − ∏ₗ (1 − 2^(−Nₗ)),

    for any fixed x ≠ 0, whatever the input dimension or the weight scale.

    Parameters
    ----------
    widths : sequence of int, length L
        Hidden-layer widths N₁, …, N_L (the input and output layers are not counted).

    Returns
    -------
    float
        The probability, in [0, 1).

    Examples
    --------
    >>> [round(born_dead_probability([n] * 10), 4) for n in (2, 3, 5, 10)]
    [0.9437, 0.7369, 0.272, 0.0097]
    """
    widths = _check_widths(widths)
    # log1p/expm1 keep full relative precision when the probability is tiny (wide layers)
    return -math.expm1(sum(math.log1p(-(2.0**-n)) for n in widths))


def bias_kill_probability(bias, radius: float = 1.0, sigma: float = 1.0):
    """Probability that a first-layer ReLU unit is dead on a circle of inputs at initialisation.

    A first-layer unit with weights w and bias b is dead on the data D iff b ≤ −maxₓ w·x. For D
    the circle of radius R about the origin, maxₓ w·x = R‖w‖, and with w ~ N(0, σ²I₂) the norm
    ‖w‖ is Rayleigh(σ), so

        P(dead) = 1 − exp(−b² / (2R²σ²)) for b ≤ 0, and 0 for b > 0

    (REFERENCES, "A negative bias kills first-layer units"). He-normal weights on two inputs
    have σ² = 2/2 = 1, hence the defaults.

    Parameters
    ----------
    bias : float or array_like of float, any shape
        The bias b (the bias offset, when biases start at it).
    radius : float, default 1.0
        Radius R > 0 of the circle of inputs.
    sigma : float, default 1.0
        Standard deviation σ > 0 of each weight.

    Returns
    -------
    float or ndarray of float, shape of ``bias``

    Examples
    --------
    >>> bias_kill_probability([-1.0, -2.0, -3.0, 0.5]).round(3).tolist()
    [0.393, 0.865, 0.989, 0.0]
    """
    bias_array = np.asarray(bias, dtype=np.float64)
    if not np.all(np.isfinite(bias_array)):
        raise InvalidParameterError("bias", bias, "finite floats")
    radius = _check_positive_float("radius", radius)
    sigma = _check_positive_float("sigma", sigma)
    p = -np.expm1(-(bias_array**2) / (2.0 * radius**2 * sigma**2))
    p = np.where(bias_array <= 0.0, p, 0.0)
    return float(p) if p.ndim == 0 else p


def simulate_born_dead(
    widths: Sequence[int],
    n_trials: int,
    X=None,
    random_state=None,
    input_dim: int | None = None,
) -> MonteCarloEstimate:
    """Monte-Carlo estimate of the probability that a ReLU network is born collapsed on X.

    Each trial draws a network with the given hidden widths, He-normal weights
    (Var = 2/fan_in, He et al. 2015) and zero biases, and counts it **collapsed on X** when its
    last hidden layer is all zero at every point of X. Zero stays zero with zero biases, so this
    is the same as "for every x in X some hidden layer is all zero at x", which for one point is
    the event of :func:`born_dead_probability` and for a data set is the event "all zero on all
    points" of Lu, Shin, Su & Karniadakis (2020, arXiv:1903.06733). The output is then the
    constant output bias; conversely, a network whose last hidden layer is non-zero somewhere on
    X has, with probability 1 over the output weights, an output that is not constant on X --
    so this is the probability that the output is constant on X.

    The network is positively homogeneous (h(cx) = c·h(x) for c > 0), so only the directions of
    the points of X matter, and a point at the origin is always collapsed. The data-set event is
    contained in the single-point event at each x in X, so its probability is smaller.

    Parameters
    ----------
    widths : sequence of int, length L
        Hidden-layer widths N₁, …, N_L.
    n_trials : int
        Number of independent networks drawn.
    X : array_like of float, shape (n_points, input_dim), optional
        The inputs. If omitted, the single point e₁ = (1, 0, …, 0), as in the closed form.
    random_state : None, int or numpy.random.Generator, optional
        Seed of the one ``numpy.random.default_rng`` every weight is drawn from. The networks
        drawn depend only on the seed, ``widths``, ``n_trials`` and the input dimension -- not on
        the points of X -- so runs with one seed on different X are paired draw for draw.
    input_dim : int, optional
        Input dimension; defaults to 2 without X and to ``X.shape[1]`` with it.

    Returns
    -------
    MonteCarloEstimate
        Collapsed networks out of ``n_trials``.

    Notes
    -----
    Trials are batched: the weights of a block of trials are stacked as arrays of shape
    (trials, fan_in, fan_out) and the forward pass is one ``np.matmul`` per layer, on chunks
    sized so that no working array exceeds about 32 MB.

    Examples
    --------
    >>> points = np.random.default_rng(0).uniform(-1, 1, size=(200, 2))
    >>> on_data = simulate_born_dead([3] * 10, 2000, X=points, random_state=0)
    >>> at_one_point = simulate_born_dead([3] * 10, 2000, X=points[:1], random_state=0)
    >>> on_data.n_events <= at_one_point.n_events
    True
    """
    widths = _check_widths(widths)
    n_trials = check_integer("n_trials", n_trials, exact=True)
    X = _check_inputs(X, input_dim)
    rng = np.random.default_rng(random_state)

    fans = (X.shape[1], *widths)
    weights_per_trial = sum(a * b for a, b in pairwise(fans))
    # the block of trials drawn at once must not depend on X, so that seeds pair across data sets
    block = max(1, _CHUNK_ELEMENTS // weights_per_trial)
    step = max(1, _CHUNK_ELEMENTS // (X.shape[0] * max(fans)))
    collapsed = 0
    for block_start in range(0, n_trials, block):
        n_block = min(block, n_trials - block_start)
        weights = []
        for fan_in, fan_out in pairwise(fans):
            w = rng.standard_normal((n_block, fan_in, fan_out))
            w *= math.sqrt(2.0 / fan_in)
            weights.append(w)
        for start in range(0, n_block, step):
            stop = min(n_block, start + step)
            hidden = X  # (n_points, d), broadcast against (trials, d, N₁)
            for w in weights:
                hidden = np.matmul(hidden, w[start:stop])  # (trials, n_points, fan_out)
                np.maximum(hidden, 0.0, out=hidden)
            collapsed += int(np.count_nonzero(~hidden.any(axis=(1, 2))))
    return MonteCarloEstimate(collapsed, n_trials)


def dead_first_layer_fraction(
    bias: float,
    n_units: int,
    *,
    radius: float = 1.0,
    sigma: float = 1.0,
    n_points: int = 360,
    random_state=None,
) -> MonteCarloEstimate:
    """Monte-Carlo estimate of the share of first-layer ReLU units dead on a circle of inputs.

    Draws ``n_units`` independent weight vectors w ~ N(0, σ²I₂) and counts a unit dead when
    w·x + b ≤ 0 at every one of ``n_points`` evenly spaced points of the circle of radius R --
    the definition of "dead" over the data set. It estimates :func:`bias_kill_probability`
    (REFERENCES, "A negative bias kills first-layer units"); the finite set of points makes
    death very slightly likelier than on the full circle (by a factor of at most
    1/cos²(π/n_points) in b², about 1 + 8e-5 at 360 points).

    Parameters
    ----------
    bias : float
        The bias b of every unit.
    n_units : int
        Number of units drawn.
    radius : float, default 1.0
        Radius R > 0 of the circle.
    sigma : float, default 1.0
        Standard deviation σ > 0 of each weight (1 for He-normal on two inputs).
    n_points : int, default 360
        Points on the circle.
    random_state : None, int or numpy.random.Generator, optional
        Seed of the one generator the weights are drawn from; the same seed with different
        biases gives the same weights, so a curve over biases is smooth and monotone.

    Returns
    -------
    MonteCarloEstimate
        Dead units out of ``n_units``.

    Examples
    --------
    >>> dead_first_layer_fraction(-1.0, 10_000, random_state=0).p
    0.3936
    """
    bias = check_real("bias", bias)
    n_units = check_integer("n_units", n_units, exact=True)
    radius = _check_positive_float("radius", radius)
    sigma = _check_positive_float("sigma", sigma)
    n_points = check_integer("n_points", n_points, exact=True)
    rng = np.random.default_rng(random_state)

    angles = np.linspace(0.0, 2.0 * np.pi, n_points, endpoint=False)
    points = radius * np.stack([np.cos(angles), np.sin(angles)])  # (2, n_points)
    weights = sigma * rng.standard_normal((n_units, 2))
    dead = 0
    step = max(1, _CHUNK_ELEMENTS // n_points)
    for start in range(0, n_units, step):
        largest = (weights[start : start + step] @ points).max(axis=1)  # (units,)
        dead += int(np.count_nonzero(largest + bias <= 0.0))
    return MonteCarloEstimate(dead, n_units)


def _check_widths(widths) -> tuple[int, ...]:
    allowed = "a non-empty sequence of positive integers, e.g. (3, 3, 3)"
    if isinstance(widths, str | bytes) or np.ndim(widths) != 1 or len(widths) == 0:
        raise InvalidParameterError("widths", widths, allowed)
    for width in widths:
        try:
            check_integer("widths", width, 1, exact=True)
        except InvalidParameterError:
            raise InvalidParameterError("widths", widths, allowed) from None
    return tuple(int(n) for n in widths)


def _check_positive_float(field: str, value) -> float:
    return check_real(field, value, 0.0, low_open=True)


def _check_inputs(X, input_dim) -> np.ndarray:
    if input_dim is not None:
        input_dim = check_integer("input_dim", input_dim, exact=True)
    if X is None:
        X = np.zeros((1, input_dim or 2))
        X[0, 0] = 1.0
        return X
    allowed = "a finite 2-D array of floats, shape (n_points, input_dim), with n_points >= 1"
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError("X", X, allowed) from None
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0 or not np.all(np.isfinite(X)):
        raise InvalidParameterError("X", X, allowed)
    if input_dim is not None and input_dim != X.shape[1]:
        raise InvalidParameterError("input_dim", input_dim, f"X.shape[1] = {X.shape[1]}")
    return X
