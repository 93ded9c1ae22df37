"""Statistics the frames, the sweep tables and the lab share: each written once, here.

- :func:`summarize`: mean and Student-t confidence interval over repeated runs. One
  observation gives no estimate of spread: its interval collapses to the point
  (``ci_low = ci_high = mean``), so a band or whisker is drawn with zero width instead of
  leaving a gap; ``n`` says how many observations there were. A group with no finite
  observation is NaN.
- :func:`wilson_interval`: Wilson score interval of a binomial share (Monte-Carlo points).
- :func:`recovered_share`: share of the units off at epoch 0 that are not off at the end.

>>> frame = pd.DataFrame({"g": ["a", "a", "b"], "v": [1.0, 3.0, 5.0]})
>>> summarize(frame, ["g"], "v").round(2)
   g  mean  ci_low  ci_high  n
0  a   2.0  -10.71    14.71  2
1  b   5.0    5.00     5.00  1
>>> recovered_share([3, 0], [4, 0]).tolist()
[0.75, nan]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reluscope.validation import check_fraction

__all__ = ["finite", "recovered_share", "summarize", "wilson_interval"]


def finite(values) -> pd.Series:
    """Numbers as float64, with infinities (a diverged run) and non-numbers as missing."""
    values = pd.to_numeric(pd.Series(values), errors="coerce").astype("float64")
    return values.where(np.isfinite(values))


def summarize(
    frame: pd.DataFrame,
    by: Sequence[str],
    value: str,
    confidence: float = 0.95,
    bounds: tuple[float, float] | None = None,
    sort: bool = True,
) -> pd.DataFrame:
    """Mean and Student-t confidence interval of ``value`` per group (e.g. across seeds).

    Parameters
    ----------
    frame : DataFrame
        One row per observation.
    by : sequence of str
        Grouping columns; missing keys form a group of their own.
    value : str
        Numeric column; missing and infinite values are left out.
    confidence : float, default 0.95
    bounds : (low, high), optional
        Clip the interval to these (e.g. (0, 1) for a fraction).
    sort : bool, default True
        Groups in sorted order; ``False`` keeps the order of first appearance.

    Returns
    -------
    DataFrame
        ``by`` columns and ``mean, ci_low, ci_high, n`` (n = finite observations). The interval
        is mean ± t(n − 1) · sd / √n; with n = 1 it is the point itself, with n = 0 NaN.
    """
    from scipy.special import stdtrit

    by = list(by)
    values = frame[by].assign(_value=finite(frame[value]))
    grouped = values.groupby(by, sort=sort, dropna=False)["_value"]
    stats = grouped.agg(mean="mean", sd="std", n="count").reset_index()
    n = stats["n"].to_numpy()
    quantile = stdtrit(np.maximum(n - 1, 1), 0.5 + confidence / 2.0)
    half = np.where(n > 1, quantile * stats["sd"].fillna(0.0) / np.sqrt(np.maximum(n, 1)), 0.0)
    stats["ci_low"] = stats["mean"] - half
    stats["ci_high"] = stats["mean"] + half
    if bounds is not None:
        stats[["ci_low", "ci_high"]] = stats[["ci_low", "ci_high"]].clip(*bounds)
    return stats[[*by, "mean", "ci_low", "ci_high", "n"]]


def wilson_interval(n_events, n_trials, confidence: float = 0.95):
    """Wilson score interval of the share ``n_events / n_trials`` (Wilson 1927).

    Unlike p ± z·stderr it stays inside [0, 1] and does not shrink to a point when no trial
    (or every trial) saw the event: the ends are exactly 0 and 1 there.

    Parameters
    ----------
    n_events, n_trials : int or array_like of int, broadcastable
        Events seen and independent trials (n_trials ≥ 1).
    confidence : float, default 0.95
        Coverage, in (0, 1).

    Returns
    -------
    (low, high) : floats for scalar input, else two float ndarrays of the broadcast shape.

    >>> [round(end, 4) for end in wilson_interval(5, 10)]
    [0.2366, 0.7634]
    """
    from scipy.stats import binomtest

    confidence = check_fraction("confidence", confidence)
    events, trials = np.broadcast_arrays(np.asarray(n_events), np.asarray(n_trials))
    low, high = np.empty(events.shape), np.empty(events.shape)
    for index in np.ndindex(events.shape):
        interval = binomtest(int(events[index]), int(trials[index])).proportion_ci(
            confidence_level=confidence, method="wilson"
        )
        low[index], high[index] = interval.low, interval.high
    if events.ndim == 0:
        return float(low), float(high)
    return low, high


def recovered_share(recovered, born):
    """Share of the units off at epoch 0 that are not off at the end: ``recovered / born``.

    Parameters
    ----------
    recovered, born : int, array_like or Series, broadcastable
        Counts per run (or totals per group): units off at epoch 0 (``born_inactive``,
        ``born_dead``) and those of them not off at the last epoch (``recovered_inactive``,
        ``recovered_dead``).

    Returns
    -------
    float, ndarray or Series (as ``born``)
        NaN where no unit was born off: there is nothing to recover.
    """
    if isinstance(born, pd.Series):
        return recovered / born.where(born > 0)
    born = np.asarray(born, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(born > 0, np.asarray(recovered, dtype=np.float64) / born, np.nan)
    return float(share) if share.ndim == 0 else share
