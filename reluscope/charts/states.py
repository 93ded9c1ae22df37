"""The unit-state palette: one colour (and one shape) per state, used by every chart of units.

A hidden unit is in exactly one state at an epoch — dead, else saturated, else inactive, else
alive (:data:`reluscope.diagnostics.STATES`) — and every chart that shows states draws them with
this palette, so a dead unit looks the same on the Units heatmap, the drawn network and the
on-rate histogram.

The colours come from Okabe & Ito's palette for colour-blind viewers ("Color Universal Design",
2008): sky blue, orange and reddish purple stay apart under protanopia, deuteranopia and
tritanopia, and no pair is red against green. Dead is near-black, so a unit that dies *goes
dark* — the cue TensorFlow Playground gives with a blank tile — and stays the darkest mark in
greyscale print. Shapes repeat the state for anyone who cannot tell the colours apart.

>>> STATE_COLORS["dead"], list(STATE_ORDER)
('#1f1f1f', ['alive', 'inactive', 'saturated', 'dead'])
"""

from __future__ import annotations

import altair as alt

from reluscope.frames import UNIT_STATES

__all__ = [
    "STATE_COLORS",
    "STATE_ORDER",
    "STATE_SHAPES",
    "state_legend_color",
    "state_scale",
    "state_shape",
]

# legend order, the same as the sidebar's story: alive first, dead last
STATE_ORDER: tuple[str, ...] = UNIT_STATES

STATE_COLORS: dict[str, str] = {
    "alive": "#56b4e9",  # Okabe-Ito sky blue
    "inactive": "#e69f00",  # Okabe-Ito orange
    "saturated": "#cc79a7",  # Okabe-Ito reddish purple
    "dead": "#1f1f1f",  # near-black: a dead unit goes dark
}

# Vega-Lite point shapes, so the state reads without colour too
STATE_SHAPES: dict[str, str] = {
    "alive": "circle",
    "inactive": "diamond",
    "saturated": "triangle-up",
    "dead": "square",
}


def state_scale(states=STATE_ORDER) -> alt.Scale:
    """The colour scale of unit states, in legend order; ``states`` picks which appear."""
    present = [state for state in STATE_ORDER if state in set(states)]
    return alt.Scale(domain=present, range=[STATE_COLORS[state] for state in present])


def state_legend_color(field: str = "state", title: str = "unit state", **legend) -> alt.Color:
    """Colour by unit state from :data:`STATE_COLORS`, every state in the legend.

    Parameters
    ----------
    field : str
        Column holding one of :data:`STATE_ORDER` per row.
    title : str
        Legend title.
    **legend
        Passed to ``alt.Legend`` (its ``orient`` defaults to ``"bottom"``).
    """
    legend.setdefault("orient", "bottom")
    return alt.Color(f"{field}:N", title=title, scale=state_scale(), legend=alt.Legend(**legend))


def state_shape(field: str = "state") -> alt.Shape:
    """Shape by unit state from :data:`STATE_SHAPES` (no legend of its own: the colour's
    legend names the states)."""
    return alt.Shape(
        f"{field}:N",
        scale=alt.Scale(
            domain=list(STATE_ORDER), range=[STATE_SHAPES[state] for state in STATE_ORDER]
        ),
        legend=None,
    )
