"""The Lab's frames: phase-diagram cells, Monte-Carlo points with Wilson intervals, bias-kill
points and recovery bars, from sweep run tables and theory tables, and the Monte-Carlo frames
themselves (the sentences the Lab writes about a run table: :mod:`reluscope.frames.lab_text`).

Pure pandas and NumPy: the dashboard's ``lab_services`` caches these and bounds their inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reluscope.errors import InvalidParameterError
from reluscope.frames._columns import require_columns
from reluscope.stats import recovered_share, summarize, wilson_interval
from reluscope.validation import check_integer, check_real

__all__ = [
    "BIAS_GRID",
    "DATA_POINTS",
    "FRACTION_VALUES",
    "LIVE_SWEEP_DATA",
    "MAX_DEPTH",
    "PHASE_SHARES",
    "RUN_VARIANTS",
    "SHIPPED_MOMENTUM",
    "RecoveryFrames",
    "bias_kill_frames",
    "bias_kill_points",
    "born_dead_frames",
    "is_fraction",
    "phase_cells",
    "phase_value",
    "recovery_bars",
    "recovery_frames",
    "recovery_runs",
    "with_interval",
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
SHIPPED_MOMENTUM = {"sweep": 0.9, "recovery": 0.0}  # `reluscope sweep --momentum` of each file

MAX_DEPTH = 10  # born dead: depths 1 … MAX_DEPTH
DATA_POINTS = 200  # "all zero on 200 uniform points" (Lu et al. 2020)
BIAS_GRID = tuple(float(b) for b in np.arange(-4.0, 1.0 + 1e-9, 0.25))

FRACTION_VALUES = ("born_dead_fraction", "dead_fraction_final", "inactive_fraction_final")
# the unit shares a phase diagram can show, by the word the Lab offers: a leaky unit is never
# dead, so its panel needs the inactive share (z ≤ 0 on every input) to show anything
PHASE_SHARES = {"dead": "dead_fraction_final", "inactive": "inactive_fraction_final"}
# run settings besides the heatmap's axes; a phase diagram must not average over them
RUN_VARIANTS = ("solver", "hidden_layers", "init", "negative_slope")


def is_fraction(value: str) -> bool:
    """Whether a run-table column is a share in [0, 1]."""
    return value in FRACTION_VALUES or value.endswith("_fraction")


def phase_value(share: str = "dead", final_loss: bool = False) -> str:
    """The run-table column a phase diagram shows: the final loss, or a unit share of
    :data:`PHASE_SHARES` (``InvalidParameterError`` for another share).

    >>> phase_value("inactive"), phase_value("inactive", final_loss=True)
    ('inactive_fraction_final', 'final_loss')
    """
    if share not in PHASE_SHARES:
        raise InvalidParameterError("share", share, "one of " + ", ".join(PHASE_SHARES))
    return "final_loss" if final_loss else PHASE_SHARES[share]


def _finished_runs(frame: pd.DataFrame, keys: list[str], value: str, bounds) -> pd.DataFrame:
    """:func:`summarize` over the runs a ``diverged`` column does not flag, with the count of
    those it flags per group as ``diverged`` (without the column: every run counts)."""
    if "diverged" not in frame:
        return summarize(frame, keys, value, bounds=bounds)
    diverged = frame["diverged"].astype(bool)
    finished = frame.assign(**{value: frame[value].where(~diverged)})
    counts = diverged.groupby([frame[key] for key in keys], dropna=False).sum().reset_index()
    return summarize(finished, keys, value, bounds=bounds).merge(counts, on=keys, how="left")


def phase_cells(
    frame: pd.DataFrame, value: str = "dead_fraction_final", row: str | None = None
) -> pd.DataFrame:
    """Mean and 95 % interval over seeds per (activation, bias offset, learning rate) cell.

    Parameters
    ----------
    frame : DataFrame
        One row per run (the sweep's run table): ``activation, bias_offset, learning_rate,
        value`` and usually ``seed``. Runs whose ``value`` is infinite or missing are left out,
        and so are those a ``diverged`` column flags: a diverged run's last state is not a
        result (its units read 0 % dead).
    value : str, default "dead_fraction_final"
        Shares (:func:`is_fraction`) get intervals clipped to [0, 1].
    row : str, optional
        A further setting that varies in ``frame`` (one of :data:`RUN_VARIANTS`): one cell per
        value. Any other that varies is an error, rather than a silent average over different
        settings.

    Returns
    -------
    DataFrame
        ``activation, bias_offset, learning_rate, [row], mean, ci_low, ci_high, n`` and, with a
        ``diverged`` column in ``frame``, ``diverged`` (runs left out per cell).
    """
    require_columns(frame, ["activation", "bias_offset", "learning_rate", value], "phase diagram")
    keys = ["activation", "bias_offset", "learning_rate", *([row] if row else [])]
    require_columns(frame, keys, "phase diagram")
    mixed = [
        column
        for column in RUN_VARIANTS
        if column in frame
        and column != row
        and (frame.groupby("activation")[column].nunique() > 1).any()
    ]
    if mixed:
        raise ValueError(
            f"the runs mix several values of {', '.join(mixed)}; filter them to one, or pass "
            f"row={mixed[0]!r} for one row of panels per value."
        )
    return _finished_runs(frame, keys, value, bounds=(0.0, 1.0) if is_fraction(value) else None)


def with_interval(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """Monte-Carlo shares with their Wilson 95 % interval ``ci_low, ci_high``.

    Parameters
    ----------
    frame : DataFrame
        ``value`` (a share) and either ``ci_low, ci_high`` (kept as they are) or ``n_trials``
        (the interval of round(value · n_trials) events in n_trials).
    """
    if {"ci_low", "ci_high"} <= set(frame.columns):
        return frame
    require_columns(frame, [value, "n_trials"], "Monte-Carlo points (ci_low/ci_high or n_trials)")
    trials = frame["n_trials"].astype(int).to_numpy()
    events = (frame[value].to_numpy() * trials).round().astype(int)
    low, high = wilson_interval(events, trials)
    return frame.assign(ci_low=low, ci_high=high)


def bias_kill_points(measured: pd.DataFrame, value: str = "dead_fraction") -> pd.DataFrame:
    """Measured first-layer dead shares per bias offset, with a 95 % interval.

    Parameters
    ----------
    measured : DataFrame
        ``bias_offset, value`` per run (summarised: mean and Student-t interval over rows, e.g.
        seeds), or already with ``ci_low, ci_high`` or ``n_trials`` (Wilson interval);
        optional ``activation`` (default ``"relu"``).

    Returns
    -------
    DataFrame
        ``activation, bias_offset, probability, ci_low, ci_high`` (and ``n`` when summarised).
    """
    require_columns(measured, ["bias_offset", value], "bias-kill measurements")
    measured = measured if "activation" in measured else measured.assign(activation="relu")
    if {"ci_low", "ci_high"} <= set(measured.columns) or "n_trials" in measured:
        return with_interval(measured, value).rename(columns={value: "probability"})
    points = summarize(measured, ["activation", "bias_offset"], value, bounds=(0.0, 1.0))
    return points.rename(columns={"mean": "probability"})


def recovery_bars(frame: pd.DataFrame, value: str = "recovered_share") -> pd.DataFrame:
    """Mean share of born-inactive units that recover, per optimiser × activation × slope.

    Parameters
    ----------
    frame : DataFrame
        ``activation, negative_slope, solver`` and ``value`` per run, or the sweep's run table
        (``born_inactive`` and ``recovered_inactive`` counts give the share,
        :func:`reluscope.stats.recovered_share`; runs with no born-inactive unit are left out).
        A missing negative slope (ReLU) counts as 0.

    Returns
    -------
    DataFrame
        ``solver, activation, negative_slope, mean, ci_low, ci_high, n``; groups in the order
        they first appear in ``frame`` (so the optimisers keep the run table's order).
    """
    if value not in frame and {"recovered_inactive", "born_inactive"} <= set(frame.columns):
        share = recovered_share(frame["recovered_inactive"], frame["born_inactive"])
        frame = frame.assign(**{value: share})
    require_columns(frame, ["activation", "negative_slope", "solver", value], "recovery chart")
    frame = frame.assign(negative_slope=frame["negative_slope"].fillna(0.0))
    keys = ["solver", "activation", "negative_slope"]
    return summarize(frame, keys, value, bounds=(0.0, 1.0), sort=False)


def recovery_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The run table with each run's ``recovered_share`` of its born-inactive units (NaN when
    none was born inactive), as :func:`recovery_bars` takes it."""
    require_columns(runs, ["recovered_inactive", "born_inactive"], "recovered shares")
    return runs.assign(
        recovered_share=recovered_share(runs["recovered_inactive"], runs["born_inactive"])
    )


@dataclass(frozen=True)
class RecoveryFrames:
    """What the Lab shows of a recovery run table, built once.

    Attributes
    ----------
    runs : DataFrame
        :func:`recovery_runs`: the run table with each run's ``recovered_share``.
    table : DataFrame
        :func:`reluscope.sweep.recovery_table` of it: totals per activation × slope ×
        optimiser, as :func:`recovery_finding` reads them.
    bars : DataFrame
        :func:`recovery_bars` of it, as :func:`reluscope.charts.recovery_chart` draws them.
    """

    runs: pd.DataFrame
    table: pd.DataFrame
    bars: pd.DataFrame


def recovery_frames(runs: pd.DataFrame) -> RecoveryFrames:
    """The recovered shares of a run table per run, per group in totals, and as bars.

    Parameters
    ----------
    runs : DataFrame
        A run table with ``activation, negative_slope, solver, born_inactive,
        recovered_inactive, born_dead, recovered_dead``.
    """
    from reluscope.sweep import recovery_table

    shares = recovery_runs(runs)
    return RecoveryFrames(runs=shares, table=recovery_table(shares), bars=recovery_bars(shares))


# --- Monte-Carlo frames against their closed forms --------------------------------------------


def born_dead_frames(
    widths, n_trials: int, on_data: bool, seed: int = 0, max_depth: int = MAX_DEPTH
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monte-Carlo share of zero-bias He-normal ReLU networks born collapsed, and the closed form.

    Parameters
    ----------
    widths : sequence of int
        Layer widths to draw; depths are 1 … ``max_depth``.
    n_trials : int
        Networks per (width, depth).
    on_data : bool
        Collapsed on :data:`DATA_POINTS` points uniform in [−1, 1]² rather than at one point.
    seed : int
        Every (width, depth) point draws from its own generator seeded by (seed, width, depth).
    max_depth : int, default MAX_DEPTH

    Returns
    -------
    measured : DataFrame
        ``width, depth, probability, ci_low, ci_high, n_trials`` (Wilson 95 % interval).
    theory : DataFrame
        ``width, depth, probability``: 1 − ∏(1 − 2^−Nₗ), exact at one point and an upper
        bound on a data set.
    """
    from reluscope.theory import born_dead_probability, simulate_born_dead

    if not len(widths):
        raise InvalidParameterError("widths", widths, "at least one width")
    widths = [check_integer("widths", width) for width in widths]
    n_trials = check_integer("n_trials", n_trials)
    max_depth = check_integer("max_depth", max_depth)
    X = np.random.default_rng(seed).uniform(-1.0, 1.0, (DATA_POINTS, 2)) if on_data else None
    measured, theory = [], []
    for width in widths:
        for depth in range(1, max_depth + 1):
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
        ``bias_offset, dead_fraction, ci_low, ci_high, n_trials`` (Wilson 95 % interval), as
        :func:`bias_kill_points` takes it.
    theory : DataFrame
        ``activation, bias_offset, probability`` on a fine grid; activation ``"relu"``.
    """
    from reluscope.theory import bias_kill_probability, dead_first_layer_fraction

    n_units = check_integer("n_units", n_units)
    radius = check_real("radius", radius, 0.0, low_open=True)
    rows = []
    for bias in BIAS_GRID:
        estimate = dead_first_layer_fraction(bias, n_units, radius=radius, random_state=seed)
        rows.append((bias, estimate.p, *estimate.wilson_interval(), n_units))
    measured = pd.DataFrame(
        rows, columns=["bias_offset", "dead_fraction", "ci_low", "ci_high", "n_trials"]
    )
    fine = np.linspace(BIAS_GRID[0], BIAS_GRID[-1], 201)
    theory = pd.DataFrame(
        {
            "activation": "relu",
            "bias_offset": fine,
            "probability": bias_kill_probability(fine, radius=radius),
        }
    )
    return measured, theory
