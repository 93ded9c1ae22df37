"""Run tables on disk: the precomputed ones shipped in ``data/precomputed/``, and writing.

Outputs are checked before any training (:func:`check_writable`) and written whole or not at
all (:func:`replacing`): to a temporary file beside the target, renamed onto it at the end.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reluscope.errors import InvalidParameterError
from reluscope.sweep.tables import OLD_COLUMNS

__all__ = [
    "PRECOMPUTED",
    "check_output_path",
    "check_writable",
    "load_precomputed",
    "read_table",
    "replacing",
    "write_table",
]

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
    """Write a table as CSV or Parquet, chosen by the file's suffix (.csv, .parquet), whole or
    not at all (see :func:`replacing`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        raise InvalidParameterError("out", str(path), "a path ending in .csv or .parquet")
    with replacing(path) as temporary:
        if suffix == ".csv":
            frame.to_csv(temporary, index=False)
        else:
            frame.to_parquet(temporary, index=False)
    return path


def check_output_path(name: str, path) -> Path:
    """Fail before training when a table could not be written to ``path``."""
    path = Path(path)
    if not _SUFFIX.search(path.name):
        raise InvalidParameterError(name, str(path), "a path ending in .csv or .parquet")
    return check_writable(name, path)


def _in_place(path: Path) -> bool:
    """Whether ``path`` is a device or pipe (``/dev/stdout``): written directly, not replaced."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def check_writable(name: str, path) -> Path:
    """Fail unless a file can be written to ``path``: not a folder, in an existing folder where
    a file can be created (tried, not guessed from permissions, which root and /proc defeat).

    Raises
    ------
    InvalidParameterError
        Naming ``name`` (the option, e.g. ``"--history"``) and saying what is wrong.
    """
    path = Path(path)
    if path.is_dir():
        raise InvalidParameterError(name, str(path), "a file, not a folder")
    if _in_place(path):
        if not os.access(path, os.W_OK):
            raise InvalidParameterError(name, str(path), "a file you can write to")
        return path
    if not path.parent.is_dir():
        raise InvalidParameterError(name, str(path), "a file in an existing directory")
    probe = _temporary_beside(path)
    try:
        probe.open("x").close()
    except OSError as error:
        raise InvalidParameterError(
            name, str(path), f"a file in a folder you can write to ({error.strerror})"
        ) from None
    probe.unlink()
    return path


def _temporary_beside(path: Path) -> Path:
    # a hidden name in the same folder (os.replace cannot cross file systems) that keeps the
    # suffix, which pandas reads to choose compression
    return path.with_name(f".{secrets.token_hex(6)}.part.{path.name}")


@contextmanager
def replacing(path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` when the block ends,
    deleted if it raises (Ctrl-C included), so ``path`` is never left half written.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "runs.csv"
    >>> with replacing(target) as temporary:
    ...     _ = temporary.write_text("run\\n0\\n")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('run\\n0\\n', ['runs.csv'])
    """
    path = Path(path)
    if _in_place(path):
        yield path
        return
    temporary = _temporary_beside(path)
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
