"""The look every chart shares: one palette for activations, one for classes, one for unit
states; legends under the plot that highlight what is clicked; mean lines over 95 % bands."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import altair as alt
import pandas as pd

from reluscope.activations import ACTIVATIONS
from reluscope.charts.states import STATE_COLORS
from reluscope.frames import UNIT_STATES

__all__ = [
    "ACTIVATION_COLORS",
    "CLASS_COLORS",
    "UNIT_STATES",
    "UNIT_STATE_COLORS",
    "activation_encoding",
    "activation_scale",
    "class_scale",
    "legend_columns",
]

# Tableau 10: distinguishable, colour-blind-aware; ReLU gets the alarm colour, which is why
# the theme's accent (:data:`ACCENT`) is a blue-grey that no activation uses
ACTIVATION_COLORS: dict[str, str] = {
    "relu": "#d62728",
    "leaky_relu": "#ff7f0e",
    "tanh": "#2ca02c",
    "sigmoid": "#1f77b4",
    "identity": "#7f7f7f",
    "elu": "#9467bd",
    "selu": "#8c564b",
    "gelu": "#e377c2",
    "silu": "#17becf",
    "softplus": "#bcbd22",
}
# names outside the registry (e.g. a user's label) still get a stable colour
_EXTRA_COLORS = ("#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd")

ACCENT = "#455a64"  # .streamlit/config.toml's primaryColor: sliders, tags, links

# ColorBrewer Dark2: classes in order of their sorted labels, the same on every chart
CLASS_COLORS = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
)

# one unit-state palette everywhere (colour-blind safe, dead near-black): charts.states's
UNIT_STATE_COLORS = STATE_COLORS

FADED = 0.12  # opacity of what the legend selection leaves out
# a view that fits the page's width and keeps its plot's height: legend rows add below it
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
BAND_OPACITY = 0.2


def _color_of(name: str) -> str:
    if name in ACTIVATION_COLORS:
        return ACTIVATION_COLORS[name]
    return _EXTRA_COLORS[zlib.crc32(name.encode()) % len(_EXTRA_COLORS)]


def activation_scale(names: Sequence[str] | None = None, keep_order: bool = False) -> alt.Scale:
    """The colour scale of activations: one fixed colour per name.

    Parameters
    ----------
    names : sequence of str, optional
        Names to show in the legend (default: every registered activation). Only these appear,
        in registry order, but each keeps its own colour.
    keep_order : bool, default False
        List ``names`` in the order given (the sidebar's, as a comparison keeps it) instead.
    """
    present = list(ACTIVATIONS) if names is None else list(dict.fromkeys(map(str, names)))
    if not keep_order:
        order = {name: i for i, name in enumerate(ACTIVATIONS)}
        present.sort(key=lambda n: (order.get(n, len(order)), n))
    return alt.Scale(domain=present, range=[_color_of(n) for n in present])


def activation_color(*frames: pd.DataFrame | None, symbol: str = "stroke") -> alt.Color:
    """Colour by ``activation``; one scale for every layer or panel drawn from ``frames``.

    Vega-Lite merges the colour scales of layers and concatenated views and keeps the first
    range, so every part of a chart must be given the same domain. ``symbol`` is the legend's
    symbol shape (``"stroke"`` for lines, ``"square"`` for bars, ``"circle"`` for points).
    """
    # frames keep the comparison's order, which is the sidebar's: the legend follows it
    names = pd.concat([f["activation"] for f in frames if f is not None]).dropna().unique()
    return activation_encoding(tuple(map(str, names)), symbol=symbol)


# px per character of a legend label, and around it (symbol, offset, column padding)
_LABEL_CHAR_PX = 6.5
_ENTRY_PX = 34
LABEL_LIMIT = 110  # px: a longer label is cut with an ellipsis rather than widen every column


def legend_columns(names: Sequence[str]):
    """Legend columns that keep the entries inside the plot's width: a Vega expression of the
    view's ``width`` (signal of a single view), so a phone wraps them onto more rows.

    >>> legend_columns(["relu", "tanh"])
    {'expr': 'max(1, floor(width / 60))'}
    """
    longest = max((len(str(n)) for n in names), default=1)
    entry = int(min(_LABEL_CHAR_PX * longest, LABEL_LIMIT) + _ENTRY_PX)
    return {"expr": f"max(1, floor(width / {entry}))"}


def activation_encoding(
    names: Sequence[str], symbol: str = "stroke", columns=4, field: str = "activation"
) -> alt.Color:
    """Colour by ``activation`` over ``names`` in the order given (the sidebar's).

    ``columns`` is the legend's: a number, or an expression (:func:`legend_columns`) for a
    view drawn at the page's width.
    """
    return alt.Color(
        f"{field}:N",
        title="activation",
        scale=activation_scale(list(names), keep_order=True),
        legend=legend(
            symbolType=symbol,
            symbolStrokeWidth=3,
            symbolOpacity=1,
            columns=columns,
            labelLimit=LABEL_LIMIT,
        ),
    )


def class_scale(labels: Sequence | None = None) -> alt.Scale:
    """The colour scale of classes (:data:`CLASS_COLORS`), in sorted label order.

    Parameters
    ----------
    labels : sequence, optional
        The classes present; sorted (as a dataset numbers its classes) they take the colours in
        order, so a class has the same colour on the scatter, the balance and the boundary.
    """
    if labels is None:
        return alt.Scale(range=list(CLASS_COLORS))
    domain = sorted(dict.fromkeys(labels), key=lambda label: (str(type(label)), label))
    colors = [CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(len(domain))]
    return alt.Scale(domain=domain, range=colors)


def state_color() -> alt.Color:
    """Colour by unit ``state``, in legend order, from :data:`UNIT_STATE_COLORS`."""
    return alt.Color(
        "state:N",
        title="unit state",
        scale=alt.Scale(
            domain=list(UNIT_STATES), range=[UNIT_STATE_COLORS[s] for s in UNIT_STATES]
        ),
        legend=legend(),
    )


def legend(title=alt.Undefined, **kwargs) -> alt.Legend:
    """Legends sit under the plot, so a chart keeps its width on a phone."""
    return alt.Legend(title=title, orient="bottom", **kwargs)


def count_x(field: str, title: str) -> alt.X:
    """An x axis of whole numbers (epochs, layers): no tick at 1.5."""
    return alt.X(f"{field}:Q", title=title, axis=alt.Axis(tickMinStep=1, format="d"))


def epoch_x() -> alt.X:
    return count_x("epoch", "epoch")


def note(text: str) -> alt.Title:
    """A one-line note above a chart, set like a subtitle (Vega draws no subtitle under an
    empty title)."""
    return alt.Title(text, anchor="start", fontSize=12, fontWeight="normal", color="#666")


def legend_selection(field: str = "activation", name: str | None = None) -> alt.Parameter:
    """Click a legend entry to highlight it (shift-click adds, double-click clears).

    ``name`` keeps the selections of panels drawn side by side apart (Altair merges unnamed
    ones that look alike, with a warning).
    """
    return alt.selection_point(fields=[field], bind="legend", name=name or alt.Undefined)


def highlight(selection: alt.Parameter, opacity: float = 1.0):
    """Full ``opacity`` for what ``selection`` holds (everything when it is empty), faded else."""
    return alt.when(selection).then(alt.value(opacity)).otherwise(alt.value(opacity * FADED))


def stat_tooltip(title: str, fmt: str = ".4g") -> list[alt.Tooltip]:
    """Tooltips of a summary row: mean, its 95 % interval and the number of seeds."""
    return [
        alt.Tooltip("mean:Q", title=title, format=fmt),
        alt.Tooltip("ci_low:Q", title="95 % CI low", format=fmt),
        alt.Tooltip("ci_high:Q", title="95 % CI high", format=fmt),
        alt.Tooltip("n:Q", title="seeds"),
    ]


def mean_band_layers(
    summary: pd.DataFrame,
    x: alt.X,
    y_title: str,
    y_scale: alt.Scale,
    tooltip: list,
    color: alt.Color,
    selection: alt.Parameter,
    detail: Sequence = (),
    y_format: str | None = None,
    band: bool | None = None,
) -> list[alt.Chart]:
    """Band (when some point has several seeds) under a mean line, coloured by activation.

    ``summary`` has ``mean, ci_low, ci_high, n`` (:func:`reluscope.stats.summarize`), or is
    named data (``alt.NamedData``) with ``band`` saying whether to draw the band;
    ``selection`` (the legend's) is added to the line layer and the band follows it.
    """
    if band is None:
        band = bool((summary["n"] > 1).any())
    axis = alt.Axis(format=y_format) if y_format else alt.Axis()
    base = alt.Chart(summary).encode(x=x, color=color, detail=list(detail), tooltip=tooltip)
    line = (
        base.mark_line(strokeWidth=2, clip=True)  # clipped where an axis leaves a run out
        .encode(
            y=alt.Y("mean:Q", title=y_title, scale=y_scale, axis=axis),
            opacity=highlight(selection),
        )
        .add_params(selection)
    )
    if not band:
        return [line]
    area = base.mark_area(clip=True).encode(
        y=alt.Y("ci_low:Q", title=y_title, scale=y_scale, axis=axis),
        y2="ci_high:Q",
        opacity=highlight(selection, BAND_OPACITY),
    )
    return [area, line]
