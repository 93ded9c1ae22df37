"""Recovery made visible: off and dead shares per activation and layer, their chart, and the
sentences Compare writes from a run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reluscope import charts, frames
from reluscope.datasets import make_dataset
from reluscope.experiment import compare


@pytest.fixture(scope="module")
def story_run():
    """Moons, biases shifted by -2, Adam: ReLU units die at birth, leaky units come back."""
    data = make_dataset("moons", n_samples=300, noise=0.2, random_state=0)
    return compare(
        data,
        activations=("relu", "leaky_relu", "tanh"),
        seeds=(0, 1),
        hidden_layers=(16, 16),
        bias_offset=-2.0,
        solver="adam",
        learning_rate=0.02,
        epochs=30,
    )


def share(frame, activation, kind, epoch, layer=1):
    row = frame[
        (frame["activation"] == activation)
        & (frame["share"] == kind)
        & (frame["epoch"] == epoch)
        & (frame["layer"] == layer)
    ]
    (value,) = row["mean"]
    return value


def test_off_curves_are_the_runs_off_and_dead_shares(story_run):
    frame = frames.recovery_curves(story_run)
    assert set(frame["share"]) == {"off", "dead"}
    states = frame.groupby("activation")["off_state"].first().to_dict()
    assert states == {"relu": "dead", "leaky_relu": "inactive", "tanh": "saturated"}
    # each mean is the layer's count over its units, averaged over the two seeds
    for activation in story_run.activations:
        expected = np.mean(
            [story_run.runs[(activation, s)].history.off()[0, :16].mean() for s in (0, 1)]
        )
        assert share(frame, activation, "off", 0) == pytest.approx(expected)
    # ReLU: off is dead; leaky: never dead, and its off share falls as units come back
    relu_off = frame[(frame["activation"] == "relu") & (frame["share"] == "off")]
    relu_dead = frame[(frame["activation"] == "relu") & (frame["share"] == "dead")]
    assert relu_off["mean"].tolist() == relu_dead["mean"].tolist()
    leaky = frame[frame["activation"] == "leaky_relu"]
    assert (leaky.loc[leaky["share"] == "dead", "mean"] == 0).all()
    last = story_run.n_epochs
    assert share(frame, "leaky_relu", "off", last) < share(frame, "leaky_relu", "off", 0)
    # a first-layer ReLU unit sees fixed inputs: once dead, it stays dead
    assert share(frame, "relu", "off", last) >= share(frame, "relu", "off", 0) > 0
    assert ((frame["ci_low"] >= 0) & (frame["ci_high"] <= 1)).all()
    assert (frame["n"] == 2).all()


def test_off_curves_of_one_layer_and_missing_columns():
    layers = pd.DataFrame(
        {"activation": "relu", "seed": 0, "epoch": [0, 0], "layer": [1, 2], "units": 4,
         "off": [1, 3], "dead": [1, 3]}
    )  # fmt: skip
    one = frames.off_curves(layers, layer=2)
    assert set(one["layer"]) == {2} and one["mean"].tolist() == [0.75, 0.75]
    with pytest.raises(ValueError, match="off"):
        frames.off_curves(layers.drop(columns="off"))


def dashes(spec) -> dict:
    layer = spec["layer"] if "layer" in spec else spec["spec"]["layer"]
    line = next(item for item in layer if item["mark"]["type"] == "line")
    scale = line["encoding"]["strokeDash"]["scale"]
    return dict(zip(scale["domain"], map(tuple, scale["range"]), strict=True))


def test_the_chart_draws_off_solid_and_dead_dashed_per_layer(story_run):
    frame = frames.recovery_curves(story_run)
    spec = charts.off_units_chart(frame).to_dict()
    # one panel per hidden layer, two a row
    assert [panel["title"] for panel in spec["concat"]] == ["hidden layer 1", "hidden layer 2"]
    assert spec["columns"] == 2
    panel = spec["concat"][0]
    assert dashes(panel) == {"off on every input": (1, 0), "dead": (5, 3)}
    layer_types = [item["mark"]["type"] for item in panel["layer"]]
    assert layer_types == ["area", "line"]  # two seeds: a band around the off share
    band = panel["layer"][0]
    assert band["transform"] == [{"filter": "(datum.share === 'off')"}]
    colors = band["encoding"]["color"]["scale"]["domain"]
    assert set(colors) == {"relu", "leaky_relu", "tanh"}


def test_one_layer_and_one_seed_give_a_single_line_view():
    layers = pd.DataFrame(
        {"activation": "leaky_relu", "seed": 0, "epoch": [0, 1, 2], "layer": 1, "units": 4,
         "off": [4, 2, 0], "dead": 0}
    )  # fmt: skip
    spec = charts.off_units_chart(frames.off_curves(layers)).to_dict()
    assert "facet" not in spec and [x["mark"]["type"] for x in spec["layer"]] == ["line"]
    values = next(iter(spec["datasets"].values()))
    off = [row["mean"] for row in values if row["share"] == "off"]
    assert off == [1.0, 0.5, 0.0]  # the line that comes back down
    tooltips = {t["title"] for t in spec["layer"][0]["encoding"]["tooltip"] if "title" in t}
    assert "off means" in tooltips


def test_the_chart_names_missing_columns():
    with pytest.raises(ValueError, match="off_state"):
        charts.off_units_chart(pd.DataFrame({"activation": ["relu"]}))


# --- what Compare says ---------------------------------------------------------------------


def test_compare_findings_state_this_runs_numbers(story_run):
    counts = frames.off_counts(story_run)
    for activation, c in counts.items():
        histories = [story_run.runs[(activation, s)].history for s in story_run.seeds]
        assert c["units"] == 32
        assert c["born_off"] == np.mean([h.off()[0].sum() for h in histories])
        assert c["final_off"] == np.mean([h.off()[-1].sum() for h in histories])
        assert c["recovered"] == np.mean([h.recovered().sum() for h in histories])
    sentences = frames.compare_findings(story_run)
    assert len(sentences) == 4 and sentences[-1] == "Counts are means over 2 seeds."
    relu, leaky = sentences[0], sentences[1]
    born = counts["relu"]["born_off"]
    assert relu.startswith("**relu**: ") and "born dead" in relu
    assert f"{born:.1f}".removesuffix(".0") in relu
    assert leaky.startswith("**leaky_relu**: ") and "inactive on every input" in leaky
    assert "came back" in leaky


def test_a_run_where_nothing_is_off_says_so():
    data = make_dataset("moons", n_samples=120, noise=0.2, random_state=0)
    run = compare(data, activations=("sigmoid", "identity"), hidden_layers=(4,), epochs=3)
    counts = frames.off_counts(run)
    assert counts["sigmoid"]["born_off"] == counts["sigmoid"]["final_off"] == 0
    # identity has no off side and says nothing; one seed adds no note about means
    assert frames.compare_findings(run) == [
        "**sigmoid**: no unit is saturated on every input, at initialisation or after 3 epochs."
    ]


def test_each_drawn_panel_keeps_its_epoch_cursor():
    # a chart of panels is drawn panel by panel: each must keep the cursor, placed by its data
    import json

    import vl_convert

    from reluscope.charts.training import CURSOR, move_cursor
    from reluscope.ui.components import prepare_chart

    layers = pd.DataFrame(
        {"activation": "relu", "seed": 0, "epoch": [0, 1, 0, 1], "layer": [1, 1, 2, 2],
         "units": 4, "off": [3, 1, 2, 2], "dead": [3, 1, 2, 2]}
    )  # fmt: skip
    prepared = prepare_chart(charts.off_units_chart(frames.off_curves(layers), cursor=True))
    assert prepared.panels and len(prepared.specs) == 2
    for spec, datasets in zip(prepared.specs, prepared.arrow, strict=True):
        moved = move_cursor({**spec, "datasets": {}}, 1)
        vega = vl_convert.vegalite_to_vega(json.dumps(moved))
        cursors = [d for d in vega["data"] if d["name"] == CURSOR]
        assert cursors and cursors[0]["values"] == [{"epoch": 1}]
        assert datasets and CURSOR not in datasets  # the panel's own data, sent once


def test_the_template_fills_one_panel_per_layer_with_its_own_rows(story_run):
    import json

    import vl_convert
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    from reluscope.charts.recovery import off_units_spec

    frame = frames.recovery_curves(story_run)
    filled = off_units_spec(frame, cursor=True)
    assert filled.template is off_units_spec(frame.assign(mean=0.5), cursor=True).template
    views = filled.view_specs()
    assert filled.template.panels and len(views) == frame["layer"].nunique() == 2
    schema = load_schema()
    for k, (view, datasets) in zip(sorted(frame["layer"].unique()), views, strict=True):
        assert view["title"] == f"hidden layer {k}"
        assert len(datasets) == 1 and set(next(iter(datasets.values()))["layer"]) == {k}
        filled_view = {**view, "datasets": {n: [] for n in datasets}}
        assert validate_jsonschema(filled_view, schema, raise_error=False) is None
    figure = filled.figure()
    assert validate_jsonschema(figure, schema, raise_error=False) is None
    assert figure["title"]["text"] == "solid: off on every input · dashed: dead"
    assert len(figure["concat"]) == 2
    assert vl_convert.vegalite_to_svg(json.dumps(figure)).startswith("<svg")
