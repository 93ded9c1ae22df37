"""Tests for reluscope.datasets.csv_table: the header line, rows and cells; csv_columns."""

from __future__ import annotations

import pytest
from datasets_support import PROPERTY, csv_bytes, load_error, tables
from hypothesis import given

from reluscope.datasets import csv_columns, load_csv
from reluscope.datasets.csv_table import parse_numbers, to_number
from reluscope.errors import DatasetError


def test_quoted_fields_may_hold_separators_and_quotes():
    rows = [["x", "y", "species"]]
    rows += [[str(i), str(-i), f'Iris "{i % 2}", var. b'] for i in range(10)]
    data = load_csv(csv_bytes(rows))
    assert data.class_names == ('Iris "0", var. b', 'Iris "1", var. b')


@pytest.mark.parametrize(
    ("cell", "decimal_comma", "number"),
    [("1.5", False, 1.5), ("1,5", True, 1.5), ("1,5", False, None), ("NA", False, "nan"),
     ("#N/A", True, "nan"), ("x", True, None), ("1,5,0", True, None)],
)  # fmt: skip
def test_cells_are_numbers_missing_or_text(cell, decimal_comma, number):
    value = to_number(cell, decimal_comma)
    if number == "nan":
        assert value != value  # NaN marks a missing value
    else:
        assert value == number


def test_parse_numbers_locates_the_text_cells():
    values, text = parse_numbers(["1", "x", "2,5", ""], decimal_comma=True)
    assert text == [1] and values[0] == 1 and values[2] == 2.5
    assert values[1] != values[1] and values[3] != values[3]


FRENCH = [["température", "humidité", "classe"]] + [[str(i), f"{i % 3},5", str(i % 2)]
                                                    for i in range(10)]  # fmt: skip


@pytest.mark.parametrize(
    "raw",
    [
        csv_bytes(FRENCH, delimiter=";", encoding="cp1252"),
        csv_bytes(FRENCH, delimiter=";", encoding="utf-16"),
        csv_bytes(FRENCH, delimiter="\t", encoding="utf-16"),
        b"\xef\xbb\xbf" + csv_bytes(FRENCH, delimiter="|"),
        b"\n\n" + csv_bytes(FRENCH, delimiter=";", newline="\r\n"),
        csv_bytes([[f"{name}, n°" for name in FRENCH[0]], *FRENCH[1:]], delimiter=";"),
    ],
    ids=["cp1252", "utf-16", "utf-16-tabs", "bom-pipes", "blank-lines-crlf", "quoted"],
)  # fmt: skip
def test_csv_columns_read_the_header_as_the_loader_does(raw):
    columns = csv_columns(raw)
    data = load_csv(raw)
    assert columns == (*data.feature_names, data.target_name)
    assert columns[0].startswith("température") and len(columns) == 3
    # every name offered is a target the loader accepts
    assert load_csv(raw, target=columns[0], task="regression").target_name == columns[0]


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 ...", "PDF"),
        (b"a,b\x00,c\n", "binary"),
        (b"only\n1\n2\n", "single column"),
        (b"1,2,3\n4,5,6\n", "looks like data"),
        (b"a,a,b\n1,2,x\n", "appears twice"),
        (b"\xff\xfea\x00\x00\xd8", "UTF-16"),
        ("a,b\n".encode("utf-16")[:-1], "UTF-16"),
        (b'a,"b\n' + b"x" * 200_000 + b"\n", "could not parse line"),
    ],
    ids=["empty", "pdf", "nul", "single", "data", "twice", "utf16", "utf16-cut", "quote"],
)
def test_csv_columns_say_why_a_header_is_unreadable(raw, fragment):
    with pytest.raises(DatasetError, match=fragment) as caught:
        csv_columns(raw)
    assert caught.value.field == "file"


def test_csv_columns_names_a_raw_argument_that_is_not_bytes():
    with pytest.raises(DatasetError, match="raw of type str") as caught:
        csv_columns("a,b\n1,2\n")
    assert (caught.value.field, caught.value.value) == ("raw", "a,b\n1,2\n")


def test_a_repeated_column_name_is_the_value_at_fault():
    error = load_error(b"a,a,b\n" + b"1,2,x\n" * 12)
    assert (error.field, error.value) == ("file", "a")


@pytest.mark.slow
@PROPERTY
@given(tables())
def test_csv_columns_are_the_columns_the_loader_reads(raw):
    """The dashboard's target picker offers exactly the names ``load_csv`` accepts as target."""
    try:
        data = load_csv(raw)
    except DatasetError:
        try:
            csv_columns(raw)  # the header may still be readable; never another exception
        except DatasetError:
            pass
        return
    assert csv_columns(raw) == (*data.feature_names, data.target_name)
