"""Recovery made visible: the share of units *off* on every input next to the dead share.

A leaky ReLU unit is never dead (its slope is never zero), so a dead-share chart leaves its
line at 0 % while the thing that recovers — units inactive on every input coming back — is not
drawn. This chart draws both shares per activation and hidden layer: the off share solid (dead
for ReLU, inactive for leaky and ELU-like units, saturated for sigmoid and tanh), the dead
share dashed, so leaky ReLU's recovery is a solid line that comes back down while ReLU's dead
units stay dead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import altair as alt
import pandas as pd

from reluscope.charts.templates import ChartTemplate, FilledChart, declare, to_spec
from reluscope.charts.theme import (
    BAND_OPACITY,
    FIT_WIDTH,
    activation_encoding,
    epoch_x,
    highlight,
    legend_columns,
    legend_selection,
    note,
)
from reluscope.charts.training import epoch_cursor
from reluscope.frames import require_columns

__all__ = ["SHARE_DASHES", "off_units_chart", "off_units_spec"]

# solid for the off share (the line that can come back), dashed for the dead share
SHARE_DASHES = {"off": [1, 0], "dead": [5, 3]}
_SHARE_TITLES = {"off": "off on every input", "dead": "dead"}
_COLUMNS = ["activation", "layer", "epoch", "share", "off_state", "mean", "ci_low", "ci_high", "n"]


def off_units_chart(
    frame: pd.DataFrame,
    layer: int | None = None,
    panel_width: int = 260,
    height: int = 220,
    cursor: bool = False,
):
    """Share of units off on every input (solid) and dead (dashed) per activation and layer.

    Parameters
    ----------
    frame : DataFrame
        :func:`reluscope.frames.off_curves` (``activation, layer, epoch, share, off_state,
        mean, ci_low, ci_high, n``; ``share`` is ``"off"`` or ``"dead"``).
    layer : int, optional
        Draw this hidden layer only; default one panel per layer.
    panel_width, height : int
        Size of each panel when there are several layers.
    cursor : bool, default False
        Draw the epoch cursor in every panel (see :func:`reluscope.charts.loss_chart`).

    Returns
    -------
    alt.LayerChart or alt.ConcatChart
        A single view (stretches to the page) for one layer, else one panel per layer, two a
        row. The
        tooltip names what *off* means for each activation; several seeds add a 95 % band
        around the off share.

    >>> from reluscope.frames import off_curves
    >>> layers = pd.DataFrame({"activation": "leaky_relu", "seed": 0, "epoch": [0, 1],
    ...                        "layer": 1, "units": 4, "off": [3, 1], "dead": 0})
    >>> spec = off_units_chart(off_curves(layers)).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line']
    """
    require_columns(frame, _COLUMNS, "off-units chart")
    summary = frame if layer is None else frame[frame["layer"] == layer]
    shape = _shape(summary, cursor)
    last_epoch = int(summary["epoch"].max()) if cursor else None
    if len(shape.layers) > 1:
        # panels, not a facet: they wrap two a row, and the dashboard stretches each to its column
        panels = [
            _off_layers(
                shape, _with_titles(summary[summary["layer"] == k]), last_epoch, 4, k
            ).properties(width=panel_width, height=height, title=f"hidden layer {k}")
            for k in shape.layers
        ]
        return alt.concat(*panels, columns=2)
    return _off_layers(shape, _with_titles(summary), last_epoch, 4, layer)


def off_units_spec(frame: pd.DataFrame, cursor: bool = False, height: int = 180) -> FilledChart:
    """:func:`off_units_chart` (every layer) as a template filled with ``frame``: the spec is
    built once per structure (activations and their order, layers, bands), so drawing a new
    run builds no Altair chart. The page draws one panel per layer, each ``height`` px tall
    (its plot; the legend's rows add to it); the figure has the panels side by side under a
    note saying which line is which share.
    """
    require_columns(frame, _COLUMNS, "off-units chart")
    shape = _shape(frame, cursor, height)
    values = {_LAST_EPOCH: int(frame["epoch"].max())} if cursor else {}
    rows = _with_titles(frame)
    if len(shape.layers) == 1:
        datasets = {_dataset(shape, shape.layers[0]): rows}
    else:
        datasets = {_dataset(shape, k): part for k, part in rows.groupby("layer", sort=True)}
    return FilledChart(_off_template(shape), datasets, values)


SHARES_NOTE = "solid: off on every input · dashed: dead"
_LAST_EPOCH = "last_epoch"


@dataclass(frozen=True)
class _OffShape:
    """What an off-units chart's spec depends on besides its rows and its last epoch."""

    names: tuple[str, ...]
    layers: tuple[int, ...]
    band: bool
    cursor: bool
    height: int = 220


def _shape(summary: pd.DataFrame, cursor: bool, height: int = 220) -> _OffShape:
    return _OffShape(
        names=tuple(map(str, summary["activation"].dropna().unique())),
        layers=tuple(int(k) for k in sorted(summary["layer"].unique())),
        band=bool((summary["n"] > 1).any()),
        cursor=bool(cursor),
        height=int(height),
    )


def _dataset(shape: _OffShape, layer: int) -> str:
    return "off_units" if len(shape.layers) == 1 else f"off_units_layer_{layer}"


def _with_titles(summary: pd.DataFrame) -> pd.DataFrame:
    return summary.assign(share_title=summary["share"].map(_SHARE_TITLES))


@functools.lru_cache(maxsize=64)
def _off_template(shape: _OffShape) -> ChartTemplate:
    last_epoch = {"expr": _LAST_EPOCH} if shape.cursor else None
    variables = [_LAST_EPOCH] if shape.cursor else []
    several = len(shape.layers) > 1

    def panel(k: int, columns) -> alt.LayerChart:
        data = alt.NamedData(_dataset(shape, k))
        chart = _off_layers(shape, data, last_epoch, columns, k if several else None)
        return chart.properties(title=f"hidden layer {k}") if several else chart

    columns = legend_columns(shape.names)
    views = tuple(
        declare(to_spec(panel(k, columns).properties(height=shape.height, autosize=FIT_WIDTH)),
                variables)
        for k in shape.layers
    )  # fmt: skip
    if several:
        figure = alt.concat(
            *(panel(k, 4).properties(width=260, height=shape.height) for k in shape.layers),
            columns=2,
        ).properties(title=note(SHARES_NOTE))
    else:
        figure = panel(shape.layers[0], 4).properties(title=note(SHARES_NOTE))
    return ChartTemplate(views=views, figure=declare(to_spec(figure), variables), panels=several)


def _off_layers(shape: _OffShape, data, last_epoch, columns, layer: int | None):
    """One layer's off and dead shares over ``data`` (a frame or named data)."""
    selection = legend_selection(name=None if layer is None else f"legend_off_{layer}")
    color = activation_encoding(shape.names, columns=columns)
    y_scale = alt.Scale(domain=[0.0, 1.0])
    axis = alt.Axis(format="%")
    tooltip = [
        alt.Tooltip("activation:N"),
        alt.Tooltip("share_title:N", title="share"),
        alt.Tooltip("off_state:N", title="off means"),
        alt.Tooltip("layer:O", title="hidden layer"),
        alt.Tooltip("epoch:Q"),
        alt.Tooltip("mean:Q", title="share of units", format=".1%"),
        alt.Tooltip("ci_low:Q", title="95 % CI low", format=".1%"),
        alt.Tooltip("ci_high:Q", title="95 % CI high", format=".1%"),
        alt.Tooltip("n:Q", title="seeds"),
    ]
    dash = alt.StrokeDash(
        "share_title:N",
        title="share of units",
        scale=alt.Scale(
            domain=[_SHARE_TITLES[s] for s in SHARE_DASHES], range=list(SHARE_DASHES.values())
        ),
        legend=None,  # which line is which share: the note above, or the page's caption
    )
    base = alt.Chart(data).encode(x=epoch_x(), color=color, tooltip=tooltip)
    line = (
        base.mark_line(strokeWidth=2)
        .encode(
            y=alt.Y("mean:Q", title="share of units", scale=y_scale, axis=axis),
            strokeDash=dash,
            detail="share:N",
            opacity=highlight(selection),
        )
        .add_params(selection)
    )
    layers = [line]
    if shape.band:
        band = (
            alt.Chart(data)
            .transform_filter(alt.datum.share == "off")
            .mark_area()
            .encode(
                x=epoch_x(),
                y=alt.Y("ci_low:Q", title="share of units", scale=y_scale, axis=axis),
                y2="ci_high:Q",
                color=color,
                opacity=highlight(selection, BAND_OPACITY),
            )
        )
        layers.insert(0, band)
    if last_epoch is not None:
        layers.append(epoch_cursor(last_epoch))
    return alt.layer(*layers)  # a single view can stretch to the page width
