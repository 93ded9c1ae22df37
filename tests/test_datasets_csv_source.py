"""Tests for reluscope.datasets.csv_source: a CSV file read once, for a picker and the loader."""

from __future__ import annotations

import io

import pytest
from datasets_support import ROWS, csv_bytes

from reluscope.datasets import CsvSource, csv_columns, csv_source, load_csv, read_csv_source
from reluscope.errors import DatasetError


def test_a_source_holds_the_text_separator_columns_encoding_and_name():
    rows = [["température", *ROWS[0][1:]], *ROWS[1:]]
    buffer = io.BytesIO(csv_bytes(rows, delimiter=";", encoding="cp1252"))
    buffer.name = "folder/mine.csv"
    source = read_csv_source(buffer)
    assert isinstance(source, CsvSource)
    assert (source.separator, source.encoding, source.name) == (";", "cp1252", "mine.csv")
    assert source.columns == tuple(rows[0]) == csv_columns(csv_bytes(rows))
    assert source.text.startswith(";".join(rows[0]))
    assert "text" not in repr(source)  # the whole file is never printed


def test_the_loader_reuses_a_source_without_reading_or_decoding_again(monkeypatch):
    source = read_csv_source(csv_bytes(ROWS))
    fresh = load_csv(csv_bytes(ROWS))
    monkeypatch.setattr(csv_source, "decode_text", lambda raw: pytest.fail("decoded again"))
    monkeypatch.setattr(csv_source, "read_bytes", lambda *args: pytest.fail("read again"))
    data = load_csv(source)
    assert data.feature_names == fresh.feature_names and (data.X == fresh.X).all()
    assert data.class_names == fresh.class_names and (data.y == fresh.y).all()


def test_a_source_keeps_the_loader_caps_on_what_it_holds():
    source = read_csv_source(csv_bytes(ROWS))
    with pytest.raises(DatasetError, match="max_columns=2") as caught:
        load_csv(source, max_columns=2)
    assert caught.value.field == "file"
    with pytest.raises(DatasetError, match="max_columns=2"):
        read_csv_source(csv_bytes(ROWS), max_columns=2)
    with pytest.raises(DatasetError, match="max_bytes=5"):
        read_csv_source(csv_bytes(ROWS), max_bytes=5)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [(b"", "empty"), (b"\n\r\n \n", "empty"), (b"a,b\n", None)],
    ids=["empty", "blank-lines", "header-only"],
)
def test_a_file_without_a_usable_header_is_refused(raw, fragment):
    if fragment is None:  # a header alone is a valid source; the loader says there are no rows
        assert read_csv_source(raw).columns == ("a", "b")
        return
    with pytest.raises(DatasetError, match=fragment) as caught:
        read_csv_source(raw)
    assert caught.value.field == "file"


def test_an_unexpected_failure_of_the_read_is_still_a_dataset_error(monkeypatch):
    monkeypatch.setattr(csv_source, "sniff_separator", lambda text: 1 / 0)
    with pytest.raises(DatasetError, match="internal error: ZeroDivisionError") as caught:
        read_csv_source(csv_bytes(ROWS))
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
