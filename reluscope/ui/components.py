"""Small drawing helpers shared by the pages."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import altair as alt
import streamlit as st

from reluscope.ui.sidebar import Choice

__all__ = [
    "PreparedChart",
    "draw_chart",
    "escape_markdown",
    "figure_bytes",
    "notices",
    "phone_navigation",
    "prepare_chart",
    "show_chart",
    "show_panels",
]

# CommonMark lets a backslash escape any ASCII punctuation; Streamlit adds :emoji:, :red[…]
# directives and $math$, all built from punctuation too, so every one of them is escaped
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")

# multi-panel charts keep their own panel sizes; single views stretch to the page width
_COMPOUND = (alt.FacetChart, alt.ConcatChart, alt.HConcatChart, alt.VConcatChart)
PANELS_PER_ROW = 2  # Streamlit stacks columns on a phone, so a row of two becomes one each
# a saved figure reads from the back of a room: a 16:9 single view, large type, 2× pixels
SLIDE_SIZE = (1280, 640)
SLIDE_FONTS = {"label": 18, "title": 20}
PNG_SCALE = 2


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


def phone_navigation() -> None:
    """The page links in a row at the top of the page, on a phone only.

    Below 640 px Streamlit folds the top navigation into the collapsed sidebar; this row keeps
    every page one tap away there, and is hidden on wider screens, where the top bar shows.
    """
    from reluscope.ui.app import PAGES, PAGES_DIR

    row = st.container(horizontal=True, gap="small", key="phone_navigation")
    for file, title, icon in PAGES:
        row.page_link(PAGES_DIR / f"{file}.py", label=title, icon=f":material/{icon}:")
    st.html("<style>@media (min-width: 640px) {.st-key-phone_navigation {display: none}}</style>")


@dataclass(frozen=True)
class PreparedChart:
    """A chart made ready to draw: its Vega-Lite specs, built once (a cached comparison keeps
    it, see ``services.show_chart``), and the chart itself for the slide figures.

    ``specs`` holds one spec per panel for a chart of panels (:func:`alt.concat`), laid out
    :data:`PANELS_PER_ROW` to a row, else the one spec; ``width`` is how the one spec is sized.
    """

    chart: alt.TopLevelMixin
    specs: tuple[dict, ...]
    panels: bool
    width: str
    caption: str | None
    name: str


def _to_spec(chart: alt.TopLevelMixin) -> dict:
    with alt.data_transformers.enable("default", max_rows=None):  # a frame's data inline
        return chart.to_dict()


def prepare_chart(chart: alt.TopLevelMixin, key: str | None = None) -> PreparedChart:
    """The :class:`PreparedChart` of an Altair chart (its validation and conversion, done once)."""
    name = key or f"figure-{zlib.crc32(chart.to_json().encode()):08x}"
    panels = getattr(chart, "concat", None) if isinstance(chart, alt.ConcatChart) else None
    if panels:
        title = chart.title
        text = title if isinstance(title, str) else getattr(title, "text", None)
        caption = None if title is alt.Undefined else text
        specs = tuple(_to_spec(panel) for panel in _panel_specs(chart))
        return PreparedChart(chart, specs, True, "stretch", caption, name)
    width = "content" if isinstance(chart, _COMPOUND) else "stretch"
    return PreparedChart(chart, (_to_spec(chart),), False, width, None, name)


def draw_chart(
    prepared: PreparedChart, key: str | None = None, save: bool = True, epoch: int | None = None
) -> None:
    """Draw a :class:`PreparedChart`; ``epoch`` moves its cursor (``charts.move_cursor``),
    so a Play frame redraws without building a chart."""
    from reluscope.charts.training import move_cursor

    specs = prepared.specs if epoch is None else [move_cursor(s, epoch) for s in prepared.specs]
    if prepared.panels:
        if prepared.caption:  # the whole chart's note, above its panels
            st.caption(prepared.caption)
        for start in range(0, len(specs), PANELS_PER_ROW):
            row = specs[start : start + PANELS_PER_ROW]
            columns = st.columns(PANELS_PER_ROW)
            for index, (column, spec) in enumerate(zip(columns, row, strict=False), start):
                with column:
                    panel_key = f"{key}_{index}" if key else None
                    st.vega_lite_chart(spec=spec, width="stretch", key=panel_key)
    else:
        st.vega_lite_chart(spec=specs[0], width=prepared.width, key=key)
    if save:
        _save_buttons(prepared.chart, prepared.name)


def show_chart(chart: alt.TopLevelMixin, key: str | None = None, save: bool = True) -> None:
    """Draw an Altair chart that fits the window, with one-click PNG and SVG downloads.

    A single view stretches to the page width. A chart of panels (:func:`alt.concat`, as the
    per-layer and per-activation charts are) is laid out as a grid of
    :data:`PANELS_PER_ROW` panels a row, each stretched to its column, so four layers or six
    activations fit at 1440 px and a phone (where Streamlit stacks columns) gets one panel a
    row at its full width. Other compound charts keep their natural size.

    Parameters
    ----------
    chart : alt.TopLevelMixin
    key : str, optional
        Widget key of the chart (and, suffixed, of its download buttons).
    save : bool, default True
        Offer the figure as PNG and SVG (:func:`figure_bytes`), rendered on click.
    """
    draw_chart(prepare_chart(chart, key), key=key, save=save)


def _panel_specs(chart: alt.ConcatChart) -> list[alt.TopLevelMixin]:
    """Each panel of ``chart`` as a chart that draws on its own.

    Altair lifts the panels' selections (the legend highlights) to the top of a concatenated
    chart, naming the views they act in; each panel gets back the ones that act in it.
    """
    params = chart.to_dict().get("params", [])
    specs = []
    for panel in chart.concat:
        # the column sets the width; Streamlit sizes the height as for a single view
        spec = {k: v for k, v in panel.to_dict().items() if k not in ("width", "height")}
        views = {node.get("name") for node in spec.get("layer", [spec])}
        # a selection acts in the views it names; a variable (the epoch cursor) in every panel
        own = [p for p in params if "views" not in p or views & set(p["views"])]
        if own:
            spec["params"] = own + spec.get("params", [])
        kind = alt.LayerChart if "layer" in spec else alt.Chart
        specs.append(kind.from_dict(spec, validate=False))
    return specs


def _save_buttons(chart: alt.TopLevelMixin, name: str) -> None:
    """PNG and SVG downloads of ``chart``, side by side; made when clicked, not on each run."""
    row = st.container(horizontal=True, gap="small")
    for kind, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
        row.download_button(
            kind.upper(),
            lambda kind=kind: figure_bytes(chart, kind),
            file_name=f"reluscope-{name}.{kind}",
            mime=mime,
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
            help=f"Save this figure as {kind.upper()}, sized for a slide.",
            key=f"save_{name}_{kind}",
        )


def figure_bytes(chart: alt.TopLevelMixin, kind: str) -> bytes:
    """``chart`` as a slide figure: PNG (2× pixels) or SVG, large type, single views 16:9.

    Rendered on the server by vl-convert (``vl-convert-python``), the same Vega-Lite the
    browser runs, so the file matches what the page shows.
    """
    import io

    figure = chart
    if not isinstance(chart, _COMPOUND):
        figure = chart.properties(width=SLIDE_SIZE[0], height=SLIDE_SIZE[1])
    label, title = SLIDE_FONTS["label"], SLIDE_FONTS["title"]
    figure = (
        figure.configure_axis(labelFontSize=label, titleFontSize=title)
        .configure_legend(labelFontSize=label, titleFontSize=title, symbolSize=200)
        .configure_title(fontSize=title, subtitleFontSize=label)
        .configure_header(labelFontSize=label, titleFontSize=title)
    )
    buffer = io.BytesIO() if kind == "png" else io.StringIO()
    options = {"scale_factor": PNG_SCALE} if kind == "png" else {}
    figure.save(buffer, format=kind, **options)
    value = buffer.getvalue()
    return value if isinstance(value, bytes) else value.encode()


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
