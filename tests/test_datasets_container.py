"""Tests for reluscope.datasets.container: the Dataset, its split and its standardisation."""

from __future__ import annotations

import numpy as np
import pytest
from datasets_support import assert_valid

from reluscope.datasets import Dataset, load_csv, make_dataset
from reluscope.datasets.container import encode_labels
from reluscope.errors import DatasetError


def test_dataset_encodes_labels_and_validates_its_fields():
    data = Dataset(np.arange(8.0).reshape(4, 2), ["b", "a", "b", "c"], "classification", ("p", "q"))
    assert data.class_names == ("a", "b", "c") and data.y.tolist() == [1, 0, 1, 2]
    assert repr(data) == "Dataset('data', classification, 4 samples × 2 features, 3 classes)"
    assert_valid(data)
    with pytest.raises(ValueError):
        data.X[0, 0] = 1.0  # read-only


BAD_FIELDS = [
    (dict(X=np.zeros(3), y=np.zeros(3), task="regression", feature_names=("a",)), "X"),
    (dict(X=np.zeros((3, 1)), y=np.zeros(2), task="regression", feature_names=("a",)), "y"),
    (dict(X=np.zeros((3, 1)), y=np.zeros(3), task="regression", feature_names=("a", "b")),
     "feature_names"),
    (dict(X=np.zeros((3, 1)), y=np.zeros(3), task="ranking", feature_names=("a",)), "task"),
    (dict(X=np.full((3, 1), np.nan), y=np.zeros(3), task="regression", feature_names=("a",)),
     "X"),
    (dict(X=np.zeros((3, 1)), y=[0, 1, 2], task="classification", feature_names=("a",),
          class_names=("x", "y")), "y"),
    (dict(X=np.zeros((3, 1)), y=np.zeros(3), task="regression", feature_names=("a",),
          target_name="a"), "feature_names"),
    (dict(X=np.zeros((3, 1)), y=[0, 1, 0], task="classification", feature_names=("a",),
          class_names=("x", "x")), "class_names"),
    (dict(X=np.zeros((3, 1)), y=np.zeros(3), task="regression", feature_names=("a",),
          class_names=("x",)), "class_names"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "field"), BAD_FIELDS)
def test_a_bad_dataset_field_is_named_by_its_error(fields, field):
    with pytest.raises(DatasetError) as caught:
        Dataset(**fields)
    assert caught.value.field == field
    if field == "task":
        assert caught.value.value == "ranking" and "task='ranking'" in str(caught.value)


def test_labels_are_encoded_in_sorted_order_numbers_numerically():
    codes, labels = encode_labels(np.array([10.0, 2.0, 10.0, 1.0]))
    assert codes.tolist() == [2, 1, 2, 0] and labels.tolist() == [1.0, 2.0, 10.0]
    codes, labels = encode_labels(np.array(["dog", "cat", "7"]))
    assert codes.tolist() == [2, 1, 0] and labels.tolist() == ["7", "cat", "dog"]


def test_split_is_a_stratified_deterministic_partition():
    data = make_dataset("blobs", n_samples=403, random_state=0, n_classes=5)
    train, test = data.split(test_size=0.25, random_state=1)
    assert (train.n_samples, test.n_samples) == (302, 101)
    rows = np.concatenate([train.X, test.X])
    assert np.array_equal(np.unique(rows, axis=0), np.unique(data.X, axis=0))
    assert len(np.unique(rows, axis=0)) == data.n_samples
    expected = np.bincount(data.y) * 0.25
    assert np.abs(np.bincount(test.y) - expected).max() <= 1
    assert train.class_names == data.class_names and test.feature_names == data.feature_names
    again, _ = data.split(test_size=0.25, random_state=1)
    other, _ = data.split(test_size=0.25, random_state=2)
    assert np.array_equal(again.X, train.X) and not np.array_equal(other.X, train.X)
    assert data.split(test_size=40)[1].n_samples == 40
    assert data.split(test_size=np.int64(40))[1].n_samples == 40


def test_subset_keeps_the_names_and_all_classes():
    data = make_dataset("blobs", n_samples=40, random_state=0, n_classes=4)
    first = data.subset(data.y == 0, "class 0 only")
    assert first.n_samples == 10 and first.n_classes == 4 and set(first.y) == {0}
    assert first.description == "class 0 only" and first.feature_names == data.feature_names
    assert np.array_equal(data.subset(np.array([3, 1])).X, data.X[[3, 1]])


def test_split_of_regression_data_is_not_stratified_but_complete():
    data = make_dataset("sine", n_samples=100, random_state=0)
    train, test = data.split(test_size=0.3)
    assert sorted(np.concatenate([train.y, test.y])) == sorted(data.y)


@pytest.mark.parametrize(
    ("test_size", "fragment"),
    [(0.0, "test_size=0.0"), (1.0, "test_size=1.0"), (100, "[1, 99]"), ("half", "test_size"),
     (0.02, "at least one row of each"), (True, "test_size=True")],
)  # fmt: skip
def test_split_rejects_impossible_sizes(test_size, fragment):
    data = make_dataset("blobs", n_samples=100, random_state=0, n_classes=5)
    with pytest.raises(DatasetError, match=fragment.replace("[", r"\[")) as caught:
        data.split(test_size=test_size)
    assert caught.value.field == "test_size" and caught.value.value is test_size


def test_split_rejects_a_fraction_that_leaves_a_set_empty():
    data = Dataset(np.arange(4.0)[:, None], [0.0, 1, 2, 3], "regression", ("x",))
    with pytest.raises(DatasetError, match="leaves no rows") as caught:
        data.split(test_size=0.9)
    assert (caught.value.field, caught.value.value) == ("test_size", 0.9)


@pytest.mark.parametrize("seed", [-1, 2**32, "seed", 1.0])
def test_split_names_a_bad_seed(seed):
    data = make_dataset("moons", n_samples=40, random_state=0)
    with pytest.raises(DatasetError, match="None or an integer") as caught:
        data.split(random_state=seed)
    assert caught.value.field == "random_state" and caught.value.value == seed


def test_split_names_a_class_with_a_single_row():
    data = Dataset(np.zeros((5, 1)), ["a", "a", "a", "a", "b"], "classification", ("x",))
    with pytest.raises(DatasetError, match="class 'b' has a single row") as caught:
        data.split()
    assert (caught.value.field, caught.value.value) == ("y", "b")


def test_standardized_uses_training_statistics_only():
    X = np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0], [7.0, 5.0]])
    train = Dataset(X, [0.0, 1, 2, 3], "regression", ("a", "constant"))
    test = Dataset(np.array([[9.0, 6.0]]), [1.0], "regression", ("a", "constant"))
    train_std, test_std = train.standardized(test)
    assert np.allclose(train_std.X.mean(axis=0), 0)
    assert np.allclose(train_std.X[:, 0].std(), 1) and np.all(train_std.X[:, 1] == 0)
    scale = X[:, 0].std()
    assert np.allclose(test_std.X, [[(9.0 - 4.0) / scale, 1.0]])
    assert np.array_equal(train_std.y, train.y)
    assert train.standardized()[1] is None
    scaling = train.standardization()
    # the scaling is the affine map (X - mean) / scale, so scale and mean undo it
    assert np.allclose(scaling.transform(X) * scaling.scale + scaling.mean, X)
    with pytest.raises(DatasetError, match="differ") as caught:
        train.standardized(Dataset(np.zeros((1, 2)), [1.0], "regression", ("a", "b")))
    assert (caught.value.field, caught.value.value) == ("test", ("a", "b"))


def test_to_frame_round_trips_through_csv(tmp_path):
    data = make_dataset("blobs", n_samples=60, random_state=0, n_classes=4)
    frame = data.to_frame()
    assert list(frame.columns) == [*data.feature_names, data.target_name]
    assert list(frame[data.target_name].cat.categories) == list(data.class_names)
    frame.to_csv(tmp_path / "blobs.csv", index=False)
    loaded = load_csv(tmp_path / "blobs.csv")
    assert loaded.name == "blobs" and loaded.task == "classification"
    assert np.array_equal(loaded.X, data.X) and np.array_equal(loaded.y, data.y)
    assert loaded.class_names == data.class_names
    regression = make_dataset("surface", n_samples=30, random_state=0)
    assert np.array_equal(regression.to_frame()["y"].to_numpy(), regression.y)
