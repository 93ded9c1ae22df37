"""Weight and bias initialisers; the bias offset is applied here.

Every draw comes from the model's own ``numpy.random.RandomState`` (scikit-learn's
``check_random_state(random_state)``), layer by layer: weights, then biases. Schemes:

- ``sklearn``: scikit-learn's MLP draw, reproduced draw for draw: W and b from U(−r, r) with
  r = √(f/(fan_in+fan_out)), f = 2 for a sigmoid (logistic) network and 6 otherwise.
- ``he_normal`` / ``he_uniform``: Var(w) = 2/((1+a²)·fan_in), a the leaky slope (He et al. 2015).
- ``glorot_normal`` / ``glorot_uniform``: Var(w) = 2/(fan_in+fan_out) (Glorot & Bengio 2010).
- ``lecun_normal``: Var(w) = 1/fan_in (LeCun et al. 1998; the SELU pairing).

All schemes but ``sklearn`` start biases at zero. ``bias_offset`` is then added to every hidden
layer's bias (never to the output layer): the knob that kills ReLU units.
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np

from reluscope.activations import Activation
from reluscope.validation import check_choice

__all__ = ["INITS", "initial_parameters"]

INITS: tuple[str, ...] = (
    "sklearn",
    "he_normal",
    "he_uniform",
    "glorot_normal",
    "glorot_uniform",
    "lecun_normal",
)


def check_init(init: str) -> str:
    """``init`` if it names a scheme, else an ``InvalidParameterError`` listing them."""
    return check_choice("init", init, INITS)


# name -> (distribution, its scale: the standard deviation or the uniform bound)
_SCHEMES = {
    "he_normal": (
        "normal",
        lambda fan_in, fan_out, leak: math.sqrt(2.0 / ((1.0 + leak**2) * fan_in)),
    ),
    "he_uniform": (
        "uniform",
        lambda fan_in, fan_out, leak: math.sqrt(6.0 / ((1.0 + leak**2) * fan_in)),
    ),
    "glorot_normal": ("normal", lambda fan_in, fan_out, leak: math.sqrt(2.0 / (fan_in + fan_out))),
    "glorot_uniform": (
        "uniform",
        lambda fan_in, fan_out, leak: math.sqrt(6.0 / (fan_in + fan_out)),
    ),
    "lecun_normal": ("normal", lambda fan_in, fan_out, leak: math.sqrt(1.0 / fan_in)),
}


def _weight_draw(init, fan_in, fan_out, leak, random_state):
    distribution, scale_of = _SCHEMES[init]
    scale = scale_of(fan_in, fan_out, leak)
    if distribution == "normal":
        return random_state.normal(0.0, scale, (fan_in, fan_out))
    return random_state.uniform(-scale, scale, (fan_in, fan_out))


def initial_parameters(
    layer_units,
    init: str,
    activation: Activation,
    random_state,
    *,
    bias_offset=0.0,
    dtype=np.float64,
):
    """Draw one network's parameters.

    Parameters
    ----------
    layer_units : sequence of int
        ``[n_features, *hidden_layers, n_outputs]``.
    init : str
        One of ``INITS``.
    activation : Activation
        The hidden activation (decides scikit-learn's factor and He's leak correction).
    random_state : numpy.random.RandomState
        The model's generator; consumed layer by layer, weights then biases.
    bias_offset : float
        Added to every hidden-layer bias after the draw.

    Returns
    -------
    list of (W, b)
        ``W`` of shape (fan_in, fan_out) and ``b`` of shape (fan_out,), in ``dtype``.
    """
    check_init(init)
    leak = activation.params.get("negative_slope", 0.0) if activation.name == "leaky_relu" else 0.0
    layers = []
    n_layers = len(layer_units) - 1
    for index, (fan_in, fan_out) in enumerate(pairwise(layer_units)):
        if init == "sklearn":
            factor = 2.0 if activation.name == "sigmoid" else 6.0
            bound = np.sqrt(factor / (fan_in + fan_out))
            weights = random_state.uniform(-bound, bound, (fan_in, fan_out))
            biases = random_state.uniform(-bound, bound, fan_out)
        else:
            weights = _weight_draw(init, fan_in, fan_out, leak, random_state)
            biases = np.zeros(fan_out)
        if index < n_layers - 1:
            biases = biases + bias_offset
        layers.append((weights.astype(dtype, copy=False), biases.astype(dtype, copy=False)))
    return layers
