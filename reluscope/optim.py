"""Optimisers on the stacked flat parameter buffer of shape (K, P), and their schedules.

The update rules are scikit-learn's (``sklearn/neural_network/_stochastic_optimizers.py``),
written as a handful of in-place NumPy calls on one buffer instead of one call per layer.
Learning rates are per model, shape (K, 1), so a stack can hold a learning-rate sweep; SGD's
rate follows one of scikit-learn's ``SCHEDULES`` (``LearningRateSchedule``).

``step`` takes the gradient *summed* over a batch and the batch size: dividing by the batch
size is folded into the per-model factor each rule multiplies the gradient by anyway, which
saves a pass over the buffer on every step.
"""

from __future__ import annotations

import math

import numpy as np

from reluscope.validation import check_choice

__all__ = ["SCHEDULES", "SGD", "SOLVERS", "Adam", "LearningRateSchedule"]

SOLVERS = ("sgd", "adam")
SCHEDULES = ("constant", "invscaling", "adaptive")
# the adaptive schedule divides the rate by 5 until it falls to this, then lets the model stop
_ADAPTIVE_FLOOR = 1e-6


class _Optimizer:
    """Per-model learning rates, changed only through ``set_learning_rate`` and ``freeze`` so
    that what is derived from them can be cached."""

    def __init__(self, learning_rate, dtype):
        self._learning_rate = np.array(learning_rate, dtype=dtype).reshape(-1, 1)
        self._frozen = {}  # model → what freeze() set aside, for thaw()
        self._changed()

    @property
    def learning_rate(self):
        """Learning rate of each model, (K, 1), read-only."""
        view = self._learning_rate.view()
        view.flags.writeable = False
        return view

    def set_learning_rate(self, rates):
        self._learning_rate[:] = np.reshape(rates, (-1, 1))
        self._changed()

    def freeze(self, model_index):
        """Stop updating one model of the stack (its parameters stay bit-for-bit)."""
        self._frozen.setdefault(model_index, self._set_aside(model_index))
        self._learning_rate[model_index] = 0.0
        self._changed()

    def thaw(self):
        """Resume every frozen model where it stopped: its learning rate (and SGD's velocity)
        come back, as scikit-learn's ``partial_fit`` after a ``fit`` that stopped on ``tol``
        goes on with the optimiser it had (it never zeroes a rate)."""
        for model_index, aside in self._frozen.items():
            self._restore(model_index, aside)
        self._frozen.clear()
        self._changed()

    def _set_aside(self, model_index):
        return self._learning_rate[model_index].copy()

    def _restore(self, model_index, aside):
        self._learning_rate[model_index] = aside

    def _changed(self):
        pass


class SGD(_Optimizer):
    """SGD with (Nesterov) momentum: v ← μv − ηg; θ ← θ + v (or θ + μv − ηg with Nesterov)."""

    def __init__(self, shape, dtype, learning_rate, momentum=0.9, nesterov=True):
        super().__init__(learning_rate, dtype)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov) and self.momentum > 0
        # holds μ·v between steps: that product is what both update rules start from
        self._momentum_velocity = np.zeros(shape, dtype=dtype)
        self._scaled_grad = np.empty(shape, dtype=dtype)
        self._update = np.empty(shape, dtype=dtype)

    def step(self, params, grad_sum, batch_size):
        """One update from the gradient summed over ``batch_size`` samples."""
        rate = self._rates.get(batch_size)
        if rate is None:
            rate = self._rates[batch_size] = self._learning_rate / batch_size
        scaled = np.multiply(grad_sum, rate, out=self._scaled_grad)  # ηg
        if self.momentum == 0.0:
            params -= scaled
            return
        velocity = self._momentum_velocity
        velocity -= scaled  # v ← μv − ηg
        if self.nesterov:
            velocity *= self.momentum
            params += np.subtract(velocity, scaled, out=self._update)  # θ ← θ + μv − ηg
        else:
            params += velocity
            velocity *= self.momentum

    def freeze(self, model_index):
        super().freeze(model_index)
        self._momentum_velocity[model_index] = 0.0  # with η = 0, μv alone would still move it

    def _set_aside(self, model_index):
        return super()._set_aside(model_index), self._momentum_velocity[model_index].copy()

    def _restore(self, model_index, aside):
        rate, velocity = aside
        super()._restore(model_index, rate)
        self._momentum_velocity[model_index] = velocity

    def _changed(self):
        self._rates = {}  # batch size → η / batch size, per model


class Adam(_Optimizer):
    """Adam (Kingma & Ba 2015) with scikit-learn's bias-corrected step size."""

    def __init__(self, shape, dtype, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        super().__init__(learning_rate, dtype)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self.t = 0
        # 0-d arrays in the buffers' dtype: ufuncs take them faster than Python floats
        self._constants = {}
        self._beta_1, self._beta_2, self._epsilon = (
            np.array(value, dtype=dtype) for value in (beta_1, beta_2, epsilon)
        )
        self.first_moment = np.zeros(shape, dtype=dtype)
        self.second_moment = np.zeros(shape, dtype=dtype)
        self._step_size = np.empty_like(self._learning_rate)
        self._work = np.empty(shape, dtype=dtype)
        self._update = np.empty(shape, dtype=dtype)

    def step(self, params, grad_sum, batch_size):
        """One update from the gradient summed over ``batch_size`` samples."""
        self.t += 1
        m, v, work = self.first_moment, self.second_moment, self._work
        scales = self._constants.get(batch_size)
        if scales is None:
            scales = self._constants[batch_size] = (
                np.array((1.0 - self.beta_1) / batch_size, dtype=m.dtype),
                np.array((1.0 - self.beta_2) / (batch_size * batch_size), dtype=m.dtype),
            )
        m *= self._beta_1
        m += np.multiply(grad_sum, scales[0], out=work)
        v *= self._beta_2
        np.multiply(grad_sum, grad_sum, out=work)
        work *= scales[1]
        v += work
        # scikit-learn's order of operations: (η·√(1 − β₂ᵗ)) / (1 − β₁ᵗ), then (η_t·m) / (√v + ε)
        step_size = np.multiply(
            self._learning_rate, math.sqrt(1.0 - self.beta_2**self.t), out=self._step_size
        )
        step_size /= 1.0 - self.beta_1**self.t
        np.sqrt(v, out=work)
        work += self._epsilon
        update = np.multiply(m, step_size, out=self._update)
        update /= work
        params -= update


class LearningRateSchedule:
    """scikit-learn's schedules of SGD's learning rate, per model of a stack.

    Parameters
    ----------
    name : {"constant", "invscaling", "adaptive"}
        ``invscaling``: η = η₀ / (t + 1)^power_t after each epoch, t the samples seen.
        ``adaptive``: when a model would stop (no improvement), η ← η / 5 instead, until η
        falls to 1e-6. Adam ignores the schedule, as scikit-learn's does.
    optimizer : SGD or Adam
        Its rates when the schedule is made are η₀.
    power_t : float
    """

    def __init__(self, name: str, optimizer, power_t: float = 0.5):
        self.name = check_choice("learning_rate", name, SCHEDULES)
        self.optimizer = optimizer
        self.power_t = float(power_t)
        self.initial = optimizer.learning_rate.copy()
        self._sgd = isinstance(optimizer, SGD)

    def after_epoch(self, active, samples_seen: int) -> None:
        """Update the rates of the ``active`` models (bool (K,)) after an epoch."""
        if self.name == "invscaling" and self._sgd:
            scaled = self.initial / (samples_seen + 1) ** self.power_t
            rates = self.optimizer.learning_rate
            self.optimizer.set_learning_rate(np.where(active[:, None], scaled, rates))

    def shrink(self, stopping) -> np.ndarray:
        """Models of ``stopping`` (bool (K,)) that go on with a smaller rate instead (adaptive)."""
        if self.name != "adaptive" or not self._sgd:
            return np.zeros_like(stopping)
        rates = self.optimizer.learning_rate[:, 0]
        shrunk = stopping & (rates > _ADAPTIVE_FLOOR)
        self.optimizer.set_learning_rate(np.where(shrunk, rates / 5.0, rates))
        return shrunk
