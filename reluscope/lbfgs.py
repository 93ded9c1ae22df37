"""L-BFGS for the estimators: scipy drives the iterations over the engine's loss and gradient.

The one documented exception to the engine's single training loop (DESIGN, principle 1): with
``solver="lbfgs"`` an estimator (one model, K = 1) hands scipy's L-BFGS-B the full-batch loss
and gradient computed by the engine's own ``forward`` / ``backward`` passes, exactly as
scikit-learn's ``MLP._fit_lbfgs`` does (``sklearn/neural_network/_multilayer_perceptron.py``):
the variables are scikit-learn's packed vector (every layer's weights, then every layer's
biases), the options ``maxiter=max_iter``, ``maxfun=max_fun``, ``gtol=tol``, the loss the
weighted mean of the per-sample losses plus α/2·‖W‖² over the weight sum. Comparisons, the
dashboard and sweeps train with sgd and adam only.

Diagnostics are recorded once per L-BFGS iteration (row 0: the starting point), from the pass
scipy already asked for at the accepted point when there is one.
"""

from __future__ import annotations

import warnings
from itertools import pairwise

import numpy as np

from reluscope.diagnostics import diverged
from reluscope.full_set import gradient_norms, group_entry
from reluscope.network import Buffers, sample_losses_sum, scores

__all__ = ["LossGradient", "fit_lbfgs", "packing_order"]


def packing_order(layer_units) -> np.ndarray:
    """Where each entry of the engine's flat parameter row sits in scikit-learn's packed vector.

    The engine's layer block is (fan_in + 1, fan_out) with the bias as its last row;
    scikit-learn packs ``coefs_`` (each raveled) and then ``intercepts_``. So
    ``flat[0] = packed[order]`` and ``packed[order] = flat[0]``.

    Returns
    -------
    ndarray of int, shape (n_parameters,)
    """
    pairs = list(pairwise(layer_units))
    n_weights = sum(fan_in * fan_out for fan_in, fan_out in pairs)
    order, weight_start, bias_start = [], 0, n_weights
    for fan_in, fan_out in pairs:
        weights = weight_start + np.arange(fan_in * fan_out).reshape(fan_in, fan_out)
        biases = bias_start + np.arange(fan_out).reshape(1, fan_out)
        order.append(np.vstack([weights, biases]).ravel())
        weight_start += fan_in * fan_out
        bias_start += fan_out
    return np.concatenate(order)


class LossGradient:
    """scikit-learn's L-BFGS objective of one model, on the engine's buffers.

    Parameters
    ----------
    network : reluscope.engine.StackedNetwork
        One model (K = 1); its ``flat`` row is overwritten with every point evaluated.
    X : ndarray (n_samples, n_features)
    targets : ndarray (n_samples, n_outputs)
        Encoded as the estimator encodes them.
    alpha : float
        The L2 penalty.
    sample_weight : ndarray (n_samples,) or None

    Calling it with a packed vector (scikit-learn's order) returns ``(loss, gradient)``, the
    gradient packed the same way.
    """

    def __init__(self, network, X, targets, alpha, sample_weight=None):
        self.network = network
        dtype = network.dtype
        self.inputs = network.augment(X)
        self.targets = np.asarray(targets, dtype=dtype)[None]
        n = X.shape[0]
        self.weights = None
        self.weight_sum = float(n)
        if sample_weight is not None:
            self.weights = np.asarray(sample_weight, dtype=dtype).reshape(1, n, 1)
            self.weight_sum = float(self.weights.sum())
        self.buffers = Buffers(network, n)
        self.alpha_mask = float(alpha) * network.weight_mask
        self.grads_flat = np.empty_like(network.flat)
        self.grads = network.layer_views(self.grads_flat)
        self.order = packing_order(network.layer_units)
        self.outputs = None
        self.loss = np.nan
        self.evaluated = None  # the packed point the buffers hold

    def set_packed(self, packed):
        self.network.flat[0] = np.asarray(packed)[self.order]

    def packed(self, flat_row):
        out = np.empty(flat_row.shape, flat_row.dtype)
        out[self.order] = flat_row
        return out

    def __call__(self, packed):
        network = self.network
        self.set_packed(packed)
        with np.errstate(all="ignore"):
            outputs = network.forward(self.inputs, self.buffers)
            network.backward(
                self.inputs, self.targets, outputs, self.buffers, self.grads, self.weights
            )
            data = sample_losses_sum(outputs, self.targets, network.output, self.weights)[0]
            penalized = network.flat * self.alpha_mask
            penalty = float(np.vecdot(penalized, network.flat)[0])
            loss = (data + 0.5 * penalty) / self.weight_sum
            gradient = (self.grads_flat + penalized)[0] / self.weight_sum
        self.outputs, self.loss = outputs, float(loss)
        self.evaluated = np.array(packed, copy=True)
        return self.loss, self.packed(gradient)


def fit_lbfgs(state, X, targets, *, alpha, max_iter, max_fun, tol, sample_weight=None,
              diagnostics=True, keep_parameters=False, eval_set=None, verbose=False):  # fmt: skip
    """Run scipy's L-BFGS-B from the state's current parameters; record every iteration.

    Parameters
    ----------
    state : reluscope.engine.TrainState
        One model; its parameters, ``loss_curve`` (the loss at each iterate), ``records``,
        ``n_iter``, ``epochs_run`` and divergence flags are updated.
    X, targets, sample_weight : as for ``LossGradient``
    max_iter, max_fun, tol : int, int, float
        scikit-learn's ``max_iter``, ``max_fun`` and ``tol`` (``gtol``).
    eval_set : (X_val, targets_val) or None
        Scored at every record.

    Returns
    -------
    scipy.optimize.OptimizeResult
    """
    import scipy.optimize

    network = state.network
    objective = LossGradient(network, X, targets, alpha, sample_weight)
    recorder = _Recorder(state, objective, eval_set, keep_parameters) if diagnostics else None
    start = objective.packed(network.flat[0])
    if state.loss_reference is None:
        _set_reference(state, objective, start)
    if recorder is not None:
        recorder(start)

    def after_iteration(xk):
        loss = objective.loss if np.array_equal(xk, objective.evaluated) else objective(xk)[0]
        _after_iteration(state, loss)
        if recorder is not None:
            recorder(xk)

    iprint = 1 if verbose is True or verbose >= 1 else -1
    result = scipy.optimize.minimize(
        objective,
        start,
        method="L-BFGS-B",
        jac=True,
        callback=after_iteration,
        options={
            "maxfun": max_fun,
            "maxiter": max_iter,
            "gtol": tol,
            **_printing_options(iprint),
        },
    )
    objective.set_packed(result.x)
    return result


def _printing_options(iprint):
    """scikit-learn's way to pass ``iprint`` to the installed scipy (newer ones drop it)."""
    try:
        from sklearn.utils.fixes import _get_additional_lbfgs_options_dict
    except ImportError:  # scikit-learn before 1.7 passed it as it is
        return {"iprint": iprint}
    return _get_additional_lbfgs_options_dict("iprint", iprint)


def _set_reference(state, objective, start):
    """The divergence reference (``diagnostics.diverged``): the larger of the starting loss and
    the constant predictor's, both weighted like the objective."""
    targets, weights = objective.targets, objective.weights
    w = np.ones_like(targets[..., :1]) if weights is None else weights
    mean = (targets * w).sum(axis=1, keepdims=True) / w.sum()
    constant = np.broadcast_to(mean, targets.shape)
    output = objective.network.output
    data = sample_losses_sum(constant, targets, output, weights)[0]
    state.constant_loss = float(data / objective.weight_sum)
    initial = objective(start)[0]
    state.loss_reference = np.fmax(np.array([initial]), state.constant_loss)


def _after_iteration(state, loss):
    state.n_iter += 1
    state.epochs_run += 1
    loss = np.array([loss])
    state.loss_curve.append(loss)
    state.recorded = False
    newly = ~state.diverged & diverged(loss, state.loss_reference)
    if newly.any():
        state.diverged |= newly
        state.diverged_epoch[newly] = len(state.loss_curve)
        warnings.warn(
            f"Training diverged at L-BFGS iteration {len(state.loss_curve)}: its loss "
            f"{loss[0]:.3g} is non-finite or far above its reference.",
            RuntimeWarning,
            stacklevel=4,
        )


class _Recorder:
    """One record per parameter state, from the objective's own pass when it holds that point
    (no sample weights), else from a pass over the samples of non-zero weight."""

    def __init__(self, state, objective, eval_set, keep_parameters):
        self.state, self.objective, self.keep_parameters = state, objective, keep_parameters
        network = objective.network
        self.eval_data = None
        if eval_set is not None:
            self.eval_data = (
                network.augment(eval_set[0]),
                np.asarray(eval_set[1], dtype=network.dtype)[None],
                Buffers(network, eval_set[0].shape[0]),
            )
        self.own_pass = None
        if objective.weights is not None:
            kept = objective.weights[0, :, 0] > 0
            weights = objective.weights[:, kept] / objective.weights[:, kept].mean()
            buffers = Buffers(network, int(kept.sum()))
            buffers.weigh(weights)
            self.own_pass = (objective.inputs[:, kept], objective.targets[:, kept], buffers)

    def __call__(self, packed):
        state, objective = self.state, self.objective
        if state.recorded:
            return
        network = objective.network
        with np.errstate(all="ignore"):
            if self.own_pass is None:
                if not np.array_equal(packed, objective.evaluated):
                    objective(packed)
                buffers, outputs, targets = objective.buffers, objective.outputs, objective.targets
                weights = None
            else:
                objective.set_packed(packed)
                inputs, targets, buffers = self.own_pass
                weights = buffers.weights
                outputs = network.forward(inputs, buffers)
                network.backward(inputs, targets, outputs, buffers, objective.grads, weights)
            loss_sum = sample_losses_sum(outputs, targets, network.output, weights)
            entry = group_entry(network, buffers, outputs, targets, loss_sum)
            entry["grad_norm"] = gradient_norms(network, objective.grads_flat, 1.0 / buffers.n)
            if self.eval_data is not None:
                val_inputs, val_targets, val_buffers = self.eval_data
                val_outputs = network.forward(val_inputs, val_buffers)
                entry["val_loss"] = (
                    sample_losses_sum(val_outputs, val_targets, network.output)
                    / val_inputs.shape[1]
                )
                entry["val_score"] = scores(val_outputs, val_targets, network.output)
        if self.keep_parameters:
            entry["parameters"] = network.flat.copy()
        state.records.append(entry)
        state.recorded = True
