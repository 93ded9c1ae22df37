"""Tests for reluscope.datasets.registry: DATASETS, dataset_info and make_dataset."""

from __future__ import annotations

import numpy as np
import pytest
from datasets_support import assert_valid

from reluscope.datasets import DATASETS, dataset_info, make_dataset
from reluscope.errors import DatasetError

REAL = [name for name in DATASETS if dataset_info(name).real]


@pytest.mark.parametrize("name", DATASETS)
def test_every_dataset_is_valid_and_has_its_task(name):
    data = make_dataset(name, random_state=0)
    assert_valid(data)
    info = dataset_info(name)
    assert data.task == info.task and data.name == name
    assert info.description and info.description in data.description
    if data.task == "classification":  # every class is present
        assert np.bincount(data.y).min() > 0


@pytest.mark.parametrize("name", DATASETS)
def test_same_seed_same_data_other_seed_other_data(name):
    kwargs = {"n_samples": 60} if name in REAL else {}
    first = make_dataset(name, random_state=3, **kwargs)
    again = make_dataset(name, random_state=3, **kwargs)
    other = make_dataset(name, random_state=4, **kwargs)
    assert np.array_equal(first.X, again.X) and np.array_equal(first.y, again.y)
    assert not np.array_equal(first.X, other.X)


def test_defaults_and_sizes_are_as_documented():
    assert make_dataset("moons").n_samples == 500
    assert make_dataset("moons", n_samples=123, random_state=0).n_samples == 123
    assert make_dataset("iris").n_samples == 150
    assert make_dataset("sine", random_state=0).feature_names == ("x",)
    assert make_dataset("blobs", n_features=5, random_state=0).n_features == 5
    assert make_dataset("blobs", n_classes=6, random_state=0).n_classes == 6


@pytest.mark.parametrize("name", DATASETS)
def test_every_parameter_accepts_its_own_default(name):
    info = dataset_info(name)
    for key, parameter in info.parameters.items():
        assert parameter.allowed
        if parameter.default is not None:
            assert parameter.validate(key, parameter.default) == parameter.default


@pytest.mark.parametrize("name", REAL)
def test_real_datasets_are_scikit_learns(name):
    from sklearn import datasets as sk

    bunch = getattr(sk, f"load_{name}")()
    data = make_dataset(name)
    assert np.array_equal(data.X, bunch.data) and np.array_equal(data.y, bunch.target)
    assert data.feature_names == tuple(bunch.feature_names)
    assert data.class_names == tuple(bunch.target_names)
    subset = make_dataset(name, n_samples=60, random_state=0)
    share = np.bincount(subset.y) / 60
    assert np.allclose(share, np.bincount(bunch.target) / len(bunch.target), atol=0.02)
    assert "stratified subset of 60 rows" in subset.description


NAN = float("nan")
ARRAY = np.array([0.1])


@pytest.mark.parametrize(
    ("name", "kwargs", "expected", "field", "value"),
    [
        ("moons", {"noise": -0.1}, ["noise=-0.1", "[0, 2]"], "noise", -0.1),
        ("moons", {"noise": NAN}, ["noise=nan", "a number"], "noise", NAN),
        ("moons", {"noise": ARRAY}, ["noise=array", "a number"], "noise", ARRAY),
        ("moons", {"n_samples": 2.5}, ["n_samples=2.5", "an integer in [8, 100000]"],
         "n_samples", 2.5),
        ("moons", {"n_samples": True}, ["n_samples=True", "an integer"], "n_samples", True),
        ("moons", {"n_samples": 10**6}, ["n_samples=1000000", "100000"], "n_samples", 10**6),
        ("moons", {"random_state": -1}, ["random_state=-1", "None or an integer"],
         "random_state", -1),
        ("moons", {"random_state": "seed"}, ["random_state='seed'", "None or an integer"],
         "random_state", "seed"),
        ("moons", {"arms": 3}, ["arms=3", "not a parameter of 'moons'", "n_samples, noise"],
         "arms", 3),
        ("circles", {"factor": 1.0}, ["factor=1.0", "(0, 1)"], "factor", 1.0),
        ("blobs", {"n_classes": 1}, ["n_classes=1", "[2, 10]"], "n_classes", 1),
        ("blobs", {"n_samples": 20, "n_classes": 10}, ["n_samples=20", "at least 40"],
         "n_samples", 20),
        ("spirals", {"turns": 0}, ["turns=0", "(0, 5]"], "turns", 0),
        ("checkerboard", {"tiles": "4"}, ["tiles='4'", "an integer in [2, 16]"], "tiles", "4"),
        ("iris", {"noise": 0.1}, ["noise=0.1", "real data"], "noise", 0.1),
        ("iris", {"n_samples": 500}, ["n_samples=500", "[12, 150]"], "n_samples", 500),
        ("mooons", {}, ["name='mooons'", "moons, circles"], "dataset", "mooons"),
        (["moons"], {}, ["name=['moons']", "moons, circles"], "dataset", ["moons"]),
    ],
)  # fmt: skip
def test_bad_parameters_name_the_parameter_the_value_and_what_is_allowed(
    name, kwargs, expected, field, value
):
    with pytest.raises(DatasetError) as caught:
        make_dataset(name, **kwargs)
    for fragment in expected:
        assert fragment in str(caught.value)
    assert caught.value.field == field
    assert caught.value.value is value or caught.value.value == value


def test_real_data_accepts_zero_noise_so_one_setting_fits_all():
    assert make_dataset("wine", noise=0).n_samples == 178


def test_dataset_info_names_the_dataset_field():
    with pytest.raises(DatasetError, match="name=None") as caught:
        dataset_info(None)
    assert (caught.value.field, caught.value.value) == ("dataset", None)
