"""The Lab: phase diagrams of a sweep, measured against theory (born dead, bias kill), and
the recovery of born-inactive units.

Each chart takes the frame :mod:`reluscope.frames.lab` builds (phase-diagram cells, points
with their 95 % intervals, recovery bars) and the theory table to draw over it.
"""

from __future__ import annotations

import altair as alt
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


def phase_diagram_chart(
    frame: pd.DataFrame,
    value: str = "dead_fraction_final",
    row: str | None = None,
    panel_width: int = 240,
    height: int = 180,
    columns: int = 2,
):
    """Bias offset × learning rate heatmap of ``value``, one panel per activation.

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
        fractions get a fixed [0, 1] colour scale.
    row : str, optional
        The further setting the cells were split by (``solver``, ``hidden_layers``, ``init``
        or ``negative_slope``): one row of panels per value.
    columns : int, default 2
        Panels per line (without ``row``), so four activations fit a laptop or phone screen.
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
    color_scale = (
        alt.Scale(domain=[0, 1], scheme="magma", reverse=True)
        if is_fraction
        else alt.Scale(scheme="viridis", reverse=True)
    )
    heat = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            # every grid value labelled (ordinal: sorted numerically), tilted when crowded
            x=alt.X(
                "learning_rate:O",
                title="learning rate",
                sort="ascending",
                axis=alt.Axis(format="~g", labelOverlap=False, labelAngle=label_angle),
            ),
            y=alt.Y("bias_offset:O", title="bias offset", sort="descending"),
            color=alt.Color(
                "mean:Q",
                title=f"mean {title}",
                scale=color_scale,
                legend=legend(direction="horizontal", gradientLength=220),
            ),
            tooltip=[
                alt.Tooltip("activation:N"),
                *([alt.Tooltip(f"{row}:N")] if row else []),
                alt.Tooltip("bias_offset:Q", title="bias offset"),
                alt.Tooltip("learning_rate:Q", title="learning rate", format="~g"),
                *stat_tooltip(title, fmt),
                *diverged_tooltip,
            ],
        )
        .properties(width=panel_width, height=height)
    )
    order = activation_scale(frame["activation"].unique()).domain
    if row:
        return heat.facet(
            column=alt.Column("activation:N", title=None, sort=order),
            row=alt.Row(f"{row}:N", title=row.replace("_", " ")),
        )
    return heat.facet(facet=alt.Facet("activation:N", title=None, sort=order), columns=columns)


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
        color = alt.Color(f"{group}:O", title=group, legend=legend())
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
    return alt.layer(theory_line, bars, points, title=title)


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
        y_title="first-layer units dead at initialisation",
        group="activation",
    )


def recovery_chart(frame: pd.DataFrame, height: int = 220) -> alt.LayerChart:
    """Share of born-inactive units that recover, by activation × negative slope × optimiser.

    Parameters
    ----------
    frame : DataFrame
        :func:`reluscope.frames.recovery_bars`: ``solver, activation, negative_slope, mean,
        ci_low, ci_high, n``. Bars show the mean over runs with a 95 % interval; optimisers in
        the order they first appear.
    """
    keys = ["solver", "activation", "negative_slope"]
    require_columns(frame, [*keys, "mean", "ci_low", "ci_high", "n"], "recovery chart")
    selection = legend_selection()
    color = activation_color(frame, symbol="square")
    names = activation_scale(frame["activation"].unique()).domain
    x = alt.X("negative_slope:O", title="negative slope", axis=alt.Axis(format="~g", labelAngle=0))
    base = alt.Chart(frame).encode(
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
    bars = (
        base.mark_bar()
        .encode(
            y=alt.Y(
                "mean:Q",
                title="born-inactive units that recover",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            )
        )
        .add_params(selection)
    )
    whiskers = base.mark_rule().encode(y="ci_low:Q", y2="ci_high:Q", color=alt.value("black"))
    # the share written over each bar, so that a share of 0 is visible too
    labels = base.mark_text(dy=-8, fontSize=10).encode(
        y="mean:Q", text=alt.Text("mean:Q", format=".0%"), color=alt.value("black")
    )
    solvers = list(dict.fromkeys(frame["solver"]))
    return (
        alt.layer(bars, whiskers, labels)
        .properties(height=height)
        .facet(column=alt.Column("solver:N", title="optimiser", sort=solvers))
    )
