"""Chart builders, checked through ``chart.to_dict()`` on small synthetic frames."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

alt = pytest.importorskip("altair")

from reluscope import charts  # noqa: E402
from reluscope.activations import ACTIVATIONS  # noqa: E402

NAMES = ["relu", "leaky_relu", "tanh", "sigmoid"]


# --- synthetic frames shaped like reluscope.history's ---------------------------------------


def epochs_frame(seeds=2, names=NAMES, n_epochs=5):
    rows = [
        {
            "activation": name,
            "seed": seed,
            "epoch": epoch,
            "loss": (1.0 + i) / (epoch + 1) + 0.01 * seed,
            "val_loss": (1.2 + i) / (epoch + 1),
            "score": epoch / n_epochs,
            "val_score": epoch / (n_epochs + 1),
            "plateau": False,
        }
        for i, name in enumerate(names)
        for seed in range(seeds)
        for epoch in range(n_epochs)
    ]
    return pd.DataFrame(rows)


def plateaus_frame():
    return pd.DataFrame(
        {"activation": ["relu", "tanh"], "seed": [0, 1], "start_epoch": [1, 2], "end_epoch": [3, 4]}
    )


def layers_frame(seeds=2, names=NAMES, n_layers=2, n_epochs=4):
    rng = np.random.default_rng(0)
    rows = []
    for name in names:
        for seed in range(seeds):
            for epoch in range(n_epochs):
                for layer in range(n_layers):
                    dead = int(rng.integers(0, 9))
                    rows.append(
                        {
                            "activation": name,
                            "seed": seed,
                            "epoch": epoch,
                            "layer": layer,
                            "units": 8,
                            "dead": dead,
                            "inactive": dead,
                            "saturated": dead,
                            "deaths": int(rng.integers(0, 3)),
                            "recoveries": int(rng.integers(0, 3)),
                            "grad_norm": float(rng.random()) + 0.01,
                            "mean_activation": 0.3,
                            "on_rate": 0.5,
                            "dead_fraction": dead / 8,
                        }
                    )
    return pd.DataFrame(rows)


def units_frame(n_layers=1, n_units=4, n_epochs=3):
    rng = np.random.default_rng(1)
    rows = [
        {
            "epoch": epoch,
            "layer": layer,
            "unit": unit,
            "on_rate": float(rng.random()),
            "dead": unit == 0,
            "inactive": unit in (0, 1),
            "saturated": unit in (0, 2),
        }
        for epoch in range(n_epochs)
        for layer in range(n_layers)
        for unit in range(n_units)
    ]
    return pd.DataFrame(rows)


# --- spec helpers ----------------------------------------------------------------------------


def walk(node):
    """Every dict in a spec, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def views(spec):
    """Every unit view (a dict with a mark)."""
    return [node for node in walk(spec) if "mark" in node]


def mark_type(view):
    mark = view["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


def activation_scales(spec):
    """The colour scales of ``activation`` (not its stroke-dash or stroke-width scales)."""
    return [
        node["scale"]
        for node in walk(spec)
        if node.get("field") == "activation"
        and "scale" in node
        and all(str(value).startswith("#") for value in node["scale"].get("range", [None]))
    ]


def legend_params(spec, field="activation"):
    return [
        node
        for node in walk(spec)
        if node.get("bind") == "legend" and node.get("select", {}).get("fields") == [field]
    ]


def assert_consistent_activation_colours(spec):
    scales = activation_scales(spec)
    assert scales, "no activation colour scale"
    for scale in scales:
        assert scale == scales[0], "every layer / panel must share one activation scale"
        assert scale["range"] == [charts.ACTIVATION_COLORS[n] for n in scale["domain"]]


def assert_highlights_on_legend_click(spec, field="activation"):
    params = legend_params(spec, field)
    assert len(params) == 1
    name = params[0]["name"]
    conditions = [
        node
        for node in walk(spec)
        if isinstance(node.get("condition"), list)
        and any(c.get("param") == name for c in node["condition"])
    ]
    assert conditions, "the legend selection must drive an encoding"


def data_of(chart, index=None):
    """The DataFrame behind a chart or one of its layers (Altair hoists shared data up)."""
    part = chart if index is None else chart.layer[index]
    return part.data if isinstance(part.data, pd.DataFrame) else chart.data


def tooltip_fields(view):
    tooltip = view["encoding"].get("tooltip", [])
    return {t.get("field") for t in (tooltip if isinstance(tooltip, list) else [tooltip])}


# --- colours -------------------------------------------------------------------------------


def test_every_activation_has_its_own_colour():
    assert set(charts.ACTIVATION_COLORS) == set(ACTIVATIONS)
    assert len(set(charts.ACTIVATION_COLORS.values())) == len(ACTIVATIONS)


def test_activation_scale_keeps_colours_and_registry_order():
    scale = charts.activation_scale(["tanh", "relu"]).to_dict()
    assert scale["domain"] == ["tanh", "relu"]  # registry order: tanh before relu
    assert scale["range"] == [charts.ACTIVATION_COLORS["tanh"], charts.ACTIVATION_COLORS["relu"]]
    full = charts.activation_scale().to_dict()
    assert full["domain"] == list(ACTIVATIONS)


def test_unknown_names_get_a_stable_colour():
    first = charts.activation_scale(["my_act"]).to_dict()["range"]
    assert first == charts.activation_scale(["my_act"]).to_dict()["range"]
    assert first[0].startswith("#")


# --- summaries -----------------------------------------------------------------------------


def test_summarize_mean_and_student_t_interval():
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "v": [1.0, 3.0, 5.0, np.inf]})
    stats = charts.summarize(frame, ["g"], "v").set_index("g")
    assert stats.loc["a", "mean"] == 2.0
    # t(0.975, 1) = 12.706; sd = sqrt(2); half width = 12.706 * sqrt(2) / sqrt(2)
    assert stats.loc["a", "ci_high"] - 2.0 == pytest.approx(12.7062, abs=1e-3)
    # the infinity (a diverged run) is left out, leaving one observation and no interval
    assert stats.loc["b", ["mean", "ci_low", "ci_high", "n"]].tolist() == [5.0, 5.0, 5.0, 1]


def test_summarize_clips_to_bounds():
    frame = pd.DataFrame({"g": [0, 0, 0], "v": [0.0, 0.0, 1.0]})
    stats = charts.summarize(frame, ["g"], "v", bounds=(0.0, 1.0))
    assert stats["ci_low"].iloc[0] == 0.0 and stats["ci_high"].iloc[0] == 1.0


def test_summarize_is_the_one_in_reluscope_stats():
    import doctest

    from reluscope import stats

    assert charts.summarize is stats.summarize  # the sweep's recovery table uses it too
    assert doctest.testmod(stats).failed == 0
    # t(0.975, 2) · sd / √3, groups in order of appearance when asked, no group dropped
    frame = pd.DataFrame({"g": ["b", "b", "b", "a", None], "v": [1.0, 2.0, 3.0, np.nan, 4.0]})
    table = stats.summarize(frame, ["g"], "v", sort=False)
    assert table["g"].tolist()[:2] == ["b", "a"] and table["n"].tolist() == [3, 0, 1]
    assert table["ci_high"].iloc[0] == pytest.approx(2.0 + 4.302652729911275 / np.sqrt(3))
    assert table.iloc[1][["mean", "ci_low", "ci_high"]].isna().all()  # no finite observation


# --- training curves -----------------------------------------------------------------------


def test_loss_chart_layers_plateaus_band_and_dashes():
    spec = charts.loss_chart(epochs_frame(), plateaus_frame()).to_dict()
    marks = [mark_type(v) for v in spec["layer"]]
    assert marks == ["rect", "area", "line"]
    plateau, band, line = spec["layer"]
    assert plateau["encoding"]["x"]["field"] == "start_epoch"
    assert plateau["encoding"]["x2"]["field"] == "end_epoch"
    assert band["encoding"]["y"]["field"] == "ci_low"
    assert band["encoding"]["y2"]["field"] == "ci_high"
    assert line["encoding"]["y"]["field"] == "mean"
    assert line["encoding"]["y"]["title"] == "loss"
    assert line["encoding"]["x"]["title"] == "epoch"
    dash = line["encoding"]["strokeDash"]
    assert dash["field"] == "split"
    assert dash["scale"] == {"domain": ["train", "validation"], "range": [[1, 0], [6, 3]]}
    assert {"activation", "epoch", "mean", "ci_low", "ci_high", "n"} <= tooltip_fields(line)
    assert_consistent_activation_colours(spec)
    assert_highlights_on_legend_click(spec)


def test_loss_chart_one_seed_has_no_band_and_no_plateau_layer_without_plateaus():
    spec = charts.loss_chart(epochs_frame(seeds=1)).to_dict()
    assert [mark_type(v) for v in spec["layer"]] == ["line"]
    empty = plateaus_frame().iloc[:0]
    spec = charts.loss_chart(epochs_frame(seeds=1), empty).to_dict()
    assert [mark_type(v) for v in spec["layer"]] == ["line"]


def test_loss_chart_log_scale():
    spec = charts.loss_chart(epochs_frame(), log_scale=True).to_dict()
    assert all(v["encoding"]["y"]["scale"]["type"] == "log" for v in spec["layer"])
    linear = charts.loss_chart(epochs_frame()).to_dict()
    assert "type" not in linear["layer"][-1]["encoding"]["y"]["scale"]


def test_loss_chart_without_validation_draws_train_only():
    epochs = epochs_frame(seeds=1).assign(val_loss=np.nan)
    chart = charts.loss_chart(epochs)
    assert set(data_of(chart, 0)["split"]) == {"train"}


def test_plateau_colours_follow_the_whole_chart():
    # plateaus only for relu and tanh: the plateau layer must still use the full domain
    spec = charts.loss_chart(epochs_frame(), plateaus_frame()).to_dict()
    domains = [s["domain"] for s in activation_scales(spec)]
    assert all(d == ["sigmoid", "tanh", "relu", "leaky_relu"] for d in domains)


def test_score_chart_is_accuracy():
    spec = charts.score_chart(epochs_frame()).to_dict()
    line = spec["layer"][-1]
    assert line["encoding"]["y"]["title"] == "accuracy"
    data = spec["datasets"][line.get("data", spec.get("data", {})).get("name")]
    assert {row["split"] for row in data} == {"train", "validation"}


def test_score_chart_title_for_a_regressor():
    spec = charts.score_chart(epochs_frame(), y_title="R²").to_dict()
    assert spec["layer"][-1]["encoding"]["y"]["title"] == "R²"


def test_loss_chart_rejects_frame_without_metric():
    with pytest.raises(ValueError, match="loss"):
        charts.loss_chart(pd.DataFrame({"activation": ["relu"], "epoch": [0]}))


# --- per-layer charts ----------------------------------------------------------------------


def test_dead_fraction_chart_facets_layers_and_marks_born_dead():
    spec = charts.dead_fraction_chart(layers_frame()).to_dict()
    assert spec["facet"]["column"]["field"] == "layer"
    layers = spec["spec"]["layer"]
    assert [mark_type(v) for v in layers] == ["area", "line", "point"]
    line = layers[1]
    assert line["encoding"]["y"]["scale"]["domain"] == [0.0, 1.0]
    assert line["encoding"]["y"]["title"] == "dead fraction"
    born = layers[2]
    assert born["transform"] == [{"filter": "(datum.epoch === 0)"}]
    assert_consistent_activation_colours(spec)
    assert_highlights_on_legend_click(spec)


def test_dead_fraction_chart_single_layer_is_one_stretchable_view():
    chart = charts.dead_fraction_chart(layers_frame(), layer=1)
    spec = chart.to_dict()
    assert "facet" not in spec and "width" not in spec
    assert set(data_of(chart, 0)["layer"]) == {1}


def test_dead_fraction_computed_from_counts():
    layers = layers_frame(seeds=1).drop(columns="dead_fraction")
    chart = charts.dead_fraction_chart(layers, layer=0)
    summary = data_of(chart, 0)
    expected = layers[layers["layer"] == 0].groupby(["activation", "epoch"])["dead"].mean() / 8
    merged = summary.set_index(["activation", "epoch"])["mean"]
    pd.testing.assert_series_equal(merged.sort_index(), expected.sort_index(), check_names=False)


def test_grad_norm_chart_log_scale_and_zero_norms_left_out():
    layers = layers_frame(seeds=1)
    layers.loc[layers.index[0], "grad_norm"] = 0.0
    chart = charts.grad_norm_chart(layers)
    spec = chart.to_dict()
    line = spec["spec"]["layer"][-1]
    assert line["encoding"]["y"]["scale"]["type"] == "log"
    assert line["encoding"]["y"]["title"] == "gradient norm"
    assert chart.data["mean"].isna().sum() == 1


# --- units ---------------------------------------------------------------------------------


def test_unit_states_precedence():
    flags = pd.DataFrame(
        {
            "dead": [True, False, False, False, True],
            "inactive": [True, True, False, True, False],
            "saturated": [True, True, True, False, False],
        }
    )
    states = charts.unit_states(flags).tolist()
    assert states == ["dead", "saturated", "saturated", "inactive", "dead"]
    assert (
        charts.unit_states(flags.assign(dead=False, inactive=False, saturated=False))
        .eq("alive")
        .all()
    )


def test_unit_timeline_chart():
    spec = charts.unit_timeline_chart(units_frame()).to_dict()
    assert mark_type(spec) == "rect"
    enc = spec["encoding"]
    assert enc["x"]["field"] == "epoch" and enc["x2"]["field"] == "epoch_end"
    assert enc["y"]["field"] == "unit"
    assert enc["color"]["field"] == "state"
    assert enc["color"]["scale"]["domain"] == list(charts.UNIT_STATES)
    assert enc["color"]["scale"]["range"] == [
        charts.UNIT_STATE_COLORS[s] for s in charts.UNIT_STATES
    ]
    assert {"unit", "epoch", "state", "on_rate"} <= tooltip_fields(spec)
    assert_highlights_on_legend_click(spec, "state")


def test_unit_timeline_chart_several_layers_facets_rows():
    spec = charts.unit_timeline_chart(units_frame(n_layers=2)).to_dict()
    assert spec["facet"]["row"]["field"] == "layer"


def test_on_rate_histogram_defaults_to_last_epoch():
    chart = charts.on_rate_histogram(units_frame())
    assert len(chart.data) == 4  # the units of the last epoch only
    spec = chart.to_dict()
    assert spec["encoding"]["x"]["bin"] == {"extent": [0, 1], "step": 0.05}
    assert spec["encoding"]["color"]["field"] == "state"
    assert "epoch 2" in spec["title"]


def test_events_chart_from_layers_and_from_events():
    chart = charts.events_chart(layers_frame())
    spec = chart.to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["field"] == "signed"
    counts = data_of(chart, 0)
    assert (counts.loc[counts["event"] == "deaths", "signed"] <= 0).all()
    assert (counts.loc[counts["event"] == "recoveries", "signed"] >= 0).all()
    assert_consistent_activation_colours(spec)
    events = pd.DataFrame({"epoch": [1, 1, 2], "event": ["death", "death", "recovery"]})
    counts = data_of(charts.events_chart(events), 0)
    assert counts.set_index("event")["count"].to_dict() == {"deaths": 2, "recoveries": 1}


# --- activations and pre-activations -------------------------------------------------------


def test_activation_curves_frame():
    frame = charts.activation_curves_frame(["leaky_relu", "tanh"], negative_slope=0.2, n_points=5)
    assert list(frame.columns) == ["activation", "z", "value", "derivative"]
    leaky = frame[frame["activation"] == "leaky_relu"]
    assert leaky["value"].iloc[0] == pytest.approx(-1.0)  # 0.2 · (−5)
    assert leaky["derivative"].tolist() == pytest.approx([0.2, 0.2, 0.2, 1.0, 1.0])


def test_activation_curves_chart_f_and_derivative_side_by_side():
    frame = charts.activation_curves_frame(NAMES, n_points=11)
    spec = charts.activation_curves_chart(frame).to_dict()
    assert spec["facet"]["column"]["field"] == "curve"
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert {row["curve"] for row in spec["datasets"][spec["data"]["name"]]} == {"f(z)", "f′(z)"}
    assert spec["spec"]["encoding"]["x"]["title"] == "pre-activation z"
    assert_consistent_activation_colours(spec)
    assert_highlights_on_legend_click(spec)


def test_activation_curves_chart_keeps_relu_visible_under_leaky_relu():
    frame = charts.activation_curves_frame(NAMES, negative_slope=0.01, n_points=11)
    chart = charts.activation_curves_chart(frame)
    spec = chart.to_dict()
    enc = spec["spec"]["encoding"]

    def style(channel, name):
        scale = enc[channel]["scale"]
        return scale["range"][scale["domain"].index(name)]

    assert style("strokeDash", "leaky_relu") != [1, 0] and style("strokeDash", "relu") == [1, 0]
    assert style("strokeWidth", "relu") > style("strokeWidth", "leaky_relu")
    assert enc["strokeDash"]["title"] == enc["color"]["title"]  # one legend, dashes shown
    drawn = list(dict.fromkeys(chart.data["activation"]))
    assert drawn[-1] == "leaky_relu"  # drawn last, on top of ReLU
    assert spec["spec"]["mark"]["point"] == "transparent"  # tooltips at the pointer
    assert spec["title"]["text"] == "f′ for z < 0: 0 (relu), 0.01 (leaky_relu)"
    smooth = charts.activation_curves_frame(["tanh"], n_points=11)
    assert "title" not in charts.activation_curves_chart(smooth).to_dict()


def test_preactivation_histogram_shades_zero_gradient_region():
    z = pd.DataFrame({"z": np.linspace(-2.0, 2.0, 401), "activation": "relu"})
    chart = charts.preactivation_histogram(z)
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
    chart = charts.preactivation_histogram(
        z, activation="tanh", zero_gradient_share=0.0, saturated_share=0.25
    )
    regions = data_of(chart, 0)
    assert regions["region"].tolist() == ["saturated", "saturated"]  # both tails
    assert "25% saturated" in chart.to_dict()["title"]["subtitle"]
    leaky = charts.preactivation_histogram(z, activation="leaky_relu", negative_slope=0.1)
    assert data_of(leaky, 0).empty  # slope 0.1 ≥ 5 % of the peak: no region


def test_preactivation_histogram_panels_share_one_colour_scale():
    z = pd.DataFrame({"z": np.tile(np.linspace(-3, 3, 50), 2), "activation": ["relu", "tanh"] * 50})
    spec = charts.preactivation_histogram(z).to_dict()
    assert len(spec["vconcat"]) == 2
    assert_consistent_activation_colours(spec)


def test_preactivation_histogram_needs_an_activation():
    with pytest.raises(ValueError, match="activation"):
        charts.preactivation_histogram(pd.DataFrame({"z": [0.0, 1.0]}))


# --- decision boundary ---------------------------------------------------------------------


def test_unit_lines_frame_clips_to_the_box():
    W = np.array([[1.0, 1.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]])  # (fan_in=2, units)
    b = np.array([-0.5, 0.0, 0.0, -5.0])
    lines = charts.unit_lines_frame(W, b, (-1, 1, -1, 1), dead=[False, True, False, False])
    assert lines["unit"].tolist() == [0, 1, 2]  # unit 3's line x1 = 5 misses the box
    vertical = lines.iloc[0]
    assert (vertical["x1"], vertical["x1_end"]) == (0.5, 0.5)
    assert sorted([vertical["x2"], vertical["x2_end"]]) == [-1.0, 1.0]
    diagonal = lines.iloc[1]  # x1 + x2 = 0: corner to corner
    assert sorted([(diagonal["x1"], diagonal["x2"]), (diagonal["x1_end"], diagonal["x2_end"])]) == [
        (-1.0, 1.0),
        (1.0, -1.0),
    ]
    assert lines["dead"].tolist() == [False, True, False]


def test_unit_lines_frame_rejects_bad_shapes():
    with pytest.raises(ValueError, match="shape"):
        charts.unit_lines_frame(np.ones((3, 2)), np.ones(2), (-1, 1, -1, 1))


def boundary_frames(activations=None):
    g = np.linspace(-1, 1, 5)
    x1, x2 = np.meshgrid(g, g)
    grid = pd.DataFrame({"x1": x1.ravel(), "x2": x2.ravel(), "probability": (x1.ravel() + 1) / 2})
    data = pd.DataFrame({"x1": [-0.5, 0.5], "x2": [0.0, 0.1], "label": [0, 1]})
    lines = charts.unit_lines_frame(
        [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.2], (-1, 1, -1, 1), [False, True]
    )
    if activations:
        grid = pd.concat([grid.assign(activation=a) for a in activations])
        lines = pd.concat([lines.assign(activation=a) for a in activations])
    return grid, data, lines


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
    chart = charts.class_balance_chart(pd.DataFrame({"y": ["a", "b", "b", "b"]}), "y")
    table = chart.data.set_index("class")
    assert table["count"].to_dict() == {"a": 1, "b": 3}
    assert table.loc["b", "share"] == 0.75
    assert chart.to_dict()["encoding"]["y"]["title"] == "y"


# --- lab -----------------------------------------------------------------------------------


def sweep_frame():
    rows = [
        {
            "activation": name,
            "bias_offset": bias,
            "learning_rate": lr,
            "seed": seed,
            "dead_fraction_final": min(1.0, -bias / 3 + 0.1 * seed),
            "final_loss": 0.5 + seed,
        }
        for name in ("leaky_relu", "relu")
        for bias in (-3.0, -1.0, 0.0)
        for lr in (0.01, 0.1)
        for seed in range(3)
    ]
    return pd.DataFrame(rows)


def test_phase_diagram_chart():
    chart = charts.phase_diagram_chart(sweep_frame())
    spec = chart.to_dict()
    assert spec["facet"]["field"] == "activation" and spec["columns"] == 2
    assert spec["facet"]["sort"] == ["relu", "leaky_relu"]
    enc = spec["spec"]["encoding"]
    assert enc["x"]["field"] == "learning_rate" and enc["y"]["field"] == "bias_offset"
    assert enc["color"]["field"] == "mean" and enc["color"]["scale"]["domain"] == [0, 1]
    assert {"mean", "ci_low", "ci_high", "n"} <= tooltip_fields(spec["spec"])
    cell = chart.data.query("activation == 'relu' and bias_offset == -3 and learning_rate == 0.1")
    assert cell["mean"].item() == pytest.approx(1.0) and cell["n"].item() == 3
    loss = charts.phase_diagram_chart(sweep_frame(), "final_loss").to_dict()
    assert "domain" not in loss["spec"]["encoding"]["color"]["scale"]


def test_phase_diagram_labels_every_learning_rate():
    runs = pd.concat([sweep_frame().assign(learning_rate=lr) for lr in (1, 0.002, 0.2, 0.01)])
    x = charts.phase_diagram_chart(runs).to_dict()["spec"]["encoding"]["x"]
    assert x["type"] == "ordinal" and x["sort"] == "ascending"  # numbers: sorted numerically
    assert x["axis"]["labelOverlap"] is False and x["axis"]["labelAngle"] == 0
    crowded = pd.concat([sweep_frame().assign(learning_rate=lr) for lr in np.arange(1, 9)])
    x = charts.phase_diagram_chart(crowded).to_dict()["spec"]["encoding"]["x"]
    assert x["axis"]["labelOverlap"] is False and x["axis"]["labelAngle"] == -45


def test_phase_diagram_refuses_to_average_over_other_settings():
    mixed = pd.concat([sweep_frame().assign(solver="sgd"), sweep_frame().assign(solver="adam")])
    with pytest.raises(ValueError, match="solver"):
        charts.phase_diagram_chart(mixed)
    spec = charts.phase_diagram_chart(mixed, row="solver").to_dict()
    assert spec["facet"]["row"]["field"] == "solver"


def test_phase_diagram_counts_diverged_runs():
    runs = sweep_frame().assign(diverged=False)
    runs.loc[0, ["final_loss", "diverged"]] = [np.inf, True]
    chart = charts.phase_diagram_chart(runs, "final_loss")
    cell = chart.data.iloc[0]
    assert (cell["n"], cell["diverged"]) == (2, 1)  # the diverged run is left out of the mean
    assert "diverged" in tooltip_fields(chart.to_dict()["spec"])


def test_phase_diagram_leaves_out_diverged_runs_with_finite_values():
    runs = sweep_frame().assign(diverged=False)
    runs.loc[0, ["dead_fraction_final", "diverged"]] = [0.0, True]  # reads 0 % dead: no result
    cell = charts.phase_diagram_chart(runs).data.iloc[0]
    assert (cell["n"], cell["diverged"]) == (2, 1)
    assert cell["mean"] == pytest.approx(runs.loc[1:2, "dead_fraction_final"].mean())
    everything = charts.phase_diagram_chart(runs.drop(columns="diverged")).data.iloc[0]
    assert everything["n"] == 3 and "diverged" not in everything


def test_born_dead_chart_wilson_intervals_and_dashed_theory():
    mc = pd.DataFrame(
        {"depth": [1, 2], "width": [3, 3], "probability": [0.0, 0.5], "n_trials": 100}
    )
    theory = pd.DataFrame({"depth": [1, 2], "width": [3, 3], "probability": [0.125, 0.234]})
    chart = charts.born_dead_chart(mc, theory)
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
    theory = pd.DataFrame({"bias_offset": [-1.0, 0.0], "probability": [0.393, 0.0]})
    chart = charts.bias_kill_chart(measured, theory)
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
    chart = charts.recovery_chart(frame)
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


# --- every builder ---------------------------------------------------------------------------


def test_every_chart_has_axis_titles_and_tooltips():
    built = [
        charts.loss_chart(epochs_frame(), plateaus_frame()),
        charts.dead_fraction_chart(layers_frame()),
        charts.grad_norm_chart(layers_frame()),
        charts.unit_timeline_chart(units_frame()),
        charts.on_rate_histogram(units_frame()),
        charts.events_chart(layers_frame()),
        charts.activation_curves_chart(charts.activation_curves_frame(NAMES, n_points=5)),
        charts.phase_diagram_chart(sweep_frame()),
    ]
    for chart in built:
        spec = chart.to_dict()
        for view in views(spec):
            enc = view["encoding"]
            assert "tooltip" in enc or mark_type(view) == "rule", view
            if "field" in enc.get("x", {}) and mark_type(view) not in ("rect",):
                assert "title" in enc["x"] or "bin" in enc["x"], view


def test_import_reluscope_does_not_import_charts():
    code = (
        "import sys, reluscope; "
        "sys.exit('reluscope.charts' in sys.modules or 'altair' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="grad_norm"):
        charts.grad_norm_chart(layers_frame().drop(columns="grad_norm"))
