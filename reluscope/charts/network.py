"""The network drawn: units in their state, weights as edges, and each unit's output map.

Each chart takes the frame :mod:`reluscope.frames.network` builds. Unit states use the one
state palette (:mod:`reluscope.charts.states`): a dead unit is a near-black square.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from reluscope.charts.states import state_legend_color, state_shape
from reluscope.frames import require_columns
from reluscope.frames.network import EDGE_COLUMNS, NODE_COLUMNS, NetworkDrawing

__all__ = ["EDGE_COLORS", "network_chart", "unit_maps_chart"]

# Okabe-Ito blue and vermillion, as TensorFlow Playground draws signs (blue +, orange −)
EDGE_COLORS = {"positive": "#0072b2", "negative": "#d55e00"}
_ENDS_COLOR = "#9e9e9e"  # inputs and outputs: no state of their own
# a unit's output map: vermillion below 0, white at 0 (a dead ReLU's blank tile), blue above
_MAP_RANGE = ["#d55e00", "#ffffff", "#0072b2"]


def _layer_name(layer: int, n_layers: int) -> str:
    return "input" if layer == 0 else "output" if layer == n_layers - 1 else f"hidden {layer}"


def _one_network(nodes, edges, *, height, width, max_units, title) -> alt.LayerChart:
    n_layers = int(nodes["layer"].max()) + 1
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
                legend=alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=3),
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
    hidden = nodes[nodes["role"] == "hidden"]
    ends = nodes[nodes["role"] != "hidden"]
    units = (
        alt.Chart(hidden)
        .mark_point(filled=True, stroke="#333333", strokeWidth=0.6, size=size)
        .encode(
            x=x,
            y=y,
            color=state_legend_color(),
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
    return alt.layer(lines, units, end_points, header_marks).properties(
        title=alt.Title(title, anchor="start"), height=height, width=width
    )


def network_chart(
    drawing: NetworkDrawing,
    *,
    height: int | None = None,
    panel_width: int = 260,
    columns: int | None = None,
) -> alt.ConcatChart:
    """Each activation's network side by side: layers as columns, units coloured by state.

    A unit is coloured (and shaped) by its one state at ``drawing.epoch``, from
    :data:`~reluscope.charts.states.STATE_COLORS`; an alive unit is paler the less often it
    fires (``shade``). Edges are blue for a positive weight and vermillion for a negative one,
    thicker and darker the larger |w|; the hover names a unit's state, on-rate, largest
    pre-activation and bias.

    Parameters
    ----------
    drawing : NetworkDrawing
        :func:`reluscope.frames.network_drawing`.
    height : int, optional
        Panel height in pixels; default grows with the widest layer (200 … 520).
    panel_width : int, default 260
    columns : int, optional
        Panels per row before wrapping; default all in one row.
    """
    require_columns(drawing.nodes, NODE_COLUMNS, "network chart")
    require_columns(drawing.edges, EDGE_COLUMNS, "network chart")
    if height is None:
        height = int(min(max(9 * drawing.max_units, 200), 520))
    names = list(dict.fromkeys(drawing.nodes["activation"]))
    panels = [
        _one_network(
            drawing.nodes[drawing.nodes["activation"] == name],
            drawing.edges[drawing.edges["activation"] == name],
            height=height,
            width=panel_width,
            max_units=drawing.max_units,
            title=name,
        )
        for name in names
    ]
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
