"""Small drawing helpers shared by the pages."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import altair as alt
import streamlit as st

from reluscope.charts.templates import FilledChart, dataset_names
from reluscope.ui.sidebar import Choice

__all__ = [
    "PreparedChart",
    "draw_chart",
    "draw_spec",
    "escape_markdown",
    "figure_bytes",
    "notices",
    "phone_navigation",
    "prepare_chart",
    "prepare_filled",
    "show_chart",
    "show_panels",
    "with_arrow_datasets",
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
    """A chart made ready to draw, built and converted once (a cached comparison keeps it, see
    ``services.show_chart``), holding dicts, bytes and text, and for a filled template its
    frames (made into the slide figure only when a download is clicked).

    Attributes
    ----------
    specs : tuple of dict
        One Vega-Lite spec per panel for a chart of panels (:func:`alt.concat`), laid out
        :data:`PANELS_PER_ROW` to a row, else the one spec; without their datasets.
    arrow : tuple of dict of str to bytes
        Each spec's named datasets as Arrow IPC bytes, converted once: what Streamlit sends of
        them on every run, so a Play frame converts only its one-row cursor.
    figure : str or FilledChart
        The whole chart's Vega-Lite spec as JSON, data included: the slide figures; or the
        filled template that makes it (:func:`prepare_filled`), when a download is clicked.
    panels : bool
    width : str
        How the one spec is sized: "stretch" to the page, or its own "content" size.
    caption : str or None
        A chart of panels' title, shown above them.
    name : str
        The figure's file name stem.
    """

    specs: tuple[dict, ...]
    arrow: tuple[dict[str, bytes], ...]
    figure: str | FilledChart
    panels: bool
    width: str
    caption: str | None
    name: str


def _to_spec(chart: alt.TopLevelMixin) -> dict:
    # the schema check is the tests' job (they validate every spec the pages draw): on a
    # rerun it would cost as much as the conversion itself
    with alt.data_transformers.enable("default", max_rows=None):  # a frame's data inline
        return chart.to_dict(validate=False)


def _stable_names(spec: dict) -> dict:
    """``spec`` with Altair's datasets, named by a hash of their rows (``data-<md5>``), named
    by their order instead (``data-0``, ``data-1``, ...).

    A chart drawn again with new rows then keeps its spec, so the browser swaps its data in
    place; with hashed names every new row set is a new spec, and a data update that races
    the redrawn chart names a dataset the drawn one does not have.
    """
    datasets = spec.get("datasets", {})
    renamed = {old: f"data-{i}" for i, old in enumerate(datasets) if old.startswith("data-")}
    if not renamed:
        return spec

    def rename(node):
        if isinstance(node, dict):
            out = {key: rename(value) for key, value in node.items() if key != "datasets"}
            data = out.get("data")
            if isinstance(data, dict) and data.get("name") in renamed:
                out["data"] = {**data, "name": renamed[data["name"]]}
            return out
        if isinstance(node, list):
            return [rename(item) for item in node]
        return node

    out = rename(spec)
    out["datasets"] = {renamed.get(name, name): rows for name, rows in datasets.items()}
    return out


def _arrow_datasets(datasets: dict[str, list]) -> dict[str, bytes]:
    """Named datasets (lists of records) as the Arrow IPC bytes Streamlit sends of them."""
    import pandas as pd
    from streamlit import dataframe_util

    return {
        name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame.from_records(rows))
        for name, rows in datasets.items()
    }


def with_arrow_datasets(spec: dict) -> dict:
    """``spec`` with its named datasets (lists of records) as the Arrow IPC bytes Streamlit
    sends, converted by pyarrow straight from the records: what a Play frame draws converts in
    a tenth of the time of Streamlit's own route through pandas."""
    import pyarrow as pa

    datasets = {}
    for name, rows in spec.get("datasets", {}).items():
        if isinstance(rows, bytes) or not isinstance(rows, list):
            datasets[name] = rows
            continue
        table = pa.Table.from_pylist(rows)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        datasets[name] = sink.getvalue().to_pybytes()
    return {**spec, "datasets": datasets} if datasets else dict(spec)


def prepare_chart(chart: alt.TopLevelMixin, key: str | None = None) -> PreparedChart:
    """The :class:`PreparedChart` of an Altair chart (its conversion, done once)."""
    import json

    spec = _stable_names(_to_spec(chart))
    figure = json.dumps(spec)
    name = key or f"figure-{zlib.crc32(figure.encode()):08x}"
    if isinstance(chart, alt.ConcatChart) and getattr(chart, "concat", None):
        title = chart.title
        text = title if isinstance(title, str) else getattr(title, "text", None)
        caption = None if title is alt.Undefined else text
        specs, panels, width = _panel_specs(spec), True, "stretch"
    else:
        caption, panels = None, False
        specs, width = [spec], "content" if isinstance(chart, _COMPOUND) else "stretch"
    arrow = tuple(_arrow_datasets(one.get("datasets", {})) for one in specs)
    bare = tuple({k: v for k, v in one.items() if k != "datasets"} for one in specs)
    return PreparedChart(bare, arrow, figure, panels, width, caption, name)


def prepare_filled(filled, key: str) -> PreparedChart:
    """The :class:`PreparedChart` of a filled template (:class:`reluscope.charts.templates.
    FilledChart`): its specs are the template's, with a few values set, and its frames are
    converted to Arrow straight away; no Altair chart is built."""
    from streamlit import dataframe_util

    specs, arrow = [], []
    for spec, datasets in filled.view_specs():
        specs.append(spec)
        arrow.append(
            {
                name: dataframe_util.convert_anything_to_arrow_bytes(frame)
                for name, frame in datasets.items()
            }
        )
    # the figure (data inline) is made when a download is clicked, not on every retrain
    return PreparedChart(
        tuple(specs), tuple(arrow), filled, filled.template.panels, "stretch", None, key
    )


def draw_chart(
    prepared: PreparedChart, key: str | None = None, save: bool = True, epoch: int | None = None
) -> None:
    """Draw a :class:`PreparedChart`; ``epoch`` places its cursor (``charts.move_cursor``),
    so a Play frame sends the same specs with a one-row dataset and builds no chart."""
    from reluscope.charts.training import move_cursor

    specs = [
        {**spec, "datasets": dict(datasets)}  # Streamlit takes them out of the spec it is given
        for spec, datasets in zip(prepared.specs, prepared.arrow, strict=True)
    ]
    if epoch is not None:
        specs = [move_cursor(spec, epoch) for spec in specs]
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
        _save_buttons(prepared.figure, prepared.name)


def draw_spec(spec: dict, key: str, save: bool = True) -> None:
    """Draw a Vega-Lite spec that carries its data as named datasets, stretched to the page,
    with one-click PNG and SVG downloads named after ``key``.

    For what a Play frame draws from a spec built once and filled with the epoch's rows
    (``charts.on_rate_histogram_spec``): under a fixed key the browser updates the drawn
    chart's data instead of drawing it anew.
    """
    import json

    st.vega_lite_chart(spec=with_arrow_datasets(spec), width="stretch", key=key)
    if save:
        _save_buttons(json.dumps(spec), key)


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


def _panel_specs(spec: dict) -> list[dict]:
    """Each panel of a concatenated chart's Vega-Lite ``spec`` as a spec that draws on its own.

    A panel keeps the datasets it reads and the chart's config. Altair lifts the panels'
    selections (the legend highlights) to the top of a concatenated chart, naming the views
    they act in; each panel gets back the ones that act in it.
    """
    shared = {k: v for k, v in spec.items() if k in ("$schema", "config", "data", "transform")}
    params, datasets = spec.get("params", []), spec.get("datasets", {})
    specs = []
    for panel in spec["concat"]:
        # the column sets the width; Streamlit sizes the height as for a single view
        own_spec = {k: v for k, v in panel.items() if k not in ("width", "height")}
        views = {node.get("name") for node in own_spec.get("layer", [own_spec])}
        # a selection acts in the views it names; a variable in every panel
        own = [p for p in params if "views" not in p or views & set(p["views"])]
        if own:
            own_spec["params"] = own + own_spec.get("params", [])
        reads = dataset_names({**shared, **own_spec})
        own_data = {name: rows for name, rows in datasets.items() if name in reads}
        specs.append({**shared, **own_spec, **({"datasets": own_data} if own_data else {})})
    return specs


def _save_buttons(figure: str | FilledChart, name: str) -> None:
    """PNG and SVG downloads of a chart's spec (JSON), side by side; made when clicked, not on
    each run."""
    row = st.container(horizontal=True, gap="small")
    for kind, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
        row.download_button(
            kind.upper(),
            lambda kind=kind: figure_bytes(figure, kind),
            file_name=f"reluscope-{name}.{kind}",
            mime=mime,
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
            help=f"Save this figure as {kind.upper()}, sized for a slide.",
            key=f"save_{name}_{kind}",
        )


# views of several panels keep their own sizes in a saved figure
_COMPOUND_KEYS = ("facet", "concat", "hconcat", "vconcat", "repeat")


def figure_bytes(chart: alt.TopLevelMixin | FilledChart | dict | str, kind: str) -> bytes:
    """A chart (Altair, a filled template, or a Vega-Lite spec as a dict or JSON) as a slide
    figure: PNG (2× pixels) or SVG, large type, single views 16:9.

    Rendered on the server by vl-convert (``vl-convert-python``), the same Vega-Lite the
    browser runs, so the file matches what the page shows.
    """
    import json

    import vl_convert

    if isinstance(chart, str):
        spec = json.loads(chart)
    elif isinstance(chart, FilledChart):
        spec = chart.figure()
    elif isinstance(chart, dict):
        spec = dict(chart)
    else:
        spec = _to_spec(chart)
    if not any(key in spec for key in _COMPOUND_KEYS):
        spec["width"], spec["height"] = SLIDE_SIZE
        spec.pop("autosize", None)  # the plot is the slide's size; axes and legend add to it
    label, title = SLIDE_FONTS["label"], SLIDE_FONTS["title"]
    config = dict(spec.get("config", {}))
    slide = {
        "axis": {"labelFontSize": label, "titleFontSize": title},
        "legend": {"labelFontSize": label, "titleFontSize": title, "symbolSize": 200},
        "title": {"fontSize": title, "subtitleFontSize": label},
        "header": {"labelFontSize": label, "titleFontSize": title},
    }
    for part, fonts in slide.items():
        config[part] = {**config.get(part, {}), **fonts}
    spec["config"] = config
    if kind == "png":
        return vl_convert.vegalite_to_png(spec, scale=PNG_SCALE)
    return vl_convert.vegalite_to_svg(spec).encode()


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
                        st.vega_lite_chart(spec=with_arrow_datasets(chart), width="stretch")
                    else:
                        show_chart(chart)
