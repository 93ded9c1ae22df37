"""Lessons on leaky ReLU: its units come back (claim 7), yet it rarely beats ReLU (claim 8)."""

from __future__ import annotations

from reluscope.lessons.base import Lesson, Verdict
from reluscope.lessons.evidence import counts, described, missing, percent
from reluscope.lessons.settings import story_settings

__all__ = ["RECOVERY"]

# a leaky lesson holds when at least this share of the born-inactive leaky units come back
REVIVED_SHARE = 0.5


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
    epochs = comparison.n_epochs
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
        f"({percent(back, born)}) came back in {epochs} epochs; of {relu_born} ReLU units born "
        f"dead from the same weights, {relu_back} did."
    )
    holds = back >= REVIVED_SHARE * born and back > relu_back
    if not holds:
        if comparison.config.solver == "sgd":
            why = (
                f" With SGD and slope {slope:g} the leak is too small to bring units back "
                "in this run; Adam scales the small gradient up."
            )
        else:
            why = f" With {described(comparison)} too few came back; train longer."
        sentence += why
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
)
