"""The decision-boundary chart."""

from __future__ import annotations

import pytest

alt = pytest.importorskip("altair")

from chart_specs import (  # noqa: E402
    boundary_frames,
    mark_type,
    tooltip_fields,
)

from reluscope import charts  # noqa: E402

# --- decision boundary ---------------------------------------------------------------------


def test_decision_boundary_chart_layers():
    spec = charts.decision_boundary_chart(*boundary_frames()).to_dict()
    heat, rules, points = spec["layer"]  # unit lines under the data
    assert mark_type(heat) == "rect" and heat["encoding"]["color"]["field"] == "probability"
    assert heat["encoding"]["color"]["scale"]["domain"] == [0, 1]
    assert heat["encoding"]["x"]["scale"]["domain"] == [-1.25, 1.25]  # half a cell each side
    assert mark_type(points) == "point" and points["encoding"]["fill"]["field"] == "label"
    assert mark_type(rules) == "rule"
    assert {"x", "y", "x2", "y2"} <= set(rules["encoding"])
    assert "unit" in tooltip_fields(rules) and "label" in tooltip_fields(points)


def test_decision_boundary_unit_lines_thin_and_faint_dead_ones_dashed_grey():
    rules = charts.decision_boundary_chart(*boundary_frames()).to_dict()["layer"][1]

    def live_and_dead(channel):
        encoding = rules["encoding"][channel]
        assert encoding["condition"][0]["test"] == "datum.dead"
        return encoding["value"], encoding["condition"][0]["value"]

    live_width, _ = live_and_dead("strokeWidth")
    live_opacity, dead_opacity = live_and_dead("opacity")
    assert live_width <= 1 and live_opacity <= 0.5 and dead_opacity > live_opacity
    live_dash, dead_dash = live_and_dead("strokeDash")
    assert live_dash == [1, 0] and dead_dash != [1, 0]
    live_stroke, dead_stroke = live_and_dead("stroke")
    assert dead_stroke != live_stroke and len({dead_stroke[1:3], dead_stroke[3:5]}) == 1  # grey


def test_decision_boundary_points_outlined_in_a_contrasting_colour():
    points = charts.decision_boundary_chart(*boundary_frames()).to_dict()["layer"][2]
    fill, stroke = points["encoding"]["fill"], points["encoding"]["stroke"]
    assert stroke["field"] == fill["field"] == "label" and stroke["title"] == fill["title"]
    pairs = list(zip(fill["scale"]["range"], stroke["scale"]["range"], strict=True))
    assert pairs[:2] == [("#ffffff", "#111111"), ("#111111", "#ffffff")]
    assert all(f != s for f, s in pairs)
    assert points["mark"]["strokeWidth"] >= 1


def test_decision_boundary_chart_probability_title():
    chart = charts.decision_boundary_chart(*boundary_frames(), probability_title="P(setosa)")
    assert chart.to_dict()["layer"][0]["encoding"]["color"]["title"] == "P(setosa)"


def test_decision_boundary_chart_one_panel_per_activation():
    spec = charts.decision_boundary_chart(*boundary_frames(["relu", "tanh"])).to_dict()
    assert len(spec["concat"]) == 2
    assert [panel["title"] for panel in spec["concat"]] == ["relu", "tanh"]
