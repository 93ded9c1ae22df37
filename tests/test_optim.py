"""Optimisers and learning-rate schedules against scikit-learn's own, step for step."""

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from reluscope.errors import InvalidParameterError
from reluscope.optim import SCHEDULES, SGD, SOLVERS, Adam, LearningRateSchedule

SHAPE = (1, 12)


def _gradients(n_steps, batch_size):
    rng = np.random.default_rng(0)
    return [rng.normal(size=SHAPE) * batch_size for _ in range(n_steps)]  # summed over a batch


@pytest.mark.parametrize(
    ("momentum", "nesterov"), [(0.0, False), (0.9, False), (0.9, True), (0.5, True)]
)
def test_sgd_steps_equal_scikit_learn(momentum, nesterov):
    params = np.random.default_rng(1).normal(size=SHAPE)
    theirs = [params[0].copy()]
    reference = SGDOptimizer(theirs, 0.1, momentum=momentum, nesterov=nesterov)
    ours = SGD(SHAPE, np.float64, [0.1], momentum, nesterov)
    for grad_sum in _gradients(6, batch_size=8):
        ours.step(params, grad_sum, 8)
        reference.update_params(theirs, [grad_sum[0] / 8])
        np.testing.assert_allclose(params[0], theirs[0], rtol=1e-13)


def test_adam_steps_equal_scikit_learn():
    params = np.random.default_rng(1).normal(size=SHAPE)
    theirs = [params[0].copy()]
    reference = AdamOptimizer(theirs, 0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-7)
    ours = Adam(SHAPE, np.float64, [0.01], 0.8, 0.99, 1e-7)
    for grad_sum in _gradients(6, batch_size=4):
        ours.step(params, grad_sum, 4)
        reference.update_params(theirs, [grad_sum[0] / 4])
        np.testing.assert_allclose(params[0], theirs[0], rtol=1e-13)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_frozen_model_stays_bit_for_bit_while_the_others_move(optimizer):
    shape = (3, 5)
    params = np.random.default_rng(2).normal(size=shape)
    rule = (
        SGD(shape, np.float64, [0.1, 0.2, 0.3])
        if optimizer == "sgd"
        else Adam(shape, np.float64, [0.1, 0.2, 0.3])
    )
    rule.step(params, np.ones(shape), 2)
    rule.freeze(1)
    frozen = params.copy()
    for _ in range(3):
        rule.step(params, np.ones(shape), 2)
    np.testing.assert_array_equal(params[1], frozen[1])
    assert not np.array_equal(params[0], frozen[0])
    np.testing.assert_array_equal(rule.learning_rate[:, 0], [0.1, 0.0, 0.3])
    with pytest.raises(ValueError):
        rule.learning_rate[0, 0] = 1.0  # read-only: rates change through set_learning_rate


def test_invscaling_follows_scikit_learn_for_active_models_only():
    rule = SGD((2, 3), np.float64, [0.5, 0.2])
    schedule = LearningRateSchedule("invscaling", rule, power_t=0.25)
    reference = SGDOptimizer([np.zeros(3)], 0.5, lr_schedule="invscaling", power_t=0.25)
    schedule.after_epoch(np.array([True, False]), 300)
    reference.iteration_ends(300)
    assert rule.learning_rate[0, 0] == pytest.approx(reference.learning_rate, rel=1e-15)
    assert rule.learning_rate[1, 0] == 0.2  # a stopped model keeps its rate
    schedule.after_epoch(np.array([True, True]), 600)
    assert rule.learning_rate[1, 0] == pytest.approx(0.2 / 601**0.25)


def test_adaptive_divides_by_five_until_the_floor_then_lets_the_model_stop():
    rule = SGD((3, 2), np.float64, [0.5, 1e-6, 0.5])
    schedule = LearningRateSchedule("adaptive", rule)
    shrunk = schedule.shrink(np.array([True, True, False]))
    np.testing.assert_array_equal(shrunk, [True, False, False])
    np.testing.assert_allclose(rule.learning_rate[:, 0], [0.1, 1e-6, 0.5])
    reference = SGDOptimizer([np.zeros(2)], 0.5, lr_schedule="adaptive")
    assert reference.trigger_stopping("", False) is False
    assert reference.learning_rate == rule.learning_rate[0, 0]


@pytest.mark.parametrize("name", SCHEDULES)
def test_adam_ignores_every_schedule(name):
    rule = Adam((2, 2), np.float64, [0.01, 0.02])
    schedule = LearningRateSchedule(name, rule)
    schedule.after_epoch(np.array([True, True]), 100)
    assert not schedule.shrink(np.array([True, True])).any()
    np.testing.assert_array_equal(rule.learning_rate[:, 0], [0.01, 0.02])


def test_names_are_declared_once_and_checked():
    import reluscope.engine

    assert reluscope.engine.SOLVERS is SOLVERS == ("sgd", "adam")
    assert SCHEDULES == ("constant", "invscaling", "adaptive")
    with pytest.raises(InvalidParameterError, match="learning_rate='cosine'"):
        LearningRateSchedule("cosine", SGD((1, 1), np.float64, [0.1]))


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_a_frozen_model_stays_put_and_thaws_where_it_stopped(kind):
    rng = np.random.default_rng(0)
    shape = (2, 5)
    optimizer = (
        SGD(shape, np.float64, [0.1, 0.2], momentum=0.9)
        if kind == "sgd"
        else Adam(shape, np.float64, [0.1, 0.2])
    )
    params = rng.normal(size=shape)
    for _ in range(3):
        optimizer.step(params, rng.normal(size=shape), 4)
    rates = optimizer.learning_rate.copy()
    velocity = optimizer._momentum_velocity.copy() if kind == "sgd" else None
    optimizer.freeze(1)
    frozen = params[1].copy()
    for _ in range(3):
        optimizer.step(params, rng.normal(size=shape), 4)
    np.testing.assert_array_equal(params[1], frozen)  # bit for bit while frozen
    assert optimizer.learning_rate[1, 0] == 0.0 and optimizer.learning_rate[0, 0] == rates[0, 0]
    optimizer.thaw()
    np.testing.assert_array_equal(optimizer.learning_rate, rates)
    if kind == "sgd":
        np.testing.assert_array_equal(optimizer._momentum_velocity[1], velocity[1])
    optimizer.step(params, rng.normal(size=shape), 4)
    assert not np.array_equal(params[1], frozen)  # it trains again
