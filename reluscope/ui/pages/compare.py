"""Compare (home): loss, accuracy and dead units per activation, from identical initial weights."""

import streamlit as st

from reluscope import frames
from reluscope.charts import network as network_charts
from reluscope.diagnostics import DIVERGENCE_RULE
from reluscope.frames import network as network_frames
from reluscope.frames.curves import diverged_epochs
from reluscope.ui import components, services
from reluscope.ui import epoch as epoch_bar
from reluscope.ui.app import PAGES_DIR
from reluscope.ui.sidebar import current

choice = current()
st.title("Compare activations")
st.markdown(
    "Every activation below trains the same network on the same data **from identical initial "
    "weights**. A ReLU unit whose pre-activation is ≤ 0 for every input outputs 0, gets zero "
    "gradient and stops learning: it is **dead**. A leaky ReLU unit there is only *inactive*: "
    "its small slope still lets it learn, and maybe come back. What this run shows:"
)
st.page_link(
    PAGES_DIR / "lessons.py",
    label="New to the dying-ReLU story? Walk through it one claim at a time.",
    icon=":material/school:",
)
components.notices(choice)
comparison, settings, data = services.comparison(choice)
st.markdown("\n".join(f"- {s}" for s in services.frame(frames.compare_findings, comparison)))

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
            "plateaus",
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
        "plateaus": st.column_config.NumberColumn(
            "plateaus", help="Plateaus of the training loss (shaded on the loss chart)."
        ),
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


def at_epoch(epoch: int) -> None:
    """What Play animates here: cursors on the curves and the network drawn at ``epoch``.

    The frame's work comes first and its elements after, so they reach the browser together.
    The loss chart's log-scale toggle redraws the animated part only (it sits in the epoch
    bar's fragment)."""
    log_scale = bool(st.session_state.get("log_loss", False))
    # built once per comparison (and scale); a frame moves their cursors only
    loss = services.frame(epoch_bar.loss_figure, comparison, log_scale)
    score = services.frame(epoch_bar.score_figure, comparison, score_title)
    off_units = services.frame(epoch_bar.off_units_figure, comparison)
    seed = comparison.seeds[0]
    drawing = services.frame(network_frames.network_drawing, comparison, seed, epoch)
    # a per-shape template filled with the epoch's rows: a Play frame builds no Altair chart
    panels = network_charts.network_panel_specs(drawing, height=180)

    st.subheader("Loss")
    if st.toggle("Log scale", key="log_loss", bind="query-params") != log_scale:
        loss = services.frame(epoch_bar.loss_figure, comparison, not log_scale)
    st.caption("Shaded spans are plateaus of the training loss.")  # the chart says the dashes
    if len(diverged_epochs(summary)):
        st.caption(
            "The axis is scaled to the runs that did not diverge; a dotted line marks "
            "the epoch a run diverged at."
        )
    components.draw_chart(loss, key="loss", epoch=epoch)
    st.subheader(score_title.capitalize())
    components.draw_chart(score, key="score", epoch=epoch)
    st.subheader("Dead units, and units off on every input, per hidden layer")
    st.caption(
        "Solid: share of each layer's units *off* on every input — dead for ReLU, inactive for "
        "leaky ReLU and ELU-like units, saturated for sigmoid and tanh; dashed: the dead share. "
        "Epoch 0 is the network at initialisation, so a solid line that comes back down is "
        "units recovering."
    )
    components.draw_chart(off_units, key="off_units", epoch=epoch)
    st.subheader("The network")
    st.caption(
        f"Epoch {epoch}, seed {seed}; each unit in its state. The Units page draws it larger, "
        "with each unit's output map."
    )
    epoch_bar.show_spec(network_charts.network_legend_spec())
    components.show_panels(panels, per_row=min(len(panels), 3), key="network")


epoch_bar.player(comparison.n_epochs, at_epoch)

st.download_button(
    "Download history (CSV)",
    lambda: frames.history_csv(comparison),  # made on click, not on every run
    file_name="reluscope-history.csv",
    mime="text/csv",
    on_click="ignore",
    key="download_history",
)
