"""A dataset as the Data page shows it: class balance and the catalogue of datasets."""

from __future__ import annotations

import pandas as pd

from reluscope.frames._columns import require_columns

__all__ = ["class_balance", "dataset_catalog", "is_categorical"]


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
