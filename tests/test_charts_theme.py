"""Palettes, legends and what every chart shares, checked through ``chart.to_dict()``."""

from __future__ import annotations

import pandas as pd
import pytest

alt = pytest.importorskip("altair")

from chart_specs import (  # noqa: E402
    NAMES,
    epochs_frame,
    layers_frame,
    mark_type,
    plateaus_frame,
    sweep_frame,
    units_frame,
    views,
)

from reluscope import charts, frames, stats  # noqa: E402
from reluscope.activations import ACTIVATIONS  # noqa: E402

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


# --- every builder ---------------------------------------------------------------------------


def test_every_chart_has_axis_titles_and_tooltips():
    built = [
        charts.loss_chart(frames.metric_curves(epochs_frame()), plateaus_frame()),
        charts.dead_fraction_chart(frames.layer_curves(layers_frame())),
        charts.grad_norm_chart(frames.layer_curves(layers_frame(), "grad_norm", log_scale=True)),
        charts.unit_timeline_chart(frames.unit_timeline(units_frame())),
        charts.on_rate_histogram(frames.on_rates(units_frame())),
        charts.events_chart(frames.event_counts(layers_frame())),
        charts.activation_curves_chart(frames.activation_curves_frame(NAMES, n_points=5)),
        charts.phase_diagram_chart(frames.phase_cells(sweep_frame())),
    ]
    for chart in built:
        spec = chart.to_dict()
        for view in views(spec):
            enc = view["encoding"]
            assert "tooltip" in enc or mark_type(view) == "rule", view
            if "field" in enc.get("x", {}) and mark_type(view) not in ("rect",):
                assert "title" in enc["x"] or "bin" in enc["x"], view


def test_charts_encode_only_and_reexport_no_frame_builder():
    # callers reach frames and statistics where they live: charts only encodes them
    for name, home in [
        ("summarize", stats),
        ("unit_states", frames),
        ("activation_curves_frame", frames),
        ("unit_lines_frame", frames),
    ]:
        assert hasattr(home, name) and not hasattr(charts, name), name
    assert charts.UNIT_STATES == frames.UNIT_STATES == ("alive", "inactive", "saturated", "dead")
    assert all(hasattr(charts, name) for name in charts.__all__)
    assert not hasattr(charts, "SATURATION_SHARE")  # diagnostics.SATURATION_FRACTION is the one


def test_one_palette_each_for_classes_and_unit_states():
    assert set(charts.UNIT_STATE_COLORS) == set(charts.UNIT_STATES)
    assert len(set(charts.UNIT_STATE_COLORS.values())) == len(charts.UNIT_STATES)
    frame = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 0.0], "label": ["x", "y"]})
    scatter = charts.data_scatter(frame, "a", "b", "label").to_dict()
    balance = charts.class_balance_chart(frames.class_balance(frame, "label"), "label").to_dict()
    for spec in (scatter, balance):
        assert spec["encoding"]["color"]["scale"]["domain"] == ["x", "y"]
        assert spec["encoding"]["color"]["scale"]["range"] == list(charts.CLASS_COLORS[:2])
    # the boundary's points: the same class, the same colour
    grid = frames.grid_cells(pd.DataFrame({"x1": [0.0, 1.0], "x2": [0.0, 0.0], "probability": 0.5}))
    points = charts.decision_boundary_chart(grid, frame.rename(columns={"a": "x1", "b": "x2"}))
    fill = points.to_dict()["layer"][-1]["encoding"]["fill"]["scale"]
    assert fill == {"domain": ["x", "y"], "range": list(charts.CLASS_COLORS[:2])}


def test_the_theme_accent_is_no_activation_colour():
    import tomllib

    from reluscope.charts.theme import ACCENT
    from reluscope.resources import streamlit_config

    theme = tomllib.loads(streamlit_config().read_text())["theme"]
    assert theme["primaryColor"] == ACCENT
    assert ACCENT not in charts.ACTIVATION_COLORS.values()


def test_legends_list_activations_in_the_frames_order():
    epochs = epochs_frame()
    order = list(dict.fromkeys(epochs["activation"]))[::-1]
    reordered = pd.concat([epochs[epochs["activation"] == name] for name in order])
    spec = charts.loss_chart(frames.metric_curves(reordered)).to_dict()
    domains = [
        v["encoding"]["color"]["scale"]["domain"] for v in views(spec) if "color" in v["encoding"]
    ]
    assert domains and all(domain == order for domain in domains)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="grad_norm"):
        frames.layer_curves(layers_frame().drop(columns="grad_norm"), "grad_norm")
    # a chart handed the raw frame instead of its summary names the summary's columns
    with pytest.raises(ValueError, match=r"grad_norm chart.*missing \['mean', 'ci_low'"):
        charts.grad_norm_chart(layers_frame())
