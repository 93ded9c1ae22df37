"""Hidden units: the state of every unit epoch by epoch, on-rates, deaths and recoveries.

Each chart takes the frame :mod:`reluscope.frames.units` or :func:`reluscope.frames.event_counts`
builds, or the raw units / layers frame, which it prepares with that same function.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from reluscope import frames
from reluscope.charts.theme import (
    activation_color,
    epoch_x,
    highlight,
    legend_selection,
    state_color,
)

__all__ = ["events_chart", "on_rate_histogram", "unit_timeline_chart"]

_ON_RATE_BINS = alt.Bin(extent=[0, 1], step=0.05)


def unit_timeline_chart(units: pd.DataFrame, max_height: int = 480):
    """Units × epochs, each cell coloured by the unit's state at that epoch.

    Parameters
    ----------
    units : DataFrame
        :func:`reluscope.frames.unit_timeline`, or one run's units (one row per epoch, layer
        and unit with ``on_rate, dead, inactive, saturated``; filter to one activation and
        seed first). Several layers give one row of panels each.
    max_height : int, default 480
        Cap on the height of one panel in pixels.
    """
    frame = units if "state" in units else frames.unit_timeline(units)
    n_units = int(frame.groupby("layer")["unit"].nunique().max()) if len(frame) else 1
    selection = legend_selection("state")
    chart = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=epoch_x(),
            x2="epoch_end:Q",
            y=alt.Y("unit:O", title="unit", axis=alt.Axis(labelOverlap=True)),
            color=state_color(),
            opacity=highlight(selection),
            tooltip=[
                alt.Tooltip("layer:O", title="hidden layer"),
                alt.Tooltip("unit:O"),
                alt.Tooltip("epoch:Q"),
                alt.Tooltip("state:N"),
                alt.Tooltip("on_rate:Q", title="on-rate", format=".1%"),
            ],
        )
        .add_params(selection)
        .properties(height=min(max(8 * n_units, 120), max_height))
    )
    if frame["layer"].nunique() > 1:
        return chart.facet(row=alt.Row("layer:O", title="hidden layer")).resolve_scale(
            y="independent"
        )
    return chart


def on_rate_histogram(units: pd.DataFrame, epoch: int | None = None) -> alt.Chart:
    """How many units fire on what share of the inputs, at one epoch (default the last).

    Bars are stacked by unit state, so the pile at on-rate 0 splits into dead and inactive.

    Parameters
    ----------
    units : DataFrame
        :func:`reluscope.frames.on_rates`, or units as for :func:`unit_timeline_chart`.
    epoch : int, optional
        For raw units: the epoch to draw.
    """
    frame = units if "state" in units else frames.on_rates(units, epoch)
    epoch = int(frame["epoch"].max()) if epoch is None else epoch
    selection = legend_selection("state")
    return (
        alt.Chart(frame[["on_rate", "state"]], title=f"on-rate at epoch {epoch}")
        .mark_bar()
        .encode(
            x=alt.X(
                "on_rate:Q",
                bin=_ON_RATE_BINS,
                title="on-rate (share of inputs with z > 0)",
                axis=alt.Axis(format="%"),
            ),
            y=alt.Y("count():Q", title="units"),
            color=state_color(),
            opacity=highlight(selection),
            tooltip=[
                alt.Tooltip("state:N"),
                alt.Tooltip("count():Q", title="units"),
                alt.Tooltip("on_rate:Q", bin=_ON_RATE_BINS, title="on-rate"),
            ],
        )
        .add_params(selection)
    )


def events_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Deaths (down) and recoveries (up) per epoch, stacked by activation.

    Parameters
    ----------
    frame : DataFrame
        :func:`reluscope.frames.event_counts`, or what it takes: per-layer counts
        (``activation, seed, epoch, layer, deaths, recoveries``: summed over layers, averaged
        over seeds) or one row per event (``epoch, event`` with event ``"death"`` or
        ``"recovery"``, optional ``activation``).
    """
    counts = frame if "signed" in frame else frames.event_counts(frame)
    selection = legend_selection()
    bars = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=epoch_x(),
            y=alt.Y("signed:Q", title="units: recoveries ↑ deaths ↓"),
            color=activation_color(counts, symbol="square"),
            opacity=highlight(selection),
            tooltip=[
                alt.Tooltip("activation:N"),
                alt.Tooltip("epoch:Q"),
                alt.Tooltip("event:N"),
                alt.Tooltip("count:Q", title="units", format=".3g"),
            ],
        )
        .add_params(selection)
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#888").encode(y="y:Q")
    return alt.layer(bars, zero)
