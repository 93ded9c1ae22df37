"""pytest plugin: run scikit-learn's own MLP tests against reluscope's estimators.

Loaded with ``-p plugin`` (this folder on ``sys.path``), it binds
``sklearn.neural_network.MLPClassifier`` / ``MLPRegressor`` to reluscope's when pytest is
configured, before scikit-learn's ``sklearn/neural_network/tests/test_mlp.py`` is collected, so
the file's own ``from sklearn.neural_network import MLPClassifier, MLPRegressor`` picks them up
unmodified; and it provides the ``global_random_seed`` fixture that scikit-learn's conftest
gives (42). Importing this module alone changes nothing (our own suite imports it to look for
doctests, and compares against the real scikit-learn).
"""

import pytest


def pytest_configure(config):
    import sklearn.neural_network

    import reluscope

    sklearn.neural_network.MLPClassifier = reluscope.MLPClassifier
    sklearn.neural_network.MLPRegressor = reluscope.MLPRegressor


@pytest.fixture
def global_random_seed():
    """scikit-learn's default global seed (``SKLEARN_TESTS_GLOBAL_RANDOM_SEED`` unset)."""
    return 42
