"""Where the files that ship with reluscope are: the bundled data, the dashboard and its settings.

``data/`` sits at the top of a checkout (the product's layout fixes it) and is installed inside
the package, as ``reluscope/data/``, by a wheel; :func:`data_dir` finds it in a checkout, an
editable install and an installed wheel alike. The same holds for the dashboard's Streamlit
settings: ``.streamlit/config.toml`` in a checkout, ``reluscope/ui/.streamlit/config.toml``
in a wheel.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["app_path", "data_dir", "data_path", "streamlit_config"]

_PACKAGE = Path(__file__).resolve().parent


def _first_existing(kind: str, *candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    looked = " and ".join(str(candidate) for candidate in candidates)
    raise FileNotFoundError(f"reluscope's {kind} is missing (looked in {looked}); reinstall it.")


def data_dir() -> Path:
    """The folder holding the bundled datasets and ``precomputed/`` tables.

    An installed wheel carries it inside the package; a checkout (editable or not) beside it.
    """
    return _first_existing(
        "data folder", _PACKAGE / "data" / "precomputed", _PACKAGE.parent / "data" / "precomputed"
    ).parent


def data_path(*parts: str) -> Path:
    """A path inside :func:`data_dir`, e.g. ``data_path("precomputed", "sweep_default.csv")``."""
    return data_dir().joinpath(*parts)


def app_path() -> Path:
    """The dashboard's entry script, the file ``streamlit run`` is given."""
    return _PACKAGE / "ui" / "app.py"


def streamlit_config() -> Path:
    """The dashboard's Streamlit settings (theme, upload cap, XSRF protection)."""
    return _first_existing(
        "Streamlit settings file",
        _PACKAGE / "ui" / ".streamlit" / "config.toml",
        _PACKAGE.parent / ".streamlit" / "config.toml",
    )
