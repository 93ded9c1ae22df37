"""Optimisers on the stacked flat parameter buffer of shape (K, P).

The update rules are scikit-learn's (``sklearn/neural_network/_stochastic_optimizers.py``),
written as a handful of in-place NumPy calls on one buffer instead of one call per layer.
Learning rates are per model, shape (K, 1), so a stack can hold a learning-rate sweep.

``step`` takes the gradient *summed* over a batch and the batch size: dividing by the batch
size is folded into the per-model factor each rule multiplies the gradient by anyway, which
saves a pass over the buffer on every step.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["SGD", "Adam"]


class SGD:
    """SGD with (Nesterov) momentum: v ← μv − ηg; θ ← θ + v (or θ + μv − ηg with Nesterov)."""

    def __init__(self, shape, dtype, learning_rate, momentum=0.9, nesterov=True):
        self.learning_rate = np.array(learning_rate, dtype=dtype).reshape(-1, 1)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov) and self.momentum > 0
        # holds μ·v between steps: that product is what both update rules start from
        self._momentum_velocity = np.zeros(shape, dtype=dtype)
        self._rate = np.empty_like(self.learning_rate)
        self._scaled_grad = np.empty(shape, dtype=dtype)
        self._update = np.empty(shape, dtype=dtype)

    def step(self, params, grad_sum, batch_size):
        """One update from the gradient summed over ``batch_size`` samples."""
        rate = np.divide(self.learning_rate, batch_size, out=self._rate)
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
        """Stop updating one model of the stack (its parameters stay bit-for-bit)."""
        self.learning_rate[model_index] = 0.0
        self._momentum_velocity[model_index] = 0.0


class Adam:
    """Adam (Kingma & Ba 2015) with scikit-learn's bias-corrected step size."""

    def __init__(self, shape, dtype, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.learning_rate = np.array(learning_rate, dtype=dtype).reshape(-1, 1)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self.t = 0
        self.first_moment = np.zeros(shape, dtype=dtype)
        self.second_moment = np.zeros(shape, dtype=dtype)
        self._step_size = np.empty_like(self.learning_rate)
        self._work = np.empty(shape, dtype=dtype)
        self._update = np.empty(shape, dtype=dtype)

    def step(self, params, grad_sum, batch_size):
        """One update from the gradient summed over ``batch_size`` samples."""
        self.t += 1
        m, v, work = self.first_moment, self.second_moment, self._work
        m *= self.beta_1
        m += np.multiply(grad_sum, (1.0 - self.beta_1) / batch_size, out=work)
        v *= self.beta_2
        np.multiply(grad_sum, grad_sum, out=work)
        work *= (1.0 - self.beta_2) / (batch_size * batch_size)
        v += work
        # scikit-learn's order of operations: (η·√(1 − β₂ᵗ)) / (1 − β₁ᵗ), then (η_t·m) / (√v + ε)
        step_size = np.multiply(
            self.learning_rate, math.sqrt(1.0 - self.beta_2**self.t), out=self._step_size
        )
        step_size /= 1.0 - self.beta_1**self.t
        np.sqrt(v, out=work)
        work += self.epsilon
        update = np.multiply(m, step_size, out=self._update)
        update /= work
        params -= update

    def freeze(self, model_index):
        self.learning_rate[model_index] = 0.0
