"""Activation curves and pre-activation histograms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

alt = pytest.importorskip("altair")

from chart_specs import (  # noqa: E402
    NAMES,
    assert_consistent_activation_colours,
    data_of,
    legend_params,
    walk,
)

from reluscope import charts, frames  # noqa: E402

# --- activations and pre-activations -------------------------------------------------------


def test_activation_curves_chart_f_and_derivative_side_by_side():
    frame = frames.activation_curves_frame(NAMES, n_points=11)
    chart = charts.activation_curves_chart(frame)
    spec = chart.to_dict()
    # two panels side by side (a phone stacks them), each with its own y scale
    assert spec["columns"] == 2 and [p["title"] for p in spec["concat"]] == ["f(z)", "f′(z)"]
    assert [set(panel.data["curve"]) for panel in chart.concat] == [{"f(z)"}, {"f′(z)"}]
    assert spec["concat"][0]["encoding"]["x"]["title"] == "pre-activation z"
    assert_consistent_activation_colours(spec)
    # each panel's legend highlights its own lines
    params = legend_params(spec, "activation")
    assert len(params) == 2
    for param, panel in zip(params, spec["concat"], strict=True):
        assert any(
            c.get("param") == param["name"]
            for node in walk(panel)
            if isinstance(node.get("condition"), list)
            for c in node["condition"]
        )


def test_activation_curves_chart_keeps_relu_visible_under_leaky_relu():
    frame = frames.activation_curves_frame(NAMES, negative_slope=0.01, n_points=11)
    chart = charts.activation_curves_chart(
        frame, negative_slopes=frames.flat_negative_slopes(frame)
    )
    spec = chart.to_dict()
    enc = spec["concat"][0]["encoding"]

    def style(channel, name):
        scale = enc[channel]["scale"]
        return scale["range"][scale["domain"].index(name)]

    assert style("strokeDash", "leaky_relu") != [1, 0] and style("strokeDash", "relu") == [1, 0]
    assert style("strokeWidth", "relu") > style("strokeWidth", "leaky_relu")
    assert enc["strokeDash"]["title"] == enc["color"]["title"]  # one legend, dashes shown
    drawn = list(dict.fromkeys(chart.concat[0].data["activation"]))
    assert drawn[-1] == "leaky_relu"  # drawn last, on top of ReLU
    assert spec["concat"][0]["mark"]["point"] == "transparent"  # tooltips at the pointer
    assert spec["title"]["text"] == "f′ for z < 0: 0 (relu), 0.01 (leaky_relu)"
    smooth = frames.activation_curves_frame(["tanh"], n_points=11)
    slopes = frames.flat_negative_slopes(smooth)
    assert "title" not in charts.activation_curves_chart(smooth, negative_slopes=slopes).to_dict()


def test_preactivation_histogram_shades_zero_gradient_region():
    z = pd.DataFrame({"z": np.linspace(-2.0, 2.0, 401), "activation": "relu"})
    chart = charts.preactivation_histogram(frames.preactivation_bins(z))
    regions = data_of(chart, 0)
    assert regions["region"].tolist() == ["zero gradient"]
    assert regions["start"].iloc[0] == pytest.approx(-2.0)
    assert regions["end"].iloc[0] == pytest.approx(0.0, abs=0.01)
    assert data_of(chart, 1)["count"].sum() == 401
    spec = chart.to_dict()
    assert "50% of z in the zero-gradient region" in spec["title"]["subtitle"]
    assert spec["layer"][0]["encoding"]["fill"]["field"] == "region"


def test_preactivation_histogram_saturation_and_given_shares():
    z = pd.DataFrame({"z": np.linspace(-6.0, 6.0, 101)})
    bins = frames.preactivation_bins(
        z, activation="tanh", zero_gradient_share=0.0, saturated_share=0.25
    )
    chart = charts.preactivation_histogram(bins)
    regions = data_of(chart, 0)
    assert regions["region"].tolist() == ["saturated", "saturated"]  # both tails
    assert "25% saturated" in chart.to_dict()["title"]["subtitle"]
    leaky_bins = frames.preactivation_bins(z, activation="leaky_relu", negative_slope=0.1)
    leaky = charts.preactivation_histogram(leaky_bins)
    # slope 0.1: not saturated, not zero, its own region, named as such
    assert data_of(leaky, 0)["region"].tolist() == ["small slope"]
    subtitle = leaky.to_dict()["title"]["subtitle"]
    assert "50% of z on the small slope" in subtitle
    assert "saturated" not in subtitle and "zero-gradient" not in subtitle
    relu = charts.preactivation_histogram(frames.preactivation_bins(z, activation="relu"))
    assert "saturated" not in relu.to_dict()["title"]["subtitle"]  # ReLU: zero gradient only


def test_preactivation_histogram_panels_share_one_colour_scale():
    z = pd.DataFrame({"z": np.tile(np.linspace(-3, 3, 50), 2), "activation": ["relu", "tanh"] * 50})
    spec = charts.preactivation_histogram(frames.preactivation_bins(z)).to_dict()
    assert len(spec["concat"]) == 2 and spec["columns"] == 2  # a grid, not a stack
    assert_consistent_activation_colours(spec)
    # the title names each panel's activation; only the regions get a legend
    assert [p["title"]["text"] for p in spec["concat"]] == [
        "relu: pre-activations",
        "tanh: pre-activations",
    ]
    for panel in spec["concat"]:
        shade, bars = panel["layer"]
        assert bars["encoding"]["color"]["legend"] is None
        assert shade["encoding"]["fill"]["legend"]["orient"] == "bottom"


def test_preactivation_histogram_needs_an_activation():
    with pytest.raises(ValueError, match="activation"):
        frames.preactivation_bins(pd.DataFrame({"z": [0.0, 1.0]}))
    # the chart draws the bins only, and says what it takes
    with pytest.raises(TypeError, match="preactivation_bins"):
        charts.preactivation_histogram(pd.DataFrame({"z": [0.0, 1.0], "activation": "relu"}))


def test_the_f_and_derivative_legend_lists_the_activations_in_the_frames_order():
    # the page puts the sidebar's activations first: every scale of the legend keeps that order
    order = ["tanh", "leaky_relu", "sigmoid", "relu"]
    spec = charts.activation_curves_chart(frames.activation_curves_frame(order)).to_dict()
    for panel in spec["concat"]:
        encoding = panel["encoding"]
        for channel in ("color", "strokeDash", "strokeWidth"):
            assert encoding[channel]["scale"]["domain"] == order, channel
