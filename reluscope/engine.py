"""Training: K MLPs of one shape trained together, with diagnostics from the same passes.

The network, its passes and losses are ``reluscope.network``: parameters of all K models in
one (K, P) buffer, so one ``np.matmul`` on the stack computes a layer for all K models and the
optimiser updates the flat buffer in a few calls.

Models of a stack may differ in activation, bias offset, initialisation, learning rate and
seed (hence their shuffling order); they share the layer sizes, solver and batch size. One
model (K = 1) is what an estimator trains; a comparison or a sweep is K > 1; there is no other
training loop. Outputs and losses follow scikit-learn's MLP: logistic + binary log-loss,
softmax + cross-entropy, identity + half squared error, exp + half Poisson deviance, with
optional sample weights, and the same L2 penalty α/2·‖W‖²/n_batch on weights only.

Each epoch's record is taken over the full training set with the parameters at the end of the
epoch (row 0: at initialisation): loss, score, per-unit on-rate / inactive / dead / saturated
(see ``reluscope.diagnostics``), per-layer mean activation and (``gradient_norms``) the norm
of the full-batch data gradient of each layer's incoming weights and biases. With one batch
per epoch the record of epoch t is read off epoch t+1's training pass, which already holds
every z and gradient at those parameters. Passes over many rows run in groups of models
within :data:`GROUP_BYTES` (``reluscope.full_set``), which bounds a training's working memory
(:func:`working_bytes`) and gives the same numbers as one stack.

Every model's status carries ``diverged`` (``reluscope.diagnostics.diverged``): its running
loss became non-finite (the model stops there, as scikit-learn's would fail) or exceeded
``DIVERGENCE_FACTOR`` times the larger of its loss at initialisation and the constant
predictor's loss (flagged; training goes on, so the estimators keep scikit-learn's numbers).
"""

from __future__ import annotations

import contextvars
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from reluscope.activations import Activation, get_activation
from reluscope.diagnostics import DIVERGENCE_FACTOR, diverged
from reluscope.errors import InvalidParameterError
from reluscope.full_set import (
    GROUP_BYTES,
    GroupedPass,
    evaluate,
    gradient_norms,
    group_entry,
    group_sizes,
    join,
)
from reluscope.init import check_init, initial_parameters
from reluscope.network import Buffers, StackedNetwork, sample_losses_sum, scores
from reluscope.optim import SCHEDULES, SGD, SOLVERS, Adam, LearningRateSchedule
from reluscope.validation import check_choice, check_integer, check_real, is_count

__all__ = [
    "EPOCH_WATCH",
    "GROUP_BYTES",
    "SCHEDULES",
    "SOLVERS",
    "Buffers",
    "RunSpec",
    "StackedNetwork",
    "TrainConfig",
    "TrainState",
    "sample_losses_sum",
    "scores",
    "train_stack",
    "working_bytes",
]


# callable(state) run after each epoch's progress call, for a caller several calls up (the
# dashboard draws a training's curves as they fill in); it must only read the state
EPOCH_WATCH: contextvars.ContextVar[Callable[[TrainState], None] | None] = contextvars.ContextVar(
    "EPOCH_WATCH", default=None
)


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
    # the full-batch gradient's norm per layer in each record: a backward pass over the full
    # training set each epoch; unit states need only the forward pass
    gradient_norms: bool = True
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


def working_bytes(
    layer_units,
    n_samples: int,
    n_models: int,
    batch_size: int | str = "auto",
    dtype=np.float64,
    *,
    n_eval: int = 0,
    solver: str = "adam",
    budget: int = GROUP_BYTES,
) -> int:
    """Peak working memory of ``train_stack`` in bytes: every array a training holds while it
    runs, apart from the records it keeps (``records``, one entry per epoch). An estimate:
    within about 15 % of the peak NumPy allocates (``tests/test_engine.py`` checks 25 %).

    Parameters
    ----------
    layer_units : sequence of int
        ``[n_features, *hidden_layers, n_outputs]``.
    n_samples : int
        Rows of the training set.
    n_models : int
        Models of the stack (K).
    batch_size : int or "auto"
        As ``TrainConfig.batch_size``.
    dtype : numpy float dtype
    n_eval : int
        Rows of the evaluation set (0: none).
    solver : {"sgd", "adam"}
        Adam keeps one more parameter-sized array than SGD.
    budget : int
        Work-array bytes per group of models in a pass (:data:`GROUP_BYTES`).

    Returns
    -------
    int
        The sum of: parameters, gradient, L2 term and optimiser state, (4 or 5 + 3) × K × P;
        the epoch's shuffled copy of the data, its outputs and orders, K × n × (d + 1 + 2 ×
        n_outputs) numbers and K × n indices; the work arrays of the training batches (at
        most two batch sizes), of the grouped full-set pass and of the evaluation pass
        (``Buffers.nbytes`` of at most ``budget`` per group, or one model); the data
        themselves and the loss's temporaries, 3 × K × n × n_outputs.
    """
    units = [int(u) for u in layer_units]
    itemsize = np.dtype(dtype).itemsize
    k, n = int(n_models), int(n_samples)
    batch = min(200, n) if batch_size == "auto" else int(np.clip(batch_size, 1, n))
    n_parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in pairwise(units))
    n_features, n_outputs = units[0], units[-1]
    per_parameter = 8 if solver == "adam" else 7
    total = per_parameter * k * n_parameters * itemsize
    total += (k * n * (n_features + 1 + 2 * n_outputs) + n * (n_features + 1 + n_outputs)) * (
        itemsize
    ) + 8 * k * n
    total += 3 * k * n * n_outputs * itemsize

    def grouped(rows):
        sizes = group_sizes(units, rows, k, itemsize, budget)
        return Buffers.nbytes(units, sizes[0], rows, itemsize)

    sizes = {batch} | ({n % batch} - {0})
    total += sum(grouped(size) for size in sizes)
    if batch < n:
        total += grouped(n)
    if n_eval:
        total += grouped(n_eval) + n_eval * (n_features + 1 + n_outputs) * itemsize
    return int(total)


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
    group_bytes: int | None = None,
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
    group_bytes : int, optional
        Work-array bytes per group of models in a pass (default :data:`GROUP_BYTES`; see
        ``reluscope.full_set``). Any value gives the same numbers.
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
    weights_epoch = loss_weights = None
    if weighted:
        weights_full = np.asarray(sample_weight, dtype=dtype).reshape(1, n, 1)
        weights_epoch = np.empty((k, n, 1), dtype) if config.shuffle else weights_full
        # each sample's weight × its batch's size / weight sum: scikit-learn's running loss
        loss_weights = np.empty((k, n, 1), dtype)
    budget = GROUP_BYTES if group_bytes is None else group_bytes
    passes = {
        size: GroupedPass(network, size, grads_flat, budget)
        for size in {b.stop - b.start for b in batches}
    }
    # α‖W‖² at each batch, for scikit-learn's running loss
    penalty_terms = np.zeros((len(batches), k))
    # every per-batch, per-group view made once: the epoch's arrays are refilled in place
    steps = [
        (
            _step_parts(passes[batch.stop - batch.start], inputs_epoch, targets_epoch,
                        epoch_outputs, batch, weights_epoch),
            batch.stop - batch.start,
            penalty_term,
            None if not weighted else (weights_epoch[:, batch], loss_weights[:, batch]),
        )
        for batch, penalty_term in zip(batches, penalty_terms, strict=True)
    ]  # fmt: skip
    record_pass, record_inputs, record_targets = None, inputs_full, targets_full
    if shared_record:
        record_pass = passes[n]
    elif weighted and config.diagnostics:
        kept = weights_full[0, :, 0] > 0
        record_inputs, record_targets = inputs_full[:, kept], targets_full[:, kept]
        record_weights = weights_full[:, kept] / weights_full[:, kept].mean()
        record_pass = GroupedPass(
            network, record_inputs.shape[1], grads_flat, budget, weights=record_weights
        )
    elif config.diagnostics:
        record_pass = GroupedPass(network, n, grads_flat, budget)
    eval_data = None
    if eval_set is not None and config.diagnostics:
        eval_data = (
            GroupedPass(network, eval_set[0].shape[0], grads_flat, sizes=record_pass.sizes),
            network.augment(eval_set[0]),
            np.asarray(eval_set[1], dtype=dtype)[None],
        )
    schedule = state.schedule
    if schedule is None or schedule.optimizer is not optimizer:
        schedule = LearningRateSchedule(config.learning_rate_schedule, optimizer, config.power_t)
        state.schedule = schedule

    def keep(entry):
        """Keep one record of the current parameters."""
        if config.keep_parameters:
            entry["parameters"] = network.flat.copy()
        state.records.append(entry)
        state.recorded = True

    def full_pass_record():
        if config.diagnostics and not state.recorded:
            keep(
                record_pass.record(
                    record_inputs,
                    record_targets,
                    grads_flat,
                    gradients=config.gradient_norms,
                    eval_data=eval_data,
                )
            )

    def full_batch_pass(parts):
        """Forward and backward over the one batch, group by group; the summed loss (K,).

        This pass holds every z, gradient and loss of the parameters before the update, so
        the record shares it, taken from each group's arrays before the next group's pass
        reuses them.
        """
        recording = config.diagnostics and not state.recorded
        losses, entries = [], []
        for index, (part, buffers, grads, batch_inputs, batch_targets, outputs, _) in enumerate(
            parts
        ):
            part.forward(batch_inputs, buffers, out=outputs)
            part.backward(batch_inputs, batch_targets, outputs, buffers, grads)
            losses.append(sample_losses_sum(outputs, batch_targets, part.output))
            if recording:
                entry = group_entry(part, buffers, outputs, batch_targets, losses[-1])
                if eval_data is not None:
                    entry.update(evaluate(index, *eval_data))
                entries.append(entry)
        if recording:
            keep(_with_gradient_norms(join(entries), config, network, grads_flat, n))
        return losses[0] if len(losses) == 1 else np.concatenate(losses)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        # the divergence reference needs each model's initial loss: the first record or the
        # first full batch holds it; only a minibatch run without records makes a pass for it
        reference_pending = state.loss_reference is None
        if reference_pending:
            reference_weights = weights_full / weights_full.mean() if weighted else None
            state.constant_loss = _constant_loss(targets_full, network.output, reference_weights)
        if not shared_record:
            full_pass_record()
        if reference_pending and not shared_record:
            if config.diagnostics and state.records and state.recorded:
                initial = state.records[-1]["loss"]
            else:
                initial = _initial_data_loss(
                    network, inputs_full, targets_full, passes, batches, reference_weights
                )
            _set_loss_reference(state, initial, alpha_mask, n)
            reference_pending = False
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
            for parts, size, penalty_term, batch_weights in steps:
                if shared_record:
                    loss_sum = full_batch_pass(parts)
                    if reference_pending:  # this pass ran on the initial parameters
                        _set_loss_reference(state, loss_sum / n, alpha_mask, n)
                        reference_pending = False
                else:
                    for part, buffers, grads, inputs, batch_targets, outputs, weights in parts:
                        part.forward(inputs, buffers, out=outputs)
                        part.backward(inputs, batch_targets, outputs, buffers, grads, weights)
                if alpha:
                    np.multiply(network.flat, alpha_mask, out=penalty)
                    np.vecdot(penalty, network.flat, out=penalty_term)
                    grads_flat += penalty
                if weighted:
                    # scikit-learn divides by the batch's weight sum instead of its size
                    weights, scaled = batch_weights
                    scale = size / weights.sum(axis=1)
                    grads_flat *= scale
                    penalty_term *= scale[:, 0]
                    np.multiply(weights, scale[:, None], out=scaled)
                optimizer.step(network.flat, grads_flat, size)
            state.recorded = False
            if not shared_record:
                loss_sum = sample_losses_sum(
                    epoch_outputs, targets_epoch, network.output, loss_weights
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
            if (watch := EPOCH_WATCH.get()) is not None:
                watch(state)
        full_pass_record()
    return state


def _step_parts(grouped, inputs_epoch, targets_epoch, epoch_outputs, batch, weights_epoch):
    """Per group of ``grouped``: (network, buffers, gradient views, inputs, targets, outputs,
    sample weights or None) of one batch, as views into the epoch's arrays."""
    parts = []
    for models, part, buffers, grads in grouped.groups:
        # unshuffled, every model reads the one copy of the data
        rows = models if inputs_epoch.shape[0] > 1 else slice(None)
        inputs, targets = inputs_epoch[rows, batch], targets_epoch[rows, batch]
        weights = None if weights_epoch is None else weights_epoch[rows, batch]
        outputs = epoch_outputs[models, batch]
        parts.append((part, buffers, grads, inputs, targets, outputs, weights))
    return parts


def _with_gradient_norms(entry, config, network, grads_flat, n):
    """``entry`` with the full-batch gradient norms of ``grads_flat`` when they are reported."""
    if config.gradient_norms:
        entry["grad_norm"] = gradient_norms(network, grads_flat, 1.0 / n)
    return entry


def _constant_loss(targets_full, output, weights):
    """The loss of the best constant prediction (the targets' mean) on the data; ``weights``
    (1, n, 1) of mean 1, or None."""
    n = targets_full.shape[1]
    mean = targets_full.mean(axis=1, keepdims=True)
    if weights is not None:
        mean = (targets_full * weights).mean(axis=1, keepdims=True)
    constant = np.broadcast_to(mean, targets_full.shape)
    return float(sample_losses_sum(constant, targets_full, output, weights)[0] / n)


def _initial_data_loss(network, inputs_full, targets_full, passes, batches, weights):
    """Each model's mean data loss (K,) at its current parameters, from one forward pass over
    the data in the training batches' buffers (for when no record or full batch has it)."""
    loss_sum = np.zeros(network.n_models)
    for batch in batches:
        batch_weights = None if weights is None else weights[:, batch]
        for models, part, buffers, _ in passes[batch.stop - batch.start].groups:
            outputs = part.forward(inputs_full[:, batch], buffers)
            loss_sum[models] += sample_losses_sum(
                outputs, targets_full[:, batch], network.output, batch_weights
            )
    return loss_sum / inputs_full.shape[1]


def _set_loss_reference(state, data_loss, alpha_mask, n):
    """Each model's divergence reference (see ``diagnostics.diverged``): the larger of its
    initial loss (``data_loss`` (K,) plus the L2 penalty over ``n`` rows) and the constant
    predictor's."""
    network = state.network
    penalty = 0.5 * np.vecdot(network.flat * alpha_mask, network.flat)
    state.loss_reference = np.fmax(data_loss + penalty / n, state.constant_loss)


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
