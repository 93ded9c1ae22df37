"""Gradients: the gradient norm of each hidden layer over epochs, per activation."""

import streamlit as st

from reluscope import charts, frames
from reluscope.ui import components, services
from reluscope.ui.sidebar import current

choice = current()
st.title("Gradients")
st.markdown(
    "The norm of the loss gradient with respect to each hidden layer's weights, on a log scale. "
    "Sigmoid and tanh units that saturate pass back tiny derivatives, so gradients **vanish** "
    "toward the first layer; a dead ReLU layer gets exactly zero gradient (left out of a log "
    "axis)."
)
components.notices(choice)
comparison, settings, data = services.comparison(choice)
curves = services.frame(frames.training_curves, comparison)
services.show_chart(comparison, charts.grad_norm_chart, curves.grad_norm)
