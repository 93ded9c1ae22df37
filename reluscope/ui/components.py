"""Small drawing helpers shared by the pages."""

from __future__ import annotations

import altair as alt
import streamlit as st

from reluscope.ui.sidebar import Choice

__all__ = ["epoch_slider", "notices", "show_chart"]

# multi-panel charts keep their own panel sizes; single views stretch to the page width
_COMPOUND = (alt.FacetChart, alt.ConcatChart, alt.HConcatChart, alt.VConcatChart)


def notices(choice: Choice) -> None:
    """One warning per setting that was corrected or capped, each naming its field."""
    for notice in choice.notices:
        st.warning(notice.message, icon=":material/warning:")


def show_chart(chart: alt.TopLevelMixin, key: str | None = None) -> None:
    """Draw an Altair chart: full width for a single view, natural size for panels."""
    width = "content" if isinstance(chart, _COMPOUND) else "stretch"
    st.altair_chart(chart, width=width, key=key)


def epoch_slider(comparison, key: str, label: str = "Epoch", where=st) -> int:
    """A slider over epochs 0..n (default the last), bound to the URL; the value is in range
    even when a link or an earlier run left the slider past the epochs now trained."""
    epoch = where.slider(
        label,
        0,
        comparison.n_epochs,
        comparison.n_epochs,
        key=key,
        bind="query-params",
        help="0 is the initialisation, before any update.",
    )
    return min(int(epoch), comparison.n_epochs)
