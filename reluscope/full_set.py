"""Passes of a stack over many rows in groups of models, under a byte budget.

A pass of K models over n rows holds every hidden layer's z, f(z), f′(z) and δ for every
model and row: ``Buffers.nbytes`` (four numbers per hidden unit, model and row). Over the
full training set of a large stack that is hundreds of megabytes, and arrays that large make
every elementwise call memory-bound. So a pass runs over consecutive groups of models whose
arrays fit :data:`GROUP_BYTES`; the groups take turns in one shared allocation. Every model
computes exactly what it would alone (the model axis is independent), so a grouped stack's
numbers are bit-identical to its models trained one by one.

The record of each epoch (:meth:`GroupedPass.record`) is taken over the full training set:
loss, score, per-unit states (:func:`unit_stats`, the fast path of
``reluscope.diagnostics.unit_states``), per-layer mean activation and, when asked for, the
norm of the full-batch data gradient of each layer. Unit states need only the forward pass
and f′(z); the gradient norms need the backward pass too. With sample weights a record's
pass runs over the rows of non-zero weight only, each weighted (weights of mean 1 over those
rows): its loss, score, on-rates and mean activations are weighted means.
"""

from __future__ import annotations

import math

import numpy as np

from reluscope.diagnostics import SATURATION_FRACTION
from reluscope.network import Buffers, sample_losses_sum, scores

__all__ = [
    "GROUP_BYTES",
    "GroupedPass",
    "evaluate",
    "gradient_norms",
    "group_entry",
    "group_sizes",
    "join",
    "unit_stats",
]

GROUP_BYTES = 8 * 2**20
"""Most bytes the work arrays of one group of models take in a pass (8 MiB): small enough for
a core's share of cache to hold much of them, large enough that few calls cover a stack. A
single model larger than this is one group of its own."""


def group_sizes(layer_units, n_rows: int, n_models: int, itemsize: int, budget=GROUP_BYTES):
    """Sizes of the consecutive groups a pass of ``n_models`` over ``n_rows`` runs in.

    As equal as possible, each within ``budget`` bytes of ``Buffers.nbytes`` (at least one
    model per group).
    """
    per_model = Buffers.nbytes(layer_units, 1, n_rows, itemsize)
    largest = max(1, min(n_models, int(budget // per_model)))
    n_groups = math.ceil(n_models / largest)
    size, extra = divmod(n_models, n_groups)
    return [size + (group < extra) for group in range(n_groups)]


class GroupedPass:
    """Every model of ``network`` over ``n_rows`` rows, group by group.

    Parameters
    ----------
    network : StackedNetwork
    n_rows : int
    grads_flat : ndarray (K, P)
        Where the groups' backward passes write their gradients.
    budget : int
        Bytes of work arrays per group (:data:`GROUP_BYTES`).
    sizes : list of int, optional
        The groups' sizes instead (an evaluation pass takes its training pass's groups).
    weights : ndarray (1, n_rows, 1) of mean 1, optional
        Sample weights of the records (``Buffers.weigh``); the backward pass weighs δ too.

    Attributes
    ----------
    groups : list of (slice, StackedNetwork, Buffers, LayerViews)
        The models of each group, the network of just those models (sharing the parameters),
        its work arrays and its views into ``grads_flat``. One group is the network itself.
    """

    def __init__(
        self, network, n_rows: int, grads_flat, budget=GROUP_BYTES, sizes=None, weights=None
    ):
        if sizes is None:
            itemsize = network.dtype.itemsize
            sizes = group_sizes(network.layer_units, n_rows, network.n_models, itemsize, budget)
        self.sizes = list(sizes)
        self.n_rows = n_rows
        self.network = network
        self.weights = weights
        if len(sizes) == 1:
            self.groups = [
                (slice(None), network, Buffers(network, n_rows), network.layer_views(grads_flat))
            ]
        else:
            storage = Buffers.storage(network, sizes[0], n_rows)
            self.groups, start = [], 0
            for size in sizes:
                models = slice(start, start + size)
                part = network.subset(models)
                buffers = Buffers(part, n_rows, storage)
                self.groups.append((models, part, buffers, part.layer_views(grads_flat[models])))
                start += size
        if weights is not None:
            for _, _, buffers, _ in self.groups:
                buffers.weigh(weights)

    def record(self, inputs, targets, grads_flat, *, gradients=True, eval_data=None):
        """Diagnostics of the current parameters over ``inputs`` (the full training set).

        Parameters
        ----------
        inputs : ndarray (1, n, d + 1)
        targets : ndarray (1, n, n_outputs)
        grads_flat : ndarray (K, P)
            Filled with the full-batch data gradient when ``gradients``.
        gradients : bool
            Run the backward pass and report ``grad_norm``.
        eval_data : GroupedPass, (1, n_val, d + 1), (1, n_val, n_outputs) or None

        Returns
        -------
        dict of (K, ...) arrays
        """
        parts, weights = [], self.weights
        for index, (_, part, buffers, grads) in enumerate(self.groups):
            outputs = part.forward(inputs, buffers)
            if gradients:
                part.backward(inputs, targets, outputs, buffers, grads, weights)
            else:
                part.slopes(buffers)
            loss_sum = sample_losses_sum(outputs, targets, part.output, weights)
            entry = group_entry(part, buffers, outputs, targets, loss_sum)
            if eval_data is not None:
                entry.update(evaluate(index, *eval_data))
            parts.append(entry)
        entry = join(parts)
        if gradients:
            entry["grad_norm"] = gradient_norms(self.network, grads_flat, 1.0 / self.n_rows)
        return entry


def evaluate(index, evaluation: GroupedPass, inputs, targets):
    """Validation loss and score of group ``index`` (the evaluation pass has the same groups)."""
    _, part, buffers, _ = evaluation.groups[index]
    outputs = part.forward(inputs, buffers)
    return {
        "val_loss": sample_losses_sum(outputs, targets, part.output) / inputs.shape[1],
        "val_score": scores(outputs, targets, part.output),
    }


def group_entry(network, buffers, outputs, targets, loss_sum):
    """Record of one group whose full-training-set pass is held in ``buffers`` (weighted by
    ``buffers.weights`` when set)."""
    entry = {
        "loss": loss_sum / outputs.shape[1],
        "score": scores(outputs, targets, network.output, buffers.weights),
    }
    entry.update(unit_stats(network, buffers))
    return entry


def join(parts):
    """One record of the whole stack from the records of its groups, in model order."""
    if len(parts) == 1:
        return parts[0]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def gradient_norms(network, grads_flat, scale):
    """‖gradient‖ of each layer's incoming weights and biases, (K, n_layers): one sum per
    layer's block of the flat gradient."""
    squares = np.square(grads_flat)
    return np.sqrt(np.add.reduceat(squares, network.layer_starts, axis=1)) * scale


def unit_stats(network, buffers):
    """Per-unit on-rate, inactive, dead, saturated, each (K, hidden units), and per-layer mean
    activation (K, hidden layers) of the state held in ``buffers``.

    The definitions are ``reluscope.diagnostics.unit_states``; this is its fast path on the
    engine's buffers, where f′(z) is already computed and δ is no longer needed, so it holds
    the indicator z > 0. Column sums over the samples are matrix-vector products with a row of
    ones, or of the samples' weights (``Buffers.weigh``): then every count is a weighted one.
    """
    n = buffers.n
    relu_like = all(activation.zero_gradient_below_zero for _, activation in network.groups)
    monotone = all(activation.monotone for _, activation in network.groups)
    z_flat, _, slope_flat, scratch = buffers.hidden_flat
    if relu_like:
        # f′(z) is exactly 1 where z > 0 and 0 elsewhere: it is the indicator already
        activations, positives = buffers.column_sums(slice(1, 3))
    else:
        np.greater(z_flat, 0.0, out=scratch)
        activations, positives = buffers.column_sums(slice(1, 4, 2))
    starts, units = _layer_layout(network.layer_units[1:-1])
    mean_activation = np.add.reduceat(activations, starts, axis=1) / (n * units)
    inactive = positives == 0
    if relu_like:  # dead is inactive; a ReLU is never saturated
        dead = inactive
        saturated = np.zeros_like(inactive)
    else:
        if not monotone:
            slope_flat = np.abs(slope_flat, out=scratch)
        largest = np.concatenate(
            [slope[..., :-1].max(axis=1) for slope in buffers.blocks(slope_flat)], axis=1
        )
        dead = largest == 0.0
        saturated = (largest < SATURATION_FRACTION * network.peak_slopes) & network.saturates
    return {
        "on_rate": (positives / n).astype(np.float32),
        "inactive": inactive,
        "dead": dead,
        "saturated": saturated,
        "mean_activation": mean_activation,
    }


_LAYOUTS = {}


def _layer_layout(hidden):
    """Where each hidden layer's units start among all hidden units, and its width, as arrays
    (made once per shape: the record asks on every epoch)."""
    layout = _LAYOUTS.get(hidden)
    if layout is None:
        layout = _LAYOUTS[hidden] = (np.cumsum((0, *hidden[:-1])), np.array(hidden))
    return layout
