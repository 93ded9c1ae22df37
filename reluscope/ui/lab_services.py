"""The lab page's work, cached: shipped and live sweeps, Monte-Carlo estimates, their tables.

Pure helpers (validation, tables, sentences) come first and take no Streamlit; the cached
wrappers after them are bounded in entries and bytes (``max_entries``, ``max_size``).
Every function raises :class:`~reluscope.errors.InvalidParameterError` (naming the field) on
bad input; the page shows it with ``st.error``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from reluscope.config import CAPS, FIELDS, Caps
from reluscope.diagnostics import DIVERGENCE_RULE
from reluscope.errors import InvalidParameterError
from reluscope.stats import recovered_share
from reluscope.sweep.grid import SEED_COUNT_FIELD
from reluscope.ui.services import ProgressBar
from reluscope.validation import check_choice, check_integer

__all__ = [
    "BIAS_GRID",
    "BORN_DEAD_WIDTHS",
    "DATA_POINTS",
    "LIVE_SWEEP_DATA",
    "LIVE_SWEEP_HIDDEN_LAYERS",
    "MAX_DEPTH",
    "RADII",
    "TRIALS",
    "UNITS",
    "LiveSweep",
    "LiveSweepForm",
    "bias_kill_frames",
    "born_dead_frames",
    "describe_sweep",
    "diverged_note",
    "live_sweep",
    "live_sweep_form",
    "live_sweep_request",
    "precomputed",
    "recovery_finding",
    "recovery_runs",
]

# the data and training of the shipped sweeps (data/README.md); the run tables do not record
# them, and a live sweep uses the same so that its cells compare with the shipped ones
LIVE_SWEEP_DATA = {
    "dataset": "moons",
    "n_samples": 300,
    "noise": 0.2,
    "data_seed": 0,
    "batch_size": 32,
}
LIVE_SWEEP_HIDDEN_LAYERS = "16x16"
SHIPPED_MOMENTUM = {"sweep": 0.9, "recovery": 0.0}  # `reluscope sweep --momentum` of each file

# Monte-Carlo choices; the widgets offer only these, so they are also the lab's compute caps
BORN_DEAD_WIDTHS = (2, 3, 5, 10)
MAX_DEPTH = 10
TRIALS = (200, 500, 1000, 2000)  # networks per point: 2000 on 200 points takes ~5 s
DATA_POINTS = 200  # "all zero on 200 uniform points" (Lu et al. 2020)
UNITS = (200, 1000, 5000)
RADII = (0.5, 1.0, 2.0)
BIAS_GRID = tuple(float(b) for b in np.arange(-4.0, 1.0 + 1e-9, 0.25))


# --- the phase diagram ------------------------------------------------------------------------


def diverged_note(runs: pd.DataFrame) -> str | None:
    """One sentence naming the cells with diverged runs, or None when none diverged."""
    diverged = runs[runs["diverged"].astype(bool)]
    if diverged.empty:
        return None
    cells = (
        diverged.groupby(["activation", "learning_rate"], sort=False)
        .size()
        .reset_index(name="runs")
    )
    where = "; ".join(
        f"{row.activation} at learning rate {row.learning_rate:g} ({row.runs})"
        for row in cells.itertuples()
    )
    return (
        f"{len(diverged)} of {len(runs)} runs diverged ({DIVERGENCE_RULE}) and are "
        f"left out of the means: {where}. A cell's tooltip counts the seeds that finished; a "
        "cell where every seed diverged has no colour."
    )


def _solver_name(solver: str, momentum: float | None) -> str:
    if solver == "adam":
        return "Adam"
    if solver == "sgd" and momentum is not None:
        return "plain SGD (no momentum)" if momentum == 0 else f"SGD (momentum {momentum:g})"
    return solver


def _axis(singular: str, plural: str, values: list, text=str) -> tuple[bool, str]:
    """(varies, description) of one axis of a sweep."""
    if len(values) == 1:
        return False, f"{singular} {text(values[0])}"
    return True, f"{len(values)} {plural} ({', '.join(map(text, values))})"


def describe_sweep(runs: pd.DataFrame, momentum: float | None = None) -> str:
    """The settings of a run table in one sentence, read from the table itself; the data and
    batch size, which the table does not record, from :data:`LIVE_SWEEP_DATA`.

    Parameters
    ----------
    runs : DataFrame
        A run table (columns ``reluscope.sweep.RUN_COLUMNS``).
    momentum : float, optional
        SGD's momentum, when known (the table does not record it).
    """
    finished = runs[~runs["diverged"].astype(bool)]
    slopes = runs.loc[runs["activation"] == "leaky_relu", "negative_slope"].dropna()
    axes = [
        _axis("activation", "activations", list(runs["activation"].unique())),
        _axis("leaky slope", "leaky slopes", sorted(slopes.unique()), "{:g}".format),
        _axis("bias offset", "bias offsets", sorted(runs["bias_offset"].unique()), "{:g}".format),
        _axis(
            "learning rate", "learning rates", sorted(runs["learning_rate"].unique()), "{:g}".format
        ),
        _axis(
            "optimiser",
            "optimisers",
            list(runs["solver"].unique()),
            lambda solver: _solver_name(solver, momentum),
        ),
    ]
    if slopes.empty:
        del axes[1]
    varying = [text for varies, text in axes if varies]
    fixed = [text for varies, text in axes if not varies]
    seeds = runs["seed"].nunique()
    epochs = finished["epochs"].max() if len(finished) else runs["epochs"].max()
    data = LIVE_SWEEP_DATA
    fixed += [
        f"hidden layers {', '.join(runs['hidden_layers'].astype(str).unique())}",
        f"{epochs} epochs",
        f"batch {data['batch_size']}",
        f"{', '.join(runs['init'].unique())} initialisation",
        f"{data['dataset']} ({data['n_samples']} samples, noise {data['noise']:g})",
    ]
    return f"{' × '.join([*varying, f'{seeds} seeds'])}: {len(runs)} runs; {', '.join(fixed)}."


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


def _count_range(name: str, caps: Caps) -> tuple[int, int, int]:
    field = FIELDS[name]
    return int(field.low), int(field.upper(caps)), int(field.default)


def live_sweep_form(caps: Caps = CAPS) -> LiveSweepForm:
    """The live-sweep form's options, ranges and first values (``config.FIELDS``, ``caps``).

    >>> live_sweep_form().epochs == (1, CAPS.max_epochs, FIELDS["epochs"].default)
    True
    """
    activations = FIELDS["activations"]
    return LiveSweepForm(
        activation_options=activations.choices(),
        activations=activations.default,
        max_activations=getattr(caps, activations.cap),
        bias_offsets=FIELDS["bias_offset"].format(FIELDS["bias_offset"].default),
        learning_rates=FIELDS["learning_rate"].format(FIELDS["learning_rate"].default),
        n_seeds=_count_range(SEED_COUNT_FIELD, caps),
        epochs=_count_range("epochs", caps),
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


# --- recovery ---------------------------------------------------------------------------------


def recovery_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The run table with each run's ``recovered_share`` of its born-inactive units (NaN when
    none was born inactive), as :func:`reluscope.charts.recovery_chart` takes it."""
    return runs.assign(
        recovered_share=recovered_share(runs["recovered_inactive"], runs["born_inactive"])
    )


def _how_many(share: float) -> str:
    if share == 0:
        return "none"
    if share < 0.1:
        return "almost none"
    if share < 0.5:
        return "some"
    if share < 0.9:
        return "most"
    return "nearly all"


def recovery_finding(
    table: pd.DataFrame, slope: float = 0.1, momentum: float | None = SHIPPED_MOMENTUM["recovery"]
) -> str:
    """The finding of the recovery table in words, with its numbers (Markdown).

    Parameters
    ----------
    table : DataFrame
        :func:`reluscope.sweep.recovery_table` of a run table (``activation, negative_slope,
        solver, born_inactive, recovered_inactive, born_dead, recovered_dead``).
    slope : float
        The leaky slope to report (the nearest in the table).
    momentum : float, optional
        SGD's momentum in the runs (the table does not record it).
    """
    parts, leak_alone_is_not_enough = [], False
    leaky = table[table["activation"] == "leaky_relu"]
    if not leaky.empty:
        nearest = leaky.loc[(leaky["negative_slope"] - slope).abs().idxmin(), "negative_slope"]
        rows = leaky[leaky["negative_slope"] == nearest]
        shares = rows.set_index("solver")["recovered_share"]
        leak_alone_is_not_enough = shares.get("sgd", 1.0) < 0.1 and shares.get("adam", 0.0) > 0.5
        clauses = [
            f"under {_solver_name(row.solver, momentum)} "
            f"**{_how_many(row.recovered_share)}** of them come back "
            f"({row.recovered_inactive} of {row.born_inactive}, {row.recovered_share:.1%})"
            for row in rows.itertuples()
            if row.born_inactive > 0
        ]
        if clauses:
            parts.append(
                f"With a leak of {nearest:g}, born-inactive leaky ReLU units still learn, but "
                + "; ".join(clauses)
                + "."
            )
    relu = table[(table["activation"] == "relu") & (table["born_dead"] > 0)]
    if not relu.empty:
        clauses = [
            f"{row.recovered_dead} of {row.born_dead} recover under "
            f"{_solver_name(row.solver, momentum)}"
            for row in relu.itertuples()
        ]
        recovered = recovered_share(relu["recovered_dead"].sum(), relu["born_dead"].sum())
        fate = "stay dead" if recovered == 0 else f"mostly stay dead ({recovered:.1%} recover)"
        parts.append(f"Born-dead ReLUs {fate} whatever the optimiser: {'; '.join(clauses)}.")
    if not parts:
        return "The table has no leaky ReLU or born-dead ReLU units to report."
    if leak_alone_is_not_enough:
        parts.append("A leak makes recovery *possible*; the optimiser decides whether it happens.")
    return " ".join(parts)


# --- cached core calls ------------------------------------------------------------------------


@st.cache_data(max_entries=2, max_size="64MB", show_spinner=False)
def precomputed(name: str) -> pd.DataFrame:
    """A run table shipped in ``data/precomputed/`` ("sweep" or "recovery")."""
    from reluscope.sweep import load_precomputed

    return load_precomputed(name)


@st.cache_data(max_entries=8, max_size="64MB", show_spinner=False)
def _live_sweep(request: LiveSweep, _progress=None) -> pd.DataFrame:
    from reluscope.sweep import run_sweep

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
    """Monte-Carlo share of zero-bias He-normal ReLU networks born collapsed, and the closed form.

    Parameters
    ----------
    widths : tuple of int
        Layer widths to draw (each of :data:`BORN_DEAD_WIDTHS`); depths are 1 … MAX_DEPTH.
    n_trials : int
        Networks per (width, depth), one of :data:`TRIALS`.
    on_data : bool
        Collapsed on :data:`DATA_POINTS` points uniform in [−1, 1]² rather than at one point.
    seed : int
        Every (width, depth) point draws from its own generator seeded by (seed, width, depth).

    Returns
    -------
    measured : DataFrame
        ``width, depth, probability, ci_low, ci_high, n_trials`` (Wilson 95 % interval).
    theory : DataFrame
        ``width, depth, probability``: 1 − ∏(1 − 2^−Nₗ), exact at one point and an upper
        bound on a data set.
    """
    from reluscope.theory import born_dead_probability, simulate_born_dead

    if not widths:
        raise InvalidParameterError("widths", widths, "at least one width")
    for width in widths:
        _check_choice("widths", width, BORN_DEAD_WIDTHS)
    _check_choice("n_trials", n_trials, TRIALS)
    X = np.random.default_rng(seed).uniform(-1.0, 1.0, (DATA_POINTS, 2)) if on_data else None
    measured, theory = [], []
    for width in widths:
        for depth in range(1, MAX_DEPTH + 1):
            layers = [width] * depth
            estimate = simulate_born_dead(layers, n_trials, X=X, random_state=(seed, width, depth))
            low, high = estimate.wilson_interval()
            measured.append((width, depth, estimate.p, low, high, n_trials))
            theory.append((width, depth, born_dead_probability(layers)))
    columns = ["width", "depth", "probability"]
    return (
        pd.DataFrame(measured, columns=[*columns, "ci_low", "ci_high", "n_trials"]),
        pd.DataFrame(theory, columns=columns),
    )


@st.cache_data(max_entries=16, max_size="64MB", show_spinner=False)
def bias_kill_frames(
    n_units: int, radius: float = 1.0, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Measured share of first-layer ReLU units dead on a circle at initialisation, per bias
    offset in :data:`BIAS_GRID`, and the closed form 1 − exp(−b²/(2R²σ²)) with σ = 1 (He-normal
    on two inputs).

    The same weights are used at every bias (one seed), so the measured curve is monotone.

    Returns
    -------
    measured : DataFrame
        ``bias_offset, dead_fraction, ci_low, ci_high, n_trials`` (Wilson 95 % interval).
    theory : DataFrame
        ``bias_offset, probability`` on a fine grid.
    """
    from reluscope.theory import bias_kill_probability, dead_first_layer_fraction

    _check_choice("n_units", n_units, UNITS)
    _check_choice("radius", radius, RADII)
    rows = []
    for bias in BIAS_GRID:
        estimate = dead_first_layer_fraction(bias, n_units, radius=radius, random_state=seed)
        rows.append((bias, estimate.p, *estimate.wilson_interval(), n_units))
    measured = pd.DataFrame(
        rows, columns=["bias_offset", "dead_fraction", "ci_low", "ci_high", "n_trials"]
    )
    fine = np.linspace(BIAS_GRID[0], BIAS_GRID[-1], 201)
    theory = pd.DataFrame(
        {"bias_offset": fine, "probability": bias_kill_probability(fine, radius=radius)}
    )
    return measured, theory
