"""From a CSV source to its text: reading the bytes, decoding them, guessing the separator.

The header line is bounded on the raw bytes (:func:`check_header`) before anything splits it,
so that a file whose first line holds millions of names is refused without building them; so is
every other line (:func:`check_lines`), so that no row of millions of cells is split either.
Decoding follows one documented rule (:func:`decode_text`): UTF-16 with a byte-order mark,
else UTF-8, else Windows-1252 only when no line is UTF-8 — a file mixing UTF-8 with another
8-bit encoding is refused, naming a line of each, rather than decoded wrongly.

Every failure is a :class:`~reluscope.errors.DatasetError` saying why the source is not a text
CSV file; its ``field`` is ``"file"`` (``"path_or_buffer"`` for a source of the wrong type).
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import numpy as np

from reluscope.datasets.limits import MAX_HEADER_BYTES, MAX_LINE_BYTES
from reluscope.errors import DatasetError

SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
"""The separators the reader detects, by the name a message gives them."""
SNIFF_CHARS = 64 * 1024
"""The separator is guessed from at most this many characters at the start of the file."""
_SNIFF_ROWS = 50
# code units scanned at a time for line breaks: a few MB of index arrays at most
_LINE_CHUNK = 256 * 1024
# C0 controls other than tab, newline and carriage return never occur in a text CSV
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f]")
# one row of a CSV file: quoted fields may hold anything, other text no line break
_ROW = re.compile(r'(?:"[^"]*"|[^"\r\n])*')
_QUOTED = re.compile(r'"[^"]*"')
_BLANK = " \t" + "".join(SEPARATOR_NAMES)  # a row of only these is skipped by the reader
# a well-formed UTF-8 sequence of two to four bytes (RFC 3629): what no 8-bit text holds by chance
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
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


def internal_error(error: Exception) -> DatasetError:
    """The DatasetError for a failure of the reader itself, not a known problem with the file."""
    return file_error(
        f"could not read the file: internal error: {type(error).__name__}: {error}. This "
        "is an unexpected failure of reluscope's CSV reader, not a problem it knows of; "
        "please report it together with the file."
    )


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


def check_header(raw: bytes, max_columns: int, max_header_bytes: int = MAX_HEADER_BYTES) -> None:
    """Refuse a header line too long or with too many fields, from the raw bytes, unsplit.

    The header is the first row holding more than separators and spaces; it and the blank rows
    before it must end within ``max_header_bytes`` bytes (counted in UTF-16 code units × 2 for
    a UTF-16 file). Its fields are counted outside double quotes for each separator the reader
    detects; the largest count (the separator that splits it most, as the sniffer prefers) must
    not exceed ``max_columns``. Trailing empty names (a separator ending every line) do not count.

    Raises
    ------
    DatasetError
        ``field="file"``, naming the limit that was passed.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # two bytes a character; a cut surrogate pair or a bad byte only blurs the count
        head = raw[: max_header_bytes + 4].decode("utf-16", errors="replace")
        limit, longer = max_header_bytes // 2, len(raw) > max_header_bytes + 2
    else:
        # one character per byte keeps byte offsets; the separators are ASCII in every 8-bit text
        head = raw[: max_header_bytes + 1].decode("latin-1").removeprefix("\xef\xbb\xbf")
        limit, longer = max_header_bytes, len(raw) > max_header_bytes
    too_long = file_error(
        f"the header line is longer than max_header_bytes={max_header_bytes} bytes; a header "
        f"names at most max_columns={max_columns} columns. Check that the first line is the "
        "header and that it has line breaks.",
        max_header_bytes,
    )
    start = 0
    while start < len(head):
        end = _ROW.match(head, start).end()
        if end > limit or (end == len(head) and longer):
            raise too_long  # the row runs past the bytes a header may take
        if end < len(head) and head[end] == '"':  # a quote not closed within them
            if longer:
                raise file_error(
                    f"could not parse line {_line_of(raw, end)}: a quoted field of the header is "
                    f"not closed within max_header_bytes={max_header_bytes} bytes. Check the "
                    "quoting.",
                    max_header_bytes,
                )
            return  # a short file: the parser says where the quote is
        # a quoted field counts as one name, blank if it holds only spaces (as the reader sees it)
        row = _QUOTED.sub(lambda quoted: "x" if quoted.group().strip('" ') else "", head[start:end])
        if row.strip(_BLANK):
            width = max(row.rstrip(" " + separator).count(separator) + 1
                        for separator in SEPARATOR_NAMES)  # fmt: skip
            if width > max_columns:
                raise file_error(
                    f"the file has {width} columns; at most max_columns={max_columns} are "
                    "allowed (counted on its header line).",
                    width,
                )
            return
        start = end + (2 if head.startswith("\r\n", end) else 1)
    if longer:
        raise too_long


def check_lines(raw: bytes, max_line_bytes: int = MAX_LINE_BYTES) -> None:
    """Refuse a file with a line longer than ``max_line_bytes`` bytes, from the raw bytes.

    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``; a UTF-16 file (with its byte-order
    mark) is scanned in code units of two bytes. The scan runs in chunks, so it holds a few
    MB whatever the size of the file.

    Raises
    ------
    DatasetError
        ``field="file"``, naming the line and the limit (``value`` is ``max_line_bytes``).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        order = "<" if raw.startswith(b"\xff\xfe") else ">"
        units = np.frombuffer(raw, dtype=f"{order}u2", count=len(raw) // 2)
        limit = max_line_bytes // 2
    else:
        units, limit = np.frombuffer(raw, dtype=np.uint8), max_line_bytes
    line_start = 0  # where the line being scanned starts
    for start in range(0, len(units), _LINE_CHUNK):
        chunk = units[start : start + _LINE_CHUNK]
        breaks = np.flatnonzero((chunk == 10) | (chunk == 13)) + start
        if breaks.size:
            lengths = np.diff(breaks, prepend=line_start - 1) - 1
            longest = int(np.argmax(lengths))
            if lengths[longest] > limit:
                _line_too_long(raw, units, breaks[longest] - lengths[longest], max_line_bytes)
            line_start = int(breaks[-1]) + 1
        if start + len(chunk) - line_start > limit:  # the line still open is too long already
            _line_too_long(raw, units, line_start, max_line_bytes)


def _line_too_long(raw: bytes, units: np.ndarray, offset: int, max_line_bytes: int) -> None:
    before = units[:offset]
    crlf = np.count_nonzero((before[:-1] == 13) & (before[1:] == 10))
    line = np.count_nonzero(before == 10) + np.count_nonzero(before == 13) - crlf + 1
    raise file_error(
        f"line {line} is longer than max_line_bytes={max_line_bytes} bytes, far more than a "
        "row of numbers or labels needs. Check that the file has a line break after every row.",
        max_line_bytes,
    )


def decode(raw: bytes) -> str:
    """Text of the file, or a DatasetError saying why it is not a text CSV (:func:`decode_text`)."""
    return decode_text(raw)[0]


def decode_text(raw: bytes) -> tuple[str, str]:
    """Text of the file and the encoding it was read in, or a DatasetError saying why not.

    The rule: UTF-16 with a byte-order mark; else UTF-8 (with or without BOM) when the whole
    file is UTF-8; else Windows-1252 (``"cp1252"``, what Excel on Windows saves) when no part
    of the file is UTF-8 beyond ASCII. A file with both UTF-8 sequences and bytes that are not
    UTF-8 mixes encodings: it is refused with a message naming a line of each, since any single
    encoding would turn one of them into wrong letters (``café`` into ``cafÃ©``).
    """
    for magic, kind in _MAGIC.items():
        if raw.startswith(magic):
            raise file_error(
                f"this is {kind}, not a CSV text file. Export or save it as CSV (UTF-8) first."
            )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise file_error(
                f"the file starts like UTF-16 text but byte {error.start} is not valid UTF-16; "
                "save it as CSV (UTF-8)."
            ) from None
    else:
        text, encoding = _decode_8bit(raw)
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise file_error(
            f"this does not look like a CSV text file: line {line} contains the control "
            f"character U+{ord(control.group()):04X}. Export or save it as CSV (UTF-8)."
        )
    return text, encoding


def _line_of(raw: bytes, offset: int) -> int:
    # a line ends with \n, \r\n or a lone \r (old Mac files), as the reader counts them
    before = raw[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def _decode_8bit(raw: bytes) -> tuple[str, str]:
    if b"\x00" in raw:
        raise file_error(
            "this looks like a binary file (it contains NUL bytes), not a CSV text file. "
            "Export or save it as CSV (UTF-8)."
        )
    try:
        return raw.decode("utf-8-sig").removeprefix("\ufeff"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        bad = utf8_error.start + bom  # the decoder counts from after the byte-order mark
    utf8 = _UTF8_MULTIBYTE.search(raw, bom)
    if utf8 is not None or bom:
        where = f"line {_line_of(raw, utf8.start())}" if utf8 else "its byte-order mark"
        raise file_error(
            f"the file mixes text encodings: {where} is UTF-8, but byte 0x{raw[bad]:02x} on "
            f"line {_line_of(raw, bad)} is not UTF-8 (it looks like Latin-1 or Windows-1252). "
            "Decoding it either way would change letters; save the whole file as CSV (UTF-8)."
        )
    try:
        # Excel on Windows still saves "CSV" in this encoding
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise file_error(
            f"the file is not UTF-8 text: byte 0x{raw[bad]:02x} on line {_line_of(raw, bad)} "
            "cannot be decoded. Save it as CSV (UTF-8)."
        ) from None


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
