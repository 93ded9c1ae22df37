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
    legend_params,
    sweep_frame,
    tooltip_fields,
    walk,
)

from reluscope import charts, frames  # noqa: E402

# --- lab -----------------------------------------------------------------------------------


def panel_data(chart) -> pd.DataFrame:
    """The rows behind every panel of a chart of panels (or a single panel)."""
    parts = getattr(chart, "concat", None) or [chart]
    return pd.concat([part.data for part in parts], ignore_index=True)


def first_cell(chart) -> pd.Series:
    """The cell of the sweep's first run (leaky_relu, bias offset -3, learning rate 0.01)."""
    cells = panel_data(chart)
    return cells.query(
        "activation == 'leaky_relu' and bias_offset == -3 and learning_rate == 0.01"
    ).iloc[0]


def test_phase_diagram_chart():
    chart = charts.phase_diagram_chart(frames.phase_cells(sweep_frame()))
    spec = chart.to_dict()
    # a panel per activation, wrapping two a line (the dashboard stretches each to its column)
    assert spec["columns"] == 2
    assert [panel["title"] for panel in spec["concat"]] == ["relu", "leaky_relu"]
    for name, panel in zip(["relu", "leaky_relu"], chart.concat, strict=True):
        assert set(panel.data["activation"]) == {name}
    encodings = [panel["encoding"] for panel in spec["concat"]]
    enc = encodings[0]
    assert enc["x"]["field"] == "learning_rate" and enc["y"]["field"] == "bias_offset"
    assert enc["color"]["field"] == "mean" and enc["color"]["scale"]["domain"] == [0, 1]
    assert {"mean", "ci_low", "ci_high", "n"} <= tooltip_fields(spec["concat"][0])
    cell = panel_data(chart).query(
        "activation == 'relu' and bias_offset == -3 and learning_rate == 0.1"
    )
    assert cell["mean"].item() == pytest.approx(1.0) and cell["n"].item() == 3
    cells = frames.phase_cells(sweep_frame(), "final_loss")
    loss = charts.phase_diagram_chart(cells, "final_loss").to_dict()
    # a loss has no fixed range: one domain over every panel, so drawn apart they still agree
    domains = [panel["encoding"]["color"]["scale"]["domain"] for panel in loss["concat"]]
    assert domains[0] == [cells["mean"].min(), cells["mean"].max()]
    assert all(domain == domains[0] for domain in domains)


def test_phase_diagram_panels_follow_the_given_order_and_one_activation_is_one_view():
    runs, order = sweep_frame(), ["leaky_relu", "relu"]
    spec = charts.phase_diagram_chart(frames.phase_cells(runs), order=order).to_dict()
    assert [panel["title"] for panel in spec["concat"]] == order
    single = charts.phase_diagram_chart(frames.phase_cells(runs[runs["activation"] == "relu"]))
    assert isinstance(single, alt.Chart) and single.to_dict()["title"] == "relu"


def test_phase_diagram_labels_every_learning_rate():
    def x_axis(runs):
        chart = charts.phase_diagram_chart(frames.phase_cells(runs))
        return chart.to_dict()["concat"][0]["encoding"]["x"]

    x = x_axis(pd.concat([sweep_frame().assign(learning_rate=lr) for lr in (1, 0.002, 0.2, 0.01)]))
    assert x["type"] == "ordinal" and x["sort"] == "ascending"  # numbers: sorted numerically
    assert x["axis"]["labelOverlap"] is False and x["axis"]["labelAngle"] == 0
    x = x_axis(pd.concat([sweep_frame().assign(learning_rate=lr) for lr in np.arange(1, 9)]))
    assert x["axis"]["labelOverlap"] is False and x["axis"]["labelAngle"] == -45


def test_phase_diagram_refuses_to_average_over_other_settings():
    mixed = pd.concat([sweep_frame().assign(solver="sgd"), sweep_frame().assign(solver="adam")])
    with pytest.raises(ValueError, match="solver"):
        frames.phase_cells(mixed)
    cells = frames.phase_cells(mixed, row="solver")
    chart = charts.phase_diagram_chart(cells, row="solver")
    # a panel per activation and solver, the activations of one solver side by side
    titles = [panel["title"] for panel in chart.to_dict()["concat"]]
    solvers = list(dict.fromkeys(cells["solver"]))
    assert sorted(solvers) == ["adam", "sgd"]
    assert titles == [
        f"{name} · solver {solver}" for solver in solvers for name in ("relu", "leaky_relu")
    ]
    for panel, title in zip(chart.concat, titles, strict=True):
        assert set(panel.data["solver"]) == {title.rsplit(" ", 1)[1]}
    with pytest.raises(ValueError, match="phase diagram needs"):
        charts.phase_diagram_chart(mixed)  # the run table itself: cells only


def test_phase_diagram_counts_diverged_runs():
    runs = sweep_frame().assign(diverged=False)
    runs.loc[0, ["final_loss", "diverged"]] = [np.inf, True]
    chart = charts.phase_diagram_chart(frames.phase_cells(runs, "final_loss"), "final_loss")
    cell = first_cell(chart)
    assert (cell["n"], cell["diverged"]) == (2, 1)  # the diverged run is left out of the mean
    assert "diverged" in tooltip_fields(chart.to_dict()["concat"][0])


def test_phase_diagram_leaves_out_diverged_runs_with_finite_values():
    runs = sweep_frame().assign(diverged=False)
    runs.loc[0, ["dead_fraction_final", "diverged"]] = [0.0, True]  # reads 0 % dead: no result
    cell = first_cell(charts.phase_diagram_chart(frames.phase_cells(runs)))
    assert (cell["n"], cell["diverged"]) == (2, 1)
    assert cell["mean"] == pytest.approx(runs.loc[1:2, "dead_fraction_final"].mean())
    cells = frames.phase_cells(runs.drop(columns="diverged"))
    everything = first_cell(charts.phase_diagram_chart(cells))
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
    # a panel per optimiser, in the order they first appear
    assert [panel["title"] for panel in spec["concat"]] == ["optimiser: sgd", "optimiser: adam"]
    for solver, panel in zip(["sgd", "adam"], chart.concat, strict=True):
        assert set(data_of(panel)["solver"]) == {solver}
    bars = spec["concat"][0]["layer"][0]
    assert bars["encoding"]["x"]["field"] == "negative_slope"
    assert bars["encoding"]["xOffset"]["field"] == "activation"
    # every panel lists every slope, so the panels line up
    assert bars["encoding"]["x"]["scale"]["domain"] == [0.0, 0.1]
    summary = pd.concat([data_of(p) for p in chart.concat]).set_index(["solver", "activation"])
    assert summary.loc[("adam", "leaky_relu"), "mean"] == pytest.approx(0.9)
    assert summary.loc[("sgd", "relu"), "negative_slope"] == 0.0
    assert np.isnan(summary.loc[("adam", "relu"), "mean"])  # no born-inactive unit
    assert_consistent_activation_colours(spec)
    # each panel's legend highlights its own bars: one selection per panel, used there
    params = legend_params(spec)
    assert len(params) == 2
    for param, panel in zip(params, spec["concat"], strict=True):
        assert any(
            isinstance(node.get("condition"), list)
            and any(c.get("param") == param["name"] for c in node["condition"])
            for node in walk(panel)
        ), "the legend selection must drive an encoding"
