"""Datasets: toy generators, scikit-learn's real datasets, bundled CSVs and users' own CSV files.

Everything comes back as a :class:`Dataset`. Anything that cannot become one raises
:class:`~reluscope.errors.DatasetError` (a ``ValueError``) whose message names what is wrong and
what would be allowed, and whose ``field`` and ``value`` say where — never another exception
type.

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

The parts, each a module of this package:

- ``container``: the :class:`Dataset` itself, its split and its :class:`Standardization`;
- ``generators`` and ``registry``: the toy generators and :data:`DATASETS` /
  :func:`make_dataset` / :func:`dataset_info` over them and scikit-learn's real datasets;
- ``bundled``: the files in ``data/`` and :func:`from_choice`, the one reading of a settings
  choice (``"moons"``, ``"csv:iris"``);
- ``csv_text``, ``csv_source``, ``csv_table``, ``csv_loader``: a CSV file's bytes to text, the
  text read once with its header (:func:`read_csv_source`, :func:`csv_columns`), text to a
  table, table to a Dataset (:func:`load_csv`);
- ``limits``: the caps on rows, columns, bytes, the header line and classes.

NumPy is the only import at module level; pandas and scikit-learn load on first use so that
``import reluscope`` stays cheap.
"""

from __future__ import annotations

import warnings

from reluscope.datasets.bundled import (
    BUNDLED_PREFIX,
    bundled_datasets,
    bundled_description,
    from_choice,
    load_bundled,
)
from reluscope.datasets.container import Dataset, Standardization
from reluscope.datasets.csv_loader import load_csv
from reluscope.datasets.csv_source import CsvSource, csv_columns, read_csv_source
from reluscope.datasets.limits import (
    MAX_ABS_VALUE,
    MAX_BYTES,
    MAX_CLASSES,
    MAX_COLUMNS,
    MAX_HEADER_BYTES,
    MAX_ROWS,
    MIN_ROWS,
)
from reluscope.datasets.registry import (
    DATASETS,
    DatasetInfo,
    Parameter,
    dataset_info,
    make_dataset,
)

__all__ = [
    "BUNDLED_PREFIX",
    "DATASETS",
    "MAX_ABS_VALUE",
    "MAX_BYTES",
    "MAX_CLASSES",
    "MAX_COLUMNS",
    "MAX_HEADER_BYTES",
    "MAX_ROWS",
    "MIN_ROWS",
    "CsvSource",
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
    "read_csv_source",
]


def __getattr__(name: str):
    # old names, answered for a while with a FutureWarning (the project's policy for renames):
    # BUNDLED was a dict read once at import, DATA_DIR the data folder of a checkout only
    if name == "BUNDLED":
        warnings.warn(
            "reluscope.datasets.BUNDLED is deprecated; call reluscope.datasets.bundled_datasets().",
            FutureWarning,
            stacklevel=2,
        )
        return bundled_datasets()
    if name == "DATA_DIR":
        from reluscope.resources import data_dir

        warnings.warn(
            "reluscope.datasets.DATA_DIR is deprecated; call reluscope.resources.data_dir().",
            FutureWarning,
            stacklevel=2,
        )
        return data_dir()
    raise AttributeError(f"module 'reluscope.datasets' has no attribute {name!r}")
