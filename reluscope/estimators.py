"""``MLPClassifier`` and ``MLPRegressor``: scikit-learn's face of the engine (one model, K = 1).

Parameter names, defaults and meanings are scikit-learn's wherever the concept exists, so either
class is a drop-in replacement; with ``init="sklearn"`` (the default) training reproduces
scikit-learn's numbers. New concepts get new names: ``negative_slope``, ``bias_offset``,
``init``, ``dtype``, ``diagnostics``, ``keep_parameters``.

>>> import numpy as np
>>> from reluscope import MLPClassifier
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 10)
>>> y = np.array([0, 1, 1, 0] * 10)
>>> clf = MLPClassifier((8,), activation="tanh", solver="adam", learning_rate_init=0.05,
...                     max_iter=300, random_state=0).fit(X, y)
>>> clf.score(X, y)
1.0
>>> int(clf.history_.layers().query("epoch == 0")["dead"].iloc[0])
0
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.multiclass import _check_partial_fit_first_call, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from reluscope.activations import ACTIVATIONS, ALIASES
from reluscope.engine import RunSpec, TrainConfig, build_state, make_optimizer, train_stack
from reluscope.errors import InvalidParameterError
from reluscope.history import histories_from_state
from reluscope.init import INITS
from reluscope.optim import SCHEDULES, SOLVERS
from reluscope.validation import check_integer

__all__ = ["MLPClassifier", "MLPRegressor"]


class _BaseMLP(BaseEstimator):
    _parameter_constraints: ClassVar[dict] = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS) | set(ALIASES))],
        "solver": [StrOptions(set(SOLVERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions(set(SCHEDULES))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        # early stopping on a held-out split is not implemented; refuse rather than ignore it
        "early_stopping": [Options(bool, {False})],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "negative_slope": [Interval(Real, 0, 1, closed="both")],
        "bias_offset": [Interval(Real, None, None, closed="neither")],
        "init": [StrOptions(set(INITS))],
        "dtype": [StrOptions({"float64", "float32"}), Options(type, {np.float64, np.float32})],
        "diagnostics": ["boolean"],
        "keep_parameters": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        negative_slope=0.01,
        bias_offset=0.0,
        init="sklearn",
        dtype="float64",
        diagnostics=True,
        keep_parameters=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.negative_slope = negative_slope
        self.bias_offset = bias_offset
        self.init = init
        self.dtype = dtype
        self.diagnostics = diagnostics
        self.keep_parameters = keep_parameters

    # -- configuration --------------------------------------------------------------------
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        allowed = "an integer ≥ 1 or a non-empty sequence of them"
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        try:
            if not sizes or any(isinstance(size, str) for size in sizes):
                raise InvalidParameterError("hidden_layer_sizes", sizes, allowed)
            return tuple(check_integer("hidden_layer_sizes", size, 1) for size in sizes)
        except InvalidParameterError:  # name the whole setting, not one of its widths
            raise InvalidParameterError(
                "hidden_layer_sizes", self.hidden_layer_sizes, allowed
            ) from None

    def _config(self):
        return TrainConfig(
            hidden_layers=self._hidden_sizes(),
            solver=self.solver,
            l2_penalty=self.alpha,
            batch_size=self.batch_size,
            epochs=self.max_iter,
            shuffle=self.shuffle,
            momentum=self.momentum,
            nesterovs_momentum=self.nesterovs_momentum,
            beta_1=self.beta_1,
            beta_2=self.beta_2,
            epsilon=self.epsilon,
            learning_rate_schedule=self.learning_rate,
            power_t=self.power_t,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            diagnostics=self.diagnostics,
            keep_parameters=self.keep_parameters,
            dtype=np.dtype(self.dtype).type,
        )

    def _spec(self):
        return RunSpec(
            activation=self.activation,
            negative_slope=self.negative_slope,
            bias_offset=self.bias_offset,
            init=self.init,
            learning_rate=self.learning_rate_init,
            seed=self.random_state,
        )

    # -- fitting --------------------------------------------------------------------------
    def fit(self, X, y, eval_set=None):
        """Fit on (X, y); ``eval_set=(X_val, y_val)`` is scored every epoch into ``history_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        eval_set : tuple (X_val, y_val), optional

        Returns
        -------
        self
        """
        self._validate_params()
        return self._fit(X, y, eval_set=eval_set, incremental=False)

    def _fit(self, X, y, eval_set=None, incremental=False):
        config = self._config()
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, targets = self._validate_input(X, y, incremental, reset=first_pass)
        if self.batch_size != "auto" and self.batch_size > X.shape[0]:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to be "
                "clipped",
                stacklevel=3,
            )
        # scikit-learn's semantics: a fresh generator from random_state on every call
        random_state = check_random_state(self.random_state)
        layer_units = [X.shape[1], *config.hidden_layers, targets.shape[1]]
        if first_pass:
            self.n_outputs_ = targets.shape[1]
            self.n_layers_ = len(layer_units)
            self.out_activation_ = self._output_activation()
            self._state = build_state(
                layer_units, [self._spec()], config, self.out_activation_, [random_state]
            )
        elif not incremental:
            self._state.optimizer = make_optimizer(self._state.network, [self._spec()], config)
        state = self._state
        state.active[:] = True
        state.optimizer.thaw()  # a run that stopped on tol goes on where it stopped
        evaluation = None
        if eval_set is not None:
            X_val, y_val = eval_set
            evaluation = self._validate_input(X_val, y_val, incremental=True, reset=False)
        iterations_before = state.n_iter
        train_stack(
            state,
            X,
            targets,
            config,
            [random_state],
            max_epochs=1 if incremental else self.max_iter,
            eval_set=evaluation,
        )
        self.n_iter_ = state.n_iter - iterations_before
        self.t_ = state.samples_seen
        self.loss_curve_ = [float(values[0]) for values in state.loss_curve]
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else np.nan
        self.best_loss_ = float(state.best_loss[0])
        self.diverged_ = bool(state.diverged[0])
        layers = state.network.get_parameters(0)
        self.coefs_ = [weights for weights, _ in layers]
        self.intercepts_ = [biases for _, biases in layers]
        if self.verbose:
            for epoch, loss in enumerate(self.loss_curve_[iterations_before:], iterations_before):
                print(f"Iteration {epoch + 1}, loss = {loss:.8f}")
        if not incremental and self.n_iter_ == self.max_iter and not self.diverged_:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )
        if not all(np.isfinite(values).all() for values in (*self.coefs_, *self.intercepts_)):
            # scikit-learn's check and words; the history up to the divergence stays readable
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may contain large "
                "values and need to be preprocessed."
            )
        return self

    @property
    def history_(self):
        """Per-epoch history (``reluscope.history.History``), built on first access after a fit.

        Built lazily so that a loop of ``partial_fit`` calls does not re-stack every record.
        """
        state = getattr(self, "_state", None)
        if state is None:
            raise AttributeError("history_ exists after fit; call fit or partial_fit first")
        key = (id(state), len(state.records), len(state.loss_curve))
        cached = getattr(self, "_history_cache", None)
        if cached is None or cached[0] != key:
            activation = self._state.network.activations[0].name
            sizes = self._state.network.layer_units[1:-1]
            cached = (key, histories_from_state(state, sizes, [activation])[0])
            self._history_cache = cached
        return cached[1]

    def _forward(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        network = self._state.network
        return network.predict(X.astype(network.dtype, copy=False))[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier with per-epoch dying-ReLU diagnostics.

    Parameters are scikit-learn's ``MLPClassifier``'s (``solver`` is ``"sgd"`` or ``"adam"``;
    ``early_stopping`` is not supported), plus:

    activation : str
        Any name in ``reluscope.ACTIVATIONS`` or an alias (``logistic``, ``swish``).
    negative_slope : float, default 0.01
        Slope of leaky_relu for z ≤ 0.
    bias_offset : float, default 0.0
        Added to every hidden bias after initialisation (a large negative value kills ReLUs).
    init : str, default "sklearn"
        One of ``reluscope.init.INITS``; "sklearn" reproduces scikit-learn's draw.
    dtype : {"float64", "float32"}
    diagnostics : bool, default True
        Record per-epoch full-training-set diagnostics into ``history_``; off for raw speed.
    keep_parameters : bool, default False
        Keep a parameter snapshot per epoch (``history_.parameters(epoch)``).

    Attributes
    ----------
    coefs_, intercepts_, loss_curve_, loss_, best_loss_, n_iter_, t_, classes_,
    n_features_in_, n_outputs_, n_layers_, out_activation_ : as in scikit-learn.
    history_ : reluscope.history.History
    diverged_ : bool
        True when the loss became non-finite (training stopped there; the history is kept, and
        ``fit`` raises scikit-learn's ``ValueError`` if the weights are non-finite) or
        rose above ``reluscope.diagnostics.DIVERGENCE_FACTOR`` times the larger of its initial
        value and the constant predictor's loss (training went on, as scikit-learn's does).
    """

    def _output_activation(self):
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self, X, y, multi_output=True, dtype=(np.float64, np.float32), reset=reset
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental and set(classes) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has {classes}"
                )
            if len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        return X, self._label_binarizer.transform(y).astype(bool)

    def partial_fit(self, X, y, classes=None):
        """One epoch over (X, y); ``classes`` is required on the first call."""
        if _check_partial_fit_first_call(self, classes):
            self._validate_params()
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, incremental=True)

    def predict(self, X):
        """Predicted classes, shape (n_samples,) (or (n_samples, n_outputs) for multilabel)."""
        outputs = self._forward(X)
        if self.n_outputs_ == 1:
            outputs = outputs.ravel()
        return self._label_binarizer.inverse_transform(outputs)

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), columns ordered as ``classes_``."""
        outputs = self._forward(X)
        if self.n_outputs_ == 1:
            outputs = outputs.ravel()
            return np.vstack([1 - outputs, outputs]).T
        return outputs

    def predict_log_proba(self, X):
        """Log of ``predict_proba``."""
        probabilities = self.predict_proba(X)
        return np.log(probabilities, out=probabilities)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor (squared error, identity output) with diagnostics.

    Parameters and attributes are those of ``MLPClassifier`` (without ``classes_``).
    """

    def _output_activation(self):
        return "identity"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, (y.reshape(-1, 1) if y.ndim == 1 else y)

    def partial_fit(self, X, y):
        """One epoch over (X, y)."""
        if not hasattr(self, "coefs_"):
            self._validate_params()
        return self._fit(X, y, incremental=True)

    def predict(self, X):
        """Predicted values, shape (n_samples,) or (n_samples, n_outputs)."""
        outputs = self._forward(X)
        return outputs.ravel() if outputs.shape[1] == 1 else outputs
