"""Dataset charts: scatter and class balance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

alt = pytest.importorskip("altair")

from chart_specs import (  # noqa: E402
    assert_highlights_on_legend_click,
)

from reluscope import charts, frames  # noqa: E402

# --- data ----------------------------------------------------------------------------------


def test_data_scatter_classes_and_continuous_colour():
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [1.0, 0.0, 2.0], "label": [0, 1, 1]})
    spec = charts.data_scatter(frame, "a", "b", "label").to_dict()
    assert spec["encoding"]["x"]["title"] == "a" and spec["encoding"]["y"]["title"] == "b"
    assert spec["encoding"]["color"]["type"] == "nominal"
    assert_highlights_on_legend_click(spec, "label")
    many = pd.DataFrame({"a": range(20), "b": range(20), "t": np.linspace(0, 1, 20)})
    assert charts.data_scatter(many, "a", "b", "t").to_dict()["encoding"]["color"]["type"] == (
        "quantitative"
    )
    assert "color" not in charts.data_scatter(many, "a", "b").to_dict()["encoding"]


def test_class_balance_chart():
    balance = frames.class_balance(pd.DataFrame({"y": ["a", "b", "b", "b"]}), "y")
    chart = charts.class_balance_chart(balance, "y")
    table = chart.data.set_index("class")
    assert table["count"].to_dict() == {"a": 1, "b": 3}
    assert table.loc["b", "share"] == 0.75
    assert chart.to_dict()["encoding"]["y"]["title"] == "y"
