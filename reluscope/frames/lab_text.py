"""The sentences the Lab writes about a run table: its settings, its diverged runs, and what
the recovery table finds, with its numbers."""

from __future__ import annotations

import pandas as pd

from reluscope.diagnostics import DIVERGENCE_RULE
from reluscope.frames.lab import LIVE_SWEEP_DATA, SHIPPED_MOMENTUM
from reluscope.stats import recovered_share

__all__ = ["describe_sweep", "diverged_note", "recovery_finding"]


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
        solver, born_inactive, recovered_inactive, born_dead, recovered_dead``), e.g.
        :attr:`reluscope.frames.RecoveryFrames.table`.
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
