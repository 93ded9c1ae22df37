"""A CSV file read once: its text, separator and column names, for a target picker and the loader.

:func:`read_csv_source` reads the bytes, bounds the header on them, decodes and sniffs them and
reads the header; :func:`~reluscope.datasets.load_csv` takes the :class:`CsvSource` it returns
as well as a path or a buffer, so that an app offering the columns to pick a target from reads
and decodes the file once however often the target changes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from reluscope.datasets.csv_table import parse_error, read_header
from reluscope.datasets.csv_text import (
    check_header,
    check_lines,
    decode_text,
    file_error,
    internal_error,
    read_bytes,
    reader,
    sniff_separator,
)
from reluscope.datasets.limits import MAX_BYTES, MAX_COLUMNS
from reluscope.errors import DatasetError

__all__ = ["CsvSource", "csv_columns", "read_csv_source"]

ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}
"""The encodings the reader decodes, by the name a description gives them."""


@dataclass(frozen=True, eq=False)
class CsvSource:
    """A CSV file's decoded text with what its first read found.

    Attributes
    ----------
    text : str
        The whole file, decoded.
    separator : str
        One of ``,`` ``;`` tab ``|``, as sniffed from the first lines.
    columns : tuple of str
        The header's column names, each a valid ``target`` of ``load_csv`` on this source.
    encoding : {"utf-8", "utf-16", "cp1252"}
        What the bytes were decoded as (see :func:`~reluscope.datasets.csv_text.decode_text`).
    name : str or None
        The file name, if the source had one.
    """

    text: str = field(repr=False)
    separator: str
    columns: tuple[str, ...]
    encoding: str
    name: str | None = None


def read_csv_source(
    path_or_buffer, *, max_columns: int = MAX_COLUMNS, max_bytes: int = MAX_BYTES
) -> CsvSource:
    """Read a CSV file's bytes once into a :class:`CsvSource`, or say why it is not usable.

    The header line is bounded on the raw bytes before it is split (length and field count,
    :func:`~reluscope.datasets.csv_text.check_header`), and so is every line's length
    (:func:`~reluscope.datasets.csv_text.check_lines`).

    Parameters
    ----------
    path_or_buffer : str, os.PathLike, bytes or file-like
        As for :func:`~reluscope.datasets.load_csv`.
    max_columns, max_bytes : int
        Caps on the header's columns and on the file's size.

    Raises
    ------
    DatasetError
        ``field="file"`` when the bytes are not a text CSV file or the header is not usable (no
        header, a single column, unnamed or repeated names, too many columns, too long); a
        failure nobody foresaw says so, as in ``load_csv``.
    """
    try:
        return _read(path_or_buffer, max_columns, max_bytes)
    except DatasetError:
        raise
    except Exception as error:
        raise internal_error(error) from error


def _read(path_or_buffer, max_columns: int, max_bytes: int) -> CsvSource:
    raw, name = read_bytes(path_or_buffer, max_bytes)
    check_header(raw, max_columns)
    check_lines(raw)
    text, encoding = decode_text(raw)
    del raw  # the text is all that is kept
    if not text.strip():
        raise file_error("the file is empty; expected a header line and rows of values.")
    separator = sniff_separator(text)
    rows = reader(text, separator)
    try:
        for row in rows:
            cells = [cell.strip() for cell in row]
            if any(cells):
                names, _ = read_header(cells, None, max_columns)
                return CsvSource(text, separator, tuple(names), encoding, name)
    except csv.Error as error:
        raise parse_error(error, rows.line_num) from None
    raise file_error("the file has no values, only separators and blank lines.")


def csv_columns(raw: bytes) -> tuple[str, ...]:
    """The column names of a CSV file's header line, read exactly as ``load_csv`` reads them.

    For a column picker: the encoding (UTF-8, UTF-16 with BOM, Windows-1252) and the separator
    are detected from the content like the loader does, so any name returned here is a valid
    ``target`` of ``load_csv`` on the same bytes. To read the file once for both, use
    :func:`read_csv_source` and pass its result to ``load_csv``.

    Raises
    ------
    DatasetError
        When the bytes are not a text CSV file or its header line is not usable (no header,
        a single column, unnamed or repeated names, more than
        :data:`~reluscope.datasets.MAX_COLUMNS` columns): ``field="file"``; ``field="raw"`` when
        ``raw`` is not bytes.

    >>> csv_columns("größe;länge;art\\n1,5;2;x\\n".encode("utf-16"))
    ('größe', 'länge', 'art')
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise DatasetError(
            f"raw of type {type(raw).__name__} is not allowed; expected bytes.",
            field="raw", value=raw,
        )  # fmt: skip
    return read_csv_source(bytes(raw)).columns
