"""Early stopping, sample weights and the Poisson loss: scikit-learn's numbers, our records."""

import warnings

import numpy as np
import pytest
from sklearn import neural_network
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

import reluscope as rs

RTOL = 1e-9


def _pair(kind):
    if kind == "classifier":
        return rs.MLPClassifier, neural_network.MLPClassifier
    return rs.MLPRegressor, neural_network.MLPRegressor


def _fit_both(kind, X, y, sample_weight=None, **params):
    ours, theirs = (cls(**params) for cls in _pair(kind))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y, sample_weight=sample_weight)
        theirs.fit(X, y, sample_weight=sample_weight)
    return ours, theirs


def _assert_same(ours, theirs):
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=RTOL)
    for mine, reference in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(mine, reference, rtol=RTOL, atol=1e-12)
    assert ours._no_improvement_count == theirs._no_improvement_count
    if theirs.validation_scores_ is not None:
        np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=RTOL)
        assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_, RTOL)


@pytest.fixture(scope="module")
def multiclass():
    return make_classification(
        240, n_features=5, n_informative=4, n_redundant=0, n_classes=4, random_state=0
    )


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(200, n_features=4, noise=1.0, random_state=0)
    return X, y / 100


@pytest.fixture(scope="module")
def weights():
    values = np.random.RandomState(0).uniform(0, 2, 300)
    values[:20] = 0.0
    return values


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("data", ["binary", "multiclass"])
def test_early_stopping_equals_scikit_learn(moons, multiclass, solver, data):
    X, y = moons if data == "binary" else multiclass
    params = dict(
        solver=solver, early_stopping=True, hidden_layer_sizes=(12,), learning_rate_init=0.05,
        max_iter=100, random_state=3,
    )  # fmt: skip
    ours, theirs = _fit_both("classifier", X, y, **params)
    assert ours.n_iter_ < 100 and ours.best_loss_ is None
    _assert_same(ours, theirs)
    # the held-out split is scored into the history; the weights are the best epoch's
    epochs = ours.history_.epochs()
    assert epochs["val_score"].iloc[1:].tolist() == pytest.approx(ours.validation_scores_)
    assert len(epochs) == ours.n_iter_ + 1


def test_early_stopping_with_the_adaptive_schedule_equals_scikit_learn(moons):
    X, y = moons
    params = dict(
        solver="sgd", learning_rate="adaptive", early_stopping=True, n_iter_no_change=3,
        hidden_layer_sizes=(12,), learning_rate_init=0.5, max_iter=200, random_state=3,
    )  # fmt: skip
    ours, theirs = _fit_both("classifier", X, y, **params)
    _assert_same(ours, theirs)
    assert ours._optimizer.learning_rate == theirs._optimizer.learning_rate < 0.5


def test_early_stopping_restores_the_best_weights(moons):
    X, y = moons
    restored = rs.MLPClassifier(
        (12,), solver="sgd", early_stopping=True, learning_rate_init=0.05, random_state=3,
        keep_parameters=True,
    ).fit(X, y)  # fmt: skip
    best = int(np.argmax(restored.validation_scores_)) + 1
    assert best < restored.n_iter_  # it trained past its best epoch
    for (weights, biases), coefs, intercepts in zip(
        restored.history_.parameters(best), restored.coefs_, restored.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(weights, coefs)
        np.testing.assert_array_equal(biases, intercepts)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("shuffle", [True, False])
def test_sample_weights_equal_scikit_learn(moons, regression, weights, solver, kind, shuffle):
    X, y = moons if kind == "classifier" else regression
    params = dict(
        solver=solver, hidden_layer_sizes=(12,), batch_size=32, learning_rate_init=0.02,
        max_iter=30, shuffle=shuffle, random_state=3, alpha=1e-3,
    )  # fmt: skip
    _assert_same(*_fit_both(kind, X, y, sample_weight=weights[: len(y)], **params))


def test_sample_weights_with_early_stopping_equal_scikit_learn(regression, weights):
    X, y = regression
    params = dict(
        solver="adam", early_stopping=True, validation_fraction=0.2, hidden_layer_sizes=(12,),
        learning_rate_init=0.01, max_iter=100, random_state=3,
    )  # fmt: skip
    _assert_same(*_fit_both("regressor", X, y, sample_weight=weights[:200], **params))


def test_partial_fit_with_sample_weights_equals_scikit_learn(moons, weights):
    X, y = moons
    params = dict(solver="sgd", hidden_layer_sizes=(8,), learning_rate_init=0.1, random_state=0)
    ours, theirs = (cls(**params) for cls in _pair("classifier"))
    for _ in range(3):
        ours.partial_fit(X, y, sample_weight=weights, classes=[0, 1])
        theirs.partial_fit(X, y, sample_weight=weights, classes=[0, 1])
    _assert_same(ours, theirs)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_poisson_loss_equals_scikit_learn(solver):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(200, 3))
    y = rng.poisson(np.exp(X @ [1.0, -0.5, 0.3]))
    params = dict(
        loss="poisson", solver=solver, hidden_layer_sizes=(8,), learning_rate_init=0.01,
        max_iter=40, random_state=0,
    )  # fmt: skip
    ours, theirs = _fit_both("regressor", X, y, **params)
    assert ours.out_activation_ == theirs.out_activation_ == "exp"
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=RTOL)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=RTOL)
    assert (ours.predict(X) > 0).all()
    with pytest.raises(ValueError, match="negative"):
        rs.MLPRegressor(loss="poisson").fit(X, y - 1.0)


def test_weight_zero_rows_are_absent_from_the_diagnostics(moons):
    # one batch, no shuffling: rows of weight 0 change neither the training nor the records
    X, y = moons
    extra = np.random.RandomState(1).normal(scale=3.0, size=(40, 2))
    X_more = np.vstack([X, extra])
    y_more = np.concatenate([y, np.zeros(40, dtype=int)])
    weights = np.concatenate([np.ones(len(y)), np.zeros(40)])
    params = dict(
        hidden_layer_sizes=(16,), activation="tanh", solver="sgd", batch_size=1000,
        shuffle=False, max_iter=15, random_state=0, learning_rate_init=0.1,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter reached; one batch larger than the data
        plain = rs.MLPClassifier(**params).fit(X, y)
        weighted = rs.MLPClassifier(**params).fit(X_more, y_more, sample_weight=weights)
    np.testing.assert_allclose(weighted.coefs_[0], plain.coefs_[0], rtol=1e-12)
    for name in ("units", "layers"):
        ours, reference = getattr(weighted.history_, name)(), getattr(plain.history_, name)()
        assert list(ours.columns) == list(reference.columns)
        for column in reference.columns:
            if reference[column].dtype.kind in "biuf":
                np.testing.assert_allclose(
                    ours[column].to_numpy(float), reference[column].to_numpy(float), rtol=1e-6
                )
            else:  # unit states
                assert ours[column].tolist() == reference[column].tolist()
    np.testing.assert_allclose(
        weighted.history_.epochs()[["loss", "score"]], plain.history_.epochs()[["loss", "score"]]
    )


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_integer_weights_count_like_repeated_rows(moons, solver):
    X, y = moons
    counts = np.random.RandomState(2).randint(1, 4, len(y))
    params = dict(
        hidden_layer_sizes=(16,), activation="relu", solver=solver, batch_size=2000,
        shuffle=False, max_iter=10, random_state=0, learning_rate_init=0.1,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter reached; one batch larger than the data
        weighted = rs.MLPClassifier(**params).fit(X, y, sample_weight=counts)
        repeated = rs.MLPClassifier(**params).fit(np.repeat(X, counts, 0), np.repeat(y, counts))
    on_rate = weighted.history_.units()["on_rate"].to_numpy()
    np.testing.assert_allclose(on_rate, repeated.history_.units()["on_rate"], rtol=1e-5)
    np.testing.assert_array_equal(
        weighted.history_.units()["dead"], repeated.history_.units()["dead"]
    )
    for name in ("loss", "score"):
        np.testing.assert_allclose(
            weighted.history_.epochs()[name], repeated.history_.epochs()[name], rtol=1e-9
        )
