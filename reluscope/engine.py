"""The network: K MLPs of one shape trained together, with diagnostics from the same passes.

Parameters of all K models live in one buffer ``flat`` of shape (K, P). Layer l is the view
``flat[:, offset:offset + (fan_in + 1) * fan_out].reshape(K, fan_in + 1, fan_out)`` whose last
row is the bias, so every layer's input carries a trailing column of ones and one
``np.matmul`` on the stack computes z = a·W + b for all K models, and one more gives both the
weight and the bias gradient. The optimiser then updates the flat buffer in a few calls.

Models of a stack may differ in activation, bias offset, initialisation, learning rate and
seed (hence their shuffling order); they share the layer sizes, solver and batch size. One
model (K = 1) is what an estimator trains; a comparison or a sweep is K > 1; there is no other
training loop. Outputs and losses follow scikit-learn's MLP: logistic + binary log-loss,
softmax + cross-entropy, identity + half squared error, exp + half Poisson deviance, with
optional sample weights, and the same L2 penalty
α/2·‖W‖²/n_batch on weights only.

Each epoch's record is taken over the full training set with the parameters at the end of the
epoch (row 0: at initialisation): loss, score, per-unit on-rate / inactive / dead / saturated
(see ``reluscope.diagnostics``), per-layer mean activation and the norm of the full-batch data
gradient of each layer's incoming weights and biases. With one batch per epoch the record of
epoch t is read off epoch t+1's training pass, which already holds every z and gradient at
those parameters.

Every model's status carries ``diverged`` (``reluscope.diagnostics.diverged``): its running
loss became non-finite (the model stops there, as scikit-learn's would fail) or exceeded
``DIVERGENCE_FACTOR`` times the larger of its loss at initialisation and the constant
predictor's loss (flagged; training goes on, so the estimators keep scikit-learn's numbers).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from reluscope.activations import Activation, get_activation, scipy_special
from reluscope.diagnostics import DIVERGENCE_FACTOR, SATURATION_FRACTION, diverged
from reluscope.errors import InvalidParameterError
from reluscope.init import check_init, initial_parameters
from reluscope.optim import SCHEDULES, SGD, SOLVERS, Adam, LearningRateSchedule
from reluscope.validation import check_choice, check_integer, check_real, is_count

__all__ = [
    "SCHEDULES",
    "SOLVERS",
    "RunSpec",
    "StackedNetwork",
    "TrainConfig",
    "TrainState",
    "train_stack",
]


@dataclass(frozen=True)
class RunSpec:
    """What may differ between the models of one stack; ``seed`` seeds its weights and
    minibatch order (an int, a ``RandomState`` or None, as scikit-learn's ``random_state``)."""

    activation: str = "relu"
    negative_slope: float = 0.01
    bias_offset: float = 0.0
    init: str = "he_normal"
    learning_rate: float = 0.01
    seed: object = 0
    # activation whose initialisation rule draws the weights (He's leak correction,
    # scikit-learn's sigmoid factor); paired runs set one so all share identical weights
    init_reference: str | None = None

    def __post_init__(self):
        self.get_activation()  # unknown names and slopes outside [0, 1] raise here
        check_init(self.init)
        check_real("learning_rate", self.learning_rate, 0.0, low_open=True)
        check_real("bias_offset", self.bias_offset)

    def get_activation(self) -> Activation:
        return get_activation(self.activation, negative_slope=self.negative_slope)

    def init_activation(self) -> Activation:
        if self.init_reference is None:
            return self.get_activation()
        return get_activation(self.init_reference, negative_slope=self.negative_slope)


@dataclass(frozen=True)
class TrainConfig:
    """What every model of a stack shares.

    Names follow the glossary in :mod:`reluscope.config` (``hidden_layers``, ``epochs``,
    ``l2_penalty``, ``learning_rate_schedule``); the optimiser's own parameters (``momentum``,
    ``beta_1``, ``tol``, ``n_iter_no_change``, …) keep scikit-learn's names and meanings.
    """

    hidden_layers: tuple[int, ...] = (100,)
    solver: str = "sgd"
    l2_penalty: float = 0.0
    batch_size: int | str = "auto"
    epochs: int = 200
    shuffle: bool = True
    momentum: float = 0.9
    nesterovs_momentum: bool = True
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8
    learning_rate_schedule: str = "constant"
    power_t: float = 0.5
    tol: float = 1e-4
    n_iter_no_change: float = math.inf
    diagnostics: bool = True
    keep_parameters: bool = False
    dtype: type = np.float64

    def __post_init__(self):
        sizes = self.hidden_layers
        if not (isinstance(sizes, tuple) and sizes and all(is_count(size) for size in sizes)):
            raise InvalidParameterError(
                "hidden_layers", sizes, "a non-empty tuple of integers ≥ 1"
            )
        check_choice("solver", self.solver, SOLVERS)
        check_choice("learning_rate_schedule", self.learning_rate_schedule, SCHEDULES)
        if not (self.batch_size == "auto" or is_count(self.batch_size)):
            raise InvalidParameterError("batch_size", self.batch_size, "'auto' or an integer ≥ 1")
        check_integer("epochs", self.epochs, 1, exact=True)
        check_real("l2_penalty", self.l2_penalty, 0.0)
        check_real("momentum", self.momentum, 0.0, 1.0)

    def effective_batch_size(self, n_samples: int) -> int:
        if self.batch_size == "auto":
            return min(200, n_samples)
        return int(np.clip(self.batch_size, 1, n_samples))


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
    """

    def __init__(self, layer_units, activations: Sequence[Activation], output: str, dtype):
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
        self.flat = np.zeros((self.n_models, self.n_parameters), dtype=self.dtype)
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
        for derivative_into, z, a, slope in buffers.derivative_parts:
            derivative_into(z, a, slope)
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
    """

    def __init__(self, network: StackedNetwork, n: int):
        k, dtype = network.n_models, network.dtype
        hidden = network.layer_units[1:-1]
        n_out = network.layer_units[-1]
        self.n = n
        # one allocation for all four: NumPy gives blocks of 4 MB and more transparent huge
        # pages, which makes the first pass over fresh memory much cheaper (fewer page faults)
        z_flat, a_flat, slope_flat, delta_flat = np.zeros(
            (4, k * n * sum(units + 1 for units in hidden)), dtype
        )
        z_wide = _layer_views(z_flat, k, n, hidden)
        self.a = _layer_views(a_flat, k, n, hidden)
        self.slope_wide = _layer_views(slope_flat, k, n, hidden)
        self.delta_wide = _layer_views(delta_flat, k, n, hidden)
        for array in (*z_wide, *self.a):
            array[..., -1] = 1.0
        self.z = [z[..., :-1] for z in z_wide]
        self.slope = [slope[..., :-1] for slope in self.slope_wide]
        self.delta = [delta[..., :-1] for delta in self.delta_wide]
        self.a_t = [a.transpose(0, 2, 1) for a in self.a]
        self.ones = np.ones((1, 1, n), dtype)  # a row of ones: column sums as matrix products
        # (1, n, 1) sample weights of mean 1 for weighted records, or None; ``ones`` then holds
        # them too, so every column sum of a record is a weighted sum
        self.weights = None
        self.z_out = np.empty((k, n, n_out), dtype)
        self.output = np.empty((k, n, n_out), dtype)
        self.delta_out = np.empty((k, n, n_out), dtype)
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
            stacked = (len(hidden), k, n, hidden[0] + 1)
            self.a_t_stacked = a_flat.reshape(stacked)[:-1].transpose(0, 1, 3, 2)
            self.delta_stacked = delta_flat.reshape(stacked)[1:, ..., :-1]


def _layer_views(flat, k, n, hidden):
    """Per-layer (k, n, units + 1) views, one after the other, of a flat buffer."""
    views, offset = [], 0
    for units in hidden:
        size = k * n * (units + 1)
        views.append(flat[offset : offset + size].reshape(k, n, units + 1))
        offset += size
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


# --------------------------------------------------------------------------------------------
# training


@dataclass
class TrainState:
    """Everything an estimator keeps between ``fit``/``partial_fit`` calls."""

    network: StackedNetwork
    optimizer: object
    loss_curve: list = field(default_factory=list)  # per epoch, (K,) scikit-learn running loss
    records: list = field(default_factory=list)  # per recorded epoch, dict of (K, ...) arrays
    best_loss: np.ndarray | None = None
    no_improvement: np.ndarray | None = None
    active: np.ndarray | None = None
    diverged: np.ndarray | None = None  # (K,) bool: see ``reluscope.diagnostics.diverged``
    diverged_epoch: np.ndarray | None = None  # (K,) first diverged epoch, −1 while none
    # (K,) the larger of the loss at initialisation and the constant predictor's loss
    loss_reference: np.ndarray | None = None
    constant_loss: float | None = None  # the best constant prediction's loss on the data
    epochs_run: np.ndarray | None = None  # (K,) epochs each model trained before it stopped
    samples_seen: int = 0
    n_iter: int = 0
    recorded: bool = False  # diagnostics of the current parameters are already in ``records``
    # the optimiser's schedule, kept across calls: invscaling scales the rates it started with
    schedule: object = None


def build_state(layer_units, specs: Sequence[RunSpec], config: TrainConfig, output, random_states):
    """Draw every model's initial parameters and make its optimiser.

    ``random_states`` are the models' RandomState objects; the draws consume them first, as
    scikit-learn's MLP does, so the same generators then shuffle the batches.
    """
    activations = [spec.get_activation() for spec in specs]
    network = StackedNetwork(layer_units, activations, output, config.dtype)
    for model, (spec, rng) in enumerate(zip(specs, random_states, strict=True)):
        layers = initial_parameters(
            layer_units,
            spec.init,
            spec.init_activation(),
            rng,
            bias_offset=spec.bias_offset,
            dtype=config.dtype,
        )
        network.set_parameters(model, layers)
    k = len(specs)
    return TrainState(
        network=network,
        optimizer=make_optimizer(network, specs, config),
        best_loss=np.full(k, np.inf),
        no_improvement=np.zeros(k, dtype=int),
        active=np.ones(k, dtype=bool),
        diverged=np.zeros(k, dtype=bool),
        diverged_epoch=np.full(k, -1),
        epochs_run=np.zeros(k, dtype=int),
    )


def make_optimizer(network, specs, config):
    rates = [spec.learning_rate for spec in specs]
    check_choice("solver", config.solver, SOLVERS)  # a stale config must not train
    if config.solver == "sgd":
        return SGD(
            network.flat.shape, network.dtype, rates, config.momentum, config.nesterovs_momentum
        )
    return Adam(
        network.flat.shape, network.dtype, rates, config.beta_1, config.beta_2, config.epsilon
    )


def train_stack(
    state: TrainState,
    X,
    targets,
    config: TrainConfig,
    random_states,
    *,
    max_epochs: int | None = None,
    eval_set=None,
    progress: Callable[[int, int], None] | None = None,
    sample_weight=None,
) -> TrainState:
    """Train every model of ``state`` for up to ``max_epochs`` (default ``config.epochs``).

    Parameters
    ----------
    X : ndarray (n_samples, n_features)
    targets : ndarray (n_samples, n_outputs)
        Encoded as scikit-learn does (label indicator columns, or regression targets).
    random_states : list of numpy.random.RandomState, length K
        Each model's shuffling generator.
    eval_set : (X_val, targets_val) or None
        Scored after every epoch when diagnostics are on.
    progress : callable(epochs_done, epochs_total) or None
    sample_weight : ndarray (n_samples,) or None
        scikit-learn's ``sample_weight``: each batch's loss is the weighted mean of its
        samples' losses plus α/2·‖W‖² over its weight sum, and its gradient the gradient of
        that. The records take D without the samples of weight 0 and weight the rest.

    Stopping follows scikit-learn per model (tol, n_iter_no_change, the adaptive schedule);
    a model whose loss becomes non-finite stops and is marked diverged; one whose loss exceeds
    ``DIVERGENCE_FACTOR`` × ``state.loss_reference`` is marked diverged and goes on. A stopped
    model is frozen (its parameters no longer change) while the others go on.
    """
    network, optimizer = state.network, state.optimizer
    k, n = network.n_models, X.shape[0]
    dtype = network.dtype
    max_epochs = config.epochs if max_epochs is None else max_epochs
    batch_size = config.effective_batch_size(n)
    single_batch = batch_size >= n
    inputs_full = network.augment(X)
    targets_full = np.asarray(targets, dtype=dtype)[None]
    alpha = float(config.l2_penalty)
    # α on weights, 0 on biases: the L2 penalty's gradient is one multiply of the parameters
    alpha_mask = alpha * network.weight_mask
    grads_flat = np.empty_like(network.flat)
    grads = network.layer_views(grads_flat)
    penalty = np.empty_like(network.flat)
    epoch_outputs = np.empty((k, n, network.layer_units[-1]), dtype)
    order = np.tile(np.arange(n), (k, 1))
    if config.shuffle:
        inputs_epoch = np.empty((k, *inputs_full.shape[1:]), dtype)
        targets_epoch = np.empty((k, *targets_full.shape[1:]), dtype)
    else:
        inputs_epoch, targets_epoch = inputs_full, targets_full
    batches = [slice(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]
    weighted = sample_weight is not None
    # with weights the record needs its own pass over D's weighted rows
    shared_record = single_batch and not weighted
    if weighted:
        weights_full = np.asarray(sample_weight, dtype=dtype).reshape(1, n, 1)
        weights_epoch = np.empty((k, n, 1), dtype) if config.shuffle else weights_full
        # each sample's weight × its batch's size / weight sum: scikit-learn's running loss
        loss_weights = np.empty((k, n, 1), dtype)
        batch_weights = [(weights_epoch[:, batch], loss_weights[:, batch]) for batch in batches]
    buffers_by_size = {size: Buffers(network, size) for size in {b.stop - b.start for b in batches}}
    # α‖W‖² at each batch, for scikit-learn's running loss
    penalty_terms = np.zeros((len(batches), k))
    # every per-batch view made once: the epoch's arrays are refilled in place
    steps = [
        (
            inputs_epoch[:, batch],
            targets_epoch[:, batch],
            epoch_outputs[:, batch],
            buffers_by_size[batch.stop - batch.start],
            batch.stop - batch.start,
            penalty_term,
        )
        for batch, penalty_term in zip(batches, penalty_terms, strict=True)
    ]
    record_inputs, record_targets, record_weights = inputs_full, targets_full, None
    if shared_record:
        record_buffers = steps[0][3]
    elif weighted:
        kept = weights_full[0, :, 0] > 0
        record_inputs, record_targets = inputs_full[:, kept], targets_full[:, kept]
        record_weights = weights_full[:, kept] / weights_full[:, kept].mean()
        record_buffers = Buffers(network, record_inputs.shape[1])
        record_buffers.weights = record_weights
        record_buffers.ones[0, 0] = record_weights[0, :, 0]
    elif config.diagnostics:
        record_buffers = Buffers(network, n)
    eval_data = None
    if eval_set is not None and config.diagnostics:
        eval_data = (
            network.augment(eval_set[0]),
            np.asarray(eval_set[1], dtype=dtype)[None],
            Buffers(network, eval_set[0].shape[0]),
        )
    schedule = state.schedule
    if schedule is None or schedule.optimizer is not optimizer:
        schedule = LearningRateSchedule(config.learning_rate_schedule, optimizer, config.power_t)
        state.schedule = schedule

    def record(buffers, outputs, batch_targets, loss_sum):
        """Record the current parameters' diagnostics, once per parameter state."""
        if not config.diagnostics or state.recorded:
            return
        scale = 1.0 / buffers.n
        entry = _record(
            network, buffers, outputs, batch_targets, loss_sum, grads_flat, scale, eval_data
        )
        if config.keep_parameters:
            entry["parameters"] = network.flat.copy()
        state.records.append(entry)
        state.recorded = True

    def full_pass_record():
        if config.diagnostics and not state.recorded:
            outputs = network.forward(record_inputs, record_buffers)
            network.backward(
                record_inputs, record_targets, outputs, record_buffers, grads, record_weights
            )
            loss_sum = sample_losses_sum(outputs, record_targets, network.output, record_weights)
            record(record_buffers, outputs, record_targets, loss_sum)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        if state.loss_reference is None:
            reference_weights = weights_full / weights_full.mean() if weighted else None
            _set_loss_reference(
                state, inputs_full, targets_full, alpha_mask, steps, batches, reference_weights
            )
        if not shared_record:
            full_pass_record()
        for epoch in range(max_epochs):
            if not state.active.any():
                break
            state.epochs_run += state.active
            if config.shuffle:
                for model, rng in enumerate(random_states):
                    permutation = np.arange(n)
                    rng.shuffle(permutation)
                    order[model] = order[model][permutation]
                np.take(inputs_full[0], order, axis=0, out=inputs_epoch)
                np.take(targets_full[0], order, axis=0, out=targets_epoch)
                if weighted:
                    np.take(weights_full[0], order, axis=0, out=weights_epoch)
            for step, (batch_inputs, batch_targets, outputs, buffers, size, penalty_term) in (
                enumerate(steps)
            ):
                weights = batch_weights[step][0] if weighted else None
                network.forward(batch_inputs, buffers, out=outputs)
                network.backward(batch_inputs, batch_targets, outputs, buffers, grads, weights)
                if shared_record:
                    # this pass holds every z, gradient and loss of the parameters before the
                    # update: the record and the epoch's loss share them
                    loss_sum = sample_losses_sum(outputs, batch_targets, network.output)
                    record(buffers, outputs, batch_targets, loss_sum)
                if alpha:
                    np.multiply(network.flat, alpha_mask, out=penalty)
                    np.vecdot(penalty, network.flat, out=penalty_term)
                    grads_flat += penalty
                if weighted:
                    # scikit-learn divides by the batch's weight sum instead of its size
                    scale = size / weights.sum(axis=1)
                    grads_flat *= scale
                    penalty_term *= scale[:, 0]
                    np.multiply(weights, scale[:, None], out=batch_weights[step][1])
                optimizer.step(network.flat, grads_flat, size)
            state.recorded = False
            if not shared_record:
                loss_sum = sample_losses_sum(
                    epoch_outputs, targets_epoch, network.output, loss_weights if weighted else None
                )
            epoch_loss = (loss_sum + 0.5 * penalty_terms.sum(axis=0)) / n
            state.n_iter += 1
            state.samples_seen += n
            state.loss_curve.append(epoch_loss)
            if not shared_record:
                full_pass_record()
            _after_epoch(state, epoch_loss, config, optimizer, schedule, epoch + 1)
            if progress is not None:
                progress(epoch + 1, max_epochs)
        full_pass_record()
    return state


def _set_loss_reference(state, inputs_full, targets_full, alpha_mask, steps, batches, weights):
    """The constant predictor's loss and each model's divergence reference (see
    ``diagnostics.diverged``), from one pass over the data in the training batches' buffers;
    ``weights`` (1, n, 1) of mean 1, or None."""
    network = state.network
    output = network.output
    n = inputs_full.shape[1]
    mean = targets_full.mean(axis=1, keepdims=True)
    if weights is not None:
        mean = (targets_full * weights).mean(axis=1, keepdims=True)
    constant = np.broadcast_to(mean, targets_full.shape)
    state.constant_loss = float(sample_losses_sum(constant, targets_full, output, weights)[0] / n)
    loss_sum = np.zeros(network.n_models)
    for batch, (_, _, _, buffers, _, _) in zip(batches, steps, strict=True):
        outputs = network.forward(inputs_full[:, batch], buffers)
        batch_weights = None if weights is None else weights[:, batch]
        loss_sum += sample_losses_sum(outputs, targets_full[:, batch], output, batch_weights)
    penalty = 0.5 * np.vecdot(network.flat * alpha_mask, network.flat)
    initial = (loss_sum + penalty) / n
    state.loss_reference = np.fmax(initial, state.constant_loss)


def _after_epoch(state, epoch_loss, config, optimizer, schedule, epoch):
    """scikit-learn's per-epoch bookkeeping, vectorised over models: divergence, stopping."""
    finite = np.isfinite(epoch_loss)
    newly_diverged = state.active & ~state.diverged & diverged(epoch_loss, state.loss_reference)
    if newly_diverged.any():
        state.diverged |= newly_diverged
        state.diverged_epoch[newly_diverged] = epoch
        stopped = int((newly_diverged & ~finite).sum())
        exploded = int(newly_diverged.sum()) - stopped
        parts = []
        if stopped:
            parts.append(f"{stopped} model(s) with a non-finite loss (stopped, history kept)")
        if exploded:
            parts.append(
                f"{exploded} model(s) with a loss above {DIVERGENCE_FACTOR:g} × the larger of "
                "its initial loss and the constant predictor's (training goes on)"
            )
        warnings.warn(
            f"Training diverged at epoch {epoch}: {'; '.join(parts)}.",
            RuntimeWarning,
            stacklevel=3,
        )
    schedule.after_epoch(state.active, state.samples_seen)
    worse = epoch_loss > state.best_loss - config.tol
    state.no_improvement = np.where(worse, state.no_improvement + 1, 0)
    state.best_loss = np.where(epoch_loss < state.best_loss, epoch_loss, state.best_loss)
    stopping = state.active & finite & (state.no_improvement > config.n_iter_no_change)
    shrunk = schedule.shrink(stopping)
    state.no_improvement[shrunk] = 0
    stopping &= ~shrunk
    for model in np.flatnonzero(stopping | (state.active & ~finite)):
        state.active[model] = False
        optimizer.freeze(model)


def _unit_stats(network, buffers):
    """Per-unit on-rate, inactive, dead, saturated, each (K, hidden units), and per-layer mean
    activation (K, hidden layers) of the state held in ``buffers``.

    The definitions are ``reluscope.diagnostics.unit_states``; this is its fast path on the
    engine's buffers, where f′(z) is already computed. Column sums over the samples are
    matrix-vector products with a row of ones, the fastest column sum.
    """
    n, ones = buffers.n, buffers.ones
    relu_like = all(activation.zero_gradient_below_zero for _, activation in network.groups)
    monotone = all(activation.monotone for _, activation in network.groups)
    positives, largest, mean_activation = [], [], []
    for z, a, slope in zip(buffers.z, buffers.a, buffers.slope, strict=True):
        mean_activation.append(np.matmul(ones, a)[:, 0, :-1].sum(axis=-1) / (n * z.shape[-1]))
        if relu_like:
            # f′(z) is exactly 1 where z > 0 and 0 elsewhere: its column sums count the positives
            positives.append(np.matmul(ones, slope)[:, 0])
        else:
            if buffers.weights is None:
                positives.append(np.count_nonzero(z > 0.0, axis=1))
            else:  # weighted counts: the weights are in ``ones``
                positives.append(np.matmul(ones, (z > 0.0).astype(z.dtype))[:, 0])
            largest.append((slope if monotone else np.abs(slope)).max(axis=1))
    positives = np.concatenate(positives, axis=1)
    inactive = positives == 0
    if relu_like:  # dead is inactive; a ReLU is never saturated
        dead = inactive
        saturated = np.zeros_like(inactive)
    else:
        largest = np.concatenate(largest, axis=1)
        dead = largest == 0.0
        saturated = (largest < SATURATION_FRACTION * network.peak_slopes) & network.saturates
    return {
        "on_rate": (positives / n).astype(np.float32),
        "inactive": inactive,
        "dead": dead,
        "saturated": saturated,
        "mean_activation": np.stack(mean_activation, axis=1),
    }


def _record(network, buffers, outputs, targets, loss_sum, grads_flat, scale, eval_data):
    """Diagnostics of the state held in ``buffers`` (a full-training-set pass, whose summed
    loss is ``loss_sum``)."""
    n_samples = outputs.shape[1]
    entry = {
        "loss": loss_sum / n_samples,
        "score": scores(outputs, targets, network.output, buffers.weights),
        # one sum per layer's block of the flat gradient
        "grad_norm": np.sqrt(np.add.reduceat(np.square(grads_flat), network.layer_starts, axis=1))
        * scale,
    }
    if eval_data is not None:
        val_inputs, val_targets, val_buffers = eval_data
        val_outputs = network.forward(val_inputs, val_buffers)
        entry["val_loss"] = (
            sample_losses_sum(val_outputs, val_targets, network.output) / (val_inputs.shape[1])
        )
        entry["val_score"] = scores(val_outputs, val_targets, network.output)
    entry.update(_unit_stats(network, buffers))
    return entry
