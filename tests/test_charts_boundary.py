"""The decision-boundary chart."""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np
import pytest

alt = pytest.importorskip("altair")

from chart_specs import (  # noqa: E402
    boundary_frames,
    mark_type,
    tooltip_fields,
)

from reluscope import charts  # noqa: E402
from reluscope.charts.boundary import probability_png  # noqa: E402

# --- decision boundary ---------------------------------------------------------------------


def _png_pixels(url):
    """(width, height, RGB rows) of the 8-bit RGB PNG :func:`probability_png` writes."""
    raw = base64.b64decode(url.removeprefix("data:image/png;base64,"))
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", raw[16:24])
    body = zlib.decompress(raw[raw.index(b"IDAT") + 4 : raw.index(b"IEND") - 8])
    rows = np.frombuffer(body, np.uint8).reshape(height, 1 + 3 * width)
    assert (rows[:, 0] == 0).all()
    return width, height, rows[:, 1:].reshape(height, width, 3)


def test_decision_boundary_chart_layers():
    spec = charts.decision_boundary_chart(*boundary_frames()).to_dict()
    heat, key, casing, rules, points = spec["layer"]  # unit lines under the data
    assert mark_type(heat) == "image" and heat["encoding"]["url"]["field"] == "url"
    assert key["encoding"]["color"]["field"] == "probability"
    assert key["encoding"]["color"]["scale"]["domain"] == [0, 1]
    assert heat["encoding"]["x"]["scale"]["domain"] == [-1.25, 1.25]  # half a cell each side
    assert mark_type(points) == "point" and points["encoding"]["fill"]["field"] == "label"
    assert mark_type(rules) == "rule" and mark_type(casing) == "rule"
    assert {"x", "y", "x2", "y2"} <= set(rules["encoding"])
    assert "unit" in tooltip_fields(rules) and "label" in tooltip_fields(points)


def test_decision_boundary_legends_sit_under_the_map_and_classes_make_one_legend():
    spec = charts.decision_boundary_chart(*boundary_frames()).to_dict()
    key, points = spec["layer"][1], spec["layer"][-1]
    probability = key["encoding"]["color"]["legend"]
    fill, shape = points["encoding"]["fill"]["legend"], points["encoding"]["shape"]["legend"]
    # beside a map they outgrow its height and are cut off; under it they take no width
    for legend in (probability, fill):
        assert legend["orient"] == "bottom" and legend["direction"] == "horizontal"
    assert fill == shape and points["encoding"]["fill"]["title"] == "class"


def test_decision_boundary_unit_lines_thin_and_faint_dead_ones_dashed_grey():
    layers = charts.decision_boundary_chart(*boundary_frames()).to_dict()["layer"]
    casing, rules = layers[2], layers[3]
    assert casing["transform"] == [{"filter": "datum.dead"}]  # a halo under dead lines only
    assert casing["mark"]["stroke"] == "#ffffff" and casing["mark"]["strokeWidth"] > 2

    def live_and_dead(channel):
        encoding = rules["encoding"][channel]
        assert encoding["condition"][0]["test"] == "datum.dead"
        return encoding["value"], encoding["condition"][0]["value"]

    live_width, dead_width = live_and_dead("strokeWidth")
    live_opacity, dead_opacity = live_and_dead("opacity")
    assert live_width <= 1 and live_opacity <= 0.5 and dead_opacity > live_opacity
    assert dead_width >= 2 * live_width
    live_dash, dead_dash = live_and_dead("strokeDash")
    assert live_dash == [1, 0] and dead_dash != [1, 0]
    live_stroke, dead_stroke = live_and_dead("stroke")
    assert dead_stroke != live_stroke and len({dead_stroke[1:3], dead_stroke[3:5]}) == 1  # grey


def test_decision_boundary_points_take_the_class_palette_outlined():
    points = charts.decision_boundary_chart(*boundary_frames()).to_dict()["layer"][-1]
    fill = points["encoding"]["fill"]
    assert fill["field"] == "label" and fill["scale"]["domain"] == ["0", "1"]
    assert fill["scale"]["range"] == list(charts.CLASS_COLORS[:2])
    assert points["mark"]["stroke"] not in charts.CLASS_COLORS
    assert points["mark"]["strokeWidth"] >= 1


def test_decision_boundary_map_is_one_image_coloured_from_class_to_class():
    grid, data, lines = boundary_frames()  # probability (x1 + 1) / 2 on a 5 × 5 grid
    heat = charts.decision_boundary_chart(grid, data, lines).to_dict()["layer"][0]
    (row,) = heat["data"]["values"] if "values" in heat.get("data", {}) else [None]
    url = row["url"] if row else None
    if url is None:  # altair moved the data to the top-level datasets
        spec = charts.decision_boundary_chart(grid, data, lines).to_dict()
        url = spec["datasets"][heat["data"]["name"]][0]["url"]
    width, height, pixels = _png_pixels(url)
    assert (width, height) == (5, 5)
    first, last = (
        np.array([int(c[k : k + 2], 16) for k in (1, 3, 5)]) for c in charts.CLASS_COLORS[:2]
    )
    np.testing.assert_array_equal(pixels[:, 0], np.tile(first, (5, 1)))  # P = 0 at x1 = -1
    np.testing.assert_array_equal(pixels[:, -1], np.tile(last, (5, 1)))  # P = 1 at x1 = 1
    assert (pixels[0] == pixels[-1]).all()  # p does not depend on x2


def test_probability_png_puts_the_first_x2_row_at_the_bottom():
    probability = np.array([[0.0, 0.0], [1.0, 1.0]])  # row i is the i-th x2, ascending
    _, _, pixels = _png_pixels(probability_png(probability))
    top = np.array([int(charts.CLASS_COLORS[1][k : k + 2], 16) for k in (1, 3, 5)])
    np.testing.assert_array_equal(pixels[0, 0], top)


def test_decision_boundary_chart_probability_title():
    chart = charts.decision_boundary_chart(*boundary_frames(), probability_title="P(setosa)")
    assert chart.to_dict()["layer"][1]["encoding"]["color"]["title"] == "P(setosa)"


def test_decision_boundary_chart_one_panel_per_activation():
    spec = charts.decision_boundary_chart(*boundary_frames(["relu", "tanh"])).to_dict()
    assert len(spec["concat"]) == 2
    assert [panel["title"] for panel in spec["concat"]] == ["relu", "tanh"]
