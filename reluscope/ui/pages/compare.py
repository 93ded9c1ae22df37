"""Compare (home): loss, accuracy and dead units per activation, from identical initial weights."""

import streamlit as st

from reluscope import charts, frames
from reluscope.charts import network as network_charts
from reluscope.diagnostics import DIVERGENCE_RULE
from reluscope.frames import network as network_frames
from reluscope.frames.curves import diverged_epochs
from reluscope.ui import components, services
from reluscope.ui.epoch import player
from reluscope.ui.sidebar import current

choice = current()
components.phone_navigation()
st.title("Compare activations")
st.markdown(
    "Every activation below trains the same network on the same data **from identical initial "
    "weights**. A ReLU unit whose pre-activation is ≤ 0 for every input outputs 0, gets zero "
    "gradient and stops learning: it is **dead**. Push the *bias offset* below −1 or raise the "
    "*learning rate* and watch ReLU units die while leaky ReLU keeps learning."
)
components.notices(choice)
comparison, settings, data = services.comparison(choice)

curves = services.frame(frames.training_curves, comparison)  # built once per comparison
summary = curves.summary
score_title = "accuracy" if data.task == "classification" else "R²"
# a diverged run has no final loss: the cell says when it diverged instead of staying empty
losses = {
    column: summary[column].map("{:.4f}".format).where(summary[column].notna(), summary["status"])
    for column in ("final_loss", "final_val_loss")
}
st.dataframe(
    summary.assign(**losses)[
        [
            "activation",
            "final_loss",
            "final_val_loss",
            "final_val_score",
            "dead_units",
            "born_dead",
            "deaths",
            "recoveries",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        # pinned: on a phone the other columns scroll under it and stay reachable
        "activation": st.column_config.TextColumn("activation", pinned=True),
        "final_loss": st.column_config.TextColumn(
            "final loss", help=f"Or the first epoch at which the run diverged: {DIVERGENCE_RULE}."
        ),
        "final_val_loss": st.column_config.TextColumn("val. loss"),
        "final_val_score": st.column_config.NumberColumn(f"val. {score_title}", format="%.3f"),
        "dead_units": st.column_config.NumberColumn(
            "dead now", help="Hidden units with zero gradient on every training input."
        ),
        "born_dead": st.column_config.NumberColumn("born dead", help="Dead at epoch 0."),
        "deaths": st.column_config.NumberColumn("deaths", help="Alive → dead events."),
        "recoveries": st.column_config.NumberColumn("recoveries", help="Dead → alive events."),
    },
)
diverged = summary.loc[summary["diverged"] > 0, "activation"].tolist()
if diverged:
    st.warning(
        f"Training diverged for {', '.join(diverged)}: {DIVERGENCE_RULE} (a non-finite curve "
        "stops there). A smaller learning rate or bias offset usually helps."
    )
if settings.n_seeds > 1:
    st.caption(f"Means over {settings.n_seeds} seeds; curves show the mean and a 95 % band.")


def loss_section(loss, plateaus, epoch: int, diverged):
    """The loss chart, its cursor at ``epoch``, diverged runs marked; its log-scale toggle
    redraws the animated part only (it sits in the epoch bar's fragment)."""
    st.subheader("Loss")
    log_scale = st.toggle("Log scale", key="log_loss", bind="query-params")
    st.caption(
        "Solid: training; dashed: validation. Shaded spans are plateaus of the training loss."
    )
    if len(diverged):
        st.caption(
            "The axis is scaled to the runs that did not diverge; a dotted line marks "
            "the epoch a run diverged at."
        )
    loss = frames.log_safe(loss) if log_scale else loss
    chart = charts.loss_chart(loss, plateaus, log_scale=log_scale, epoch=epoch, diverged=diverged)
    components.show_chart(chart, key="loss")


def at_epoch(epoch: int) -> None:
    """What Play animates here: cursors on the curves and the network drawn at ``epoch``."""
    loss_section(curves.loss, curves.plateaus, epoch, diverged_epochs(summary))
    st.subheader(score_title.capitalize())
    components.show_chart(charts.score_chart(curves.score, score_title), key="score")
    st.subheader("Dead units per hidden layer")
    st.caption("Share of each layer's units that are dead; epoch 0 counts units born dead.")
    dead = charts.dead_fraction_chart(curves.dead_fraction, epoch=epoch)
    components.show_chart(dead, key="dead_units")
    seed = comparison.seeds[0]
    st.subheader(f"The network at epoch {epoch}")
    st.caption(
        f"Seed {seed}; each unit in its state. The Units page draws it larger, with each "
        "unit's output map."
    )
    drawing = services.frame(network_frames.network_drawing, comparison, seed, epoch)
    components.show_chart(
        network_charts.network_chart(
            drawing, height=180, panel_width=200, columns=min(len(comparison.activations), 6)
        ),
        key="network",
    )


player(comparison.n_epochs, at_epoch)

st.download_button(
    "Download history (CSV)",
    lambda: frames.history_csv(comparison),  # made on click, not on every run
    file_name="reluscope-history.csv",
    mime="text/csv",
    on_click="ignore",
    key="download_history",
)
