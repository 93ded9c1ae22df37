"""Small drawing helpers shared by the pages."""

from __future__ import annotations

import re

import altair as alt
import streamlit as st

from reluscope.ui.sidebar import Choice

__all__ = ["escape_markdown", "notices", "show_chart", "show_panels"]

# CommonMark lets a backslash escape any ASCII punctuation; Streamlit adds :emoji:, :red[…]
# directives and $math$, all built from punctuation too, so every one of them is escaped
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")

# multi-panel charts keep their own panel sizes; single views stretch to the page width
_COMPOUND = (alt.FacetChart, alt.ConcatChart, alt.HConcatChart, alt.VConcatChart)


def escape_markdown(text: object) -> str:
    r"""``text`` as literal Markdown: shown as written by ``st.markdown``, captions and alerts.

    For every user-supplied string put into Markdown (a file name, a column name, a class label,
    a value from a link): each ASCII punctuation character gets a backslash, and line breaks
    become spaces, so that nothing in it can make a link, an image, emphasis, a heading, a list,
    a Streamlit colour or icon directive, or math.

    >>> print(escape_markdown("**x** [a](http://e.com) :red[b] $1$"))
    \*\*x\*\* \[a\]\(http\:\/\/e\.com\) \:red\[b\] \$1\$
    """
    flat = " ".join(str(text).splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def notices(choice: Choice) -> None:
    """One warning per setting that was corrected or capped, each naming its field.

    A notice quotes a value from a link inside a code span it has made safe, so it is shown as
    Markdown; one naming the data (:func:`services.load_dataset`) escapes its name.
    """
    for notice in choice.notices:
        st.warning(notice.message, icon=":material/warning:")


def show_chart(chart: alt.TopLevelMixin, key: str | None = None) -> None:
    """Draw an Altair chart: full width for a single view, natural size for panels."""
    width = "content" if isinstance(chart, _COMPOUND) else "stretch"
    st.altair_chart(chart, width=width, key=key)


def show_panels(panels, per_row: int = 4, key: str | None = None) -> None:
    """Charts (Altair charts or Vega-Lite specs) side by side, ``per_row`` to a row, each
    stretched to its column; on a phone Streamlit stacks the columns, so every panel gets the
    full width. ``key`` names the container that holds them."""
    with st.container(key=key):
        for start in range(0, len(panels), per_row):
            row = panels[start : start + per_row]
            for column, chart in zip(st.columns(per_row), row, strict=False):
                with column:
                    if isinstance(chart, dict):
                        st.vega_lite_chart(spec=chart, width="stretch")
                    else:
                        show_chart(chart)
