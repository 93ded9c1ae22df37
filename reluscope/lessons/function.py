"""Lessons on the activation functions themselves: ReLU's one-sided gradient (claim 1)."""

from __future__ import annotations

import numpy as np

from reluscope.activations import get_activation
from reluscope.lessons.base import Lesson, Verdict
from reluscope.lessons.evidence import missing, name_of, percent
from reluscope.lessons.settings import story_settings

__all__ = ["FUNCTION", "gradient_reach"]


def gradient_reach(run) -> float:
    """Median over epochs of the first layer's gradient norm over the output layer's: how
    much of the gradient reaches the bottom of the network (1 = all of it)."""
    norms = np.asarray(run.history.records["grad_norm"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = norms[:, 0] / norms[:, -1]
    ratio = ratio[np.isfinite(ratio)]
    return float(np.median(ratio)) if ratio.size else 0.0


def _derivatives(comparison, activation, seed) -> np.ndarray:
    """f′(z) of every hidden unit on every training input at the last epoch, flattened."""
    act = comparison.runs[(activation, seed)].spec.get_activation()
    epoch = comparison.runs[(activation, seed)].history.n_epochs
    layers = range(1, len(comparison.config.hidden_layers) + 1)
    return np.concatenate(
        [act.derivative(comparison.preactivations(activation, seed, layer, epoch)).ravel()
         for layer in layers]
    )  # fmt: skip


def _one_sided(comparison) -> Verdict:
    absent = missing(comparison, "relu")
    saturating = [name for name in ("sigmoid", "tanh") if name in comparison.activations]
    if absent or not saturating:
        return Verdict(False, absent or missing(comparison, "sigmoid"))
    seed = comparison.seeds[0]
    relu = _derivatives(comparison, "relu", seed)
    other = saturating[0]
    slopes = _derivatives(comparison, other, seed)
    peak = get_activation(other).peak_slope
    reach = {name: gradient_reach(comparison.runs[(name, seed)]) for name in ("relu", other)}
    figures = {
        "relu_one": float((relu == 1.0).mean()),
        "relu_zero": float((relu == 0.0).mean()),
        f"{other}_mean_slope": float(slopes.mean()),
        f"{other}_peak_slope": float(peak),
        "relu_reach": reach["relu"],
        f"{other}_reach": reach[other],
    }
    relu_one, relu_zero = figures["relu_one"], figures["relu_zero"]
    one_sided = relu_one + relu_zero == 1.0
    depth = len(comparison.config.hidden_layers)
    sentence = (
        f"On the training inputs ReLU's derivative was exactly 1 for {percent(relu_one, 1)} "
        f"of the (input, unit) pairs and exactly 0 for the other {percent(relu_zero, 1)}; "
        f"{name_of(other)}'s averaged {slopes.mean():.2f} (at most {peak:g}). Through "
        f"{depth} hidden layer{'s' if depth > 1 else ''} the first layer's gradient was "
        f"{reach['relu']:.2f}× the output layer's for ReLU and {reach[other]:.2f}× for "
        f"{name_of(other)} (medians over epochs)."
    )
    fades = reach["relu"] > 2 * reach[other]
    holds = one_sided and 0.0 < relu_zero < 1.0 and fades
    if relu_one == 0.0:
        sentence += " Here every ReLU unit is dead: no input reaches the side where its slope is 1."
    elif relu_zero == 0.0:
        sentence += " Here no input reaches ReLU's flat side: every unit is on for every input."
    elif one_sided and not fades:
        sentence += (
            f" Here {name_of(other)}'s gradient reached the first layer as well as ReLU's"
            + (": one layer leaves it little depth to fade in." if depth == 1 else ".")
        )
    return Verdict(holds, sentence, figures)


FUNCTION = (
    Lesson(
        name="relu-gradient-one-sided",
        title="ReLU's gradient vanishes on one side only",
        claim=(
            "ReLU's derivative is 1 for every positive input, so its gradient does not fade "
            "layer by layer as sigmoid's and tanh's do — but it is 0 for every negative input."
        ),
        settings=story_settings(activations=("relu", "sigmoid"), hidden_layers=(32, 32, 32, 32)),
        page="derivatives",
        view={},
        varies=("activations", "hidden_layers"),
        conditions=(
            "Sigmoid's gradient fades with depth (its slope is at most 0.25); tanh's fades only "
            "once its units saturate, so with He initialisation it may keep up with ReLU."
        ),
        rule=_one_sided,
    ),
)
