"""Wide data rows, kept running: a row of millions of cells is refused from the raw bytes,
before the CSV reader splits it (it used to allocate about 300 MB first)."""

from __future__ import annotations

import pytest
from test_reliability_uploads import HEADER_BUDGET, peak_bytes

from reluscope.datasets import csv_columns, load_csv, read_csv_source
from reluscope.datasets.csv_text import check_lines
from reluscope.datasets.limits import MAX_BYTES, MAX_LINE_BYTES
from reluscope.errors import DatasetError


def wide_row_bomb(n_cells: int = 20_000_000) -> bytes:
    """About 40 MB: a short header and rows, then one row of ``n_cells`` cells."""
    return b"x,y\n" + b"1,2\n" * 20 + b"1," * (n_cells - 1) + b"1\n" + b"3,4\n"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return wide_row_bomb()


@pytest.mark.parametrize("read", [load_csv, csv_columns, read_csv_source])
def test_a_wide_row_is_refused_from_its_raw_bytes_in_bounded_memory(bomb, read):
    assert 35e6 < len(bomb) < MAX_BYTES
    peak, error = peak_bytes(read, bomb)
    assert peak < HEADER_BUDGET, f"{peak / 2**20:.1f} MiB"
    assert error.field == "file" and error.value == MAX_LINE_BYTES
    assert "line 22 " in str(error) and f"max_line_bytes={MAX_LINE_BYTES}" in str(error)


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_every_line_ending_counts_lines_and_the_limit_is_inclusive(newline):
    at_limit = b"x,y" + newline + b"7" * MAX_LINE_BYTES + newline
    check_lines(at_limit)  # exactly the limit passes
    with pytest.raises(DatasetError, match="line 3 is longer"):
        check_lines(b"x,y" + newline + b"1,2" + newline + b"7" * (MAX_LINE_BYTES + 1))


def test_a_long_line_across_chunks_and_after_many_short_ones_is_found():
    raw = b"x\n" + b"1\n" * 1_000_000 + b"2" * (MAX_LINE_BYTES + 1)
    with pytest.raises(DatasetError, match="line 1000002 is longer"):
        check_lines(raw)
    check_lines(b"x\n" + b"1\n" * 1_000_000 + b"2" * MAX_LINE_BYTES)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_file_is_measured_in_its_characters(encoding):
    bom = "\ufeff" if encoding == "utf-16-be" else ""  # "utf-16" writes its own mark
    fits = f"{bom}x,y\n{'7' * (MAX_LINE_BYTES // 2)}\n".encode(encoding)
    check_lines(fits)
    too_long = f"{bom}x,y\n1,2\n{'7' * (MAX_LINE_BYTES // 2 + 1)}\n".encode(encoding)
    with pytest.raises(DatasetError, match="line 3 is longer"):
        check_lines(too_long)


def test_an_ordinary_file_still_loads():
    raw = b"x,y,label\n" + b"".join(f"{i},{i % 7},{'ab'[i % 2]}\n".encode() for i in range(200))
    data = load_csv(raw)
    assert data.n_samples == 200 and data.feature_names == ("x", "y")
