"""Training curves: loss and score per epoch, per-layer dead fraction and gradient norm.

Each chart takes the summary :mod:`reluscope.frames.curves` builds (``mean, ci_low, ci_high,
n`` per point; :func:`reluscope.frames.training_curves` holds all of a comparison's). Several
seeds draw a mean line over a 95 % band.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from reluscope.charts.theme import (
    activation_color,
    epoch_x,
    highlight,
    legend,
    legend_selection,
    mean_band_layers,
    stat_tooltip,
)
from reluscope.frames import require_columns

__all__ = [
    "CURSOR",
    "dead_fraction_chart",
    "epoch_cursor",
    "grad_norm_chart",
    "loss_chart",
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
    require_columns(epochs, ["activation", "split", "epoch", *_SUMMARY], f"{metric} chart")
    y_title = y_title or METRIC_TITLES.get(metric, metric)
    if diverged is not None and not len(diverged):
        diverged = None
    y_scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    if diverged is not None:
        y_scale = _scale_without(epochs, set(diverged["activation"]), log_scale)
    tooltip = [
        alt.Tooltip("activation:N"),
        alt.Tooltip("split:N", title="data"),
        alt.Tooltip("epoch:Q"),
        *stat_tooltip(y_title),
    ]
    if plateaus is not None and not len(plateaus):
        plateaus = None
    selection = legend_selection()
    color = activation_color(epochs, plateaus)
    layers = mean_band_layers(
        epochs, epoch_x(), y_title, y_scale, tooltip, color, selection, detail=["split:N"]
    )
    dash = alt.StrokeDash(
        "split:N",
        title="data",
        scale=alt.Scale(domain=list(SPLIT_DASHES), range=list(SPLIT_DASHES.values())),
        legend=legend(),
    )
    layers[-1] = layers[-1].encode(strokeDash=dash)
    if plateaus is not None:
        layers.insert(0, _plateau_layer(plateaus, color, selection))
    if diverged is not None:
        layers += _diverged_layers(diverged, color, selection)
    if cursor:
        layers.append(epoch_cursor(epochs["epoch"].max()))
    return alt.layer(*layers)


def _scale_without(summary: pd.DataFrame, left_out: set, log_scale: bool) -> alt.Scale:
    """A y scale fitted to the runs not in ``left_out`` (all of them when none is left)."""
    kept = summary[~summary["activation"].isin(left_out)]
    kept = kept if len(kept) else summary
    values = pd.concat([kept["ci_low"], kept["ci_high"], kept["mean"]])
    values = values[np.isfinite(values) & ((values > 0) if log_scale else True)]
    if values.empty:
        return alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    low, high = float(values.min()), float(values.max())
    if not log_scale:
        pad = 0.05 * (high - low or abs(high) or 1.0)
        low, high = low - pad, high + pad
        low = max(low, 0.0) if (values >= 0).all() else low
    return alt.Scale(type="log" if log_scale else "linear", domain=[low, high], clamp=False)


def _diverged_layers(diverged: pd.DataFrame, color: alt.Color, selection) -> list[alt.Chart]:
    """A dashed rule at the epoch each diverged activation did, labelled at the top."""
    require_columns(diverged, ["activation", "epoch", "status"], "diverged runs")
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


def epoch_cursor(last_epoch: int) -> alt.Chart:
    """A vertical rule at the epoch of the named dataset :data:`CURSOR`, which is filled in
    when the chart is drawn (:func:`move_cursor`), on an epoch axis fixed to 0..``last_epoch``.

    The cursor is data, not spec: a Play frame sends the same spec with a new one-row dataset,
    and the browser updates that row in the drawn chart instead of building the chart anew (it
    rebuilds a chart whose spec changes). The fixed axis keeps the cursor out of the x scale's
    domain, so moving it redraws the rule alone. A spec drawn without the dataset has no cursor.
    """
    x = alt.X("epoch:Q", scale=alt.Scale(domain=[0, int(last_epoch)]))
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


def _plateau_layer(plateaus: pd.DataFrame, color: alt.Color, selection) -> alt.Chart:
    require_columns(plateaus, ["activation", "start_epoch", "end_epoch"], "plateau shading")
    columns = [c for c in ("activation", "seed", "start_epoch", "end_epoch") if c in plateaus]
    frame = plateaus[columns]
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x="start_epoch:Q",
            x2="end_epoch:Q",
            color=color,
            opacity=highlight(selection, _PLATEAU_OPACITY),
            tooltip=[
                alt.Tooltip("activation:N"),
                *([alt.Tooltip("seed:Q")] if "seed" in frame else []),
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
