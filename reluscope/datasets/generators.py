"""Toy data generators: each returns ``X`` of shape (n_samples, n_features), ``y`` of (n_samples,).

scikit-learn makes moons, circles, blobs and Gaussian quantiles; the others have no scikit-learn
counterpart (``make_classification`` does not promise separable classes, as ``linear`` does) and
draw from ``numpy.random.default_rng(random_state)``. Their draws are pinned: the bundled files
and shared links name data by its seed, so a generator's sequence of draws never changes.
"""

from __future__ import annotations

import numpy as np


def balanced_labels(n_samples: int, n_classes: int) -> np.ndarray:
    """Class codes of shape (n_samples,) with counts that differ by at most one, in class order."""
    return np.arange(n_samples) % n_classes


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray):
    order = rng.permutation(len(y))
    return X[order], y[order]


def moons(n_samples, noise, random_state):
    """Two interleaving half circles."""
    from sklearn.datasets import make_moons

    return make_moons(n_samples=n_samples, noise=noise, random_state=random_state)


def circles(n_samples, noise, random_state, factor):
    """A small circle of radius ``factor`` inside the unit circle."""
    from sklearn.datasets import make_circles

    return make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=random_state)


def blobs(n_samples, noise, random_state, n_classes, n_features):
    """One isotropic Gaussian blob per class, of standard deviation ``noise``."""
    from sklearn.datasets import make_blobs

    return make_blobs(
        n_samples=n_samples,
        n_features=n_features,
        centers=n_classes,
        cluster_std=noise,
        random_state=random_state,
    )


def gaussian_quantiles(n_samples, noise, random_state, n_classes, n_features):
    """Nested Gaussian shells cut at quantiles, jittered by ``noise`` after labelling."""
    from sklearn.datasets import make_gaussian_quantiles

    X, y = make_gaussian_quantiles(
        n_samples=n_samples, n_features=n_features, n_classes=n_classes, random_state=random_state
    )
    # scikit-learn has no noise here; jitter after labelling blurs the shells' borders
    jitter = np.random.default_rng(random_state).normal(scale=noise, size=X.shape)
    return X + jitter, y


def spirals(n_samples, noise, random_state, arms, turns):
    """``arms`` interleaved spiral arms of ``turns`` turns each, radius uniform in [0, 1]."""
    rng = np.random.default_rng(random_state)
    y = balanced_labels(n_samples, arms)
    radius = rng.uniform(0.0, 1.0, n_samples)
    angle = 2 * np.pi * (turns * radius + y / arms)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(scale=noise, size=X.shape)
    return _shuffled(rng, X, y)


def xor(n_samples, noise, random_state):
    """Points in [-1, 1]², class 1 where x1·x2 > 0."""
    rng = np.random.default_rng(random_state)
    y = balanced_labels(n_samples, 2)
    magnitude = rng.uniform(0.0, 1.0, (n_samples, 2))
    sign_x1 = rng.choice([-1.0, 1.0], n_samples)
    # class 1 where x1·x2 > 0: same signs; class 0: opposite signs
    sign_x2 = np.where(y == 1, sign_x1, -sign_x1)
    X = magnitude * np.column_stack([sign_x1, sign_x2])
    X += rng.normal(scale=noise, size=X.shape)
    return _shuffled(rng, X, y)


def checkerboard(n_samples, noise, random_state, tiles):
    """[-1, 1]² cut into ``tiles`` × ``tiles`` squares, labelled by their colour."""
    rng = np.random.default_rng(random_state)
    y = balanced_labels(n_samples, 2)
    row, col = np.divmod(np.arange(tiles * tiles), tiles)
    colour = (row + col) % 2
    tile = np.empty(n_samples, dtype=np.int64)
    for label in (0, 1):
        members = y == label
        tile[members] = rng.choice(np.flatnonzero(colour == label), members.sum())
    corner = np.column_stack(np.divmod(tile, tiles)[::-1]).astype(np.float64)
    X = (corner + rng.uniform(0.0, 1.0, (n_samples, 2))) * (2.0 / tiles) - 1.0
    X += rng.normal(scale=noise, size=X.shape)
    return _shuffled(rng, X, y)


def linear(n_samples, noise, random_state, n_features, margin):
    """Two balanced classes on either side of a random hyperplane, ``margin`` apart."""
    rng = np.random.default_rng(random_state)
    normal = rng.normal(size=n_features)
    normal /= np.linalg.norm(normal)
    X = rng.uniform(-1.0, 1.0, (n_samples, n_features))
    score = X @ normal
    y = np.zeros(n_samples, dtype=np.int64)
    y[np.argsort(score, kind="stable")[n_samples // 2 :]] = 1  # threshold at the median: balanced
    X += np.outer((y - 0.5) * margin, normal)  # open a gap of width `margin` between the classes
    X += rng.normal(scale=noise, size=X.shape)
    return X, y


def sine(n_samples, noise, random_state, frequency):
    """Regression: y = sin(frequency·x) + noise, x uniform in [-3, 3]."""
    rng = np.random.default_rng(random_state)
    x = rng.uniform(-3.0, 3.0, n_samples)
    y = np.sin(frequency * x) + rng.normal(scale=noise, size=n_samples)
    return x[:, None], y


def surface(n_samples, noise, random_state):
    """Regression: y = sin(π·x1)·cos(π·x2) + noise, x uniform in [-1, 1]²."""
    rng = np.random.default_rng(random_state)
    X = rng.uniform(-1.0, 1.0, (n_samples, 2))
    y = np.sin(np.pi * X[:, 0]) * np.cos(np.pi * X[:, 1]) + rng.normal(scale=noise, size=n_samples)
    return X, y
