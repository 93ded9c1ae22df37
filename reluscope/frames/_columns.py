"""The one check every frame builder and chart makes of its input: the columns it needs."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["require_columns"]


def require_columns(frame, columns: Sequence[str], what: str) -> None:
    """Raise a ``ValueError`` naming the ``columns`` that ``what`` needs and ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} needs columns {list(columns)}; missing {missing} (got {list(frame.columns)})."
        )
