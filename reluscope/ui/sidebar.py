"""The settings sidebar: one widget per field of :data:`reluscope.config.FIELDS`, bound to the URL.

Every widget uses its field name as ``key`` with ``bind="query-params"``, so the address bar
always holds the current settings and a shared link restores them. Streamlit itself silently
drops URL values a widget cannot take; this module reads the raw query parameters on a
session's first run, reads them as a link with :func:`reluscope.config.read_link` (older keys
such as ``seeds``, and the defaults of the link's schema version for the fields it leaves out),
validates them with :func:`reluscope.config.validate` and, where the widget disagrees with the
validated value, writes that value into the widget and reruns once — so the widgets show what
is trained, a warning names every field that was changed, and the address bar holds the
validated values from the next run on, under today's keys and schema version (see
:mod:`reluscope.config.links`) as soon as that opens the same settings.

A lesson's classroom link (``lesson=<name>&classroom=1``) shows only the fields the lesson
varies (:attr:`reluscope.lessons.Lesson.varies`); the others hold the lesson's values, which
the link's lesson carries, until "Show all settings" brings their widgets back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import streamlit as st

from reluscope import config
from reluscope.config import CAPS, DEFAULTS, FIELDS, Caps, Field, Notice, Settings, links
from reluscope.errors import DatasetError

if TYPE_CHECKING:
    from reluscope.datasets import CsvSource

__all__ = [
    "SECTIONS",
    "Choice",
    "Upload",
    "apply_settings",
    "classroom_lesson",
    "current",
    "is_generated",
    "settings_sidebar",
    "widget_value",
]

# how the sidebar groups the fields; a test checks that every field appears exactly once
SECTIONS: dict[str, tuple[str, ...]] = {
    "Data": ("dataset", "n_samples", "noise"),
    "Network": ("hidden_layers", "activations", "negative_slope", "bias_offset", "init"),
    "Training": ("solver", "learning_rate", "batch_size", "epochs", "seed", "n_seeds"),
}

_STATE = "reluscope.choice"  # session-state key of this run's Choice
_URL_CHECKED = "reluscope.url_checked"
_URL_NOTICES = "reluscope.url_notices"
_PENDING = "reluscope.pending_corrections"
_RESYNC = "reluscope.resync_url"
_UPLOAD_READ = "reluscope.upload_read"  # (file id, Upload without target and task) of this session
_SHOW_ALL = "reluscope.show_all_settings"  # "Show all settings" was clicked in classroom view
UPLOAD_KEY = "upload_file"
TARGET_KEY = "upload_target"
TASK_KEY = "upload_task"
TASKS = ("infer", "classification", "regression")


@dataclass(frozen=True)
class Upload:
    """A CSV file uploaded in this session, read once, with the chosen target column and task.

    Attributes
    ----------
    name : str
        The file name as uploaded.
    data : bytes
        Its content.
    target, task : str or None
        The target column and task chosen (``None``: the last column, inferred).
    source : CsvSource or None
        The sidebar's one read of the file (:func:`reluscope.datasets.read_csv_source`), which
        the loader reuses; ``None`` when it was not read here, or could not be read (``error``).
    error : DatasetError or None
        Why the file could not be read.
    digest : str
        A digest of ``data`` (computed when not given): what a dataset from it is cached under.
    """

    name: str
    data: bytes = field(repr=False)
    target: str | None = None
    task: str | None = None
    source: CsvSource | None = field(default=None, repr=False)
    error: DatasetError | None = None
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:
            import hashlib

            digest = hashlib.blake2b(self.data, digest_size=16).hexdigest()
            object.__setattr__(self, "digest", digest)


@dataclass(frozen=True)
class Choice:
    """What the sidebar returns: validated settings, what was corrected, and any upload."""

    settings: Settings
    notices: tuple[Notice, ...] = ()
    upload: Upload | None = None


def widget_value(f: Field, value):
    """A validated settings value as its widget holds it (text for layers, a list for choices)."""
    if f.widget == "text_input":
        return f.format(value)
    if f.kind == "choices":
        return list(value)
    return value


def _format_number(value) -> str:
    return f"{value:g}"


def _draw(f: Field, caps: Caps, disabled: bool = False):
    """Draw the widget of one field under its field name, bound to the URL."""
    common = {"key": f.name, "help": f.help, "bind": "query-params", "disabled": disabled}
    default = widget_value(f, f.default)
    number = int if f.kind == "int" else float
    if f.widget == "slider":
        return st.slider(
            f.label,
            min_value=number(f.low),
            max_value=number(f.upper(caps)),
            value=default,
            step=number(f.step),
            **common,
        )
    if f.widget == "select_slider":
        return st.select_slider(
            f.label, options=f.choices(), value=default, format_func=_format_number, **common
        )
    if f.widget == "selectbox":
        options = f.choices()
        return st.selectbox(f.label, options, index=options.index(default), **common)
    if f.widget == "segmented_control":
        return st.segmented_control(f.label, f.choices(), default=default, required=True, **common)
    if f.widget == "multiselect":
        return st.multiselect(
            f.label, f.choices(), default=default, max_selections=caps.max_activations, **common
        )
    if f.widget == "text_input":
        return st.text_input(f.label, value=default, max_chars=200, **common)
    raise AssertionError(f.widget)


def _query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _link_lesson(query):
    """The lesson a link names, or ``None`` (also for an unknown name: the Lessons page says
    why)."""
    name = links.link_lesson(query)
    if name is None:
        return None
    from reluscope.errors import InvalidParameterError
    from reluscope.lessons import lesson

    try:
        return lesson(name)
    except InvalidParameterError:
        return None


def classroom_lesson():
    """The lesson whose classroom view is on (``lesson=<name>&classroom=1`` in the address
    bar, "Show all settings" not clicked), or ``None``."""
    query = _query()
    if not links.link_classroom(query) or st.session_state.get(_SHOW_ALL):
        return None
    return _link_lesson(query)


def _check_url_once(caps: Caps, classroom=None) -> dict[str, object] | None:
    """On a session's first run: validate the raw query parameters of the settings fields.

    Stores a notice for each field the URL got wrong and returns field → validated widget value
    for every settings field in the URL (``None`` after the first run). A link that names a
    lesson and no field opens the lesson's settings; in a ``classroom`` lesson's view the
    fields it keeps fixed hold its values whatever the link says.
    """
    state = st.session_state
    if state.get(_URL_CHECKED):
        return None
    state[_URL_CHECKED] = True
    query = _query()
    raw = config.read_link(query)
    named = _link_lesson(query) if not config.canonical_keys(query) else None
    if named is not None:
        raw = named.settings.to_query(only_changed=False)
    if classroom is not None:
        fixed = classroom.settings.to_query(only_changed=False)
        raw = {**raw, **{name: fixed[name] for name in FIELDS if name not in classroom.varies}}
    settings, notices = config.validate(raw, caps=caps)
    expected = {name: widget_value(FIELDS[name], getattr(settings, name)) for name in raw}
    run_size = ("max_work", "max_stored")
    for n in notices:
        # the run-size caps depend on the data and are applied (and said) at every training:
        # the widget keeps the value asked for, so a smaller network gets it back
        if n.cap in run_size and n.field in expected:
            expected[n.field] = widget_value(FIELDS[n.field], n.value)
    state[_URL_NOTICES] = {
        n.field: (n, expected[n.field]) for n in notices if n.cap not in run_size
    }
    return expected


def _read_upload(file) -> Upload:
    """The uploaded file read once per session: later runs reuse the read while the file stays.

    The bytes are digested and read (decoded, header bounded and split) on the first run that
    sees this file; the target picker and the loader both use that one read.
    """
    from reluscope.datasets import read_csv_source

    state = st.session_state
    file_id = getattr(file, "file_id", None)
    kept = state.get(_UPLOAD_READ)
    if kept is not None and file_id is not None and kept[0] == file_id:
        return kept[1]
    data = file.getvalue()
    try:
        # the file itself, so that the dataset is named after it
        upload = Upload(file.name, data, source=read_csv_source(file))
    except DatasetError as error:
        # kept without its traceback, which holds the frames (and bytes) of the failed read
        upload = Upload(file.name, data, error=error.with_traceback(None))
    state[_UPLOAD_READ] = (file_id, upload)
    return upload


def _upload_widgets() -> Upload | None:
    file = st.file_uploader(
        "CSV file",
        type=["csv", "txt", "tsv"],
        key=UPLOAD_KEY,
        help="A header line, numeric feature columns and one target column. "
        "Uploaded data stays in this browser session and is not part of shared links.",
    )
    if file is None:
        st.info("Upload a CSV file to train on your own data.")
        return None
    upload = _read_upload(file)
    # an unreadable file offers no target; the page then says why
    columns = upload.source.columns if upload.source is not None else ()
    target = None
    if columns:
        target = st.selectbox(
            "Target column",
            columns,
            index=len(columns) - 1,
            key=TARGET_KEY,
            help="What the network predicts; every other column is a feature.",
        )
    task = st.segmented_control(
        "Task",
        TASKS,
        default="infer",
        required=True,
        key=TASK_KEY,
        help="infer: text labels or few distinct integers mean classification.",
    )
    return replace(upload, target=target, task=None if task == "infer" else task)


def _settle_link(shown: Settings, caps: Caps) -> None:
    """Move the address bar to today's keys and schema version once that changes nothing.

    A bound widget writes its value to the address bar only after a further run, and a bound key
    cannot be written directly; so an older key (``seeds``) and an older version stay until the
    address bar, read with today's keys and version, opens the settings ``shown`` (what the
    widgets hold). Until then it still opens the same settings the old way.
    """
    old_keys = {alias for f in FIELDS.values() for alias in f.aliases}
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    today = {key: value for key, value in query.items() if key not in old_keys}
    today[links.VERSION_KEY] = [str(links.SCHEMA_VERSION)]
    if today == query:
        return
    if config.open_link(today, caps=caps)[0] == shown:
        for key in old_keys & set(query):
            del st.query_params[key]
        st.query_params[links.VERSION_KEY] = str(links.SCHEMA_VERSION)


def _reset(settings: Settings = DEFAULTS) -> None:
    apply_settings(settings)


def apply_settings(settings: Settings) -> None:
    """Put ``settings`` into every settings widget (call it from a button's ``on_click``, so
    that it runs before the widgets are drawn): what a lesson's "show me" does."""
    for name, f in FIELDS.items():
        st.session_state[name] = widget_value(f, getattr(settings, name))


def _show_all(lesson) -> None:
    """Leave the classroom view: the hidden fields' widgets come back holding the lesson's
    values, and the address bar drops ``classroom``."""
    state = st.session_state
    for name, f in FIELDS.items():
        if name not in lesson.varies:
            state[name] = widget_value(f, getattr(lesson.settings, name))
    state[_SHOW_ALL] = True
    st.query_params.pop(links.CLASSROOM_KEY, None)


def _classroom_note(lesson) -> None:
    labels = ", ".join(FIELDS[name].label.lower() for name in lesson.varies) or "none"
    st.info(
        f"**Classroom view** of the lesson *{lesson.title}*: only the settings it varies are "
        f"shown ({labels}); the others keep the lesson's values.",
        icon=":material/school:",
    )
    st.button(
        "Show all settings",
        on_click=_show_all,
        args=(lesson,),
        key="show_all_settings",
        icon=":material/tune:",
    )


def settings_sidebar(caps: Caps = CAPS) -> Choice:
    """Draw the settings in the sidebar and return them, validated, as a :class:`Choice`.

    Call it once per run from the entry point, before the page runs, so the widgets are shared
    by every page; pages read the result with :func:`current`.
    """
    state = st.session_state
    pending = state.pop(_PENDING, {})
    for name, value in pending.items():
        state[name] = value  # corrections of the URL's values, before the widgets exist
    # Streamlit writes a programmatic value to the URL only once the widget has finished a run;
    # so on the next run, set each correction the user has not changed again, to fix the URL
    for name, value in state.pop(_RESYNC, {}).items():
        if state.get(name) == value:
            state[name] = value
    if pending:
        state[_RESYNC] = pending
    classroom = classroom_lesson()
    corrections = _check_url_once(caps, classroom)

    values, upload = {}, None
    with st.sidebar:
        if classroom is not None:
            _classroom_note(classroom)
        for section, names in SECTIONS.items():
            if classroom is not None:
                hidden = [name for name in names if name not in classroom.varies]
                for name in hidden:  # the lesson keeps these: its values, whatever was set
                    values[name] = widget_value(FIELDS[name], getattr(classroom.settings, name))
                names = [name for name in names if name not in hidden]
                if not names:
                    continue
            st.subheader(section)
            for name in names:
                # sample count and noise only apply to generated data (the dataset comes first)
                disabled = name in ("n_samples", "noise") and not is_generated(values["dataset"])
                values[name] = _draw(FIELDS[name], caps, disabled=disabled)
                if name == "dataset" and values[name] == config.UPLOAD:
                    upload = _upload_widgets()
        st.divider()
        if classroom is None:
            st.button("Reset to defaults", on_click=_reset, key="reset_settings")
        else:
            st.button(
                "Reset to the lesson's settings",
                on_click=_reset,
                args=(classroom.settings,),
                key="reset_settings",
            )
    if upload is None:
        state.pop(_UPLOAD_READ, None)  # the uploader is gone, and with it the file: drop its text

    if corrections:
        # Streamlit drops URL values its widgets cannot parse (and reads several options only
        # as repeated keys): put the validated values in, then draw again
        pending = {name: value for name, value in corrections.items() if values[name] != value}
        if pending:
            state[_PENDING] = pending
            st.rerun()
    settings, notices = config.validate(values, caps=caps)
    # every link says which schema version it follows, so that later defaults cannot change it
    _settle_link(settings, caps)
    # a URL correction stays on show while its field still holds the corrected value
    url_notices = [
        notice
        for name, (notice, value) in state.get(_URL_NOTICES, {}).items()
        if values[name] == value
    ]
    shown = tuple({n.message: n for n in [*url_notices, *notices]}.values())
    with st.sidebar:
        st.download_button(
            "Download settings (JSON)",
            settings.to_json(),
            file_name="reluscope-settings.json",
            mime="application/json",
            on_click="ignore",
            key="download_settings",
        )
        st.caption("The address bar holds every setting: copy it to share this exact view.")
    choice = Choice(settings, shown, upload)
    state[_STATE] = choice
    return choice


def is_generated(dataset: str) -> bool:
    """Whether ``dataset`` names a generator (which takes a sample count and noise)."""
    from reluscope.datasets import dataset_info

    try:
        return not dataset_info(dataset).real
    except DatasetError:  # bundled CSV files and uploads
        return False


def current() -> Choice:
    """The settings the sidebar returned on this run (defaults if it has not run)."""
    return st.session_state.get(_STATE) or Choice(DEFAULTS)
