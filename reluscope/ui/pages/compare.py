"""Compare (home): loss, accuracy and dead units per activation, from identical initial weights."""

import streamlit as st

from reluscope import frames
from reluscope.charts import network as network_charts
from reluscope.charts.training import move_cursor
from reluscope.diagnostics import DIVERGENCE_RULE
from reluscope.frames import network as network_frames
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
st.dataframe(
    summary[
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
    column_config={
        "activation": "activation",
        "final_loss": st.column_config.NumberColumn("final loss", format="%.4f"),
        "final_val_loss": st.column_config.NumberColumn("validation loss", format="%.4f"),
        "final_val_score": st.column_config.NumberColumn(
            f"validation {score_title}", format="%.3f"
        ),
        "dead_units": st.column_config.NumberColumn(
            "dead units now", help="Hidden units with zero gradient on every training input."
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


def loss_section(epoch: int):
    """The loss chart, its cursor at ``epoch``; its log-scale toggle redraws the animated part
    only (it sits in the epoch bar's fragment)."""
    st.subheader("Loss")
    log_scale = st.toggle("Log scale", key="log_loss", bind="query-params")
    st.caption(
        "Solid: training; dashed: validation. Shaded spans are plateaus of the training loss."
    )
    # built once per comparison and scale; a frame moves its cursor only
    spec = services.frame(epoch_bar.loss_spec, comparison, log_scale)
    epoch_bar.show_spec(move_cursor(spec, epoch))


def at_epoch(epoch: int) -> None:
    """What Play animates here: cursors on the curves and the network drawn at ``epoch``."""
    loss_section(epoch)
    st.subheader(score_title.capitalize())
    spec = services.frame(epoch_bar.score_spec, comparison, score_title)
    epoch_bar.show_spec(move_cursor(spec, epoch))
    st.subheader("Dead units, and units off on every input, per hidden layer")
    st.caption(
        "Solid: share of each layer's units *off* on every input — dead for ReLU, inactive for "
        "leaky ReLU and ELU-like units, saturated for sigmoid and tanh; dashed: the dead share. "
        "Epoch 0 is the network at initialisation, so a solid line that comes back down is "
        "units recovering."
    )
    spec = services.frame(epoch_bar.off_units_spec, comparison)
    epoch_bar.show_spec(move_cursor(spec, epoch), compound=len(settings.hidden_layers) > 1)
    seed = comparison.seeds[0]
    st.subheader(f"The network at epoch {epoch}")
    st.caption(
        f"Seed {seed}; each unit in its state. The Units page draws it larger, with each "
        "unit's output map."
    )
    drawing = services.frame(network_frames.network_drawing, comparison, seed, epoch)
    epoch_bar.show_spec(network_charts.network_legend_spec())
    components.show_panels(network_charts.network_panel_specs(drawing, height=180), key="network")


epoch_bar.player(comparison.n_epochs, at_epoch)

st.download_button(
    "Download history (CSV)",
    lambda: frames.history_csv(comparison),  # made on click, not on every run
    file_name="reluscope-history.csv",
    mime="text/csv",
    on_click="ignore",
    key="download_history",
)
