"""The two estimators: what differs between classification and regression."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import _check_partial_fit_first_call, type_of_target, unique_labels
from sklearn.utils.validation import validate_data

from reluscope.estimators._base import BaseMLP

__all__ = ["MLPClassifier", "MLPRegressor"]


def _stochastic(estimator):
    """``partial_fit`` exists for sgd and adam only, as scikit-learn's."""
    if estimator.solver not in ("sgd", "adam"):
        raise AttributeError(
            f"partial_fit is only available for stochastic optimizers. {estimator.solver} is "
            "not stochastic."
        )
    return True


class MLPClassifier(ClassifierMixin, BaseMLP):
    """Multi-layer perceptron classifier with per-epoch dying-ReLU diagnostics.

    Parameters are scikit-learn's ``MLPClassifier``'s, every solver included (``"sgd"``,
    ``"adam"``, ``"lbfgs"``), plus:

    activation : str
        Any name in ``reluscope.ACTIVATIONS`` or an alias (``logistic``, ``swish``).
    negative_slope : float, default 0.01
        Slope of leaky_relu for z ≤ 0.
    bias_offset : float, default 0.0
        Added to every hidden bias after initialisation (a large negative value kills ReLUs).
    init : str, default "sklearn"
        One of ``reluscope.init.INITS``; "sklearn" reproduces scikit-learn's draw.
    dtype : {None, "float64", "float32"}, default None
        None keeps the input's floating dtype, as scikit-learn does; a name forces one.
    diagnostics : bool, default True
        Record full-training-set diagnostics into ``history_`` every epoch (lbfgs: every
        iteration); off for raw speed.
    keep_parameters : bool, default False
        Keep a parameter snapshot per record (``history_.parameters(epoch)``).

    Attributes
    ----------
    coefs_, intercepts_, loss_, n_iter_, t_, classes_, n_features_in_, n_outputs_, n_layers_,
    out_activation_ : as in scikit-learn.
    loss_curve_, best_loss_, validation_scores_, best_validation_score_ : as in scikit-learn
        (sgd and adam only; ``history_`` has lbfgs's loss at every iteration).
    history_ : reluscope.history.History
    diverged_ : bool
        By ``reluscope.diagnostics.DIVERGENCE_RULE``: the loss became non-finite (training
        stopped there; the history is kept, and ``fit`` raises scikit-learn's ``ValueError``
        if the weights are non-finite) or rose far above its reference (training went on, as
        scikit-learn's does).
    """

    def _output_activation(self):
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes as in the "
                        f"previous call to fit. Previously got {self.classes_}, `y` has "
                        f"{classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        # bool, so that float32 input is not upcast (scikit-learn's reason too)
        return X, self._label_binarizer.transform(y).astype(bool)

    def _decode(self, targets):
        return self._label_binarizer.inverse_transform(targets)

    def _decode_outputs(self, outputs):
        return self._label_binarizer.inverse_transform(
            outputs.ravel() if self.n_outputs_ == 1 else outputs
        )

    @available_if(_stochastic)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over (X, y); ``classes`` is required on the first call.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        classes : array of shape (n_classes,), optional

        Returns
        -------
        self
        """
        if _check_partial_fit_first_call(self, classes):
            self._validate_params()
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predicted classes, shape (n_samples,) (or (n_samples, n_outputs) for multilabel)."""
        return self._decode_outputs(self._forward(X))

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


class MLPRegressor(RegressorMixin, BaseMLP):
    """Multi-layer perceptron regressor with per-epoch dying-ReLU diagnostics.

    ``loss`` is scikit-learn's: ``"squared_error"`` (half squared error, identity output) or
    ``"poisson"`` (half Poisson deviance, exponential output, ``y ≥ 0``), keyword-only here
    so that ``hidden_layer_sizes`` stays the first positional parameter of both classes. The
    other parameters and the attributes are those of ``MLPClassifier`` (without ``classes_``).
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        loss="squared_error",
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
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            negative_slope=negative_slope,
            bias_offset=bias_offset,
            init=init,
            dtype=dtype,
            diagnostics=diagnostics,
            keep_parameters=keep_parameters,
        )
        self.loss = loss

    def _output_activation(self):
        return "exp" if self.loss == "poisson" else "identity"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "Some value(s) of y are negative which is not allowed for Poisson regression."
            )
        return X, (y.reshape(-1, 1) if y.ndim == 1 else y)

    def _decode(self, targets):
        return targets

    def _decode_outputs(self, outputs):
        return outputs.ravel() if outputs.shape[1] == 1 else outputs

    @available_if(_stochastic)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        if not hasattr(self, "coefs_"):
            self._validate_params()
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predicted values, shape (n_samples,) or (n_samples, n_outputs)."""
        return self._decode_outputs(self._forward(X))
