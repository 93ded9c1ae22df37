"""Tests for reluscope.datasets.generators: each toy generator makes the data it describes."""

from __future__ import annotations

import numpy as np
import pytest

from reluscope.datasets import make_dataset
from reluscope.datasets.generators import balanced_labels


def test_moons_circles_blobs_quantiles_are_scikit_learns():
    from sklearn import datasets as sk

    pairs = [
        (make_dataset("moons", 301, 0.1, 7), sk.make_moons(301, noise=0.1, random_state=7)),
        (make_dataset("circles", 200, 0.05, 7, factor=0.3),
         sk.make_circles(200, noise=0.05, factor=0.3, random_state=7)),
        (make_dataset("blobs", 200, 0.5, 7, n_classes=4, n_features=3),
         sk.make_blobs(200, n_features=3, centers=4, cluster_std=0.5, random_state=7)),
        (make_dataset("gaussian_quantiles", 200, 0.0, 7, n_classes=3),
         sk.make_gaussian_quantiles(n_samples=200, n_classes=3, random_state=7)),
    ]  # fmt: skip
    for ours, (X, y) in pairs:
        assert np.array_equal(ours.X, X) and np.array_equal(ours.y, y)


def test_gaussian_quantiles_noise_jitters_the_points_not_the_labels():
    clean = make_dataset("gaussian_quantiles", 200, 0.0, 7)
    noisy = make_dataset("gaussian_quantiles", 200, 0.3, 7)
    assert np.array_equal(clean.y, noisy.y)
    assert abs((noisy.X - clean.X).std() - 0.3) < 0.05


def test_balanced_labels_differ_in_count_by_at_most_one():
    assert balanced_labels(7, 3).tolist() == [0, 1, 2, 0, 1, 2, 0]


@pytest.mark.parametrize(
    ("name", "params", "n_classes"),
    [("spirals", {"arms": 3}, 3), ("xor", {}, 2), ("checkerboard", {"tiles": 3}, 2),
     ("linear", {"n_features": 4}, 2), ("spirals", {"arms": 7}, 7)],
)  # fmt: skip
def test_hand_written_generators_balance_their_classes(name, params, n_classes):
    counts = np.bincount(make_dataset(name, n_samples=101, random_state=1, **params).y)
    assert counts.size == n_classes and counts.max() - counts.min() <= 1


def test_xor_labels_are_the_sign_of_the_product_without_noise():
    data = make_dataset("xor", noise=0.0, random_state=0)
    assert np.array_equal(data.y, (data.X[:, 0] * data.X[:, 1] > 0).astype(int))
    assert np.abs(data.X).max() <= 1


@pytest.mark.parametrize("tiles", [2, 3, 4, 7])
def test_checkerboard_labels_are_the_tile_colour_without_noise(tiles):
    data = make_dataset("checkerboard", noise=0.0, random_state=0, tiles=tiles)
    column, row = np.floor((data.X + 1) / 2 * tiles).T
    assert np.array_equal(data.y, ((row + column) % 2).astype(int))


def test_spiral_points_lie_on_their_arm_without_noise():
    arms, turns = 3, 1.5
    data = make_dataset("spirals", noise=0.0, random_state=0, arms=arms, turns=turns)
    radius = np.hypot(*data.X.T)
    angle = np.arctan2(data.X[:, 1], data.X[:, 0])
    expected = 2 * np.pi * (turns * radius + data.y / arms)
    # equal angles modulo a full turn
    assert np.allclose(np.cos(angle - expected), 1.0)
    assert radius.max() <= 1


@pytest.mark.parametrize("margin", [0.0, 0.2, 0.5])
def test_linear_classes_are_separable_by_the_margin(margin):
    from sklearn.svm import SVC

    data = make_dataset("linear", n_samples=200, noise=0.0, random_state=2, margin=margin)
    svm = SVC(kernel="linear", C=1e8).fit(data.X, data.y)
    assert svm.score(data.X, data.y) == 1.0
    gap = 2 / np.linalg.norm(svm.coef_)  # width of the widest separating band
    assert gap >= margin - 1e-9


def test_regression_surfaces_follow_their_formula_without_noise():
    sine = make_dataset("sine", noise=0.0, random_state=0, frequency=2.0)
    assert np.allclose(sine.y, np.sin(2.0 * sine.X[:, 0]))
    surface = make_dataset("surface", noise=0.0, random_state=0)
    x1, x2 = surface.X.T
    assert np.allclose(surface.y, np.sin(np.pi * x1) * np.cos(np.pi * x2))


def test_noise_is_gaussian_with_the_given_standard_deviation():
    clean = make_dataset("sine", n_samples=20_000, noise=0.0, random_state=0)
    noisy = make_dataset("sine", n_samples=20_000, noise=0.3, random_state=0)
    residual = noisy.y - np.sin(noisy.X[:, 0])
    assert np.array_equal(clean.X, noisy.X)
    assert abs(residual.std() - 0.3) < 0.01
