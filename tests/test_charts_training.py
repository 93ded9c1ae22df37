"""Training-curve charts: loss, score, dead fraction, gradient norm."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

alt = pytest.importorskip("altair")

from chart_specs import (  # noqa: E402
    activation_scales,
    assert_consistent_activation_colours,
    assert_highlights_on_legend_click,
    data_of,
    epochs_frame,
    layers_frame,
    legend_params,
    mark_type,
    plateaus_frame,
    tooltip_fields,
    views,
    walk,
)

from reluscope import charts, frames  # noqa: E402

# --- training curves -----------------------------------------------------------------------


def test_loss_chart_layers_plateaus_band_and_dashes():
    spec = charts.loss_chart(frames.metric_curves(epochs_frame()), plateaus_frame()).to_dict()
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
    one_seed = frames.metric_curves(epochs_frame(seeds=1))
    spec = charts.loss_chart(one_seed).to_dict()
    assert [mark_type(v) for v in spec["layer"]] == ["line"]
    empty = plateaus_frame().iloc[:0]
    spec = charts.loss_chart(one_seed, empty).to_dict()
    assert [mark_type(v) for v in spec["layer"]] == ["line"]


def test_loss_chart_log_scale():
    log = frames.metric_curves(epochs_frame(), log_scale=True)
    spec = charts.loss_chart(log, log_scale=True).to_dict()
    assert all(v["encoding"]["y"]["scale"]["type"] == "log" for v in spec["layer"])
    linear = charts.loss_chart(frames.metric_curves(epochs_frame())).to_dict()
    assert "type" not in linear["layer"][-1]["encoding"]["y"]["scale"]


def test_loss_chart_without_validation_draws_train_only():
    epochs = epochs_frame(seeds=1).assign(val_loss=np.nan)
    chart = charts.loss_chart(frames.metric_curves(epochs))
    assert set(data_of(chart, 0)["split"]) == {"train"}


def test_plateau_colours_follow_the_whole_chart():
    # plateaus only for relu and tanh: the plateau layer must still use the full domain
    spec = charts.loss_chart(frames.metric_curves(epochs_frame()), plateaus_frame()).to_dict()
    domains = [s["domain"] for s in activation_scales(spec)]
    order = list(dict.fromkeys(epochs_frame()["activation"]))  # the comparison's order
    assert sorted(order) == sorted(["sigmoid", "tanh", "relu", "leaky_relu"])
    assert all(d == order for d in domains)


def test_score_chart_is_accuracy():
    spec = charts.score_chart(frames.metric_curves(epochs_frame(), "score")).to_dict()
    line = spec["layer"][-1]
    assert line["encoding"]["y"]["title"] == "accuracy"
    data = spec["datasets"][line.get("data", spec.get("data", {})).get("name")]
    assert {row["split"] for row in data} == {"train", "validation"}


def test_score_chart_title_for_a_regressor():
    score = frames.metric_curves(epochs_frame(), "score")
    spec = charts.score_chart(score, y_title="R²").to_dict()
    assert spec["layer"][-1]["encoding"]["y"]["title"] == "R²"


def test_loss_chart_rejects_frame_without_metric():
    with pytest.raises(ValueError, match="loss"):
        frames.metric_curves(pd.DataFrame({"activation": ["relu"], "epoch": [0]}))
    # the chart draws the summary only, and names what a raw frame lacks
    with pytest.raises(ValueError, match=r"loss chart.*'split', 'mean'"):
        charts.loss_chart(epochs_frame())


# --- per-layer charts ----------------------------------------------------------------------


def test_dead_fraction_chart_panels_layers_and_marks_born_dead():
    layer_curves = frames.layer_curves(layers_frame())
    chart = charts.dead_fraction_chart(layer_curves)
    spec = chart.to_dict()
    # one panel per layer, wrapping two a row (the dashboard stretches each to its column)
    numbers = sorted(layer_curves["layer"].unique())
    assert spec["columns"] == 2 and len(spec["concat"]) == len(numbers) > 1
    assert [p["title"] for p in spec["concat"]] == [f"hidden layer {k}" for k in numbers]
    for k, panel in zip(numbers, chart.concat, strict=True):
        assert set(data_of(panel, 0)["layer"]) == {k}
    layers = spec["concat"][0]["layer"]
    assert [mark_type(v) for v in layers] == ["area", "line", "point"]
    line = layers[1]
    assert line["encoding"]["y"]["scale"]["domain"] == [0.0, 1.0]
    assert line["encoding"]["y"]["title"] == "dead fraction"
    born = layers[2]
    assert born["transform"] == [{"filter": "(datum.epoch === 0)"}]
    assert_consistent_activation_colours(spec)
    # each panel's legend highlights its own lines: one selection per panel, used there
    params = legend_params(spec, "activation")
    assert len(params) == len(numbers)
    for param, panel in zip(params, spec["concat"], strict=True):
        conditions = [
            node
            for node in walk(panel)
            if isinstance(node.get("condition"), list)
            and any(c.get("param") == param["name"] for c in node["condition"])
        ]
        assert conditions, "the legend selection must drive an encoding"


def test_dead_fraction_chart_single_layer_is_one_stretchable_view():
    chart = charts.dead_fraction_chart(frames.layer_curves(layers_frame()), layer=1)
    spec = chart.to_dict()
    assert "facet" not in spec and "width" not in spec
    assert set(data_of(chart, 0)["layer"]) == {1}


def test_dead_fraction_computed_from_counts():
    layers = layers_frame(seeds=1).drop(columns="dead_fraction")
    chart = charts.dead_fraction_chart(frames.layer_curves(layers, "dead_fraction"), layer=0)
    summary = data_of(chart, 0)
    expected = layers[layers["layer"] == 0].groupby(["activation", "epoch"])["dead"].mean() / 8
    merged = summary.set_index(["activation", "epoch"])["mean"]
    pd.testing.assert_series_equal(merged.sort_index(), expected.sort_index(), check_names=False)


def test_grad_norm_chart_log_scale_and_zero_norms_left_out():
    layers = layers_frame(seeds=1)
    layers.loc[layers.index[0], "grad_norm"] = 0.0
    chart = charts.grad_norm_chart(frames.layer_curves(layers, "grad_norm", log_scale=True))
    spec = chart.to_dict()
    line = spec["concat"][0]["layer"][-1]
    assert line["encoding"]["y"]["scale"]["type"] == "log"
    assert line["encoding"]["y"]["title"] == "gradient norm"
    assert sum(data_of(panel, -1)["mean"].isna().sum() for panel in chart.concat) == 1


# --- templates: a spec built once per structure, filled with each run's rows ----------------


def _valid(spec: dict) -> None:
    import json

    vl_convert = pytest.importorskip("vl_convert")
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    assert validate_jsonschema(spec, load_schema(), raise_error=False) is None, spec
    assert vl_convert.vegalite_to_svg(json.dumps(spec)).startswith("<svg")


def _diverged(names) -> pd.DataFrame:
    return pd.DataFrame({"activation": names, "epoch": [2] * len(names), "status": "diverged"})


def test_a_new_run_of_the_same_structure_fills_the_same_template():
    from reluscope.charts.training import loss_spec

    first = frames.metric_curves(epochs_frame())
    again = frames.metric_curves(epochs_frame().assign(loss=lambda f: f["loss"] * 3))
    a = loss_spec(first, plateaus_frame(), cursor=True)
    b = loss_spec(again, plateaus_frame(), cursor=True)
    assert b.template is a.template  # built once: no Altair chart for the second run
    assert b.datasets["curves"]["mean"].tolist() == again["mean"].tolist()
    assert b.values == {"last_epoch": int(again["epoch"].max())}
    # a run with plateaus, or none, and no diverged run: the same spec, the layers kept empty
    calm = _diverged([])
    none = loss_spec(first, plateaus_frame().iloc[:0], diverged=calm, cursor=True)
    some = loss_spec(again, plateaus_frame(), diverged=calm, cursor=True)
    assert none.template is some.template and len(none.datasets["plateaus"]) == 0
    assert "y_low" not in none.values  # nothing diverged: the axis fits every run
    _valid(none.figure())
    # what changes the structure changes the template
    assert loss_spec(first, log_scale=True).template is not a.template
    assert loss_spec(first, plateaus_frame()).template is not a.template  # no cursor
    order = ["tanh", "relu", "sigmoid", "leaky_relu"]
    reordered = frames.metric_curves(epochs_frame(names=order))
    other = loss_spec(reordered, plateaus_frame(), cursor=True)
    assert other.template is not a.template
    assert next(s["domain"] for s in activation_scales(other.figure())) == order


def test_the_template_draws_what_the_altair_chart_draws():
    from reluscope.charts.training import loss_spec

    curves = frames.metric_curves(epochs_frame())
    filled = loss_spec(curves, plateaus_frame(), cursor=True).figure()
    chart = charts.loss_chart(curves, plateaus_frame(), cursor=True).to_dict()
    assert [mark_type(v) for v in views(filled)] == [mark_type(v) for v in views(chart)]
    rows = filled["datasets"]["curves"]
    assert [r["mean"] for r in rows] == pytest.approx(curves["mean"].tolist())
    assert_consistent_activation_colours(filled)
    assert_highlights_on_legend_click(filled)
    _valid(filled)


def test_a_diverged_run_is_left_out_of_the_axis_by_the_templates_values():
    from reluscope.charts.training import loss_spec

    epochs = epochs_frame(seeds=2)
    epochs.loc[epochs["activation"] == "relu", "loss"] = 1e6  # an exploding loss
    curves = frames.metric_curves(epochs)
    filled = loss_spec(curves, diverged=_diverged(["relu"]), cursor=True)
    kept = curves[curves["activation"] != "relu"]
    assert filled.values["y_high"] < 1e3 <= curves["ci_high"].max()
    assert filled.values["y_high"] >= kept["ci_high"].max()
    spec = filled.figure()
    params = {p["name"]: p.get("value") for p in spec["params"]}
    assert params["y_high"] == filled.values["y_high"]
    curves = [v["encoding"]["y"] for v in views(spec) if v["encoding"].get("y", {}).get("field")
              in ("mean", "ci_low")]  # fmt: skip
    domains = [y["scale"]["domain"] for y in curves]
    assert domains and all(d == [{"expr": "y_low"}, {"expr": "y_high"}] for d in domains)
    _valid(spec)
    for view, _ in filled.view_specs():
        _valid(view)
    # a wilder run of the same structure: the same spec, other values
    epochs.loc[epochs["activation"] == "tanh", "loss"] += 5
    wilder = loss_spec(frames.metric_curves(epochs), diverged=_diverged(["relu"]), cursor=True)
    assert wilder.template is filled.template and wilder.values["y_high"] > filled.values["y_high"]


def test_one_legend_that_wraps_to_the_width_and_a_note_for_the_dashes():
    from reluscope.charts.training import SPLITS_NOTE, loss_spec

    curves = frames.metric_curves(epochs_frame())
    view, _ = loss_spec(curves, cursor=True).view_specs()[0]
    legends = [n["legend"] for n in walk(view) if isinstance(n.get("legend"), dict)]
    wrapping = [legend["columns"]["expr"].startswith("max(1, floor(width /") for legend in legends]
    assert wrapping and all(wrapping)
    dashes = [n for n in walk(view) if n.get("field") == "split" and "legend" in n]
    assert dashes and all(n["legend"] is None for n in dashes)  # said by the note instead
    assert view["title"]["text"] == SPLITS_NOTE
    # the plot keeps its height: the width fits the page, the legend's rows add below
    assert view["autosize"] == {"type": "fit-x", "contains": "padding"} and view["height"] > 0
    train_only = frames.metric_curves(epochs_frame().assign(val_loss=np.nan))
    assert "title" not in loss_spec(train_only).view_specs()[0][0]


def test_non_finite_values_are_gaps_not_numbers():
    from reluscope.charts.training import loss_spec

    curves = frames.metric_curves(epochs_frame())
    curves.loc[3, "ci_high"] = np.inf
    filled = loss_spec(curves)
    assert filled.datasets["curves"]["ci_high"].isna().iloc[3]
    assert filled.figure()["datasets"]["curves"][3]["ci_high"] is None
