"""The lab page's work, cached: shipped and live sweeps, Monte-Carlo estimates.

The frames, tables and sentences themselves are :mod:`reluscope.frames.lab` and
:mod:`reluscope.frames.lab_text`, which the page calls directly. Here: the live-sweep
form and its request, checked against the settings schema and the demo's caps; the widgets'
choices, which are also the Monte-Carlo caps; and the cached wrappers, bounded in entries and
bytes (``max_entries``, ``max_size``). Every function raises
:class:`~reluscope.errors.InvalidParameterError` (naming the field) on bad input; the page
shows it with ``st.error``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from reluscope import frames
from reluscope.config import CAPS, FIELDS, LIVE_SWEEP_START, Caps
from reluscope.errors import InvalidParameterError
from reluscope.frames.lab import LIVE_SWEEP_DATA, SHIPPED_MOMENTUM
from reluscope.sweep.grid import SEED_COUNT_FIELD
from reluscope.ui.gate import training_gate
from reluscope.ui.services import ProgressBar
from reluscope.validation import check_choice, check_integer

__all__ = [
    "BORN_DEAD_WIDTHS",
    "LIVE_SWEEP_HIDDEN_LAYERS",
    "RADII",
    "TRIALS",
    "UNITS",
    "LiveSweep",
    "LiveSweepForm",
    "bias_kill_frames",
    "born_dead_frames",
    "live_sweep",
    "live_sweep_form",
    "live_sweep_request",
    "precomputed",
]

LIVE_SWEEP_HIDDEN_LAYERS = "16x16"
LIVE_SWEEP_SOLVER = "sgd"  # with momentum SHIPPED_MOMENTUM["sweep"], as the shipped sweep

# Monte-Carlo choices; the widgets offer only these, so they are also the lab's compute caps
BORN_DEAD_WIDTHS = (2, 3, 5, 10)
TRIALS = (200, 500, 1000, 2000)  # networks per point: 2000 on 200 points takes ~5 s
UNITS = (200, 1000, 5000)
RADII = (0.5, 1.0, 2.0)


# --- the live sweep ------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveSweep:
    """A validated live sweep (hashable: the cache key)."""

    activations: tuple[str, ...]
    bias_offsets: tuple[float, ...]
    learning_rates: tuple[float, ...]
    n_seeds: int
    epochs: int

    @property
    def n_runs(self) -> int:
        return (
            len(self.activations) * len(self.bias_offsets) * len(self.learning_rates) * self.n_seeds
        )

    def grid(self) -> dict:
        return {
            "activations": self.activations,
            "bias_offsets": self.bias_offsets,
            "learning_rates": self.learning_rates,
            "seeds": self.n_seeds,
            "hidden_layers": LIVE_SWEEP_HIDDEN_LAYERS,
            # the shipped sweep's optimiser, so live cells compare with its cells whatever
            # the dashboard's default optimiser is
            "solvers": (LIVE_SWEEP_SOLVER,),
        }


@dataclass(frozen=True)
class LiveSweepForm:
    """What the live-sweep form offers, read from the settings schema and the demo's caps.

    Attributes
    ----------
    activation_options, activations : tuple of str
        The activations to pick from, and those picked at first.
    max_activations : int
    bias_offsets, learning_rates : str
        The first text of each list box (the settings field's default).
    n_seeds, epochs : tuple of (int, int, int)
        (lowest, highest, first value) of each count.
    """

    activation_options: tuple[str, ...]
    activations: tuple[str, ...]
    max_activations: int
    bias_offsets: str
    learning_rates: str
    n_seeds: tuple[int, int, int]
    epochs: tuple[int, int, int]


def _count_range(name: str, caps: Caps, first: int | None = None) -> tuple[int, int, int]:
    field = FIELDS[name]
    high = int(field.upper(caps))
    return int(field.low), high, min(high, int(field.default if first is None else first))


def live_sweep_form(caps: Caps = CAPS) -> LiveSweepForm:
    """The live-sweep form's options and ranges (``config.FIELDS``, ``caps``) and its first
    values (``config.LIVE_SWEEP_START``).

    >>> live_sweep_form().epochs == (1, CAPS.max_epochs, LIVE_SWEEP_START["epochs"])
    True
    """
    activations, start = FIELDS["activations"], LIVE_SWEEP_START
    max_activations = getattr(caps, activations.cap)
    return LiveSweepForm(
        activation_options=activations.choices(),
        activations=tuple(start["activations"][:max_activations]),
        max_activations=max_activations,
        bias_offsets=", ".join(map(FIELDS["bias_offset"].format, start["bias_offsets"])),
        learning_rates=", ".join(map(FIELDS["learning_rate"].format, start["learning_rates"])),
        n_seeds=_count_range(SEED_COUNT_FIELD, caps, start["n_seeds"]),
        epochs=_count_range("epochs", caps, start["epochs"]),
    )


def _count(field: str, raw, name: str, caps: Caps) -> int:
    """A count in the range of settings field ``name`` under the demo's caps."""
    low, high, _ = _count_range(name, caps)
    allowed = f"a whole number in [{low}, {high}] (the demo's cap, {FIELDS[name].cap})"
    return check_integer(field, raw, low, high, allowed=allowed)


def live_sweep_request(
    activations, bias_offsets, learning_rates, n_seeds, epochs, caps: Caps = CAPS
) -> LiveSweep:
    """Validate the live-sweep form against the sweep's ranges and the demo's caps.

    Parameters
    ----------
    activations : sequence of str or str
    bias_offsets, learning_rates : str or sequence of float
        Comma-separated text as typed, or numbers.
    n_seeds, epochs : int

    Returns
    -------
    LiveSweep

    Raises
    ------
    InvalidParameterError
        Naming the first bad field, what was given and what is allowed (caps by name).

    >>> live_sweep_request(["relu"], "-3, 0", "0.01", 2, 20).n_runs
    4
    """
    from reluscope.sweep import SweepGrid

    n_seeds = _count("n_seeds", n_seeds, SEED_COUNT_FIELD, caps)
    epochs = _count("epochs", epochs, "epochs", caps)
    if isinstance(activations, (list, tuple)) and not activations:
        raise InvalidParameterError("activations", "", "at least one activation")
    grid = SweepGrid(
        activations=activations,
        bias_offsets=bias_offsets,
        learning_rates=learning_rates,
        seeds=n_seeds,
        hidden_layers=LIVE_SWEEP_HIDDEN_LAYERS,
    )
    if len(grid.activations) > caps.max_activations:
        raise InvalidParameterError(
            "activations",
            ", ".join(grid.activations),
            f"at most {caps.max_activations} activations (the demo's cap, max_activations)",
        )
    request = LiveSweep(grid.activations, grid.bias_offsets, grid.learning_rates, n_seeds, epochs)
    if request.n_runs > caps.max_sweep_runs:
        raise InvalidParameterError(
            "runs",
            request.n_runs,
            f"at most {caps.max_sweep_runs} runs (the demo's cap, max_sweep_runs): activations "
            "× bias offsets × learning rates × seeds; use fewer values",
        )
    if request.n_runs * epochs > caps.max_sweep_run_epochs:
        most = caps.max_sweep_run_epochs // request.n_runs
        raise InvalidParameterError(
            "epochs",
            epochs,
            f"at most {most} epochs for {request.n_runs} runs (runs × epochs ≤ "
            f"{caps.max_sweep_run_epochs}, the demo's cap, max_sweep_run_epochs)",
        )
    return request


# --- cached core calls ------------------------------------------------------------------------


@st.cache_data(max_entries=2, max_size="64MB", show_spinner=False)
def precomputed(name: str) -> pd.DataFrame:
    """A run table shipped in ``data/precomputed/`` ("sweep" or "recovery")."""
    from reluscope.sweep import load_precomputed

    return load_precomputed(name)


@st.cache_data(max_entries=8, max_size="64MB", show_spinner=False)
def _live_sweep(request: LiveSweep, _progress=None) -> pd.DataFrame:
    from reluscope.sweep import run_sweep

    # a sweep trains as much as a comparison: it takes a slot of the server's training gate
    with training_gate().slot(None if _progress is None else _progress.waiting):
        result = run_sweep(
            request.grid(),
            epochs=request.epochs,
            momentum=SHIPPED_MOMENTUM["sweep"],
            progress=_progress,
            **LIVE_SWEEP_DATA,
        )
    return result.runs


def live_sweep(request: LiveSweep) -> pd.DataFrame:
    """Run (or fetch from the cache) a validated live sweep, with a progress bar."""
    progress = ProgressBar(f"Sweeping {request.n_runs} runs…", delay=0.0)
    try:
        return _live_sweep(request, _progress=progress)
    finally:
        progress.close()


def _check_choice(field: str, value, options) -> None:
    check_choice(field, value, options, allowed="one of " + ", ".join(f"{o:g}" for o in options))


@st.cache_data(max_entries=16, max_size="64MB", show_spinner=False)
def born_dead_frames(
    widths: tuple[int, ...], n_trials: int, on_data: bool, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`reluscope.frames.born_dead_frames` for the widgets' choices, cached.

    Parameters
    ----------
    widths : tuple of int
        Each of :data:`BORN_DEAD_WIDTHS`; depths are 1 … MAX_DEPTH.
    n_trials : int
        One of :data:`TRIALS`.
    on_data : bool
    seed : int
    """
    # an empty tuple passes here: the frames function refuses it
    for width in widths:
        _check_choice("widths", width, BORN_DEAD_WIDTHS)
    _check_choice("n_trials", n_trials, TRIALS)
    return frames.born_dead_frames(widths, n_trials, on_data, seed)


@st.cache_data(max_entries=16, max_size="64MB", show_spinner=False)
def bias_kill_frames(
    n_units: int, radius: float = 1.0, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`reluscope.frames.bias_kill_frames` for the widgets' choices (``n_units`` one of
    :data:`UNITS`, ``radius`` one of :data:`RADII`), cached."""
    _check_choice("n_units", n_units, UNITS)
    _check_choice("radius", radius, RADII)
    return frames.bias_kill_frames(n_units, radius, seed)
