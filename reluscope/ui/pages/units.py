"""Units: the life of every hidden unit — alive, inactive, saturated or dead — epoch by epoch."""

import streamlit as st

from reluscope import charts, frames
from reluscope.charts import network as network_charts
from reluscope.frames import network as network_frames
from reluscope.frames.units import busiest_layer
from reluscope.ui import components, services
from reluscope.ui.epoch import player
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


columns = st.columns(3)
activation = columns[0].selectbox(
    "Activation", comparison.activations, key="units_activation", bind="query-params"
)
seed = columns[2].selectbox("Seed", comparison.seeds, key="units_seed", bind="query-params")
# opens on the layer where units died (else went inactive), not always on layer 1
busiest = busiest_layer(comparison.runs[(activation, seed)].history.layers())
layer = columns[1].selectbox(
    "Hidden layer", range(1, len(settings.hidden_layers) + 1), index=busiest - 1,
    key="units_layer", bind="query-params",
)  # fmt: skip
# this run's units only: the whole comparison's table is far larger
in_layer = services.frame(frames.run_units, comparison, activation, seed, layer)


def at_epoch(epoch: int) -> None:
    """What Play animates: the network of every activation, this layer's on-rates and maps.

    The frame's work comes first and its elements after, so they reach the browser together;
    the one line of text that changes with the epoch is one caption."""
    drawing = services.frame(network_frames.network_drawing, comparison, seed, epoch)
    panels = network_charts.network_panel_specs(drawing)
    histogram = charts.on_rate_histogram_spec(frames.on_rates(in_layer, epoch))
    maps = (
        services.frame(network_frames.unit_maps, comparison, activation, seed, epoch, layer)
        if comparison.train.n_features == 2 and st.session_state.get("units_maps", False)
        else None
    )
    st.vega_lite_chart(spec=network_charts.network_legend_spec(), width="stretch")
    components.show_panels(panels, key="network")
    left_out = (
        f"; {drawing.hidden_edges} weights below {network_frames.EDGE_THRESHOLD:.0%} of their "
        f"layer's largest |w| (or past {network_frames.MAX_EDGES} per layer) are not drawn"
        if drawing.hidden_edges
        else ""
    )
    st.caption(f"Epoch {epoch}{left_out}.")
    left, right = st.columns(2)
    with left:
        st.subheader("On-rate")
        st.caption(
            f"{activation}, hidden layer {layer}, epoch {epoch}: share of inputs on which z > 0."
        )
        components.draw_spec(histogram, key="on_rate")
    if comparison.train.n_features == 2:
        with right:
            st.subheader("Unit maps")
            if st.toggle("Show each unit's output over the input plane", key="units_maps"):
                st.caption(
                    f"{activation}, hidden layer {layer}: white is 0, so a dead ReLU is a blank "
                    "tile."
                )
                if maps is None:  # the toggle's state was not set before it was drawn
                    maps = services.frame(
                        network_frames.unit_maps, comparison, activation, seed, epoch, layer
                    )
                components.show_chart(network_charts.unit_maps_chart(maps, tile=44, columns=5))


# the network's title and key do not change with the epoch: drawn once, above the bar
st.subheader("The network, epoch by epoch")
st.caption(
    "Layers left to right, each unit in its state; an alive unit is paler the less often "
    "it fires. Blue edges are positive weights, vermillion negative, thicker for larger |w|."
)
player(comparison.n_epochs, at_epoch)

st.subheader(f"{activation}, hidden layer {layer}: unit states")
timeline = frames.unit_timeline(in_layer)
view = (activation, seed, layer)
services.show_chart(comparison, charts.unit_timeline_chart, timeline, view=view, key="timeline")
st.subheader("Deaths and recoveries")
st.caption("Units dying (down) and coming back (up) per epoch; every activation.")
events = frames.event_counts(comparison.layers(), layer=layer)
if events.empty:
    st.info(f"No unit of hidden layer {layer} died or recovered, for any activation.")
else:
    components.show_chart(charts.events_chart(events, comparison.n_epochs), key="events")
