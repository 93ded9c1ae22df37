"""Lessons on saturation: sigmoid and tanh units whose gradient vanishes (claim 6)."""

from __future__ import annotations

import numpy as np

from reluscope.lessons.base import Lesson, Verdict
from reluscope.lessons.evidence import (
    epochs_of,
    first_layer_change,
    name_of,
    percent,
    retrain,
    spread,
)
from reluscope.lessons.settings import story_settings

__all__ = ["SATURATION"]

SATURATING = ("tanh", "sigmoid")


def _saturating(comparison) -> list[str]:
    return [name for name in SATURATING if name in comparison.activations]


def _absent() -> Verdict:
    return Verdict(False, "Neither tanh nor sigmoid is among the activations compared; add one.")


def _saturated_learn_slowly(comparison) -> Verdict:
    names = _saturating(comparison)
    if not names:
        return _absent()
    stuck_moves, free_moves, born, still = [], [], 0, 0
    for name in names:
        for seed in comparison.seeds:
            run = comparison.runs[(name, seed)]
            saturated = run.history.records["saturated"]
            born += int(saturated[0].sum())
            still += int((saturated[0] & saturated[-1]).sum())
            first = saturated[:, : run.history.hidden_layers[0]]
            stuck_moves.extend(first_layer_change(run, np.flatnonzero(first.all(axis=0))))
            free_moves.extend(first_layer_change(run, np.flatnonzero(~first.any(axis=0))))
    figures = {"born_saturated": born, "still_saturated": still}
    if not stuck_moves or not free_moves:
        bias = next(iter(comparison.runs.values())).spec.bias_offset
        return Verdict(
            False,
            f"No first-layer unit stayed saturated for the whole run at bias offset {bias:g} "
            "(or none stayed clear of it), so there is nothing to compare; a bias offset of 4 "
            "saturates many tanh units.",
            figures,
        )
    stuck, free = float(np.median(stuck_moves)), float(np.median(free_moves))
    figures.update(
        saturated_units=len(stuck_moves), median_saturated_change=stuck, median_free_change=free
    )
    holds = stuck < 0.25 * free and still >= 0.5 * born
    which = " and ".join(name_of(name) for name in names)
    sentence = (
        f"Of {born} {which} units saturated at initialisation (slope below 5 % of its peak on "
        f"every input), {still} ({percent(still, born)}) were still saturated after "
        f"{epochs_of(comparison)}. The {len(stuck_moves)} first-layer units saturated "
        f"throughout moved by a median {stuck:.3f}, those never saturated by {free:.3f}: "
        f"{free / stuck if stuck else np.inf:.0f}× faster."
    )
    return Verdict(holds, sentence, figures)


def _worst_when_deep(comparison) -> Verdict:
    names = _saturating(comparison)
    if not names:
        return _absent()
    name = names[0]
    layers = comparison.config.hidden_layers
    if len(layers) < 3:
        return Verdict(
            False,
            f"This network has {len(layers)} hidden layer(s); the claim is about deep networks "
            "(four hidden layers show it).",
        )
    shallow = {depth: retrain(comparison, activations=(name,), hidden_layers=layers[:depth])
               for depth in (1, 2)}  # fmt: skip
    by_depth = {**shallow, len(layers): comparison}
    loss, saturated = {}, {}
    for depth, runs in by_depth.items():
        histories = [runs.runs[(name, seed)].history for seed in comparison.seeds]
        loss[depth] = [float(history.loss[-1]) for history in histories]
        saturated[depth] = float(
            np.mean([history.records["saturated"][-1].mean() for history in histories])
        )
    deep, one = np.mean(loss[len(layers)]), np.mean(loss[1])
    figures = {f"loss_{depth}_layers": float(np.mean(v)) for depth, v in loss.items()}
    figures.update({f"saturated_{depth}_layers": share for depth, share in saturated.items()})
    holds = deep >= 1.5 * one and saturated[len(layers)] > saturated[1]
    parts = "; ".join(
        f"{depth} layer{'s' if depth > 1 else ''}: loss {spread(loss[depth])}, "
        f"{percent(saturated[depth], 1)} of units saturated"
        for depth in sorted(by_depth)
    )
    seeds = len(comparison.seeds)
    sentence = (
        f"{name_of(name).capitalize()} at bias offset "
        f"{next(iter(comparison.runs.values())).spec.bias_offset:g}, final training loss by "
        f"depth (mean and range over {seeds} seed{'s' if seeds > 1 else ''}) — {parts}."
    )
    if not holds:
        sentence += " Here depth did not make it worse."
    return Verdict(holds, sentence, figures)


SATURATION = (
    Lesson(
        name="saturated-units-learn-slowly",
        title="Saturated sigmoid and tanh units barely learn",
        claim=(
            "Sigmoid's and tanh's derivatives are close to 0 away from 0: once a unit "
            "saturates its gradient vanishes, it learns far more slowly and rarely gets back "
            "to the useful range."
        ),
        settings=story_settings(activations=("tanh", "sigmoid"), bias_offset=4.0),
        page="units",
        view={"layer": 1},
        varies=("activations", "bias_offset"),
        conditions=(
            "A unit is saturated when its slope stays below 5 % of the peak on every input; a "
            "positive bias offset of 4 saturates many tanh units, sigmoid needs more (its "
            "slope falls more slowly)."
        ),
        rule=_saturated_learn_slowly,
    ),
    Lesson(
        name="saturation-worst-in-deep-networks",
        title="Saturation is worst in deep networks",
        claim=(
            "The deeper the network, the more its saturated units starve the layers below of "
            "gradient: a bias that a shallow network shrugs off stops a deep one."
        ),
        settings=story_settings(
            activations=("tanh",), hidden_layers=(16, 16, 16, 16), bias_offset=4.0, n_seeds=3
        ),
        page="gradients",
        view={},
        varies=("hidden_layers", "bias_offset"),
        conditions=(
            "Judged over three seeds; the verdict trains the same seeds with the first one and "
            "two of the layers for comparison."
        ),
        rule=_worst_when_deep,
    ),
)
