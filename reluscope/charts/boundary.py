"""The decision boundary: predicted probability over the input plane, the data on top, and
the lines where first-layer units switch on."""

from __future__ import annotations

import base64
import struct
import zlib

import altair as alt
import numpy as np
import pandas as pd

from reluscope.charts.theme import CLASS_COLORS, UNIT_STATE_COLORS, class_scale, legend
from reluscope.frames import DecisionSurface, require_columns

__all__ = ["decision_boundary_chart", "probability_png"]

# the map runs from the first class's colour through white to the second's (the class palette
# the scatter and the balance use), so a region reads as the class it predicts
_MAP_RANGE = [CLASS_COLORS[0], "#f7f7f7", CLASS_COLORS[1]]
# points take their class colour, outlined in black so they stand out on their own region
_POINT_STROKE = "#111111"
# channel: (live unit, dead unit); live lines thin and faint, dead ones dark, dashed and thick
_UNIT_LINE_STYLES = {
    "stroke": ("#111111", UNIT_STATE_COLORS["dead"]),
    "strokeWidth": (0.8, 2.5),
    "opacity": (0.35, 1.0),
    "strokeDash": ([1, 0], [6, 3]),
}
_DEAD_CASING = {"stroke": "#ffffff", "strokeWidth": 5.0, "opacity": 0.85}  # under a dead line


def probability_png(probability: np.ndarray) -> str:
    """A probability map as a PNG data URL: one pixel per grid point, row 0 at the top.

    Parameters
    ----------
    probability : ndarray, shape (n_x2, n_x1)
        Values in [0, 1] on a regular grid, ``probability[i, j]`` at the i-th x2 (ascending)
        and j-th x1; coloured along :data:`_MAP_RANGE` (linear in RGB, like Vega's).

    Returns
    -------
    str
        ``data:image/png;base64,...`` (8-bit RGB, PNG's own deflate: no imaging library).

    >>> probability_png(np.array([[0.0, 1.0]]))[:22]
    'data:image/png;base64,'
    """
    p = np.clip(np.nan_to_num(np.asarray(probability, dtype=np.float64), nan=0.5), 0.0, 1.0)
    stops = np.array([[int(c[k : k + 2], 16) for k in (1, 3, 5)] for c in _MAP_RANGE], float)
    rgb = np.stack([np.interp(p, [0.0, 0.5, 1.0], stops[:, k]) for k in range(3)], axis=-1)
    rows = np.round(rgb[::-1]).astype(np.uint8)  # image rows go down, x2 goes up
    height, width = p.shape
    raw = b"".join(b"\x00" + row.tobytes() for row in rows)  # filter type 0 on every row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    png = b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    )
    png += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


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
        optionally ``activation`` for one panel per activation. The map is drawn as one image
        (a pixel per grid point), so a fine grid costs no more marks than a coarse one.
    data : DataFrame
        ``x1, x2, label``.
    lines : DataFrame, optional
        From :func:`reluscope.frames.unit_lines_frame` (plus ``activation`` when the grid has
        it); dead units are drawn thick, dashed and near-black (the dead state's colour) over a
        white casing.
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
    surface = cells.pivot_table(index="x2", columns="x1", values="probability", sort=True)
    picture = pd.DataFrame(
        {
            "url": [probability_png(surface.to_numpy())],
            "x1_lo": x_domain[0],
            "x1_hi": x_domain[1],
            "x2_lo": y_domain[0],
            "x2_hi": y_domain[1],
        }
    )
    heat = (
        alt.Chart(picture)
        .mark_image(aspect=False)
        .encode(
            x=alt.X("x1_lo:Q", title="x1", scale=x_scale),
            x2="x1_hi:Q",
            y=alt.Y("x2_lo:Q", title="x2", scale=y_scale),
            y2="x2_hi:Q",
            url="url:N",
        )
    )
    # two invisible points carry the probability legend, whose gradient is the image's; both
    # legends sit under the map, so a panel's map takes its whole width
    key = (
        alt.Chart(pd.DataFrame({"probability": [0.0, 1.0], "x1": x_domain, "x2": y_domain}))
        .mark_point(opacity=0)
        .encode(
            x="x1:Q",
            y="x2:Q",
            color=alt.Color(
                "probability:Q",
                title=probability_title,
                scale=alt.Scale(domain=[0, 1], range=_MAP_RANGE, interpolate="rgb"),
                legend=legend(direction="horizontal", gradientLength=120),
            ),
            tooltip=[alt.Tooltip("probability:Q", title=probability_title, format=".2f")],
        )
    )
    labels = data.assign(label=data["label"].astype(str))
    classes = class_scale(labels["label"].tolist())
    class_legend = legend(direction="horizontal")
    points = (
        alt.Chart(labels)
        .mark_point(filled=True, size=36, strokeWidth=1, stroke=_POINT_STROKE, clip=True)
        .encode(
            x="x1:Q",
            y="x2:Q",
            fill=alt.Fill("label:N", title="class", scale=classes, legend=class_legend),
            # the same domain and legend as the fill, so the two make one legend
            shape=alt.Shape(
                "label:N",
                title="class",
                scale=alt.Scale(domain=classes.domain),
                legend=class_legend,
            ),
            tooltip=["x1:Q", "x2:Q", alt.Tooltip("label:N", title="class")],
        )
    )
    layers = [heat, key, points]
    if lines is not None and len(lines):
        layers[2:2] = _unit_lines_layers(lines)  # under the data
    return alt.layer(*layers, title=name or alt.Undefined)


def _unit_lines_layers(lines: pd.DataFrame) -> list[alt.Chart]:
    """A white casing under each dead unit's line, then every unit's line."""
    require_columns(lines, ["unit", "x1", "x2", "x1_end", "x2_end", "dead"], "unit lines")
    styles = {
        channel: alt.when(alt.datum.dead).then(alt.value(dead)).otherwise(alt.value(live))
        for channel, (live, dead) in _UNIT_LINE_STYLES.items()
    }
    ends = {"x": "x1:Q", "y": "x2:Q", "x2": "x1_end:Q", "y2": "x2_end:Q"}
    tooltip = [alt.Tooltip("unit:O", title="first-layer unit"), alt.Tooltip("dead:N")]
    casing = (
        alt.Chart(lines)
        .transform_filter(alt.datum.dead)
        .mark_rule(clip=True, **_DEAD_CASING)
        .encode(**ends, tooltip=tooltip)
    )
    rules = alt.Chart(lines).mark_rule(clip=True).encode(**ends, **styles, tooltip=tooltip)
    return [casing, rules]
