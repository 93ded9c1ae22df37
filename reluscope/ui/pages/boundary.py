"""Decision boundary: predicted probability over the input plane, with first-layer unit lines."""

import dataclasses

import streamlit as st

from reluscope import charts, frames
from reluscope.ui import components, services
from reluscope.ui.epoch import player
from reluscope.ui.sidebar import current

# px of each panel's map; its legends and axes come on top, its width is its column's
MAP_HEIGHT = 300
# the width fits the column and the height stays the map's, so the legends are never cut off
FIT_WIDTH = {"type": "fit-x", "contains": "padding"}


def show_boundary(chart) -> None:
    """Draw a decision-boundary chart panel by panel, each map :data:`MAP_HEIGHT` px tall."""
    prepared = components.prepare_chart(chart)
    specs = tuple({**spec, "height": MAP_HEIGHT, "autosize": FIT_WIDTH} for spec in prepared.specs)
    components.draw_chart(dataclasses.replace(prepared, specs=specs))


choice = current()
st.title("Decision boundary")
st.markdown(
    "The network's predicted probability over the (standardised) input plane, with the "
    "training data on top. Each line is where a first-layer unit switches on (w·x + b = 0); "
    "**dead** units are thick, dark and dashed — a ReLU unit whose line lies outside the data "
    "never fires."
)
components.notices(choice)
comparison, settings, data = services.comparison(choice)
train = comparison.train
if train.n_features != 2:
    name = components.escape_markdown(data.name)  # an uploaded file's name, shown as written
    st.info(
        f"The decision boundary needs 2-D data; **{name}** has {train.n_features} features. "
        "Pick a 2-D dataset such as moons, circles, spirals or xor."
    )
    st.stop()
if train.task != "classification":
    st.info("The decision boundary is drawn for classification; this dataset is a regression.")
    st.stop()


def boundary_view(comparison) -> None:
    """Probability maps at the epoch of the page's epoch bar, which Play animates."""
    train = comparison.train
    columns = st.columns(2)
    seed = columns[0].selectbox("Seed", comparison.seeds, key="boundary_seed", bind="query-params")
    positive = 1
    if train.n_classes > 2:
        positive = columns[1].selectbox(
            "Probability of class",
            range(train.n_classes),
            key="boundary_class",
            format_func=lambda k: train.class_names[k],
            bind="query-params",
        )

    def at_epoch(epoch: int) -> None:
        surface = services.frame(frames.decision_surface, comparison, seed, epoch, positive)
        show_boundary(charts.decision_boundary_chart(surface))
        if train.n_classes > 2:
            label = components.escape_markdown(train.class_names[positive])
            st.caption(f"Colour: probability of class {label} at epoch {epoch}.")

    player(comparison.n_epochs, at_epoch)


boundary_view(comparison)
