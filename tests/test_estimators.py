"""MLPClassifier / MLPRegressor: scikit-learn's API and, with matched settings, its numbers."""

import warnings

import numpy as np
import pytest
from sklearn import neural_network
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

import reluscope as rs

RTOL = 1e-9

SOLVERS = {
    "sgd-plain": dict(solver="sgd", momentum=0.0),
    "sgd-momentum": dict(solver="sgd", momentum=0.9, nesterovs_momentum=False),
    "sgd-nesterov": dict(solver="sgd", momentum=0.9, nesterovs_momentum=True),
    "adam": dict(solver="adam"),
}


def _fit_both(kind, X, y, **params):
    ours = {"classifier": rs.MLPClassifier, "regressor": rs.MLPRegressor}[kind]
    theirs = {"classifier": neural_network.MLPClassifier, "regressor": neural_network.MLPRegressor}[
        kind
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ours(**params).fit(X, y), theirs(**params).fit(X, y)


def _assert_same_numbers(ours, theirs):
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=RTOL)
    for mine, reference in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(mine, reference, rtol=RTOL, atol=1e-12)


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("batch_size", [16, 1000])
# (hidden layers, learning rate): equal widths take the engine's batched path; the deeper net
# gets a smaller step because at 0.05 its training is chaotic and amplifies rounding (1e-16)
@pytest.mark.parametrize(("hidden", "rate"), [((12, 6), 0.05), ((16, 16, 16), 0.01)])
def test_binary_classifier_equals_scikit_learn(moons, solver, activation, batch_size, hidden, rate):
    X, y = moons
    ours, theirs = _fit_both(
        "classifier",
        X,
        y,
        hidden_layer_sizes=hidden,
        activation=activation,
        batch_size=batch_size,
        learning_rate_init=rate,
        alpha=1e-3,
        max_iter=25,
        shuffle=False,
        n_iter_no_change=1000,
        random_state=3,
        **SOLVERS[solver],
    )
    _assert_same_numbers(ours, theirs)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=RTOL)


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_multiclass_classifier_equals_scikit_learn(solver):
    X, y = make_classification(
        240, n_features=5, n_informative=4, n_redundant=0, n_classes=4, random_state=0
    )
    ours, theirs = _fit_both(
        "classifier",
        X,
        y,
        hidden_layer_sizes=(10,),
        activation="tanh",
        batch_size=40,
        learning_rate_init=0.02,
        max_iter=20,
        shuffle=False,
        n_iter_no_change=1000,
        random_state=0,
        **SOLVERS[solver],
    )
    _assert_same_numbers(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("activation", ["identity", "relu"])
def test_regressor_equals_scikit_learn(solver, activation):
    X, y = make_regression(200, n_features=4, noise=1.0, random_state=0)
    ours, theirs = _fit_both(
        "regressor",
        X,
        y / 100,
        hidden_layer_sizes=(16, 8),
        activation=activation,
        batch_size=25,
        learning_rate_init=0.005,
        max_iter=20,
        shuffle=False,
        n_iter_no_change=1000,
        random_state=1,
        **SOLVERS[solver],
    )
    _assert_same_numbers(ours, theirs)


def test_shuffling_and_default_stopping_also_match(moons):
    X, y = moons
    ours, theirs = _fit_both(
        "classifier",
        X,
        y,
        hidden_layer_sizes=(20,),
        solver="sgd",
        learning_rate_init=0.2,
        batch_size=32,
        max_iter=200,
        random_state=5,
    )
    assert ours.n_iter_ < 200  # stopped by tol / n_iter_no_change, at the same epoch
    _assert_same_numbers(ours, theirs)


def test_partial_fit_and_warm_start_follow_scikit_learn(moons):
    X, y = moons
    params = dict(
        hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=0.1, random_state=0, batch_size=50
    )
    ours, theirs = rs.MLPClassifier(**params), neural_network.MLPClassifier(**params)
    for _ in range(3):
        ours.partial_fit(X, y, classes=[0, 1])
        theirs.partial_fit(X, y, classes=[0, 1])
    _assert_same_numbers(ours, theirs)
    assert ours.history_.n_epochs == 3 and len(ours.history_.epochs()) == 4
    warm = dict(params, warm_start=True, max_iter=5, n_iter_no_change=100)
    ours, theirs = _fit_both("classifier", X, y, **warm)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours.fit(X, y)
        theirs.fit(X, y)
    _assert_same_numbers(ours, theirs)
    assert len(ours.loss_curve_) == 10


@pytest.mark.parametrize(
    ("solver", "schedule"), [("sgd", "constant"), ("sgd", "adaptive"), ("adam", "constant")]
)
def test_partial_fit_after_a_fit_that_stopped_on_tol_follows_scikit_learn(solver, schedule):
    # a fit that stops on tol must not leave its optimiser frozen: partial_fit goes on where it
    # stopped, with the rate (and SGD's velocity) it had, as scikit-learn does
    params = dict(
        hidden_layer_sizes=(42,), random_state=42, learning_rate_init=0.01, solver=solver,
        learning_rate=schedule,
    )  # fmt: skip
    ours, theirs = rs.MLPRegressor(**params), neural_network.MLPRegressor(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for model in (ours, theirs):
            model.fit([[2.0]], [4.0])
    assert ours.n_iter_ == theirs.n_iter_ < 200  # both stopped on tol
    before = [weights.copy() for weights in ours.coefs_]
    for _ in range(3):
        ours.partial_fit([[2.0]], [1.0])
        theirs.partial_fit([[2.0]], [1.0])
    assert not np.array_equal(ours.coefs_[0], before[0])  # the weights moved
    _assert_same_numbers(ours, theirs)


def test_float32_training_stays_float32(moons):
    X, y = moons
    clf = rs.MLPClassifier((8,), dtype="float32", max_iter=5, random_state=0).fit(X, y)
    assert clf.coefs_[0].dtype == np.float32
    assert clf.predict_proba(X).dtype == np.float32
    assert clf.score(X, y) > 0.5


def test_eval_set_is_scored_every_epoch(moons):
    X, y = moons
    clf = rs.MLPClassifier(
        (8,), solver="adam", learning_rate_init=0.05, max_iter=30, random_state=0
    )
    clf.fit(X[:200], y[:200], eval_set=(X[200:], y[200:]))
    epochs = clf.history_.epochs()
    assert list(epochs.columns[:5]) == ["epoch", "loss", "val_loss", "score", "val_score"]
    assert epochs["val_loss"].notna().all()
    assert epochs["val_score"].iloc[-1] == pytest.approx(clf.score(X[200:], y[200:]))
    assert epochs["score"].iloc[-1] == pytest.approx(clf.score(X[:200], y[:200]))


@pytest.mark.parametrize(
    ("param", "value", "needle"),
    [
        ("activation", "relu6", "activation"),
        ("solver", "newton", "solver"),
        ("alpha", -1.0, "alpha"),
        ("learning_rate_init", 0.0, "learning_rate_init"),
        ("init", "orthogonal", "init"),
        ("negative_slope", 3.0, "negative_slope"),
        ("early_stopping", "yes", "early_stopping"),
        ("validation_fraction", 1.0, "validation_fraction"),
        ("max_fun", 0, "max_fun"),
        ("dtype", "float16", "dtype"),
    ],
)
def test_bad_parameters_raise_value_error_naming_them(moons, param, value, needle):
    X, y = moons
    with pytest.raises(ValueError, match=needle) as info:
        rs.MLPClassifier(**{param: value}).fit(X, y)
    assert repr(value) in str(info.value) or str(value) in str(info.value)


def test_diagnostics_switch_off_keeps_the_loss_curve(moons):
    X, y = moons
    clf = rs.MLPClassifier((8,), diagnostics=False, max_iter=5, random_state=0).fit(X, y)
    assert not clf.history_.has_diagnostics
    assert clf.history_.layers().empty
    np.testing.assert_allclose(clf.history_.epochs()["running_loss"].iloc[1:], clf.loss_curve_)


@parametrize_with_checks(
    [
        rs.MLPClassifier(
            hidden_layer_sizes=(20,), learning_rate_init=0.01, max_iter=200, random_state=0
        ),
        rs.MLPRegressor(
            hidden_layer_sizes=(20,), learning_rate_init=0.01, max_iter=200, random_state=0
        ),
        rs.MLPClassifier(
            hidden_layer_sizes=(16, 16),
            activation="leaky_relu",
            solver="sgd",
            init="he_normal",
            bias_offset=-0.1,
            # at 0.05 the checks' unscaled data drives SGD to non-finite weights, which fit
            # refuses with scikit-learn's ValueError
            learning_rate_init=0.01,
            max_iter=200,
            random_state=0,
        ),
        rs.MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs", max_iter=100, random_state=0),
    ]
)
def test_scikit_learn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_learning_rate_schedules_equal_scikit_learn(moons, schedule):
    X, y = moons
    ours, theirs = _fit_both(
        "classifier",
        X,
        y,
        hidden_layer_sizes=(10,),
        solver="sgd",
        learning_rate=schedule,
        learning_rate_init=0.5,
        batch_size=50,
        max_iter=60,
        tol=1e-3,
        n_iter_no_change=2,
        shuffle=False,
        random_state=0,
    )
    _assert_same_numbers(ours, theirs)


def test_pickled_estimator_keeps_training_like_the_original(moons):
    import pickle

    X, y = moons
    params = dict(hidden_layer_sizes=(8, 8), solver="sgd", learning_rate_init=0.1, random_state=0)
    original = rs.MLPClassifier(**params).partial_fit(X, y, classes=[0, 1])
    clone = pickle.loads(pickle.dumps(original))
    for model in (original, clone):
        model.partial_fit(X, y)
    np.testing.assert_array_equal(clone.loss_curve_, original.loss_curve_)
    for mine, reference in zip(clone.coefs_, original.coefs_, strict=True):
        np.testing.assert_array_equal(mine, reference)
    assert clone.history_.n_epochs == 2


@pytest.mark.parametrize("sizes", [(), (0,), (4, -1), (2, "x"), (2.5,)])
def test_bad_hidden_layer_sizes_are_named_whole(moons, sizes):
    X, y = moons
    with pytest.raises(rs.InvalidParameterError, match="hidden_layer_sizes") as info:
        rs.MLPClassifier(sizes, max_iter=1).fit(X, y)
    assert info.value.field == "hidden_layer_sizes"


def test_exploding_finite_loss_is_diverged_and_keeps_scikit_learns_numbers(moons):
    # learning rate 1e6: the L2 term drives the loss to ~5.7e92 in five epochs, all finite
    X, y = moons
    params = dict(
        hidden_layer_sizes=(16,),
        solver="sgd",
        learning_rate_init=1e6,
        alpha=1e-4,
        max_iter=5,
        random_state=0,
    )
    with pytest.warns(RuntimeWarning, match="diverged"):
        ours = rs.MLPClassifier(**params).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = neural_network.MLPClassifier(**params).fit(X, y)
    assert ours.diverged_ and ours.history_.diverged_epoch == 1
    assert np.isfinite(ours.loss_curve_).all() and ours.loss_curve_[-1] > 1e92
    _assert_same_numbers(ours, theirs)
    calm = rs.MLPClassifier(**dict(params, learning_rate_init=0.01))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        calm.fit(X, y)
    assert not calm.diverged_ and not calm.history_.diverged


def test_non_finite_weights_raise_scikit_learns_value_error(moons):
    X, y = moons
    params = dict(
        hidden_layer_sizes=(32, 32),
        solver="sgd",
        learning_rate_init=10.0,
        max_iter=200,
        random_state=0,
    )
    for estimator in (rs.MLPRegressor(**params), neural_network.MLPRegressor(**params)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(ValueError, match="Solver produced non-finite parameter weights"):
                estimator.fit(X * 100, y * 1e6)
