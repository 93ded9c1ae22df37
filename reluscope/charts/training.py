"""Training curves: loss and score per epoch, per-layer dead fraction and gradient norm.

Each chart takes the summary :mod:`reluscope.frames.curves` builds (``mean, ci_low, ci_high,
n`` per point; :func:`reluscope.frames.training_curves` holds all of a comparison's). Several
seeds draw a mean line over a 95 % band.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from reluscope.charts.templates import (
    ChartTemplate,
    FilledChart,
    declare,
    finite,
    fixed_legend_columns,
    to_spec,
)
from reluscope.charts.theme import (
    FIT_WIDTH,
    activation_color,
    activation_encoding,
    epoch_x,
    highlight,
    legend_columns,
    legend_selection,
    mean_band_layers,
    note,
    stat_tooltip,
)
from reluscope.frames import require_columns

__all__ = [
    "CURSOR",
    "dead_fraction_chart",
    "epoch_cursor",
    "grad_norm_chart",
    "loss_chart",
    "loss_spec",
    "move_cursor",
    "score_chart",
]

SPLIT_DASHES = {"train": [1, 0], "validation": [6, 3]}
METRIC_TITLES = {"loss": "loss", "score": "accuracy"}
_PLATEAU_OPACITY = 0.12
_SUMMARY = ["mean", "ci_low", "ci_high", "n"]


def loss_chart(
    epochs: pd.DataFrame,
    plateaus: pd.DataFrame | None = None,
    log_scale: bool = False,
    metric: str = "loss",
    y_title: str | None = None,
    diverged: pd.DataFrame | None = None,
    cursor: bool = False,
) -> alt.LayerChart:
    """Training (solid) and validation (dashed) curves per activation, plateaus shaded.

    A run that diverged is marked at the epoch it did, and the y axis is scaled to the other
    runs (its curve is clipped at the edge), so one exploding loss leaves the rest readable.
    The chart has one legend, of the activations; a note above the plot says which line is
    which data.

    Parameters
    ----------
    epochs : DataFrame
        :func:`reluscope.frames.metric_curves` of ``metric`` (``activation, split, epoch, mean,
        ci_low, ci_high, n``), made with the same ``log_scale``.
    plateaus : DataFrame, optional
        Columns ``activation, seed, start_epoch, end_epoch``; each plateau is a shaded span.
    log_scale : bool, default False
        Logarithmic y axis (the summary's non-positive values were left out).
    metric : {"loss", "score"}
        The metric summarised (the default y title).
    y_title : str, optional
        Default "loss" or "accuracy" (pass "R²" for a regressor's score).
    diverged : DataFrame, optional
        :func:`reluscope.frames.diverged_epochs`: ``activation, epoch, status``.
    cursor : bool, default False
        Draw a cursor (a vertical rule) at the epoch the pages' epoch bar shows, placed when
        the chart is drawn (:func:`move_cursor`).

    >>> from reluscope.frames import metric_curves
    >>> epochs = pd.DataFrame({"activation": "relu", "seed": 0, "epoch": [0, 1, 2],
    ...                        "loss": [0.7, 0.5, 0.4], "val_loss": [0.7, 0.6, 0.5]})
    >>> spec = loss_chart(metric_curves(epochs)).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line']
    """
    shape, frames_in, values = _loss_parts(
        epochs, plateaus, log_scale, metric, y_title, diverged, cursor
    )
    y_domain = [values["y_low"], values["y_high"]] if shape.y_domain else None
    return _loss_layers(shape, frames_in, y_domain, values.get("last_epoch"), columns=4)


def loss_spec(
    epochs: pd.DataFrame,
    plateaus: pd.DataFrame | None = None,
    log_scale: bool = False,
    metric: str = "loss",
    y_title: str | None = None,
    diverged: pd.DataFrame | None = None,
    cursor: bool = False,
) -> FilledChart:
    """:func:`loss_chart` as a template filled with these frames: the spec is built once per
    structure (activations and their order, splits, bands, plateaus, diverged runs, scale,
    metric), so drawing a new run builds no Altair chart. Arguments as for :func:`loss_chart`;
    an empty ``plateaus`` or ``diverged`` keeps its layer, with no rows, so a retrain that
    finds plateaus, or none, fills the same spec.
    """
    shape, frames_in, values = _loss_parts(
        epochs, plateaus, log_scale, metric, y_title, diverged, cursor, keep_empty=True
    )
    datasets = {name: finite(frame) for name, frame in frames_in.items() if frame is not None}
    return FilledChart(_loss_template(shape), datasets, values)


@dataclass(frozen=True)
class _LossShape:
    """What a loss chart's spec depends on besides its rows and the numbers in ``values``."""

    names: tuple[str, ...]
    splits: tuple[str, ...]
    band: bool
    plateau_columns: tuple[str, ...] | None
    diverged: bool
    y_domain: bool
    log_scale: bool
    metric: str
    y_title: str
    cursor: bool


_CURVES, _PLATEAUS, _DIVERGED = "curves", "plateaus", "diverged"
_Y_LOW, _Y_HIGH, _LAST_EPOCH = "y_low", "y_high", "last_epoch"


def _loss_parts(epochs, plateaus, log_scale, metric, y_title, diverged, cursor, keep_empty=False):
    """The loss chart's shape, its frames by dataset name, and its variables' values; an
    empty ``plateaus`` or ``diverged`` keeps its layer when ``keep_empty`` (a template's)."""
    require_columns(epochs, ["activation", "split", "epoch", *_SUMMARY], f"{metric} chart")
    if diverged is not None and not len(diverged) and not keep_empty:
        diverged = None
    if diverged is not None:
        require_columns(diverged, ["activation", "epoch", "status"], "diverged runs")
    if plateaus is not None and not len(plateaus) and not keep_empty:
        plateaus = None
    if plateaus is not None:
        require_columns(plateaus, ["activation", "start_epoch", "end_epoch"], "plateau shading")
        columns = ("activation", "seed", "start_epoch", "end_epoch")
        plateaus = plateaus[[c for c in columns if c in plateaus]]
    values = {}
    left_out = set() if diverged is None else set(diverged["activation"])
    domain = _domain_without(epochs, left_out, log_scale) if left_out else None
    if domain is not None:
        values[_Y_LOW], values[_Y_HIGH] = domain
    if cursor:
        values[_LAST_EPOCH] = int(epochs["epoch"].max())
    named = [epochs] + [f for f in (plateaus,) if f is not None]
    names = pd.concat([f["activation"] for f in named]).dropna().unique()
    shape = _LossShape(
        names=tuple(map(str, names)),
        splits=tuple(s for s in SPLIT_DASHES if (epochs["split"] == s).any()),
        band=bool((epochs["n"] > 1).any()),
        plateau_columns=None if plateaus is None else tuple(plateaus.columns),
        diverged=diverged is not None,
        y_domain=domain is not None,
        log_scale=bool(log_scale),
        metric=metric,
        y_title=y_title or METRIC_TITLES.get(metric, metric),
        cursor=bool(cursor),
    )
    frames_in = {_CURVES: epochs, _PLATEAUS: plateaus, _DIVERGED: diverged}
    return shape, frames_in, values


@functools.lru_cache(maxsize=64)
def _loss_template(shape: _LossShape) -> ChartTemplate:
    data = {name: alt.NamedData(name) for name in (_CURVES, _PLATEAUS, _DIVERGED)}
    y_domain = [{"expr": _Y_LOW}, {"expr": _Y_HIGH}] if shape.y_domain else None
    last_epoch = {"expr": _LAST_EPOCH} if shape.cursor else None
    variables = [n for n, on in ((_Y_LOW, shape.y_domain), (_Y_HIGH, shape.y_domain),
                                 (_LAST_EPOCH, shape.cursor)) if on]  # fmt: skip

    chart = _loss_layers(shape, data, y_domain, last_epoch, legend_columns(shape.names))
    view = declare(to_spec(chart.properties(height=CURVE_HEIGHT, autosize=FIT_WIDTH)), variables)
    # a figure has no page width to wrap to: its legend takes a fixed number of columns
    return ChartTemplate(views=(view,), figure=fixed_legend_columns(view, 4))


CURVE_HEIGHT = 220  # px of a curve chart's plot; its axis, note and legend rows add to it


def _loss_layers(shape: _LossShape, data: dict, y_domain, last_epoch, columns) -> alt.LayerChart:
    """The loss chart of ``shape`` over ``data`` (frames or named data, by dataset name)."""
    if y_domain is not None:
        scale_type = "log" if shape.log_scale else "linear"
        y_scale = alt.Scale(type=scale_type, domain=y_domain, clamp=False)
    else:
        y_scale = alt.Scale(type="log") if shape.log_scale else alt.Scale(zero=False)
    tooltip = [
        alt.Tooltip("activation:N"),
        alt.Tooltip("split:N", title="data"),
        alt.Tooltip("epoch:Q"),
        *stat_tooltip(shape.y_title),
    ]
    selection = legend_selection()
    color = activation_encoding(shape.names, columns=columns)
    layers = mean_band_layers(
        data[_CURVES], epoch_x(), shape.y_title, y_scale, tooltip, color, selection,
        detail=["split:N"], band=shape.band,
    )  # fmt: skip
    # which line is which data goes in the note above the plot: one legend, that wraps
    dash = alt.StrokeDash(
        "split:N",
        title="data",
        scale=alt.Scale(domain=list(SPLIT_DASHES), range=list(SPLIT_DASHES.values())),
        legend=None,
    )
    layers[-1] = layers[-1].encode(strokeDash=dash)
    if shape.plateau_columns is not None:
        layers.insert(0, _plateau_layer(data[_PLATEAUS], shape.plateau_columns, color, selection))
    if shape.diverged:
        layers += _diverged_layers(data[_DIVERGED], color, selection)
    if last_epoch is not None:
        layers.append(epoch_cursor(last_epoch))
    chart = alt.layer(*layers)
    if len(shape.splits) > 1:
        chart = chart.properties(title=note(SPLITS_NOTE))
    return chart


SPLITS_NOTE = "solid: training · dashed: validation"


def _domain_without(summary: pd.DataFrame, left_out: set, log_scale: bool):
    """The y axis's ends fitted to the runs not in ``left_out`` (all of them when none is
    left); ``None`` when no value can sit on the axis."""
    kept = summary[~summary["activation"].isin(left_out)]
    kept = kept if len(kept) else summary
    values = pd.concat([kept["ci_low"], kept["ci_high"], kept["mean"]])
    values = values[np.isfinite(values) & ((values > 0) if log_scale else True)]
    if values.empty:
        return None
    low, high = float(values.min()), float(values.max())
    if not log_scale:
        pad = 0.05 * (high - low or abs(high) or 1.0)
        low, high = low - pad, high + pad
        low = max(low, 0.0) if (values >= 0).all() else low
    return low, high


def _diverged_layers(diverged, color: alt.Color, selection) -> list[alt.Chart]:
    """A dashed rule at the epoch each diverged activation did, labelled at the top."""
    base = alt.Chart(diverged).encode(
        x="epoch:Q",
        color=color,
        opacity=highlight(selection),
        tooltip=[alt.Tooltip("activation:N"), alt.Tooltip("status:N", title="run")],
    )
    rule = base.mark_rule(strokeDash=[2, 2], strokeWidth=2)
    # one line of text per diverged activation, stacked from the top, in pixels
    label = (
        base.transform_window(row="row_number()")
        .transform_calculate(
            text=alt.datum.activation + ": " + alt.datum.status, top=(alt.datum.row - 1) * 14
        )
        .mark_text(align="left", baseline="top", dx=4, dy=4, fontWeight="bold")
        .encode(y=alt.Y("top:Q", scale=None), text="text:N")
    )
    return [rule, label]


CURSOR = "epoch_cursor"  # the named dataset of one row, {"epoch": N}, that places the cursor


def epoch_cursor(last_epoch) -> alt.Chart:
    """A vertical rule at the epoch of the named dataset :data:`CURSOR`, which is filled in
    when the chart is drawn (:func:`move_cursor`), on an epoch axis fixed to 0..``last_epoch``
    (a number, or a template's variable: ``{"expr": name}``).

    The cursor is data, not spec: a Play frame sends the same spec with a new one-row dataset,
    and the browser updates that row in the drawn chart instead of building the chart anew (it
    rebuilds a chart whose spec changes). The fixed axis keeps the cursor out of the x scale's
    domain, so moving it redraws the rule alone. A spec drawn without the dataset has no cursor.
    """
    end = last_epoch if isinstance(last_epoch, dict) else int(last_epoch)
    x = alt.X("epoch:Q", scale=alt.Scale(domain=[0, end]))
    return (
        alt.Chart(alt.NamedData(CURSOR))
        .mark_rule(color="#333333", strokeDash=[4, 3], strokeWidth=1.5)
        .encode(x=x, tooltip=[alt.Tooltip("epoch:Q", title="shown epoch")])
    )


def move_cursor(spec: dict, epoch: int) -> dict:
    """A copy of a chart's Vega-Lite ``spec`` with its cursor at ``epoch`` (the :data:`CURSOR`
    dataset of one row); shallow, and the spec itself is left as it is.

    >>> move_cursor({"layer": []}, 3)["datasets"]
    {'epoch_cursor': [{'epoch': 3}]}
    """
    return {**spec, "datasets": {**spec.get("datasets", {}), CURSOR: [{"epoch": int(epoch)}]}}


def _plateau_layer(plateaus, columns: tuple[str, ...], color: alt.Color, selection) -> alt.Chart:
    return (
        alt.Chart(plateaus)
        .mark_rect()
        .encode(
            x="start_epoch:Q",
            x2="end_epoch:Q",
            color=color,
            opacity=highlight(selection, _PLATEAU_OPACITY),
            tooltip=[
                alt.Tooltip("activation:N"),
                *([alt.Tooltip("seed:Q")] if "seed" in columns else []),
                alt.Tooltip("start_epoch:Q", title="plateau from epoch"),
                alt.Tooltip("end_epoch:Q", title="to epoch"),
            ],
        )
    )


def score_chart(epochs: pd.DataFrame, y_title: str = "accuracy") -> alt.LayerChart:
    """Training and validation accuracy (``score``, ``val_score``) per activation.

    ``epochs`` as for :func:`loss_chart` (with ``metric="score"``).
    """
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
    cursor: bool = False,
):
    """Mean ± band of a per-layer summary over epochs per activation; one panel per layer."""
    require_columns(layers, ["activation", "layer", "epoch", *_SUMMARY], f"{value} chart")
    summary = layers if layer is None else layers[layers["layer"] == layer]
    if summary["layer"].nunique() > 1:
        # panels, not a facet: they wrap two a row, and the dashboard stretches each to its column
        panels = [
            _layer_metric_chart(
                summary,
                value,
                title,
                layer=int(k),
                panel_width=panel_width,
                height=height,
                log_scale=log_scale,
                bounds=bounds,
                fmt=fmt,
                y_format=y_format,
                mark_born=mark_born,
                cursor=cursor,
            ).properties(width=panel_width, height=height, title=f"hidden layer {k}")
            for k in sorted(summary["layer"].unique())
        ]
        return alt.concat(*panels, columns=2)
    if log_scale:
        y_scale = alt.Scale(type="log")
    else:
        y_scale = alt.Scale(domain=list(bounds)) if bounds else alt.Scale(zero=False)
    tooltip = [
        alt.Tooltip("activation:N"),
        alt.Tooltip("layer:O", title="hidden layer"),
        alt.Tooltip("epoch:Q"),
        *stat_tooltip(title, fmt),
    ]
    selection = legend_selection(name=None if layer is None else f"legend_layer_{layer}")
    color = activation_color(summary)
    x = epoch_x()
    chart_layers = mean_band_layers(
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
                opacity=highlight(selection),
                tooltip=[
                    alt.Tooltip("activation:N"),
                    alt.Tooltip("layer:O", title="hidden layer"),
                    alt.Tooltip("mean:Q", title="born dead", format=fmt),
                    alt.Tooltip("n:Q", title="seeds"),
                ],
            )
        )
        chart_layers.append(born)
    if cursor:
        chart_layers.append(epoch_cursor(summary["epoch"].max()))
    return alt.layer(*chart_layers)  # a single view can stretch to the page width


def dead_fraction_chart(
    layers: pd.DataFrame,
    layer: int | None = None,
    value: str = "dead_fraction",
    panel_width: int = 260,
    height: int = 220,
    cursor: bool = False,
):
    """Share of dead units per hidden layer over epochs, per activation (epoch 0: born dead).

    Parameters
    ----------
    layers : DataFrame
        :func:`reluscope.frames.layer_curves` of ``value`` (``activation, layer, epoch, mean,
        ci_low, ci_high, n``).
    layer : int, optional
        Draw this hidden layer only; default one panel per layer.
    value : str, default "dead_fraction"
        The share the summary is of, e.g. ``"inactive_fraction"`` for inactive units.
    panel_width, height : int
        Size of each panel when there are several.
    cursor : bool, default False
        Draw the epoch cursor in every panel (see :func:`loss_chart`).
    """
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
        cursor=cursor,
    )


def grad_norm_chart(
    layers: pd.DataFrame, layer: int | None = None, panel_width: int = 260, height: int = 220
):
    """Gradient norm per hidden layer over epochs, per activation, on a log axis.

    ``layers`` as for :func:`dead_fraction_chart`: :func:`reluscope.frames.layer_curves` of
    ``grad_norm`` made with ``log_scale=True``, which leaves out exactly zero norms (a fully
    dead layer cannot sit on a log axis).
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
