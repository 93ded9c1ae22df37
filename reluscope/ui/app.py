"""The dashboard's entry point: page config, navigation and the shared sidebar.

``streamlit run`` is given this file (``reluscope ui`` does so; the checkout's root ``app.py``
calls :func:`main`), so the dashboard runs the same from a checkout and from an installed wheel.
Like the root ``app.py``, it defines an ``st.App`` when ``streamlit run`` imports it (as a
top-level module named after the file, not as :mod:`reluscope.ui.app`), so the server warms up
(:mod:`reluscope.ui.warm`) before it takes visitors; each session runs it as ``__main__``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from reluscope.config import links
from reluscope.ui.components import phone_navigation
from reluscope.ui.sidebar import settings_sidebar
from reluscope.ui.warm import lifespan

__all__ = ["PAGES", "PAGES_DIR", "main"]

PAGES_DIR = Path(__file__).resolve().parent / "pages"
# page file in PAGES_DIR, title, Material icon; the first page is home (a link that names a
# lesson opens the Lessons page instead, see main); Lessons is one click from it
PAGES = (
    ("compare", "Compare", "compare_arrows"),
    ("lessons", "Lessons", "school"),
    ("units", "Units", "grid_view"),
    ("derivatives", "Derivatives", "functions"),
    ("gradients", "Gradients", "trending_down"),
    ("boundary", "Decision boundary", "scatter_plot"),
    ("data", "Data", "table_chart"),
    ("lab", "Lab", "science"),
)


def main() -> None:
    """Draw one run of the dashboard: the chosen page under the settings sidebar."""
    st.set_page_config(page_title="reluscope", page_icon="📉", layout="wide")
    home = "lessons" if links.LESSON_KEY in st.query_params else PAGES[0][0]
    page = st.navigation(
        [
            st.Page(
                PAGES_DIR / f"{file}.py",
                title=title,
                icon=f":material/{icon}:",
                default=file == home,
            )
            for file, title, icon in PAGES
        ],
        position="top",
    )
    phone_navigation()  # every page one tap away on a phone, where the top bar folds away
    settings_sidebar()  # drawn here, not in the pages, so every page shares the same settings
    page.run()


if __name__ == "__main__":  # a session's run
    main()
elif not __package__:  # imported by `streamlit run`, which serves the App
    app = st.App(__file__, lifespan=lifespan)
