"""Lab charts: phase diagram, born dead, bias kill, recovery."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

alt = pytest.importorskip("altair")

from chart_specs import (  # noqa: E402
    assert_consistent_activation_colours,
    assert_highlights_on_legend_click,
    data_of,
    sweep_frame,
    tooltip_fields,
)

from reluscope import charts, frames  # noqa: E402

# --- lab -----------------------------------------------------------------------------------


def test_phase_diagram_chart():
    chart = charts.phase_diagram_chart(frames.phase_cells(sweep_frame()))
    spec = chart.to_dict()
    assert spec["facet"]["field"] == "activation" and spec["columns"] == 2
    assert spec["facet"]["sort"] == ["relu", "leaky_relu"]
    enc = spec["spec"]["encoding"]
    assert enc["x"]["field"] == "learning_rate" and enc["y"]["field"] == "bias_offset"
    assert enc["color"]["field"] == "mean" and enc["color"]["scale"]["domain"] == [0, 1]
    assert {"mean", "ci_low", "ci_high", "n"} <= tooltip_fields(spec["spec"])
    cell = chart.data.query("activation == 'relu' and bias_offset == -3 and learning_rate == 0.1")
    assert cell["mean"].item() == pytest.approx(1.0) and cell["n"].item() == 3
    cells = frames.phase_cells(sweep_frame(), "final_loss")
    loss = charts.phase_diagram_chart(cells, "final_loss").to_dict()
    assert "domain" not in loss["spec"]["encoding"]["color"]["scale"]


def test_phase_diagram_labels_every_learning_rate():
    runs = pd.concat([sweep_frame().assign(learning_rate=lr) for lr in (1, 0.002, 0.2, 0.01)])
    x = charts.phase_diagram_chart(frames.phase_cells(runs)).to_dict()["spec"]["encoding"]["x"]
    assert x["type"] == "ordinal" and x["sort"] == "ascending"  # numbers: sorted numerically
    assert x["axis"]["labelOverlap"] is False and x["axis"]["labelAngle"] == 0
    crowded = pd.concat([sweep_frame().assign(learning_rate=lr) for lr in np.arange(1, 9)])
    x = charts.phase_diagram_chart(frames.phase_cells(crowded)).to_dict()["spec"]["encoding"]["x"]
    assert x["axis"]["labelOverlap"] is False and x["axis"]["labelAngle"] == -45


def test_phase_diagram_refuses_to_average_over_other_settings():
    mixed = pd.concat([sweep_frame().assign(solver="sgd"), sweep_frame().assign(solver="adam")])
    with pytest.raises(ValueError, match="solver"):
        frames.phase_cells(mixed)
    cells = frames.phase_cells(mixed, row="solver")
    spec = charts.phase_diagram_chart(cells, row="solver").to_dict()
    assert spec["facet"]["row"]["field"] == "solver"
    with pytest.raises(ValueError, match="phase diagram needs"):
        charts.phase_diagram_chart(mixed)  # the run table itself: cells only


def test_phase_diagram_counts_diverged_runs():
    runs = sweep_frame().assign(diverged=False)
    runs.loc[0, ["final_loss", "diverged"]] = [np.inf, True]
    chart = charts.phase_diagram_chart(frames.phase_cells(runs, "final_loss"), "final_loss")
    cell = chart.data.iloc[0]
    assert (cell["n"], cell["diverged"]) == (2, 1)  # the diverged run is left out of the mean
    assert "diverged" in tooltip_fields(chart.to_dict()["spec"])


def test_phase_diagram_leaves_out_diverged_runs_with_finite_values():
    runs = sweep_frame().assign(diverged=False)
    runs.loc[0, ["dead_fraction_final", "diverged"]] = [0.0, True]  # reads 0 % dead: no result
    cell = charts.phase_diagram_chart(frames.phase_cells(runs)).data.iloc[0]
    assert (cell["n"], cell["diverged"]) == (2, 1)
    assert cell["mean"] == pytest.approx(runs.loc[1:2, "dead_fraction_final"].mean())
    cells = frames.phase_cells(runs.drop(columns="diverged"))
    everything = charts.phase_diagram_chart(cells).data.iloc[0]
    assert everything["n"] == 3 and "diverged" not in everything


def test_born_dead_chart_wilson_intervals_and_dashed_theory():
    mc = pd.DataFrame(
        {"depth": [1, 2], "width": [3, 3], "probability": [0.0, 0.5], "n_trials": 100}
    )
    theory = pd.DataFrame({"depth": [1, 2], "width": [3, 3], "probability": [0.125, 0.234]})
    chart = charts.born_dead_chart(frames.with_interval(mc, "probability"), theory)
    line, bars, points = chart.to_dict()["layer"]
    assert line["mark"]["strokeDash"] == [5, 3]
    assert (
        bars["encoding"]["y"]["field"] == "ci_low" and bars["encoding"]["y2"]["field"] == "ci_high"
    )
    assert points["encoding"]["color"]["field"] == "width"
    depth_axis = points["encoding"]["x"]["axis"]
    assert depth_axis["tickMinStep"] == 1 and depth_axis["format"] == "d"  # no depth 1.5
    assert chart.to_dict()["title"]["text"].startswith("dashed: closed form")  # not "" (hidden)
    measured = data_of(chart, 1)
    assert measured["ci_low"].iloc[0] == 0.0 and 0.0 < measured["ci_high"].iloc[0] < 0.05
    assert measured["ci_low"].iloc[1] == pytest.approx(0.4038, abs=1e-3)
    assert_highlights_on_legend_click(chart.to_dict(), "width")


def test_bias_kill_chart_summarises_seeds():
    measured = pd.DataFrame({"bias_offset": [-1.0, -1.0, 0.0], "dead_fraction": [0.3, 0.5, 0.0]})
    theory = pd.DataFrame(
        {"activation": "relu", "bias_offset": [-1.0, 0.0], "probability": [0.393, 0.0]}
    )
    chart = charts.bias_kill_chart(frames.bias_kill_points(measured), theory)
    points = data_of(chart, 2).set_index("bias_offset")
    assert points.loc[-1.0, "probability"] == pytest.approx(0.4)
    assert points.loc[-1.0, "n"] == 2
    spec = chart.to_dict()
    assert spec["layer"][0]["encoding"]["x"]["title"] == "bias offset"
    assert_consistent_activation_colours(spec)


def test_recovery_chart():
    frame = pd.DataFrame(
        {
            "activation": ["relu", "leaky_relu", "leaky_relu", "relu"],
            "negative_slope": [np.nan, 0.1, 0.1, np.nan],
            "solver": ["sgd", "sgd", "adam", "adam"],
            "recovered_inactive": [0, 1, 9, 0],
            "born_inactive": [10, 10, 10, 0],
        }
    )
    chart = charts.recovery_chart(frames.recovery_bars(frame))
    spec = chart.to_dict()
    assert spec["facet"]["column"]["field"] == "solver"
    assert spec["facet"]["column"]["sort"] == ["sgd", "adam"]
    bars = spec["spec"]["layer"][0]
    assert bars["encoding"]["x"]["field"] == "negative_slope"
    assert bars["encoding"]["xOffset"]["field"] == "activation"
    summary = chart.data.set_index(["solver", "activation"])
    assert summary.loc[("adam", "leaky_relu"), "mean"] == pytest.approx(0.9)
    assert summary.loc[("sgd", "relu"), "negative_slope"] == 0.0
    assert np.isnan(summary.loc[("adam", "relu"), "mean"])  # no born-inactive unit
    assert_consistent_activation_colours(spec)
    assert_highlights_on_legend_click(spec)
