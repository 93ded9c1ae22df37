"""The network drawn: units in their state, weights as edges, and each unit's output map.

Each chart takes the frame :mod:`reluscope.frames.network` builds. Unit states use the one
state palette (:mod:`reluscope.charts.states`): a dead unit is a near-black square.
"""

from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from reluscope.charts.states import (
    STATE_COLORS,
    STATE_ORDER,
    STATE_SHAPES,
    state_legend_color,
    state_shape,
)
from reluscope.frames import require_columns
from reluscope.frames.network import EDGE_COLUMNS, NODE_COLUMNS, NetworkDrawing

__all__ = [
    "EDGE_COLORS",
    "network_chart",
    "network_legend",
    "network_legend_spec",
    "network_panel_specs",
    "network_panels",
    "unit_maps_chart",
]

# Okabe-Ito blue and vermillion, as TensorFlow Playground draws signs (blue +, orange −)
EDGE_COLORS = {"positive": "#0072b2", "negative": "#d55e00"}
_ENDS_COLOR = "#9e9e9e"  # inputs and outputs: no state of their own
# a unit's output map: vermillion below 0, white at 0 (a dead ReLU's blank tile), blue above
_MAP_RANGE = ["#d55e00", "#ffffff", "#0072b2"]


def _layer_name(layer: int, n_layers: int) -> str:
    return "input" if layer == 0 else "output" if layer == n_layers - 1 else f"hidden {layer}"


def _one_network(
    hidden, edges, ends, *, n_layers, height, width, max_units, title, legends
) -> alt.LayerChart:
    """One activation's network; ``hidden``, ``edges``, ``ends`` are frames or named data."""
    half = max(max_units - 1, 1) / 2 + 0.7
    x = alt.X("column:Q", axis=None, scale=alt.Scale(domain=[-0.45, n_layers - 0.55]))
    y = alt.Y("row:Q", axis=None, scale=alt.Scale(domain=[-half, half + 0.9], reverse=True))
    # node area fits the widest column: its units just do not touch
    size = max(min((height / (2 * half)) ** 2 * 0.55, 220), 9)
    lines = (
        alt.Chart(edges)
        .mark_rule()
        .encode(
            x=x,
            y=y,
            x2="column_end:Q",
            y2="row_end:Q",
            stroke=alt.Stroke(
                "sign:N",
                title="weight",
                scale=alt.Scale(domain=list(EDGE_COLORS), range=list(EDGE_COLORS.values())),
                legend=(
                    alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=3)
                    if legends
                    else None
                ),
            ),
            strokeWidth=alt.StrokeWidth(
                "magnitude:Q", scale=alt.Scale(domain=[0, 1], range=[0.3, 3.5]), legend=None
            ),
            opacity=alt.Opacity(
                "magnitude:Q", scale=alt.Scale(domain=[0, 1], range=[0.15, 0.85]), legend=None
            ),
            tooltip=[
                alt.Tooltip("layer:O", title="into layer"),
                alt.Tooltip("source:O", title="from unit"),
                alt.Tooltip("target:O", title="to unit"),
                alt.Tooltip("weight:Q", format=".3f"),
            ],
        )
    )
    units = (
        alt.Chart(hidden)
        .mark_point(filled=True, stroke="#333333", strokeWidth=0.6, size=size)
        .encode(
            x=x,
            y=y,
            color=state_legend_color() if legends else state_legend_color().legend(None),
            shape=state_shape(),
            opacity=alt.Opacity("shade:Q", scale=None),
            tooltip=[
                alt.Tooltip("layer:O", title="hidden layer"),
                alt.Tooltip("unit:O"),
                alt.Tooltip("state:N"),
                alt.Tooltip("on_rate:Q", title="on-rate", format=".1%"),
                alt.Tooltip("z_max:Q", title="largest z", format=".3f"),
                alt.Tooltip("bias:Q", format=".3f"),
            ],
        )
    )
    end_points = (
        alt.Chart(ends)
        .mark_point(filled=True, color=_ENDS_COLOR, stroke="#333333", strokeWidth=0.6, size=size)
        .encode(
            x=x,
            y=y,
            tooltip=[alt.Tooltip("role:N"), alt.Tooltip("label:N", title="name")],
        )
    )
    headers = pd.DataFrame(
        {
            "column": [float(layer) for layer in range(n_layers)],
            "row": -half + 0.1,
            "text": [_layer_name(layer, n_layers) for layer in range(n_layers)],
        }
    )
    header_marks = (
        alt.Chart(headers)
        .mark_text(baseline="bottom", fontSize=10, color="#555555")
        .encode(x=x, y=y, text="text:N")
    )
    chart = alt.layer(lines, units, end_points, header_marks).properties(
        title=alt.Title(title, anchor="start"), height=height
    )
    return chart if width is None else chart.properties(width=width)


def network_panels(
    drawing: NetworkDrawing,
    *,
    height: int | None = None,
    panel_width: int | None = None,
    legends: bool = False,
) -> list[alt.LayerChart]:
    """One chart per activation's network, for a page to lay out (side by side on a wide
    screen, one above the other on a phone).

    A unit is coloured (and shaped) by its one state at ``drawing.epoch``, from
    :data:`~reluscope.charts.states.STATE_COLORS`; an alive unit is paler the less often it
    fires (``shade``). Edges are blue for a positive weight and vermillion for a negative one,
    thicker and darker the larger |w|; the hover names a unit's state, on-rate, largest
    pre-activation and bias.

    Parameters
    ----------
    drawing : NetworkDrawing
        :func:`reluscope.frames.network.network_drawing`.
    height : int, optional
        Panel height in pixels; default grows with the widest layer (200 … 520).
    panel_width : int, optional
        Default none: each panel stretches to its container.
    legends : bool, default False
        Whether each panel carries the state and weight legends; without them, draw
        :func:`network_legend` once beside the panels.
    """
    require_columns(drawing.nodes, NODE_COLUMNS, "network chart")
    require_columns(drawing.edges, EDGE_COLUMNS, "network chart")
    if height is None:
        height = int(min(max(9 * drawing.max_units, 200), 520))
    names = list(dict.fromkeys(drawing.nodes["activation"]))
    n_layers = int(drawing.nodes["layer"].max()) + 1
    return [
        _one_network(
            *_parts(drawing, name),
            n_layers=n_layers,
            height=height,
            width=panel_width,
            max_units=drawing.max_units,
            title=name,
            legends=legends,
        )
        for name in names
    ]


# the columns each layer of a panel reads: what a frame's data carries to the browser
_HIDDEN_FIELDS = ["layer", "unit", "column", "row", "state", "shade", "on_rate", "z_max", "bias"]
_END_FIELDS = ["column", "row", "role", "label"]
_EDGE_FIELDS = [
    "layer", "source", "target", "column", "row", "column_end", "row_end", "weight",
    "magnitude", "sign",
]  # fmt: skip


def _parts(drawing: NetworkDrawing, name: str):
    """The hidden units, the edges and the inputs and outputs of one activation's network."""
    nodes = drawing.nodes[drawing.nodes["activation"] == name]
    hidden = nodes.loc[nodes["role"] == "hidden", _HIDDEN_FIELDS]
    ends = nodes.loc[nodes["role"] != "hidden", _END_FIELDS]
    edges = drawing.edges.loc[drawing.edges["activation"] == name, _EDGE_FIELDS]
    return hidden, edges, ends


@functools.lru_cache(maxsize=64)
def _panel_template(n_layers: int, max_units: int, height: int, title: str) -> dict:
    """A panel's Vega-Lite spec over named data (``hidden``, ``edges``, ``ends``): built and
    validated by Altair once per network shape, then only its data change."""
    names = (alt.Data(name="hidden"), alt.Data(name="edges"), alt.Data(name="ends"))
    chart = _one_network(
        *names, n_layers=n_layers, height=height, width=None, max_units=max_units,
        title=title, legends=False,
    )  # fmt: skip
    spec = chart.to_dict()
    # drawn on a canvas, a mark has no element to carry an ARIA description, and every position
    # is finite: neither a description nor an invalid-value filter is worth building per datum
    marks = {"aria": False, "invalid": "break-paths-show-domains"}
    config = {**spec.get("config", {}), "mark": {**spec.get("config", {}).get("mark", {}), **marks}}
    return {**spec, "config": config, "usermeta": {"embedOptions": {"renderer": "canvas"}}}


def _values(column: np.ndarray) -> list:
    """A column as JSON values: a non-finite number (a diverged run's z) becomes null."""
    values = column.tolist()
    if column.dtype.kind == "f":
        finite = np.isfinite(column)
        if not finite.all():
            values = [v if ok else None for v, ok in zip(values, finite, strict=True)]
    return values


def _records(frame: pd.DataFrame, fields: list[str], rows: np.ndarray) -> list[dict]:
    """JSON-ready rows of ``frame``'s ``fields`` at the positions ``rows``, built column by
    column from NumPy (pandas' row selection and records cost more than the frame's drawing)."""
    columns = {name: _values(frame[name].to_numpy()[rows]) for name in fields}
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def network_panel_specs(drawing: NetworkDrawing, *, height: int | None = None) -> list[dict]:
    """:func:`network_panels` without legends, as Vega-Lite specs for Play's frames.

    The same network shape always gives the same spec but for its data, so the spec is
    built and validated once (per shape, height and activation) and each frame fills in the
    data (``hidden``, ``edges``, ``ends``: lists of records): a frame costs a selection of
    its rows, not a new Altair chart.
    """
    require_columns(drawing.nodes, NODE_COLUMNS, "network chart")
    require_columns(drawing.edges, EDGE_COLUMNS, "network chart")
    if height is None:
        height = int(min(max(9 * drawing.max_units, 200), 520))
    nodes, edges = drawing.nodes, drawing.edges
    n_layers = int(nodes["layer"].max()) + 1
    node_names = nodes["activation"].to_numpy()
    edge_names = edges["activation"].to_numpy()
    hidden = nodes["role"].to_numpy() == "hidden"
    specs = []
    for name in dict.fromkeys(node_names):
        template = _panel_template(n_layers, drawing.max_units, height, name)
        mine = node_names == name
        data = {
            "hidden": _records(nodes, _HIDDEN_FIELDS, np.flatnonzero(mine & hidden)),
            "edges": _records(edges, _EDGE_FIELDS, np.flatnonzero(edge_names == name)),
            "ends": _records(nodes, _END_FIELDS, np.flatnonzero(mine & ~hidden)),
        }
        specs.append({**template, "datasets": {**template.get("datasets", {}), **data}})
    return specs


def network_legend() -> alt.LayerChart:
    """The network panels' key in one row: the four unit states (colour and shape) and the
    two weight signs, for pages that draw :func:`network_panels` without legends."""
    entries = [
        (label, STATE_COLORS[state], STATE_SHAPES[state], "unit")
        for label, state in ((state, state) for state in STATE_ORDER)
    ] + [(f"{sign} weight", color, "stroke", "edge") for sign, color in EDGE_COLORS.items()]
    key = pd.DataFrame(entries, columns=["label", "color", "shape", "kind"])
    # states on one row, weight signs on the next: four entries fit a phone's width
    key["position"] = [*range(len(STATE_ORDER)), *range(len(EDGE_COLORS))]
    key["row"] = (key["kind"] == "edge").astype(int)
    x = alt.X("position:O", axis=None)
    y = alt.Y("row:O", axis=None)
    symbols = (
        alt.Chart(key[key["kind"] == "unit"])
        .mark_point(
            filled=True, size=110, opacity=1, stroke="#333333", strokeWidth=0.6, xOffset=-32
        )
        .encode(
            x=x,
            y=y,
            color=alt.Color("color:N", scale=None),
            shape=alt.Shape("shape:N", scale=None),
        )
    )
    lines = (
        alt.Chart(key[key["kind"] == "edge"])
        .mark_tick(orient="horizontal", thickness=3, size=12, xOffset=-34)
        .encode(x=x, y=y, color=alt.Color("color:N", scale=None))
    )
    labels = (
        alt.Chart(key).mark_text(align="left", dx=-18, fontSize=11).encode(x=x, y=y, text="label:N")
    )
    return alt.layer(symbols, lines, labels).properties(height=50).configure_view(stroke=None)


def network_chart(
    drawing: NetworkDrawing,
    *,
    height: int | None = None,
    panel_width: int = 260,
    columns: int | None = None,
) -> alt.ConcatChart:
    """Each activation's network (:func:`network_panels`) in one chart, for saving as a figure.

    Parameters
    ----------
    drawing : NetworkDrawing
    height : int, optional
        Panel height; default as in :func:`network_panels`.
    panel_width : int, default 260
    columns : int, optional
        Panels per row before wrapping; default all in one row.
    """
    panels = network_panels(drawing, height=height, panel_width=panel_width, legends=True)
    return (
        alt.concat(*panels, columns=columns or len(panels))
        .resolve_scale(color="shared")
        .properties(title=alt.Title(f"epoch {drawing.epoch}", anchor="start", fontSize=12))
    )


def unit_maps_chart(maps: pd.DataFrame, *, tile: int = 64, columns: int = 8) -> alt.FacetChart:
    """One small map per unit of its output over the input plane; a dead ReLU's is blank.

    Parameters
    ----------
    maps : DataFrame
        :func:`reluscope.frames.unit_maps`: ``unit, state, x1, x2, x1_end, x2_end, output,
        value, tile``.
    tile : int, default 64
        Side of one map in pixels.
    columns : int, default 8
        Maps per row.
    """
    require_columns(
        maps,
        ["unit", "state", "x1", "x2", "x1_end", "x2_end", "output", "value", "tile"],
        "unit maps",
    )
    cells = (
        alt.Chart(maps)
        .mark_rect()
        .encode(
            x=alt.X("x1:Q", axis=None, scale=alt.Scale(nice=False, zero=False)),
            x2="x1_end:Q",
            y=alt.Y("x2:Q", axis=None, scale=alt.Scale(nice=False, zero=False)),
            y2="x2_end:Q",
            color=alt.Color(
                "value:Q",
                title="unit output (scaled)",
                scale=alt.Scale(domain=[-1, 0, 1], range=_MAP_RANGE, interpolate="rgb"),
                legend=alt.Legend(orient="bottom", gradientLength=160),
            ),
            tooltip=[
                alt.Tooltip("unit:O"),
                alt.Tooltip("state:N"),
                alt.Tooltip("output:Q", title="f(z)", format=".3f"),
            ],
        )
        .properties(width=tile, height=tile)
    )
    return cells.facet(
        facet=alt.Facet(
            "tile:N",
            title=None,
            sort=alt.EncodingSortField("unit", op="min"),
            header=alt.Header(labelFontSize=10, labelPadding=2),
        ),
        columns=columns,
        spacing=6,
    )


@functools.lru_cache(maxsize=1)
def _legend_spec() -> dict:
    return network_legend().to_dict()


def network_legend_spec() -> dict:
    """:func:`network_legend` as a Vega-Lite spec, built once (every Play frame draws it)."""
    return dict(_legend_spec())
