"""The Lab's frames: phase-diagram cells, Monte-Carlo points with Wilson intervals, bias-kill
points and recovery bars, from sweep run tables and theory tables."""

from __future__ import annotations

import pandas as pd

from reluscope.frames._columns import require_columns
from reluscope.stats import recovered_share, summarize, wilson_interval

__all__ = [
    "FRACTION_VALUES",
    "RUN_VARIANTS",
    "bias_kill_points",
    "is_fraction",
    "phase_cells",
    "recovery_bars",
    "with_interval",
]

FRACTION_VALUES = ("born_dead_fraction", "dead_fraction_final", "inactive_fraction_final")
# run settings besides the heatmap's axes; a phase diagram must not average over them
RUN_VARIANTS = ("solver", "hidden_layers", "init", "negative_slope")


def is_fraction(value: str) -> bool:
    """Whether a run-table column is a share in [0, 1]."""
    return value in FRACTION_VALUES or value.endswith("_fraction")


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
