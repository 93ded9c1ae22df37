"""Recovery made visible: the share of units *off* on every input next to the dead share.

A leaky ReLU unit is never dead (its slope is never zero), so a dead-share chart leaves its
line at 0 % while the thing that recovers — units inactive on every input coming back — is not
drawn. This chart draws both shares per activation and hidden layer: the off share solid (dead
for ReLU, inactive for leaky and ELU-like units, saturated for sigmoid and tanh), the dead
share dashed, so leaky ReLU's recovery is a solid line that comes back down while ReLU's dead
units stay dead.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from reluscope.charts.theme import (
    BAND_OPACITY,
    activation_color,
    epoch_x,
    highlight,
    legend,
    legend_selection,
)
from reluscope.charts.training import epoch_cursor
from reluscope.frames import require_columns

__all__ = ["SHARE_DASHES", "off_units_chart"]

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
    if summary["layer"].nunique() > 1:
        # panels, not a facet: they wrap two a row, and the dashboard stretches each to its column
        panels = [
            off_units_chart(summary, layer=int(k), cursor=cursor).properties(
                width=panel_width, height=height, title=f"hidden layer {k}"
            )
            for k in sorted(summary["layer"].unique())
        ]
        return alt.concat(*panels, columns=2)
    summary = summary.assign(share_title=summary["share"].map(_SHARE_TITLES))
    selection = legend_selection(name=None if layer is None else f"legend_off_{layer}")
    color = activation_color(summary)
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
        legend=legend(),
    )
    base = alt.Chart(summary).encode(x=epoch_x(), color=color, tooltip=tooltip)
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
    if (summary["n"] > 1).any():
        band = (
            alt.Chart(summary)
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
    if cursor:
        layers.append(epoch_cursor(summary["epoch"].max()))
    return alt.layer(*layers)  # a single view can stretch to the page width
