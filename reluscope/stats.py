"""Mean and Student-t confidence interval over repeated runs, for the charts and the sweep tables.

One observation gives no estimate of spread: its interval collapses to the point
(``ci_low = ci_high = mean``), so a band or whisker is drawn with zero width instead of leaving a
gap; ``n`` says how many observations there were. A group with no finite observation is NaN.

>>> frame = pd.DataFrame({"g": ["a", "a", "b"], "v": [1.0, 3.0, 5.0]})
>>> summarize(frame, ["g"], "v").round(2)
   g  mean  ci_low  ci_high  n
0  a   2.0  -10.71    14.71  2
1  b   5.0    5.00     5.00  1
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["finite", "summarize"]


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
