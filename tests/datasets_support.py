"""Helpers shared by the tests of reluscope.datasets (tests/test_datasets_*.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

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


# ----------------------------------------------------------------------------------------------
# hypothesis: CSV files a spreadsheet could produce

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ODD_CELLS = st.sampled_from(
    [
        "",
        " ",
        "NA",
        "nan",
        "?",
        "inf",
        "-inf",
        "1e999",
        "1e200",
        "x",
        '"',
        "1,5",
        "a;b",
        " 3 ",
        "\t",
        "ÿ",
        "\r\n",
        "None",
        "0x1f",
        "1_0",
    ]
)
FEATURE_CELLS = st.one_of(
    st.floats().map(repr),
    st.integers(-3, 3).map(str),
    st.integers(-3, 3).map(str),
    ODD_CELLS,
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=5),
)
TARGET_CELLS = st.one_of(
    st.integers(0, 2).map(str), st.sampled_from("abc"), st.floats().map(repr), ODD_CELLS
)
DELIMITERS = [",", ";", "\t", "|"]
NUMBER_CELLS = st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(repr),
                        st.integers(-3, 3).map(str))  # fmt: skip


@st.composite
def tables(draw):
    """Small tables, mostly numbers, with every kind of oddity a spreadsheet can produce."""
    width = draw(st.integers(1, 4))
    clean = draw(st.booleans())  # numbers only: exercises the checks after parsing
    feature = NUMBER_CELLS if clean else FEATURE_CELLS
    target = st.sampled_from(["0", "1", "2", "a", "b"]) if clean else TARGET_CELLS
    row = st.tuples(st.lists(feature, min_size=width - 1, max_size=width - 1), target)
    min_rows = draw(st.sampled_from([0, 10]))
    rows = draw(st.lists(row.map(lambda cells: [*cells[0], cells[1]]), min_size=min_rows,
                         max_size=25))  # fmt: skip
    if rows and draw(st.integers(0, 3)) == 0:  # make one row ragged
        k = draw(st.integers(0, len(rows) - 1))
        rows[k] = rows[k][:-1] if draw(st.booleans()) else [*rows[k], "1"]
    if clean:
        rows = [[f"c{j}" for j in range(width)], *rows]
    elif draw(st.integers(0, 4)):  # usually a header, not always a good one
        names = st.sampled_from(["a", "b", "c", "label", "", "1"])
        rows = [draw(st.lists(names, min_size=width, max_size=width, unique=True)), *rows]
    delimiter = draw(st.sampled_from(DELIMITERS))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


@st.composite
def valid_tables(draw):
    n_features = draw(st.integers(1, 4))
    n_rows = draw(st.integers(10, 40))
    number = st.floats(-1e100, 1e100, allow_nan=False)
    X = draw(st.lists(st.lists(number, min_size=n_features, max_size=n_features),
                      min_size=n_rows, max_size=n_rows))  # fmt: skip
    names = draw(st.lists(st.text("abcdefghij", min_size=1, max_size=4), min_size=2, max_size=3,
                          unique=True))  # fmt: skip
    labels = [names[k % len(names)] for k in range(n_rows)]
    labels = draw(st.permutations(labels))
    delimiter = draw(st.sampled_from(DELIMITERS))
    header = [f"feature {j}" for j in range(n_features)] + ["class"]
    rows = [header] + [[repr(v) for v in x] + [label] for x, label in zip(X, labels, strict=True)]
    return csv_bytes(rows, delimiter=delimiter), np.array(X), labels
