"""How large, small and extreme a dataset may be: the caps every way of making one shares."""

from __future__ import annotations

__all__ = [
    "MAX_ABS_VALUE",
    "MAX_BYTES",
    "MAX_CLASSES",
    "MAX_COLUMNS",
    "MAX_HEADER_BYTES",
    "MAX_INFERRED_CLASSES",
    "MAX_LINE_BYTES",
    "MAX_ROWS",
    "MIN_PER_CLASS",
    "MIN_ROWS",
]

MAX_ROWS = 100_000
"""Default cap on data rows of a CSV file, and on ``n_samples`` of a generator."""
MAX_COLUMNS = 100
"""Default cap on the columns of a CSV file (features and target together)."""
MAX_BYTES = 50 * 2**20
"""Default cap on the size of a CSV file, checked before parsing."""
MAX_HEADER_BYTES = 64 * 1024
"""Cap on a CSV file's header line (with any blank lines before it), checked on the raw bytes
before the line is split into names."""
MAX_LINE_BYTES = 256 * 1024
"""Cap on every line of a CSV file, checked on the raw bytes before any row is split into cells:
a row of millions of cells is refused, not built (splitting a line this long holds a few MB; a
single cell is bounded lower, by the ``csv`` module's field limit of 128 KiB)."""
MIN_ROWS = 10
"""A CSV file needs at least this many data rows."""
MAX_CLASSES = 50
"""A classification target may have at most this many distinct labels."""
MAX_INFERRED_CLASSES = 20
"""A numeric target with integer values and at most this many distinct ones is taken as labels."""
MIN_PER_CLASS = 4
"""Generators need ``n_samples >= MIN_PER_CLASS * n_classes`` so that a 25 % split is stratified."""
MAX_ABS_VALUE = 1e150
"""Larger magnitudes overflow when squared and summed (standardisation, losses)."""
