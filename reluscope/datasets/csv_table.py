"""From a CSV file's text to a table of numbers: the header line, the rows, the cells.

Rows are read one by one into floats, so that no table of strings is kept; a problem with the
file's layout is a :class:`~reluscope.errors.DatasetError` with ``field="file"`` (``"target"``
for a target that is not a column).
"""

from __future__ import annotations

import csv
import math
from array import array
from dataclasses import dataclass

import numpy as np

from reluscope.datasets.csv_text import SEPARATOR_NAMES, file_error, reader
from reluscope.datasets.limits import MIN_ROWS
from reluscope.errors import DatasetError

__all__ = ["MISSING", "Table", "read_table"]

# how a missing cell is written by spreadsheets, R, pandas and the UCI repository
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "#n/a"})


def parse_error(error: csv.Error, line: int) -> DatasetError:
    """The DatasetError for a line the csv module cannot parse."""
    return file_error(f"could not parse line {line}: {error}. Check the quoting.")


@dataclass
class Table:
    """A CSV file's data, its target column still as written."""

    feature_names: list[str]
    target: str
    X: np.ndarray  # (n_rows, n_features) float64; NaN where missing or not a number
    target_cells: list[str]  # (n_rows,) as written
    lines: list[int]  # (n_rows,) line in the file where each row starts
    not_numeric: dict[str, tuple[int, str]]  # feature -> (line, cell) of its first text cell


def read_table(text: str, separator: str, target, max_rows: int, max_columns: int) -> Table:
    """The header and rows of ``text``; ``target`` None means the last column."""
    rows = reader(text, separator)
    decimal_comma = separator != ","
    header: list[str] | None = None
    values = array("d")
    target_cells: list[str] = []
    lines: list[int] = []
    ragged: list[tuple[int, int]] = []  # (line, number of fields) of rows of the wrong width
    not_numeric: dict[int, tuple[int, str]] = {}
    n_rows = end = 0
    try:
        for row in rows:
            start, end = end + 1, rows.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue  # blank lines and Excel's trailing ";;;" rows
            if any("\n" in cell or "\r" in cell for cell in cells):
                raise file_error(
                    f"a quoted field starting on line {start} runs over several lines; "
                    'check for a missing closing quote (").'
                )
            if header is None:
                header, target_index = read_header(cells, target, max_columns)
                width = len(header)
                continue
            n_rows += 1
            if n_rows > max_rows:
                raise file_error(
                    f"the file has more than max_rows={max_rows} data rows; use a sample of "
                    "at most that many."
                )
            if len(cells) != width:
                if len(cells) < width or any(cells[width:]):
                    ragged.append((start, len(cells)))
                    continue
                cells = cells[:width]  # trailing empty fields (a separator at the end) hold nothing
            target_cells.append(cells.pop(target_index))
            lines.append(start)
            try:
                values.extend(list(map(float, cells)))
            except ValueError:
                for j, cell in enumerate(cells):
                    number = to_number(cell, decimal_comma)
                    if number is None:
                        not_numeric.setdefault(j, (start, cell))
                    values.append(math.nan if number is None else number)
    except csv.Error as error:
        raise parse_error(error, rows.line_num) from None
    if header is None:
        raise file_error("the file has no values, only separators and blank lines.")
    if not n_rows:
        raise file_error(f"the file has a header line ({', '.join(header)}) but no data rows.")
    if ragged:
        (line, fields), where = ragged[0], ", ".join(str(line) for line, _ in ragged[:5])
        raise file_error(
            f"ragged rows: line {line} has {fields} fields but the header has {width} "
            f"({len(ragged)} of {n_rows} rows differ, on lines {where}"
            f"{' …' if len(ragged) > 5 else ''}). The separator looks like "
            f"{SEPARATOR_NAMES[separator]}; check for unquoted separators in values and for "
            "missing or extra fields."
        )
    if n_rows < MIN_ROWS:
        raise file_error(
            f"the file has only {n_rows} data row{'s' if n_rows > 1 else ''}; at least "
            f"{MIN_ROWS} are needed to train and test a model."
        )
    feature_names = [name for j, name in enumerate(header) if j != target_index]
    return Table(
        feature_names=feature_names,
        target=header[target_index],
        X=np.frombuffer(values, dtype=np.float64).reshape(n_rows, len(feature_names)),
        target_cells=target_cells,
        lines=lines,
        not_numeric={feature_names[j]: first for j, first in sorted(not_numeric.items())},
    )


def read_header(cells: list[str], target, max_columns: int) -> tuple[list[str], int]:
    """Check the column names; return them and the target's index.

    Trailing empty names (a separator at the end of every line, as some spreadsheets write)
    are dropped; their columns must then be empty too.
    """
    width = len(cells)
    while width > 1 and not cells[width - 1]:
        width -= 1
    if width > max_columns:
        raise file_error(
            f"the file has {width} columns; at most max_columns={max_columns} are allowed."
        )
    if all(to_number(cell, False) is not None and cell for cell in cells):
        raise file_error(
            f"the first line ({', '.join(cells)}) looks like data, not column names: add a "
            "header line naming the columns, e.g. x1,x2,label."
        )
    names = cells[:width]
    if width < 2:
        raise file_error(
            f"the file has a single column ({names[0]!r}); a dataset needs at least one feature "
            "column and a target column, separated by commas, semicolons, tabs or |."
        )
    if "" in names:
        raise file_error(
            f"column {names.index('') + 1} has no name in the header line; name every column."
        )
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        if name in seen:
            raise file_error(
                f"the column name {name!r} appears twice (columns {seen[name] + 1} and {j + 1}); "
                "column names must be distinct.",
                name,
            )
        seen[name] = j
    target = names[-1] if target is None else target
    if target not in seen:
        import difflib  # only needed for this message

        close = difflib.get_close_matches(target, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise DatasetError(
            f"target={target!r} is not a column of the file; the columns are "
            f"{', '.join(repr(name) for name in names)}.{hint}",
            field="target", value=target,
        )  # fmt: skip
    return names, seen[target]


def to_number(cell: str, decimal_comma: bool) -> float | None:
    """The cell's value, NaN if it marks a missing value, None if it is text."""
    try:
        return float(cell)
    except ValueError:
        pass
    if cell.lower() in MISSING:
        return math.nan
    if decimal_comma and cell.count(",") == 1:
        try:
            return float(cell.replace(",", "."))
        except ValueError:
            pass
    return None


def parse_numbers(cells: list[str], decimal_comma: bool) -> tuple[np.ndarray, list[int]]:
    """float64 values of shape (len(cells),) with NaN where missing, and indices of text cells."""
    try:
        return np.fromiter(map(float, cells), np.float64, count=len(cells)), []
    except ValueError:
        pass
    numbers = [to_number(cell, decimal_comma) for cell in cells]
    not_numbers = [k for k, number in enumerate(numbers) if number is None]
    return np.array([math.nan if n is None else n for n in numbers], dtype=np.float64), not_numbers
