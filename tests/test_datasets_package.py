"""Tests for the reluscope.datasets package itself: its public names, its cheap import."""

from __future__ import annotations

import pytest

import reluscope
import reluscope.datasets as ds
from reluscope.datasets import load_csv, make_dataset
from reluscope.errors import DatasetError
from reluscope.resources import data_dir

# every public name and the module that defines it
HOMES = {
    "Dataset": "container",
    "Standardization": "container",
    "DATASETS": "registry",
    "DatasetInfo": "registry",
    "Parameter": "registry",
    "dataset_info": "registry",
    "make_dataset": "registry",
    "BUNDLED_PREFIX": "bundled",
    "bundled_datasets": "bundled",
    "bundled_description": "bundled",
    "from_choice": "bundled",
    "load_bundled": "bundled",
    "load_csv": "csv_loader",
    "csv_columns": "csv_source",
    "CsvSource": "csv_source",
    "read_csv_source": "csv_source",
    "MAX_HEADER_BYTES": "limits",
    "MAX_ABS_VALUE": "limits",
    "MAX_BYTES": "limits",
    "MAX_CLASSES": "limits",
    "MAX_COLUMNS": "limits",
    "MAX_ROWS": "limits",
    "MIN_ROWS": "limits",
}


def test_every_public_name_is_re_exported_from_its_module():
    import importlib

    assert sorted(ds.__all__) == sorted(HOMES)
    for name, module in HOMES.items():
        home = importlib.import_module(f"reluscope.datasets.{module}")
        assert getattr(ds, name) is getattr(home, name), name


def test_bundled_is_a_deprecated_alias_of_bundled_datasets():
    with pytest.warns(FutureWarning, match="bundled_datasets"):
        bundled = ds.BUNDLED
    assert bundled == ds.bundled_datasets()
    with pytest.warns(FutureWarning, match="data_dir"):
        assert ds.DATA_DIR == data_dir()
    with pytest.raises(AttributeError, match="no attribute 'NOPE'"):
        ds.NOPE  # noqa: B018


def test_dataset_error_is_a_value_error_and_is_exported():
    assert issubclass(DatasetError, ValueError)
    assert reluscope.load_csv is load_csv and reluscope.make_dataset is make_dataset
