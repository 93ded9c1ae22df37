"""reluscope.sweep.limits: a sweep's sizes are refused before anything is built."""

from __future__ import annotations

import itertools
import os
import time

import pytest

from reluscope.errors import InvalidParameterError
from reluscope.sweep import LIMITS, SweepGrid, SweepLimits, run_sweep
from reluscope.sweep.execution import check_execution


def refused(call, *args, **kwargs) -> InvalidParameterError:
    started = time.perf_counter()
    with pytest.raises(InvalidParameterError) as caught:
        call(*args, **kwargs)
    assert time.perf_counter() - started < 1.0  # refused, not first built and then measured
    return caught.value


@pytest.mark.parametrize(
    ("axis", "raw"),
    [
        ("seeds", 10**9),
        ("seeds", list(range(LIMITS.max_values + 1))),
        ("bias_offsets", ",".join(["0"] * (LIMITS.max_values + 1))),
        ("learning_rates", itertools.count(1)),  # endless
        ("hidden_layers", ["4"] * (LIMITS.max_values + 1)),
    ],
)
def test_an_axis_longer_than_the_limit_is_refused_naming_it(axis, raw):
    error = refused(SweepGrid, **{axis: raw})
    assert error.field == axis and str(LIMITS.max_values) in error.allowed


def test_a_list_at_the_limit_is_accepted():
    grid = SweepGrid(seeds=LIMITS.max_values, activations="relu")
    assert grid.n_runs == LIMITS.max_values


def test_a_grid_of_too_many_runs_is_refused_naming_its_longest_axis():
    offsets = ",".join(str(b / 10) for b in range(-50, 50))  # 100 values
    rates = ",".join(f"0.0{r}" for r in range(1, 10))  # 9 values
    error = refused(
        SweepGrid, activations="relu,tanh", bias_offsets=offsets, learning_rates=rates, seeds=30
    )
    assert error.field == "bias_offsets"
    assert "at most 10,000 runs; this one has 54,000" in error.allowed
    assert "activations 2 × bias_offsets 100 × learning_rates 9 × seeds 30" in error.allowed


def test_runs_times_epochs_beyond_the_limit_is_refused_before_the_data():
    grid = {"activations": "relu", "seeds": 100}
    error = refused(run_sweep, grid, dataset="no such dataset", epochs=50_001)
    assert error.field == "epochs" and "at most 50,000 epochs for 100 runs" in error.allowed


def test_local_jobs_are_bounded_per_cpu_but_a_clusters_are_not():
    most = LIMITS.max_jobs()
    assert most == LIMITS.jobs_per_cpu * (os.cpu_count() or 1)
    assert check_execution(1, most, "loky", None) == (1, most)
    error = refused(check_execution, 1, most + 1, "loky", None)
    assert error.field == "jobs" and f"at most {most} local workers" in error.allowed
    refused(check_execution, 1, 10**6, "dask", None)
    assert check_execution(1, 10**6, "dask", "tcp://10.0.0.5:8786") == (1, 10**6)


def test_the_limits_are_stated_in_one_sentence():
    text = SweepLimits(max_values=7, max_runs=8, max_run_epochs=9, jobs_per_cpu=1).describe()
    assert text == (
        "Limits: at most 7 values per list, 8 runs, 9 runs × epochs and 1 local jobs per CPU."
    )
