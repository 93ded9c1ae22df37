"""Optimisers on the stacked flat parameter buffer of shape (K, P).

The update rules are scikit-learn's (``sklearn/neural_network/_stochastic_optimizers.py``),
written as a handful of in-place NumPy calls on one buffer instead of one call per layer.
Learning rates are per model, shape (K, 1), so a stack can hold a learning-rate sweep.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SGD", "Adam"]


class SGD:
    """SGD with (Nesterov) momentum: v ← μv − ηg; θ ← θ + v (or θ + μv − ηg with Nesterov)."""

    def __init__(self, shape, dtype, learning_rate, momentum=0.9, nesterov=True):
        self.learning_rate = np.array(learning_rate, dtype=dtype).reshape(-1, 1)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov) and self.momentum > 0
        self.velocity = np.zeros(shape, dtype=dtype)
        self._scaled_grad = np.empty(shape, dtype=dtype)
        self._update = np.empty(shape, dtype=dtype)

    def step(self, params, grads):
        scaled = np.multiply(grads, self.learning_rate, out=self._scaled_grad)
        velocity = self.velocity
        velocity *= self.momentum
        velocity -= scaled
        if self.nesterov:
            update = np.multiply(velocity, self.momentum, out=self._update)
            update -= scaled
            params += update
        else:
            params += velocity

    def freeze(self, model_index):
        """Stop updating one model of the stack (its parameters stay bit-for-bit)."""
        self.learning_rate[model_index] = 0.0
        self.velocity[model_index] = 0.0


class Adam:
    """Adam (Kingma & Ba 2015) with scikit-learn's bias-corrected step size."""

    def __init__(self, shape, dtype, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.learning_rate = np.array(learning_rate, dtype=dtype).reshape(-1, 1)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self.t = 0
        self.first_moment = np.zeros(shape, dtype=dtype)
        self.second_moment = np.zeros(shape, dtype=dtype)
        self._work = np.empty(shape, dtype=dtype)
        self._update = np.empty(shape, dtype=dtype)

    def step(self, params, grads):
        self.t += 1
        m, v, work = self.first_moment, self.second_moment, self._work
        m *= self.beta_1
        m += np.multiply(grads, 1.0 - self.beta_1, out=work)
        v *= self.beta_2
        np.multiply(grads, grads, out=work)
        work *= 1.0 - self.beta_2
        v += work
        step_size = (
            self.learning_rate * np.sqrt(1.0 - self.beta_2**self.t) / (1.0 - self.beta_1**self.t)
        )
        np.sqrt(v, out=work)
        work += self.epsilon
        update = np.multiply(m, -step_size, out=self._update)
        update /= work
        params += update

    def freeze(self, model_index):
        self.learning_rate[model_index] = 0.0
