"""Run tables: one row per run (and per epoch, for curves), and what the lab reads from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from reluscope import diagnostics
from reluscope.sweep.grid import format_hidden

__all__ = [
    "CURVE_COLUMNS",
    "ID_COLUMNS",
    "OLD_COLUMNS",
    "RUN_COLUMNS",
    "recovery_table",
    "run_frames",
    "summarize_run",
]

ID_COLUMNS = (
    "run",
    "activation",
    "negative_slope",
    "bias_offset",
    "learning_rate",
    "solver",
    "hidden_layers",
    "init",
    "seed",
)
"""Columns that identify a run, in both the run table and the curves table."""

RUN_COLUMNS = (
    *ID_COLUMNS,
    "epochs",
    "units",
    "final_loss",
    "final_score",
    "born_dead_fraction",
    "dead_fraction_final",
    "born_inactive_fraction",
    "inactive_fraction_final",
    "deaths",
    "recoveries",
    "born_dead",
    "recovered_dead",
    "born_inactive",
    "recovered_inactive",
    "diverged",
)
"""Columns of :attr:`SweepResult.runs` (plus ``final_val_loss``, ``final_val_score`` when a test
set is held out). ``born_dead`` counts the hidden units dead at epoch 0, ``born_dead_fraction``
is their share of ``units``; ``born_inactive`` and ``born_inactive_fraction`` likewise."""

CURVE_COLUMNS = (
    *ID_COLUMNS,
    "epoch",
    "loss",
    "score",
    "dead_fraction",
    "inactive_fraction",
    "grad_norm",
)
"""Columns of :attr:`SweepResult.curves` (plus ``val_loss``, ``val_score`` with a test set).
``grad_norm`` is the norm of the full-batch gradient of the data loss over every parameter;
a sweep runs the full-set backward pass only when it reports curves."""

OLD_COLUMNS = {
    "hidden": "hidden_layers",
    "dead_fraction_init": "born_dead_fraction",
    "inactive_fraction_init": "born_inactive_fraction",
}
"""Old column name → today's, for run tables written before the rename."""

_INTEGER_COLUMNS = (
    "run",
    "seed",
    "epochs",
    "units",
    "deaths",
    "recoveries",
    "born_dead",
    "recovered_dead",
    "born_inactive",
    "recovered_inactive",
)


def summarize_run(result, curves: bool = False):
    """One run's row of the run table, and optionally its per-epoch curves.

    Parameters
    ----------
    result : reluscope.experiment.RunResult
        Trained with diagnostics on.
    curves : bool

    Returns
    -------
    row : dict
        The metric columns of :data:`RUN_COLUMNS` (identity columns are added by the caller).
    curve : dict of ndarray (n_epochs + 1,) or None
        epoch, loss, score, dead_fraction, inactive_fraction, grad_norm [, val_loss,
        val_score] (``grad_norm`` NaN when the run was trained without gradient norms).
    """
    history = result.history
    records = history.records
    dead, inactive = records["dead"], records["inactive"]  # (n_epochs + 1, units)
    deaths, recoveries = history.unit_events()
    row = {
        "epochs": history.n_epochs,
        "units": dead.shape[1],
        "final_loss": float(records["loss"][-1]),
        "final_score": float(records["score"][-1]),
        "born_dead_fraction": float(dead[0].mean()),
        "dead_fraction_final": float(dead[-1].mean()),
        "born_inactive_fraction": float(inactive[0].mean()),
        "inactive_fraction_final": float(inactive[-1].mean()),
        "deaths": int(deaths.sum()),
        "recoveries": int(recoveries.sum()),
        "born_dead": int(dead[0].sum()),
        "recovered_dead": int(diagnostics.recovered(dead).sum()),
        "born_inactive": int(inactive[0].sum()),
        "recovered_inactive": int(diagnostics.recovered(inactive).sum()),
        "diverged": bool(result.diverged),
    }
    if "val_loss" in records:
        row["final_val_loss"] = float(records["val_loss"][-1])
        row["final_val_score"] = float(records["val_score"][-1])
    curve = None
    if curves:
        curve = {
            "epoch": np.arange(history.n_epochs + 1),
            "loss": np.asarray(records["loss"], dtype=np.float64),
            "score": np.asarray(records["score"], dtype=np.float64),
            "dead_fraction": dead.mean(axis=1),
            "inactive_fraction": inactive.mean(axis=1),
            "grad_norm": _total_norm(records),
        }
        if "val_loss" in records:
            curve["val_loss"] = np.asarray(records["val_loss"], dtype=np.float64)
            curve["val_score"] = np.asarray(records["val_score"], dtype=np.float64)
    return row, curve


def _total_norm(records):
    """‖full-batch gradient‖ over every layer per epoch, from the per-layer norms."""
    if "grad_norm" not in records:
        return np.full(len(records["loss"]), np.nan)
    layers = np.asarray(records["grad_norm"], dtype=np.float64)
    return np.sqrt(np.square(layers).sum(axis=1))


def _table_slope(point: Mapping) -> float:
    """The slope shown in the table: the leak of leaky_relu, 0 for relu, NaN otherwise."""
    if point["activation"] == "relu":
        return 0.0
    return point["negative_slope"]


def run_frames(points: Sequence[Mapping], summaries: Sequence, with_curves: bool):
    """The run table and (``with_curves``) the curves table of finished runs.

    Parameters
    ----------
    points : sequence of dict, length n_runs
        :meth:`SweepGrid.points`, in run order.
    summaries : sequence of (row, curve), length n_runs
        :func:`summarize_run` of each run, in the same order.
    with_curves : bool

    Returns
    -------
    runs : pandas.DataFrame (n_runs, len(RUN_COLUMNS) [+ 2])
    curves : pandas.DataFrame (n_runs × (epochs + 1), len(CURVE_COLUMNS) [+ 2]) or None
    """
    import pandas as pd

    identity = {
        "run": np.arange(len(points)),
        "activation": [p["activation"] for p in points],
        "negative_slope": [_table_slope(p) for p in points],
        "bias_offset": [p["bias_offset"] for p in points],
        "learning_rate": [p["learning_rate"] for p in points],
        "solver": [p["solver"] for p in points],
        "hidden_layers": [format_hidden(p["hidden_layers"]) for p in points],
        "init": [p["init"] for p in points],
        "seed": [p["seed"] for p in points],
    }
    runs = pd.concat([pd.DataFrame(identity), pd.DataFrame([row for row, _ in summaries])], axis=1)
    runs = runs.astype({**dict.fromkeys(_INTEGER_COLUMNS, "int64"), "diverged": "bool"})
    extra = [c for c in ("final_val_loss", "final_val_score") if c in runs]
    runs = runs[[*RUN_COLUMNS[:-1], *extra, "diverged"]]
    if not with_curves:
        return runs, None
    lengths = np.array([len(curve["epoch"]) for _, curve in summaries])
    columns = {name: np.repeat(np.asarray(values), lengths) for name, values in identity.items()}
    for name in summaries[0][1]:
        columns[name] = np.concatenate([curve[name] for _, curve in summaries])
    return runs, pd.DataFrame(columns)


def recovery_table(runs, by: Sequence[str] = ("activation", "negative_slope", "solver")):
    """Share of born-inactive units that are no longer inactive at the end, per group.

    Parameters
    ----------
    runs : pandas.DataFrame
        A run table with ``born_inactive``, ``recovered_inactive``, ``born_dead`` and
        ``recovered_dead``.
    by : sequence of str

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by`` columns, ``n_runs``, ``born_inactive``,
        ``recovered_inactive`` (totals over runs), ``recovered_share`` (their ratio),
        ``share_mean``, ``share_ci_low``, ``share_ci_high`` (over runs with born-inactive
        units; :func:`reluscope.stats.summarize`, so one such run gives a zero-width
        interval), ``born_dead`` and ``recovered_dead`` (totals).
    """
    import pandas as pd

    from reluscope.stats import recovered_share, summarize

    by = list(by)
    shares = runs[by].assign(
        share=recovered_share(runs["recovered_inactive"], runs["born_inactive"])
    )
    summary = summarize(shares, by, "share", bounds=(0.0, 1.0), sort=False)
    rows = []
    groups = runs.groupby(by, sort=False, dropna=False)
    for (key, group), stat in zip(groups, summary.itertuples(), strict=True):
        born = group["born_inactive"].to_numpy()
        recovered = group["recovered_inactive"].to_numpy()
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "n_runs": len(group),
                "born_inactive": int(born.sum()),
                "recovered_inactive": int(recovered.sum()),
                "recovered_share": recovered_share(recovered.sum(), born.sum()),
                "share_mean": stat.mean,
                "share_ci_low": stat.ci_low,
                "share_ci_high": stat.ci_high,
                "born_dead": int(group["born_dead"].sum()),
                "recovered_dead": int(group["recovered_dead"].sum()),
            }
        )
    return pd.DataFrame(rows)
