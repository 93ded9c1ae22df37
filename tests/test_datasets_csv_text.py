"""Tests for reluscope.datasets.csv_text: sources, encodings, newlines and separators."""

from __future__ import annotations

import io

import numpy as np
import pytest
from datasets_support import (
    EXPECTED_X,
    ROWS,
    assert_valid,
    csv_bytes,
    error_of,
    load_error,
    two_class_rows,
)

from reluscope.datasets import load_csv
from reluscope.datasets.csv_text import (
    SNIFF_CHARS,
    check_header,
    decode,
    decode_text,
    read_bytes,
    sniff_separator,
)
from reluscope.errors import DatasetError


@pytest.mark.parametrize(
    "raw",
    [
        csv_bytes(two_class_rows()),
        csv_bytes(two_class_rows(), newline="\r\n"),
        csv_bytes(two_class_rows(), newline="\r"),
        csv_bytes(two_class_rows(), delimiter=";"),
        csv_bytes(two_class_rows(), delimiter="\t"),
        csv_bytes(two_class_rows(), delimiter="|"),
        b"\xef\xbb\xbf" + csv_bytes(two_class_rows()),
        csv_bytes(two_class_rows(), encoding="utf-16"),
        csv_bytes(two_class_rows(), delimiter=";").replace(b".", b","),  # decimal commas
        b"".join(b'"' + line.replace(b",", b'","') + b'"\n'  # every field quoted
                 for line in csv_bytes(two_class_rows()).splitlines()),
        csv_bytes(two_class_rows()).replace(b",", b", "),  # spaces after separators
        b"\n\n" + csv_bytes(two_class_rows()).replace(b"\n", b"\n\n") + b",,\n,,\n",
        csv_bytes([[*row, ""] for row in two_class_rows()]),  # trailing separator
        csv_bytes([*two_class_rows()[:1], *([*row, "", ""] for row in two_class_rows()[1:])]),
    ],
)  # fmt: skip
def test_common_dialects_just_work(raw):
    data = load_csv(raw)
    assert_valid(data)
    assert data.feature_names == ("a", "b") and data.target_name == "label"
    assert np.array_equal(data.X, EXPECTED_X)
    assert data.class_names == ("no", "yes") and data.y.tolist() == [i % 2 for i in range(12)]


def test_windows_1252_files_are_read():
    rows = [["température", "humidité", "classe"]] + [[str(i), "1", "été" if i % 2 else "hiver"]
                                                      for i in range(10)]  # fmt: skip
    data = load_csv(csv_bytes(rows, delimiter=";", encoding="cp1252"))
    assert data.feature_names == ("température", "humidité") and "été" in data.class_names


@pytest.mark.parametrize(
    ("text", "separator"),
    [("a;b\n1,5;2\n", ";"), ("a,b\n1,2\n", ","), ("a\tb|c\n1\t2|3\n", "\t"), ("single\n1\n", ",")],
)
def test_the_separator_splits_the_first_lines_most_consistently(text, separator):
    assert sniff_separator(text) == separator


def test_caps_are_inclusive_and_large_files_are_sniffed_correctly():
    assert load_csv(csv_bytes(ROWS), max_rows=12, max_columns=3).n_samples == 12
    rows = [["p", "q", "r", "class"]]
    rows += [[f"{k / 3:.9f}", str(k), "-1.5", str(k % 3)] for k in range(4000)]
    raw = csv_bytes(rows, delimiter=";")
    assert len(raw) > SNIFF_CHARS  # the separator is guessed from a cut sample
    data = load_csv(raw)
    assert data.X.shape == (4000, 3) and data.n_classes == 3


class UploadedFile(io.BytesIO):
    """What Streamlit's file_uploader returns: a BytesIO with a name."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def test_every_kind_of_source_is_accepted(tmp_path):
    raw = csv_bytes(two_class_rows())
    path = tmp_path / "mine.csv"
    path.write_bytes(raw)
    upload = UploadedFile(raw, "upload.csv")
    upload.read()  # the app may have read it already; the loader must not care
    with path.open("rb") as handle:
        sources = [path, str(path), raw, bytearray(raw), io.BytesIO(raw), upload, handle,
                   io.StringIO(raw.decode())]  # fmt: skip
        loaded = [load_csv(source) for source in sources]
    for data in loaded:
        assert np.array_equal(data.X, EXPECTED_X)
    assert [data.name for data in loaded[:3]] == ["mine", "mine", "uploaded"]
    assert loaded[5].name == "upload" and "'upload.csv'" in loaded[5].description


def test_paths_that_are_not_files_get_a_message(tmp_path):
    assert "no such file" in error_of(tmp_path / "missing.csv")
    assert "io.StringIO" in error_of("a,b\n1,2\n")
    assert "is a directory" in error_of(tmp_path)
    # the file at fault, by the path given
    error = load_error(tmp_path / "missing.csv")
    assert (error.field, error.value) == ("file", str(tmp_path / "missing.csv"))


class Unreadable:
    def read(self, size=-1):
        raise OSError("device not ready")


class GivesNumbers:
    def read(self, size=-1):
        return 42


def test_a_source_that_cannot_be_read_names_the_file_field():
    with pytest.raises(DatasetError, match="could not read the uploaded file") as caught:
        read_bytes(Unreadable(), 100)
    assert caught.value.field == "file"
    with pytest.raises(DatasetError, match="gave int, not bytes") as caught:
        read_bytes(GivesNumbers(), 100)
    assert caught.value.field == "file"
    with pytest.raises(DatasetError, match="larger than max_bytes=3") as caught:
        read_bytes(io.BytesIO(b"a,b\n1,2\n"), 3)
    assert caught.value.field == "file"
    source = np.zeros(3)
    with pytest.raises(DatasetError, match="ndarray is not allowed") as caught:
        read_bytes(source, 100)
    assert caught.value.field == "path_or_buffer" and caught.value.value is source


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"%PDF-1.4", "PDF document"),
        (b"\x00\x01", "NUL bytes"),
        (b"a,b\x07\n", r"U\+0007"),
        (b"\xff\xfea\x00\x00\xd8", "UTF-16"),
        (b"a,b\n\x81\x8d\x8f\n", "not UTF-8"),
    ],
)
def test_bytes_that_are_not_csv_text_are_a_file_error(raw, fragment):
    with pytest.raises(DatasetError, match=fragment) as caught:
        decode(raw)
    assert (caught.value.field, caught.value.value) == ("file", None)


@pytest.mark.parametrize(
    "raw",
    [
        b"a,b,c\n1,2,3\n",
        b"a,b,c,,,\n1,2,3,,,\n",  # a separator ending every line: trailing names do not count
        b'"x,y,z,w",b,c\n',  # a quoted name is one field whatever it holds
        b"\n\r\n,,,\n a;b;c\n",  # blank rows before the header
        b"a,b," + b"n" * (2**16 - 5) + b"\n" + b"1,2,3\n" * 10_000,  # exactly the byte limit
        "a;b;c\n".encode("utf-16"),
    ],
    ids=["plain", "trailing", "quoted", "blank-rows", "at-limit", "utf-16"],
)
def test_a_usable_header_passes_the_raw_check(raw):
    check_header(raw, max_columns=3)


@pytest.mark.parametrize(
    ("raw", "max_columns", "fragment", "value"),
    [
        (b"a,b,c,d\n1,2,3,4\n", 3, "4 columns; at most max_columns=3", 4),
        (b"a|b|c|d|e\n", 4, "5 columns", 5),
        (b"a," + b"n" * 2**16 + b"\n1,2\n", 3, "longer than max_header_bytes=65536", 2**16),
        (b"\n" * 2**16 + b"a,b\n1,2\n", 3, "longer than max_header_bytes", 2**16),
        (b'a,"b\n' + b"x" * 2**16, 3, "could not parse line 1", 2**16),
    ],
    ids=["commas", "pipes", "long", "blank-lines", "open-quote"],
)
def test_a_header_too_long_or_too_wide_is_refused_naming_the_limit(raw, max_columns, fragment,
                                                                   value):  # fmt: skip
    with pytest.raises(DatasetError, match=fragment) as caught:
        check_header(raw, max_columns)
    assert (caught.value.field, caught.value.value) == ("file", value)


def test_the_header_limit_can_be_set():
    with pytest.raises(DatasetError, match="max_header_bytes=8"):
        check_header(b"abcd,efgh\n1,2\n", 3, max_header_bytes=8)
    check_header(b"ab,cd\n1,2\n", 3, max_header_bytes=8)


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("a,é\n".encode(), "utf-8"),
        ("a,é\n".encode("utf-8-sig"), "utf-8"),
        ("a,é\n".encode("utf-16"), "utf-16"),
        ("a,é\n".encode("cp1252"), "cp1252"),
        (b"a,b\n1,2\n", "utf-8"),
    ],
)
def test_the_encoding_read_is_reported(raw, encoding):
    text, found = decode_text(raw)
    assert text == raw.decode(encoding).removeprefix("\ufeff") and found == encoding


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("a,é\n".encode() + "b,é\n".encode("latin-1"), "line 1 is UTF-8, but byte 0xe9 on line 2"),
        ("b,é\r".encode("latin-1") + "a,é\r".encode(), "line 2 is UTF-8, but byte 0xe9 on line 1"),
        ("a,b\n".encode("utf-8-sig") + "é\n".encode("latin-1"), "its byte-order mark is UTF-8"),
    ],
    ids=["utf8-first", "latin1-first-old-mac", "bom"],
)
def test_mixed_encodings_are_refused_naming_a_line_of_each(raw, fragment):
    with pytest.raises(DatasetError, match=fragment) as caught:
        decode(raw)
    assert caught.value.field == "file"
