"""``MLPClassifier`` and ``MLPRegressor``: scikit-learn's face of the engine (one model, K = 1).

Parameter names, defaults and meanings are scikit-learn's wherever the concept exists, so either
class is a drop-in replacement (scikit-learn's own ``test_mlp.py`` passes against them); with
``init="sklearn"`` (the default) training reproduces scikit-learn's numbers, with every
solver (sgd, adam, lbfgs), early stopping, sample weights and the Poisson loss. New concepts
get new names: ``negative_slope``, ``bias_offset``, ``init``, ``dtype``, ``diagnostics``,
``keep_parameters``.

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

from reluscope.estimators._mlp import MLPClassifier, MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
