"""Activations and their derivatives: f and f′ side by side, and histograms of the network's
pre-activations over the regions where f′ is zero or saturated."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from reluscope.charts.theme import (
    UNIT_STATE_COLORS,
    activation_color,
    activation_encoding,
    highlight,
    legend,
    legend_selection,
    note,
)
from reluscope.diagnostics import SATURATION_FRACTION
from reluscope.frames import PreactivationBins, require_columns

__all__ = ["activation_curves_chart", "preactivation_histogram"]

# Leaky ReLU lies on ReLU for z > 0 and within α·|z| of it below: it is drawn dashed and on
# top of a wider ReLU, so that both stay visible
_CURVE_DASHES = {"leaky_relu": [6, 3]}
_CURVE_WIDTHS = {"relu": 4.5}
_CURVE_WIDTH = 2.0
# the regions are shaded in the colour of the unit state they make: a unit whose z all fall in
# one is dead or saturated
_REGION_COLORS = {
    "zero gradient": UNIT_STATE_COLORS["dead"],
    "small slope": UNIT_STATE_COLORS["inactive"],
    "saturated": UNIT_STATE_COLORS["saturated"],
}
# how each region is named in a panel's subtitle, from the share of z in it
_REGION_NOTES = {
    "zero gradient": "{:.0%} of z in the zero-gradient region (f′ = 0: no update)",
    "small slope": "{:.0%} of z on the small slope (f′ = α: still learning)",
    "saturated": "{:.0%} saturated ({})",
}
_SHARE_OF = {
    "zero gradient": "zero_gradient",
    "small slope": "small_slope",
    "saturated": "saturated",
}
_SATURATION = f"f′ < {SATURATION_FRACTION * 100:g} % of peak"


def _by_activation(channel, names: Sequence[str], styles: dict, default, **kwargs):
    """``channel`` (e.g. ``alt.StrokeDash``) giving each name its entry of ``styles``."""
    scale = alt.Scale(domain=list(names), range=[styles.get(n, default) for n in names])
    return channel("activation:N", title="activation", scale=scale, sort=list(names), **kwargs)


def activation_curves_chart(
    frame: pd.DataFrame,
    panel_width: int = 300,
    height: int = 240,
    negative_slopes: pd.Series | None = None,
):
    """f (left) and f′ (right) of each activation; leaky ReLU dashed over a wider ReLU.

    Parameters
    ----------
    frame : DataFrame
        :func:`reluscope.frames.activation_curves_frame`: ``activation, z, value, derivative``.
    negative_slopes : Series, optional
        :func:`reluscope.frames.flat_negative_slopes` of ``frame``: the slope for z < 0 of each
        activation whose slope is constant there (0 for ReLU, α for leaky ReLU), written in a
        note above the chart.
    """
    require_columns(frame, ["activation", "z", "value", "derivative"], "activation curves")
    # the legend lists the activations in the frame's order (the page puts the sidebar's first)
    names = list(dict.fromkeys(map(str, frame["activation"])))
    long = frame.rename(columns={"value": "f(z)", "derivative": "f′(z)"}).melt(
        id_vars=["activation", "z"], value_vars=["f(z)", "f′(z)"], var_name="curve"
    )
    # Vega draws the lines in the order of the data: dashed ones last, on top
    long = long.sort_values(
        "activation", key=lambda names: names.isin(list(_CURVE_DASHES)), kind="stable"
    )
    color = activation_encoding(names)
    dash = _by_activation(alt.StrokeDash, names, _CURVE_DASHES, [1, 0])
    width = _by_activation(alt.StrokeWidth, names, _CURVE_WIDTHS, _CURVE_WIDTH)

    def panel(curve: str, index: int) -> alt.Chart:
        selection = legend_selection(name=f"legend_curve_{index}")
        return (
            alt.Chart(long[long["curve"] == curve])
            # transparent points: the tooltip gives the value under the pointer, not the line's
            # first
            .mark_line(point="transparent")
            .encode(
                x=alt.X("z:Q", title="pre-activation z"),
                y=alt.Y("value:Q", title=None),
                color=color,
                strokeDash=dash,
                strokeWidth=width,
                # not opacity, which would make the transparent points visible
                strokeOpacity=highlight(selection),
                tooltip=[
                    alt.Tooltip("activation:N"),
                    alt.Tooltip("curve:N"),
                    alt.Tooltip("z:Q", format=".2f"),
                    alt.Tooltip("value:Q", format=".3~g"),
                ],
            )
            .add_params(selection)
            .properties(width=panel_width, height=height, title=curve)
        )

    # two panels, not a facet: each has its own y scale and fits a phone stacked
    chart = alt.concat(*(panel(c, i) for i, c in enumerate(("f(z)", "f′(z)"))), columns=2)
    if negative_slopes is None or negative_slopes.empty:
        return chart
    text = "f′ for z < 0: " + ", ".join(
        f"{slope:g} ({name})" for name, slope in negative_slopes.items()
    )
    return chart.properties(title=note(text))


def preactivation_histogram(bins: PreactivationBins):
    """Histogram of pre-activations z with the zero-gradient and saturated regions shaded.

    Parameters
    ----------
    bins : PreactivationBins
        :func:`reluscope.frames.preactivation_bins` of the z of every input × unit of a layer
        at one epoch: one panel per activation.
    """
    if not isinstance(bins, PreactivationBins):
        raise TypeError(
            "preactivation_histogram draws reluscope.frames.preactivation_bins(z, ...); got "
            f"{type(bins).__name__}."
        )
    require_columns(bins.bars, ["activation", "start", "end", "count"], "pre-activation bars")
    # each panel's title names its activation: a legend of every activation under each panel
    # only ran past its right edge
    color = activation_color(bins.bars, symbol="square").legend(None)
    panels = [
        _preactivation_panel(
            bins.bars[bins.bars["activation"] == share.activation],
            bins.regions[bins.regions["activation"] == share.activation],
            share,
            color,
        )
        for share in bins.shares.itertuples(index=False)
    ]
    return panels[0] if len(panels) == 1 else alt.concat(*panels, columns=2)


def _share_note(share) -> str:
    """The panel's subtitle: each input counted once, in the region its activation has."""
    kinds = [kind for kind in str(share.kinds).split(", ") if kind]
    if not kinds:
        return "f′ is never zero, small or vanishing for this activation"
    return "; ".join(
        _REGION_NOTES[kind].format(getattr(share, _SHARE_OF[kind]), _SATURATION) for kind in kinds
    )


def _preactivation_panel(bars_frame, regions, share, color) -> alt.LayerChart:
    title = alt.Title(f"{share.activation}: pre-activations", subtitle=_share_note(share))
    shade = (
        alt.Chart(regions)
        .mark_rect(opacity=0.25)
        .encode(
            x="start:Q",
            x2="end:Q",
            fill=alt.Fill(
                "region:N",
                title="region",
                scale=alt.Scale(domain=list(_REGION_COLORS), range=list(_REGION_COLORS.values())),
                legend=legend(),
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
