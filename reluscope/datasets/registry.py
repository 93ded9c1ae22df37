"""The generator registry: every dataset name :func:`make_dataset` knows, with its parameters.

A name is a toy generator (:mod:`reluscope.datasets.generators`) or one of scikit-learn's small
real datasets. Each parameter carries its default and what is allowed, checked by
:mod:`reluscope.validation`; a bad value is a :class:`~reluscope.errors.DatasetError` whose
``field`` is the parameter (``"dataset"`` for the name itself).

To add a dataset: write its generator in ``generators.py`` and give it a line in ``_REGISTRY``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from reluscope.datasets import generators
from reluscope.datasets.container import Dataset, check_seed, checked
from reluscope.datasets.limits import MAX_COLUMNS, MAX_ROWS, MIN_PER_CLASS
from reluscope.errors import DatasetError
from reluscope.validation import check_choice, check_integer, check_real

__all__ = ["DATASETS", "DatasetInfo", "Parameter", "dataset_info", "make_dataset"]


@dataclass(frozen=True)
class Parameter:
    """One parameter of a dataset generator.

    Attributes
    ----------
    default : object
        Used when the caller gives nothing (or ``None``).
    allowed : str
        What values are allowed, for people: ``"a number in [0, 2]"``.
    check : callable
        ``check(name, value)``: the value normalised to a Python scalar, or an
        :class:`~reluscope.errors.InvalidParameterError` (a check of :mod:`reluscope.validation`).
    """

    default: object
    allowed: str
    check: Callable[[str, object], object] = field(repr=False, compare=False)

    def validate(self, name: str, value: object) -> object:
        """The value normalised to a Python scalar, or a DatasetError with ``field=name``."""
        return checked(self.check, name, value)


def _integer(default, low: int, high: int, allowed: str | None = None) -> Parameter:
    allowed = allowed or f"an integer in [{low}, {high}]"
    check = partial(check_integer, low=low, high=high, exact=True, allowed=allowed)
    return Parameter(default, allowed, check)


def _number(default, low: float, high: float, *, low_open=False, high_open=False) -> Parameter:
    allowed = f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    check = partial(check_real, low=low, high=high, low_open=low_open, high_open=high_open,
                    allowed=allowed)  # fmt: skip
    return Parameter(default, allowed, check)


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


_N_SAMPLES = _integer(500, MIN_PER_CLASS * 2, MAX_ROWS)
_N_CLASSES = _integer(3, 2, 10)
_N_FEATURES = _integer(2, 1, MAX_COLUMNS - 1)


def _toy(name, task, description, generate, noise, **params) -> DatasetInfo:
    parameters = {"n_samples": _N_SAMPLES, "noise": noise, **params}
    return DatasetInfo(name, task, description, parameters, real=False, generate=generate)


def _real_info(name, n_rows, description) -> DatasetInfo:
    low = MIN_PER_CLASS * 3
    allowed = (
        f"None (all {n_rows} rows) or an integer in [{low}, {n_rows}] (a stratified random subset)"
    )
    # real data is used as measured; accepting 0 lets callers pass one noise setting to all
    no_noise = "0 (real data is used as measured)"
    parameters = {
        "n_samples": _integer(None, low, n_rows, allowed),
        "noise": Parameter(0.0, no_noise, partial(check_real, low=0, high=0, allowed=no_noise)),
    }
    return DatasetInfo(name, "classification", description, parameters, real=True, generate=None)


_REAL = {
    # name -> (scikit-learn loader, target column name)
    "iris": ("load_iris", "species"),
    "wine": ("load_wine", "cultivar"),
    "breast_cancer": ("load_breast_cancer", "diagnosis"),
}

_REGISTRY: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        _toy("moons", "classification", "two interleaving half circles (scikit-learn make_moons)",
             generators.moons, _number(0.2, 0, 2)),
        _toy("circles", "classification",
             "a small circle inside a larger one (scikit-learn make_circles)",
             generators.circles, _number(0.1, 0, 2),
             factor=_number(0.5, 0, 1, low_open=True, high_open=True)),
        _toy("blobs", "classification",
             "one Gaussian blob per class, noise = its spread (scikit-learn make_blobs)",
             generators.blobs, _number(1.0, 0, 20), n_classes=_N_CLASSES, n_features=_N_FEATURES),
        _toy("spirals", "classification", "interleaved spiral arms, one per class",
             generators.spirals, _number(0.05, 0, 1),
             arms=_integer(2, 2, 10), turns=_number(1.0, 0, 5, low_open=True)),
        _toy("xor", "classification", "four quadrants labelled by the sign of x1·x2",
             generators.xor, _number(0.05, 0, 2)),
        _toy("checkerboard", "classification", "a board of tiles × tiles squares in two colours",
             generators.checkerboard, _number(0.0, 0, 2), tiles=_integer(4, 2, 16)),
        _toy("gaussian_quantiles", "classification",
             "nested Gaussian shells cut at quantiles (scikit-learn make_gaussian_quantiles)",
             generators.gaussian_quantiles, _number(0.0, 0, 5),
             n_classes=_integer(2, 2, 10), n_features=_N_FEATURES),
        _toy("linear", "classification",
             "two classes split by a random hyperplane, with a gap of width margin",
             generators.linear, _number(0.0, 0, 2),
             n_features=_N_FEATURES, margin=_number(0.2, 0, 2)),
        _toy("sine", "regression", "1-D regression: y = sin(frequency·x) + noise, x in [-3, 3]",
             generators.sine, _number(0.1, 0, 5), frequency=_number(1.0, 0, 10, low_open=True)),
        _toy("surface", "regression",
             "2-D regression: y = sin(π·x1)·cos(π·x2) + noise on [-1, 1]²",
             generators.surface, _number(0.05, 0, 5)),
        _real_info("iris", 150, "Fisher's iris: 150 flowers, 4 measurements, 3 species (real)"),
        _real_info("wine", 178, "178 Italian wines, 13 chemical measurements, 3 cultivars (real)"),
        _real_info("breast_cancer", 569,
                   "569 breast tumour biopsies, 30 features, malignant or benign (real)"),
    )
}  # fmt: skip

DATASETS: tuple[str, ...] = tuple(_REGISTRY)
"""Every name :func:`make_dataset` accepts."""


def dataset_info(name: str) -> DatasetInfo:
    """Task, description and parameters (defaults, what is allowed) of a dataset name.

    Raises
    ------
    DatasetError
        With ``field="dataset"`` for a name that is not one of :data:`DATASETS`.
    """
    checked(check_choice, "name", name, DATASETS, field="dataset")
    return _REGISTRY[name]


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
        For an unknown name (``field="dataset"``) or parameter, or a value outside what is
        allowed; ``field`` is the parameter at fault (``"n_samples"``, ``"noise"``,
        ``"random_state"``, ``"arms"``, …) and ``value`` the value given.
    """
    info = dataset_info(name)
    unknown = sorted(set(params) - set(info.parameters))
    if unknown:
        raise DatasetError(
            f"{unknown[0]}={params[unknown[0]]!r} is not a parameter of {name!r}; it accepts "
            f"{', '.join(info.parameters)} (and random_state).",
            field=unknown[0], value=params[unknown[0]],
        )  # fmt: skip
    given = {"n_samples": n_samples, "noise": noise, **params}
    values = {
        key: parameter.default if given.get(key) is None else parameter.validate(key, given[key])
        for key, parameter in info.parameters.items()
    }
    random_state = check_seed(random_state)
    if info.real:
        return _real(info, values["n_samples"], random_state)
    n_classes = values.get("n_classes", values.get("arms", 2))
    if info.task == "classification" and values["n_samples"] < MIN_PER_CLASS * n_classes:
        raise DatasetError(
            f"n_samples={values['n_samples']} is too small for {n_classes} classes; expected at "
            f"least {MIN_PER_CLASS * n_classes} ({MIN_PER_CLASS} per class).",
            field="n_samples", value=values["n_samples"],
        )  # fmt: skip
    X, y = info.generate(random_state=random_state, **values)
    settings = ", ".join(f"{key}={value!r}" for key, value in values.items())
    described = f"{info.description}; {settings}, random_state={random_state!r}"
    n_features = X.shape[1]
    feature_names = ("x",) if n_features == 1 else tuple(f"x{j + 1}" for j in range(n_features))
    if info.task == "classification":
        return Dataset(X, y, info.task, feature_names, "label",
                       tuple(str(k) for k in range(n_classes)), name, described)  # fmt: skip
    return Dataset(X, y, info.task, feature_names, "y", (), name, described)


def _real(info: DatasetInfo, n_samples: int | None, random_state: int | None) -> Dataset:
    """One of scikit-learn's real datasets, whole or a stratified subset of ``n_samples`` rows."""
    import sklearn.datasets

    loader, target_name = _REAL[info.name]
    bunch = getattr(sklearn.datasets, loader)()
    X, y = bunch.data, bunch.target
    described = f"{info.description}; scikit-learn {info.name}"
    if n_samples is not None and n_samples < len(y):
        from sklearn.model_selection import train_test_split

        keep, _ = train_test_split(
            np.arange(len(y)), train_size=n_samples, stratify=y, random_state=random_state
        )
        X, y = X[np.sort(keep)], y[np.sort(keep)]
    if n_samples is not None:
        described += f", stratified subset of {n_samples} rows"
    return Dataset(X, y, info.task, tuple(bunch.feature_names), target_name,
                   tuple(bunch.target_names), info.name, described)  # fmt: skip
