"""Derivatives: f and f′ of the activations, and where the network's pre-activations fall."""

import streamlit as st

from reluscope import charts, frames
from reluscope.activations import ACTIVATIONS
from reluscope.ui import components, services
from reluscope.ui.epoch import player
from reluscope.ui.sidebar import current

ALWAYS = ("sigmoid", "tanh", "relu", "leaky_relu")

choice = current()
settings = choice.settings
st.title("Derivatives")
st.markdown(
    "Backpropagation multiplies by f′(z) at every unit. Where f′ is **zero** (ReLU for z ≤ 0) "
    "no gradient passes; where it is **tiny** (sigmoid and tanh far from 0) gradients vanish. "
    f"Leaky ReLU keeps slope α = {settings.negative_slope:g} (the sidebar's *negative slope*)."
)
components.notices(choice)


@st.fragment
def curves(negative_slope: float) -> None:
    """f and f′; picking more activations redraws this chart only."""
    extra = st.multiselect(
        "Also show",
        [name for name in ACTIVATIONS if name not in ALWAYS],
        key="derivatives_extra",
        bind="query-params",
    )
    shown = [*ALWAYS, *extra]
    # in the sidebar's order, as every legend lists them; the ones it has not picked after
    order = [n for n in settings.activations if n in shown]
    order += [n for n in shown if n not in order]
    frame = frames.activation_curves_frame(order, negative_slope=negative_slope)
    slopes = frames.flat_negative_slopes(frame)
    components.show_chart(charts.activation_curves_chart(frame, negative_slopes=slopes))


curves(settings.negative_slope)

st.header("Pre-activations of the trained network")
st.caption(
    "Every training input × unit of one hidden layer at one epoch; shaded: where f′ = 0 and "
    "where f′ < 5 % of its peak."
)
comparison, settings, data = services.comparison(choice)


def preactivations(comparison, n_layers: int, negative_slope: float) -> None:
    """Histograms of z at one layer, at the epoch of the page's epoch bar (Play animates it)."""
    columns = st.columns(2)
    layer = columns[0].selectbox(
        "Hidden layer", range(1, n_layers + 1), key="derivatives_layer", bind="query-params"
    )
    seed = columns[1].selectbox(
        "Seed", comparison.seeds, key="derivatives_seed", bind="query-params"
    )

    def at_epoch(epoch: int) -> None:
        z = services.frame(frames.preactivations, comparison, seed, layer, epoch)
        bins = frames.preactivation_bins(z, negative_slope=negative_slope)
        components.show_chart(charts.preactivation_histogram(bins))

    player(comparison.n_epochs, at_epoch)


preactivations(comparison, len(settings.hidden_layers), settings.negative_slope)
