"""reluscope's dashboard: ``streamlit run app.py``. Page config and navigation only."""

import streamlit as st

from reluscope.ui.sidebar import settings_sidebar

st.set_page_config(page_title="reluscope", page_icon="📉", layout="wide")
page = st.navigation(
    [
        st.Page("reluscope/ui/pages/compare.py", title="Compare", icon="📉", default=True),
        st.Page("reluscope/ui/pages/units.py", title="Units", icon="🧩"),
        st.Page("reluscope/ui/pages/derivatives.py", title="Derivatives", icon="📐"),
        st.Page("reluscope/ui/pages/gradients.py", title="Gradients", icon="🌊"),
        st.Page("reluscope/ui/pages/boundary.py", title="Decision boundary", icon="🗺️"),
        st.Page("reluscope/ui/pages/data.py", title="Data", icon="🗂️"),
    ],
    position="top",
)
settings_sidebar()  # drawn here, not in the pages, so every page shares the same settings
page.run()
