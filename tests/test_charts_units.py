"""Unit charts: timeline, on-rate histogram, deaths and recoveries."""

from __future__ import annotations

import pandas as pd
import pytest

alt = pytest.importorskip("altair")

from chart_specs import (  # noqa: E402
    assert_consistent_activation_colours,
    assert_highlights_on_legend_click,
    data_of,
    layers_frame,
    mark_type,
    tooltip_fields,
    units_frame,
)

from reluscope import charts, frames  # noqa: E402

# --- units ---------------------------------------------------------------------------------


def test_unit_timeline_chart():
    spec = charts.unit_timeline_chart(frames.unit_timeline(units_frame())).to_dict()
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
    spec = charts.unit_timeline_chart(frames.unit_timeline(units_frame(n_layers=2))).to_dict()
    assert spec["facet"]["row"]["field"] == "layer"


def test_on_rate_histogram_defaults_to_last_epoch():
    chart = charts.on_rate_histogram(frames.on_rates(units_frame()))
    assert len(chart.data) == 4  # the units of the last epoch only
    spec = chart.to_dict()
    assert spec["encoding"]["x"]["bin"] == {"extent": [0, 1], "step": 0.05}
    assert spec["encoding"]["color"]["field"] == "state"
    assert "epoch 2" in spec["title"]


def test_events_chart_from_layers_and_from_events():
    chart = charts.events_chart(frames.event_counts(layers_frame()))
    spec = chart.to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["field"] == "signed"
    counts = data_of(chart, 0)
    assert (counts.loc[counts["event"] == "deaths", "signed"] <= 0).all()
    assert (counts.loc[counts["event"] == "recoveries", "signed"] >= 0).all()
    assert_consistent_activation_colours(spec)
    events = pd.DataFrame({"epoch": [1, 1, 2], "event": ["death", "death", "recovery"]})
    counts = data_of(charts.events_chart(frames.event_counts(events)), 0)
    assert counts.set_index("event")["count"].to_dict() == {"deaths": 2, "recoveries": 1}


def test_unit_timeline_reads_a_row_per_unit_and_ends_at_the_last_epoch():
    units = frames.unit_timeline(units_frame())
    spec = charts.unit_timeline_chart(units).to_dict()
    n_units = units.groupby("layer")["unit"].nunique().max()
    assert spec["height"] >= charts.units.ROW_PIXELS * min(n_units, 64)
    # the x axis stops where the last epoch's cells do: no empty band after them
    scale = spec["encoding"]["x"]["scale"]
    assert scale["domain"] == [units["epoch"].min(), units["epoch_end"].max()]
    assert scale["nice"] is False
    many = frames.unit_timeline(units_frame(n_units=64))  # a row of 10 px for each of 64
    # the rows, and room for the axis and legend that a stretched single view fits in too
    height = charts.unit_timeline_chart(many).to_dict()["height"]
    assert height == 640 + charts.units.FRAME_PIXELS


def test_busiest_layer_prefers_dead_then_inactive_then_the_first():
    from reluscope.frames.units import busiest_layer

    base = {"epoch": [0, 0, 5, 5], "layer": [1, 2, 1, 2]}
    dead = pd.DataFrame({**base, "dead": [9, 0, 0, 2], "inactive": [9, 0, 3, 2]})
    assert busiest_layer(dead) == 2  # the last epoch counts, dead first
    inactive = dead.assign(dead=0)
    assert busiest_layer(inactive) == 1
    assert busiest_layer(inactive.assign(inactive=[0, 0, 0, 1])) == 2
    assert busiest_layer(inactive.assign(inactive=0)) == 1


def test_the_on_rate_histogram_for_play_is_one_spec_filled_with_each_epochs_units():
    import json

    import vl_convert

    from reluscope.charts.units import ON_RATES

    first = charts.on_rate_histogram_spec(frames.on_rates(units_frame(), epoch=0))
    last = charts.on_rate_histogram_spec(frames.on_rates(units_frame()))
    # the same spec but for its data: the browser updates the drawn chart in place
    assert {k: v for k, v in first.items() if k != "datasets"} == {
        k: v for k, v in last.items() if k != "datasets"
    }
    units = frames.on_rates(units_frame())
    assert last["datasets"][ON_RATES] == units[["on_rate", "state"]].to_dict("records")
    direct = charts.on_rate_histogram(units).to_dict()
    assert last["encoding"] == direct["encoding"] and last["mark"] == direct["mark"]
    assert vl_convert.vegalite_to_svg(json.dumps(last)).startswith("<svg")


def test_the_events_axis_spans_the_run_not_only_its_events():
    events = pd.DataFrame({"epoch": [1, 1, 2], "event": ["death", "death", "recovery"]})
    spec = charts.events_chart(frames.event_counts(events), n_epochs=30).to_dict()
    scale = spec["layer"][0]["encoding"]["x"]["scale"]
    assert scale["domain"] == [0, 30] and scale["nice"] is False
