"""Where the files that ship with reluscope are: the bundled data and the dashboard script.

``data/`` sits at the top of a checkout (the product's layout fixes it) and is installed inside
the package, as ``reluscope/data/``, by a wheel; :func:`data_dir` finds it in a checkout, an
editable install and an installed wheel alike.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "data_path"]

_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The folder holding the bundled datasets and ``precomputed/`` tables.

    An installed wheel carries it inside the package; a checkout (editable or not) beside it.
    """
    for candidate in (_PACKAGE / "data", _PACKAGE.parent / "data"):
        if (candidate / "precomputed").is_dir():
            return candidate
    raise FileNotFoundError(
        f"reluscope's data folder is missing (looked in {_PACKAGE / 'data'} and "
        f"{_PACKAGE.parent / 'data'}); reinstall the package."
    )


def data_path(*parts: str) -> Path:
    """A path inside :func:`data_dir`, e.g. ``data_path("precomputed", "sweep_default.csv")``."""
    return data_dir().joinpath(*parts)
