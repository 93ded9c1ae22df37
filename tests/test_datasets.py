"""Tests for reluscope.datasets and the `reluscope datasets` command."""

from __future__ import annotations

import csv
import dataclasses
import doctest
import io
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reluscope
import reluscope.datasets as ds
from reluscope.cli import main as cli_main
from reluscope.datasets import (
    BUNDLED,
    BUNDLED_PREFIX,
    DATASETS,
    Dataset,
    csv_columns,
    dataset_info,
    from_choice,
    load_bundled,
    load_csv,
    make_dataset,
)
from reluscope.errors import DatasetError

ROOT = Path(__file__).resolve().parent.parent
GENERATED = [name for name in DATASETS if not dataset_info(name).real]
REAL = [name for name in DATASETS if dataset_info(name).real]
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_valid(data: Dataset) -> None:
    """Every invariant a Dataset promises."""
    assert isinstance(data, Dataset)
    assert data.X.dtype == np.float64 and data.X.ndim == 2
    assert data.X.shape == (data.n_samples, data.n_features)
    assert data.X.shape == (len(data.y), len(data.feature_names))
    assert np.isfinite(data.X).all()
    assert not data.X.flags.writeable and not data.y.flags.writeable
    assert all(isinstance(name, str) for name in data.feature_names)
    assert len(set(data.feature_names)) == data.n_features
    assert data.target_name not in data.feature_names
    assert data.task in ("classification", "regression")
    if data.task == "classification":
        assert data.y.dtype == np.int64
        assert data.n_classes == len(data.class_names) >= 2
        assert set(np.unique(data.y)) <= set(range(data.n_classes))
    else:
        assert data.y.dtype == np.float64 and np.isfinite(data.y).all()
        assert data.class_names == () and data.n_classes == 0


def csv_bytes(rows, delimiter=",", newline="\n", encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding)


def two_class_rows(n=12):
    """A valid table: header, then n rows of two features and a text label."""
    return [["a", "b", "label"]] + [[str(i), str(i * 0.5), "yes" if i % 2 else "no"]
                                    for i in range(n)]  # fmt: skip


def error_of(source, **kwargs) -> str:
    with pytest.raises(DatasetError) as caught:
        load_csv(source, **kwargs)
    message = str(caught.value)
    assert "internal error" not in message
    return message


# ----------------------------------------------------------------------------------------------
# generators and real datasets


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


def test_moons_circles_blobs_quantiles_are_scikit_learns():
    from sklearn import datasets as sk

    pairs = [
        (make_dataset("moons", 301, 0.1, 7), sk.make_moons(301, noise=0.1, random_state=7)),
        (make_dataset("circles", 200, 0.05, 7, factor=0.3),
         sk.make_circles(200, noise=0.05, factor=0.3, random_state=7)),
        (make_dataset("blobs", 200, 0.5, 7, n_classes=4, n_features=3),
         sk.make_blobs(200, n_features=3, centers=4, cluster_std=0.5, random_state=7)),
        (make_dataset("gaussian_quantiles", 200, 0.0, 7, n_classes=3),
         sk.make_gaussian_quantiles(n_samples=200, n_classes=3, random_state=7)),
    ]  # fmt: skip
    for ours, (X, y) in pairs:
        assert np.array_equal(ours.X, X) and np.array_equal(ours.y, y)


@pytest.mark.parametrize(
    ("name", "params", "n_classes"),
    [("spirals", {"arms": 3}, 3), ("xor", {}, 2), ("checkerboard", {"tiles": 3}, 2),
     ("linear", {"n_features": 4}, 2), ("spirals", {"arms": 7}, 7)],
)  # fmt: skip
def test_hand_written_generators_balance_their_classes(name, params, n_classes):
    counts = np.bincount(make_dataset(name, n_samples=101, random_state=1, **params).y)
    assert counts.size == n_classes and counts.max() - counts.min() <= 1


def test_xor_labels_are_the_sign_of_the_product_without_noise():
    data = make_dataset("xor", noise=0.0, random_state=0)
    assert np.array_equal(data.y, (data.X[:, 0] * data.X[:, 1] > 0).astype(int))
    assert np.abs(data.X).max() <= 1


@pytest.mark.parametrize("tiles", [2, 3, 4, 7])
def test_checkerboard_labels_are_the_tile_colour_without_noise(tiles):
    data = make_dataset("checkerboard", noise=0.0, random_state=0, tiles=tiles)
    column, row = np.floor((data.X + 1) / 2 * tiles).T
    assert np.array_equal(data.y, ((row + column) % 2).astype(int))


def test_spiral_points_lie_on_their_arm_without_noise():
    arms, turns = 3, 1.5
    data = make_dataset("spirals", noise=0.0, random_state=0, arms=arms, turns=turns)
    radius = np.hypot(*data.X.T)
    angle = np.arctan2(data.X[:, 1], data.X[:, 0])
    expected = 2 * np.pi * (turns * radius + data.y / arms)
    # equal angles modulo a full turn
    assert np.allclose(np.cos(angle - expected), 1.0)
    assert radius.max() <= 1


@pytest.mark.parametrize("margin", [0.0, 0.2, 0.5])
def test_linear_classes_are_separable_by_the_margin(margin):
    from sklearn.svm import SVC

    data = make_dataset("linear", n_samples=200, noise=0.0, random_state=2, margin=margin)
    svm = SVC(kernel="linear", C=1e8).fit(data.X, data.y)
    assert svm.score(data.X, data.y) == 1.0
    gap = 2 / np.linalg.norm(svm.coef_)  # width of the widest separating band
    assert gap >= margin - 1e-9


def test_regression_surfaces_follow_their_formula_without_noise():
    sine = make_dataset("sine", noise=0.0, random_state=0, frequency=2.0)
    assert np.allclose(sine.y, np.sin(2.0 * sine.X[:, 0]))
    surface = make_dataset("surface", noise=0.0, random_state=0)
    x1, x2 = surface.X.T
    assert np.allclose(surface.y, np.sin(np.pi * x1) * np.cos(np.pi * x2))


def test_noise_is_gaussian_with_the_given_standard_deviation():
    clean = make_dataset("sine", n_samples=20_000, noise=0.0, random_state=0)
    noisy = make_dataset("sine", n_samples=20_000, noise=0.3, random_state=0)
    residual = noisy.y - np.sin(noisy.X[:, 0])
    assert np.array_equal(clean.X, noisy.X)
    assert abs(residual.std() - 0.3) < 0.01


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


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("moons", {"noise": -0.1}, ["noise=-0.1", "[0, 2]"]),
        ("moons", {"noise": float("nan")}, ["noise=nan", "a number"]),
        ("moons", {"noise": np.array([0.1])}, ["noise=array", "a number"]),
        ("moons", {"n_samples": 2.5}, ["n_samples=2.5", "an integer in [8, 100000]"]),
        ("moons", {"n_samples": True}, ["n_samples=True", "an integer"]),
        ("moons", {"n_samples": 10**6}, ["n_samples=1000000", "100000"]),
        ("moons", {"random_state": -1}, ["random_state=-1", "None or an integer"]),
        ("moons", {"random_state": "seed"}, ["random_state='seed'", "None or an integer"]),
        ("moons", {"arms": 3}, ["arms=3", "not a parameter of 'moons'", "n_samples, noise"]),
        ("circles", {"factor": 1.0}, ["factor=1.0", "(0, 1)"]),
        ("blobs", {"n_classes": 1}, ["n_classes=1", "[2, 10]"]),
        ("blobs", {"n_samples": 20, "n_classes": 10}, ["n_samples=20", "at least 40"]),
        ("spirals", {"turns": 0}, ["turns=0", "(0, 5]"]),
        ("checkerboard", {"tiles": "4"}, ["tiles='4'", "an integer in [2, 16]"]),
        ("iris", {"noise": 0.1}, ["noise=0.1", "real data"]),
        ("iris", {"n_samples": 500}, ["n_samples=500", "[12, 150]"]),
        ("mooons", {}, ["name='mooons'", "moons, circles"]),
        (["moons"], {}, ["name=['moons']", "moons, circles"]),
    ],
)
def test_bad_parameters_name_the_parameter_the_value_and_what_is_allowed(name, kwargs, expected):
    with pytest.raises(DatasetError) as caught:
        make_dataset(name, **kwargs)
    for fragment in expected:
        assert fragment in str(caught.value)


def test_real_data_accepts_zero_noise_so_one_setting_fits_all():
    assert make_dataset("wine", noise=0).n_samples == 178


# ----------------------------------------------------------------------------------------------
# Dataset


def test_dataset_encodes_labels_and_validates_its_fields():
    data = Dataset(np.arange(8.0).reshape(4, 2), ["b", "a", "b", "c"], "classification", ("p", "q"))
    assert data.class_names == ("a", "b", "c") and data.y.tolist() == [1, 0, 1, 2]
    assert repr(data) == "Dataset('data', classification, 4 samples × 2 features, 3 classes)"
    with pytest.raises(ValueError):
        data.X[0, 0] = 1.0  # read-only
    bad = [
        dict(X=np.zeros(3), y=np.zeros(3), task="regression", feature_names=("a",)),
        dict(X=np.zeros((3, 1)), y=np.zeros(2), task="regression", feature_names=("a",)),
        dict(X=np.zeros((3, 1)), y=np.zeros(3), task="regression", feature_names=("a", "b")),
        dict(X=np.zeros((3, 1)), y=np.zeros(3), task="ranking", feature_names=("a",)),
        dict(X=np.full((3, 1), np.nan), y=np.zeros(3), task="regression", feature_names=("a",)),
        dict(X=np.zeros((3, 1)), y=[0, 1, 2], task="classification", feature_names=("a",),
             class_names=("x", "y")),
        dict(X=np.zeros((3, 1)), y=np.zeros(3), task="regression", feature_names=("a",),
             target_name="a"),
    ]  # fmt: skip
    for fields in bad:
        with pytest.raises(DatasetError):
            Dataset(**fields)


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
     (0.02, "at least one row of each")],
)  # fmt: skip
def test_split_rejects_impossible_sizes(test_size, fragment):
    data = make_dataset("blobs", n_samples=100, random_state=0, n_classes=5)
    with pytest.raises(DatasetError, match=fragment.replace("[", r"\[")):
        data.split(test_size=test_size)


def test_split_names_a_class_with_a_single_row():
    data = Dataset(np.zeros((5, 1)), ["a", "a", "a", "a", "b"], "classification", ("x",))
    with pytest.raises(DatasetError, match="class 'b' has a single row"):
        data.split()


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
    assert np.allclose(scaling.inverse_transform(scaling.transform(X)), X)
    with pytest.raises(DatasetError, match="differ"):
        train.standardized(Dataset(np.zeros((1, 2)), [1.0], "regression", ("a", "b")))


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


# ----------------------------------------------------------------------------------------------
# load_csv: what should just work

EXPECTED_X = np.array([[i, i * 0.5] for i in range(12)], dtype=float)


@pytest.mark.parametrize(
    "raw",
    [
        csv_bytes(two_class_rows()),
        csv_bytes(two_class_rows(), newline="\r\n"),
        csv_bytes(two_class_rows(), newline="\r"),
        csv_bytes(two_class_rows(), delimiter=";"),
        csv_bytes(two_class_rows(), delimiter="\t"),
        csv_bytes(two_class_rows(), delimiter="|"),
        b"\xef\xbb\xbf" + csv_bytes(two_class_rows()),
        csv_bytes(two_class_rows(), encoding="utf-16"),
        csv_bytes(two_class_rows(), delimiter=";").replace(b".", b","),  # decimal commas
        b"".join(b'"' + line.replace(b",", b'","') + b'"\n'  # every field quoted
                 for line in csv_bytes(two_class_rows()).splitlines()),
        csv_bytes(two_class_rows()).replace(b",", b", "),  # spaces after separators
        b"\n\n" + csv_bytes(two_class_rows()).replace(b"\n", b"\n\n") + b",,\n,,\n",
        csv_bytes([[*row, ""] for row in two_class_rows()]),  # trailing separator
        csv_bytes([*two_class_rows()[:1], *([*row, "", ""] for row in two_class_rows()[1:])]),
    ],
)  # fmt: skip
def test_common_dialects_just_work(raw):
    data = load_csv(raw)
    assert_valid(data)
    assert data.feature_names == ("a", "b") and data.target_name == "label"
    assert np.array_equal(data.X, EXPECTED_X)
    assert data.class_names == ("no", "yes") and data.y.tolist() == [i % 2 for i in range(12)]


def test_quoted_fields_may_hold_separators_and_quotes():
    rows = [["x", "y", "species"]]
    rows += [[str(i), str(-i), f'Iris "{i % 2}", var. b'] for i in range(10)]
    data = load_csv(csv_bytes(rows))
    assert data.class_names == ('Iris "0", var. b', 'Iris "1", var. b')


def test_windows_1252_files_are_read():
    rows = [["température", "humidité", "classe"]] + [[str(i), "1", "été" if i % 2 else "hiver"]
                                                      for i in range(10)]  # fmt: skip
    data = load_csv(csv_bytes(rows, delimiter=";", encoding="cp1252"))
    assert data.feature_names == ("température", "humidité") and "été" in data.class_names


FRENCH = [["température", "humidité", "classe"]] + [[str(i), f"{i % 3},5", str(i % 2)]
                                                    for i in range(10)]  # fmt: skip


@pytest.mark.parametrize(
    "raw",
    [
        csv_bytes(FRENCH, delimiter=";", encoding="cp1252"),
        csv_bytes(FRENCH, delimiter=";", encoding="utf-16"),
        csv_bytes(FRENCH, delimiter="\t", encoding="utf-16"),
        b"\xef\xbb\xbf" + csv_bytes(FRENCH, delimiter="|"),
        b"\n\n" + csv_bytes(FRENCH, delimiter=";", newline="\r\n"),
        csv_bytes([[f"{name}, n°" for name in FRENCH[0]], *FRENCH[1:]], delimiter=";"),
    ],
    ids=["cp1252", "utf-16", "utf-16-tabs", "bom-pipes", "blank-lines-crlf", "quoted"],
)  # fmt: skip
def test_csv_columns_read_the_header_as_the_loader_does(raw):
    columns = csv_columns(raw)
    data = load_csv(raw)
    assert columns == (*data.feature_names, data.target_name)
    assert columns[0].startswith("température") and len(columns) == 3
    # every name offered is a target the loader accepts
    assert load_csv(raw, target=columns[0], task="regression").target_name == columns[0]


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 ...", "PDF"),
        (b"a,b\x00,c\n", "binary"),
        (b"only\n1\n2\n", "single column"),
        (b"1,2,3\n4,5,6\n", "looks like data"),
        (b"a,a,b\n1,2,x\n", "appears twice"),
        (b"\xff\xfea\x00\x00\xd8", "UTF-16"),
        ("a,b\n".encode("utf-16")[:-1], "UTF-16"),
    ],
)
def test_csv_columns_say_why_a_header_is_unreadable(raw, fragment):
    with pytest.raises(DatasetError, match=fragment):
        csv_columns(raw)


@pytest.mark.parametrize(
    ("labels", "task", "class_names"),
    [
        ([0, 1, 2] * 4, "classification", ("0", "1", "2")),
        ([1.0, 2.0, 10.0] * 4, "classification", ("1", "2", "10")),  # numeric order, as written
        ([i / 7 for i in range(12)], "regression", ()),
        (list(range(30)), "regression", ()),  # many distinct integers: a measurement
        (["cat", "dog", "7"] * 4, "classification", ("7", "cat", "dog")),
    ],
)
def test_task_is_inferred_from_the_target(labels, task, class_names):
    rows = [["a", "t"]] + [[str(k), str(label)] for k, label in enumerate(labels)]
    data = load_csv(csv_bytes(rows))
    assert (data.task, data.class_names) == (task, class_names)


def test_target_and_task_can_be_chosen():
    rows = [["a", "count", "b"]] + [[str(k), str(k % 3), str(k * 2)] for k in range(12)]
    data = load_csv(csv_bytes(rows), target="count")
    assert data.feature_names == ("a", "b") and data.task == "classification"
    assert np.array_equal(data.X[:, 1], np.arange(12) * 2.0)
    forced = load_csv(csv_bytes(rows), target="count", task="regression")
    assert forced.task == "regression" and forced.y.tolist() == [k % 3 for k in range(12)]
    halves = [["a", "h"]] + [[str(k), str(k % 4 / 2)] for k in range(12)]
    assert load_csv(csv_bytes(halves)).task == "regression"
    as_labels = load_csv(csv_bytes(halves), task="classification")
    assert as_labels.class_names == ("0", "0.5", "1", "1.5")


class UploadedFile(io.BytesIO):
    """What Streamlit's file_uploader returns: a BytesIO with a name."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def test_every_kind_of_source_is_accepted(tmp_path):
    raw = csv_bytes(two_class_rows())
    path = tmp_path / "mine.csv"
    path.write_bytes(raw)
    upload = UploadedFile(raw, "upload.csv")
    upload.read()  # the app may have read it already; the loader must not care
    with path.open("rb") as handle:
        sources = [path, str(path), raw, bytearray(raw), io.BytesIO(raw), upload, handle,
                   io.StringIO(raw.decode())]  # fmt: skip
        loaded = [load_csv(source) for source in sources]
    for data in loaded:
        assert np.array_equal(data.X, EXPECTED_X)
    assert [data.name for data in loaded[:3]] == ["mine", "mine", "uploaded"]
    assert loaded[5].name == "upload" and "'upload.csv'" in loaded[5].description


# ----------------------------------------------------------------------------------------------
# load_csv: every failure gets its own message

ROWS = two_class_rows()


@pytest.mark.parametrize(
    ("raw", "kwargs", "fragments"),
    [
        (b"", {}, ["empty"]),
        (b" \r\n\n", {}, ["empty"]),
        (b"a,b,label\n", {}, ["header line (a, b, label) but no data rows"]),
        (csv_bytes(ROWS[:4]), {}, ["only 3 data rows", "at least 10"]),
        (csv_bytes([*ROWS[:7], ["1", "2"], *ROWS[7:], ["1", "2", "3", "4"]]), {},
         ["ragged rows", "line 8 has 2 fields", "header has 3", "2 of 14 rows", "8, 15"]),
        (b"a,b\n\x81\x8d\x8f,1\n", {}, ["not UTF-8", "0x81", "line 2"]),
        (b"PK\x03\x04\x14\x00\x06\x00", {}, ["Excel .xlsx", "save it as CSV"]),
        (b"\x00\x01\x02binary", {}, ["binary", "NUL"]),
        (b"a,b\x07,c\n1,2,3\n", {}, ["control character U+0007", "line 1"]),
        (csv_bytes([["a", "colour", "size", "label"]]
                   + [[str(k), "red", "big" if k else "2", str(k % 2)] for k in range(12)]),
         {}, ["'colour' (line 2: 'red')", "'size' (line 3: 'big')", "do not"]),
        (csv_bytes(ROWS), {"target": "Label"},
         ["target='Label' is not a column", "'a', 'b', 'label'", "Did you mean 'label'?"]),
        (csv_bytes([*ROWS[:3], ["", "NA", "yes"], *ROWS[3:6], ["inf", "-inf", "no"], *ROWS[6:],
                    ["1e999", "2", "?"]]), {},
         ["3 missing values", "'a' on line 4", "'b' on line 4", "'label' on line 16",
          "3 infinite values", "'a' on lines 8, 16"]),
        (csv_bytes([["a", "label"]] + [[str(k), "same"] for k in range(12)]), {},
         ["single class ('same')", "at least two"]),
        (csv_bytes([*ROWS, ["1", "2", "maybe"]]), {}, ["class 'maybe'", "single row (line 14)"]),
        (csv_bytes([["a", "y"]] + [[str(k), "2.5"] for k in range(12)]), {},
         ["'y' is constant", "2.5"]),
        (csv_bytes([["a", "id"]] + [[str(k), f"id{k // 2}"] for k in range(120)]), {},
         ["60 distinct labels", "at most 50"]),
        (csv_bytes(ROWS), {"task": "regression"}, ["needs a numeric target", "'no'"]),
        (csv_bytes(ROWS), {"max_rows": 11}, ["more than max_rows=11"]),
        (csv_bytes(ROWS), {"max_columns": 2}, ["3 columns", "max_columns=2"]),
        (csv_bytes(ROWS), {"max_bytes": 50}, ["larger than max_bytes=50"]),
        (csv_bytes(ROWS), {"task": "clustering"}, ["task='clustering'"]),
        (csv_bytes(ROWS), {"target": 2}, ["target=2", "column name"]),
        (csv_bytes(ROWS), {"max_rows": 0}, ["max_rows=0", "positive integer"]),
        (b"1,2,0\n" * 12, {}, ["looks like data", "add a header line"]),
        (b"label\n" + b"1\n" * 12, {}, ["single column ('label')"]),
        (csv_bytes([["a", "a", "label"], *ROWS[1:]]), {}, ["'a' appears twice"]),
        (csv_bytes([["a", "", "label"], *ROWS[1:]]), {}, ["column 2 has no name"]),
        (b'a,b,label\n1,2,"yes\n' + csv_bytes(ROWS[1:]), {}, ["line 2", "closing quote"]),
        (b"a,b,label\n" + b"1,2," + b"x" * 200_000 + b"\n", {}, ["line", "field larger"]),
        (np.zeros(3), {}, ["ndarray is not allowed", "a path, bytes or a file-like"]),
    ],
)  # fmt: skip
def test_each_problem_gets_a_specific_message(raw, kwargs, fragments):
    message = error_of(raw, **kwargs)
    for fragment in fragments:
        assert fragment in message, message


def test_caps_are_inclusive_and_large_files_are_sniffed_correctly():
    assert load_csv(csv_bytes(ROWS), max_rows=12, max_columns=3).n_samples == 12
    rows = [["p", "q", "r", "class"]]
    rows += [[f"{k / 3:.9f}", str(k), "-1.5", str(k % 3)] for k in range(4000)]
    raw = csv_bytes(rows, delimiter=";")
    assert len(raw) > ds._SNIFF_CHARS  # the separator is guessed from a cut sample
    data = load_csv(raw)
    assert data.X.shape == (4000, 3) and data.n_classes == 3


def test_an_unexpected_failure_still_becomes_a_dataset_error(monkeypatch):
    def broken(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(ds, "_sniff_separator", broken)
    with pytest.raises(DatasetError, match="internal error: RuntimeError: boom") as caught:
        load_csv(csv_bytes(ROWS))
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_paths_that_are_not_files_get_a_message(tmp_path):
    assert "no such file" in error_of(tmp_path / "missing.csv")
    assert "io.StringIO" in error_of("a,b\n1,2\n")
    assert "is a directory" in error_of(tmp_path)


def test_dataset_error_is_a_value_error_and_is_exported():
    assert issubclass(DatasetError, ValueError)
    assert reluscope.load_csv is load_csv and reluscope.make_dataset is make_dataset


# ----------------------------------------------------------------------------------------------
# load_csv: properties


def check_outcome(source) -> Dataset | None:
    """load_csv gives a valid Dataset or a DatasetError that is not the internal-error net."""
    try:
        data = load_csv(source)
    except DatasetError as error:
        assert "internal error" not in str(error), str(error)
        assert str(error)
        return None
    assert_valid(data)
    return data


@PROPERTY
@given(st.binary(max_size=600))
def test_arbitrary_bytes_give_a_dataset_or_a_dataset_error(raw):
    check_outcome(raw)


ODD_CELLS = st.sampled_from(
    [
        "",
        " ",
        "NA",
        "nan",
        "?",
        "inf",
        "-inf",
        "1e999",
        "1e200",
        "x",
        '"',
        "1,5",
        "a;b",
        " 3 ",
        "\t",
        "ÿ",
        "\r\n",
        "None",
        "0x1f",
        "1_0",
    ]
)
FEATURE_CELLS = st.one_of(
    st.floats().map(repr),
    st.integers(-3, 3).map(str),
    st.integers(-3, 3).map(str),
    ODD_CELLS,
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=5),
)
TARGET_CELLS = st.one_of(
    st.integers(0, 2).map(str), st.sampled_from("abc"), st.floats().map(repr), ODD_CELLS
)
DELIMITERS = [",", ";", "\t", "|"]


NUMBER_CELLS = st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(repr),
                        st.integers(-3, 3).map(str))  # fmt: skip


@st.composite
def tables(draw):
    """Small tables, mostly numbers, with every kind of oddity a spreadsheet can produce."""
    width = draw(st.integers(1, 4))
    clean = draw(st.booleans())  # numbers only: exercises the checks after parsing
    feature = NUMBER_CELLS if clean else FEATURE_CELLS
    target = st.sampled_from(["0", "1", "2", "a", "b"]) if clean else TARGET_CELLS
    row = st.tuples(st.lists(feature, min_size=width - 1, max_size=width - 1), target)
    min_rows = draw(st.sampled_from([0, 10]))
    rows = draw(st.lists(row.map(lambda cells: [*cells[0], cells[1]]), min_size=min_rows,
                         max_size=25))  # fmt: skip
    if rows and draw(st.integers(0, 3)) == 0:  # make one row ragged
        k = draw(st.integers(0, len(rows) - 1))
        rows[k] = rows[k][:-1] if draw(st.booleans()) else [*rows[k], "1"]
    if clean:
        rows = [[f"c{j}" for j in range(width)], *rows]
    elif draw(st.integers(0, 4)):  # usually a header, not always a good one
        names = st.sampled_from(["a", "b", "c", "label", "", "1"])
        rows = [draw(st.lists(names, min_size=width, max_size=width, unique=True)), *rows]
    delimiter = draw(st.sampled_from(DELIMITERS))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


@PROPERTY
@given(tables())
def test_arbitrary_small_tables_give_a_dataset_or_a_dataset_error(raw):
    check_outcome(raw)


@PROPERTY
@given(tables())
def test_csv_columns_are_the_columns_the_loader_reads(raw):
    """The dashboard's target picker offers exactly the names ``load_csv`` accepts as target."""
    try:
        data = load_csv(raw)
    except DatasetError:
        try:
            csv_columns(raw)  # the header may still be readable; never another exception
        except DatasetError:
            pass
        return
    assert csv_columns(raw) == (*data.feature_names, data.target_name)


@st.composite
def valid_tables(draw):
    n_features = draw(st.integers(1, 4))
    n_rows = draw(st.integers(10, 40))
    number = st.floats(-1e100, 1e100, allow_nan=False)
    X = draw(st.lists(st.lists(number, min_size=n_features, max_size=n_features),
                      min_size=n_rows, max_size=n_rows))  # fmt: skip
    names = draw(st.lists(st.text("abcdefghij", min_size=1, max_size=4), min_size=2, max_size=3,
                          unique=True))  # fmt: skip
    labels = [names[k % len(names)] for k in range(n_rows)]
    labels = draw(st.permutations(labels))
    delimiter = draw(st.sampled_from(DELIMITERS))
    header = [f"feature {j}" for j in range(n_features)] + ["class"]
    rows = [header] + [[repr(v) for v in x] + [label] for x, label in zip(X, labels, strict=True)]
    return csv_bytes(rows, delimiter=delimiter), np.array(X), labels


@PROPERTY
@given(valid_tables())
def test_valid_tables_load_exactly(table):
    raw, X, labels = table
    data = check_outcome(raw)
    assert data is not None
    assert np.array_equal(data.X, X)
    assert data.class_names == tuple(sorted(set(labels)))
    assert [data.class_names[k] for k in data.y] == labels


# ----------------------------------------------------------------------------------------------
# bundled files


def test_at_least_three_bundled_files_one_of_them_real():
    assert len(BUNDLED) >= 3 and "iris" in BUNDLED
    assert all(path.parent == ROOT / "data" for path in BUNDLED.values())


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_every_bundled_file_loads_with_defaults_and_is_described(name):
    data = load_csv(BUNDLED[name])
    assert_valid(data)
    assert data.n_samples >= 100
    assert ds.bundled_description(name) != f"data/{name}.csv"  # has its own description
    assert f"`{name}.csv`" in (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert load_bundled(name).description == ds.bundled_description(name)


def test_bundled_iris_is_fishers_iris():
    from sklearn.datasets import load_iris

    data, bunch = load_bundled("iris"), load_iris()
    assert np.array_equal(data.X, bunch.data) and np.array_equal(data.y, bunch.target)
    assert data.class_names == tuple(bunch.target_names)


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
    with pytest.raises(DatasetError, match="name="):
        from_choice(name, 100, 0.1)


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
    with pytest.raises(DatasetError, match=r"name='nope'.*iris"):
        load_bundled("nope")


# ----------------------------------------------------------------------------------------------
# command line, imports, documentation


def test_cli_lists_every_dataset_with_a_description(capsys):
    assert cli_main(["datasets"]) == 0
    generated, bundled = capsys.readouterr().out.split("Bundled CSV files")
    sections = [(generated, DATASETS, lambda name: dataset_info(name).description),
                (bundled, BUNDLED, ds.bundled_description)]  # fmt: skip
    for text, names, describe in sections:
        lines = text.splitlines()
        for name in names:
            line = next(line for line in lines if line.split()[:1] == [name])
            assert describe(name) in line


def test_cli_describes_a_generator_and_checks_a_csv_file(capsys, tmp_path):
    assert cli_main(["datasets", "spirals"]) == 0
    out = capsys.readouterr().out
    assert "arms" in out and "turns" in out and "an integer in [2, 10]" in out
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(two_class_rows()))
    assert cli_main(["datasets", str(good)]) == 0
    out = capsys.readouterr().out
    assert "12 rows" in out and "classes: no, yes" in out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b,label\n")
    assert cli_main(["datasets", str(bad)]) == 2
    assert "no data rows" in capsys.readouterr().err


def test_imports_stay_cheap():
    code = (
        "import sys, reluscope.datasets, reluscope.commands.datasets;"
        "print(sorted(m for m in ('pandas', 'sklearn', 'scipy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)  # fmt: skip
    assert result.stdout.strip() == "[]"


def test_docstring_examples_run():
    assert doctest.testmod(ds, raise_on_error=False).failed == 0


def test_caps_are_module_constants_and_defaults():
    assert ds.MAX_ROWS >= 10_000 and ds.MAX_COLUMNS >= 10
    assert math.isfinite(ds.MAX_ABS_VALUE)
