"""pytest plugin: run scikit-learn's own MLP tests against reluscope's estimators.

Loaded with ``-p plugin`` (this folder on ``sys.path``) before scikit-learn's
``sklearn/neural_network/tests/test_mlp.py`` is collected, it binds
``sklearn.neural_network.MLPClassifier`` / ``MLPRegressor`` to reluscope's, so the file's own
``from sklearn.neural_network import MLPClassifier, MLPRegressor`` picks them up unmodified,
and provides the ``global_random_seed`` fixture that scikit-learn's conftest gives (42).
"""

import pytest
import sklearn.neural_network

import reluscope

sklearn.neural_network.MLPClassifier = reluscope.MLPClassifier
sklearn.neural_network.MLPRegressor = reluscope.MLPRegressor


@pytest.fixture
def global_random_seed():
    """scikit-learn's default global seed (``SKLEARN_TESTS_GLOBAL_RANDOM_SEED`` unset)."""
    return 42
