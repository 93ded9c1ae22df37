"""Charts on the page: panels laid out as a grid of stretching charts, and figures for slides."""

from __future__ import annotations

import struct

import pytest

pytest.importorskip("streamlit")
pytest.importorskip("vl_convert")

from chart_specs import layers_frame
from streamlit.testing.v1 import AppTest

from reluscope import charts, frames
from reluscope.ui import components


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_a_single_view_is_saved_as_a_16_9_slide_at_twice_the_pixels():
    chart = charts.dead_fraction_chart(frames.layer_curves(layers_frame()), layer=1)
    width, height = _png_size(components.figure_bytes(chart, "png"))
    slide_width, slide_height = components.SLIDE_SIZE
    # the plot is the slide size; axes and legend add to it, all at 2x
    assert width >= components.PNG_SCALE * slide_width
    assert height >= components.PNG_SCALE * slide_height
    svg = components.figure_bytes(chart, "svg").decode()
    assert svg.startswith("<svg") and f'font-size="{components.SLIDE_FONTS["label"]}' in svg


def test_panels_keep_their_layout_in_a_saved_figure():
    chart = charts.dead_fraction_chart(frames.layer_curves(layers_frame()))
    svg = components.figure_bytes(chart, "svg").decode()
    for k in sorted(layers_frame()["layer"].unique()):
        assert f"hidden layer {k}" in svg


def _page():
    from chart_specs import layers_frame

    from reluscope import charts, frames
    from reluscope.ui import components

    curves = frames.layer_curves(layers_frame())
    components.show_chart(charts.dead_fraction_chart(curves), key="dead")
    components.show_chart(charts.dead_fraction_chart(curves, layer=1), key="one")


def test_panels_are_a_grid_of_charts_each_with_its_own_slide_buttons():
    app = AppTest.from_function(_page, default_timeout=60)
    app.run()
    assert not app.exception
    n_panels = layers_frame()["layer"].nunique()
    # every panel is its own chart (stretched to its column), then the single view
    assert len(app.get("vega_lite_chart")) == n_panels + 1
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["PNG", "SVG", "PNG", "SVG"]  # one pair per figure, not per panel
    columns = app.columns
    assert len(columns) >= n_panels  # the panels sit in columns, which a phone stacks


def test_each_panel_draws_on_its_own_with_its_legend_highlight():
    import json

    import vl_convert

    curves = frames.layer_curves(layers_frame())
    for chart in (
        charts.dead_fraction_chart(curves),
        charts.activation_curves_chart(frames.activation_curves_frame(["relu", "tanh"])),
    ):
        specs = components._panel_specs(chart.to_dict())
        assert len(specs) == len(chart.concat)
        for spec in specs:
            assert [p["bind"] for p in spec["params"]] == ["legend"]
            # Vega refuses a spec whose encodings name a selection it does not define
            assert vl_convert.vegalite_to_svg(json.dumps(spec)).startswith("<svg")


def test_a_frames_datasets_go_as_the_arrow_streamlit_would_send():
    import pandas as pd
    import pyarrow as pa
    from streamlit import dataframe_util

    rows = [
        {"unit": 0, "state": "dead", "z_max": None},
        {"unit": 1, "state": "alive", "z_max": 0.5},
    ]
    spec = {"mark": "point", "datasets": {"hidden": rows, "edges": [], "sent": b"\x00"}}
    converted = components.with_arrow_datasets(spec)
    assert spec["datasets"]["hidden"] is rows  # the spec given is left as it was
    assert converted["datasets"]["sent"] == b"\x00"  # bytes already converted stay
    table = pa.ipc.open_stream(converted["datasets"]["hidden"]).read_all()
    assert table.to_pylist() == rows
    expected = pa.ipc.open_stream(
        dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame.from_records(rows))
    ).read_all()
    assert table.column("z_max").to_pylist() == expected.column("z_max").to_pylist()
    assert pa.ipc.open_stream(converted["datasets"]["edges"]).read_all().num_rows == 0
