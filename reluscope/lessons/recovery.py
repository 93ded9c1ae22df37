"""Lessons on leaky ReLU: its units come back (claim 7), yet it rarely beats ReLU (claim 8)."""

from __future__ import annotations

import numpy as np

from reluscope.lessons.base import Lesson, Verdict
from reluscope.lessons.dying import MIN_EPOCHS
from reluscope.lessons.evidence import counts, described, epochs_of, missing, percent, retrain
from reluscope.lessons.settings import story_settings

__all__ = ["RECOVERY"]

# a leaky lesson holds when at least this share of the born-inactive leaky units come back
REVIVED_SHARE = 0.5
# "little or no gain": a mean validation-score gain of leaky ReLU over ReLU below this
SMALL_GAIN = 0.02
# seeds per setting of the verdict's small grid
GRID_SEEDS = 5


def _leaky_come_back(comparison) -> Verdict:
    absent = missing(comparison, "relu", "leaky_relu")
    if absent:
        return Verdict(False, absent)
    seeds = comparison.seeds
    relu = [counts(comparison.runs[("relu", s)]) for s in seeds]
    leaky = [counts(comparison.runs[("leaky_relu", s)]) for s in seeds]
    figures = {
        "relu_born_dead": sum(c.born_dead for c in relu),
        "relu_recovered": sum(c.dead_recovered for c in relu),
        "leaky_born_off": sum(c.born_off for c in leaky),
        "leaky_recovered": sum(c.recovered for c in leaky),
    }
    born, back = figures["leaky_born_off"], figures["leaky_recovered"]
    relu_born, relu_back = figures["relu_born_dead"], figures["relu_recovered"]
    if born == 0:
        return Verdict(
            False,
            "No leaky unit was inactive at initialisation, so there is nothing to come back; "
            "a bias offset of −3 pushes most of them below zero.",
            figures,
        )
    slope = next(iter(comparison.runs.values())).spec.negative_slope
    sentence = (
        f"Of {born} leaky units inactive on every input at initialisation, {back} "
        f"({percent(back, born)}) came back in {epochs_of(comparison)}; of {relu_born} ReLU "
        f"units born dead from the same weights, {relu_back} did."
    )
    holds = back >= REVIVED_SHARE * born and back > relu_back
    if not holds:
        if comparison.n_epochs < MIN_EPOCHS:
            why = f" Train for {MIN_EPOCHS} epochs or more to give them time."
        elif comparison.config.solver == "sgd":
            why = (
                f" With SGD and slope {slope:g} the leak is too small to bring units back "
                "in this run; Adam scales the small gradient up."
            )
        else:
            why = f" With {described(comparison)} too few came back; train longer."
        sentence += why
    return Verdict(holds, sentence, figures)


def _gains(comparison) -> np.ndarray:
    """Leaky ReLU's final validation score minus ReLU's, per seed."""
    epochs = comparison.epochs()
    last = epochs[
        epochs["epoch"] == epochs.groupby(["activation", "seed"])["epoch"].transform("max")
    ]
    scores = last.pivot_table(index="seed", columns="activation", values="val_score")
    return (scores["leaky_relu"] - scores["relu"]).to_numpy()


def _rarely_better(comparison) -> Verdict:
    absent = missing(comparison, "relu", "leaky_relu")
    if absent:
        return Verdict(False, absent)
    pair = ("relu", "leaky_relu")
    first = comparison.seeds[0]
    seeds = tuple(range(first, first + GRID_SEEDS))
    own = (
        comparison
        if len(comparison.seeds) >= GRID_SEEDS
        else retrain(comparison, activations=pair, seeds=seeds)
    )
    other = "adam" if comparison.config.solver == "sgd" else "sgd"
    grid = {
        "these settings": own,
        f"with {other.upper() if other == 'sgd' else 'Adam'}": retrain(
            comparison, activations=pair, seeds=seeds, solver=other,
            learning_rate=0.01 if other == "adam" else 0.05,
        ),
        "with one hidden layer of 16": retrain(
            comparison, activations=pair, seeds=seeds, hidden_layers=(16,)
        ),
    }  # fmt: skip
    gains = {label: _gains(runs) for label, runs in grid.items()}
    small = [label for label, gain in gains.items() if abs(gain.mean()) < SMALL_GAIN]
    figures = {f"gain {label}": float(gain.mean()) for label, gain in gains.items()}
    figures["settings_with_small_gain"] = len(small)
    parts = "; ".join(
        f"{label} {gain.mean():+.3f} ({gain.min():+.3f} to {gain.max():+.3f})"
        for label, gain in gains.items()
    )
    sentence = (
        f"Leaky ReLU's validation accuracy minus ReLU's, mean and range over {len(seeds)} "
        f"seeds: {parts}. In {len(small)} of {len(grid)} settings the gain is below "
        f"{SMALL_GAIN:g}."
    )
    holds = len(small) >= 2 and abs(gains["these settings"].mean()) < SMALL_GAIN
    if not holds and gains["these settings"].mean() >= SMALL_GAIN:
        sentence += (
            " Here leaky ReLU does better: its units can come back where ReLU's die (see "
            "“Leaky ReLU units come back”)."
        )
    return Verdict(holds, sentence, figures)


RECOVERY = (
    Lesson(
        name="leaky-units-come-back",
        title="Leaky ReLU units come back",
        claim=(
            "Leaky ReLU keeps a small slope for negative inputs, so a unit pushed below zero "
            "still gets gradient and can recover; a dead ReLU unit cannot."
        ),
        settings=story_settings(
            activations=("relu", "leaky_relu"), bias_offset=-3.0, solver="adam", learning_rate=0.01
        ),
        page="compare",
        view={},
        varies=("activations", "negative_slope", "solver", "learning_rate", "epochs"),
        conditions=(
            "The optimiser decides whether a leak brings units back: Adam scales the small "
            "gradient up and revives most of them; SGD with a slope of 0.01 revives few or none."
        ),
        rule=_leaky_come_back,
    ),
    Lesson(
        name="leaky-rarely-beats-relu",
        title="Leaky ReLU rarely beats ReLU",
        claim=(
            "Yet leaky ReLU usually does not beat ReLU: in most ordinary settings, where few "
            "units die, there is little or no accuracy gain."
        ),
        settings=story_settings(activations=("relu", "leaky_relu"), n_seeds=GRID_SEEDS),
        page="compare",
        view={},
        varies=("activations", "negative_slope", "n_seeds"),
        conditions=(
            f"Judged over {GRID_SEEDS} seeds in a small grid trained inside the verdict: these "
            "settings, the other optimiser, and one hidden layer of 16. Where many units die "
            "(a large negative bias under Adam) leaky ReLU does win."
        ),
        rule=_rarely_better,
    ),
)
