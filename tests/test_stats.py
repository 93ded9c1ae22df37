"""reluscope.stats: Student-t summaries, Wilson intervals and the recovered share, checked
against closed forms and counts made by hand."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from reluscope import stats
from reluscope.errors import InvalidParameterError


def test_summarize_mean_and_student_t_interval():
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "v": [1.0, 3.0, 5.0, np.inf]})
    summary = stats.summarize(frame, ["g"], "v").set_index("g")
    assert summary.loc["a", "mean"] == 2.0
    # t(0.975, 1) = 12.706; sd = sqrt(2); half width = 12.706 * sqrt(2) / sqrt(2)
    assert summary.loc["a", "ci_high"] - 2.0 == pytest.approx(12.7062, abs=1e-3)
    # the infinity (a diverged run) is left out, leaving one observation and no interval
    assert summary.loc["b", ["mean", "ci_low", "ci_high", "n"]].tolist() == [5.0, 5.0, 5.0, 1]


def test_summarize_clips_to_bounds():
    frame = pd.DataFrame({"g": [0, 0, 0], "v": [0.0, 0.0, 1.0]})
    summary = stats.summarize(frame, ["g"], "v", bounds=(0.0, 1.0))
    assert summary["ci_low"].iloc[0] == 0.0 and summary["ci_high"].iloc[0] == 1.0


def test_summarize_keeps_groups_and_runs_its_doctest():
    import doctest

    assert doctest.testmod(stats).failed == 0
    # t(0.975, 2) · sd / √3, groups in order of appearance when asked, no group dropped
    frame = pd.DataFrame({"g": ["b", "b", "b", "a", None], "v": [1.0, 2.0, 3.0, np.nan, 4.0]})
    table = stats.summarize(frame, ["g"], "v", sort=False)
    assert table["g"].tolist()[:2] == ["b", "a"] and table["n"].tolist() == [3, 0, 1]
    assert table["ci_high"].iloc[0] == pytest.approx(2.0 + 4.302652729911275 / np.sqrt(3))
    assert table.iloc[1][["mean", "ci_low", "ci_high"]].isna().all()  # no finite observation


# --- Wilson intervals ------------------------------------------------------------------------


def wilson_closed_form(k, n, confidence=0.95):
    """(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), written out independently."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(1, 10), (5, 10), (37, 100), (999, 1000)])
@pytest.mark.parametrize("confidence", [0.5, 0.95, 0.99])
def test_wilson_interval_matches_the_closed_form(k, n, confidence):
    low, high = stats.wilson_interval(k, n, confidence)
    expected = wilson_closed_form(k, n, confidence)
    assert (low, high) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert isinstance(low, float) and isinstance(high, float)


def test_wilson_interval_is_exact_at_the_ends_and_vectorised():
    assert stats.wilson_interval(0, 10)[0] == 0.0 and stats.wilson_interval(10, 10)[1] == 1.0
    assert stats.wilson_interval(0, 100)[1] == pytest.approx(wilson_closed_form(0, 100)[1])
    low, high = stats.wilson_interval(np.array([0, 5, 10]), 10)
    assert low.shape == high.shape == (3,)
    assert low[1] == pytest.approx(0.2366, abs=1e-4) and high[1] == pytest.approx(0.7634, abs=1e-4)
    assert (low <= np.array([0, 0.5, 1.0])).all() and (high >= np.array([0, 0.5, 1.0])).all()
    empty = stats.wilson_interval(np.array([], int), np.array([], int))
    assert empty[0].shape == (0,)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, -0.1])
def test_wilson_interval_rejects_a_confidence_outside_0_1(confidence):
    with pytest.raises(InvalidParameterError, match="confidence"):
        stats.wilson_interval(3, 10, confidence)


# --- recovered share -------------------------------------------------------------------------


def test_recovered_share_by_hand():
    # three runs: 3 of 4 born-inactive units come back, 0 of 2, and a run with none born off
    recovered, born = [3, 0, 0], [4, 2, 0]
    share = stats.recovered_share(recovered, born)
    assert share[:2].tolist() == [0.75, 0.0] and np.isnan(share[2])
    assert stats.recovered_share(3, 12) == 0.25 and math.isnan(stats.recovered_share(0, 0))
    table = pd.DataFrame({"recovered_inactive": recovered, "born_inactive": born})
    column = stats.recovered_share(table["recovered_inactive"], table["born_inactive"])
    assert isinstance(column, pd.Series) and column.iloc[:2].tolist() == [0.75, 0.0]
    assert column.isna().tolist() == [False, False, True]
    # totals over the runs: 3 of 6
    assert stats.recovered_share(sum(recovered), sum(born)) == 0.5


def test_finite_turns_infinities_and_text_into_missing():
    values = stats.finite([1, np.inf, -np.inf, "x", None, 2.5])
    assert values.dtype == np.float64
    assert values.isna().tolist() == [False, True, True, True, True, False]
