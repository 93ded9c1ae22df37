"""Tests for reluscope.datasets.limits: the caps are constants, and they are the defaults."""

from __future__ import annotations

import inspect
import math

from datasets_support import ROWS, csv_bytes, error_of

import reluscope.datasets as ds
from reluscope.datasets import dataset_info, limits, load_csv


def test_caps_are_module_constants_and_defaults():
    assert ds.MAX_ROWS >= 10_000 and ds.MAX_COLUMNS >= 10
    assert math.isfinite(ds.MAX_ABS_VALUE)
    defaults = inspect.signature(load_csv).parameters
    assert defaults["max_rows"].default == limits.MAX_ROWS
    assert defaults["max_columns"].default == limits.MAX_COLUMNS
    assert defaults["max_bytes"].default == limits.MAX_BYTES


def test_generators_share_the_row_and_column_caps():
    assert f"{limits.MAX_ROWS}]" in dataset_info("moons").parameters["n_samples"].allowed
    assert f"{limits.MAX_COLUMNS - 1}]" in dataset_info("blobs").parameters["n_features"].allowed
    assert f"[{2 * limits.MIN_PER_CLASS}," in dataset_info("moons").parameters["n_samples"].allowed


def test_a_file_needs_min_rows_and_a_value_beyond_max_abs_value_is_refused():
    assert f"at least {limits.MIN_ROWS}" in error_of(csv_bytes(ROWS[: limits.MIN_ROWS]))
    huge = [*ROWS[:-1], ["1e151", "0", "yes"]]
    assert "larger than 1e+150 in magnitude" in error_of(csv_bytes(huge))
