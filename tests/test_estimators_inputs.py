"""Input handling and scikit-learn's private attributes, each against scikit-learn."""

import warnings

import numpy as np
import pytest
import scipy.sparse
from sklearn import neural_network
from sklearn.exceptions import ConvergenceWarning

import reluscope as rs


def _quiet(fit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit()


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
@pytest.mark.parametrize("container", [scipy.sparse.csr_matrix, scipy.sparse.csc_array])
def test_sparse_input_gives_the_dense_numbers(moons, solver, container):
    X, y = moons
    params = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=20, random_state=0)
    dense = _quiet(lambda: rs.MLPClassifier(**params).fit(X, y))
    sparse = _quiet(lambda: rs.MLPClassifier(**params).fit(container(X), y))
    np.testing.assert_array_equal(sparse.coefs_[0], dense.coefs_[0])
    np.testing.assert_array_equal(sparse.predict_proba(container(X)), dense.predict_proba(X))
    assert rs.MLPClassifier().__sklearn_tags__().input_tags.sparse


@pytest.mark.parametrize("estimator", [rs.MLPClassifier, rs.MLPRegressor])
def test_the_input_float_dtype_is_kept_unless_dtype_forces_one(moons, estimator):
    X, y = moons
    params = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    single = _quiet(lambda: estimator(**params).fit(X.astype(np.float32), y))
    assert {array.dtype for array in single.coefs_ + single.intercepts_} == {np.dtype("float32")}
    assert single.predict(X.astype(np.float32)).dtype == (
        np.float32 if estimator is rs.MLPRegressor else y.dtype
    )
    double = _quiet(lambda: estimator(dtype="float64", **params).fit(X.astype(np.float32), y))
    assert double.coefs_[0].dtype == np.float64
    forced = _quiet(lambda: estimator(dtype="float32", **params).fit(X, y))
    assert forced.coefs_[0].dtype == np.float32


def test_float32_training_is_close_to_scikit_learns(moons):
    X, y = moons
    X = X.astype(np.float32)
    params = dict(hidden_layer_sizes=(8,), solver="sgd", max_iter=20, random_state=0)
    ours = _quiet(lambda: rs.MLPClassifier(**params).fit(X, y))
    theirs = _quiet(lambda: neural_network.MLPClassifier(**params).fit(X, y))
    assert ours.coefs_[0].dtype == theirs.coefs_[0].dtype == np.float32
    np.testing.assert_allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-4, atol=1e-5)


def test_internal_attributes_mean_what_scikit_learns_mean(moons):
    X, y = moons
    params = dict(
        hidden_layer_sizes=(8,), solver="sgd", momentum=0.9, nesterovs_momentum=False,
        learning_rate="invscaling", learning_rate_init=0.1, batch_size=50, random_state=0,
    )  # fmt: skip
    ours, theirs = rs.MLPClassifier(**params), neural_network.MLPClassifier(**params)
    for _ in range(3):
        ours.partial_fit(X, y, classes=[0, 1])
        theirs.partial_fit(X, y, classes=[0, 1])
    assert ours._optimizer.learning_rate == pytest.approx(theirs._optimizer.learning_rate, 1e-12)
    n_layers = len(theirs.coefs_)
    velocities = theirs._optimizer.velocities
    for mine, reference in zip(
        ours._coef_velocity + ours._intercept_velocity, velocities, strict=True
    ):
        np.testing.assert_allclose(mine, reference, rtol=1e-9, atol=1e-12)
    assert ours._no_improvement_count == theirs._no_improvement_count
    for mine, reference in zip(ours.coefs_, theirs.coefs_[:n_layers], strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-9)


def test_loss_grad_lbfgs_sets_the_parameters_like_scikit_learns(moons):
    X, y = moons
    Y = y.reshape(-1, 1)
    params = dict(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=3, random_state=0)
    ours = _quiet(lambda: rs.MLPClassifier(**params).fit(X, y))
    theirs = _quiet(lambda: neural_network.MLPClassifier(**params).fit(X, y))
    packed = np.random.RandomState(0).normal(size=sum(c.size for c in theirs.coefs_) + 7)
    buffers = [[], [], [None, None], [None, None]]
    loss, grad = ours._loss_grad_lbfgs(packed, X, Y, None, *buffers)
    their_buffers = [[X, None, None], [None, None], [None, None], [None, None]]
    their_loss, their_grad = theirs._loss_grad_lbfgs(packed, X, Y, None, *their_buffers)
    assert loss == pytest.approx(their_loss, rel=1e-12)
    np.testing.assert_allclose(grad, their_grad, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(buffers[2][0], their_buffers[2][0], rtol=1e-9, atol=1e-14)
    np.testing.assert_array_equal(ours.coefs_[1], theirs.coefs_[1])
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-12)


def test_partial_fit_from_parameters_set_by_hand_follows_scikit_learn():
    X, y = np.array([[0.6, 0.8, 0.7], [0.1, 0.2, 0.9]]), np.array([0, 1])
    coefs = [np.array([[0.1, 0.2], [0.3, 0.1], [0.5, 0.0]]), np.array([[0.1], [0.2]])]
    intercepts = [np.array([0.1, 0.1]), np.array([1.0])]
    models = []
    for cls in (rs.MLPClassifier, neural_network.MLPClassifier):
        mlp = cls(solver="sgd", learning_rate_init=0.1, alpha=0.1, activation="logistic",
                  hidden_layer_sizes=2, momentum=0.5)  # fmt: skip
        mlp.coefs_ = [c.copy() for c in coefs]
        mlp.intercepts_ = [b.copy() for b in intercepts]
        mlp.n_outputs_, mlp.n_features_in_, mlp.n_layers_ = 1, 3, 3
        mlp.out_activation_, mlp.t_, mlp.best_loss_, mlp.loss_curve_ = "logistic", 0, np.inf, []
        mlp._no_improvement_count = 0
        for _ in range(3):
            mlp.partial_fit(X, y, classes=[0, 1])
        models.append(mlp)
    ours, theirs = models
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-12)
    for mine, reference in zip(ours.coefs_, theirs.coefs_, strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-12)
    assert ours.history_.n_epochs == 3


def test_coefs_edited_in_place_are_trained_from(moons):
    X, y = moons
    params = dict(hidden_layer_sizes=(8,), solver="sgd", random_state=0, warm_start=True)
    models = [_quiet(lambda cls=cls: cls(max_iter=3, **params).fit(X, y))
              for cls in (rs.MLPClassifier, neural_network.MLPClassifier)]  # fmt: skip
    for model in models:
        model.coefs_[0][:] = 0.5
        _quiet(lambda model=model: model.fit(X, y))
    np.testing.assert_allclose(models[0].coefs_[0], models[1].coefs_[0], rtol=1e-9)


def test_non_finite_weights_raise_after_the_history_is_kept(moons):
    X, y = moons
    mlp = rs.MLPRegressor(hidden_layer_sizes=(32, 32), solver="sgd", learning_rate_init=10.0,
                          max_iter=200, random_state=0)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="Solver produced non-finite parameter weights"):
            mlp.fit(X * 100, y * 1e6)
    assert mlp.diverged_
    history = mlp.history_
    assert history.diverged and history.diverged_epoch <= history.n_epochs < 200
    assert not np.isfinite(history.epochs()["running_loss"].iloc[-1])
