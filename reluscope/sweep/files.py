"""Run tables on disk: the precomputed ones shipped in ``data/precomputed/``, and writing."""

from __future__ import annotations

import re
from pathlib import Path

from reluscope.errors import InvalidParameterError
from reluscope.sweep.tables import OLD_COLUMNS

__all__ = ["PRECOMPUTED", "check_output_path", "load_precomputed", "read_table", "write_table"]

PRECOMPUTED = {"sweep": "sweep_default.csv", "recovery": "recovery_default.csv"}
"""Run tables shipped in ``data/precomputed/``, by name (``data/README.md`` gives their
commands); :func:`load_precomputed` reads them."""

_SUFFIX = re.compile(r"\.(csv|parquet|pq)$", re.IGNORECASE)


def read_table(path):
    """A run or curves table from a .csv or .parquet file, old column names renamed.

    Tables written before ``hidden`` became ``hidden_layers`` and ``dead_fraction_init``
    became ``born_dead_fraction`` (:data:`~reluscope.sweep.tables.OLD_COLUMNS`) read as today's.
    """
    import pandas as pd

    path = Path(path)
    if path.suffix.lower() == ".csv":
        frame = pd.read_csv(path)
    elif path.suffix.lower() in (".parquet", ".pq"):
        frame = pd.read_parquet(path)
    else:
        raise InvalidParameterError("path", str(path), "a path ending in .csv or .parquet")
    return frame.rename(columns={old: new for old, new in OLD_COLUMNS.items() if old in frame})


def load_precomputed(name: str = "sweep"):
    """A run table shipped with reluscope: ``"sweep"`` (the phase diagram's default sweep) or
    ``"recovery"`` (born-inactive recovery by activation, slope and solver).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~reluscope.sweep.tables.RUN_COLUMNS`.
    """
    from reluscope.resources import data_path

    if name not in PRECOMPUTED:
        raise InvalidParameterError("name", name, f"one of {', '.join(PRECOMPUTED)}")
    return read_table(data_path("precomputed", PRECOMPUTED[name]))


def write_table(frame, path) -> Path:
    """Write a table as CSV or Parquet, chosen by the file's suffix (.csv, .parquet)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix in (".parquet", ".pq"):
        frame.to_parquet(path, index=False)
    else:
        raise InvalidParameterError("out", str(path), "a path ending in .csv or .parquet")
    return path


def check_output_path(name: str, path) -> Path:
    """Fail before training when a table could not be written to ``path``."""
    path = Path(path)
    if not _SUFFIX.search(path.name):
        raise InvalidParameterError(name, str(path), "a path ending in .csv or .parquet")
    if not path.parent.exists() or not path.parent.is_dir():
        raise InvalidParameterError(name, str(path), "a file in an existing directory")
    return path
