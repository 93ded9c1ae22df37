"""Datasets: toy generators, scikit-learn's real datasets, bundled CSVs and users' own CSV files.

Everything comes back as a :class:`Dataset`. Anything that cannot become one raises
:class:`~reluscope.errors.DatasetError` (a ``ValueError``) whose message names what is wrong and
what would be allowed — never another exception type.

>>> data = make_dataset("moons", n_samples=200, noise=0.2, random_state=0)
>>> data
Dataset('moons', classification, 200 samples × 2 features, 2 classes)
>>> train, test = data.split(test_size=0.25, random_state=0)
>>> train_std, test_std = train.standardized(test)
>>> train_std.n_samples, test_std.n_samples
(150, 50)
>>> import io
>>> semicolons = b"a;b;label\\n" + b"1,5;2;x\\n" * 5 + b"0,5;1;y\\n" * 5
>>> load_csv(io.BytesIO(semicolons)).class_names
('x', 'y')

NumPy is the only import at module level; pandas and scikit-learn load on first use so that
``import reluscope`` stays cheap.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import os
import re
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reluscope.errors import DatasetError

__all__ = [
    "BUNDLED",
    "BUNDLED_PREFIX",
    "DATASETS",
    "MAX_BYTES",
    "MAX_CLASSES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MIN_ROWS",
    "Dataset",
    "DatasetInfo",
    "Parameter",
    "Standardization",
    "bundled_datasets",
    "bundled_description",
    "csv_columns",
    "dataset_info",
    "from_choice",
    "load_bundled",
    "load_csv",
    "make_dataset",
]

TASKS = ("classification", "regression")

MAX_ROWS = 100_000
"""Default cap on data rows of a CSV file, and on ``n_samples`` of a generator."""
MAX_COLUMNS = 100
"""Default cap on the columns of a CSV file (features and target together)."""
MAX_BYTES = 50 * 2**20
"""Default cap on the size of a CSV file, checked before parsing."""
MIN_ROWS = 10
"""A CSV file needs at least this many data rows."""
MAX_CLASSES = 50
"""A classification target may have at most this many distinct labels."""
MAX_INFERRED_CLASSES = 20
"""A numeric target with integer values and at most this many distinct ones is taken as labels."""
MIN_PER_CLASS = 4
"""Generators need ``n_samples >= MIN_PER_CLASS * n_classes`` so that a 25 % split is stratified."""
MAX_ABS_VALUE = 1e150
"""Larger magnitudes overflow when squared and summed (standardisation, losses)."""

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BUNDLED_PREFIX = "csv:"
"""A dataset choice ``csv:NAME`` names the bundled file ``data/NAME.csv`` (:func:`from_choice`)."""

# how a missing cell is written by spreadsheets, R, pandas and the UCI repository
_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "#n/a"})
_SEPARATORS = (",", ";", "\t", "|")
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SNIFF_CHARS = 64 * 1024
_SNIFF_ROWS = 50
# C0 controls other than tab, newline and carriage return never occur in a text CSV
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f]")
_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx or OpenDocument file is one)",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"\x93NUMPY": "a NumPy .npy file",
    b"PAR1": "a Parquet file",
}


# --------------------------------------------------------------------------------------------
# Dataset


@dataclass(frozen=True)
class Standardization:
    """Per-feature affine scaling ``(X - mean) / scale``, fitted on a training set.

    Attributes
    ----------
    mean : ndarray of shape (n_features,)
    scale : ndarray of shape (n_features,)
        Standard deviation of each feature; 1 for constant features, so they map to 0.
    """

    mean: np.ndarray
    scale: np.ndarray

    def transform(self, X) -> np.ndarray:
        """Scale ``X`` of shape (n_samples, n_features); returns a new float64 array."""
        return (np.asarray(X, dtype=np.float64) - self.mean) / self.scale

    def inverse_transform(self, X_std) -> np.ndarray:
        """Undo :meth:`transform`: shape (n_samples, n_features) in, same shape out."""
        return np.asarray(X_std, dtype=np.float64) * self.scale + self.mean


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features, target and the names that go with them.

    Arrays are converted on construction and made read-only: ``X`` to float64, ``y`` to int64
    class codes 0..C-1 (classification) or float64 (regression). For classification ``y`` may
    also be given as arbitrary labels with ``class_names`` left empty; the labels are then
    sorted and encoded.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,)
        int64 codes into ``class_names`` for classification, float64 for regression.
    task : {"classification", "regression"}
    feature_names : tuple of str, length n_features
    target_name : str
    class_names : tuple of str
        Name of each class code; empty for regression.
    name : str
        Short identifier, e.g. ``"moons"`` or the stem of a CSV file name.
    description : str
        One human-readable line: what the data is and how it was made.
    """

    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: tuple[str, ...]
    target_name: str = "target"
    class_names: tuple[str, ...] = ()
    name: str = "data"
    description: str = ""

    def __post_init__(self) -> None:
        set_field = object.__setattr__  # the dataclass is frozen; this is its constructor
        if self.task not in TASKS:
            raise DatasetError(f"task={self.task!r} is not allowed; expected one of {TASKS}.")
        X = np.array(self.X, dtype=np.float64, order="C")
        if X.ndim != 2:
            raise DatasetError(f"X must be 2-D (n_samples, n_features); got shape {X.shape}.")
        y = np.asarray(self.y)
        if y.shape != (X.shape[0],):
            raise DatasetError(
                f"y must have shape ({X.shape[0]},) to match X {X.shape}; got {y.shape}."
            )
        feature_names = tuple(str(n) for n in self.feature_names)
        if not np.isfinite(X).all():
            raise DatasetError(f"X has {np.count_nonzero(~np.isfinite(X))} non-finite values.")
        if len(feature_names) != X.shape[1]:
            raise DatasetError(
                f"{len(feature_names)} feature names for {X.shape[1]} feature columns."
            )
        if len(set(feature_names)) != len(feature_names) or self.target_name in feature_names:
            raise DatasetError(
                f"feature and target names must be distinct; got {feature_names} "
                f"and target {self.target_name!r}."
            )
        class_names = tuple(str(n) for n in self.class_names)
        if self.task == "classification":
            if not class_names:
                labels, y = np.unique(y, return_inverse=True)
                class_names = tuple(str(label) for label in labels)
            elif len(set(class_names)) != len(class_names):
                raise DatasetError(f"class names must be distinct; got {class_names}.")
            elif y.size and (
                not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= len(class_names)
            ):
                raise DatasetError(
                    f"y must hold integer codes 0..{len(class_names) - 1} for the classes "
                    f"{class_names}."
                )
            y = np.array(y, dtype=np.int64)
        else:
            if class_names:
                raise DatasetError("class_names must be empty for a regression dataset.")
            y = np.array(y, dtype=np.float64)
        X.flags.writeable = False
        y.flags.writeable = False
        set_field(self, "X", X)
        set_field(self, "y", y)
        set_field(self, "feature_names", feature_names)
        set_field(self, "target_name", str(self.target_name))
        set_field(self, "class_names", class_names)

    def __repr__(self) -> str:
        classes = f", {self.n_classes} classes" if self.task == "classification" else ""
        return (
            f"Dataset({self.name!r}, {self.task}, {self.n_samples} samples × "
            f"{self.n_features} features{classes})"
        )

    @property
    def n_samples(self) -> int:
        """Number of rows of ``X``."""
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        """Number of columns of ``X``."""
        return self.X.shape[1]

    @property
    def n_classes(self) -> int:
        """``len(class_names)``; 0 for regression."""
        return len(self.class_names)

    def subset(self, indices, description: str | None = None) -> Dataset:
        """The rows ``indices`` (int array of shape (k,) or boolean mask of shape (n_samples,)).

        Class names are kept even when a class has no row in the subset.
        """
        return dataclasses.replace(
            self,
            X=self.X[indices],
            y=self.y[indices],
            description=self.description if description is None else description,
        )

    def split(self, test_size: float | int = 0.25, random_state: int | None = 0):
        """Shuffle and split into a training and a test set, stratified for classification.

        Parameters
        ----------
        test_size : float in (0, 1) or int in [1, n_samples - 1]
            Fraction or number of rows for the test set (rounded up, as scikit-learn does).
        random_state : int or None
            Seed of the shuffle; the same seed gives the same split.

        Returns
        -------
        train, test : Dataset
            With ``n_samples - n_test`` and ``n_test`` rows; every class keeps its share.
        """
        from sklearn.model_selection import train_test_split

        n = self.n_samples
        if _is_int(test_size):
            n_test = int(test_size)
            if not 1 <= n_test <= n - 1:
                raise DatasetError(
                    f"test_size={test_size!r} is not allowed; expected a fraction in (0, 1) "
                    f"or a number of rows in [1, {n - 1}]."
                )
        elif _is_real(test_size) and 0 < test_size < 1:
            n_test = math.ceil(test_size * n)
        else:
            raise DatasetError(
                f"test_size={test_size!r} is not allowed; expected a fraction in (0, 1) "
                f"or a number of rows in [1, {n - 1}]."
            )
        random_state = _check_random_state(random_state)
        if not 1 <= n_test <= n - 1:
            raise DatasetError(
                f"test_size={test_size!r} leaves no rows for one of the two sets "
                f"({n} rows in all); choose a fraction between {1 / n:.3g} and {1 - 1 / n:.3g}."
            )
        stratify = None
        if self.task == "classification":
            stratify = self.y
            counts = np.bincount(self.y, minlength=self.n_classes)
            present = counts[counts > 0]
            if present.min() < 2:
                lonely = [self.class_names[k] for k in np.flatnonzero(counts == 1)]
                raise DatasetError(
                    f"cannot make a stratified split: class {lonely[0]!r} has a single row; "
                    "every class needs at least 2."
                )
            if min(n_test, n - n_test) < present.size:
                raise DatasetError(
                    f"test_size={test_size!r} gives {n_test} test and {n - n_test} training "
                    f"rows, but a stratified split needs at least one row of each of the "
                    f"{present.size} classes in both; use more data or a test_size nearer 0.5."
                )
        train_idx, test_idx = train_test_split(
            np.arange(n), test_size=n_test, random_state=random_state, stratify=stratify
        )
        return (
            self.subset(np.sort(train_idx), _append(self.description, "training split")),
            self.subset(np.sort(test_idx), _append(self.description, "test split")),
        )

    def standardization(self) -> Standardization:
        """The per-feature mean and standard deviation of this dataset's ``X``."""
        scale = self.X.std(axis=0) if self.n_samples else np.ones(self.n_features)
        mean = self.X.mean(axis=0) if self.n_samples else np.zeros(self.n_features)
        scale = np.where(scale > 0, scale, 1.0)  # a constant feature maps to 0, not to NaN
        return Standardization(mean=mean, scale=scale)

    def standardized(self, test: Dataset | None = None):
        """Standardise features with statistics of *this* (training) set only.

        Parameters
        ----------
        test : Dataset or None
            Scaled with the training set's mean and standard deviation, so nothing about the
            test set leaks into training. Must have the same feature names.

        Returns
        -------
        train_std : Dataset
            Every feature has mean 0 and standard deviation 1 (constant features become 0).
        test_std : Dataset or None
            ``None`` when ``test`` is ``None``.

        Notes
        -----
        The target is left as it is. Use :meth:`standardization` to scale other points the
        same way, e.g. the grid of a decision-boundary plot.
        """
        scaling = self.standardization()
        train_std = dataclasses.replace(
            self, X=scaling.transform(self.X), description=_append(self.description, "standardised")
        )
        if test is None:
            return train_std, None
        if test.feature_names != self.feature_names:
            raise DatasetError(
                f"the test set's features {test.feature_names} differ from the training set's "
                f"{self.feature_names}."
            )
        test_std = dataclasses.replace(
            test, X=scaling.transform(test.X), description=_append(test.description, "standardised")
        )
        return train_std, test_std

    def to_frame(self):
        """A pandas DataFrame of shape (n_samples, n_features + 1): features, then the target.

        For classification the target column is categorical with the class names as categories
        (in code order), so ``frame.to_csv`` writes a file that :func:`load_csv` reads back.
        """
        import pandas as pd

        frame = pd.DataFrame(self.X, columns=list(self.feature_names))
        if self.task == "classification":
            frame[self.target_name] = pd.Categorical.from_codes(self.y, list(self.class_names))
        else:
            frame[self.target_name] = self.y
        return frame


def _append(description: str, note: str) -> str:
    return f"{description} ({note})" if description else note


# --------------------------------------------------------------------------------------------
# Parameters of generators


@dataclass(frozen=True)
class Parameter:
    """One parameter of a dataset generator.

    Attributes
    ----------
    default : object
        Used when the caller gives nothing (or ``None``).
    allowed : str
        What values are allowed, for people: ``"a float in [0, 2]"``.
    """

    default: object
    allowed: str
    check: Callable[[object], object | None] = field(repr=False, compare=False)

    def validate(self, name: str, value: object) -> object:
        """The value normalised to a Python scalar, or a DatasetError naming ``name``."""
        checked = self.check(value)
        if checked is None:
            raise DatasetError(f"{name}={value!r} is not allowed; expected {self.allowed}.")
        return checked


def _is_int(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _is_real(value) -> bool:
    return (_is_int(value) or isinstance(value, float | np.floating)) and math.isfinite(value)


def _int_in(low: int, high: int):
    def check(value):
        return int(value) if _is_int(value) and low <= value <= high else None

    return check, f"an integer in [{low}, {high}]"


def _float_in(low: float, high: float, *, open_low: bool = False, open_high: bool = False):
    def check(value):
        if not _is_real(value):
            return None
        above = value > low if open_low else value >= low
        below = value < high if open_high else value <= high
        return float(value) if above and below else None

    return (
        check,
        f"a number in {'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}",
    )


def _param(default, rule) -> Parameter:
    check, allowed = rule
    return Parameter(default=default, allowed=allowed, check=check)


def _check_random_state(random_state):
    if random_state is None or (_is_int(random_state) and 0 <= random_state < 2**32):
        return None if random_state is None else int(random_state)
    raise DatasetError(
        f"random_state={random_state!r} is not allowed; expected None or an integer in "
        f"[0, {2**32 - 1}]."
    )


# --------------------------------------------------------------------------------------------
# Generators: each returns X of shape (n_samples, n_features) and y of shape (n_samples,)


def _balanced_labels(n_samples: int, n_classes: int) -> np.ndarray:
    """Class codes with counts that differ by at most one, in class order."""
    return np.arange(n_samples) % n_classes


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray):
    order = rng.permutation(len(y))
    return X[order], y[order]


def _moons(n_samples, noise, random_state):
    from sklearn.datasets import make_moons

    return make_moons(n_samples=n_samples, noise=noise, random_state=random_state)


def _circles(n_samples, noise, random_state, factor):
    from sklearn.datasets import make_circles

    return make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=random_state)


def _blobs(n_samples, noise, random_state, n_classes, n_features):
    from sklearn.datasets import make_blobs

    return make_blobs(
        n_samples=n_samples,
        n_features=n_features,
        centers=n_classes,
        cluster_std=noise,
        random_state=random_state,
    )


def _gaussian_quantiles(n_samples, noise, random_state, n_classes, n_features):
    from sklearn.datasets import make_gaussian_quantiles

    X, y = make_gaussian_quantiles(
        n_samples=n_samples, n_features=n_features, n_classes=n_classes, random_state=random_state
    )
    # scikit-learn has no noise here; jitter after labelling blurs the shells' borders
    jitter = np.random.default_rng(random_state).normal(scale=noise, size=X.shape)
    return X + jitter, y


def _spirals(n_samples, noise, random_state, arms, turns):
    rng = np.random.default_rng(random_state)
    y = _balanced_labels(n_samples, arms)
    radius = rng.uniform(0.0, 1.0, n_samples)
    angle = 2 * np.pi * (turns * radius + y / arms)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(scale=noise, size=X.shape)
    return _shuffled(rng, X, y)


def _xor(n_samples, noise, random_state):
    rng = np.random.default_rng(random_state)
    y = _balanced_labels(n_samples, 2)
    magnitude = rng.uniform(0.0, 1.0, (n_samples, 2))
    sign_x1 = rng.choice([-1.0, 1.0], n_samples)
    # class 1 where x1·x2 > 0: same signs; class 0: opposite signs
    sign_x2 = np.where(y == 1, sign_x1, -sign_x1)
    X = magnitude * np.column_stack([sign_x1, sign_x2])
    X += rng.normal(scale=noise, size=X.shape)
    return _shuffled(rng, X, y)


def _checkerboard(n_samples, noise, random_state, tiles):
    rng = np.random.default_rng(random_state)
    y = _balanced_labels(n_samples, 2)
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


def _linear(n_samples, noise, random_state, n_features, margin):
    # scikit-learn's make_classification does not promise separable classes; this does
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


def _sine(n_samples, noise, random_state, frequency):
    rng = np.random.default_rng(random_state)
    x = rng.uniform(-3.0, 3.0, n_samples)
    y = np.sin(frequency * x) + rng.normal(scale=noise, size=n_samples)
    return x[:, None], y


def _surface(n_samples, noise, random_state):
    rng = np.random.default_rng(random_state)
    X = rng.uniform(-1.0, 1.0, (n_samples, 2))
    y = np.sin(np.pi * X[:, 0]) * np.cos(np.pi * X[:, 1]) + rng.normal(scale=noise, size=n_samples)
    return X, y


_REAL = {
    # name -> (scikit-learn loader, target column name)
    "iris": ("load_iris", "species"),
    "wine": ("load_wine", "cultivar"),
    "breast_cancer": ("load_breast_cancer", "diagnosis"),
}


def _real(name, n_samples, random_state):
    import sklearn.datasets

    loader, target_name = _REAL[name]
    bunch = getattr(sklearn.datasets, loader)()
    X, y = bunch.data, bunch.target
    if n_samples is not None and n_samples < len(y):
        from sklearn.model_selection import train_test_split

        keep, _ = train_test_split(
            np.arange(len(y)), train_size=n_samples, stratify=y, random_state=random_state
        )
        X, y = X[np.sort(keep)], y[np.sort(keep)]
    return X, y, tuple(bunch.feature_names), target_name, tuple(bunch.target_names)


# --------------------------------------------------------------------------------------------
# The registry


@dataclass(frozen=True)
class DatasetInfo:
    """What :func:`make_dataset` knows about one dataset name.

    Attributes
    ----------
    name : str
    task : {"classification", "regression"}
    description : str
        One line, for lists and tooltips.
    parameters : mapping of str to Parameter
        Every keyword :func:`make_dataset` accepts for this name, ``n_samples`` and ``noise``
        included, with its default and what is allowed.
    real : bool
        True for measured data shipped with scikit-learn (no download).
    """

    name: str
    task: str
    description: str
    parameters: Mapping[str, Parameter]
    real: bool = False
    generate: Callable | None = field(repr=False, compare=False, default=None)


_N_SAMPLES = _param(500, _int_in(MIN_PER_CLASS * 2, MAX_ROWS))
_N_CLASSES = _param(3, _int_in(2, 10))
_N_FEATURES = _param(2, _int_in(1, MAX_COLUMNS - 1))


def _toy(name, task, description, generate, noise, **params) -> DatasetInfo:
    parameters = {"n_samples": _N_SAMPLES, "noise": noise, **params}
    return DatasetInfo(name, task, description, parameters, real=False, generate=generate)


def _real_info(name, n_rows, description) -> DatasetInfo:
    parameters = {
        "n_samples": Parameter(
            None,
            f"None (all {n_rows} rows) or an integer in [{MIN_PER_CLASS * 3}, {n_rows}] "
            "(a stratified random subset)",
            _int_in(MIN_PER_CLASS * 3, n_rows)[0],
        ),
        # real data is used as measured; accepting 0 lets callers pass one noise setting to all
        "noise": Parameter(
            0.0,
            "0 (real data is used as measured)",
            lambda v: 0.0 if _is_real(v) and v == 0 else None,
        ),
    }
    return DatasetInfo(name, "classification", description, parameters, real=True, generate=None)


_REGISTRY: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        _toy("moons", "classification", "two interleaving half circles (scikit-learn make_moons)",
             _moons, _param(0.2, _float_in(0, 2))),
        _toy("circles", "classification",
             "a small circle inside a larger one (scikit-learn make_circles)",
             _circles, _param(0.1, _float_in(0, 2)),
             factor=_param(0.5, _float_in(0, 1, open_low=True, open_high=True))),
        _toy("blobs", "classification",
             "one Gaussian blob per class, noise = its spread (scikit-learn make_blobs)",
             _blobs, _param(1.0, _float_in(0, 20)), n_classes=_N_CLASSES, n_features=_N_FEATURES),
        _toy("spirals", "classification", "interleaved spiral arms, one per class",
             _spirals, _param(0.05, _float_in(0, 1)),
             arms=_param(2, _int_in(2, 10)), turns=_param(1.0, _float_in(0, 5, open_low=True))),
        _toy("xor", "classification", "four quadrants labelled by the sign of x1·x2",
             _xor, _param(0.05, _float_in(0, 2))),
        _toy("checkerboard", "classification", "a board of tiles × tiles squares in two colours",
             _checkerboard, _param(0.0, _float_in(0, 2)), tiles=_param(4, _int_in(2, 16))),
        _toy("gaussian_quantiles", "classification",
             "nested Gaussian shells cut at quantiles (scikit-learn make_gaussian_quantiles)",
             _gaussian_quantiles, _param(0.0, _float_in(0, 5)),
             n_classes=_param(2, _int_in(2, 10)), n_features=_N_FEATURES),
        _toy("linear", "classification",
             "two classes split by a random hyperplane, with a gap of width margin",
             _linear, _param(0.0, _float_in(0, 2)),
             n_features=_N_FEATURES, margin=_param(0.2, _float_in(0, 2))),
        _toy("sine", "regression", "1-D regression: y = sin(frequency·x) + noise, x in [-3, 3]",
             _sine, _param(0.1, _float_in(0, 5)),
             frequency=_param(1.0, _float_in(0, 10, open_low=True))),
        _toy("surface", "regression",
             "2-D regression: y = sin(π·x1)·cos(π·x2) + noise on [-1, 1]²",
             _surface, _param(0.05, _float_in(0, 5))),
        _real_info("iris", 150, "Fisher's iris: 150 flowers, 4 measurements, 3 species (real)"),
        _real_info("wine", 178, "178 Italian wines, 13 chemical measurements, 3 cultivars (real)"),
        _real_info("breast_cancer", 569,
                   "569 breast tumour biopsies, 30 features, malignant or benign (real)"),
    )
}  # fmt: skip

DATASETS: tuple[str, ...] = tuple(_REGISTRY)
"""Every name :func:`make_dataset` accepts."""


def dataset_info(name: str) -> DatasetInfo:
    """Task, description and parameters (defaults, what is allowed) of a dataset name."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise DatasetError(
            f"name={name!r} is not a dataset; expected one of {', '.join(DATASETS)}."
        ) from None


def make_dataset(
    name: str,
    n_samples: int | None = None,
    noise: float | None = None,
    random_state: int | None = None,
    **params,
) -> Dataset:
    """Generate a toy dataset or load one of scikit-learn's small real datasets.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`.
    n_samples : int or None
        Number of rows; ``None`` means the dataset's default (500 for generators, every row for
        real data, where an integer picks a stratified random subset).
    noise : float or None
        Standard deviation of Gaussian noise: added to the coordinates of classification
        generators (after labelling, so points may cross the boundary), the spread of each blob
        for ``blobs``, added to the target for regression. ``None`` means the dataset's default;
        real data only accepts 0.
    random_state : int or None
        Seed; a fixed seed gives bit-identical data. ``None`` draws fresh data each call.
    **params
        Dataset-specific, e.g. ``n_classes`` (blobs), ``arms`` and ``turns`` (spirals).
        See ``dataset_info(name).parameters`` or ``reluscope datasets NAME``.

    Returns
    -------
    Dataset
        ``X`` of shape (n_samples, n_features); ``y`` of shape (n_samples,), class codes with
        balanced classes for classification generators, floats for regression.

    Raises
    ------
    DatasetError
        For an unknown name or parameter, or a value outside what is allowed.
    """
    info = dataset_info(name)
    unknown = sorted(set(params) - set(info.parameters))
    if unknown:
        raise DatasetError(
            f"{unknown[0]}={params[unknown[0]]!r} is not a parameter of {name!r}; it accepts "
            f"{', '.join(info.parameters)} (and random_state)."
        )
    given = {"n_samples": n_samples, "noise": noise, **params}
    values = {
        key: parameter.default if given.get(key) is None else parameter.validate(key, given[key])
        for key, parameter in info.parameters.items()
    }
    random_state = _check_random_state(random_state)
    if info.real:
        X, y, feature_names, target_name, class_names = _real(
            name, values["n_samples"], random_state
        )
        described = f"{info.description}; scikit-learn {name}"
        if values["n_samples"] is not None:
            described += f", stratified subset of {values['n_samples']} rows"
        return Dataset(X, y, info.task, feature_names, target_name, class_names, name, described)
    n_classes = values.get("n_classes", values.get("arms", 2))
    if info.task == "classification" and values["n_samples"] < MIN_PER_CLASS * n_classes:
        raise DatasetError(
            f"n_samples={values['n_samples']} is too small for {n_classes} classes; expected at "
            f"least {MIN_PER_CLASS * n_classes} ({MIN_PER_CLASS} per class)."
        )
    X, y = info.generate(random_state=random_state, **values)
    settings = ", ".join(f"{key}={value!r}" for key, value in values.items())
    described = f"{info.description}; {settings}, random_state={random_state!r}"
    n_features = X.shape[1]
    feature_names = ("x",) if n_features == 1 else tuple(f"x{j + 1}" for j in range(n_features))
    if info.task == "classification":
        return Dataset(X, y, info.task, feature_names, "label",
                       tuple(str(k) for k in range(n_classes)), name, described)  # fmt: skip
    return Dataset(X, y, info.task, feature_names, "y", (), name, described)


# --------------------------------------------------------------------------------------------
# Bundled CSV files

_BUNDLED_DESCRIPTIONS = {
    "iris": "Fisher's iris measurements, 150 rows × 4 features, 3 species (real)",
    "three_spirals": "three noisy spiral arms, 600 rows × 2 features (generated)",
    "noisy_surface": "2-D regression surface sin(π·x1)·cos(π·x2) with noise, 400 rows (generated)",
}


def bundled_datasets() -> dict[str, Path]:
    """Name (file stem) -> path of every ``data/*.csv``, sorted by name."""
    return {path.stem: path for path in sorted(DATA_DIR.glob("*.csv"))}


BUNDLED: dict[str, Path] = bundled_datasets()
"""The bundled CSV files at import time: name -> path (see ``data/README.md``)."""


def bundled_description(name: str) -> str:
    """One line on a bundled CSV file: what it holds and where it came from."""
    return _BUNDLED_DESCRIPTIONS.get(name, f"data/{name}.csv")


def load_bundled(name: str) -> Dataset:
    """Load ``data/<name>.csv`` with :func:`load_csv` defaults; see :data:`BUNDLED` for names."""
    paths = bundled_datasets()
    if name not in paths:
        raise DatasetError(
            f"name={name!r} is not a bundled CSV file; expected one of "
            f"{', '.join(paths) or '(none)'}."
        )
    data = load_csv(paths[name])
    return dataclasses.replace(data, description=bundled_description(name))


# --------------------------------------------------------------------------------------------
# A dataset choice: what the dashboard, `reluscope train` and sweeps name by one string


def from_choice(
    name: str,
    n_samples: int | None = None,
    noise: float | None = None,
    random_state: int | None = None,
) -> Dataset:
    """The dataset a settings choice names: a generator, a real dataset or ``csv:NAME``.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`, or :data:`BUNDLED_PREFIX` followed by a name of
        :func:`bundled_datasets`. (An uploaded file is not a choice: read it with
        :func:`load_csv`.)
    n_samples, noise, random_state
        Passed to :func:`make_dataset` for a generator. Real datasets are used as measured —
        every row, no noise — and bundled files as they are; for them these are ignored, so
        one set of settings serves every kind of dataset.

    Raises
    ------
    DatasetError
        For an unknown name, or a generator parameter outside what is allowed.

    >>> from_choice("iris", n_samples=50, noise=0.2).n_samples
    150
    """
    if isinstance(name, str) and name.startswith(BUNDLED_PREFIX):
        return load_bundled(name.removeprefix(BUNDLED_PREFIX))
    if dataset_info(name).real:
        return make_dataset(name, noise=0.0)
    return make_dataset(name, n_samples=n_samples, noise=noise, random_state=random_state)


# --------------------------------------------------------------------------------------------
# Users' CSV files


def load_csv(
    path_or_buffer,
    target: str | None = None,
    task: str | None = None,
    *,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    max_bytes: int = MAX_BYTES,
) -> Dataset:
    """Read a CSV file with a header line into a :class:`Dataset`, or say exactly what is wrong.

    Separators ``,`` ``;`` tab and ``|`` are detected, as are quoted fields, Windows or old Mac
    newlines, UTF-8 with or without BOM, UTF-16 with BOM and (as a fallback) Windows-1252. With a
    separator other than a comma, decimal commas (``1,5``) are read as numbers. Blank lines and
    rows of empty cells are skipped. Cells ``""``, ``NA``, ``N/A``, ``nan``, ``null``, ``None``
    and ``?`` count as missing.

    Parameters
    ----------
    path_or_buffer : str, os.PathLike, bytes or file-like
        A path, the file's bytes, or an object with ``read()`` (binary or text), such as
        Streamlit's ``UploadedFile``; its ``name`` becomes the dataset's name.
    target : str or None
        The target column; ``None`` means the last column. Every other column is a feature and
        must be numeric.
    task : {"classification", "regression"} or None
        ``None`` infers it: text labels, or integers with at most 20 distinct values, mean
        classification; anything else regression.
    max_rows, max_columns, max_bytes : int
        Caps on data rows, columns (target included) and file size.

    Returns
    -------
    Dataset
        ``X`` of shape (n_rows, n_columns - 1) in file order, ``y`` of shape (n_rows,). Class
        names are the labels as written, sorted (numerically when they are numbers).

    Raises
    ------
    DatasetError
        The only exception: empty file, header only, fewer than 10 rows, ragged rows, not a text
        CSV, non-numeric features, unknown target, missing or infinite values, a single class, a
        class with one row, a constant target, or more rows, columns or bytes than the caps.
    """
    try:
        return _load_csv(path_or_buffer, target, task, max_rows, max_columns, max_bytes)
    except DatasetError:
        raise
    except Exception as error:
        # the promise to users is "a Dataset or a DatasetError"; tests look for this wording
        raise DatasetError(
            f"could not read the file (internal error: {type(error).__name__}: {error})."
        ) from error


def _load_csv(source, target, task, max_rows, max_columns, max_bytes) -> Dataset:
    for key, value in (("max_rows", max_rows), ("max_columns", max_columns),
                       ("max_bytes", max_bytes)):  # fmt: skip
        if not (_is_int(value) and value >= 1):
            raise DatasetError(f"{key}={value!r} is not allowed; expected a positive integer.")
    if target is not None and not isinstance(target, str):
        raise DatasetError(f"target={target!r} is not allowed; expected a column name or None.")
    if task is not None and task not in TASKS:
        raise DatasetError(f"task={task!r} is not allowed; expected None or one of {TASKS}.")
    raw, file_name = _read_bytes(source, max_bytes)
    text = _decode(raw)
    if not text.strip():
        raise DatasetError("the file is empty; expected a header line and rows of values.")
    separator = _sniff_separator(text)
    table = _read_table(text, separator, target, max_rows, max_columns)
    if table.not_numeric:
        bad = [f"{name!r} (line {line}: {cell!r})"
               for name, (line, cell) in table.not_numeric.items()]  # fmt: skip
        raise DatasetError(
            f"feature columns must hold numbers, but {_listing(bad, 5)} "
            f"{'does' if len(bad) == 1 else 'do'} not. Remove those columns, encode them as "
            "numbers, or choose one of them as the target."
        )
    numbers = _numeric_target(table, task, decimal_comma=separator != ",")
    task = task or _infer_task(numbers)
    if task == "regression":
        y, class_names = _regression_target(table, numbers), ()
    else:
        y, class_names = _classification_target(table, numbers)
    origin = f"'{file_name}'" if file_name else "an uploaded file"
    return Dataset(
        table.X, y, task, table.feature_names, table.target, class_names,
        name=Path(file_name).stem if file_name else "uploaded",
        description=f"{task} on {len(y)} rows × {len(table.feature_names)} features from "
        f"{origin} ({_SEPARATOR_NAMES[separator]}-separated)",
    )  # fmt: skip


def _numeric_target(table: _Table, task, decimal_comma: bool) -> np.ndarray | None:
    """The target's values of shape (n_rows,) if they are all numbers, else None (text labels).

    Also checks every column for missing, infinite and huge values.
    """
    labels = table.target_cells
    numbers, text_cells = _parse_numbers(labels, decimal_comma)
    if task == "regression" and text_cells:
        first = text_cells[0]
        raise DatasetError(
            f"task='regression' needs a numeric target, but {table.target!r} holds text such as "
            f"{labels[first]!r} (line {table.lines[first]})."
        )
    columns = {name: table.X[:, j] for j, name in enumerate(table.feature_names)}
    columns[table.target] = (
        np.where([cell.lower() in _MISSING for cell in labels], np.nan, 0.0) if text_cells
        else numbers
    )  # fmt: skip
    _check_finite(columns, table.lines)
    return None if text_cells else numbers


def _infer_task(numbers: np.ndarray | None) -> str:
    """Text labels, or few distinct integers, make a classification target."""
    if numbers is None:
        return "classification"
    few_integers = (
        np.all(numbers == np.round(numbers)) and np.unique(numbers).size <= MAX_INFERRED_CLASSES
    )
    return "classification" if few_integers else "regression"


def _regression_target(table: _Table, numbers: np.ndarray) -> np.ndarray:
    if np.ptp(numbers) == 0:
        raise DatasetError(
            f"the target {table.target!r} is constant (every value is "
            f"{table.target_cells[0]}); there is nothing to learn. Choose another target column."
        )
    return numbers


def _classification_target(table: _Table, numbers: np.ndarray | None):
    """int64 codes of shape (n_rows,) and the class names: labels as written, sorted."""
    if numbers is not None:  # numeric order, so that 2 comes before 10
        uniques, codes = np.unique(numbers, return_inverse=True)
        class_names = tuple(_format_number(float(v)) for v in uniques)
    else:
        uniques, codes = np.unique(np.array(table.target_cells, dtype=str), return_inverse=True)
        class_names = tuple(str(v) for v in uniques)
    target = table.target
    if len(class_names) == 1:
        raise DatasetError(
            f"the target {target!r} has a single class ({class_names[0]!r}); classification "
            "needs at least two. Choose another target column."
        )
    if len(class_names) > MAX_CLASSES:
        hint = " If it is a measurement, pass task='regression'." if numbers is not None else ""
        raise DatasetError(
            f"the target {target!r} has {len(class_names)} distinct labels; classification "
            f"allows at most {MAX_CLASSES}. Is it an identifier rather than a class?{hint}"
        )
    counts = np.bincount(codes, minlength=len(class_names))
    lonely = np.flatnonzero(counts < 2)
    if lonely.size:
        line = table.lines[int(np.argmax(codes == lonely[0]))]
        others = f" (and {lonely.size - 1} more classes too)" if lonely.size > 1 else ""
        raise DatasetError(
            f"class {class_names[lonely[0]]!r} of the target {target!r} has a single row "
            f"(line {line}){others}; every class needs at least 2 rows for a stratified "
            "train/test split. Fix the label, remove the row, or pass task='regression' if the "
            "target is a measurement."
        )
    return codes, class_names


def _read_bytes(source, max_bytes: int) -> tuple[bytes, str | None]:
    """The raw content (at most ``max_bytes``) and a file name if there is one."""
    too_big = DatasetError(
        f"the file is larger than max_bytes={max_bytes} ({max_bytes / 2**20:.3g} MiB); "
        "use a smaller sample of rows."
    )
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise too_big
        return data, None
    if isinstance(source, str | os.PathLike):
        try:
            path = Path(source)
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except FileNotFoundError:
            hint = " (to parse CSV text, pass io.StringIO(text))" if "\n" in str(source) else ""
            raise DatasetError(f"no such file: {str(source)!r}{hint}.") from None
        except IsADirectoryError:
            raise DatasetError(f"{str(source)!r} is a directory, not a CSV file.") from None
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or error
            raise DatasetError(f"could not open {str(source)!r}: {reason}.") from None
        if len(data) > max_bytes:
            raise too_big
        return data, path.name
    if hasattr(source, "read"):
        try:
            # BytesIO (Streamlit's UploadedFile too) gives its whole content whatever its position
            data = source.getvalue() if hasattr(source, "getvalue") else source.read(max_bytes + 1)
        except (OSError, ValueError) as error:
            raise DatasetError(f"could not read the uploaded file: {error}.") from None
        if isinstance(data, str):
            data = data.encode("utf-8", errors="surrogatepass")
        if not isinstance(data, bytes | bytearray):
            raise DatasetError(f"reading the upload gave {type(data).__name__}, not bytes or text.")
        if len(data) > max_bytes:
            raise too_big
        name = getattr(source, "name", None)
        return bytes(data), Path(name).name if isinstance(name, str) and name else None
    raise DatasetError(
        f"path_or_buffer of type {type(source).__name__} is not allowed; expected a path, "
        "bytes or a file-like object."
    )


def _decode(raw: bytes) -> str:
    """Text of the file, or a DatasetError saying why it is not a text CSV."""
    for magic, kind in _MAGIC.items():
        if raw.startswith(magic):
            raise DatasetError(
                f"this is {kind}, not a CSV text file. Export or save it as CSV (UTF-8) first."
            )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DatasetError(
                f"the file starts like UTF-16 text but byte {error.start} is not valid UTF-16; "
                "save it as CSV (UTF-8)."
            ) from None
    else:
        text = _decode_8bit(raw)
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise DatasetError(
            f"this does not look like a CSV text file: line {line} contains the control "
            f"character U+{ord(control.group()):04X}. Export or save it as CSV (UTF-8)."
        )
    return text


def _decode_8bit(raw: bytes) -> str:
    if b"\x00" in raw:
        raise DatasetError(
            "this looks like a binary file (it contains NUL bytes), not a CSV text file. "
            "Export or save it as CSV (UTF-8)."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            # Excel on Windows still saves "CSV" in this encoding
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            line = raw[: utf8_error.start].count(b"\n") + 1
            raise DatasetError(
                f"the file is not UTF-8 text: byte 0x{raw[utf8_error.start]:02x} on line {line} "
                "cannot be decoded. Save it as CSV (UTF-8)."
            ) from None
    return text.removeprefix("\ufeff")


def csv_columns(raw: bytes) -> tuple[str, ...]:
    """The column names of a CSV file's header line, read exactly as :func:`load_csv` reads them.

    For a column picker: the encoding (UTF-8, UTF-16 with BOM, Windows-1252) and the separator
    are detected from the content like the loader does, so any name returned here is a valid
    ``target`` of ``load_csv`` on the same bytes.

    Raises
    ------
    DatasetError
        When the bytes are not a text CSV file or its header line is not usable (no header,
        a single column, unnamed or repeated names, more than :data:`MAX_COLUMNS` columns).

    >>> csv_columns("größe;länge;art\\n1,5;2;x\\n".encode("utf-16"))
    ('größe', 'länge', 'art')
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise DatasetError(f"raw of type {type(raw).__name__} is not allowed; expected bytes.")
    text = _decode(bytes(raw))
    if not text.strip():
        raise DatasetError("the file is empty; expected a header line and rows of values.")
    reader = _reader(text, _sniff_separator(text))
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cells):
                names, _ = _read_header(cells, None, MAX_COLUMNS)
                return tuple(names)
    except csv.Error as error:
        raise DatasetError(
            f"could not parse line {reader.line_num}: {error}. Check the quoting."
        ) from None
    raise DatasetError("the file has no values, only separators and blank lines.")


def _reader(text: str, separator: str):
    return csv.reader(
        io.StringIO(text, newline=""), delimiter=separator, quotechar='"', skipinitialspace=True
    )


def _sniff_separator(text: str) -> str:
    """The candidate separator that splits the first lines into the most, consistent fields."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample  # drop a line cut in half
    best, best_score = ",", None
    for separator in _SEPARATORS:
        counts = []
        try:
            for row in _reader(sample, separator):
                if any(cell.strip() for cell in row):
                    counts.append(len(row))
                if len(counts) >= _SNIFF_ROWS:
                    break
        except csv.Error:
            continue
        if not counts:
            continue
        header = counts[0]
        consistent = all(count == header for count in counts)
        agreeing = sum(count == header for count in counts) / len(counts)
        score = (header > 1 and consistent, header > 1, agreeing, header)
        if best_score is None or score > best_score:
            best, best_score = separator, score
    return best


@dataclass
class _Table:
    """A CSV file's data, read row by row into floats so that no table of strings is kept."""

    feature_names: list[str]
    target: str
    X: np.ndarray  # (n_rows, n_features) float64; NaN where missing or not a number
    target_cells: list[str]  # (n_rows,) as written
    lines: list[int]  # (n_rows,) line in the file where each row starts
    not_numeric: dict[str, tuple[int, str]]  # feature -> (line, cell) of its first text cell


def _read_table(text: str, separator: str, target, max_rows: int, max_columns: int) -> _Table:
    reader = _reader(text, separator)
    decimal_comma = separator != ","
    header: list[str] | None = None
    values = array("d")
    target_cells: list[str] = []
    lines: list[int] = []
    ragged: list[tuple[int, int]] = []  # (line, number of fields) of rows of the wrong width
    not_numeric: dict[int, tuple[int, str]] = {}
    n_rows = end = 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue  # blank lines and Excel's trailing ";;;" rows
            if any("\n" in cell or "\r" in cell for cell in cells):
                raise DatasetError(
                    f"a quoted field starting on line {start} runs over several lines; "
                    'check for a missing closing quote (").'
                )
            if header is None:
                header, target_index = _read_header(cells, target, max_columns)
                width = len(header)
                continue
            n_rows += 1
            if n_rows > max_rows:
                raise DatasetError(
                    f"the file has more than max_rows={max_rows} data rows; use a sample of "
                    "at most that many."
                )
            if len(cells) != width:
                if len(cells) < width or any(cells[width:]):
                    ragged.append((start, len(cells)))
                    continue
                cells = cells[:width]  # trailing empty fields (a separator at the end) hold nothing
            target_cells.append(cells.pop(target_index))
            lines.append(start)
            try:
                values.extend(list(map(float, cells)))
            except ValueError:
                for j, cell in enumerate(cells):
                    number = _to_number(cell, decimal_comma)
                    if number is None:
                        not_numeric.setdefault(j, (start, cell))
                    values.append(math.nan if number is None else number)
    except csv.Error as error:
        raise DatasetError(
            f"could not parse line {reader.line_num}: {error}. Check the quoting."
        ) from None
    if header is None:
        raise DatasetError("the file has no values, only separators and blank lines.")
    if not n_rows:
        raise DatasetError(f"the file has a header line ({', '.join(header)}) but no data rows.")
    if ragged:
        (line, fields), where = ragged[0], ", ".join(str(line) for line, _ in ragged[:5])
        raise DatasetError(
            f"ragged rows: line {line} has {fields} fields but the header has {width} "
            f"({len(ragged)} of {n_rows} rows differ, on lines {where}"
            f"{' …' if len(ragged) > 5 else ''}). The separator looks like "
            f"{_SEPARATOR_NAMES[separator]}; check for unquoted separators in values and for "
            "missing or extra fields."
        )
    if n_rows < MIN_ROWS:
        raise DatasetError(
            f"the file has only {n_rows} data row{'s' if n_rows > 1 else ''}; at least "
            f"{MIN_ROWS} are needed to train and test a model."
        )
    target_name = header[target_index]
    feature_names = [name for j, name in enumerate(header) if j != target_index]
    return _Table(
        feature_names=feature_names,
        target=target_name,
        X=np.frombuffer(values, dtype=np.float64).reshape(n_rows, len(feature_names)),
        target_cells=target_cells,
        lines=lines,
        not_numeric={feature_names[j]: first for j, first in sorted(not_numeric.items())},
    )


def _read_header(cells: list[str], target, max_columns: int) -> tuple[list[str], int]:
    """Check the column names; return them and the target's index.

    Trailing empty names (a separator at the end of every line, as some spreadsheets write)
    are dropped; their columns must then be empty too.
    """
    width = len(cells)
    while width > 1 and not cells[width - 1]:
        width -= 1
    if width > max_columns:
        raise DatasetError(
            f"the file has {width} columns; at most max_columns={max_columns} are allowed."
        )
    if all(_to_number(cell, False) is not None and cell for cell in cells):
        raise DatasetError(
            f"the first line ({', '.join(cells)}) looks like data, not column names: add a "
            "header line naming the columns, e.g. x1,x2,label."
        )
    names = cells[:width]
    if width < 2:
        raise DatasetError(
            f"the file has a single column ({names[0]!r}); a dataset needs at least one feature "
            "column and a target column, separated by commas, semicolons, tabs or |."
        )
    if "" in names:
        raise DatasetError(
            f"column {names.index('') + 1} has no name in the header line; name every column."
        )
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        if name in seen:
            raise DatasetError(
                f"the column name {name!r} appears twice (columns {seen[name] + 1} and {j + 1}); "
                "column names must be distinct."
            )
        seen[name] = j
    target = names[-1] if target is None else target
    if target not in seen:
        import difflib  # only needed for this message

        close = difflib.get_close_matches(target, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise DatasetError(
            f"target={target!r} is not a column of the file; the columns are "
            f"{', '.join(repr(name) for name in names)}.{hint}"
        )
    return names, seen[target]


def _to_number(cell: str, decimal_comma: bool) -> float | None:
    """The cell's value, NaN if it marks a missing value, None if it is text."""
    try:
        return float(cell)
    except ValueError:
        pass
    if cell.lower() in _MISSING:
        return math.nan
    if decimal_comma and cell.count(",") == 1:
        try:
            return float(cell.replace(",", "."))
        except ValueError:
            pass
    return None


def _parse_numbers(cells: list[str], decimal_comma: bool) -> tuple[np.ndarray, list[int]]:
    """float64 values of shape (len(cells),) with NaN where missing, and indices of text cells."""
    try:
        return np.fromiter(map(float, cells), np.float64, count=len(cells)), []
    except ValueError:
        pass
    numbers = [_to_number(cell, decimal_comma) for cell in cells]
    not_numbers = [k for k, number in enumerate(numbers) if number is None]
    return np.array([math.nan if n is None else n for n in numbers], dtype=np.float64), not_numbers


def _check_finite(columns: dict[str, np.ndarray], lines: list[int]) -> None:
    """DatasetError counting and locating missing, infinite and overly large values."""
    problems = []
    for kind, test in (
        ("missing", np.isnan),
        ("infinite", np.isinf),
        (f"larger than {MAX_ABS_VALUE:g} in magnitude",
         lambda v: np.abs(np.nan_to_num(v, posinf=0, neginf=0)) > MAX_ABS_VALUE),
    ):  # fmt: skip
        count = 0
        places = []
        for name, values in columns.items():
            hits = np.flatnonzero(test(values))
            if hits.size:
                count += hits.size
                shown = ", ".join(str(lines[k]) for k in hits[:3])
                more = f" and {hits.size - 3} more" if hits.size > 3 else ""
                places.append(f"{name!r} on line{'s' if hits.size > 1 else ''} {shown}{more}")
        if count:
            problems.append(
                f"{count} {kind} value{'s' if count > 1 else ''} ({_listing(places, 3)})"
            )
    if problems:
        raise DatasetError(
            f"the file has {'; '.join(problems)}. Remove or fill those rows, then load it again."
        )


def _listing(items: list[str], limit: int) -> str:
    shown = items[:limit] + ([f"{len(items) - limit} more"] if len(items) > limit else [])
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(float(value))
