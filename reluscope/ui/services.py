"""The core's work, cached by validated settings: datasets and comparisons.

Every cache is bounded (``max_entries``) so a busy hosted demo cannot grow without limit.
Errors the user can act on (:class:`~reluscope.errors.InvalidParameterError`,
:class:`~reluscope.errors.DatasetError`) are shown with ``st.error`` and stop only the page
body: the sidebar stays, so the user can fix the setting.
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import math
import time
from dataclasses import replace

import streamlit as st

from reluscope import config
from reluscope.config import BUNDLED_PREFIX, CAPS, UPLOAD, Caps, Notice, Settings
from reluscope.errors import DatasetError, InvalidParameterError
from reluscope.ui.sidebar import Choice, is_generated

__all__ = [
    "USER_ERRORS",
    "ProgressBar",
    "comparison",
    "dataset",
    "fingerprint",
    "load_dataset",
    "n_outputs",
    "run_settings",
    "training",
]

USER_ERRORS = (InvalidParameterError, DatasetError)
# a progress bar appears only when training takes longer than this (seconds)
PROGRESS_DELAY = 0.3


# one cache per kind of data: a generator's data depends on its settings, the others do not
@st.cache_data(max_entries=32, show_spinner=False)
def _generated(name: str, n_samples: int, noise: float, seed: int):
    from reluscope.datasets import from_choice

    return from_choice(name, n_samples, noise, random_state=seed)


@st.cache_data(max_entries=16, show_spinner=False)
def _real(name: str):
    from reluscope.datasets import from_choice

    return from_choice(name)


@st.cache_data(max_entries=8, show_spinner=False)
def _bundled(name: str):
    from reluscope.datasets import from_choice

    return from_choice(name)


@st.cache_data(max_entries=4, show_spinner=False)
def _uploaded(data: bytes, file_name: str, target: str | None, task: str | None):
    from reluscope.datasets import load_csv

    buffer = io.BytesIO(data)
    buffer.name = file_name  # load_csv names the dataset after the file
    return load_csv(buffer, target=target, task=task)


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
    settings = choice.settings
    name = settings.dataset
    if name == UPLOAD:
        if choice.upload is None:
            return None, []
        upload = choice.upload
        data = _uploaded(upload.data, upload.name, upload.target, upload.task)
    elif name.startswith(BUNDLED_PREFIX):
        data = _bundled(name)
    elif is_generated(name):
        data = _generated(name, settings.n_samples, settings.noise, settings.seed)
    else:
        data = _real(name)
    if data.n_samples <= caps.max_samples:
        return data, []
    # a stratified random subset, drawn as the "test" part of a split of the right size
    _, subset = data.split(test_size=caps.max_samples, random_state=settings.seed)
    message = (
        f"dataset: {data.name} has {data.n_samples} rows, above the cap of {caps.max_samples} "
        f"samples (max_samples); using a stratified random subset of {caps.max_samples}."
    )
    notice = Notice("dataset", message, data.n_samples, "", "max_samples")
    return subset, [notice]


def dataset(choice: Choice, caps: Caps = CAPS):
    """The chosen dataset; on an error or a missing upload, say so and stop the page body."""
    try:
        data, notices = load_dataset(choice, caps)
    except USER_ERRORS as error:
        st.error(f"**The data could not be loaded.** {error}")
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


# max_size bounds memory: one comparison keeps every model's weights at every epoch
@st.cache_data(max_entries=16, max_size="512MB", show_spinner=False)
def _train(settings: Settings, dataset_key: str, _dataset, _progress=None):
    from reluscope.experiment import compare

    return compare(_dataset, progress=_progress, **settings.compare_kwargs())


class ProgressBar:
    """A progress callback for the core that draws a bar once work lasts over ``delay`` seconds.

    It is called from inside a cached function, where Streamlit records element calls for
    replay and refuses calls on blocks made outside; running the update in the context copied
    before the call keeps it out of that recording (the bar is transient, not part of the
    cached result). Updates are drawn at most every 0.1 s.

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

    def close(self) -> None:
        self._context.run(self._slot.empty)


def run_settings(settings: Settings, data, caps: Caps = CAPS) -> tuple[Settings, Notice | None]:
    """The settings to train on ``data``: epochs lowered to the compute caps for its size.

    The caps count the rows, features and outputs of the data actually loaded, not the
    ``n_samples`` setting (which real, bundled and uploaded data ignore).
    """
    sized = replace(settings, n_samples=data.n_samples)
    capped, notice = config.cap_work(sized, data.n_features, n_outputs(data), caps=caps)
    return replace(settings, epochs=capped.epochs), notice


def training(settings: Settings, data, caps: Caps = CAPS):
    """Train (or fetch from the cache) the comparison these settings describe on ``data``.

    Returns the comparison and the settings actually trained (the compute cap may lower the
    epochs for wide data). Errors are shown with ``st.error`` and stop the page body.
    """
    settings, notice = run_settings(settings, data, caps)
    if notice is not None:
        st.warning(notice.message)
    progress = ProgressBar()
    try:
        result = _train(settings, fingerprint(data), data, _progress=progress)
    except USER_ERRORS as error:
        st.error(f"**Training failed.** {error}")
        st.stop()
    finally:
        progress.close()
    return result, settings


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
    result, settings = training(choice.settings, data, caps)
    return result, settings, data
