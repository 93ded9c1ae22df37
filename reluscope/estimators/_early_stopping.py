"""Early stopping on a held-out split, as scikit-learn's ``_fit_stochastic`` does it.

The split comes from the generator that drew the weights (``train_test_split``, stratified for
single-output classifiers); after every epoch the validation score (accuracy, or R²; NaN when
the predictions are not finite) updates the no-improvement count and the best weights, and a
count above ``n_iter_no_change`` stops training (adaptive sgd: divides the rate by 5 first,
down to 1e-6). ``fit`` then restores the best weights.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import is_classifier

# the adaptive schedule's floor, as scikit-learn's SGDOptimizer.trigger_stopping
ADAPTIVE_FLOOR = 1e-6


def split(estimator, X, targets, sample_weight, random_state):
    """The training part (X, targets, weights) and (X_val, y_val, weight_val, targets_val).

    ``y_val`` is decoded as ``predict`` returns labels, for the score function.
    """
    from sklearn.model_selection import train_test_split

    stratify = targets if is_classifier(estimator) and estimator.n_outputs_ == 1 else None
    arrays = (X, targets) if sample_weight is None else (X, targets, sample_weight)
    parts = train_test_split(
        *arrays,
        random_state=random_state,
        test_size=estimator.validation_fraction,
        stratify=stratify,
    )
    X_train, X_val, t_train, t_val = parts[:4]
    w_train, w_val = (None, None) if sample_weight is None else parts[4:]
    if X_val.shape[0] < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' or the size "
            "of your dataset."
        )
    return X_train, t_train, w_train, (X_val, estimator._decode(t_val), w_val, t_val)


def epoch_hook(estimator, validation):
    """The engine's per-epoch callback: scikit-learn's ``_update_no_improvement_count`` on
    the validation score, then its stopping rule; it writes the count to the engine's state
    and stops the model by deactivating it."""
    from sklearn.metrics import accuracy_score, r2_score

    X_val, y_val, w_val, _ = validation
    score_function = accuracy_score if is_classifier(estimator) else r2_score
    state = estimator._state
    if estimator.validation_scores_ is None:  # a warm start after a fit without it
        estimator.validation_scores_, estimator.best_validation_score_ = [], -np.inf
    count = int(state.no_improvement[0])

    def on_epoch(done, total):
        nonlocal count
        outputs = estimator._predict_outputs(X_val)
        score = np.nan
        if np.isfinite(outputs).all():
            predicted = estimator._decode_outputs(outputs)
            score = float(score_function(y_val, predicted, sample_weight=w_val))
        estimator.validation_scores_.append(score)
        if estimator.verbose:
            print(f"Validation score: {score:f}")
        count = count + 1 if score < estimator.best_validation_score_ + estimator.tol else 0
        if score > estimator.best_validation_score_:
            estimator.best_validation_score_ = score
            estimator._best_flat = state.network.flat[0].copy()
        if count > estimator.n_iter_no_change:
            rate = float(state.optimizer.learning_rate[0, 0])
            adaptive = estimator.solver == "sgd" and estimator.learning_rate == "adaptive"
            if adaptive and rate > ADAPTIVE_FLOOR:
                state.optimizer.set_learning_rate([rate / 5.0])
                count = 0
            else:
                state.active[0] = False
        state.no_improvement[0] = count

    return on_epoch
