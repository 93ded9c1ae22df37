"""Shared fixtures."""

import pytest


@pytest.fixture(scope="session")
def moons():
    from sklearn.datasets import make_moons

    X, y = make_moons(300, noise=0.2, random_state=0)
    return X, y
