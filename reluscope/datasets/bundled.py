"""Bundled CSV files and the settings' dataset choice.

The files are ``data/*.csv`` (found with :func:`reluscope.resources.data_dir`, in a checkout and
in an installed wheel alike; see ``data/README.md``). A *dataset choice* is the one string the
dashboard, ``reluscope train`` and sweeps use to name data: a name of
:data:`~reluscope.datasets.DATASETS`, or ``csv:NAME`` for a bundled file; :func:`from_choice`
is its one reading.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from reluscope.datasets.container import Dataset
from reluscope.datasets.csv_loader import load_csv
from reluscope.datasets.registry import dataset_info, make_dataset
from reluscope.errors import DatasetError
from reluscope.resources import data_dir

__all__ = [
    "BUNDLED_PREFIX",
    "bundled_datasets",
    "bundled_description",
    "from_choice",
    "load_bundled",
]

BUNDLED_PREFIX = "csv:"
"""A dataset choice ``csv:NAME`` names the bundled file ``data/NAME.csv`` (:func:`from_choice`)."""

_DESCRIPTIONS = {
    "iris": "Fisher's iris measurements, 150 rows × 4 features, 3 species (real)",
    "three_spirals": "three noisy spiral arms, 600 rows × 2 features (generated)",
    "noisy_surface": "2-D regression surface sin(π·x1)·cos(π·x2) with noise, 400 rows (generated)",
}


def bundled_datasets() -> dict[str, Path]:
    """Name (file stem) -> path of every ``data/*.csv``, sorted by name."""
    return {path.stem: path for path in sorted(data_dir().glob("*.csv"))}


def bundled_description(name: str) -> str:
    """One line on a bundled CSV file: what it holds and where it came from."""
    return _DESCRIPTIONS.get(name, f"data/{name}.csv")


def load_bundled(name: str) -> Dataset:
    """Load ``data/<name>.csv`` with :func:`load_csv` defaults; names: :func:`bundled_datasets`.

    Raises
    ------
    DatasetError
        With ``field="dataset"`` for a name that is not a bundled file.
    """
    return _load_bundled(name, choice=name)


def _load_bundled(name: str, choice: str) -> Dataset:
    paths = bundled_datasets()
    if name not in paths:
        raise DatasetError(
            f"name={name!r} is not a bundled CSV file; expected one of "
            f"{', '.join(paths) or '(none)'}.",
            field="dataset", value=choice,
        )  # fmt: skip
    data = load_csv(paths[name])
    return dataclasses.replace(data, description=bundled_description(name))


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
        One of :data:`~reluscope.datasets.DATASETS`, or :data:`BUNDLED_PREFIX` followed by a
        name of :func:`bundled_datasets`. (An uploaded file is not a choice: read it with
        :func:`~reluscope.datasets.load_csv`.)
    n_samples, noise, random_state
        Passed to :func:`~reluscope.datasets.make_dataset` for a generator. Real datasets are
        used as measured — every row, no noise — and bundled files as they are; for them these
        are ignored, so one set of settings serves every kind of dataset.

    Raises
    ------
    DatasetError
        For an unknown name (``field="dataset"``, ``value`` the choice as given), or a
        generator parameter outside what is allowed (``field`` that parameter).

    >>> from_choice("iris", n_samples=50, noise=0.2).n_samples
    150
    """
    if isinstance(name, str) and name.startswith(BUNDLED_PREFIX):
        return _load_bundled(name.removeprefix(BUNDLED_PREFIX), choice=name)
    if dataset_info(name).real:
        return make_dataset(name, noise=0.0)
    return make_dataset(name, n_samples=n_samples, noise=noise, random_state=random_state)
