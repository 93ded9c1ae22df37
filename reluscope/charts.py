"""Altair chart builders: a tidy DataFrame in, an ``alt.Chart`` out. No Streamlit here.

Every chart colours an activation the same way (:data:`ACTIVATION_COLORS`), has tooltips and
axis titles, and highlights what its legend entry names when that entry is clicked (shift-click
adds more; double-click clears). Single-view charts set no width, so
``st.altair_chart(chart, width="stretch")`` fits them to the page; faceted charts take a
``panel_width``.

Frames with several seeds are summarised here, in pandas, rather than by Vega-Lite: the browser
gets one row per point, and the band is the same on every render (Vega's ``ci`` is a bootstrap).
The band is a Student-t 95 % confidence interval of the mean across seeds
(:func:`reluscope.stats.summarize`; a point with one seed has a zero-width interval).

>>> import pandas as pd
>>> epochs = pd.DataFrame({"activation": "relu", "seed": 0, "epoch": [0, 1, 2],
...                        "loss": [0.7, 0.5, 0.4], "val_loss": [0.7, 0.6, 0.5]})
>>> spec = loss_chart(epochs).to_dict()
>>> [layer["mark"]["type"] for layer in spec["layer"]]
['line']
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from reluscope.activations import ACTIVATIONS, get_activation
from reluscope.stats import finite as _finite
from reluscope.stats import summarize

__all__ = [
    "ACTIVATION_COLORS",
    "UNIT_STATES",
    "UNIT_STATE_COLORS",
    "activation_curves_chart",
    "activation_curves_frame",
    "activation_scale",
    "bias_kill_chart",
    "born_dead_chart",
    "class_balance_chart",
    "data_scatter",
    "dead_fraction_chart",
    "decision_boundary_chart",
    "events_chart",
    "grad_norm_chart",
    "loss_chart",
    "on_rate_histogram",
    "phase_diagram_chart",
    "preactivation_histogram",
    "recovery_chart",
    "score_chart",
    "summarize",
    "unit_lines_frame",
    "unit_states",
    "unit_timeline_chart",
]

# Tableau 10: distinguishable, colour-blind-aware; ReLU gets the alarm colour
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

# a unit is shown in the first state that applies: dead > saturated > inactive > alive.
# Dead units are also inactive and saturated; a leaky unit that is inactive at slope 0.01 is
# saturated too (its f' is 1 % of the peak), which is what the tiny gradient means.
UNIT_STATES = ("alive", "inactive", "saturated", "dead")
UNIT_STATE_COLORS = {
    "alive": "#59a14f",
    "inactive": "#f1ce63",
    "saturated": "#b07aa1",
    "dead": "#3b3b3b",
}

SPLIT_DASHES = {"train": [1, 0], "validation": [6, 3]}
METRIC_TITLES = {"loss": "loss", "score": "accuracy"}
SATURATION_SHARE = 0.05  # "saturated": f' below 5 % of the peak slope (DESIGN.md)
_FADED = 0.12  # opacity of what the legend selection leaves out
_BAND_OPACITY = 0.2
_PLATEAU_OPACITY = 0.12


# --- shared helpers ------------------------------------------------------------------------


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} needs columns {list(columns)}; missing {missing} (got {list(frame.columns)})."
        )


def _color_of(name: str) -> str:
    if name in ACTIVATION_COLORS:
        return ACTIVATION_COLORS[name]
    return _EXTRA_COLORS[zlib.crc32(name.encode()) % len(_EXTRA_COLORS)]


def activation_scale(names: Sequence[str] | None = None) -> alt.Scale:
    """The colour scale of activations: registry order, one fixed colour per name.

    Parameters
    ----------
    names : sequence of str, optional
        Names to show in the legend (default: every registered activation). Only these appear,
        in registry order, but each keeps its own colour.
    """
    present = list(ACTIVATIONS) if names is None else list(dict.fromkeys(map(str, names)))
    order = {name: i for i, name in enumerate(ACTIVATIONS)}
    present.sort(key=lambda n: (order.get(n, len(order)), n))
    return alt.Scale(domain=present, range=[_color_of(n) for n in present])


def _activation_color(*frames: pd.DataFrame | None, symbol: str = "stroke") -> alt.Color:
    """Colour by ``activation``; one scale for every layer or panel drawn from ``frames``.

    Vega-Lite merges the colour scales of layers and concatenated views and keeps the first
    range, so every part of a chart must be given the same domain. ``symbol`` is the legend's
    symbol shape (``"stroke"`` for lines, ``"square"`` for bars, ``"circle"`` for points).
    """
    names = pd.concat([f["activation"] for f in frames if f is not None]).dropna().unique()
    return alt.Color(
        "activation:N",
        title="activation",
        scale=activation_scale(names),
        legend=_legend(symbolType=symbol, symbolStrokeWidth=3, symbolOpacity=1, columns=4),
    )


def _legend(title=alt.Undefined, **kwargs) -> alt.Legend:
    """Legends sit under the plot, so a chart keeps its width on a phone."""
    return alt.Legend(title=title, orient="bottom", **kwargs)


def _count_x(field: str, title: str) -> alt.X:
    """An x axis of whole numbers (epochs, layers): no tick at 1.5."""
    return alt.X(f"{field}:Q", title=title, axis=alt.Axis(tickMinStep=1, format="d"))


def _note(text: str) -> alt.Title:
    """A one-line note above a chart, set like a subtitle (Vega draws no subtitle under an
    empty title)."""
    return alt.Title(text, anchor="start", fontSize=12, fontWeight="normal", color="#666")


def _epoch_x() -> alt.X:
    return _count_x("epoch", "epoch")


def _legend_selection(field: str = "activation") -> alt.Parameter:
    """Click a legend entry to highlight it (shift-click adds, double-click clears)."""
    return alt.selection_point(fields=[field], bind="legend")


def _highlight(selection: alt.Parameter, opacity: float = 1.0):
    return alt.when(selection).then(alt.value(opacity)).otherwise(alt.value(opacity * _FADED))


def _positive_for_log(summary: pd.DataFrame) -> pd.DataFrame:
    """Log axes cannot show values ≤ 0: drop such means, floor such interval ends."""
    summary = summary.copy()
    summary["mean"] = summary["mean"].where(summary["mean"] > 0)
    floor = summary["mean"].min()
    summary["ci_low"] = summary["ci_low"].where(summary["ci_low"] > 0, floor)
    return summary


def _stat_tooltip(title: str, fmt: str = ".4g") -> list[alt.Tooltip]:
    return [
        alt.Tooltip("mean:Q", title=title, format=fmt),
        alt.Tooltip("ci_low:Q", title="95 % CI low", format=fmt),
        alt.Tooltip("ci_high:Q", title="95 % CI high", format=fmt),
        alt.Tooltip("n:Q", title="seeds"),
    ]


def _mean_band_layers(
    summary: pd.DataFrame,
    x: alt.X,
    y_title: str,
    y_scale: alt.Scale,
    tooltip: list,
    color: alt.Color,
    selection: alt.Parameter,
    detail: Sequence = (),
    y_format: str | None = None,
) -> list[alt.Chart]:
    """Band (when some point has several seeds) under a mean line, coloured by activation.

    ``selection`` (the legend's) is added to the line layer; the band follows it.
    """
    axis = alt.Axis(format=y_format) if y_format else alt.Axis()
    base = alt.Chart(summary).encode(x=x, color=color, detail=list(detail), tooltip=tooltip)
    line = (
        base.mark_line(strokeWidth=2)
        .encode(
            y=alt.Y("mean:Q", title=y_title, scale=y_scale, axis=axis),
            opacity=_highlight(selection),
        )
        .add_params(selection)
    )
    if not (summary["n"] > 1).any():
        return [line]
    band = base.mark_area().encode(
        y=alt.Y("ci_low:Q", title=y_title, scale=y_scale, axis=axis),
        y2="ci_high:Q",
        opacity=_highlight(selection, _BAND_OPACITY),
    )
    return [band, line]


# --- training curves ---------------------------------------------------------------------


def _splits(epochs: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Long form: one row per (activation, seed, epoch, split) with ``value``."""
    columns = {metric: "train", f"val_{metric}": "validation"}
    present = {c: s for c, s in columns.items() if c in epochs and epochs[c].notna().any()}
    if not present:
        raise ValueError(f"the epochs frame has no {metric!r} values to draw.")
    keys = [c for c in ("activation", "seed", "epoch") if c in epochs]
    long = epochs.melt(id_vars=keys, value_vars=list(present), var_name="split")
    long["split"] = long["split"].map(present)
    if "seed" not in long:
        long["seed"] = 0
    return long


def loss_chart(
    epochs: pd.DataFrame,
    plateaus: pd.DataFrame | None = None,
    log_scale: bool = False,
    metric: str = "loss",
    y_title: str | None = None,
) -> alt.LayerChart:
    """Training (solid) and validation (dashed) curves per activation, plateaus shaded.

    Parameters
    ----------
    epochs : DataFrame
        Columns ``activation, seed, epoch`` and ``metric`` / ``val_<metric>`` (either may be
        missing or all-NaN). With several seeds: mean line and 95 % band.
    plateaus : DataFrame, optional
        Columns ``activation, seed, start_epoch, end_epoch``; each plateau is a shaded span.
    log_scale : bool, default False
        Logarithmic y axis (non-positive values are left out).
    metric : {"loss", "score"}
    y_title : str, optional
        Default "loss" or "accuracy" (pass "R²" for a regressor's score).
    """
    _require(epochs, ["activation", "epoch"], f"{metric} chart")
    summary = summarize(_splits(epochs, metric), ["activation", "split", "epoch"], "value")
    y_title = y_title or METRIC_TITLES.get(metric, metric)
    if log_scale:
        summary = _positive_for_log(summary)
        y_scale = alt.Scale(type="log")
    else:
        y_scale = alt.Scale(zero=False)
    tooltip = [
        alt.Tooltip("activation:N"),
        alt.Tooltip("split:N", title="data"),
        alt.Tooltip("epoch:Q"),
        *_stat_tooltip(y_title),
    ]
    if plateaus is not None and not len(plateaus):
        plateaus = None
    selection = _legend_selection()
    color = _activation_color(summary, plateaus)
    x = _epoch_x()
    layers = _mean_band_layers(
        summary, x, y_title, y_scale, tooltip, color, selection, detail=["split:N"]
    )
    dash = alt.StrokeDash(
        "split:N",
        title="data",
        scale=alt.Scale(domain=list(SPLIT_DASHES), range=list(SPLIT_DASHES.values())),
        legend=_legend(),
    )
    layers[-1] = layers[-1].encode(strokeDash=dash)
    if plateaus is not None:
        layers.insert(0, _plateau_layer(plateaus, color, selection))
    return alt.layer(*layers)


def _plateau_layer(plateaus: pd.DataFrame, color: alt.Color, selection) -> alt.Chart:
    _require(plateaus, ["activation", "start_epoch", "end_epoch"], "plateau shading")
    columns = [c for c in ("activation", "seed", "start_epoch", "end_epoch") if c in plateaus]
    frame = plateaus[columns]
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x="start_epoch:Q",
            x2="end_epoch:Q",
            color=color,
            opacity=_highlight(selection, _PLATEAU_OPACITY),
            tooltip=[
                alt.Tooltip("activation:N"),
                *([alt.Tooltip("seed:Q")] if "seed" in frame else []),
                alt.Tooltip("start_epoch:Q", title="plateau from epoch"),
                alt.Tooltip("end_epoch:Q", title="to epoch"),
            ],
        )
    )


def score_chart(epochs: pd.DataFrame, y_title: str = "accuracy") -> alt.LayerChart:
    """Training and validation accuracy (``score``, ``val_score``) per activation."""
    return loss_chart(epochs, metric="score", y_title=y_title)


def _layer_metric_chart(
    layers: pd.DataFrame,
    value: str,
    title: str,
    *,
    layer: int | None,
    panel_width: int,
    height: int,
    log_scale: bool = False,
    bounds: tuple[float, float] | None = None,
    fmt: str = ".3g",
    y_format: str | None = None,
    mark_born: bool = False,
):
    """Mean ± band of a per-layer column over epochs per activation; one panel per layer."""
    _require(layers, ["activation", "epoch", "layer", value], f"{title} chart")
    if layer is not None:
        layers = layers[layers["layer"] == layer]
    summary = summarize(layers, ["activation", "layer", "epoch"], value, bounds=bounds)
    if log_scale:
        summary = _positive_for_log(summary)
        y_scale = alt.Scale(type="log")
    else:
        y_scale = alt.Scale(domain=list(bounds)) if bounds else alt.Scale(zero=False)
    tooltip = [
        alt.Tooltip("activation:N"),
        alt.Tooltip("layer:O", title="hidden layer"),
        alt.Tooltip("epoch:Q"),
        *_stat_tooltip(title, fmt),
    ]
    selection = _legend_selection()
    color = _activation_color(summary)
    x = _epoch_x()
    chart_layers = _mean_band_layers(
        summary, x, title, y_scale, tooltip, color, selection, y_format=y_format
    )
    if mark_born:
        born = (
            alt.Chart(summary)
            .transform_filter(alt.datum.epoch == 0)
            .mark_point(filled=True, size=50)
            .encode(
                x=x,
                y="mean:Q",
                color=color,
                opacity=_highlight(selection),
                tooltip=[
                    alt.Tooltip("activation:N"),
                    alt.Tooltip("layer:O", title="hidden layer"),
                    alt.Tooltip("mean:Q", title="born dead", format=fmt),
                    alt.Tooltip("n:Q", title="seeds"),
                ],
            )
        )
        chart_layers.append(born)
    chart = alt.layer(*chart_layers)
    if summary["layer"].nunique() <= 1:
        return chart  # a single view can stretch to the page width
    return chart.properties(width=panel_width, height=height).facet(
        column=alt.Column("layer:O", title="hidden layer")
    )


def dead_fraction_chart(
    layers: pd.DataFrame,
    layer: int | None = None,
    value: str = "dead_fraction",
    panel_width: int = 260,
    height: int = 220,
):
    """Share of dead units per hidden layer over epochs, per activation (epoch 0: born dead).

    Parameters
    ----------
    layers : DataFrame
        One row per (activation, seed, epoch, layer) with ``value`` in [0, 1] (or ``dead`` and
        ``units``, from which ``dead_fraction`` is computed).
    layer : int, optional
        Draw this hidden layer only; default one panel per layer.
    value : str, default "dead_fraction"
        E.g. ``"inactive_fraction"`` for the share of inactive units.
    panel_width, height : int
        Size of each panel when there are several.
    """
    if value not in layers and {"dead", "units"} <= set(layers.columns):
        layers = layers.assign(dead_fraction=layers["dead"] / layers["units"])
    return _layer_metric_chart(
        layers,
        value,
        value.replace("_", " "),
        layer=layer,
        panel_width=panel_width,
        height=height,
        bounds=(0.0, 1.0),
        fmt=".1%",
        y_format="%",
        mark_born=value == "dead_fraction",
    )


def grad_norm_chart(
    layers: pd.DataFrame, layer: int | None = None, panel_width: int = 260, height: int = 220
):
    """Gradient norm per hidden layer over epochs, per activation, on a log axis.

    Exactly zero norms (a fully dead layer) cannot sit on a log axis and are left out.
    """
    return _layer_metric_chart(
        layers,
        "grad_norm",
        "gradient norm",
        layer=layer,
        panel_width=panel_width,
        height=height,
        log_scale=True,
    )


# --- units ---------------------------------------------------------------------------------


def unit_states(units: pd.DataFrame) -> pd.Series:
    """State of each row: the first of dead > saturated > inactive that holds, else alive."""
    _require(units, ["dead", "inactive", "saturated"], "unit states")
    flags = [units[c].astype(bool).to_numpy() for c in ("dead", "saturated", "inactive")]
    states = np.select(flags, ["dead", "saturated", "inactive"], default="alive")
    return pd.Series(states, index=units.index, name="state")


def _state_color(selection: alt.Parameter | None = None) -> alt.Color:
    return alt.Color(
        "state:N",
        title="unit state",
        scale=alt.Scale(domain=list(UNIT_STATES), range=list(UNIT_STATE_COLORS.values())),
        legend=_legend(),
    )


def unit_timeline_chart(units: pd.DataFrame, max_height: int = 480):
    """Units × epochs, each cell coloured by the unit's state at that epoch.

    Parameters
    ----------
    units : DataFrame
        One row per (epoch, layer, unit) with ``on_rate, dead, inactive, saturated``; one
        activation and seed (filter first). Several layers give one row of panels each.
    max_height : int, default 480
        Cap on the height of one panel in pixels.
    """
    _require(units, ["epoch", "layer", "unit", "on_rate"], "unit timeline")
    frame = units[["epoch", "layer", "unit", "on_rate"]].assign(state=unit_states(units))
    frame["epoch_end"] = frame["epoch"] + 1
    n_units = int(frame.groupby("layer")["unit"].nunique().max()) if len(frame) else 1
    selection = _legend_selection("state")
    chart = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=_epoch_x(),
            x2="epoch_end:Q",
            y=alt.Y("unit:O", title="unit", axis=alt.Axis(labelOverlap=True)),
            color=_state_color(),
            opacity=_highlight(selection),
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
    """
    _require(units, ["epoch", "on_rate", "dead", "inactive", "saturated"], "on-rate histogram")
    epoch = int(units["epoch"].max()) if epoch is None else epoch
    at_epoch = units[units["epoch"] == epoch]
    frame = at_epoch[["on_rate"]].assign(state=unit_states(at_epoch))
    selection = _legend_selection("state")
    return (
        alt.Chart(frame, title=f"on-rate at epoch {epoch}")
        .mark_bar()
        .encode(
            x=alt.X(
                "on_rate:Q",
                bin=alt.Bin(extent=[0, 1], step=0.05),
                title="on-rate (share of inputs with z > 0)",
                axis=alt.Axis(format="%"),
            ),
            y=alt.Y("count():Q", title="units"),
            color=_state_color(),
            opacity=_highlight(selection),
            tooltip=[
                alt.Tooltip("state:N"),
                alt.Tooltip("count():Q", title="units"),
                alt.Tooltip("on_rate:Q", bin=alt.Bin(extent=[0, 1], step=0.05), title="on-rate"),
            ],
        )
        .add_params(selection)
    )


def events_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Deaths (down) and recoveries (up) per epoch, stacked by activation.

    Parameters
    ----------
    frame : DataFrame
        Either per-layer counts (``activation, seed, epoch, layer, deaths, recoveries``: summed
        over layers, averaged over seeds) or one row per event (``epoch, event`` with event
        ``"death"`` or ``"recovery"``, optional ``activation``).
    """
    counts = _event_counts(frame)
    counts["signed"] = np.where(counts["event"] == "deaths", -counts["count"], counts["count"])
    selection = _legend_selection()
    bars = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=_epoch_x(),
            y=alt.Y("signed:Q", title="units: recoveries ↑ deaths ↓"),
            color=_activation_color(counts, symbol="square"),
            opacity=_highlight(selection),
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


def _event_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Long counts: activation, epoch, event ("deaths" / "recoveries"), count."""
    frame = frame if "activation" in frame else frame.assign(activation="network")
    if "event" in frame:
        _require(frame, ["epoch", "event"], "events chart")
        names = frame["event"].map({"death": "deaths", "recovery": "recoveries"})
        counted = frame.assign(event=names).groupby(["activation", "epoch", "event"]).size()
        return counted.rename("count").reset_index()
    _require(frame, ["epoch", "deaths", "recoveries"], "events chart")
    frame = frame if "seed" in frame else frame.assign(seed=0)
    per_seed = frame.groupby(["activation", "seed", "epoch"])[["deaths", "recoveries"]].sum()
    mean = per_seed.groupby(["activation", "epoch"]).mean().reset_index()
    long = mean.melt(id_vars=["activation", "epoch"], var_name="event", value_name="count")
    return long[long["count"] > 0].reset_index(drop=True)


# --- activations and pre-activations -------------------------------------------------------


def activation_curves_frame(
    names: Sequence[str],
    negative_slope: float = 0.01,
    z_range: tuple[float, float] = (-5.0, 5.0),
    n_points: int = 401,
) -> pd.DataFrame:
    """f(z) and f′(z) on a grid, one block of rows per activation.

    Returns
    -------
    DataFrame
        Columns ``activation, z, value, derivative``; ``n_points`` rows per name.

    >>> activation_curves_frame(["relu"], n_points=3)
      activation    z  value  derivative
    0       relu -5.0    0.0         0.0
    1       relu  0.0    0.0         0.0
    2       relu  5.0    5.0         1.0
    """
    z = np.linspace(*z_range, n_points)
    blocks = []
    for name in names:
        activation = get_activation(name, negative_slope=negative_slope)
        blocks.append(
            pd.DataFrame(
                {
                    "activation": activation.name,
                    "z": z,
                    "value": activation(z),
                    "derivative": activation.derivative(z),
                }
            )
        )
    return pd.concat(blocks, ignore_index=True)


# Leaky ReLU lies on ReLU for z > 0 and within α·|z| of it below: it is drawn dashed and on
# top of a wider ReLU, so that both stay visible
_CURVE_DASHES = {"leaky_relu": [6, 3]}
_CURVE_WIDTHS = {"relu": 4.5}
_CURVE_WIDTH = 2.0


def _by_activation(channel, names: Sequence[str], styles: dict, default, **kwargs):
    """``channel`` (e.g. ``alt.StrokeDash``) giving each name its entry of ``styles``."""
    scale = alt.Scale(domain=list(names), range=[styles.get(n, default) for n in names])
    return channel("activation:N", title="activation", scale=scale, sort=list(names), **kwargs)


def _flat_negative_slopes(frame: pd.DataFrame) -> str | None:
    """The note "f′ for z < 0: 0 (relu), …" for the activations whose f′ is constant there."""
    below = frame[frame["z"] < 0].groupby("activation", sort=False)["derivative"]
    flat = below.agg(["min", "max"]).query("min == max")["min"]
    if flat.empty:
        return None
    return "f′ for z < 0: " + ", ".join(f"{slope:g} ({name})" for name, slope in flat.items())


def activation_curves_chart(frame: pd.DataFrame, panel_width: int = 300, height: int = 240):
    """f (left) and f′ (right) of each activation, from :func:`activation_curves_frame`.

    Leaky ReLU is dashed and drawn over a wider ReLU; a note above gives the slope for z < 0 of
    each activation whose slope is constant there (0 for ReLU, α for leaky ReLU).
    """
    _require(frame, ["activation", "z", "value", "derivative"], "activation curves")
    long = frame.rename(columns={"value": "f(z)", "derivative": "f′(z)"}).melt(
        id_vars=["activation", "z"], value_vars=["f(z)", "f′(z)"], var_name="curve"
    )
    # Vega draws the lines in the order of the data: dashed ones last, on top
    long = long.sort_values(
        "activation", key=lambda names: names.isin(list(_CURVE_DASHES)), kind="stable"
    )
    names = activation_scale(long["activation"].unique()).domain
    selection = _legend_selection()
    lines = (
        alt.Chart(long)
        # transparent points: the tooltip gives the value under the pointer, not the line's first
        .mark_line(point="transparent")
        .encode(
            x=alt.X("z:Q", title="pre-activation z"),
            y=alt.Y("value:Q", title=None),
            color=_activation_color(long),
            strokeDash=_by_activation(alt.StrokeDash, names, _CURVE_DASHES, [1, 0]),
            strokeWidth=_by_activation(alt.StrokeWidth, names, _CURVE_WIDTHS, _CURVE_WIDTH),
            # not opacity, which would make the transparent points visible
            strokeOpacity=_highlight(selection),
            tooltip=[
                alt.Tooltip("activation:N"),
                alt.Tooltip("curve:N"),
                alt.Tooltip("z:Q", format=".2f"),
                alt.Tooltip("value:Q", format=".3~g"),
            ],
        )
        .add_params(selection)
        .properties(width=panel_width, height=height)
    )
    chart = lines.facet(column=alt.Column("curve:N", title=None)).resolve_scale(y="independent")
    note = _flat_negative_slopes(frame)
    return chart.properties(title=_note(note)) if note else chart


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True in a 1-D boolean array."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _gradient_regions(activation, low: float, high: float, n_points: int = 2001) -> pd.DataFrame:
    """Spans of z in [low, high] where f′ = 0 (zero gradient) or f′ < 5 % of peak (saturated)."""
    z = np.linspace(low, high, n_points)
    slope = np.abs(activation.derivative(z))
    zero = slope == 0.0
    saturated = (slope < SATURATION_SHARE * activation.peak_slope) & ~zero
    rows = [
        {"region": region, "start": z[a], "end": z[b]}
        for region, mask in (("zero gradient", zero), ("saturated", saturated))
        for a, b in _runs(mask)
    ]
    return pd.DataFrame(rows, columns=["region", "start", "end"])


def preactivation_histogram(
    frame: pd.DataFrame,
    activation: str | None = None,
    negative_slope: float = 0.01,
    bins: int = 40,
    zero_gradient_share: float | None = None,
    saturated_share: float | None = None,
):
    """Histogram of pre-activations z with the zero-gradient and saturated regions shaded.

    Parameters
    ----------
    frame : DataFrame
        Column ``z`` (every input × unit of a layer at one epoch), optionally ``activation``
        (one panel per activation).
    activation : str, optional
        The activation, when ``frame`` has no ``activation`` column.
    negative_slope : float, default 0.01
        For leaky ReLU.
    bins : int, default 40
    zero_gradient_share, saturated_share : float, optional
        Shares of z with f′ = 0 and with f′ < 5 % of the peak, shown in the title; computed from
        ``z`` when not given (single activation only when given).
    """
    _require(frame, ["z"], "pre-activation histogram")
    if "activation" not in frame:
        if activation is None:
            raise ValueError("preactivation_histogram needs an activation name or column.")
        frame = frame.assign(activation=activation)
    z_all = _finite(frame["z"]).dropna()
    if z_all.empty:
        raise ValueError("no finite pre-activations to draw.")
    edges = np.histogram_bin_edges(z_all, bins=bins)
    given = {"zero": zero_gradient_share, "saturated": saturated_share}
    color = _activation_color(frame, symbol="square")
    panels = [
        _preactivation_panel(group, name, negative_slope, edges, given, color)
        for name, group in frame.groupby("activation", sort=False)
    ]
    return panels[0] if len(panels) == 1 else alt.vconcat(*panels)


def _preactivation_panel(group, name, negative_slope, edges, given, color) -> alt.LayerChart:
    activation = get_activation(name, negative_slope=negative_slope)
    z = _finite(group["z"]).dropna().to_numpy()
    slope = np.abs(activation.derivative(z))
    zero_share = given["zero"] if given["zero"] is not None else float(np.mean(slope == 0.0))
    saturated_share = given["saturated"]
    if saturated_share is None:
        saturated_share = float(np.mean(slope < SATURATION_SHARE * activation.peak_slope))
    counts, _ = np.histogram(z, bins=edges)
    bars_frame = pd.DataFrame(
        {"activation": name, "start": edges[:-1], "end": edges[1:], "count": counts}
    )
    regions = _gradient_regions(activation, float(edges[0]), float(edges[-1]))
    title = alt.Title(
        f"{name}: pre-activations",
        subtitle=f"{zero_share:.0%} of z in the zero-gradient region, "
        f"{saturated_share:.0%} saturated (f′ < 5 % of peak)",
    )
    shade = (
        alt.Chart(regions)
        .mark_rect(opacity=0.25)
        .encode(
            x="start:Q",
            x2="end:Q",
            fill=alt.Fill(
                "region:N",
                title="region",
                scale=alt.Scale(
                    domain=["zero gradient", "saturated"], range=["#7f7f7f", "#e8a33d"]
                ),
                legend=_legend(),
            ),
            tooltip=[
                alt.Tooltip("region:N"),
                alt.Tooltip("start:Q", title="from z", format=".2f"),
                alt.Tooltip("end:Q", title="to z", format=".2f"),
            ],
        )
    )
    bars = (
        alt.Chart(bars_frame)
        .mark_bar(opacity=0.85)
        .encode(
            x=alt.X("start:Q", title="pre-activation z"),
            x2="end:Q",
            y=alt.Y("count:Q", title="inputs × units"),
            y2=alt.datum(0),
            color=color,
            tooltip=[
                alt.Tooltip("start:Q", title="z from", format=".2f"),
                alt.Tooltip("end:Q", title="z to", format=".2f"),
                alt.Tooltip("count:Q"),
            ],
        )
    )
    return alt.layer(shade, bars, title=title)


# --- decision boundary ---------------------------------------------------------------------


def unit_lines_frame(W, b, extent, dead=None) -> pd.DataFrame:
    """First-layer unit lines w·x + b = 0 clipped to the plot box, one segment per unit.

    Parameters
    ----------
    W : array_like, shape (2, n_units)
        First-layer weights (fan_in = 2, fan_out = n_units), as the engine stores them.
    b : array_like, shape (n_units,)
    extent : (x1_min, x1_max, x2_min, x2_max)
    dead : array_like of bool, shape (n_units,), optional

    Returns
    -------
    DataFrame
        Columns ``unit, x1, x2, x1_end, x2_end, dead``; units whose line misses the box are
        left out.

    >>> unit_lines_frame([[1.0], [0.0]], [-0.5], (-1, 1, -1, 1)).to_dict("list")
    {'unit': [0], 'x1': [0.5], 'x2': [-1.0], 'x1_end': [0.5], 'x2_end': [1.0], 'dead': [False]}
    """
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    if W.ndim != 2 or W.shape[0] != 2 or W.shape[1] != b.size:
        raise ValueError(
            f"W must have shape (2, n_units) and b (n_units,); got {W.shape} and {b.shape}."
        )
    dead = np.zeros(b.size, bool) if dead is None else np.asarray(dead, bool).reshape(-1)
    x1_min, x1_max, x2_min, x2_max = map(float, extent)
    rows = []
    for unit, ((w1, w2), bias) in enumerate(zip(W.T, b, strict=True)):
        points = []
        if w2 != 0.0:
            points += [(x1, -(bias + w1 * x1) / w2) for x1 in (x1_min, x1_max)]
        if w1 != 0.0:
            points += [(-(bias + w2 * x2) / w1, x2) for x2 in (x2_min, x2_max)]
        inside = np.array(
            [p for p in points if x1_min <= p[0] <= x1_max and x2_min <= p[1] <= x2_max]
        ).reshape(-1, 2)
        if len(inside) < 2:
            continue
        start, end = inside[np.argmin(inside[:, 0] + inside[:, 1] * 1e-9)], None
        end = inside[np.argmax(np.hypot(*(inside - start).T))]
        if np.allclose(start, end):
            continue  # the line only touches a corner
        rows.append((unit, *start, *end, bool(dead[unit])))
    return pd.DataFrame(rows, columns=["unit", "x1", "x2", "x1_end", "x2_end", "dead"])


def _cells(grid: pd.DataFrame) -> pd.DataFrame:
    """Rectangle corners around each grid point (half a grid step each side)."""
    cells = grid.copy()
    for axis in ("x1", "x2"):
        values = np.unique(grid[axis].to_numpy())
        half = np.median(np.diff(values)) / 2 if values.size > 1 else 0.5
        cells[f"{axis}_lo"] = cells[axis] - half
        cells[f"{axis}_hi"] = cells[axis] + half
    return cells


def decision_boundary_chart(
    grid: pd.DataFrame,
    data: pd.DataFrame,
    lines: pd.DataFrame | None = None,
    panel_width: int = 280,
    height: int = 280,
    probability_title: str = "P(class 1)",
):
    """Predicted probability over the input plane, the data on top, first-layer unit lines.

    Parameters
    ----------
    grid : DataFrame
        Regular grid ``x1, x2, probability`` (of class 1), optionally ``activation`` for one
        panel per activation.
    data : DataFrame
        ``x1, x2, label``.
    lines : DataFrame, optional
        From :func:`unit_lines_frame` (plus ``activation`` when the grid has it); dead units
        are drawn dashed and grey.
    probability_title : str, default "P(class 1)"
        Legend and tooltip title of the probability (e.g. the positive class's name).
    """
    _require(grid, ["x1", "x2", "probability"], "decision boundary grid")
    _require(data, ["x1", "x2", "label"], "decision boundary data")
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


def _boundary_panel(grid, data, lines, name, probability_title) -> alt.LayerChart:
    cells = _cells(grid)
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


# each class filled and outlined in contrasting colours, so that its points read on both ends
# of the probability colours and on the white between them; more classes get hues
_CLASS_FILLS = ["#ffffff", "#111111", "#e41a1c", "#4daf4a", "#984ea3", "#ffff33"]
_CLASS_STROKES = ["#111111", "#ffffff", "#ffffff", "#ffffff", "#ffffff", "#111111"]
# channel: (live unit, dead unit); live lines thin and faint, dead ones grey, dashed, opaque
_UNIT_LINE_STYLES = {
    "stroke": ("#111111", "#b0b0b0"),
    "strokeWidth": (0.8, 1.6),
    "opacity": (0.35, 1.0),
    "strokeDash": ([1, 0], [5, 3]),
}


def _unit_lines_layer(lines: pd.DataFrame) -> alt.Chart:
    _require(lines, ["unit", "x1", "x2", "x1_end", "x2_end", "dead"], "unit lines")
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


# --- data ----------------------------------------------------------------------------------


def _is_categorical(values: pd.Series, max_classes: int = 10) -> bool:
    return not pd.api.types.is_numeric_dtype(values) or values.nunique() <= max_classes


def data_scatter(frame: pd.DataFrame, x: str, y: str, color: str | None = None) -> alt.Chart:
    """Scatter of two columns, coloured by a third (classes, or a continuous target)."""
    _require(frame, [x, y] + ([color] if color else []), "scatter")
    columns = list(dict.fromkeys([x, y] + ([color] if color else [])))
    chart = alt.Chart(frame[columns]).mark_circle(size=36, opacity=0.8)
    encoding = {"x": alt.X(f"{x}:Q", title=x), "y": alt.Y(f"{y}:Q", title=y)}
    tooltip = [alt.Tooltip(f"{x}:Q", format=".3g"), alt.Tooltip(f"{y}:Q", format=".3g")]
    if color is None:
        return chart.encode(**encoding, tooltip=tooltip)
    if _is_categorical(frame[color]):
        selection = _legend_selection(color)
        return chart.encode(
            **encoding,
            color=alt.Color(f"{color}:N", title=color, legend=_legend()),
            opacity=_highlight(selection, 0.8),
            tooltip=[*tooltip, alt.Tooltip(f"{color}:N")],
        ).add_params(selection)
    return chart.encode(
        **encoding,
        color=alt.Color(f"{color}:Q", title=color, scale=alt.Scale(scheme="viridis")),
        tooltip=[*tooltip, alt.Tooltip(f"{color}:Q", format=".3g")],
    )


def class_balance_chart(frame: pd.DataFrame, target: str) -> alt.Chart:
    """Number and share of rows per class of ``target``."""
    _require(frame, [target], "class balance")
    counts = frame[target].astype(str).value_counts(sort=False).sort_index()
    table = pd.DataFrame(
        {"class": counts.index, "count": counts.to_numpy(), "share": counts.to_numpy() / len(frame)}
    )
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="rows"),
            y=alt.Y("class:N", title=target),
            color=alt.Color("class:N", legend=None, scale=alt.Scale(scheme="dark2")),
            tooltip=[
                alt.Tooltip("class:N", title=target),
                alt.Tooltip("count:Q", title="rows"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
    )


# --- lab -----------------------------------------------------------------------------------

_FRACTION_VALUES = ("dead_fraction_init", "dead_fraction_final", "inactive_fraction_final")


# run settings besides the heatmap's axes; a phase diagram must not average over them
_RUN_VARIANTS = ("solver", "hidden", "init", "negative_slope")


def _finished_runs(frame: pd.DataFrame, keys: list[str], value: str, bounds) -> pd.DataFrame:
    """:func:`summarize` over the runs a ``diverged`` column does not flag, with the count of
    those it flags per group as ``diverged`` (without the column: every run counts)."""
    if "diverged" not in frame:
        return summarize(frame, keys, value, bounds=bounds)
    diverged = frame["diverged"].astype(bool)
    finished = frame.assign(**{value: frame[value].where(~diverged)})
    counts = diverged.groupby([frame[key] for key in keys], dropna=False).sum().reset_index()
    return summarize(finished, keys, value, bounds=bounds).merge(counts, on=keys, how="left")


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
        One row per run (the sweep's run table): ``activation, bias_offset, learning_rate,
        value`` and usually ``seed``. Cells show the mean over seeds; the tooltip adds the
        95 % interval. Runs whose ``value`` is infinite or missing are left out, and so are
        those a ``diverged`` column flags: a diverged run's last state is not a result (its
        units read 0 % dead). The tooltip counts them; a cell where every run diverged has no
        colour.
    value : str, default "dead_fraction_final"
        E.g. ``"final_loss"``; fractions get a fixed [0, 1] colour scale.
    row : str, optional
        A further setting that varies in ``frame`` (``solver``, ``hidden``, ``init`` or
        ``negative_slope``): one row of panels per value. Any other that varies is an error,
        rather than a silent average over different settings.
    columns : int, default 2
        Panels per line (without ``row``), so four activations fit a laptop or phone screen.
    """
    _require(frame, ["activation", "bias_offset", "learning_rate", value], "phase diagram")
    keys = ["activation", "bias_offset", "learning_rate", *([row] if row else [])]
    _require(frame, keys, "phase diagram")
    mixed = [
        column
        for column in _RUN_VARIANTS
        if column in frame
        and column != row
        and (frame.groupby("activation")[column].nunique() > 1).any()
    ]
    if mixed:
        raise ValueError(
            f"the runs mix several values of {', '.join(mixed)}; filter them to one, or pass "
            f"row={mixed[0]!r} for one row of panels per value."
        )
    is_fraction = value in _FRACTION_VALUES or value.endswith("_fraction")
    summary = _finished_runs(frame, keys, value, bounds=(0.0, 1.0) if is_fraction else None)
    title = value.replace("_", " ")
    fmt = ".1%" if is_fraction else ".3g"
    label_angle = 0 if summary["learning_rate"].nunique() * 40 <= panel_width else -45
    diverged_tooltip = (
        [alt.Tooltip("diverged:Q", title="runs diverged")] if "diverged" in summary else []
    )
    color_scale = (
        alt.Scale(domain=[0, 1], scheme="magma", reverse=True)
        if is_fraction
        else alt.Scale(scheme="viridis", reverse=True)
    )
    heat = (
        alt.Chart(summary)
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
                legend=_legend(direction="horizontal", gradientLength=220),
            ),
            tooltip=[
                alt.Tooltip("activation:N"),
                *([alt.Tooltip(f"{row}:N")] if row else []),
                alt.Tooltip("bias_offset:Q", title="bias offset"),
                alt.Tooltip("learning_rate:Q", title="learning rate", format="~g"),
                *_stat_tooltip(title, fmt),
                *diverged_tooltip,
            ],
        )
        .properties(width=panel_width, height=height)
    )
    order = activation_scale(summary["activation"].unique()).domain
    if row:
        return heat.facet(
            column=alt.Column("activation:N", title=None, sort=order),
            row=alt.Row(f"{row}:N", title=row.replace("_", " ")),
        )
    return heat.facet(facet=alt.Facet("activation:N", title=None, sort=order), columns=columns)


def _with_interval(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """Add ``ci_low, ci_high`` (Wilson 95 % from ``n_trials``) unless the frame has them."""
    if {"ci_low", "ci_high"} <= set(frame.columns):
        return frame
    from reluscope.theory import MonteCarloEstimate

    _require(frame, [value, "n_trials"], "Monte-Carlo points (ci_low/ci_high or n_trials)")
    trials = frame["n_trials"].astype(int)
    intervals = [
        MonteCarloEstimate(round(p * n), n).wilson_interval()
        for p, n in zip(frame[value], trials, strict=True)
    ]
    low, high = zip(*intervals, strict=True) if intervals else ((), ())
    return frame.assign(ci_low=list(low), ci_high=list(high))


def born_dead_chart(
    mc_frame: pd.DataFrame, theory_frame: pd.DataFrame, value: str = "probability"
) -> alt.LayerChart:
    """Share of networks born dead vs depth per width: Monte-Carlo points with 95 % intervals
    (error bars) over the closed form 1 − ∏(1 − 2^−Nₗ) (lines).

    Parameters
    ----------
    mc_frame : DataFrame
        ``depth, width, value`` and ``ci_low, ci_high`` or ``n_trials`` (Wilson interval).
    theory_frame : DataFrame
        ``depth, width, value`` on a fine or equal depth grid.
    """
    _require(theory_frame, ["depth", "width", value], "born-dead theory")
    _require(mc_frame, ["depth", "width", value], "born-dead Monte Carlo")
    mc = _with_interval(mc_frame, value)
    return _measured_vs_theory(
        mc,
        theory_frame,
        x=_count_x("depth", "hidden layers (depth)"),
        value=value,
        y_title="P(born dead)",
        group="width",
    )


def _measured_vs_theory(measured, theory, x, value, y_title, group) -> alt.LayerChart:
    """Dashed theory lines, measured points with 95 % interval bars; coloured by ``group``."""
    selection = _legend_selection(group)
    if group == "activation":
        color = _activation_color(measured, theory, symbol="circle")
    else:
        color = alt.Color(f"{group}:O", title=group, legend=_legend())
    y = alt.Y(f"{value}:Q", title=y_title, scale=alt.Scale(domain=[0, 1]))
    theory_line = (
        alt.Chart(theory)
        .mark_line(strokeWidth=1.5, strokeDash=[5, 3])
        .encode(
            x=x,
            y=y,
            color=color,
            opacity=_highlight(selection, 0.9),
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
    base = alt.Chart(measured).encode(x=x, color=color, opacity=_highlight(selection))
    bars = base.mark_rule().encode(y="ci_low:Q", y2="ci_high:Q", tooltip=measured_tooltip)
    points = base.mark_point(filled=True, size=45).encode(y=y, tooltip=measured_tooltip)
    note = _note("dashed: closed form · points: measured, with 95 % intervals")
    return alt.layer(theory_line, bars, points, title=note)


def bias_kill_chart(
    measured: pd.DataFrame, theory: pd.DataFrame, value: str = "dead_fraction"
) -> alt.LayerChart:
    """First-layer dead fraction at initialisation vs bias offset: measured against the
    closed form 1 − exp(−b²/(2R²σ²)).

    Parameters
    ----------
    measured : DataFrame
        ``bias_offset, value`` per run (mean ± 95 % CI over rows, e.g. seeds), or already
        summarised with ``ci_low, ci_high`` or ``n_trials``; optional ``activation``.
    theory : DataFrame
        ``bias_offset, probability``.
    """
    _require(measured, ["bias_offset", value], "bias-kill measurements")
    _require(theory, ["bias_offset", "probability"], "bias-kill theory")
    measured = measured if "activation" in measured else measured.assign(activation="relu")
    if {"ci_low", "ci_high"} <= set(measured.columns) or "n_trials" in measured:
        points = _with_interval(measured, value).rename(columns={value: "probability"})
    else:
        points = summarize(measured, ["activation", "bias_offset"], value, bounds=(0.0, 1.0))
        points = points.rename(columns={"mean": "probability"})
    curve = theory.assign(activation="relu") if "activation" not in theory else theory
    return _measured_vs_theory(
        points,
        curve,
        x=alt.X("bias_offset:Q", title="bias offset"),
        value="probability",
        y_title="first-layer units dead at initialisation",
        group="activation",
    )


def recovery_chart(
    frame: pd.DataFrame, value: str = "recovered_share", height: int = 220
) -> alt.LayerChart:
    """Share of born-inactive units that recover, by activation × negative slope × optimiser.

    Parameters
    ----------
    frame : DataFrame
        ``activation, negative_slope, solver`` and ``value`` per run, or the sweep's run
        table (``born_inactive`` and ``recovered_inactive`` counts give the share; runs with
        no born-inactive unit are left out). Bars show the mean over runs with a 95 %
        interval. A missing negative slope (ReLU) counts as 0.
    """
    if value not in frame and {"recovered_inactive", "born_inactive"} <= set(frame.columns):
        born = frame["born_inactive"].where(frame["born_inactive"] > 0)
        frame = frame.assign(**{value: frame["recovered_inactive"] / born})
    _require(frame, ["activation", "negative_slope", "solver", value], "recovery chart")
    frame = frame.assign(negative_slope=frame["negative_slope"].fillna(0.0))
    summary = summarize(frame, ["solver", "activation", "negative_slope"], value, bounds=(0.0, 1.0))
    selection = _legend_selection()
    color = _activation_color(summary, symbol="square")
    names = activation_scale(summary["activation"].unique()).domain
    x = alt.X("negative_slope:O", title="negative slope", axis=alt.Axis(format="~g", labelAngle=0))
    base = alt.Chart(summary).encode(
        x=x,
        xOffset=alt.XOffset("activation:N", scale=alt.Scale(domain=names)),
        color=color,
        opacity=_highlight(selection),
        tooltip=[
            alt.Tooltip("solver:N", title="optimiser"),
            alt.Tooltip("activation:N"),
            alt.Tooltip("negative_slope:Q", title="negative slope"),
            *_stat_tooltip("recovered", ".1%"),
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
    return (
        alt.layer(bars, whiskers, labels)
        .properties(height=height)
        .facet(
            column=alt.Column(
                "solver:N", title="optimiser", sort=list(dict.fromkeys(frame["solver"]))
            )
        )
    )
