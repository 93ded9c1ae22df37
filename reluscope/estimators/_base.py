"""The estimators' shared machinery: parameters, input checks, the three solvers, bookkeeping.

``fit`` follows scikit-learn's ``BaseMultilayerPerceptron._fit``
(``sklearn/neural_network/_multilayer_perceptron.py``) step for step: the same generator
draws the weights, then splits off the early-stopping validation set, then shuffles; sgd and
adam train in the engine's loop (``reluscope.engine.train_stack``), lbfgs in
``reluscope.lbfgs``.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from reluscope.activations import ACTIVATIONS, ALIASES
from reluscope.engine import RunSpec, TrainConfig, build_state, make_optimizer, train_stack
from reluscope.errors import InvalidParameterError
from reluscope.estimators import _early_stopping as early_stopping
from reluscope.estimators._internals import SklearnInternals
from reluscope.history import histories_from_state
from reluscope.init import INITS
from reluscope.optim import SCHEDULES, SOLVERS
from reluscope.validation import check_integer

_NON_FINITE = (
    "Solver produced non-finite parameter weights. The input data may contain large values "
    "and need to be preprocessed."
)


def dense(X):
    """Sparse input densified: the engine's first layer is one dense product with the bias
    folded in (scikit-learn keeps it sparse; the numbers are the same)."""
    return X.toarray() if hasattr(X, "toarray") else X


class BaseMLP(SklearnInternals, BaseEstimator):
    _parameter_constraints: ClassVar[dict] = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS) | set(ALIASES))],
        "solver": [StrOptions({*SOLVERS, "lbfgs"})],
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
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "negative_slope": [Interval(Real, 0, 1, closed="both")],
        "bias_offset": [Interval(Real, None, None, closed="neither")],
        "init": [StrOptions(set(INITS))],
        "dtype": [
            None,
            StrOptions({"float64", "float32"}),
            Options(type, {np.float64, np.float32}),
        ],
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
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        negative_slope=0.01,
        bias_offset=0.0,
        init="sklearn",
        dtype=None,
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
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
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

    def _config(self, dtype):
        return TrainConfig(
            hidden_layers=self._hidden_sizes(),
            # lbfgs needs no optimiser object; the engine's state is made with adam's
            solver="adam" if self.solver == "lbfgs" else self.solver,
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
            # with early stopping the validation score decides, below, not the training loss
            n_iter_no_change=np.inf if self.early_stopping else self.n_iter_no_change,
            diagnostics=self.diagnostics,
            keep_parameters=self.keep_parameters,
            dtype=dtype,
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

    def _network_dtype(self, X):
        """The ``dtype`` parameter, else the input's floating dtype (as scikit-learn)."""
        return np.dtype(X.dtype if self.dtype is None else self.dtype).type

    # -- fitting --------------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, eval_set=None):
        """Fit on (X, y); ``eval_set=(X_val, y_val)`` is scored at every record of ``history_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), optional
            Weights of the samples in the loss and its gradient, as scikit-learn's; the
            diagnostics leave out samples of weight 0 and weight the on-rates.
        eval_set : tuple (X_val, y_val), optional

        Returns
        -------
        self
        """
        self._validate_params()
        return self._fit(X, y, sample_weight, eval_set=eval_set, incremental=False)

    def _fit(self, X, y, sample_weight=None, eval_set=None, incremental=False):
        sizes = self._hidden_sizes()
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, targets = self._validate_input(X, y, incremental, reset=first_pass)
        X = dense(X)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        if first_pass or not hasattr(self, "_state"):
            dtype = self._network_dtype(X)
        else:
            dtype = self._state.network.dtype.type
        X = X.astype(dtype, copy=False)
        config = self._config(dtype)
        if self.solver != "lbfgs" and self.batch_size != "auto" and self.batch_size > X.shape[0]:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to be "
                "clipped",
                stacklevel=3,
            )
        # scikit-learn's semantics: a fresh generator from random_state on every call
        random_state = check_random_state(self.random_state)
        layer_units = [X.shape[1], *sizes, targets.shape[1]]
        if first_pass:
            self.n_outputs_ = targets.shape[1]
            self.n_layers_ = len(layer_units)
            self.out_activation_ = self._output_activation()
            self._state = build_state(
                layer_units, [self._spec()], config, self.out_activation_, [random_state]
            )
            self._start_bookkeeping()
        else:
            self._adopt_parameters(layer_units, config)
        evaluation = None
        if eval_set is not None:
            X_val, y_val = eval_set
            X_val, t_val = self._validate_input(X_val, y_val, incremental=True, reset=False)
            evaluation = (dense(X_val).astype(dtype, copy=False), t_val)
        if self.solver == "lbfgs":
            self._fit_lbfgs(X, targets, sample_weight, evaluation)
        else:
            self._fit_stochastic(
                X, targets, sample_weight, evaluation, config, random_state, first_pass,
                incremental,
            )  # fmt: skip
        return self._finish()

    def _start_bookkeeping(self):
        """scikit-learn's ``_initialize``: what the stochastic solvers track, per solver."""
        for name in ("loss_curve_", "best_loss_", "validation_scores_", "best_validation_score_"):
            self.__dict__.pop(name, None)
        self._best_flat = self._state.network.flat[0].copy()
        if self.solver == "lbfgs":
            return
        self.loss_curve_ = []
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _fit_stochastic(
        self, X, targets, sample_weight, evaluation, config, random_state, first_pass, incremental
    ):
        state = self._state
        if state.optimizer is None or (not first_pass and not incremental):
            state.optimizer = make_optimizer(state.network, [self._spec()], config)
        state.active[:] = True
        state.optimizer.thaw()  # a run that stopped on tol goes on where it stopped
        on_epoch = None
        if self.early_stopping:
            X, targets, sample_weight, validation = early_stopping.split(
                self, X, targets, sample_weight, random_state
            )
            on_epoch = early_stopping.epoch_hook(self, validation)
            if evaluation is None:  # the held-out split is scored into the history too
                evaluation = (validation[0], validation[3])
        iterations_before = state.n_iter
        train_stack(
            state,
            X,
            targets,
            config,
            [random_state],
            max_epochs=1 if incremental else self.max_iter,
            eval_set=evaluation,
            progress=on_epoch,
            sample_weight=sample_weight,
        )
        self.n_iter_ = state.n_iter - iterations_before
        self.t_ = state.samples_seen
        self.loss_curve_ = [float(values[0]) for values in state.loss_curve]
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else np.nan
        if self.early_stopping:
            state.network.flat[0] = self._best_flat  # restore the best validation weights
            self.best_loss_ = None
        else:
            self.best_loss_ = float(state.best_loss[0])
        if self.verbose:
            for epoch, loss in enumerate(self.loss_curve_[iterations_before:], iterations_before):
                print(f"Iteration {epoch + 1}, loss = {loss:.8f}")
        if not incremental and self.n_iter_ == self.max_iter and state.active[0]:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _fit_lbfgs(self, X, targets, sample_weight, evaluation):
        from sklearn.utils.optimize import _check_optimize_result

        from reluscope.lbfgs import fit_lbfgs

        state = self._state
        result = fit_lbfgs(
            state,
            X,
            targets,
            alpha=self.alpha,
            max_iter=self.max_iter,
            max_fun=self.max_fun,
            tol=self.tol,
            sample_weight=sample_weight,
            diagnostics=self.diagnostics,
            keep_parameters=self.keep_parameters,
            eval_set=evaluation,
            verbose=self.verbose,
        )
        self.n_iter_ = _check_optimize_result("lbfgs", result, self.max_iter)
        self.loss_ = float(result.fun)
        self.t_ = state.samples_seen

    def _finish(self):
        state = self._state
        self.diverged_ = bool(state.diverged[0])
        layers = state.network.get_parameters(0)
        self.coefs_ = [weights for weights, _ in layers]
        self.intercepts_ = [biases for _, biases in layers]
        if not all(np.isfinite(values).all() for values in (*self.coefs_, *self.intercepts_)):
            # scikit-learn's check and words; the history up to the divergence stays readable
            raise ValueError(_NON_FINITE)
        return self

    @property
    def history_(self):
        """Per-epoch (lbfgs: per-iteration) history, ``reluscope.history.History``, built on
        first access after a fit, so that a loop of ``partial_fit`` calls does not re-stack
        every record."""
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

    # -- prediction -----------------------------------------------------------------------
    def _predict_outputs(self, X):
        """Output-layer activations of checked, dense input: (n_samples, n_outputs)."""
        network = self._state.network
        return network.predict(X.astype(network.dtype, copy=False))[0]

    def _forward(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False
        )
        return self._predict_outputs(dense(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
