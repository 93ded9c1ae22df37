"""Compare (home): loss, accuracy and dead units per activation, from identical initial weights."""

import streamlit as st

from reluscope import charts, frames
from reluscope.diagnostics import DIVERGENCE_RULE
from reluscope.ui import components, services
from reluscope.ui.sidebar import current

choice = current()
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


@st.fragment
def loss_section(loss, plateaus):
    """The loss chart; its log-scale toggle redraws this section only."""
    st.subheader("Loss")
    log_scale = st.toggle("Log scale", key="log_loss", bind="query-params")
    st.caption(
        "Solid: training; dashed: validation. Shaded spans are plateaus of the training loss."
    )
    loss = frames.log_safe(loss) if log_scale else loss
    services.show_chart(comparison, charts.loss_chart, loss, plateaus, log_scale=log_scale)


loss_section(curves.loss, curves.plateaus)
st.subheader(score_title.capitalize())
services.show_chart(comparison, charts.score_chart, curves.score, score_title)
st.subheader("Dead units per hidden layer")
st.caption("Share of each layer's units that are dead; epoch 0 counts units born dead.")
services.show_chart(comparison, charts.dead_fraction_chart, curves.dead_fraction)

st.download_button(
    "Download history (CSV)",
    lambda: frames.history_csv(comparison),  # made on click, not on every run
    file_name="reluscope-history.csv",
    mime="text/csv",
    on_click="ignore",
    key="download_history",
)
