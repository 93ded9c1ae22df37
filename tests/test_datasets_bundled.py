"""Tests for reluscope.datasets.bundled: the files in data/ and the settings' dataset choice."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest
from datasets_support import ROOT, assert_valid

from reluscope.datasets import (
    BUNDLED_PREFIX,
    DATASETS,
    bundled_datasets,
    bundled_description,
    dataset_info,
    from_choice,
    load_bundled,
    load_csv,
    make_dataset,
)
from reluscope.errors import DatasetError
from reluscope.resources import data_dir

BUNDLED = bundled_datasets()


def test_at_least_three_bundled_files_one_of_them_real():
    assert len(BUNDLED) >= 3 and "iris" in BUNDLED
    assert all(path.parent == ROOT / "data" for path in BUNDLED.values())
    assert all(path.parent == data_dir() for path in BUNDLED.values())
    assert list(BUNDLED) == sorted(BUNDLED)


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_every_bundled_file_loads_with_defaults_and_is_described(name):
    data = load_csv(BUNDLED[name])
    assert_valid(data)
    assert data.n_samples >= 100
    assert bundled_description(name) != f"data/{name}.csv"  # has its own description
    assert f"`{name}.csv`" in (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert load_bundled(name).description == bundled_description(name)


def test_bundled_iris_is_fishers_iris():
    from sklearn.datasets import load_iris

    data, bunch = load_bundled("iris"), load_iris()
    assert np.array_equal(data.X, bunch.data) and np.array_equal(data.y, bunch.target)
    assert data.class_names == tuple(bunch.target_names)


@pytest.mark.slow
def test_make_bundled_regenerates_the_files_byte_for_byte(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "data" / "make_bundled.py"), str(tmp_path)],
                   check=True, capture_output=True, cwd=tmp_path)  # fmt: skip
    written = sorted(path.name for path in tmp_path.glob("*.csv"))
    assert written == sorted(path.name for path in BUNDLED.values())
    for name in written:
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name


# ----------------------------------------------------------------------------------------------
# a dataset choice: the one reading of the `dataset` setting


def test_from_choice_makes_each_kind_of_dataset():
    generated = from_choice("moons", 120, 0.3, random_state=5)
    expected = make_dataset("moons", n_samples=120, noise=0.3, random_state=5)
    assert np.array_equal(generated.X, expected.X) and np.array_equal(generated.y, expected.y)
    # real data is used as measured: every row, no noise, whatever the generator settings say
    real = from_choice("iris", 50, 0.2, random_state=3)
    assert real.n_samples == 150 and np.array_equal(real.X, make_dataset("iris").X)
    bundled = from_choice(f"{BUNDLED_PREFIX}three_spirals", 50, 0.2, random_state=3)
    assert np.array_equal(bundled.X, load_bundled("three_spirals").X)
    assert bundled.description == load_bundled("three_spirals").description


@pytest.mark.parametrize("name", ["nope", "upload", f"{BUNDLED_PREFIX}nope", "", None])
def test_from_choice_rejects_unknown_names(name):
    with pytest.raises(DatasetError, match="name=") as caught:
        from_choice(name, 100, 0.1)
    # the field the settings know, and the choice exactly as it was given
    assert (caught.value.field, caught.value.value) == ("dataset", name)


def test_from_choice_names_a_bad_generator_setting():
    with pytest.raises(DatasetError, match="noise=9") as caught:
        from_choice("moons", 100, 9.0)
    assert (caught.value.field, caught.value.value) == ("noise", 9.0)


@pytest.mark.parametrize("name", ["moons", "iris", f"{BUNDLED_PREFIX}three_spirals"])
def test_the_cli_and_the_sweep_read_a_choice_with_from_choice(name):
    from reluscope import config, sweep
    from reluscope.commands.train import load_dataset

    settings = dataclasses.replace(config.DEFAULTS, dataset=name, n_samples=80, seed=4)
    expected = from_choice(name, 80, settings.noise, random_state=4)
    noise = settings.noise if dataset_info_or_none(name) else None
    for data in (load_dataset(settings), sweep._dataset(name, 80, noise, 4)):
        assert np.array_equal(data.X, expected.X) and np.array_equal(data.y, expected.y)
        assert data.description == expected.description


def dataset_info_or_none(name):
    """Whether ``name`` is a generator (which takes noise)."""
    return name in DATASETS and not dataset_info(name).real


def test_load_bundled_rejects_unknown_names():
    with pytest.raises(DatasetError, match=r"name='nope'.*iris") as caught:
        load_bundled("nope")
    assert (caught.value.field, caught.value.value) == ("dataset", "nope")
