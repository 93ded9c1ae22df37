"""From a CSV source to its text: reading the bytes, decoding them, guessing the separator.

Every failure is a :class:`~reluscope.errors.DatasetError` saying why the source is not a text
CSV file; its ``field`` is ``"file"`` (``"path_or_buffer"`` for a source of the wrong type).
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from reluscope.errors import DatasetError

SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
"""The separators the reader detects, by the name a message gives them."""
SNIFF_CHARS = 64 * 1024
"""The separator is guessed from at most this many characters at the start of the file."""
_SNIFF_ROWS = 50
# C0 controls other than tab, newline and carriage return never occur in a text CSV
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f]")
_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx or OpenDocument file is one)",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"\x93NUMPY": "a NumPy .npy file",
    b"PAR1": "a Parquet file",
}


def file_error(message: str, value: object = None) -> DatasetError:
    """A DatasetError about the data itself (``field="file"``); ``value`` the part at fault."""
    return DatasetError(message, field="file", value=value)


def read_bytes(source, max_bytes: int) -> tuple[bytes, str | None]:
    """The raw content (at most ``max_bytes``) and a file name if there is one.

    ``source`` is a path, bytes, or an object with ``read()`` (binary or text).
    """
    too_big = file_error(
        f"the file is larger than max_bytes={max_bytes} ({max_bytes / 2**20:.3g} MiB); "
        "use a smaller sample of rows."
    )
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise too_big
        return data, None
    if isinstance(source, str | os.PathLike):
        where = str(source)
        try:
            path = Path(source)
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except FileNotFoundError:
            hint = " (to parse CSV text, pass io.StringIO(text))" if "\n" in where else ""
            raise file_error(f"no such file: {where!r}{hint}.", where) from None
        except IsADirectoryError:
            raise file_error(f"{where!r} is a directory, not a CSV file.", where) from None
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or error
            raise file_error(f"could not open {where!r}: {reason}.", where) from None
        if len(data) > max_bytes:
            raise too_big
        return data, path.name
    if hasattr(source, "read"):
        try:
            # BytesIO (Streamlit's UploadedFile too) gives its whole content whatever its position
            data = source.getvalue() if hasattr(source, "getvalue") else source.read(max_bytes + 1)
        except (OSError, ValueError) as error:
            raise file_error(f"could not read the uploaded file: {error}.") from None
        if isinstance(data, str):
            data = data.encode("utf-8", errors="surrogatepass")
        if not isinstance(data, bytes | bytearray):
            raise file_error(f"reading the upload gave {type(data).__name__}, not bytes or text.")
        if len(data) > max_bytes:
            raise too_big
        name = getattr(source, "name", None)
        return bytes(data), Path(name).name if isinstance(name, str) and name else None
    raise DatasetError(
        f"path_or_buffer of type {type(source).__name__} is not allowed; expected a path, "
        "bytes or a file-like object.",
        field="path_or_buffer", value=source,
    )  # fmt: skip


def decode(raw: bytes) -> str:
    """Text of the file, or a DatasetError saying why it is not a text CSV.

    UTF-16 with a byte-order mark, else UTF-8 (with or without BOM), else Windows-1252.
    """
    for magic, kind in _MAGIC.items():
        if raw.startswith(magic):
            raise file_error(
                f"this is {kind}, not a CSV text file. Export or save it as CSV (UTF-8) first."
            )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise file_error(
                f"the file starts like UTF-16 text but byte {error.start} is not valid UTF-16; "
                "save it as CSV (UTF-8)."
            ) from None
    else:
        text = _decode_8bit(raw)
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise file_error(
            f"this does not look like a CSV text file: line {line} contains the control "
            f"character U+{ord(control.group()):04X}. Export or save it as CSV (UTF-8)."
        )
    return text


def _decode_8bit(raw: bytes) -> str:
    if b"\x00" in raw:
        raise file_error(
            "this looks like a binary file (it contains NUL bytes), not a CSV text file. "
            "Export or save it as CSV (UTF-8)."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            # Excel on Windows still saves "CSV" in this encoding
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            line = raw[: utf8_error.start].count(b"\n") + 1
            raise file_error(
                f"the file is not UTF-8 text: byte 0x{raw[utf8_error.start]:02x} on line {line} "
                "cannot be decoded. Save it as CSV (UTF-8)."
            ) from None
    return text.removeprefix("\ufeff")


def reader(text: str, separator: str):
    """A ``csv.reader`` over ``text`` with double quotes and spaces after separators skipped."""
    return csv.reader(
        io.StringIO(text, newline=""), delimiter=separator, quotechar='"', skipinitialspace=True
    )


def sniff_separator(text: str) -> str:
    """The candidate separator that splits the first lines into the most, consistent fields."""
    sample = text[:SNIFF_CHARS]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample  # drop a line cut in half
    best, best_score = ",", None
    for separator in SEPARATOR_NAMES:
        counts = []
        try:
            for row in reader(sample, separator):
                if any(cell.strip() for cell in row):
                    counts.append(len(row))
                if len(counts) >= _SNIFF_ROWS:
                    break
        except csv.Error:
            continue
        if not counts:
            continue
        header = counts[0]
        consistent = all(count == header for count in counts)
        agreeing = sum(count == header for count in counts) / len(counts)
        score = (header > 1 and consistent, header > 1, agreeing, header)
        if best_score is None or score > best_score:
            best, best_score = separator, score
    return best
