"""scikit-learn's private MLP attributes, as thin adapters over the engine's own buffers.

Code written against scikit-learn's ``MLPClassifier`` (its own tests among it) reads or sets
``_optimizer.learning_rate``, ``_no_improvement_count``, ``_coef_velocity`` /
``_intercept_velocity``, calls ``_loss_grad_lbfgs``, or assigns ``coefs_`` and friends by hand
before ``partial_fit``. Each keeps scikit-learn's meaning here; the numbers live in the engine's
state (``self._state``), where training reads them.
"""

from __future__ import annotations

import numpy as np

from reluscope.engine import build_state
from reluscope.optim import SGD


class OptimizerView:
    """scikit-learn's ``_optimizer`` of the one model: its current ``learning_rate``, a float
    (the rate a stopped model had when it stopped, as scikit-learn keeps it)."""

    def __init__(self, optimizer):
        self._engine_optimizer = optimizer

    @property
    def learning_rate(self):
        optimizer = self._engine_optimizer
        aside = optimizer._frozen.get(0)  # a stopped model's rate is set aside, not lost
        if aside is not None:
            return float(np.ravel(aside[0] if isinstance(aside, tuple) else aside)[0])
        return float(optimizer.learning_rate[0, 0])

    @learning_rate.setter
    def learning_rate(self, value):
        self._engine_optimizer.set_learning_rate([value])


class SklearnInternals:
    """Mixin of the estimators: scikit-learn's private attributes and methods."""

    @property
    def _optimizer(self):
        state = getattr(self, "_state", None)
        if state is None or state.optimizer is None:
            raise AttributeError("_optimizer exists after fitting with sgd or adam")
        return OptimizerView(state.optimizer)

    @property
    def _no_improvement_count(self):
        """Epochs in a row without an improvement by ``tol`` (of the training loss, or of the
        validation score with early stopping)."""
        state = getattr(self, "_state", None)
        if state is None:
            return self.__dict__.get("_pending", {}).get("no_improvement", 0)
        return int(state.no_improvement[0])

    @_no_improvement_count.setter
    def _no_improvement_count(self, value):
        state = getattr(self, "_state", None)
        if state is None:
            self.__dict__.setdefault("_pending", {})["no_improvement"] = int(value)
        else:
            state.no_improvement[0] = int(value)

    def _velocity(self, part):
        state = getattr(self, "_state", None)
        optimizer = None if state is None else state.optimizer
        if not isinstance(optimizer, SGD):
            raise AttributeError("velocities exist after fitting with sgd")
        views = state.network.layer_views(optimizer._momentum_velocity)
        # the engine holds μ·v; with μ = 0 no velocity is carried between steps
        scale = 1.0 / optimizer.momentum if optimizer.momentum else 0.0
        rows = slice(None, -1) if part == "coef" else -1
        return [view[0, rows] * scale for view in views]

    def _set_velocity(self, part, values):
        state = getattr(self, "_state", None)
        optimizer = None if state is None else state.optimizer
        if not isinstance(optimizer, SGD):
            self.__dict__.setdefault("_pending", {})[part] = [np.asarray(v) for v in values]
            return
        views = state.network.layer_views(optimizer._momentum_velocity)
        rows = slice(None, -1) if part == "coef" else -1
        for view, value in zip(views, values, strict=True):
            view[0, rows] = optimizer.momentum * np.asarray(value)

    @property
    def _coef_velocity(self):
        """SGD's velocity of each layer's weights, as scikit-learn's ``velocities``."""
        return self._velocity("coef")

    @_coef_velocity.setter
    def _coef_velocity(self, values):
        self._set_velocity("coef", values)

    @property
    def _intercept_velocity(self):
        """SGD's velocity of each layer's biases."""
        return self._velocity("intercept")

    @_intercept_velocity.setter
    def _intercept_velocity(self, values):
        self._set_velocity("intercept", values)

    def _adopt_parameters(self, layer_units, config):
        """Before a warm or incremental fit: train from ``coefs_`` / ``intercepts_`` as they
        are now (scikit-learn lets them be assigned or edited in place). Without an engine
        state (every fitted attribute set by hand) one is made around them, with the
        bookkeeping attributes that were set (``t_``, ``loss_curve_``, ``best_loss_``, …)."""
        state = getattr(self, "_state", None)
        if state is None or tuple(state.network.layer_units) != tuple(layer_units):
            rng = np.random.RandomState(0)  # the draw is overwritten below
            state = build_state(layer_units, [self._spec()], config, self.out_activation_, [rng])
            state.samples_seen = int(getattr(self, "t_", 0))
            state.loss_curve = [np.array([loss]) for loss in getattr(self, "loss_curve_", [])]
            best = getattr(self, "best_loss_", None)
            state.best_loss[0] = np.inf if best is None else best
            pending = self.__dict__.pop("_pending", {})
            state.no_improvement[0] = pending.get("no_improvement", 0)
            self._state = state
            layers = list(zip(self.coefs_, self.intercepts_, strict=True))
            state.network.set_parameters(0, layers)
            self._best_flat = state.network.flat[0].copy()
            for part in ("coef", "intercept"):
                if part in pending:
                    self._set_velocity(part, pending[part])
            return
        state.network.set_parameters(0, list(zip(self.coefs_, self.intercepts_, strict=True)))

    def _loss_grad_lbfgs(
        self, packed_coef_inter, X, y, sample_weight, activations, deltas, coef_grads,
        intercept_grads,
    ):  # fmt: skip
        """scikit-learn's L-BFGS objective at a packed parameter vector: ``(loss, gradient)``.

        As scikit-learn's, it sets the model's parameters to that point and fills
        ``coef_grads`` / ``intercept_grads``; ``activations`` and ``deltas`` are not used (the
        engine keeps its own buffers).
        """
        from reluscope.estimators._base import dense
        from reluscope.lbfgs import LossGradient

        network = self._state.network
        X = np.asarray(dense(X), dtype=network.dtype)
        objective = LossGradient(network, X, np.asarray(y).reshape(X.shape[0], -1), self.alpha,
                                 sample_weight)  # fmt: skip
        loss, gradient = objective(packed_coef_inter)
        layers = network.get_parameters(0)
        self.coefs_ = [weights for weights, _ in layers]
        self.intercepts_ = [biases for _, biases in layers]
        start = 0
        for i, weights in enumerate(self.coefs_):
            coef_grads[i] = gradient[start : start + weights.size].reshape(weights.shape)
            start += weights.size
        for i, biases in enumerate(self.intercepts_):
            intercept_grads[i] = gradient[start : start + biases.size]
            start += biases.size
        return loss, gradient
