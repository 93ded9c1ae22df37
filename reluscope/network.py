"""The stacked network: K MLPs of one shape, their forward and backward passes and losses.

Parameters of all K models live in one buffer ``flat`` of shape (K, P). Layer l is the view
``flat[:, offset:offset + (fan_in + 1) * fan_out].reshape(K, fan_in + 1, fan_out)`` whose last
row is the bias, so every layer's input carries a trailing column of ones and one
``np.matmul`` on the stack computes z = a·W + b for all K models, and one more gives both the
weight and the bias gradient. Work arrays of a pass live in ``Buffers``; the training loop is
``reluscope.engine.train_stack``. Outputs and losses follow scikit-learn's MLP: logistic +
binary log-loss, softmax + cross-entropy, identity + half squared error, exp + half Poisson
deviance, each with optional sample weights (scikit-learn's ``sample_weight``).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from reluscope.activations import Activation, scipy_special

__all__ = ["Buffers", "LayerViews", "StackedNetwork", "sample_losses_sum", "scores"]

# --------------------------------------------------------------------------------------------
# the stacked network


class StackedNetwork:
    """K MLPs with identical layer sizes; parameters in one (K, P) buffer.

    Parameters
    ----------
    layer_units : sequence of int
        ``[n_features, *hidden, n_outputs]``.
    activations : sequence of Activation, length K
        Hidden activation of each model.
    output : {"logistic", "softmax", "identity", "exp"}
        "exp" is Poisson regression's log link (half Poisson deviance as its loss).
    dtype : numpy float dtype
    flat : ndarray (K, P), optional
        Parameters to share instead of fresh zeros (see ``subset``).
    """

    def __init__(
        self, layer_units, activations: Sequence[Activation], output: str, dtype, flat=None
    ):
        self.layer_units = tuple(int(u) for u in layer_units)
        self.activations = tuple(activations)
        self.n_models = len(self.activations)
        self.output = output
        self.dtype = np.dtype(dtype)
        shapes = [(fan_in + 1, fan_out) for fan_in, fan_out in pairwise(self.layer_units)]
        sizes = [rows * cols for rows, cols in shapes]
        self.n_parameters = sum(sizes)
        self.layer_starts = np.cumsum([0, *sizes[:-1]])  # where each layer's block begins
        hidden = self.layer_units[1:-1]
        # two or more hidden layers of one width: the layers between them have one shape
        self.equal_hidden = len(hidden) >= 2 and len(set(hidden)) == 1
        # sup |f′| of each model's activation: the reference for "saturated"
        self.peak_slopes = np.array([[act.peak_slope] for act in self.activations])
        # only activations whose slope vanishes on a flat side can be saturated
        self.saturates = np.array([[act.saturates] for act in self.activations])
        if flat is None:
            flat = np.zeros((self.n_models, self.n_parameters), dtype=self.dtype)
        self.flat = flat
        self.layers = self.layer_views(self.flat)
        # 1 on weights, 0 on biases: the L2 penalty and its gradient touch weights only
        self.weight_mask = self.layer_mask()
        # runs of consecutive models sharing an activation: one call per run and layer
        self.groups = _activation_groups(self.activations)
        # f(1) = 1: f can also run over the ones column of the layer arrays (see ``Buffers``)
        self.keeps_one = [activation(np.ones(1))[0] == 1.0 for _, activation in self.groups]
        # W without its bias row, transposed: what δ is multiplied by on the way back
        self.backward_weights = [layer[:, :-1, :].transpose(0, 2, 1) for layer in self.layers]
        if self.equal_hidden:
            # between hidden layers of one width, a contiguous copy instead of the transposed
            # view, refreshed by each backward pass in one call: a product with the view is
            # much slower for narrow layers (OpenBLAS)
            self._transposed_source = self.layers.between_hidden[:, :, :-1, :].transpose(0, 1, 3, 2)
            self._transposed = np.empty(self._transposed_source.shape, self.dtype)
            self.backward_weights[1:-1] = list(self._transposed)
        # with one output, the output layer's weights as a row, bias included (see ``backward``)
        self.output_row = self.layers[-1].transpose(0, 2, 1)

    def __reduce__(self):
        # the many views into ``flat`` would come back from a pickle as independent copies
        return (
            _unpickle_network,
            (self.layer_units, self.activations, self.output, self.dtype, self.flat),
        )

    def subset(self, models: slice) -> StackedNetwork:
        """The models ``models`` of this stack as a network of their own, sharing parameters."""
        return StackedNetwork(
            self.layer_units, self.activations[models], self.output, self.dtype, self.flat[models]
        )

    def layer_views(self, flat):
        """Per-layer views (K, fan_in + 1, fan_out) into a (K, P) buffer, as a ``LayerViews``."""
        views, offset = LayerViews(), 0
        for fan_in, fan_out in pairwise(self.layer_units):
            size = (fan_in + 1) * fan_out
            views.append(
                flat[:, offset : offset + size].reshape(flat.shape[0], fan_in + 1, fan_out)
            )
            offset += size
        if self.equal_hidden:
            hidden = self.layer_units[1:-1]
            start = self.layer_starts[1]
            stop = start + (len(hidden) - 1) * (hidden[0] + 1) * hidden[0]
            views.between_hidden = (
                flat[:, start:stop]
                .reshape(flat.shape[0], len(hidden) - 1, hidden[0] + 1, hidden[0])
                .transpose(1, 0, 2, 3)
            )
        return views

    def layer_mask(self):
        mask = np.ones((1, self.n_parameters), dtype=self.dtype)
        for view in self.layer_views(mask):
            view[:, -1, :] = 0.0
        return mask

    def set_parameters(self, model, layers):
        """Write one model's [(W, b), ...] into the stack."""
        for view, (weights, biases) in zip(self.layers, layers, strict=True):
            view[model, :-1, :] = weights
            view[model, -1, :] = biases

    def get_parameters(self, model, flat=None):
        """One model's parameters as [(W (fan_in, fan_out), b (fan_out,)), ...], copies."""
        views = self.layers if flat is None else self.layer_views(flat)
        return [(view[model, :-1, :].copy(), view[model, -1, :].copy()) for view in views]

    def augment(self, X):
        """X (n, d) → (1, n, d + 1) with a trailing column of ones, in the network's dtype."""
        out = np.ones((1, X.shape[0], X.shape[1] + 1), dtype=self.dtype)
        out[0, :, :-1] = X
        return out

    def predict(self, X, flat=None):
        """Outputs of every model on X: (K, n, n_outputs). ``flat`` defaults to current params."""
        buffers = Buffers(self, X.shape[0])
        views = self.layers if flat is None else self.layer_views(flat)
        with np.errstate(all="ignore"):
            return self.forward(self.augment(X), buffers, views).copy()

    def preactivations(self, X, flat=None):
        """Hidden pre-activations of every model on X: list of (K, n, units) per hidden layer."""
        buffers = Buffers(self, X.shape[0])
        views = self.layers if flat is None else self.layer_views(flat)
        with np.errstate(all="ignore"):
            self.forward(self.augment(X), buffers, views)
        return [z.copy() for z in buffers.z]

    # -- passes ---------------------------------------------------------------------------
    def forward(self, inputs, buffers, layers=None, out=None):
        """Forward pass on (1 or K, n, d + 1) inputs; keeps every z in ``buffers``.

        Returns the output-layer activations (K, n, n_outputs), written into ``out`` if given.
        """
        layers = self.layers if layers is None else layers
        current = inputs
        for weights, (z, a, parts) in zip(layers[:-1], buffers.forward_plan, strict=True):
            np.matmul(current, weights, out=z)
            for forward_into, z_part, a_part in parts:
                forward_into(z_part, a_part)
            current = a
        out = buffers.output if out is None else out
        if self.output == "identity":
            np.matmul(current, layers[-1], out=out)
            return out
        z_out = buffers.z_out
        np.matmul(current, layers[-1], out=z_out)
        if self.output == "logistic":
            scipy_special().expit(z_out, out=out)
        elif self.output == "exp":
            np.exp(z_out, out=out)
        else:  # softmax, shifted by the row max as scikit-learn does
            np.subtract(z_out, z_out.max(axis=-1, keepdims=True), out=out)
            np.exp(out, out=out)
            out /= out.sum(axis=-1, keepdims=True)
        return out

    def slopes(self, buffers):
        """f′(z) of every hidden layer into ``buffers.slope`` (what ``backward`` starts with)."""
        for derivative_into, z, a, slope in buffers.derivative_parts:
            derivative_into(z, a, slope)

    def backward(self, inputs, targets, outputs, buffers, grads, weights=None):
        """Gradients of the summed data loss, A_lᵀ·δ_l, into the (K, fan_in+1, fan_out) ``grads``.

        δ at the output is outputs − targets (the canonical link of each output's loss); hidden
        δ are multiplied by f′(z), which is kept in ``buffers.slope``. ``weights`` (1 or K, n, 1)
        weight each sample's loss, as scikit-learn's ``sample_weight``.
        """
        delta = np.subtract(outputs, targets, out=buffers.delta_out)
        if weights is not None:
            delta *= weights
        if self.equal_hidden:
            np.copyto(self._transposed, self._transposed_source)
        self.slopes(buffers)
        top = len(buffers.z)
        inputs_t = inputs.transpose(0, 2, 1)
        np.matmul(buffers.a_t[-1] if top else inputs_t, delta, out=grads[top])
        for layer, (delta_narrow, delta_wide, slope_wide) in zip(
            range(top, 0, -1), buffers.delta_plan, strict=True
        ):
            if layer == top and delta.shape[-1] == 1:
                # one output: δ·Wᵀ is an outer product, a broadcast multiply (the same numbers);
                # the bias weight lands in the spare column, where it is harmless
                np.multiply(delta, self.output_row, out=delta_wide)
            else:
                np.matmul(delta, self.backward_weights[layer], out=delta_narrow)
            delta_wide *= slope_wide
            delta = delta_narrow
        between_hidden = getattr(grads, "between_hidden", None)
        if between_hidden is not None:
            # hidden layers of one width: the layers between them in one batched product
            np.matmul(buffers.a_t_stacked, buffers.delta_stacked, out=between_hidden)
        else:
            for layer in range(1, top):
                np.matmul(buffers.a_t[layer - 1], buffers.delta[layer], out=grads[layer])
        if top:
            np.matmul(inputs_t, delta, out=grads[0])


def _unpickle_network(layer_units, activations, output, dtype, flat):
    network = StackedNetwork(layer_units, activations, output, dtype)
    network.flat[...] = flat
    return network


class LayerViews(list):
    """Per-layer views into a (K, P) parameter-shaped buffer. With two or more hidden layers
    of one width, ``between_hidden`` is also the layers between hidden layers as one
    (hidden layers − 1, K, width + 1, width) view."""

    between_hidden = None


def _activation_groups(activations):
    groups, start = [], 0
    for index in range(1, len(activations) + 1):
        if index == len(activations) or activations[index] != activations[start]:
            models = slice(None) if (start, index) == (0, len(activations)) else slice(start, index)
            groups.append((models, activations[start]))
            start = index
    return groups


class Buffers:
    """Work arrays of one network for batches of ``n`` samples (owned here, not threaded).

    Every hidden layer's z, a, f′(z) and δ is a (K, n, units + 1) array: in ``a`` the spare
    last column is the ones that multiply the bias, in ``z`` it holds 1, elsewhere it is unused.
    So elementwise work runs over whole contiguous arrays (numpy is much slower on the
    row-strided views without that column), and each kind of array of all layers lies in one
    flat buffer, so f′ of every layer is one call. ``z``, ``slope`` and ``delta`` are the views
    without the spare column.

    ``storage`` (from ``Buffers.storage``, for at least as many models) lends the arrays, so
    groups of models that take turns share one allocation. Each layer's block is laid out for
    the storage's capacity and a group uses its first models, so the spare columns of every
    group sit where the largest group's do and stay 1.
    """

    def __init__(self, network: StackedNetwork, n: int, storage=None):
        k, dtype = network.n_models, network.dtype
        hidden = network.layer_units[1:-1]
        n_out = network.layer_units[-1]
        self.n = n
        hidden_flat, output_flat, capacity = storage or Buffers.storage(network, k, n)
        z_flat, a_flat, slope_flat, delta_flat = hidden_flat
        self.hidden_flat = hidden_flat
        self._layout = (k, n, tuple(hidden), capacity)
        z_wide = _layer_views(z_flat, k, n, hidden, capacity)
        self.a = _layer_views(a_flat, k, n, hidden, capacity)
        self.slope_wide = _layer_views(slope_flat, k, n, hidden, capacity)
        self.delta_wide = _layer_views(delta_flat, k, n, hidden, capacity)
        for array in (*z_wide, *self.a):
            array[..., -1] = 1.0
        self.z = [z[..., :-1] for z in z_wide]
        self.slope = [slope[..., :-1] for slope in self.slope_wide]
        self.delta = [delta[..., :-1] for delta in self.delta_wide]
        self.a_t = [a.transpose(0, 2, 1) for a in self.a]
        self.ones = np.ones((1, 1, n), dtype)  # a row of ones: column sums as matrix products
        # (1, n, 1) sample weights of mean 1 for weighted records, or None (``weigh`` sets them)
        self.weights = None
        self.z_out, self.output, self.delta_out = output_flat[:, : k * n * n_out].reshape(
            3, k, n, n_out
        )
        # what each pass walks through, made once here rather than on every pass.
        # forward, per hidden layer: z, a and per run of models sharing an activation
        # (f, z, a), f running over the spare column too when f(1) = 1 keeps the ones there
        self.forward_plan = [
            (
                z[..., :-1],
                a,
                [
                    (activation.forward_into, z[models], a[models])
                    if network.keeps_one[group]
                    else (activation.forward_into, z[models, :, :-1], a[models, :, :-1])
                    for group, (models, activation) in enumerate(network.groups)
                ],
            )
            for z, a in zip(z_wide, self.a, strict=True)
        ]
        # (f′, z, a, f′(z)): one call over every layer's flat buffer for one activation
        if len(network.groups) == 1:
            derivative = network.activations[0].derivative_into
            self.derivative_parts = [(derivative, z_flat, a_flat, slope_flat)]
        else:
            self.derivative_parts = [
                (activation.derivative_into, z[models], a[models], slope[models])
                for z, a, slope in zip(z_wide, self.a, self.slope_wide, strict=True)
                for models, activation in network.groups
            ]
        # backward, from the top hidden layer down: δ, δ with its spare column, f′(z)
        self.delta_plan = list(zip(self.delta, self.delta_wide, self.slope_wide, strict=True))[::-1]
        if network.equal_hidden:  # every layer's Aᵀ and δ as one stacked array (see backward)
            stacked = (len(hidden), capacity, n, hidden[0] + 1)
            self.a_t_stacked = a_flat.reshape(stacked)[:-1, :k].transpose(0, 1, 3, 2)
            self.delta_stacked = delta_flat.reshape(stacked)[1:, :k, :, :-1]

    def weigh(self, weights):
        """Weight the records of this pass: ``weights`` (1, n, 1) of mean 1. ``ones`` then holds
        them too, so every column sum of a record is a weighted sum."""
        self.weights = weights
        self.ones[0, 0] = weights[0, :, 0]

    def blocks(self, flat):
        """Per-layer (K, n, units + 1) views of ``flat``, one row of ``hidden_flat``."""
        k, n, hidden, capacity = self._layout
        return _layer_views(flat, k, n, hidden, capacity)

    def column_sums(self, rows):
        """Sums over the samples of the hidden work arrays ``rows`` (a slice of 0 z, 1 a,
        2 f′(z), 3 δ): one matrix-vector product with a row of ones per array and layer (the
        fastest column sum; a single product over a batch of them is no faster).

        Returns a list of arrays (K, total hidden units), one per row, spare columns left out.
        With hidden layers of one width every array and layer is one batch of a single
        product (the same products, so the same sums, in far fewer calls).
        """
        k, n, hidden, capacity = self._layout
        if len(hidden) > 1 and len(set(hidden)) == 1:
            chosen = self.hidden_flat[rows]
            blocks = chosen.reshape(len(chosen), len(hidden), capacity, n, hidden[0] + 1)
            sums = np.matmul(self.ones, blocks[:, :, :k])[:, :, :, 0, :-1]
            # (arrays, layers, K, units) → per array (K, layers × units), layer by layer
            return list(sums.transpose(0, 2, 1, 3).reshape(len(chosen), k, -1))
        sums = []
        for flat in self.hidden_flat[rows]:
            parts = [np.matmul(self.ones, block)[:, 0, :-1] for block in self.blocks(flat)]
            sums.append(parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1))
        return sums

    @staticmethod
    def storage(network: StackedNetwork, k: int, n: int):
        """Arrays for the ``Buffers`` of up to ``k`` models of ``network`` over ``n`` rows."""
        hidden, n_out = network.layer_units[1:-1], network.layer_units[-1]
        # one allocation for all four: NumPy gives blocks of 4 MB and more transparent huge
        # pages, which makes the first pass over fresh memory much cheaper (fewer page faults)
        hidden_flat = np.zeros((4, k * n * _row_width(hidden)), network.dtype)
        return hidden_flat, np.empty((3, k * n * n_out), network.dtype), k

    @staticmethod
    def nbytes(layer_units, k: int, n: int, itemsize: int) -> int:
        """Bytes of the arrays of ``Buffers`` for ``k`` models over ``n`` rows."""
        hidden, n_out = tuple(layer_units[1:-1]), layer_units[-1]
        return k * n * (4 * _row_width(hidden) + 3 * n_out) * itemsize + n * itemsize


def _row_width(hidden) -> int:
    """Numbers per sample and model in one of the four hidden work arrays."""
    return sum(units + 1 for units in hidden)


def _layer_views(flat, k, n, hidden, capacity):
    """Per-layer (k, n, units + 1) views of a flat buffer laid out for ``capacity`` models."""
    views, offset = [], 0
    for units in hidden:
        size = n * (units + 1)
        views.append(flat[offset : offset + k * size].reshape(k, n, units + 1))
        offset += capacity * size
    return views


# --------------------------------------------------------------------------------------------
# losses and scores on stacks: (K, n, n_outputs) → (K,)


def sample_losses_sum(outputs, targets, output, weights=None):
    """Sum over samples of scikit-learn's per-sample loss, per model: shape (K,).

    ``weights`` (1 or K, n, 1), if given, weight each sample's loss (``sample_weight``).
    """
    if weights is not None:
        return (_sample_losses(outputs, targets, output) * weights[..., 0]).sum(axis=1)
    if output == "identity":
        residual = outputs - targets
        return 0.5 * np.einsum("kno,kno->k", residual, residual) / outputs.shape[-1]
    if output == "exp":
        return _sample_losses(outputs, targets, output).sum(axis=1)
    eps = np.finfo(outputs.dtype).eps
    clipped = np.clip(outputs, eps, 1.0 - eps)
    positive = targets.astype(bool)
    if output == "logistic":
        clipped = np.where(positive, clipped, 1.0 - clipped)
        return -np.log(clipped).sum(axis=(1, 2))
    return -np.log(np.where(positive, clipped, 1.0)).sum(axis=(1, 2))


def _sample_losses(outputs, targets, output):
    """scikit-learn's loss of each sample, per model: shape (K, n)."""
    if output == "identity":
        residual = outputs - targets
        return 0.5 * np.mean(residual * residual, axis=-1)
    if output == "exp":  # half Poisson deviance, summed over outputs as scikit-learn does
        xlogy = scipy_special().xlogy
        return (xlogy(targets, targets / outputs) - targets + outputs).sum(axis=-1)
    eps = np.finfo(outputs.dtype).eps
    clipped = np.clip(outputs, eps, 1.0 - eps)
    positive = targets.astype(bool)
    if output == "logistic":
        return -np.log(np.where(positive, clipped, 1.0 - clipped)).sum(axis=-1)
    return -np.log(np.where(positive, clipped, 1.0)).sum(axis=-1)


def scores(outputs, targets, output, weights=None):
    """Accuracy (classification) or R² averaged over outputs (regression), per model;
    ``weights`` (1 or K, n, 1) weight the samples, as scikit-learn's ``sample_weight``."""
    if output in ("identity", "exp"):
        if weights is None:
            residual = ((targets - outputs) ** 2).sum(axis=1)
            total = ((targets - targets.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
        else:
            mean = (targets * weights).sum(axis=1, keepdims=True) / weights.sum(axis=1)[:, None]
            residual = (weights * (targets - outputs) ** 2).sum(axis=1)
            total = (weights * (targets - mean) ** 2).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(total > 0, 1.0 - residual / total, np.where(residual == 0, 1.0, 0.0))
        return r2.mean(axis=-1)
    if output == "softmax":
        correct = outputs.argmax(axis=-1) == targets.argmax(axis=-1)
    else:
        correct = ((outputs > 0.5) == targets.astype(bool)).all(axis=-1)
    if weights is not None:
        return (correct * weights[..., 0]).sum(axis=-1) / weights[..., 0].sum(axis=-1)
    return correct.mean(axis=-1)
