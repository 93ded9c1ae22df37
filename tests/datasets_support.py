"""Helpers shared by the tests of reluscope.datasets (tests/test_datasets_*.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from reluscope.datasets import Dataset, load_csv
from reluscope.errors import DatasetError

ROOT = Path(__file__).resolve().parent.parent


def assert_valid(data: Dataset) -> None:
    """Every invariant a Dataset promises."""
    assert isinstance(data, Dataset)
    assert data.X.dtype == np.float64 and data.X.ndim == 2
    assert data.X.shape == (data.n_samples, data.n_features)
    assert data.X.shape == (len(data.y), len(data.feature_names))
    assert np.isfinite(data.X).all()
    assert not data.X.flags.writeable and not data.y.flags.writeable
    assert all(isinstance(name, str) for name in data.feature_names)
    assert len(set(data.feature_names)) == data.n_features
    assert data.target_name not in data.feature_names
    assert data.task in ("classification", "regression")
    if data.task == "classification":
        assert data.y.dtype == np.int64
        assert data.n_classes == len(data.class_names) >= 2
        assert set(np.unique(data.y)) <= set(range(data.n_classes))
    else:
        assert data.y.dtype == np.float64 and np.isfinite(data.y).all()
        assert data.class_names == () and data.n_classes == 0


def csv_bytes(rows, delimiter=",", newline="\n", encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding)


def two_class_rows(n=12):
    """A valid table: header, then n rows of two features and a text label."""
    return [["a", "b", "label"]] + [[str(i), str(i * 0.5), "yes" if i % 2 else "no"]
                                    for i in range(n)]  # fmt: skip


ROWS = two_class_rows()
EXPECTED_X = np.array([[i, i * 0.5] for i in range(12)], dtype=float)


def load_error(source, **kwargs) -> DatasetError:
    """The DatasetError ``load_csv(source, **kwargs)`` raises; never the unexpected-failure net."""
    with pytest.raises(DatasetError) as caught:
        load_csv(source, **kwargs)
    assert "internal error" not in str(caught.value)
    return caught.value


def error_of(source, **kwargs) -> str:
    """The message of :func:`load_error`."""
    return str(load_error(source, **kwargs))
