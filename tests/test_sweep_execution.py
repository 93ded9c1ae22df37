"""reluscope.sweep.execution: identical results whatever the grouping or backend (in-process,
loky, a dask cluster on loopback), and progress reports."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from reluscope.datasets import make_dataset
from reluscope.errors import InvalidParameterError
from reluscope.experiment import train_runs
from reluscope.sweep import run_sweep, summarize_run
from reluscope.sweep.execution import check_execution, group_runs

# small enough to train in well under a second, varied enough to exercise every path:
# three activations (one leaky), two solvers, two shapes, a learning rate that diverges
IDENTITY_GRID = {
    "activations": "relu,leaky_relu,tanh",
    "negative_slopes": "0.01,0.3",
    "bias_offsets": "-2,0",
    "learning_rates": "0.05,1",
    "seeds": 2,
    "solvers": "sgd,adam",
    "hidden_layers": "6,4x4",
}
IDENTITY_SETTINGS = {
    "dataset": "moons", "n_samples": 80, "epochs": 6, "batch_size": 8, "curves": True,
}  # fmt: skip


@pytest.fixture(scope="module")
def reference():
    """The identity grid trained as one stack per (shape, solver)."""
    return run_sweep(IDENTITY_GRID, group_size=1000, **IDENTITY_SETTINGS)


def assert_same(result, reference):
    pd.testing.assert_frame_equal(result.runs, reference.runs, check_exact=True)
    pd.testing.assert_frame_equal(result.curves, reference.curves, check_exact=True)


def test_groups_keep_shape_and_solver_apart_and_split_evenly():
    points = [{"hidden_layers": (4,), "solver": "sgd"}] * 5 + [
        {"hidden_layers": (4,), "solver": "adam"}
    ] * 2
    groups = group_runs(points, group_size=2)
    assert groups == [
        (((4,), "sgd"), [0, 1]),
        (((4,), "sgd"), [2, 3]),
        (((4,), "sgd"), [4]),
        (((4,), "adam"), [5, 6]),
    ]
    assert group_runs(points, group_size=4)[:2] == [(((4,), "sgd"), [0, 1, 2]),
                                                    (((4,), "sgd"), [3, 4])]  # fmt: skip


def test_minus_one_jobs_is_one_per_cpu(monkeypatch):
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert check_execution(8, -1, "loky", None) == (8, 3)
    with pytest.raises(InvalidParameterError) as caught:
        check_execution(8, 1, "loky", "tcp://127.0.0.1:1")
    assert caught.value.field == "scheduler"


@pytest.mark.parametrize("group_size", [1, 4])
def test_results_do_not_depend_on_the_grouping(reference, group_size):
    assert reference.runs["diverged"].any() and not reference.runs["diverged"].all()
    assert_same(run_sweep(IDENTITY_GRID, group_size=group_size, **IDENTITY_SETTINGS), reference)


@pytest.mark.filterwarnings("ignore:Training diverged:RuntimeWarning")
def test_each_row_equals_training_that_run_alone(reference):
    train, _ = make_dataset("moons", n_samples=80, random_state=0).standardized()
    chosen = [0, 7, *np.flatnonzero(reference.runs["diverged"])[:2], len(reference.runs) - 1]
    for run in chosen:
        spec = reference.specs[run]
        row_settings = reference.runs.iloc[run]
        shape = tuple(int(w) for w in row_settings["hidden_layers"].split("x"))
        config = reference.configs[(shape, row_settings["solver"])]
        (alone,) = train_runs(train.X, train.y, [spec], config)
        row, curve = summarize_run(alone, curves=True)
        expected = reference.runs.iloc[run]
        for name, value in row.items():
            assert expected[name] == value or (math.isnan(value) and math.isnan(expected[name]))
        mine = reference.curves[reference.curves["run"] == run]
        np.testing.assert_array_equal(mine["loss"], curve["loss"])
        np.testing.assert_array_equal(mine["dead_fraction"], curve["dead_fraction"])


@pytest.mark.slow
def test_loky_with_two_jobs_gives_identical_results(reference):
    fractions = []
    result = run_sweep(IDENTITY_GRID, group_size=8, jobs=2, progress=fractions.append,
                       **IDENTITY_SETTINGS)  # fmt: skip
    assert_same(result, reference)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(fractions) == len(reference.runs) // 8  # one report per finished group


@pytest.mark.slow
def test_dask_cluster_on_loopback_gives_identical_results(reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        result = run_sweep(
            IDENTITY_GRID,
            group_size=8,
            backend="dask",
            scheduler=cluster.scheduler_address,
            **IDENTITY_SETTINGS,
        )
    assert_same(result, reference)


@pytest.mark.slow
def test_unreachable_scheduler_is_a_clear_error():
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with (
        dask.config.set({"distributed.comm.timeouts.connect": "2s"}),
        pytest.raises(InvalidParameterError) as caught,
    ):
        run_sweep({"activations": "relu", "hidden_layers": "4"}, n_samples=40, epochs=1,
                  backend="dask", scheduler="tcp://127.0.0.1:9", )  # fmt: skip
    assert caught.value.field == "scheduler"


def test_progress_in_process_reaches_one_epoch_by_epoch():
    fractions = []
    run_sweep({"activations": "relu,tanh", "hidden_layers": "4"}, n_samples=40, epochs=3,
              group_size=1, progress=fractions.append)  # fmt: skip
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) == 8
