"""Data: the chosen dataset — scatter, class balance, summary — and where data can come from."""

import streamlit as st

from reluscope import charts, frames
from reluscope.ui import components, services
from reluscope.ui.sidebar import current

choice = current()
st.title("Data")
components.notices(choice)
data = services.dataset(choice)
frame = data.to_frame()

# the name and description quote the uploaded file's name: shown as written
st.markdown(
    f"**{components.escape_markdown(data.name)}** — {components.escape_markdown(data.description)}"
)
# a row that wraps: on a phone, columns would stack four tall figures one under the other
figures = st.container(horizontal=True, gap="medium", key="data_figures")
figures.metric("Rows", data.n_samples, width="content")
figures.metric("Features", data.n_features, width="content")
figures.metric("Task", data.task, width="content")
figures.metric("Classes", data.n_classes if data.task == "classification" else "—", width="content")
st.caption(
    "Training uses a stratified 75 % of the rows, standardised with the training part's mean "
    "and standard deviation; the other 25 % give the validation curves."
)


@st.fragment
def scatter(frame, data) -> None:
    """The scatter; picking its axes redraws this chart only."""
    st.subheader("Scatter")
    features = list(data.feature_names)
    if len(features) == 1:
        x_name, y_name, colour = features[0], data.target_name, None
    else:
        pick = st.columns(2)
        x_name = pick[0].selectbox("x axis", features, index=0, key="data_x", bind="query-params")
        y_name = pick[1].selectbox("y axis", features, index=1, key="data_y", bind="query-params")
        colour = data.target_name
    components.show_chart(charts.data_scatter(frame, x_name, y_name, colour))


left, right = st.columns([3, 2])
with left:
    scatter(frame, data)
with right:
    if data.task == "classification":
        st.subheader("Class balance")
        balance = frames.class_balance(frame, data.target_name)
        components.show_chart(charts.class_balance_chart(balance, data.target_name))
    else:
        st.subheader("Target")
        st.dataframe(frame[[data.target_name]].describe().T, width="stretch")

st.subheader("Summary")
# the numeric columns' statistics; a class label is counted in the class balance above (all
# columns at once gave the label a mean and every number a "None" top value)
numeric = frame.drop(columns=data.target_name) if data.task == "classification" else frame
summary = numeric.describe().T
st.dataframe(summary.astype({"count": int}), width="stretch")
st.download_button(
    "Download this data (CSV)",
    # made on click, not on every run; cells a spreadsheet would run as formulas are made inert
    lambda: frames.export_csv(frame),
    file_name=f"{data.name}.csv",
    mime="text/csv",
    on_click="ignore",
    key="download_data",
)

st.header("Where data comes from")
st.markdown(
    "Pick any of these as **Dataset** in the sidebar. *Generators* take the sample count, noise "
    "and seed from the sidebar; bundled files and scikit-learn's real datasets are used as they "
    "are. To use your own data choose **upload** and drop a CSV file: a header line, numeric "
    "feature columns and one target column (text labels or a few integers mean classification, "
    "other numbers regression). If the file cannot be used, the message says why."
)
st.dataframe(frames.dataset_catalog(), hide_index=True, width="stretch")
