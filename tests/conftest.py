"""Shared fixtures."""

import pytest


@pytest.fixture(scope="session")
def moons():
    from sklearn.datasets import make_moons

    X, y = make_moons(300, noise=0.2, random_state=0)
    return X, y


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the whole session: its sync API allows one running driver per
    thread, and several browser test modules share it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright
