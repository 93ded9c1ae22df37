"""Decision boundary: predicted probability over the input plane, with first-layer unit lines."""

import numpy as np
import pandas as pd
import streamlit as st

from reluscope import charts
from reluscope.ui import components, services
from reluscope.ui.sidebar import current

GRID_POINTS = 60  # per axis

choice = current()
st.title("Decision boundary")
st.markdown(
    "The network's predicted probability over the (standardised) input plane, with the "
    "training data on top. Each line is where a first-layer unit switches on (w·x + b = 0); "
    "**dead** units are dashed grey — a ReLU unit whose line lies outside the data never fires."
)
components.notices(choice)
comparison, settings, data = services.comparison(choice)
train = comparison.train
if train.n_features != 2:
    st.info(
        f"The decision boundary needs 2-D data; **{data.name}** has {train.n_features} "
        "features. Pick a 2-D dataset such as moons, circles, spirals or xor."
    )
    st.stop()
if train.task != "classification":
    st.info("The decision boundary is drawn for classification; this dataset is a regression.")
    st.stop()


@st.fragment
def boundary_view(comparison) -> None:
    """Probability maps at one epoch; the pickers redraw this view only."""
    train = comparison.train
    columns = st.columns(3)
    epoch = components.epoch_slider(comparison, "boundary_epoch", where=columns[0])
    seed = columns[1].selectbox("Seed", comparison.seeds, key="boundary_seed", bind="query-params")
    positive = 1
    if train.n_classes > 2:
        positive = columns[2].selectbox(
            "Probability of class",
            range(train.n_classes),
            key="boundary_class",
            format_func=lambda k: train.class_names[k],
            bind="query-params",
        )
    low = train.X.min(axis=0) - 0.5
    high = train.X.max(axis=0) + 0.5
    x1, x2 = np.meshgrid(*(np.linspace(low[k], high[k], GRID_POINTS) for k in range(2)))
    points = np.column_stack([x1.ravel(), x2.ravel()])
    extent = (low[0], high[0], low[1], high[1])
    grids, lines = [], []
    for activation in comparison.activations:
        probability = comparison.predict_proba(activation, seed, epoch, points)
        if probability.ndim == 2:
            probability = probability[:, positive]
        grids.append(
            pd.DataFrame(
                {
                    "activation": activation,
                    "x1": points[:, 0],
                    "x2": points[:, 1],
                    "probability": probability,
                }
            )
        )
        W, b = comparison.first_layer(activation, seed, epoch)
        # this run's units only (the whole comparison's table is far larger); a diverged run
        # stopped early, so its last epoch stands in as the weights above do
        history = comparison.runs[(activation, seed)].history
        units = history.units()
        first = units[(units["layer"] == 1) & (units["epoch"] == min(epoch, history.n_epochs))]
        dead = first.sort_values("unit")["dead"].to_numpy()
        lines.append(charts.unit_lines_frame(W, b, extent, dead).assign(activation=activation))
    labels = np.asarray(train.class_names)[train.y]
    scatter = pd.DataFrame({"x1": train.X[:, 0], "x2": train.X[:, 1], "label": labels})
    grid = pd.concat(grids, ignore_index=True)
    components.show_chart(
        charts.decision_boundary_chart(grid, scatter, pd.concat(lines, ignore_index=True))
    )
    if train.n_classes > 2:
        st.caption(f"Colour: probability of class {train.class_names[positive]}.")


boundary_view(comparison)
