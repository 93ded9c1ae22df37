"""What verdicts read from a comparison: unit counts per run, extra runs, plain numbers.

Every function takes a :class:`~reluscope.experiment.Comparison` as it was trained, from any
settings; the counts follow the definitions of :mod:`reluscope.diagnostics` (one state per
unit, *off*, *recovered by epoch T*).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

__all__ = [
    "Counts",
    "counts",
    "described",
    "epochs_of",
    "first_layer_change",
    "missing",
    "percent",
    "retrain",
    "spread",
    "stuck_plateau",
]


@dataclass(frozen=True)
class Counts:
    """Hidden units of one run, counted at initialisation and at the last epoch."""

    units: int
    born_dead: int
    dead: int
    born_off: int
    off: int
    recovered: int  # off at epoch 0 and not off at the last epoch
    dead_recovered: int  # dead at epoch 0 and not dead at the last epoch
    first_layer_units: int
    first_layer_born_dead: int


def counts(run) -> Counts:
    """The :class:`Counts` of one :class:`~reluscope.experiment.RunResult`."""
    history = run.history
    dead, off = history.records["dead"], history.off()
    first = history.hidden_layers[0]
    return Counts(
        units=int(dead.shape[1]),
        born_dead=int(dead[0].sum()),
        dead=int(dead[-1].sum()),
        born_off=int(off[0].sum()),
        off=int(off[-1].sum()),
        recovered=int(history.recovered().sum()),
        dead_recovered=int((dead[0] & ~dead[-1]).sum()),
        first_layer_units=int(first),
        first_layer_born_dead=int(dead[0, :first].sum()),
    )


def missing(comparison, *activations: str) -> str | None:
    """A sentence naming the activations the claim needs that ``comparison`` lacks, or None."""
    absent = [name for name in activations if name not in comparison.activations]
    if not absent:
        return None
    names = " and ".join(_NAMES.get(name, name) for name in absent)
    verb, pronoun = ("is", "it") if len(absent) == 1 else ("are", "them")
    return f"{names} {verb} not among the activations compared; add {pronoun} to see this claim."


_NAMES = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "sigmoid", "tanh": "tanh"}


def name_of(activation: str) -> str:
    """The activation's name as a sentence writes it (ReLU, leaky ReLU, …)."""
    return _NAMES.get(activation, activation)


def epochs_of(comparison) -> str:
    """The run's length as a sentence writes it: ``"1 epoch"``, ``"100 epochs"``."""
    n = comparison.n_epochs
    return f"{n} epoch" if n == 1 else f"{n} epochs"


def percent(part: float, whole: float) -> str:
    """``part`` of ``whole`` as a whole percentage, e.g. ``"70 %"`` (``"0 %"`` of nothing)."""
    return f"{100 * part / whole:.0f} %" if whole else "0 %"


def spread(values) -> str:
    """Mean and range of a few numbers, e.g. ``"0.94 (0.92–0.96)"``."""
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.2f} ({values.min():.2f}–{values.max():.2f})"


def described(comparison) -> str:
    """The optimiser, learning rate and bias offset of a comparison, as a phrase."""
    spec = next(iter(comparison.runs.values())).spec
    solver = {"sgd": "SGD", "adam": "Adam"}.get(comparison.config.solver, comparison.config.solver)
    return (
        f"{solver} at learning rate {spec.learning_rate:g}, bias offset {spec.bias_offset:g}, "
        f"{epochs_of(comparison)}"
    )


def first_layer_change(run, units) -> np.ndarray:
    """Largest absolute change, from epoch 0 to the last, of each first-layer unit's incoming
    weights and bias; shape (len(units),)."""
    (w0, b0), *_ = run.history.parameters(0)
    (w1, b1), *_ = run.history.parameters(-1)
    change = np.abs(np.vstack([w1, b1]) - np.vstack([w0, b0])).max(axis=0)
    return change[np.asarray(units, dtype=int)]


def stuck_plateau(run) -> tuple[int, int] | None:
    """The plateau of a run that lasts to its last epoch (a stuck run), or None."""
    plateaus = run.history.plateaus()
    if plateaus and plateaus[-1][1] == run.history.n_epochs:
        return plateaus[-1]
    return None


def retrain(comparison, *, activations=None, seeds=None, **changes):
    """The comparison of other runs on ``comparison``'s own data: deterministic, so a verdict
    that needs more seeds or a small grid gets the same numbers every time.

    Parameters
    ----------
    comparison : Comparison
    activations, seeds : sequence, optional
        Default: those of ``comparison``.
    **changes
        ``hidden_layers``, ``epochs`` or ``solver`` (shared by every run), or
        ``bias_offset``, ``learning_rate``, ``negative_slope``, ``init`` (of each run).

    Returns
    -------
    Comparison
        Paired as :func:`~reluscope.experiment.compare` pairs them: every activation of a
        seed starts from one draw.
    """
    from reluscope.experiment import Comparison, train_runs

    shared = {k: changes.pop(k) for k in ("hidden_layers", "epochs", "solver") if k in changes}
    config = replace(comparison.config, **shared)
    base = replace(next(iter(comparison.runs.values())).spec, **changes)
    activations = tuple(comparison.activations if activations is None else activations)
    seeds = tuple(comparison.seeds if seeds is None else seeds)
    keys = [(activation, seed) for seed in seeds for activation in activations]
    specs = [replace(base, activation=activation, seed=seed) for activation, seed in keys]
    train, test = comparison.train, comparison.test
    results = train_runs(
        train.X, train.y, specs, config, task=train.task, eval_set=(test.X, test.y)
    )
    return Comparison(
        train=train,
        test=test,
        activations=activations,
        seeds=seeds,
        runs=dict(zip(keys, results, strict=True)),
        config=config,
        output=comparison.output,
    )
