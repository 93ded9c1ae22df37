"""The network drawn: its units as columns of nodes in their state, its weights as edges, and
each hidden unit's output over a 2-D input plane.

Read from what training recorded (no retraining): the one state and on-rate of every unit
(:meth:`reluscope.history.History.states`), the parameters at an epoch
(:meth:`reluscope.experiment.Comparison.parameters`) and the pre-activations they give
(:meth:`~reluscope.experiment.Comparison.preactivations`). The layout follows TensorFlow
Playground's: layers left to right, inputs first, units of a layer one above the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reluscope.diagnostics import STATES
from reluscope.validation import check_integer, check_real

__all__ = [
    "EDGE_THRESHOLD",
    "MAP_POINTS",
    "MAX_EDGES",
    "NetworkDrawing",
    "network_drawing",
    "unit_maps",
]

# an edge is drawn when |w| ≥ this share of the largest |w| between the same two layers
EDGE_THRESHOLD = 0.25
# at most this many edges (the largest |w|) between two layers, so 4 × 64 stays readable
MAX_EDGES = 96
MAP_POINTS = 16  # per axis of a unit's output map
_MARGIN = 0.5  # around the training data, in standardised units

NODE_COLUMNS = [
    "activation", "layer", "unit", "role", "column", "row", "state", "on_rate", "shade",
    "bias", "z_max", "label",
]  # fmt: skip
EDGE_COLUMNS = [
    "activation", "layer", "source", "target", "column", "row", "column_end", "row_end",
    "weight", "magnitude", "sign",
]  # fmt: skip


@dataclass(frozen=True)
class NetworkDrawing:
    """What the network chart draws for one seed at one epoch, every activation side by side.

    Attributes
    ----------
    nodes : DataFrame
        One row per unit: ``activation``; ``layer`` (0 the inputs, 1..L hidden, L + 1 the
        outputs); ``unit``; ``role`` (input, hidden, output); ``column`` (= layer) and ``row``
        (centred on 0) for the layout; ``state`` (hidden units: one of
        ``diagnostics.STATES``, else the role); ``on_rate``; ``shade`` (1 for an off unit,
        0.35 + 0.65 × on-rate for an alive one, so a rarely-firing unit is paler); ``bias``;
        ``z_max`` (largest pre-activation over the training inputs: ≤ 0 for an inactive unit);
        ``label`` (the feature or output name, else ``""``).
    edges : DataFrame
        One row per drawn weight: ``activation, layer`` (the layer it feeds), ``source,
        target`` (unit indices), ``column, row, column_end, row_end``, ``weight``,
        ``magnitude`` (|w| over the largest |w| between the same two layers, 0..1), ``sign``
        (positive, negative).
    epoch : int
    hidden_edges : int
        Weights left out (below :data:`EDGE_THRESHOLD` of the largest, or past
        :data:`MAX_EDGES`), summed over activations.
    max_units : int
        Units in the widest column, for the chart's height.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    epoch: int
    hidden_edges: int
    max_units: int


def _rows(n: int) -> np.ndarray:
    return np.arange(n, dtype=float) - (n - 1) / 2


def _edges(W, layer: int, threshold: float, max_edges: int):
    """The drawn edges of one weight matrix W (fan_in, fan_out) and how many were left out."""
    magnitude = np.abs(W)
    largest = magnitude.max() if magnitude.size else 0.0
    relative = magnitude / largest if largest > 0 else np.zeros_like(magnitude)
    source, target = np.nonzero(relative >= threshold) if largest > 0 else (np.array([]),) * 2
    order = np.argsort(-relative[source, target], kind="stable")[:max_edges]
    source, target = source[order].astype(int), target[order].astype(int)
    weights = W[source, target]
    frame = pd.DataFrame(
        {
            "layer": layer,
            "source": source,
            "target": target,
            "column": float(layer - 1),
            "row": _rows(W.shape[0])[source],
            "column_end": float(layer),
            "row_end": _rows(W.shape[1])[target],
            "weight": weights,
            "magnitude": relative[source, target],
            "sign": np.where(weights >= 0, "positive", "negative"),
        }
    )
    return frame, W.size - len(frame)


def _run_drawing(comparison, activation, seed, epoch, threshold, max_edges):
    run = comparison.runs[(activation, seed)]
    history = run.history
    at = min(epoch, history.n_epochs)
    parameters = comparison.parameters(activation, seed, at)
    hidden = history.hidden_layers
    train = comparison.train
    states = np.asarray(STATES, dtype=object)[history.states()[at]]
    on_rate = history.records["on_rate"][at].astype(float)
    z_max = np.concatenate(
        [
            comparison.preactivations(activation, seed, layer, at).max(axis=0)
            for layer in range(1, len(hidden) + 1)
        ]
    )
    widths = [train.n_features, *hidden, parameters[-1][0].shape[1]]
    n_layers = len(widths)
    layer = np.repeat(np.arange(n_layers), widths)
    role = np.where(layer == 0, "input", np.where(layer == n_layers - 1, "output", "hidden"))
    is_hidden = role == "hidden"
    state = role.astype(object)
    state[is_hidden] = states
    rate = np.full(layer.size, np.nan)
    rate[is_hidden] = on_rate
    shade = np.ones(layer.size)
    alive = is_hidden & (state == "alive")
    shade[alive] = 0.35 + 0.65 * rate[alive]
    bias = np.full(layer.size, np.nan)
    bias[layer > 0] = np.concatenate([b for _, b in parameters])
    peak = np.full(layer.size, np.nan)
    peak[is_hidden] = z_max
    outputs = list(getattr(train, "class_names", None) or ()) if widths[-1] > 1 else []
    labels = [*train.feature_names, *[""] * sum(hidden)]
    labels += [str(name) for name in outputs] or ["output"] * widths[-1]
    nodes = pd.DataFrame(
        {
            "activation": activation,
            "layer": layer,
            "unit": np.concatenate([np.arange(w) for w in widths]),
            "role": role,
            "column": layer.astype(float),
            "row": np.concatenate([_rows(w) for w in widths]),
            "state": state,
            "on_rate": rate,
            "shade": shade,
            "bias": bias,
            "z_max": peak,
            "label": labels,
        }
    )
    parts, left_out = [], 0
    for index, (W, _) in enumerate(parameters):
        frame, hidden_count = _edges(W, index + 1, threshold, max_edges)
        parts.append(frame)
        left_out += hidden_count
    edges = pd.concat(parts, ignore_index=True)
    edges.insert(0, "activation", activation)
    return nodes, edges, left_out, max(widths)


def network_drawing(
    comparison,
    seed: int,
    epoch: int,
    activations=None,
    *,
    edge_threshold: float = EDGE_THRESHOLD,
    max_edges: int = MAX_EDGES,
) -> NetworkDrawing:
    """Nodes and edges of each activation's network for one seed at one epoch.

    Parameters
    ----------
    comparison : reluscope.experiment.Comparison
    seed : int
    epoch : int
        0 is the initialisation; past a run's last epoch means its last.
    activations : sequence of str, optional
        Default: every activation of the comparison, in its order.
    edge_threshold : float, default :data:`EDGE_THRESHOLD`
        Share of the largest |w| between two layers below which an edge is not drawn, 0..1.
    max_edges : int, default :data:`MAX_EDGES`
        Most edges drawn between two layers (the largest |w| first).

    Returns
    -------
    NetworkDrawing
    """
    epoch = check_integer("epoch", epoch, 0, comparison.n_epochs)
    edge_threshold = check_real("edge_threshold", edge_threshold, 0.0, 1.0)
    max_edges = check_integer("max_edges", max_edges, 1)
    names = comparison.activations if activations is None else tuple(activations)
    drawn = [
        _run_drawing(comparison, name, seed, epoch, edge_threshold, max_edges) for name in names
    ]
    return NetworkDrawing(
        nodes=pd.concat([d[0] for d in drawn], ignore_index=True),
        edges=pd.concat([d[1] for d in drawn], ignore_index=True),
        epoch=epoch,
        hidden_edges=sum(d[2] for d in drawn),
        max_units=max(d[3] for d in drawn),
    )


def unit_maps(
    comparison, activation: str, seed: int, epoch: int, layer: int, points: int = MAP_POINTS
) -> pd.DataFrame:
    """Each unit's output f(z) over the (standardised) input plane of 2-D data.

    A dead ReLU outputs 0 everywhere on the data, so its map is blank — TensorFlow
    Playground's clearest cue. Values are scaled by each unit's largest |f(z)| over the
    plane, so every map uses its full colour range and a constant map is blank.

    Parameters
    ----------
    comparison : reluscope.experiment.Comparison
        Trained on data with two features.
    activation : str
    seed, epoch : int
    layer : int
        Hidden layer, 1-based.
    points : int, default :data:`MAP_POINTS`
        Grid points per axis.

    Returns
    -------
    DataFrame
        ``unit, state, x1, x2, x1_end, x2_end`` (a cell's corners), ``output`` (f(z)) and
        ``value`` (output over the unit's largest |output|, −1..1), ``tile`` (its title, e.g.
        ``"unit 3: dead"``); ``points``² rows per unit.
    """
    train = comparison.train
    if train.n_features != 2:
        raise ValueError(f"unit maps need 2-D data; this data has {train.n_features} features.")
    points = check_integer("points", points, 2, 200)
    epoch = check_integer("epoch", epoch, 0, comparison.n_epochs)
    history = comparison.runs[(activation, seed)].history
    at = min(epoch, history.n_epochs)
    low = train.X.min(axis=0) - _MARGIN
    high = train.X.max(axis=0) + _MARGIN
    axes = [np.linspace(low[i], high[i], points) for i in range(2)]
    steps = [(high[i] - low[i]) / (points - 1) for i in range(2)]
    x1, x2 = (grid.ravel() for grid in np.meshgrid(*axes))
    z = comparison.preactivations(activation, seed, layer, at, X=np.column_stack([x1, x2]))
    output = comparison.runs[(activation, seed)].spec.get_activation()(z)
    largest = np.abs(output).max(axis=0)
    value = np.divide(output, largest, out=np.zeros_like(output), where=largest > 0)
    start = sum(history.hidden_layers[: layer - 1])
    states = np.asarray(STATES, dtype=object)[history.states()[at, start : start + z.shape[1]]]
    n_cells, n_units = z.shape
    tiles = np.array([f"unit {unit}: {state}" for unit, state in enumerate(states)], object)
    return pd.DataFrame(
        {
            "unit": np.tile(np.arange(n_units), n_cells),
            "state": np.tile(states, n_cells),
            "x1": np.repeat(x1 - steps[0] / 2, n_units),
            "x2": np.repeat(x2 - steps[1] / 2, n_units),
            "x1_end": np.repeat(x1 + steps[0] / 2, n_units),
            "x2_end": np.repeat(x2 + steps[1] / 2, n_units),
            "output": output.ravel(),
            "value": value.ravel(),
            "tile": np.tile(tiles, n_cells),
        }
    )
