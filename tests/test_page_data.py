"""The Data page through Streamlit's AppTest: its figures, and a summary of the numeric
columns with no blank ("None") cells."""

from __future__ import annotations

import pytest
from test_app import QUICK, assert_healthy, run_app


def summary_table(at):
    """The page's first table: the summary (the catalogue of datasets comes last)."""
    return at.dataframe[0].value


def test_a_classification_summary_covers_the_features_only():
    at = run_app({**QUICK, "dataset": "moons"}, "data")
    assert_healthy(at)
    assert [m.label for m in at.metric] == ["Rows", "Features", "Task", "Classes"]
    summary = summary_table(at)
    # the label is counted in the class balance, not given a mean
    assert list(summary.index) == ["x1", "x2"]
    assert not summary.isna().any().any()
    assert summary["count"].tolist() == [120, 120]
    assert summary.columns.tolist()[:3] == ["count", "mean", "std"]


@pytest.mark.parametrize("dataset", ["sine", "surface"])
def test_a_regression_summary_includes_its_target(dataset):
    at = run_app({**QUICK, "dataset": dataset}, "data")
    assert_healthy(at)
    summary = summary_table(at)
    assert summary.index[-1] == "y" and not summary.isna().any().any()
