"""Users' CSV files: :func:`load_csv` reads one into a :class:`Dataset` or says what is wrong.

The file's text comes from :mod:`~reluscope.datasets.csv_source`, its table of numbers from
:mod:`~reluscope.datasets.csv_table`; this module checks the values, turns the target into
labels or numbers and infers the task.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from reluscope.datasets.container import TASKS, Dataset, checked, encode_labels
from reluscope.datasets.csv_source import ENCODING_NAMES, CsvSource, read_csv_source
from reluscope.datasets.csv_table import MISSING, Table, parse_numbers, read_table
from reluscope.datasets.csv_text import SEPARATOR_NAMES, file_error, internal_error
from reluscope.datasets.limits import (
    MAX_ABS_VALUE,
    MAX_BYTES,
    MAX_CLASSES,
    MAX_COLUMNS,
    MAX_INFERRED_CLASSES,
    MAX_ROWS,
)
from reluscope.errors import DatasetError
from reluscope.validation import check_choice, check_integer

__all__ = ["load_csv"]


def load_csv(
    path_or_buffer,
    target: str | None = None,
    task: str | None = None,
    *,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    max_bytes: int = MAX_BYTES,
) -> Dataset:
    """Read a CSV file with a header line into a :class:`Dataset`, or say exactly what is wrong.

    Separators ``,`` ``;`` tab and ``|`` are detected, as are quoted fields, Windows or old Mac
    newlines, UTF-8 with or without BOM, UTF-16 with BOM and Windows-1252 (when no line is UTF-8;
    a file mixing UTF-8 with another encoding is refused, and the description of a dataset read
    as Windows-1252 says so). With a separator other than a comma, decimal commas (``1,5``) are
    read as numbers. Blank lines and rows of empty cells are skipped. Cells ``""``, ``NA``,
    ``N/A``, ``nan``, ``null``, ``None`` and ``?`` count as missing.

    Parameters
    ----------
    path_or_buffer : str, os.PathLike, bytes, file-like or CsvSource
        A path, the file's bytes, or an object with ``read()`` (binary or text), such as
        Streamlit's ``UploadedFile``; its ``name`` becomes the dataset's name. A
        :class:`~reluscope.datasets.CsvSource` from ``read_csv_source`` is used as it was
        read (``max_bytes`` then no longer applies).
    target : str or None
        The target column; ``None`` means the last column. Every other column is a feature and
        must be numeric.
    task : {"classification", "regression"} or None
        ``None`` infers it: text labels, or integers with at most 20 distinct values, mean
        classification; anything else regression.
    max_rows, max_columns, max_bytes : int
        Caps on data rows, columns (target included) and file size. The header line is also
        bounded by :data:`~reluscope.datasets.MAX_HEADER_BYTES`, on the raw bytes.

    Returns
    -------
    Dataset
        ``X`` of shape (n_rows, n_columns - 1) in file order, ``y`` of shape (n_rows,). Class
        names are the labels as written, sorted (numerically when they are numbers).

    Raises
    ------
    DatasetError
        The only exception. Its ``field`` is the argument at fault (``"target"``, ``"task"``,
        ``"max_rows"``, ``"path_or_buffer"``, …) or ``"file"`` for the data itself: empty file,
        header only, fewer than 10 rows, ragged rows, not a text CSV, non-numeric features,
        missing or infinite values, more rows, columns or bytes than the caps. A target that
        cannot be learnt (a single class, a class with one row, a constant) has
        ``field="target"``. A failure nobody foresaw is still a DatasetError (``field="file"``),
        one that says so and names the exception, which it chains as ``__cause__``.
    """
    try:
        return _load_csv(path_or_buffer, target, task, max_rows, max_columns, max_bytes)
    except DatasetError:
        raise
    except Exception as error:
        # a bug in the reader, not a known problem with the file: say so, and name it
        raise internal_error(error) from error


def _load_csv(source, target, task, max_rows, max_columns, max_bytes) -> Dataset:
    for key, value in (("max_rows", max_rows), ("max_columns", max_columns),
                       ("max_bytes", max_bytes)):  # fmt: skip
        checked(check_integer, key, value, 1, exact=True, allowed="a positive integer")
    if target is not None and not isinstance(target, str):
        raise DatasetError(
            f"target={target!r} is not allowed; expected a column name or None.",
            field="target", value=target,
        )  # fmt: skip
    if task is not None:
        checked(check_choice, "task", task, TASKS, allowed=f"None or one of {TASKS}")
    if not isinstance(source, CsvSource):
        source = read_csv_source(source, max_columns=max_columns, max_bytes=max_bytes)
    separator, file_name = source.separator, source.name
    table = read_table(source.text, separator, target, max_rows, max_columns)
    if table.not_numeric:
        bad = [f"{name!r} (line {line}: {cell!r})"
               for name, (line, cell) in table.not_numeric.items()]  # fmt: skip
        raise file_error(
            f"feature columns must hold numbers, but {_listing(bad, 5)} "
            f"{'does' if len(bad) == 1 else 'do'} not. Remove those columns, encode them as "
            "numbers, or choose one of them as the target.",
            next(iter(table.not_numeric.values()))[1],
        )
    numbers = _numeric_target(table, task, decimal_comma=separator != ",")
    task = task or _infer_task(numbers)
    if task == "regression":
        y, class_names = _regression_target(table, numbers), ()
    else:
        y, class_names = _classification_target(table, numbers)
    origin = f"'{file_name}'" if file_name else "an uploaded file"
    how = SEPARATOR_NAMES[separator] + "-separated"
    if source.encoding == "cp1252":  # the fallback, named so that a wrong guess can be seen
        how += f", decoded as {ENCODING_NAMES[source.encoding]} (not UTF-8)"
    return Dataset(
        table.X, y, task, table.feature_names, table.target, class_names,
        name=Path(file_name).stem if file_name else "uploaded",
        description=f"{task} on {len(y)} rows × {len(table.feature_names)} features from "
        f"{origin} ({how})",
    )  # fmt: skip


def _numeric_target(table: Table, task, decimal_comma: bool) -> np.ndarray | None:
    """The target's values of shape (n_rows,) if they are all numbers, else None (text labels).

    Also checks every column for missing, infinite and huge values.
    """
    labels = table.target_cells
    numbers, text_cells = parse_numbers(labels, decimal_comma)
    if task == "regression" and text_cells:
        first = text_cells[0]
        raise DatasetError(
            f"task='regression' needs a numeric target, but {table.target!r} holds text such as "
            f"{labels[first]!r} (line {table.lines[first]}).",
            field="task", value=task,
        )  # fmt: skip
    columns = {name: table.X[:, j] for j, name in enumerate(table.feature_names)}
    columns[table.target] = (
        np.where([cell.lower() in MISSING for cell in labels], np.nan, 0.0) if text_cells
        else numbers
    )  # fmt: skip
    _check_finite(columns, table.lines)
    return None if text_cells else numbers


def _infer_task(numbers: np.ndarray | None) -> str:
    """Text labels, or few distinct integers, make a classification target."""
    if numbers is None:
        return "classification"
    few_integers = (
        np.all(numbers == np.round(numbers)) and np.unique(numbers).size <= MAX_INFERRED_CLASSES
    )
    return "classification" if few_integers else "regression"


def _regression_target(table: Table, numbers: np.ndarray) -> np.ndarray:
    if np.ptp(numbers) == 0:
        raise DatasetError(
            f"the target {table.target!r} is constant (every value is "
            f"{table.target_cells[0]}); there is nothing to learn. Choose another target column.",
            field="target", value=table.target,
        )  # fmt: skip
    return numbers


def _classification_target(table: Table, numbers: np.ndarray | None):
    """int64 codes of shape (n_rows,) and the class names: labels as written, sorted."""
    if numbers is not None:  # numeric order, so that 2 comes before 10
        codes, labels = encode_labels(numbers)
        class_names = tuple(_format_number(float(v)) for v in labels)
    else:
        codes, labels = encode_labels(np.array(table.target_cells, dtype=str))
        class_names = tuple(str(v) for v in labels)
    target = table.target
    if len(class_names) == 1:
        raise DatasetError(
            f"the target {target!r} has a single class ({class_names[0]!r}); classification "
            "needs at least two. Choose another target column.",
            field="target", value=target,
        )  # fmt: skip
    if len(class_names) > MAX_CLASSES:
        hint = " If it is a measurement, pass task='regression'." if numbers is not None else ""
        raise DatasetError(
            f"the target {target!r} has {len(class_names)} distinct labels; classification "
            f"allows at most {MAX_CLASSES}. Is it an identifier rather than a class?{hint}",
            field="target", value=target,
        )  # fmt: skip
    counts = np.bincount(codes, minlength=len(class_names))
    lonely = np.flatnonzero(counts < 2)
    if lonely.size:
        line = table.lines[int(np.argmax(codes == lonely[0]))]
        others = f" (and {lonely.size - 1} more classes too)" if lonely.size > 1 else ""
        raise DatasetError(
            f"class {class_names[lonely[0]]!r} of the target {target!r} has a single row "
            f"(line {line}){others}; every class needs at least 2 rows for a stratified "
            "train/test split. Fix the label, remove the row, or pass task='regression' if the "
            "target is a measurement.",
            field="target", value=target,
        )  # fmt: skip
    return codes, class_names


def _check_finite(columns: dict[str, np.ndarray], lines: list[int]) -> None:
    """DatasetError counting and locating missing, infinite and overly large values."""
    problems = []
    for kind, test in (
        ("missing", np.isnan),
        ("infinite", np.isinf),
        (f"larger than {MAX_ABS_VALUE:g} in magnitude",
         lambda v: np.abs(np.nan_to_num(v, posinf=0, neginf=0)) > MAX_ABS_VALUE),
    ):  # fmt: skip
        count = 0
        places = []
        for name, values in columns.items():
            hits = np.flatnonzero(test(values))
            if hits.size:
                count += hits.size
                shown = ", ".join(str(lines[k]) for k in hits[:3])
                more = f" and {hits.size - 3} more" if hits.size > 3 else ""
                places.append(f"{name!r} on line{'s' if hits.size > 1 else ''} {shown}{more}")
        if count:
            problems.append(
                f"{count} {kind} value{'s' if count > 1 else ''} ({_listing(places, 3)})"
            )
    if problems:
        raise file_error(
            f"the file has {'; '.join(problems)}. Remove or fill those rows, then load it again."
        )


def _listing(items: list[str], limit: int) -> str:
    shown = items[:limit] + ([f"{len(items) - limit} more"] if len(items) > limit else [])
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(float(value))
