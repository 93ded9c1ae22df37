"""Derivatives: f and f′ of the activations, and where the network's pre-activations fall."""

import numpy as np
import pandas as pd
import streamlit as st

from reluscope import charts
from reluscope.activations import ACTIVATIONS
from reluscope.ui import components, services
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
extra = st.multiselect(
    "Also show",
    [name for name in ACTIVATIONS if name not in ALWAYS],
    key="derivatives_extra",
    bind="query-params",
)
curves = charts.activation_curves_frame([*ALWAYS, *extra], negative_slope=settings.negative_slope)
components.show_chart(charts.activation_curves_chart(curves))

st.header("Pre-activations of the trained network")
st.caption(
    "Every training input × unit of one hidden layer at one epoch; shaded: where f′ = 0 and "
    "where f′ < 5 % of its peak."
)
comparison, settings, data = services.comparison(choice)
columns = st.columns(3)
layers = tuple(range(1, len(settings.hidden_layers) + 1))
layer = columns[0].selectbox("Hidden layer", layers, key="derivatives_layer", bind="query-params")
epoch = columns[1].slider(
    "Epoch",
    0,
    comparison.n_epochs,
    comparison.n_epochs,
    key="derivatives_epoch",
    bind="query-params",
    help="0 is the initialisation, before any update.",
)
seed = columns[2].selectbox("Seed", comparison.seeds, key="derivatives_seed", bind="query-params")
frames = []
for activation in comparison.activations:
    z = comparison.preactivations(activation, seed, layer, epoch)
    frames.append(pd.DataFrame({"activation": activation, "z": np.ravel(z)}))
components.show_chart(
    charts.preactivation_histogram(
        pd.concat(frames, ignore_index=True), negative_slope=settings.negative_slope
    )
)
