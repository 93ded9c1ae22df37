"""Units: the life of every hidden unit — alive, inactive, saturated or dead — epoch by epoch."""

import streamlit as st

from reluscope import charts, frames
from reluscope.ui import components, services
from reluscope.ui.sidebar import current

choice = current()
st.title("Units")
st.markdown(
    "Each row is one hidden unit, each column an epoch. **Dead**: zero gradient on every "
    "training input. **Inactive**: z ≤ 0 on every input (a leaky unit there still learns). "
    "**Saturated**: f′ below 5 % of its peak on every input."
)
components.notices(choice)
comparison, settings, data = services.comparison(choice)


@st.fragment
def units_view(comparison, n_layers: int) -> None:
    """Timeline, on-rate and events of one layer; its pickers redraw this view only."""
    columns = st.columns(3)
    activation = columns[0].selectbox(
        "Activation", comparison.activations, key="units_activation", bind="query-params"
    )
    layer = columns[1].selectbox(
        "Hidden layer", range(1, n_layers + 1), key="units_layer", bind="query-params"
    )
    seed = columns[2].selectbox("Seed", comparison.seeds, key="units_seed", bind="query-params")
    # this run's units only: the whole comparison's table is far larger
    in_layer = services.frame(frames.run_units, comparison, activation, seed, layer)
    st.subheader(f"{activation}, hidden layer {layer}: unit states")
    timeline = frames.unit_timeline(in_layer)
    view = (activation, seed, layer)
    services.show_chart(comparison, charts.unit_timeline_chart, timeline, view=view)

    epoch = components.epoch_slider(comparison, "units_epoch", "Epoch for the on-rate histogram")
    left, right = st.columns(2)
    with left:
        st.subheader("On-rate")
        st.caption("Share of training inputs on which each unit's z > 0.")
        components.show_chart(charts.on_rate_histogram(frames.on_rates(in_layer, epoch)))
    with right:
        st.subheader("Deaths and recoveries")
        st.caption("Units dying (down) and coming back (up) per epoch; every activation.")
        events = frames.event_counts(comparison.layers(), layer=layer)
        components.show_chart(charts.events_chart(events))


units_view(comparison, len(settings.hidden_layers))
