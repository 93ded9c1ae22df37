"""The Lab: phase diagrams of a sweep, measured against theory (born dead, bias kill), and
the recovery of born-inactive units.

Each chart takes the frame :mod:`reluscope.frames.lab` builds (phase-diagram cells, points
with their 95 % intervals, recovery bars) and the theory table to draw over it.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from reluscope import frames
from reluscope.charts.theme import (
    activation_color,
    activation_scale,
    count_x,
    highlight,
    legend,
    legend_selection,
    note,
    stat_tooltip,
)
from reluscope.frames import require_columns

__all__ = ["bias_kill_chart", "born_dead_chart", "phase_diagram_chart", "recovery_chart"]

MEASURED_HEIGHT = 360  # px of a measured-vs-theory chart, its note and legend included


def phase_diagram_chart(
    frame: pd.DataFrame,
    value: str = "dead_fraction_final",
    row: str | None = None,
    panel_width: int = 240,
    height: int = 180,
    columns: int = 2,
    order: Sequence[str] | None = None,
):
    """Bias offset × learning rate heatmap of ``value``, one panel per activation.

    Panels, not a facet: they wrap ``columns`` to a line, and the dashboard stretches each to
    its column, so four or six activations fit a laptop and a phone (one panel a line there).

    Parameters
    ----------
    frame : DataFrame
        :func:`reluscope.frames.phase_cells` of the sweep's run table, made with the same
        ``value`` and ``row``: ``activation, bias_offset, learning_rate, [row], mean, ci_low,
        ci_high, n`` and optionally ``diverged``. Cells show the mean over seeds; the tooltip
        adds the 95 % interval and the count of diverged runs left out; a cell where every
        run diverged has no colour.
    value : str, default "dead_fraction_final"
        The run-table column the cells summarise (the colour's title), e.g. ``"final_loss"``;
        fractions get a fixed [0, 1] colour scale, other values one scale over every panel.
    row : str, optional
        The further setting the cells were split by (``solver``, ``hidden_layers``, ``init``
        or ``negative_slope``): one panel per activation and value of it, the activations of
        one value side by side.
    columns : int, default 2
        Panels per line when drawn as one figure.
    order : sequence of str, optional
        The activations' order (e.g. the sweep's, as its caption lists them); by default the
        registry's. Activations not in it follow in the registry's order.

    Returns
    -------
    alt.ConcatChart, or alt.Chart for a single panel
        Each panel titled by its activation (and ``row`` value); ``panel_width × height`` px
        when drawn at its natural size.
    """
    keys = ["activation", "bias_offset", "learning_rate", *([row] if row else [])]
    require_columns(frame, [*keys, "mean", "ci_low", "ci_high", "n"], "phase diagram")
    is_fraction = frames.is_fraction(value)
    title = value.replace("_", " ")
    fmt = ".1%" if is_fraction else ".3g"
    label_angle = 0 if frame["learning_rate"].nunique() * 40 <= panel_width else -45
    diverged_tooltip = (
        [alt.Tooltip("diverged:Q", title="runs diverged")] if "diverged" in frame else []
    )
    if is_fraction:
        color_scale = alt.Scale(domain=[0, 1], scheme="magma", reverse=True)
    else:
        # panels drawn apart share no scale unless given one domain
        finite = frame["mean"][np.isfinite(frame["mean"])]
        domain = [float(finite.min()), float(finite.max())] if len(finite) else alt.Undefined
        color_scale = alt.Scale(scheme="viridis", reverse=True, domain=domain)
    encoding = {
        # every grid value labelled (ordinal: sorted numerically), tilted when crowded
        "x": alt.X(
            "learning_rate:O",
            title="learning rate",
            sort="ascending",
            axis=alt.Axis(format="~g", labelOverlap=False, labelAngle=label_angle),
        ),
        "y": alt.Y("bias_offset:O", title="bias offset", sort="descending"),
        "color": alt.Color(
            "mean:Q",
            title=f"mean {title}",
            scale=color_scale,
            legend=legend(direction="horizontal", gradientLength=160),
        ),
        "tooltip": [
            alt.Tooltip("activation:N"),
            *([alt.Tooltip(f"{row}:N")] if row else []),
            alt.Tooltip("bias_offset:Q", title="bias offset"),
            alt.Tooltip("learning_rate:Q", title="learning rate", format="~g"),
            *stat_tooltip(title, fmt),
            *diverged_tooltip,
        ],
    }
    names = activation_scale(frame["activation"].unique()).domain
    if order is not None:
        names = sorted(names, key=lambda n: list(order).index(n) if n in order else len(order))
    settings = list(dict.fromkeys(frame[row])) if row else [None]
    panels = []
    for setting in settings:
        part = frame if row is None else frame[frame[row] == setting]
        for name in names:
            cells = part[part["activation"] == name]
            if cells.empty:
                continue
            label = name if row is None else f"{name} · {row.replace('_', ' ')} {setting}"
            panels.append(
                alt.Chart(cells)
                .mark_rect()
                .encode(**encoding)
                .properties(width=panel_width, height=height, title=label)
            )
    return panels[0] if len(panels) == 1 else alt.concat(*panels, columns=columns)


def born_dead_chart(
    mc_frame: pd.DataFrame, theory_frame: pd.DataFrame, value: str = "probability"
) -> alt.LayerChart:
    """Share of networks born dead vs depth per width: Monte-Carlo points with 95 % intervals
    (error bars) over the closed form 1 − ∏(1 − 2^−Nₗ) (lines).

    Parameters
    ----------
    mc_frame : DataFrame
        ``depth, width, value, ci_low, ci_high``: e.g. :func:`reluscope.frames.with_interval`
        (Wilson intervals) or :func:`reluscope.frames.born_dead_frames`.
    theory_frame : DataFrame
        ``depth, width, value`` on a fine or equal depth grid.
    """
    require_columns(theory_frame, ["depth", "width", value], "born-dead theory")
    require_columns(
        mc_frame, ["depth", "width", value, "ci_low", "ci_high"], "born-dead Monte Carlo"
    )
    return _measured_vs_theory(
        mc_frame,
        theory_frame,
        x=count_x("depth", "hidden layers (depth)"),
        value=value,
        y_title="P(born dead)",
        group="width",
    )


def _measured_vs_theory(measured, theory, x, value, y_title, group) -> alt.LayerChart:
    """Dashed theory lines, measured points with 95 % interval bars; coloured by ``group``."""
    selection = legend_selection(group)
    if group == "activation":
        color = activation_color(measured, theory, symbol="circle")
    else:
        # the lightest blues vanish on white: the scheme starts a third of the way in
        scheme = alt.SchemeParams(name="blues", extent=[0.35, 1.0])
        color = alt.Color(
            f"{group}:O", title=group, scale=alt.Scale(scheme=scheme), legend=legend()
        )
    y = alt.Y(f"{value}:Q", title=y_title, scale=alt.Scale(domain=[0, 1]))
    theory_line = (
        alt.Chart(theory)
        .mark_line(strokeWidth=1.5, strokeDash=[5, 3])
        .encode(
            x=x,
            y=y,
            color=color,
            opacity=highlight(selection, 0.9),
            tooltip=[
                alt.Tooltip(f"{group}:N"),
                alt.Tooltip(x.shorthand),
                alt.Tooltip(f"{value}:Q", title="theory", format=".3f"),
            ],
        )
        .add_params(selection)
    )
    measured_tooltip = [
        alt.Tooltip(f"{group}:N"),
        alt.Tooltip(x.shorthand),
        alt.Tooltip(f"{value}:Q", title="measured", format=".3f"),
        alt.Tooltip("ci_low:Q", title="95 % CI low", format=".3f"),
        alt.Tooltip("ci_high:Q", title="95 % CI high", format=".3f"),
    ]
    base = alt.Chart(measured).encode(x=x, color=color, opacity=highlight(selection))
    bars = base.mark_rule().encode(y="ci_low:Q", y2="ci_high:Q", tooltip=measured_tooltip)
    points = base.mark_point(filled=True, size=45).encode(y=y, tooltip=measured_tooltip)
    title = note("dashed: closed form · points: measured, with 95 % intervals")
    # the height holds the note and the legend too (a stretched chart fits into it)
    return alt.layer(theory_line, bars, points, title=title).properties(height=MEASURED_HEIGHT)


def bias_kill_chart(measured: pd.DataFrame, theory: pd.DataFrame) -> alt.LayerChart:
    """First-layer dead fraction at initialisation vs bias offset: measured against the
    closed form 1 − exp(−b²/(2R²σ²)).

    Parameters
    ----------
    measured : DataFrame
        :func:`reluscope.frames.bias_kill_points`: ``activation, bias_offset, probability,
        ci_low, ci_high``.
    theory : DataFrame
        ``activation, bias_offset, probability``: e.g. :func:`reluscope.frames.bias_kill_frames`.
    """
    columns = ["activation", "bias_offset", "probability"]
    require_columns(theory, columns, "bias-kill theory")
    require_columns(measured, [*columns, "ci_low", "ci_high"], "bias-kill measurements")
    return _measured_vs_theory(
        measured,
        theory,
        x=alt.X("bias_offset:Q", title="bias offset"),
        value="probability",
        y_title=["first-layer units", "dead at initialisation"],
        group="activation",
    )


def recovery_chart(frame: pd.DataFrame, height: int = 220, panel_width: int = 200):
    """Share of born-inactive units that recover, by activation × negative slope × optimiser.

    One panel per optimiser (panels, not a facet, so the dashboard stretches each to its
    column and a phone gets one a line), each with its own legend highlight.

    Parameters
    ----------
    frame : DataFrame
        :func:`reluscope.frames.recovery_bars`: ``solver, activation, negative_slope, mean,
        ci_low, ci_high, n``. Bars show the mean over runs with a 95 % interval; optimisers in
        the order they first appear.

    Returns
    -------
    alt.ConcatChart, or alt.LayerChart for one optimiser
        Panels titled ``optimiser: <solver>``, ``panel_width × height`` px at natural size.
    """
    keys = ["solver", "activation", "negative_slope"]
    require_columns(frame, [*keys, "mean", "ci_low", "ci_high", "n"], "recovery chart")
    color = activation_color(frame, symbol="square")
    names = activation_scale(frame["activation"].unique(), keep_order=True).domain
    slopes = sorted(frame["negative_slope"].dropna().unique())
    # every panel lists every slope, so the panels line up
    x = alt.X(
        "negative_slope:O",
        title="negative slope",
        scale=alt.Scale(domain=slopes),
        axis=alt.Axis(format="~g", labelAngle=0),
    )
    y = alt.Y(
        "mean:Q",
        # two lines: an axis title longer than the plot runs over the panel's title
        title=["born-inactive units", "that recover"],
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%"),
    )
    solvers = list(dict.fromkeys(frame["solver"]))
    panels = []
    for i, solver in enumerate(solvers):
        selection = legend_selection(name=f"legend_recovery_{i}")
        base = alt.Chart(frame[frame["solver"] == solver]).encode(
            x=x,
            xOffset=alt.XOffset("activation:N", scale=alt.Scale(domain=names)),
            color=color,
            opacity=highlight(selection),
            tooltip=[
                alt.Tooltip("solver:N", title="optimiser"),
                alt.Tooltip("activation:N"),
                alt.Tooltip("negative_slope:Q", title="negative slope"),
                *stat_tooltip("recovered", ".1%"),
            ],
        )
        bars = base.mark_bar().encode(y=y).add_params(selection)
        whiskers = base.mark_rule().encode(y="ci_low:Q", y2="ci_high:Q", color=alt.value("black"))
        # the share written over each bar, so that a share of 0 is visible too
        labels = base.mark_text(dy=-8, fontSize=10).encode(
            y="mean:Q", text=alt.Text("mean:Q", format=".0%"), color=alt.value("black")
        )
        panels.append(
            alt.layer(bars, whiskers, labels).properties(
                width=panel_width, height=height, title=f"optimiser: {solver}"
            )
        )
    return panels[0] if len(panels) == 1 else alt.concat(*panels, columns=2)
