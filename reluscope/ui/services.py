"""The core's work, cached by validated settings: datasets, comparisons and the frames drawn.

What the pages draw is kept as live objects in byte-bounded stores (:class:`ByteBoundedStore`,
one per kind, held by ``st.cache_resource`` and so shared by every session): a rerun on a cache
hit unpickles nothing and rebuilds no frame — the trained comparison keeps its memoised frames,
and :func:`frame` keeps what a frames function derives from it. Each store evicts its least
recently used entries once its bytes (counted by :func:`nbytes`) pass its bound, so a busy
hosted demo cannot grow without limit.

Trainings pass the server's gate (:mod:`reluscope.ui.gate`): a few at a time, with a message
while a session waits, and a cached result never waits. With each training's working memory
capped (``reluscope.config.budget.cap_working``), this bounds the server's memory whatever
the number of visitors.

Errors the user can act on (:class:`~reluscope.errors.InvalidParameterError`,
:class:`~reluscope.errors.DatasetError`) are shown with ``st.error`` and stop only the page
body: the sidebar stays, so the user can fix the setting.
"""

from __future__ import annotations

import contextvars
import hashlib
import inspect
import io
import math
import sys
import threading
import time
import types
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace

import numpy as np
import streamlit as st

from reluscope import config
from reluscope.config import CAPS, UPLOAD, Caps, Notice, Settings
from reluscope.config.budget import cap_working
from reluscope.errors import DatasetError, InvalidParameterError
from reluscope.ui.components import escape_markdown
from reluscope.ui.gate import training_gate
from reluscope.ui.sidebar import Choice, is_generated

__all__ = [
    "COMPARISON_BYTES",
    "DATASET_BYTES",
    "USER_ERRORS",
    "ByteBoundedStore",
    "LiveCurves",
    "ProgressBar",
    "chart",
    "comparison",
    "dataset",
    "fingerprint",
    "frame",
    "load_dataset",
    "n_outputs",
    "nbytes",
    "run_settings",
    "show_chart",
    "training",
    "working_settings",
]

USER_ERRORS = (InvalidParameterError, DatasetError)
# a progress bar appears only when training takes longer than this (seconds)
PROGRESS_DELAY = 0.3
# a training this long (seconds) shows its curves as they fill in, redrawn this often
LIVE_DELAY = 1.0
LIVE_EVERY = 1.0
# byte bounds of the stores: a comparison keeps every model's weights at every epoch
COMPARISON_BYTES = 512 * 2**20
DATASET_BYTES = 256 * 2**20
# the caps that lower the epochs for the size of a run (config.cap_work)
RUN_SIZE_CAPS = ("max_work", "max_stored")


def nbytes(value, _seen: set[int] | None = None) -> int:
    """Bytes held by ``value`` and everything it refers to, each array buffer counted once.

    Arrays count their base buffer (views share it), pandas objects their deep memory usage;
    containers and plain objects (dataclasses, ``__slots__``) are walked; functions, classes
    and modules count their own header only.

    >>> nbytes(np.zeros((2, 1000))) >= 16000
    True
    """
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        while isinstance(value.base, np.ndarray):  # a view: count the buffer it shares
            value = value.base
            if id(value) in seen:
                return 0
            seen.add(id(value))
        return int(value.nbytes)
    if hasattr(value, "memory_usage") and hasattr(value, "dtypes"):  # DataFrame, Series
        usage = value.memory_usage(deep=True)
        return int(usage.sum() if hasattr(usage, "sum") else usage)
    if isinstance(value, (str, bytes, bytearray, int, float, complex, bool, type(None))):
        return sys.getsizeof(value)
    if isinstance(value, (type, types.ModuleType)) or inspect.isroutine(value):
        return sys.getsizeof(value)
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        return size + sum(nbytes(k, seen) + nbytes(v, seen) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return size + sum(nbytes(item, seen) for item in value)
    slots = [name for cls in type(value).__mro__ for name in getattr(cls, "__slots__", ())]
    fields = [getattr(value, name) for name in slots if hasattr(value, name)]
    return size + nbytes(getattr(value, "__dict__", {}), seen) + nbytes(fields, seen)


@dataclass
class _Entry:
    value: object
    derived: dict = field(default_factory=dict)
    nbytes: int = 0


class ByteBoundedStore:
    """A least-recently-used store of live objects, bounded in entries and in bytes.

    Values are kept as they are (never pickled), so a hit costs a dictionary lookup. Each entry
    may carry derived values (:meth:`derived`), counted in its bytes and evicted with it. An
    entry larger than the whole bound is returned to its caller but not kept.

    Parameters
    ----------
    max_bytes : int
        Bound on the summed :func:`nbytes` of every entry and its derived values.
    max_entries : int
    """

    def __init__(self, max_bytes: int, max_entries: int) -> None:
        self.max_bytes = int(max_bytes)
        self.max_entries = int(max_entries)
        self.total_bytes = 0
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()  # sessions run in threads of one process

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def key_of(self, value) -> Hashable | None:
        """The key ``value`` itself (not an equal copy) is stored under, or ``None``."""
        with self._lock:
            return next((k for k, entry in self._entries.items() if entry.value is value), None)

    def get(self, key: Hashable):
        """The value stored under ``key`` (now the most recently used), or ``None``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry.value

    def put(self, key: Hashable, value) -> None:
        """Store ``value`` under ``key``, evicting the least recently used beyond the bounds."""
        size = nbytes(value)
        with self._lock:
            self._drop(key)
            if size <= self.max_bytes:
                self._entries[key] = _Entry(value, nbytes=size)
                self.total_bytes += size
            self._evict()

    def derived(self, key: Hashable, name: Hashable, build: Callable[[], object]):
        """``build()``, memoised under ``name`` with the entry ``key`` (computed, not kept,
        when ``key`` is not stored)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and name in entry.derived:
                self._entries.move_to_end(key)
                return entry.derived[name]
        value = build()
        size = nbytes(value)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and name not in entry.derived:
                entry.derived[name] = value
                entry.nbytes += size
                self.total_bytes += size
                self._entries.move_to_end(key)
                self._evict()
        return value

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.total_bytes -= entry.nbytes

    def _evict(self) -> None:
        while self._entries and (
            len(self._entries) > self.max_entries or self.total_bytes > self.max_bytes
        ):
            self._drop(next(iter(self._entries)))


@st.cache_resource(show_spinner=False)
def _datasets() -> ByteBoundedStore:
    return ByteBoundedStore(DATASET_BYTES, max_entries=32)


@st.cache_resource(show_spinner=False)
def _comparisons() -> ByteBoundedStore:
    return ByteBoundedStore(COMPARISON_BYTES, max_entries=16)


def _read(choice: Choice):
    """The full dataset a choice names: a settings choice or the upload (which must exist)."""
    from reluscope.datasets import from_choice, load_csv

    settings = choice.settings
    if settings.dataset != UPLOAD:
        return from_choice(
            settings.dataset, settings.n_samples, settings.noise, random_state=settings.seed
        )
    upload = choice.upload
    if upload.error is not None:  # the sidebar's one read of the file failed: say why again
        error = upload.error
        raise DatasetError(str(error), field=error.field, value=error.value)
    source = upload.source  # the sidebar's read, so that the bytes are decoded once a session
    if source is None:
        source = io.BytesIO(upload.data)
        source.name = upload.name  # load_csv names the dataset after the file
    return load_csv(source, target=upload.target, task=upload.task)


def _dataset_key(choice: Choice, caps: Caps) -> Hashable | None:
    """What the loaded (and capped) data depends on; ``None`` for an upload not yet made."""
    settings = choice.settings
    if settings.dataset == UPLOAD:
        if choice.upload is None:
            return None
        upload = choice.upload
        source = (UPLOAD, upload.name, upload.digest, upload.target, upload.task)
    elif is_generated(settings.dataset):
        source = (settings.dataset, settings.n_samples, settings.noise)
    else:  # real data and bundled files ignore the generator's settings
        source = (settings.dataset,)
    # the seed draws generated data, and the subset of any data above the sample cap
    return (*source, settings.seed, caps.max_samples)


def _capped(data, seed: int, caps: Caps):
    """``data`` within the sample cap, and the notice when it was subsampled."""
    if data.n_samples <= caps.max_samples:
        return data, []
    # a stratified random subset, drawn as the "test" part of a split of the right size
    _, subset = data.split(test_size=caps.max_samples, random_state=seed)
    message = (  # shown as Markdown: the name of an uploaded file is escaped
        f"dataset: {escape_markdown(data.name)} has {data.n_samples} rows, above the cap of "
        f"{caps.max_samples} samples (max_samples); using a stratified random subset of "
        f"{caps.max_samples}."
    )
    return subset, [Notice("dataset", message, data.n_samples, "", "max_samples")]


def load_dataset(choice: Choice, caps: Caps = CAPS):
    """The dataset the settings name, and notices about caps applied to it.

    Returns
    -------
    dataset : Dataset or None
        ``None`` when the dataset is an upload and no file has been uploaded yet.
    notices : list of Notice

    Raises
    ------
    DatasetError
        When the data cannot be made or read.
    """
    key = _dataset_key(choice, caps)
    if key is None:
        return None, []
    store = _datasets()
    loaded = store.get(key)
    if loaded is None:
        loaded = _capped(_read(choice), choice.settings.seed, caps)
        store.put(key, loaded)
    data, notices = loaded
    return data, list(notices)


def dataset(choice: Choice, caps: Caps = CAPS):
    """The chosen dataset; on an error or a missing upload, say so and stop the page body."""
    try:
        data, notices = load_dataset(choice, caps)
    except USER_ERRORS as error:
        # the message quotes the file's names and cells: shown as written, never as Markdown
        st.error(f"**The data could not be loaded.** {escape_markdown(error)}")
        st.stop()
    for notice in notices:
        st.warning(notice.message)
    if data is None:
        st.info("Choose a CSV file in the sidebar (**Dataset → upload**) to continue.")
        st.stop()
    return data


def fingerprint(data) -> str:
    """A short digest of a dataset's contents: the cache key for training on it."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (data.X, data.y):
        digest.update(part.tobytes())
    names = (data.task, data.feature_names, data.target_name, data.class_names)
    digest.update(repr(names).encode())
    return digest.hexdigest()


def n_outputs(data) -> int:
    """Output units of a network for this data: 1 for binary or regression, else classes."""
    return data.n_classes if data.task == "classification" and data.n_classes > 2 else 1


def _train(settings: Settings, data, progress=None):
    from reluscope.experiment import compare

    result = compare(data, progress=progress, **settings.run_arguments())
    for build in (result.epochs, result.layers, result.plateaus, result.summary):
        build()  # the frames every page draws, memoised in the comparison before it is stored
    return result


class ProgressBar:
    """A progress callback for the core that draws a bar once work lasts over ``delay`` seconds.

    It may be called from inside a cached function (the lab's sweeps), where Streamlit records
    element calls for replay and refuses calls on blocks made outside; running the update in
    the context copied before the call keeps it out of that recording (the bar is transient,
    not part of the cached result). Updates are drawn at most every 0.1 s.

    Parameters
    ----------
    label : str
        Text before the percentage, e.g. ``"Training…"``.
    delay : float or None
        Seconds before the bar first appears; ``None`` means :data:`PROGRESS_DELAY`.
    """

    def __init__(self, label: str = "Training…", delay: float | None = None) -> None:
        self._label = label
        self._delay = PROGRESS_DELAY if delay is None else delay
        self._context = contextvars.copy_context()
        self._slot = st.empty()
        self._started = time.perf_counter()
        self._last = -math.inf

    def __call__(self, fraction: float) -> None:
        now = time.perf_counter()
        if now - self._started < self._delay or now - self._last < 0.1:
            return
        self._last = now
        fraction = min(max(float(fraction), 0.0), 1.0)
        self._context.run(self._draw, fraction)

    def _draw(self, fraction: float) -> None:
        self._slot.progress(fraction, text=f"{self._label} {fraction:.0%}")

    def waiting(self, message: str) -> None:
        """Show ``message`` (a wait for a training slot) where the bar will be."""
        self._context.run(self._slot.info, message, icon=":material/hourglass_top:")

    def close(self) -> None:
        self._context.run(self._slot.empty)


class LiveCurves:
    """A watcher for :data:`reluscope.engine.EPOCH_WATCH`: while a training lasts over
    :data:`LIVE_DELAY` seconds, its loss and dead-unit curves so far, redrawn every
    :data:`LIVE_EVERY` seconds, in a slot that :meth:`close` empties. It reads the state only
    (:func:`reluscope.live.snapshot`), so the training is the one it would be unwatched.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._slot = st.empty()
        self._started = time.perf_counter()
        self._last = -math.inf

    def __call__(self, state) -> None:
        now = time.perf_counter()
        if now - self._started < LIVE_DELAY or now - self._last < LIVE_EVERY:
            return
        self._last = now
        from reluscope import charts, frames, live
        from reluscope.ui.components import draw_chart, prepare_chart

        settings = self._settings
        so_far = live.snapshot(state, settings.hidden_layers, settings.activations, settings.seeds)
        curves = frames.training_curves(so_far)
        with self._slot.container():
            st.caption(
                f"Training: epoch {so_far.n_epochs} of {settings.epochs}. The curves fill in "
                "as epochs complete."
            )
            left, right = st.columns(2)
            # stable specs (components.prepare_chart): each update swaps the curves' rows
            with left:
                draw_chart(prepare_chart(charts.loss_chart(curves.loss)), save=False)
            with right:
                dead = charts.dead_fraction_chart(curves.dead_fraction)
                draw_chart(prepare_chart(dead), save=False)

    def close(self) -> None:
        self._slot.empty()


def run_settings(settings: Settings, data, caps: Caps = CAPS) -> tuple[Settings, Notice | None]:
    """The settings to train on ``data``: epochs lowered to the compute caps for its size.

    The caps count the rows, features and outputs of the data actually loaded, not the
    ``n_samples`` setting (which real, bundled and uploaded data ignore).
    """
    sized = replace(settings, n_samples=data.n_samples)
    capped, notice = config.cap_work(sized, data.n_features, n_outputs(data), caps=caps)
    return replace(settings, epochs=capped.epochs), notice


def working_settings(
    settings: Settings, data, caps: Caps | None = CAPS
) -> tuple[Settings, Notice | None]:
    """The settings to train on ``data``: seeds lowered to the working-memory cap for its size
    (``reluscope.config.budget.cap_working``; none when ``caps`` is ``None``)."""
    if caps is None:
        return settings, None
    sized = replace(settings, n_samples=data.n_samples)
    capped, notice = cap_working(sized, data.n_features, n_outputs(data))
    return replace(settings, n_seeds=capped.n_seeds), notice


def training(settings: Settings, data, caps: Caps = CAPS, asked_epochs: int | None = None):
    """Train (or fetch from the cache) the comparison these settings describe on ``data``.

    Returns the comparison and the settings actually trained (the memory cap may lower the
    seeds, the compute caps the epochs, for large data). ``asked_epochs`` are the epochs asked
    for before a run-size cap lowered ``settings.epochs``: when the memory cap lowers the seeds,
    the fewer models get as many of them as the compute caps allow. A training waits for a slot
    of the :func:`~reluscope.ui.gate.training_gate` (with a message), or for the same training
    in another session; a cached result is returned at once. Errors are shown with
    ``st.error`` and stop the page body.
    """
    settings, memory = working_settings(settings, data, caps)
    if memory is not None and asked_epochs is not None:
        settings = replace(settings, epochs=asked_epochs)
    settings, notice = run_settings(settings, data, caps)
    for capped in (memory, notice):
        if capped is not None:
            st.warning(capped.message, icon=":material/warning:")
    store, key = _comparisons(), (settings, fingerprint(data))
    result = store.get(key)
    if result is not None:
        return result, settings
    from reluscope.engine import EPOCH_WATCH

    progress, watch = ProgressBar(), LiveCurves(settings)

    def build():
        token = EPOCH_WATCH.set(watch)  # the live curves of this session's own training only
        try:
            trained = _train(settings, data, progress=progress)
        finally:
            EPOCH_WATCH.reset(token)
        store.put(key, trained)  # before the gate lets sessions waiting for it look it up
        return trained

    try:
        result = training_gate().once(key, build, lambda: store.get(key), progress.waiting)
    except USER_ERRORS as error:
        st.error(f"**Training failed.** {error}")
        st.stop()
    finally:
        progress.close()
        watch.close()
    return result, settings


def frame(build: Callable, comparison, *args: Hashable):
    """``build(comparison, *args)``, kept with the cached ``comparison`` until it is evicted.

    For what a page draws from a trained comparison (a frames or charts function and its view
    options): a rerun with the same options reuses the result. ``build`` is part of the key, so
    it must be a module-level function (a page script's own functions are new on every run). A
    comparison that is not cached (evicted, or trained outside :func:`training`) gets the
    result computed, not kept.
    """
    store = _comparisons()
    return store.derived(store.key_of(comparison), (build, args), lambda: build(comparison, *args))


def chart(comparison, make_chart: Callable, *frames_in: object, view: Hashable = (),
          key: str | None = None, **options):  # fmt: skip
    """The chart ``make_chart(*frames_in, **options)``, prepared to draw
    (:func:`reluscope.ui.components.prepare_chart`) once and kept with the cached
    ``comparison`` (like :func:`frame`).

    ``frames_in`` are what the page drew from ``comparison`` (frames, titles); whatever else
    decides them, such as a view option, goes into ``view``. The key is ``make_chart`` (a
    module-level charts function), ``view`` and ``options``, so a rerun with the same view
    options builds, validates and converts no chart.
    """
    from reluscope.ui.components import prepare_chart

    store = _comparisons()
    name = ("chart", make_chart, view, key, tuple(sorted(options.items())))
    return store.derived(
        store.key_of(comparison),
        name,
        lambda: prepare_chart(make_chart(*frames_in, **options), key),
    )


def show_chart(comparison, make_chart: Callable, *frames_in: object, view: Hashable = (),
               key: str | None = None, **options) -> None:  # fmt: skip
    """Draw :func:`chart` as ``components.show_chart`` would (panel grid, PNG and SVG)."""
    from reluscope.ui.components import draw_chart

    prepared = chart(comparison, make_chart, *frames_in, view=view, key=key, **options)
    draw_chart(prepared, key=key)


def comparison(choice: Choice, caps: Caps = CAPS):
    """Notices, dataset and trained comparison for the page being drawn, in one call.

    Returns
    -------
    comparison : reluscope.experiment.Comparison
    settings : Settings
        What was trained (after the compute-budget cap).
    data : Dataset
        The raw (unstandardised) dataset.
    """
    data = dataset(choice, caps)
    # the epochs asked for, if the sidebar's run-size check lowered them for these settings
    asked = [n.value for n in choice.notices if n.cap in RUN_SIZE_CAPS and n.field == "epochs"]
    result, settings = training(choice.settings, data, caps, *asked[:1])
    return result, settings, data
