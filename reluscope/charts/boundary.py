"""The decision boundary: predicted probability over the input plane, the data on top, and
the lines where first-layer units switch on."""

from __future__ import annotations

import altair as alt
import pandas as pd

from reluscope.charts.theme import CLASS_COLORS
from reluscope.frames import DecisionSurface, require_columns

__all__ = ["decision_boundary_chart"]

# the probability map already uses hue, so the first two classes are told apart by black and
# white (each outlined in the other, to read on both ends of the map and on the white between
# them) and further classes take the class palette, outlined in white or black
_CLASS_FILLS = ["#ffffff", "#111111", *CLASS_COLORS[2:6]]
_CLASS_STROKES = ["#111111", "#ffffff", "#ffffff", "#ffffff", "#ffffff", "#111111"]
# channel: (live unit, dead unit); live lines thin and faint, dead ones grey, dashed, opaque
_UNIT_LINE_STYLES = {
    "stroke": ("#111111", "#b0b0b0"),
    "strokeWidth": (0.8, 1.6),
    "opacity": (0.35, 1.0),
    "strokeDash": ([1, 0], [5, 3]),
}


def decision_boundary_chart(
    grid: pd.DataFrame | DecisionSurface,
    data: pd.DataFrame | None = None,
    lines: pd.DataFrame | None = None,
    panel_width: int = 280,
    height: int = 280,
    probability_title: str = "P(class 1)",
):
    """Predicted probability over the input plane, the data on top, first-layer unit lines.

    Parameters
    ----------
    grid : DecisionSurface or DataFrame
        :func:`reluscope.frames.decision_surface` (then ``data`` and ``lines`` come from it),
        or its grid: :func:`reluscope.frames.grid_cells` of a regular grid (``x1, x2,
        probability`` of class 1 and the cell corners ``x1_lo, x1_hi, x2_lo, x2_hi``),
        optionally ``activation`` for one panel per activation.
    data : DataFrame
        ``x1, x2, label``.
    lines : DataFrame, optional
        From :func:`reluscope.frames.unit_lines_frame` (plus ``activation`` when the grid has
        it); dead units are drawn dashed and grey.
    probability_title : str, default "P(class 1)"
        Legend and tooltip title of the probability (e.g. the positive class's name).
    """
    if isinstance(grid, DecisionSurface):
        grid, data, lines = grid.grid, grid.data, grid.lines
    require_columns(
        grid, ["x1_lo", "x1_hi", "x2_lo", "x2_hi", "probability"], "decision boundary grid"
    )
    require_columns(data, ["x1", "x2", "label"], "decision boundary data")
    if "activation" not in grid:
        return _boundary_panel(grid, data, lines, None, probability_title)
    panels = []
    for name, cells in grid.groupby("activation", sort=False):
        unit_lines = lines
        if lines is not None and "activation" in lines:
            unit_lines = lines[lines["activation"] == name]
        panel = _boundary_panel(cells, data, unit_lines, name, probability_title)
        panels.append(panel.properties(width=panel_width, height=height))
    return panels[0] if len(panels) == 1 else alt.concat(*panels, columns=2)


def _boundary_panel(cells, data, lines, name, probability_title) -> alt.LayerChart:
    x_domain = [float(cells["x1_lo"].min()), float(cells["x1_hi"].max())]
    y_domain = [float(cells["x2_lo"].min()), float(cells["x2_hi"].max())]
    x_scale = alt.Scale(domain=x_domain, nice=False, zero=False)
    y_scale = alt.Scale(domain=y_domain, nice=False, zero=False)
    heat = (
        alt.Chart(cells)
        .mark_rect()
        .encode(
            x=alt.X("x1_lo:Q", title="x1", scale=x_scale),
            x2="x1_hi:Q",
            y=alt.Y("x2_lo:Q", title="x2", scale=y_scale),
            y2="x2_hi:Q",
            color=alt.Color(
                "probability:Q",
                title=probability_title,
                scale=alt.Scale(domain=[0, 1], scheme="blueorange"),
            ),
            tooltip=[alt.Tooltip("probability:Q", title=probability_title, format=".2f")],
        )
    )
    labels = data.assign(label=data["label"].astype(str))
    points = (
        alt.Chart(labels)
        .mark_point(filled=True, size=36, strokeWidth=1, clip=True)
        .encode(
            x="x1:Q",
            y="x2:Q",
            fill=alt.Fill("label:N", title="class", scale=alt.Scale(range=_CLASS_FILLS)),
            stroke=alt.Stroke("label:N", title="class", scale=alt.Scale(range=_CLASS_STROKES)),
            shape=alt.Shape("label:N", title="class"),
            tooltip=["x1:Q", "x2:Q", alt.Tooltip("label:N", title="class")],
        )
    )
    layers = [heat, points]
    if lines is not None and len(lines):
        layers.insert(1, _unit_lines_layer(lines))  # under the data
    return alt.layer(*layers, title=name or alt.Undefined)


def _unit_lines_layer(lines: pd.DataFrame) -> alt.Chart:
    require_columns(lines, ["unit", "x1", "x2", "x1_end", "x2_end", "dead"], "unit lines")
    styles = {
        channel: alt.when(alt.datum.dead).then(alt.value(dead)).otherwise(alt.value(live))
        for channel, (live, dead) in _UNIT_LINE_STYLES.items()
    }
    return (
        alt.Chart(lines)
        .mark_rule(clip=True)
        .encode(
            x="x1:Q",
            y="x2:Q",
            x2="x1_end:Q",
            y2="x2_end:Q",
            **styles,
            tooltip=[alt.Tooltip("unit:O", title="first-layer unit"), alt.Tooltip("dead:N")],
        )
    )
