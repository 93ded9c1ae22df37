"""reluscope's dashboard: ``streamlit run app.py``. Page config and navigation only."""

import streamlit as st

from reluscope.ui.sidebar import settings_sidebar

# page file in reluscope/ui/pages/, title, Material icon; the first page is home
PAGES = (
    ("compare", "Compare", "compare_arrows"),
    ("units", "Units", "grid_view"),
    ("derivatives", "Derivatives", "functions"),
    ("gradients", "Gradients", "trending_down"),
    ("boundary", "Decision boundary", "scatter_plot"),
    ("data", "Data", "table_chart"),
    ("lab", "Lab", "science"),
)

st.set_page_config(page_title="reluscope", page_icon="📉", layout="wide")
page = st.navigation(
    [
        st.Page(
            f"reluscope/ui/pages/{file}.py",
            title=title,
            icon=f":material/{icon}:",
            default=index == 0,
        )
        for index, (file, title, icon) in enumerate(PAGES)
    ],
    position="top",
)
settings_sidebar()  # drawn here, not in the pages, so every page shares the same settings
page.run()
