"""solver="lbfgs" (``reluscope.lbfgs``): scikit-learn's numbers, and a record per iteration."""

import warnings

import numpy as np
import pytest
from sklearn import neural_network
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

import reluscope as rs
from reluscope.engine import RunSpec, StackedNetwork
from reluscope.lbfgs import LossGradient, packing_order

RTOL = 1e-9


def _fit_both(kind, X, y, sample_weight=None, **params):
    ours = {"classifier": rs.MLPClassifier, "regressor": rs.MLPRegressor}[kind]
    theirs = {"classifier": neural_network.MLPClassifier, "regressor": neural_network.MLPRegressor}[
        kind
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return (
            ours(**params).fit(X, y, sample_weight=sample_weight),
            theirs(**params).fit(X, y, sample_weight=sample_weight),
        )


def _assert_same(ours, theirs):
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_, theirs.loss_, rtol=RTOL)
    for mine, reference in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(mine, reference, rtol=RTOL, atol=1e-12)


# 20 iterations: beyond that L-BFGS's line search amplifies 1e-16 rounding differences
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_binary_classifier_equals_scikit_learn(moons, activation):
    X, y = moons
    params = dict(
        solver="lbfgs", hidden_layer_sizes=(12, 6), activation=activation, alpha=1e-3,
        max_iter=20, random_state=3,
    )  # fmt: skip
    _assert_same(*_fit_both("classifier", X, y, **params))


def test_multiclass_classifier_equals_scikit_learn():
    X, y = make_classification(
        240, n_features=5, n_informative=4, n_redundant=0, n_classes=4, random_state=0
    )
    params = dict(solver="lbfgs", hidden_layer_sizes=(10,), activation="tanh", max_iter=40)
    ours, theirs = _fit_both("classifier", X, y, random_state=0, **params)
    _assert_same(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize(("max_iter", "max_fun"), [(40, 15000), (200, 25)])
def test_regressor_equals_scikit_learn_and_max_fun_limits_it(max_iter, max_fun):
    X, y = make_regression(200, n_features=4, noise=1.0, random_state=0)
    ours, theirs = _fit_both(
        "regressor", X, y / 100, solver="lbfgs", hidden_layer_sizes=(16, 8), max_iter=max_iter,
        max_fun=max_fun, random_state=1,
    )  # fmt: skip
    _assert_same(ours, theirs)
    assert ours.n_iter_ < max_iter if max_fun < max_iter else ours.n_iter_ == max_iter


def test_sample_weights_equal_scikit_learn(moons):
    X, y = moons
    weights = np.random.RandomState(0).uniform(0, 2, len(y))
    weights[:20] = 0.0
    params = dict(solver="lbfgs", hidden_layer_sizes=(12,), max_iter=40, random_state=3)
    _assert_same(*_fit_both("classifier", X, y, sample_weight=weights, **params))


def test_warm_start_goes_on_like_scikit_learn(moons):
    X, y = moons
    params = dict(
        solver="lbfgs", hidden_layer_sizes=(8,), max_iter=10, warm_start=True, random_state=0
    )
    ours, theirs = _fit_both("classifier", X, y, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
        theirs.fit(X, y)
    _assert_same(ours, theirs)
    assert ours.history_.n_epochs == 20  # both calls' iterations, one history


def test_one_record_per_iteration_and_scikit_learns_attributes(moons):
    X, y = moons
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        clf = rs.MLPClassifier((16,), solver="lbfgs", max_iter=15, random_state=0).fit(X, y)
    epochs = clf.history_.epochs()
    assert len(epochs) == clf.n_iter_ + 1 == 16  # row 0: the starting point
    # the running loss of an iteration is the objective at its iterate: the last is loss_
    assert epochs["running_loss"].iloc[-1] == pytest.approx(clf.loss_, rel=1e-12)
    assert epochs["loss"].iloc[-1] <= epochs["loss"].iloc[0]
    np.testing.assert_allclose(epochs["score"].iloc[-1], clf.score(X, y))
    layers = clf.history_.layers()
    assert set(layers["epoch"]) == set(range(16))
    # like scikit-learn's: no stochastic bookkeeping, no partial_fit
    for name in ("loss_curve_", "best_loss_", "validation_scores_", "partial_fit"):
        assert not hasattr(clf, name)


def test_born_dead_units_are_seen_and_stay_dead_under_lbfgs(moons):
    X, y = moons
    clf = rs.MLPClassifier(
        (32,), solver="lbfgs", init="he_normal", bias_offset=-4.0, max_iter=30, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    units = clf.history_.units()
    born_dead = units.query("epoch == 0 and dead")["unit"]
    assert len(born_dead) > 0
    # a unit dead on D gets exactly zero gradient, and L-BFGS's direction is built from past
    # gradients and steps, all zero in its weights: born dead, dead at every iteration
    later = units[units["unit"].isin(born_dead)]
    assert later["dead"].all() and later["epoch"].nunique() == clf.n_iter_ + 1


def _objective(output, sample_weight, alpha=1e-3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(30, 4))
    # one output for squared error: with more, scikit-learn's gradient (which ours equals) is
    # n_outputs times that of its reported loss, which averages over the outputs
    n_outputs = {"softmax": 3, "identity": 1}.get(output, 2)
    if output == "exp":
        targets = rng.poisson(1.5, size=(30, n_outputs)).astype(float)
    elif output == "identity":
        targets = rng.normal(size=(30, n_outputs))
    else:
        labels = rng.randint(n_outputs, size=30)
        targets = np.eye(n_outputs)[labels] if output == "softmax" else rng.randint(2, size=(30, 2))
    spec = RunSpec(activation="tanh", init="he_normal", seed=seed)
    network = StackedNetwork([4, 5, 3, n_outputs], [spec.get_activation()], output, np.float64)
    network.flat[0] = rng.normal(scale=0.5, size=network.n_parameters)
    weights = rng.uniform(0, 2, 30) if sample_weight else None
    return LossGradient(network, X, targets, alpha, weights), network


@pytest.mark.parametrize("output", ["identity", "exp", "logistic", "softmax"])
@pytest.mark.parametrize("sample_weight", [False, True])
def test_objective_gradient_matches_central_differences(output, sample_weight):
    objective, network = _objective(output, sample_weight)
    start = objective.packed(network.flat[0].copy())
    analytic = objective(start)[1]
    step = 1e-6
    numeric = np.array(
        [
            (objective(start + step * unit)[0] - objective(start - step * unit)[0]) / (2 * step)
            for unit in np.eye(start.size)
        ]
    )
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_packing_order_is_scikit_learns():
    layer_units = [3, 4, 2]
    order = packing_order(layer_units)
    coefs = [np.arange(12.0).reshape(3, 4), 12 + np.arange(8.0).reshape(4, 2)]
    intercepts = [20 + np.arange(4.0), 24 + np.arange(2.0)]
    packed = np.hstack([part.ravel() for part in coefs + intercepts])
    flat = packed[order]
    blocks = [np.vstack([c, b]).ravel() for c, b in zip(coefs, intercepts, strict=True)]
    np.testing.assert_array_equal(flat, np.concatenate(blocks))
