"""Tests for reluscope.datasets.csv_loader: load_csv's targets, tasks and messages."""

from __future__ import annotations

import numpy as np
import pytest
from datasets_support import (
    PROPERTY,
    ROWS,
    assert_valid,
    csv_bytes,
    load_error,
    tables,
    valid_tables,
)
from hypothesis import given
from hypothesis import strategies as st

from reluscope.datasets import Dataset, csv_source, load_csv
from reluscope.errors import DatasetError


@pytest.mark.parametrize(
    ("labels", "task", "class_names"),
    [
        ([0, 1, 2] * 4, "classification", ("0", "1", "2")),
        ([1.0, 2.0, 10.0] * 4, "classification", ("1", "2", "10")),  # numeric order, as written
        ([i / 7 for i in range(12)], "regression", ()),
        (list(range(30)), "regression", ()),  # many distinct integers: a measurement
        (["cat", "dog", "7"] * 4, "classification", ("7", "cat", "dog")),
    ],
)
def test_task_is_inferred_from_the_target(labels, task, class_names):
    rows = [["a", "t"]] + [[str(k), str(label)] for k, label in enumerate(labels)]
    data = load_csv(csv_bytes(rows))
    assert (data.task, data.class_names) == (task, class_names)


def test_target_and_task_can_be_chosen():
    rows = [["a", "count", "b"]] + [[str(k), str(k % 3), str(k * 2)] for k in range(12)]
    data = load_csv(csv_bytes(rows), target="count")
    assert data.feature_names == ("a", "b") and data.task == "classification"
    assert np.array_equal(data.X[:, 1], np.arange(12) * 2.0)
    forced = load_csv(csv_bytes(rows), target="count", task="regression")
    assert forced.task == "regression" and forced.y.tolist() == [k % 3 for k in range(12)]
    halves = [["a", "h"]] + [[str(k), str(k % 4 / 2)] for k in range(12)]
    assert load_csv(csv_bytes(halves)).task == "regression"
    as_labels = load_csv(csv_bytes(halves), task="classification")
    assert as_labels.class_names == ("0", "0.5", "1", "1.5")


# ----------------------------------------------------------------------------------------------
# every failure gets its own message, and names the field at fault


@pytest.mark.parametrize(
    ("raw", "kwargs", "fragments", "field"),
    [
        (b"", {}, ["empty"], "file"),
        (b" \r\n\n", {}, ["empty"], "file"),
        (b"a,b,label\n", {}, ["header line (a, b, label) but no data rows"], "file"),
        (csv_bytes(ROWS[:4]), {}, ["only 3 data rows", "at least 10"], "file"),
        (csv_bytes([*ROWS[:7], ["1", "2"], *ROWS[7:], ["1", "2", "3", "4"]]), {},
         ["ragged rows", "line 8 has 2 fields", "header has 3", "2 of 14 rows", "8, 15"], "file"),
        (b"a,b\n\x81\x8d\x8f,1\n", {}, ["not UTF-8", "0x81", "line 2"], "file"),
        (b"PK\x03\x04\x14\x00\x06\x00", {}, ["Excel .xlsx", "save it as CSV"], "file"),
        (b"\x00\x01\x02binary", {}, ["binary", "NUL"], "file"),
        (b"a,b\x07,c\n1,2,3\n", {}, ["control character U+0007", "line 1"], "file"),
        (csv_bytes([["a", "colour", "size", "label"]]
                   + [[str(k), "red", "big" if k else "2", str(k % 2)] for k in range(12)]),
         {}, ["'colour' (line 2: 'red')", "'size' (line 3: 'big')", "do not"], "file"),
        (csv_bytes(ROWS), {"target": "Label"},
         ["target='Label' is not a column", "'a', 'b', 'label'", "Did you mean 'label'?"],
         "target"),
        (csv_bytes([*ROWS[:3], ["", "NA", "yes"], *ROWS[3:6], ["inf", "-inf", "no"], *ROWS[6:],
                    ["1e999", "2", "?"]]), {},
         ["3 missing values", "'a' on line 4", "'b' on line 4", "'label' on line 16",
          "3 infinite values", "'a' on lines 8, 16"], "file"),
        (csv_bytes([["a", "label"]] + [[str(k), "same"] for k in range(12)]), {},
         ["single class ('same')", "at least two"], "target"),
        (csv_bytes([*ROWS, ["1", "2", "maybe"]]), {}, ["class 'maybe'", "single row (line 14)"],
         "target"),
        (csv_bytes([["a", "y"]] + [[str(k), "2.5"] for k in range(12)]), {},
         ["'y' is constant", "2.5"], "target"),
        (csv_bytes([["a", "id"]] + [[str(k), f"id{k // 2}"] for k in range(120)]), {},
         ["60 distinct labels", "at most 50"], "target"),
        (csv_bytes(ROWS), {"task": "regression"}, ["needs a numeric target", "'no'"], "task"),
        (csv_bytes(ROWS), {"max_rows": 11}, ["more than max_rows=11"], "file"),
        (csv_bytes(ROWS), {"max_columns": 2}, ["3 columns", "max_columns=2"], "file"),
        (csv_bytes(ROWS), {"max_bytes": 50}, ["larger than max_bytes=50"], "file"),
        (csv_bytes(ROWS), {"task": "clustering"}, ["task='clustering'"], "task"),
        (csv_bytes(ROWS), {"target": 2}, ["target=2", "column name"], "target"),
        (csv_bytes(ROWS), {"max_rows": 0}, ["max_rows=0", "positive integer"], "max_rows"),
        (csv_bytes(ROWS), {"max_columns": 2.0}, ["max_columns=2.0", "positive integer"],
         "max_columns"),
        (csv_bytes(ROWS), {"max_bytes": True}, ["max_bytes=True", "positive integer"],
         "max_bytes"),
        (b"1,2,0\n" * 12, {}, ["looks like data", "add a header line"], "file"),
        (b"label\n" + b"1\n" * 12, {}, ["single column ('label')"], "file"),
        (csv_bytes([["a", "a", "label"], *ROWS[1:]]), {}, ["'a' appears twice"], "file"),
        (csv_bytes([["a", "", "label"], *ROWS[1:]]), {}, ["column 2 has no name"], "file"),
        (b'a,b,label\n1,2,"yes\n' + csv_bytes(ROWS[1:]), {}, ["line 2", "closing quote"], "file"),
        (b"a,b,label\n" + b"1,2," + b"x" * 200_000 + b"\n", {}, ["line", "field larger"], "file"),
        (np.zeros(3), {}, ["ndarray is not allowed", "a path, bytes or a file-like"],
         "path_or_buffer"),
    ],
    ids=lambda value: None if len(repr(value)) < 40 else "",
)  # fmt: skip
def test_each_problem_gets_a_specific_message(raw, kwargs, fragments, field):
    error = load_error(raw, **kwargs)
    message = str(error)
    for fragment in fragments:
        assert fragment in message, message
    assert error.field == field, message
    for key in ("target", "task", "max_rows", "max_columns", "max_bytes"):
        if field == key and key in kwargs:  # an argument at fault is the value given
            assert error.value == kwargs[key]


@pytest.mark.parametrize(
    ("rows", "value"),
    [
        ([["a", "colour", "label"]] + [[str(k), "red", str(k % 2)] for k in range(12)], "red"),
        ([["a", "label"]] + [[str(k), "same"] for k in range(12)], "label"),
    ],
)
def test_the_value_at_fault_is_the_cell_or_the_target_column(rows, value):
    assert load_error(csv_bytes(rows)).value == value


def test_an_unexpected_failure_still_becomes_a_dataset_error(monkeypatch):
    def broken(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(csv_source, "sniff_separator", broken)
    with pytest.raises(DatasetError, match="internal error: RuntimeError: boom") as caught:
        load_csv(csv_bytes(ROWS))
    assert isinstance(caught.value.__cause__, RuntimeError)
    # it says that it is unexpected, not a problem with the file the reader knows of
    assert "unexpected failure" in str(caught.value) and "please report it" in str(caught.value)
    assert (caught.value.field, caught.value.value) == ("file", None)


def test_a_known_problem_passes_the_safety_net_unchanged(monkeypatch):
    known = DatasetError("known", field="target", value="t")

    def refuses(text):
        raise known

    monkeypatch.setattr(csv_source, "sniff_separator", refuses)
    with pytest.raises(DatasetError) as caught:
        load_csv(csv_bytes(ROWS))
    assert caught.value is known


# ----------------------------------------------------------------------------------------------
# properties


def check_outcome(source) -> Dataset | None:
    """load_csv gives a valid Dataset or a DatasetError that is not the internal-error net."""
    try:
        data = load_csv(source)
    except DatasetError as error:
        assert "internal error" not in str(error), str(error)
        assert str(error)
        assert error.field in ("file", "target", "task")
        return None
    assert_valid(data)
    return data


@PROPERTY
@given(st.binary(max_size=600))
def test_arbitrary_bytes_give_a_dataset_or_a_dataset_error(raw):
    check_outcome(raw)


@pytest.mark.slow
@PROPERTY
@given(tables())
def test_arbitrary_small_tables_give_a_dataset_or_a_dataset_error(raw):
    check_outcome(raw)


@pytest.mark.slow
@PROPERTY
@given(valid_tables())
def test_valid_tables_load_exactly(table):
    raw, X, labels = table
    data = check_outcome(raw)
    assert data is not None
    assert np.array_equal(data.X, X)
    assert data.class_names == tuple(sorted(set(labels)))
    assert [data.class_names[k] for k in data.y] == labels
