"""The :class:`Dataset` container: features, target, names; its split and its standardisation.

Every way of making data (generators, scikit-learn's real datasets, CSV files) ends in a
``Dataset``, and every problem with one is a :class:`~reluscope.errors.DatasetError` naming its
field and value.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from reluscope.errors import DatasetError, InvalidParameterError
from reluscope.validation import check_choice, check_integer, check_real

__all__ = ["TASKS", "Dataset", "Standardization"]

TASKS = ("classification", "regression")


def checked(check: Callable, name: str, value, *args, field: str | None = None, **kwargs):
    """``check(name, value, ...)`` from :mod:`reluscope.validation`, failing as a DatasetError.

    The error keeps the check's message and value; its field is ``field`` (default ``name``),
    the settings field the user knows when it differs from the argument's name.
    """
    try:
        return check(name, value, *args, **kwargs)
    except InvalidParameterError as error:
        raise DatasetError(str(error), field=field or error.field, value=error.value) from None


def check_seed(value) -> int | None:
    """A data seed: ``None`` (fresh data each call) or an integer in [0, 2**32 - 1]."""
    if value is None:
        return None
    return checked(check_integer, "random_state", value, 0, 2**32 - 1, exact=True,
                   allowed=f"None or an integer in [0, {2**32 - 1}]")  # fmt: skip


def appended(description: str, note: str) -> str:
    """``description`` with ``note`` in brackets after it, or ``note`` alone."""
    return f"{description} ({note})" if description else note


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


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features, target and the names that go with them.

    Arrays are converted on construction and made read-only: ``X`` to float64, ``y`` to int64
    class codes 0..C-1 (classification) or float64 (regression). For classification ``y`` may
    also be given as arbitrary labels with ``class_names`` left empty; the labels are then
    sorted and encoded (scikit-learn's ``LabelEncoder``).

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

    Raises
    ------
    DatasetError
        Naming the field at fault (``"task"``, ``"X"``, ``"y"``, ``"feature_names"``,
        ``"target_name"``, ``"class_names"``).
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
        checked(check_choice, "task", self.task, TASKS, allowed=f"one of {TASKS}")
        X = np.array(self.X, dtype=np.float64, order="C")
        if X.ndim != 2:
            raise DatasetError(
                f"X must be 2-D (n_samples, n_features); got shape {X.shape}.",
                field="X", value=X.shape,
            )  # fmt: skip
        y = np.asarray(self.y)
        if y.shape != (X.shape[0],):
            raise DatasetError(
                f"y must have shape ({X.shape[0]},) to match X {X.shape}; got {y.shape}.",
                field="y", value=y.shape,
            )  # fmt: skip
        feature_names = tuple(str(n) for n in self.feature_names)
        if not np.isfinite(X).all():
            bad = np.count_nonzero(~np.isfinite(X))
            raise DatasetError(f"X has {bad} non-finite values.", field="X", value=bad)
        if len(feature_names) != X.shape[1]:
            raise DatasetError(
                f"{len(feature_names)} feature names for {X.shape[1]} feature columns.",
                field="feature_names", value=feature_names,
            )  # fmt: skip
        if len(set(feature_names)) != len(feature_names) or self.target_name in feature_names:
            raise DatasetError(
                f"feature and target names must be distinct; got {feature_names} "
                f"and target {self.target_name!r}.",
                field="feature_names", value=feature_names,
            )  # fmt: skip
        class_names = tuple(str(n) for n in self.class_names)
        if self.task == "classification":
            if not class_names:
                y, labels = encode_labels(y)
                class_names = tuple(str(label) for label in labels)
            elif len(set(class_names)) != len(class_names):
                raise DatasetError(
                    f"class names must be distinct; got {class_names}.",
                    field="class_names", value=class_names,
                )  # fmt: skip
            elif y.size and (
                not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= len(class_names)
            ):
                raise DatasetError(
                    f"y must hold integer codes 0..{len(class_names) - 1} for the classes "
                    f"{class_names}.",
                    field="y", value=None,
                )  # fmt: skip
            y = np.array(y, dtype=np.int64)
        else:
            if class_names:
                raise DatasetError(
                    "class_names must be empty for a regression dataset.",
                    field="class_names", value=class_names,
                )  # fmt: skip
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

        Raises
        ------
        DatasetError
            With field ``"test_size"`` or ``"random_state"`` for a value outside what is
            allowed, ``"y"`` for a class too small to stratify.
        """
        from sklearn.model_selection import train_test_split

        n_test = self._n_test(test_size)
        random_state = check_seed(random_state)
        stratify = None
        if self.task == "classification":
            stratify = self.y
            counts = np.bincount(self.y, minlength=self.n_classes)
            present = counts[counts > 0]
            if present.min() < 2:
                lonely = [self.class_names[k] for k in np.flatnonzero(counts == 1)]
                raise DatasetError(
                    f"cannot make a stratified split: class {lonely[0]!r} has a single row; "
                    "every class needs at least 2.",
                    field="y", value=lonely[0],
                )  # fmt: skip
            if min(n_test, self.n_samples - n_test) < present.size:
                raise DatasetError(
                    f"test_size={test_size!r} gives {n_test} test and {self.n_samples - n_test} "
                    f"training rows, but a stratified split needs at least one row of each of "
                    f"the {present.size} classes in both; use more data or a test_size nearer "
                    "0.5.",
                    field="test_size", value=test_size,
                )  # fmt: skip
        train_idx, test_idx = train_test_split(
            np.arange(self.n_samples), test_size=n_test, random_state=random_state,
            stratify=stratify,
        )  # fmt: skip
        return (
            self.subset(np.sort(train_idx), appended(self.description, "training split")),
            self.subset(np.sort(test_idx), appended(self.description, "test split")),
        )

    def _n_test(self, test_size) -> int:
        """The number of test rows ``test_size`` (a count or a fraction) asks for."""
        n = self.n_samples
        allowed = f"a fraction in (0, 1) or a number of rows in [1, {n - 1}]"
        if isinstance(test_size, Integral) and not isinstance(test_size, bool):
            return checked(check_integer, "test_size", test_size, 1, n - 1, allowed=allowed)
        fraction = checked(check_real, "test_size", test_size, 0.0, 1.0, low_open=True,
                           high_open=True, allowed=allowed)  # fmt: skip
        n_test = math.ceil(fraction * n)
        if not 1 <= n_test <= n - 1:
            raise DatasetError(
                f"test_size={test_size!r} leaves no rows for one of the two sets "
                f"({n} rows in all); choose a fraction between {1 / n:.3g} and {1 - 1 / n:.3g}.",
                field="test_size", value=test_size,
            )  # fmt: skip
        return n_test

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
            test set leaks into training. Must have the same feature names (else a
            DatasetError with field ``"test"``).

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
            self, X=scaling.transform(self.X),
            description=appended(self.description, "standardised"),
        )  # fmt: skip
        if test is None:
            return train_std, None
        if test.feature_names != self.feature_names:
            raise DatasetError(
                f"the test set's features {test.feature_names} differ from the training set's "
                f"{self.feature_names}.",
                field="test", value=test.feature_names,
            )  # fmt: skip
        test_std = dataclasses.replace(
            test, X=scaling.transform(test.X),
            description=appended(test.description, "standardised"),
        )  # fmt: skip
        return train_std, test_std

    def to_frame(self):
        """A pandas DataFrame of shape (n_samples, n_features + 1): features, then the target.

        For classification the target column is categorical with the class names as categories
        (in code order), so ``frame.to_csv`` writes a file that
        :func:`~reluscope.datasets.load_csv` reads back.
        """
        import pandas as pd

        frame = pd.DataFrame(self.X, columns=list(self.feature_names))
        if self.task == "classification":
            frame[self.target_name] = pd.Categorical.from_codes(self.y, list(self.class_names))
        else:
            frame[self.target_name] = self.y
        return frame


def encode_labels(labels) -> tuple[np.ndarray, np.ndarray]:
    """Class codes of shape (n,) and the sorted distinct labels of shape (C,) they index.

    ``labels`` is array-like of shape (n,): numbers (sorted numerically) or strings.
    """
    from sklearn.preprocessing import LabelEncoder

    encoder = LabelEncoder()
    codes = encoder.fit_transform(labels)
    return codes, encoder.classes_
