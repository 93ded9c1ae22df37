"""Hidden units: the state of every unit epoch by epoch, on-rates, deaths and recoveries.

Each chart takes the frame :mod:`reluscope.frames.units` or :func:`reluscope.frames.event_counts`
builds from one run's units or a comparison's layers.
"""

from __future__ import annotations

import functools

import altair as alt
import pandas as pd

from reluscope.charts.theme import (
    activation_color,
    epoch_x,
    highlight,
    legend_selection,
    state_color,
)
from reluscope.frames import require_columns

__all__ = ["events_chart", "on_rate_histogram", "on_rate_histogram_spec", "unit_timeline_chart"]

_ON_RATE_BINS = alt.Bin(extent=[0, 1], step=0.05)


ROW_PIXELS = 10  # per unit: a row a unit stays readable up to 64 units
FRAME_PIXELS = 110  # the epoch axis and the state legend under a single view's rows


def unit_timeline_chart(units: pd.DataFrame, max_height: int = 64 * ROW_PIXELS):
    """Units × epochs, each cell coloured by the unit's state at that epoch.

    Parameters
    ----------
    units : DataFrame
        :func:`reluscope.frames.unit_timeline` of one run's units: ``epoch, epoch_end, layer,
        unit, on_rate, state``. Several layers give one row of panels each.
    max_height : int, default 640
        Cap on the height of one panel in pixels (:data:`ROW_PIXELS` a unit until then).
    """
    require_columns(
        units, ["epoch", "epoch_end", "layer", "unit", "on_rate", "state"], "unit timeline"
    )
    n_units = int(units.groupby("layer")["unit"].nunique().max()) if len(units) else 1
    selection = legend_selection("state")
    # the axis ends where the last epoch's cells do: no empty band after them
    span = [float(units["epoch"].min()), float(units["epoch_end"].max())] if len(units) else [0, 1]
    x = epoch_x()
    x.scale = alt.Scale(domain=span, nice=False, zero=False)
    chart = (
        alt.Chart(units)
        .mark_rect()
        .encode(
            x=x,
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
    )
    rows = min(max(ROW_PIXELS * n_units, 120), max_height)
    if units["layer"].nunique() > 1:
        return (
            chart.properties(height=rows)
            .facet(row=alt.Row("layer:O", title="hidden layer"))
            .resolve_scale(y="independent")
        )
    # a single view stretched to the page is fitted into its height, axis and legend too
    return chart.properties(height=rows + FRAME_PIXELS)


def on_rate_histogram(units: pd.DataFrame) -> alt.Chart:
    """How many units fire on what share of the inputs, at one epoch.

    Bars are stacked by unit state, so the pile at on-rate 0 splits into dead and inactive.

    Parameters
    ----------
    units : DataFrame
        :func:`reluscope.frames.on_rates`: ``epoch, on_rate, state``, one row per unit.
    """
    require_columns(units, ["epoch", "on_rate", "state"], "on-rate histogram")
    epoch = int(units["epoch"].max())
    return _on_rate_chart(units[["on_rate", "state"]], f"on-rate at epoch {epoch}")


ON_RATES = "on_rates"  # the named dataset of :func:`on_rate_histogram_spec`


def on_rate_histogram_spec(units: pd.DataFrame) -> dict:
    """:func:`on_rate_histogram` as a Vega-Lite spec over the named dataset :data:`ON_RATES`,
    for Play's frames: the spec is built once and each frame fills in the rows, so the browser
    updates the drawn chart instead of building it anew. The epoch goes in the page's caption.
    """
    require_columns(units, ["epoch", "on_rate", "state"], "on-rate histogram")
    rows = units[["on_rate", "state"]].astype({"on_rate": float, "state": str})
    pairs = zip(rows["on_rate"], rows["state"], strict=True)
    records = [{"on_rate": r, "state": s} for r, s in pairs]
    return {**_on_rate_template(), "datasets": {ON_RATES: records}}


@functools.cache
def _on_rate_template() -> dict:
    return _on_rate_chart(alt.NamedData(ON_RATES), "units by on-rate").to_dict()


def _on_rate_chart(data, title: str) -> alt.Chart:
    selection = legend_selection("state")
    return (
        alt.Chart(data, title=title)
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


def events_chart(frame: pd.DataFrame, n_epochs: int | None = None) -> alt.LayerChart:
    """Deaths (down) and recoveries (up) per epoch, stacked by activation.

    Parameters
    ----------
    frame : DataFrame
        :func:`reluscope.frames.event_counts`: ``activation, epoch, event, count, signed``.
    n_epochs : int, optional
        Epochs the run trained: the axis spans 0..``n_epochs``, so the bars sit where they
        happened in the run (default: up to the last event).
    """
    require_columns(frame, ["activation", "epoch", "event", "count", "signed"], "events chart")
    selection = legend_selection()
    x = epoch_x()
    if n_epochs is not None:
        x.scale = alt.Scale(domain=[0, int(n_epochs)], nice=False)
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("signed:Q", title="units: recoveries ↑ deaths ↓"),
            color=activation_color(frame, symbol="square"),
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
