"""Lessons on ReLU units dying: no gradient, what kills them, why they stay dead, and the
training they stall (claims 2–5)."""

from __future__ import annotations

import numpy as np

from reluscope.lessons.base import Lesson, Verdict
from reluscope.lessons.evidence import (
    counts,
    epochs_of,
    first_layer_change,
    missing,
    percent,
    retrain,
    stuck_plateau,
)
from reluscope.lessons.settings import story_settings

__all__ = ["DYING", "MIN_EPOCHS"]

# the fewest epochs in which "stays dead" or "comes back" says anything
MIN_EPOCHS = 20


def _dead_get_no_gradient(comparison) -> Verdict:
    absent = missing(comparison, "relu")
    if absent:
        return Verdict(False, absent)
    runs = [comparison.runs[("relu", seed)] for seed in comparison.seeds]
    still, moved, alive_moves = 0, 0.0, []
    for run in runs:
        first = run.history.hidden_layers[0]
        dead = run.history.records["dead"][:, :first]
        always = np.flatnonzero(dead.all(axis=0))
        still += always.size
        moved = max(moved, float(first_layer_change(run, always).max(initial=0.0)))
        alive_moves.extend(first_layer_change(run, np.flatnonzero(~dead.any(axis=0))))
    figures = {
        "dead_first_layer_units": still,
        "largest_dead_change": moved,
        "median_alive_change": float(np.median(alive_moves)) if alive_moves else 0.0,
    }
    if still == 0:
        return Verdict(
            False,
            "No first-layer ReLU unit was dead for the whole run, so there is no dead unit to "
            "watch; a negative bias offset (−2 or lower) kills some at initialisation.",
            figures,
        )
    holds = moved == 0.0 and figures["median_alive_change"] > 0.0
    sentence = (
        f"{still} first-layer ReLU units were dead at every epoch; in {epochs_of(comparison)} "
        f"their weights and biases changed by exactly {moved:g}, while the units that were never "
        f"dead moved by a median {figures['median_alive_change']:.2f}."
    )
    if not holds:
        sentence += " A penalty or momentum from an earlier step moved the dead units."
    return Verdict(holds, sentence, figures)


def _bias_kills(comparison) -> Verdict:
    absent = missing(comparison, "relu")
    if absent:
        return Verdict(False, absent)
    spec = next(iter(comparison.runs.values())).spec
    if spec.bias_offset >= 0:
        return Verdict(
            False,
            f"The bias offset is {spec.bias_offset:g}: nothing pushes the units below zero. "
            "Set it to −2 to see ReLU units born dead.",
        )
    reference = retrain(comparison, activations=("relu",), bias_offset=0.0, epochs=1)
    born = sum(counts(comparison.runs[("relu", s)]).born_dead for s in comparison.seeds)
    born_zero = sum(counts(reference.runs[("relu", s)]).born_dead for s in comparison.seeds)
    units = counts(comparison.runs[("relu", comparison.seeds[0])]).units * len(comparison.seeds)
    figures = {"units": units, "born_dead": born, "born_dead_at_zero_bias": born_zero}
    share, share_zero = born / units, born_zero / units
    holds = share >= 0.25 and share >= share_zero + 0.2
    sentence = (
        f"With bias offset {spec.bias_offset:g}, {born} of {units} ReLU units "
        f"({percent(born, units)}) were dead at initialisation; from the same weights with "
        f"bias offset 0, {born_zero} ({percent(born_zero, units)})."
    )
    if not holds:
        sentence += " This offset is too small to kill many; try −2 or lower."
    return Verdict(holds, sentence, figures)


def _large_step_kills(comparison) -> Verdict:
    absent = missing(comparison, "relu")
    if absent:
        return Verdict(False, absent)
    spec = next(iter(comparison.runs.values())).spec
    small = _SMALL_RATE[comparison.config.solver]
    if spec.learning_rate <= small:
        return Verdict(
            False,
            f"The learning rate {spec.learning_rate:g} is small; a step of 0.5 or more "
            "knocks ReLU units dead.",
        )
    reference = retrain(comparison, activations=("relu",), learning_rate=small)
    seeds = comparison.seeds
    dead = sum(counts(comparison.runs[("relu", s)]).dead for s in seeds)
    born = sum(counts(comparison.runs[("relu", s)]).born_dead for s in seeds)
    dead_small = sum(counts(reference.runs[("relu", s)]).dead for s in seeds)
    units = counts(comparison.runs[("relu", seeds[0])]).units * len(seeds)
    figures = {"units": units, "born_dead": born, "dead": dead, "dead_at_small_rate": dead_small}
    holds = dead >= born + 0.2 * units and dead >= dead_small + 0.2 * units
    sentence = (
        f"At learning rate {spec.learning_rate:g}, {dead} of {units} ReLU units "
        f"({percent(dead, units)}) were dead after {epochs_of(comparison)} ({born} at "
        "initialisation); "
        f"at {small:g}, from the same weights, {dead_small} ({percent(dead_small, units)})."
    )
    if not holds:
        sentence += " This step is not large enough to knock many units dead."
    return Verdict(holds, sentence, figures)


def _dead_stay_dead(comparison) -> Verdict:
    absent = missing(comparison, "relu")
    if absent:
        return Verdict(False, absent)
    found = [counts(comparison.runs[("relu", s)]) for s in comparison.seeds]
    born = sum(c.born_dead for c in found)
    back = sum(c.dead_recovered for c in found)
    first_born = sum(c.first_layer_born_dead for c in found)
    first_back = 0
    for seed in comparison.seeds:
        run = comparison.runs[("relu", seed)]
        dead = run.history.records["dead"][:, : run.history.hidden_layers[0]]
        first_back += int((dead[0] & ~dead[-1]).sum())
    figures = {
        "born_dead": born,
        "recovered": back,
        "first_layer_born_dead": first_born,
        "first_layer_recovered": first_back,
    }
    if born == 0:
        return Verdict(
            False,
            "No ReLU unit was dead at initialisation; a bias offset of −2 kills many.",
            figures,
        )
    holds = first_back == 0 and back <= born / 3 and comparison.n_epochs >= MIN_EPOCHS
    deeper = (
        f" ({back - first_back} in deeper layers, whose inputs changed)"
        if back > first_back
        else ""
    )
    sentence = (
        f"Of {born} ReLU units dead at initialisation, {back} ({percent(back, born)}) were alive "
        f"again after {epochs_of(comparison)}{deeper}"
    )
    if first_born:
        sentence += (
            f"; of the {first_born} dead in the first layer, whose inputs never change, "
            f"{first_back} came back"
        )
    sentence += "."
    if comparison.n_epochs < MIN_EPOCHS:
        sentence += f" Train for {MIN_EPOCHS} epochs or more to see whether they come back."
    return Verdict(holds, sentence, figures)


def _gentler(comparison) -> tuple[str, dict] | None:
    """The change that spares the units, as a phrase and ``retrain`` arguments: bias offset 0
    for a negative offset, else a small learning rate for a large one; None for neither."""
    spec = next(iter(comparison.runs.values())).spec
    if spec.bias_offset < 0:
        return "bias offset 0", {"bias_offset": 0.0}
    small = _SMALL_RATE[comparison.config.solver]
    if spec.learning_rate > small:
        return f"learning rate {small:g}", {"learning_rate": small}
    return None


# a learning rate at which few ReLU units die, per solver (measured on moons, 32x32)
_SMALL_RATE = {"sgd": 0.05, "adam": 0.01}


def _dead_stall_training(comparison) -> Verdict:
    absent = missing(comparison, "relu")
    if absent:
        return Verdict(False, absent)
    spec = next(iter(comparison.runs.values())).spec
    seed = comparison.seeds[0]
    run = comparison.runs[("relu", seed)]
    found, history = counts(run), run.history
    final = comparison.summary().set_index("activation").loc["relu"]
    figures = {
        "dead": found.dead,
        "units": found.units,
        "final_loss": float(history.loss[-1]),
        "constant_loss": float(history.constant_loss or np.nan),
        "final_val_score": float(final["final_val_score"]),
    }
    stuck = stuck_plateau(run)
    if stuck:
        stall = (
            f"the training loss stayed on a plateau from epoch {stuck[0]} to the last, "
            f"{comparison.n_epochs}, at {history.loss[-1]:.3f} (a constant prediction scores "
            f"{history.constant_loss:.3f})"
        )
    else:
        stall = f"the training loss ended at {history.loss[-1]:.3f}"
    sentence = (
        f"With bias offset {spec.bias_offset:g} and learning rate {spec.learning_rate:g}, "
        f"{found.dead} of {found.units} ReLU units ({percent(found.dead, found.units)}) were "
        f"dead after {epochs_of(comparison)} and {stall}, validation accuracy "
        f"{figures['final_val_score']:.2f}"
    )
    poor = False
    gentler = _gentler(comparison)
    if gentler is not None:
        label, changes = gentler
        reference = retrain(comparison, activations=("relu",), seeds=(seed,), **changes)
        healthy = reference.runs[("relu", seed)].history
        healthy_score = float(reference.summary()["final_val_score"].iloc[0])
        figures.update(reference_loss=float(healthy.loss[-1]), reference_val_score=healthy_score)
        poor = (
            figures["final_loss"] >= 2 * figures["reference_loss"]
            and figures["final_val_score"] <= healthy_score - 0.05
        )
        sentence += (
            f"; from the same weights with {label} the loss reached {healthy.loss[-1]:.3f} "
            f"and accuracy {healthy_score:.2f}"
        )
    sentence += "."
    many = found.dead >= 0.25 * found.units
    holds = many and bool(stuck or poor)
    if not many:
        sentence += " Too few units died here to hold training back."
    elif not holds:
        sentence += " The units that survived still learned the task."
    return Verdict(holds, sentence, figures)


DYING = (
    Lesson(
        name="dead-units-get-no-gradient",
        title="A dead ReLU unit stops learning",
        claim=(
            "A ReLU unit whose weighted sum is negative for every input outputs 0 and gets zero "
            "gradient: its weights never change. That is a dead unit."
        ),
        settings=story_settings(activations=("relu",), hidden_layers=(16,), bias_offset=-2.0),
        page="boundary",
        view={},
        varies=("bias_offset", "epochs"),
        conditions=(
            "Exact for the first layer, whose inputs never change, with no L2 penalty; a dead "
            "unit of a deeper layer can come back when the layers before it change."
        ),
        rule=_dead_get_no_gradient,
    ),
    Lesson(
        name="relu-dies-from-bias",
        title="A negative bias kills ReLU units",
        claim=(
            "A large negative bias pushes a ReLU unit below zero on every input: it is dead "
            "before training starts."
        ),
        settings=story_settings(activations=("relu",), bias_offset=-2.0),
        page="compare",
        view={},
        varies=("bias_offset",),
        conditions=(
            "The verdict trains the same weights with bias offset 0 for comparison. How many die "
            "depends on the spread of the data: the offset is in units of standardised inputs."
        ),
        rule=_bias_kills,
    ),
    Lesson(
        name="relu-dies-from-large-steps",
        title="Too large a learning rate kills ReLU units",
        claim=(
            "A step that is too large can throw a unit's weights to where its sum is negative "
            "for every input; it then dies during training, not at initialisation."
        ),
        settings=story_settings(activations=("relu",), learning_rate=0.5),
        page="compare",
        view={},
        varies=("learning_rate",),
        conditions=(
            "The verdict trains the same weights at learning rate 0.05 (SGD) or 0.01 (Adam) for "
            "comparison; too large a step can also make the loss diverge instead."
        ),
        rule=_large_step_kills,
    ),
    Lesson(
        name="dead-units-stay-dead",
        title="Dead units rarely come back",
        claim=(
            "With zero gradient a dead unit's weights never change, so it is unlikely to "
            "recover: only a change in the layers before it can bring it back."
        ),
        settings=story_settings(activations=("relu",), bias_offset=-2.0),
        page="units",
        view={"layer": 1},
        varies=("bias_offset", "epochs"),
        conditions=(
            "First-layer units never come back; deeper ones sometimes do, when the layers before "
            "them change (more often under Adam)."
        ),
        rule=_dead_stay_dead,
    ),
    Lesson(
        name="dead-units-stall-training",
        title="Dead units leave training stuck",
        claim=(
            "Dead units would be harmless at a global minimum, but they often leave training "
            "stuck on a plateau or in a poor local minimum."
        ),
        settings=story_settings(activations=("relu",), bias_offset=-3.0),
        page="compare",
        view={},
        varies=("bias_offset", "epochs"),
        conditions=(
            "The verdict trains the same weights with bias offset 0 for comparison. Whether a "
            "network is stuck depends on how many units survive: with a milder offset the "
            "survivors often still learn the task."
        ),
        rule=_dead_stall_training,
    ),
)
