"""A dataset as the Data page shows it: class balance, the catalogue of datasets, its CSV export."""

from __future__ import annotations

import pandas as pd

from reluscope.frames._columns import require_columns

__all__ = [
    "FORMULA_STARTS",
    "class_balance",
    "dataset_catalog",
    "export_csv",
    "is_categorical",
    "neutralize_formulas",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell beginning with one of these is read as a formula by spreadsheets (OWASP)."""


def is_categorical(values: pd.Series, max_classes: int = 10) -> bool:
    """Whether a column reads as classes: not numeric, or at most ``max_classes`` values."""
    return not pd.api.types.is_numeric_dtype(values) or values.nunique() <= max_classes


def class_balance(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """Number and share of rows per class of ``target``.

    Returns
    -------
    DataFrame
        ``class, count, share``, one row per class in sorted order.
    """
    require_columns(frame, [target], "class balance")
    counts = frame[target].astype(str).value_counts(sort=False).sort_index()
    return pd.DataFrame(
        {"class": counts.index, "count": counts.to_numpy(), "share": counts.to_numpy() / len(frame)}
    )


def dataset_catalog() -> pd.DataFrame:
    """Every dataset the sidebar offers: generators, scikit-learn's real data, bundled files.

    Returns
    -------
    DataFrame
        ``dataset, kind, task, description``; a bundled file's name carries its prefix
        (``csv:``), as the sidebar and the URL write it.
    """
    from reluscope.config import BUNDLED_PREFIX
    from reluscope.datasets import DATASETS, bundled_datasets, bundled_description, dataset_info

    rows = [
        {
            "dataset": name,
            "kind": "real (scikit-learn)" if dataset_info(name).real else "generator",
            "task": dataset_info(name).task,
            "description": dataset_info(name).description,
        }
        for name in DATASETS
    ] + [
        {
            "dataset": f"{BUNDLED_PREFIX}{name}",
            "kind": f"bundled file data/{path.name}",
            "task": "",
            "description": bundled_description(name),
        }
        for name, path in bundled_datasets().items()
    ]
    return pd.DataFrame(rows, columns=["dataset", "kind", "task", "description"])


def _neutral(cell: object) -> object:
    if not isinstance(cell, str) or not cell.startswith(FORMULA_STARTS):
        return cell
    try:
        float(cell)  # "-1.5" is a number written as text, not a formula
    except ValueError:
        return "'" + cell
    return cell


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell a spreadsheet would run as a formula made inert.

    As OWASP recommends against CSV injection, a text cell beginning with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return gets a leading ``'``, so that ``=HYPERLINK(...)`` is
    shown as text. Numeric columns, and text cells that are numbers (``-1.5``), are unchanged.
    Column names are text cells too and are treated alike.

    Parameters
    ----------
    frame : DataFrame
        Any shape; not modified.

    Returns
    -------
    DataFrame
        The same shape and index; a column with a neutralised cell holds text (object).
    """
    out = frame.rename(columns=_neutral)
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            if any(_neutral(c) is not c for c in column.cat.categories):
                # as text: a neutralised label could equal another category
                out[name] = column.astype(object).map(_neutral)
        elif not pd.api.types.is_numeric_dtype(column):
            out[name] = column.map(_neutral)
    return out


def export_csv(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV bytes for a download, formulas neutralised.

    See :func:`neutralize_formulas`; numbers are written as numbers, the index is left out.
    """
    return neutralize_formulas(frame).to_csv(index=False).encode()
