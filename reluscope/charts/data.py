"""A dataset on its own: a scatter of two columns and the balance of its classes."""

from __future__ import annotations

import altair as alt
import pandas as pd

from reluscope import frames
from reluscope.charts.theme import class_scale, highlight, legend, legend_selection
from reluscope.frames import require_columns

__all__ = ["class_balance_chart", "data_scatter"]


def data_scatter(frame: pd.DataFrame, x: str, y: str, color: str | None = None) -> alt.Chart:
    """Scatter of two columns, coloured by a third (classes, or a continuous target).

    ``color`` reads as classes when :func:`reluscope.frames.is_categorical` says so.
    """
    require_columns(frame, [x, y] + ([color] if color else []), "scatter")
    columns = list(dict.fromkeys([x, y] + ([color] if color else [])))
    chart = alt.Chart(frame[columns]).mark_circle(size=36, opacity=0.8)
    encoding = {"x": alt.X(f"{x}:Q", title=x), "y": alt.Y(f"{y}:Q", title=y)}
    tooltip = [alt.Tooltip(f"{x}:Q", format=".3g"), alt.Tooltip(f"{y}:Q", format=".3g")]
    if color is None:
        return chart.encode(**encoding, tooltip=tooltip)
    if frames.is_categorical(frame[color]):
        selection = legend_selection(color)
        return chart.encode(
            **encoding,
            color=alt.Color(
                f"{color}:N",
                title=color,
                scale=class_scale(frame[color].unique().tolist()),
                legend=legend(),
            ),
            opacity=highlight(selection, 0.8),
            tooltip=[*tooltip, alt.Tooltip(f"{color}:N")],
        ).add_params(selection)
    return chart.encode(
        **encoding,
        color=alt.Color(f"{color}:Q", title=color, scale=alt.Scale(scheme="viridis")),
        tooltip=[*tooltip, alt.Tooltip(f"{color}:Q", format=".3g")],
    )


def class_balance_chart(frame: pd.DataFrame, target: str) -> alt.Chart:
    """Number and share of rows per class of ``target``.

    Parameters
    ----------
    frame : DataFrame
        :func:`reluscope.frames.class_balance` of the dataset's frame: ``class, count, share``.
    target : str
        The target's name (the axis title).
    """
    require_columns(frame, ["class", "count", "share"], "class balance chart")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="rows"),
            y=alt.Y("class:N", title=target),
            color=alt.Color(
                "class:N", legend=None, scale=class_scale(frame["class"].unique().tolist())
            ),
            tooltip=[
                alt.Tooltip("class:N", title=target),
                alt.Tooltip("count:Q", title="rows"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
    )
