"""Sweep benchmarks: stacked sweeps against sequential scikit-learn fits.

Every figure is measured in the same process run as its baseline, with BLAS limited to one
thread (``threadpoolctl``; the command-line child gets the thread variables too), and reported
as a ratio, because the machine may be shared and noisy. ``reluscope bench --sweeps`` prints
the rows. Each run trains moons(500), batch 32, 40 epochs of SGD with diagnostics on.

Rows and their targets (:data:`TARGETS`):

1. 32 seeds of 16×16×16×16: the ``reluscope sweep`` command line, start-up included, vs 32
   sequential ``sklearn.neural_network.MLPClassifier`` fits with the same settings: ≥ 15×
   faster.
2. The same with 32 seeds of 64×64, float64, in-process: ≥ 4× faster.
3. Models per second at K = 128 (one stack) over K = 32: ≥ 1, no drop.
4. K = 128 in groups of 32 with ``jobs=2`` over ``jobs=1`` (worker pool warmed up first):
   ≥ 1.5× faster.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Mapping
from pathlib import Path

__all__ = ["TARGETS", "sweep_benchmarks", "sweep_rows"]

N_SAMPLES = 500
EPOCHS = 40
BATCH_SIZE = 32
LEARNING_RATE = 0.01
SEEDS = 32
DEEP = (16, 16, 16, 16)
WIDE = (64, 64)

TARGETS = {"cli": 15.0, "wide": 4.0, "scaling": 1.0, "jobs": 1.5}
"""Lowest acceptable ratio of each row (see the module docstring); higher is better."""

_BLAS_ONE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "BLIS_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    )
}


def _grid(hidden_layers, seeds):
    # init="sklearn" draws what scikit-learn draws, so both sides start from the same kind of net
    return {
        "activations": "relu",
        "bias_offsets": 0.0,
        "learning_rates": LEARNING_RATE,
        "seeds": seeds,
        "hidden_layers": hidden_layers,
        "inits": "sklearn",
        "solvers": "sgd",
    }


def _sweep_seconds(hidden_layers, seeds, *, group_size=32, jobs=1, repeats=2) -> float:
    """Best wall time of an in-process ``run_sweep`` (dataset made inside, as a user would)."""
    from reluscope.sweep import run_sweep

    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run_sweep(
            _grid(hidden_layers, seeds),
            dataset="moons",
            n_samples=N_SAMPLES,
            epochs=EPOCHS,
            batch_size=BATCH_SIZE,
            group_size=group_size,
            jobs=jobs,
        )
        best = min(best, time.perf_counter() - started)
    return best


def _cli_seconds(hidden_layers, seeds, repeats=2) -> float:
    """Best wall time of ``python -m reluscope sweep …`` in a fresh interpreter."""
    from reluscope.sweep import format_hidden

    shape = format_hidden(hidden_layers)
    env = {**os.environ, **_BLAS_ONE_THREAD}
    best = float("inf")
    with tempfile.TemporaryDirectory() as folder:
        command = [
            sys.executable, "-m", "reluscope", "sweep",
            "--dataset", "moons", "--n-samples", str(N_SAMPLES),
            "--activations", "relu", "--bias-offsets", "0",
            "--learning-rates", str(LEARNING_RATE), "--inits", "sklearn", "--solvers", "sgd",
            "--hidden-layers", shape, "--n-seeds", str(seeds), "--epochs", str(EPOCHS),
            "--batch-size", str(BATCH_SIZE), "--no-progress",
            "--out", str(Path(folder) / "runs.csv"),
        ]  # fmt: skip
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            best = min(best, time.perf_counter() - started)
    return best


def _sklearn_seconds(hidden_layers, seeds) -> float:
    """Wall time of ``seeds`` sequential scikit-learn fits with the sweep's settings."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from reluscope.datasets import make_dataset

    train, _ = make_dataset("moons", n_samples=N_SAMPLES, random_state=0).standardized()
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for seed in range(seeds):
            MLPClassifier(
                hidden_layer_sizes=hidden_layers,
                activation="relu",
                solver="sgd",
                alpha=0.0,
                batch_size=BATCH_SIZE,
                learning_rate_init=LEARNING_RATE,
                max_iter=EPOCHS,
                n_iter_no_change=EPOCHS,
                momentum=0.9,
                nesterovs_momentum=True,
                random_state=seed,
            ).fit(train.X, train.y)
    return time.perf_counter() - started


def sweep_rows(seconds: Mapping[str, float], cpus: int | None = None) -> list[dict]:
    """The table's rows from measured wall times, each checked against its target.

    Parameters
    ----------
    seconds : mapping
        Best wall times: ``cli`` and ``sklearn_deep`` (row 1), ``wide`` and ``sklearn_wide``
        (row 2), ``k32`` and ``k128`` (row 3), ``jobs1`` and ``jobs2`` (row 4).
    cpus : int, optional
        CPUs of the machine, named in row 4.

    Returns
    -------
    list of dict
        The fields of :class:`reluscope.bench.BenchRow`: ``name``, ``reluscope`` and
        ``reference`` (seconds, or models per second in row 3), ``unit``, ``ratio`` (higher is
        better), ``target`` (as printed) and ``met`` (ratio ≥ the target of :data:`TARGETS`).
    """

    def row(key, name, ours, reference, unit, ratio):
        target = TARGETS[key]
        return {
            "name": name,
            "reluscope": ours,
            "reference": reference,
            "unit": unit,
            "ratio": ratio,
            "target": f">= {target:g}x",
            "met": bool(ratio >= target),  # NaN misses
        }

    t = seconds
    from reluscope.sweep import format_hidden

    deep, wide = format_hidden(DEEP), format_hidden(WIDE)
    on = f", {cpus} CPUs" if cpus else ""
    per_second = 128 / t["k128"], 32 / t["k32"]
    return [
        row(
            "cli",
            f"sweep CLI, {SEEDS} seeds of {deep} vs sklearn",
            t["cli"],
            t["sklearn_deep"],
            "s",
            t["sklearn_deep"] / t["cli"],
        ),
        row(
            "wide",
            f"sweep, {SEEDS} seeds of {wide} float64 vs sklearn",
            t["wide"],
            t["sklearn_wide"],
            "s",
            t["sklearn_wide"] / t["wide"],
        ),
        row(
            "scaling",
            "sweep models/s, K=128 over K=32",
            *per_second,
            "models/s",
            per_second[0] / per_second[1],
        ),
        row(
            "jobs",
            f"sweep K=128, jobs=2 over jobs=1{on}",
            t["jobs2"],
            t["jobs1"],
            "s",
            t["jobs1"] / t["jobs2"],
        ),
    ]


def sweep_benchmarks() -> list[dict]:
    """Run the sweep benchmarks (about a minute) and return :func:`sweep_rows`."""
    from joblib import Parallel, delayed
    from threadpoolctl import threadpool_limits

    seconds = {}
    with threadpool_limits(limits=1):
        _sweep_seconds((4,), 2, repeats=1)  # import everything once
        seconds["cli"] = _cli_seconds(DEEP, SEEDS)
        seconds["sklearn_deep"] = _sklearn_seconds(DEEP, SEEDS)
        seconds["wide"] = _sweep_seconds(WIDE, SEEDS)
        seconds["sklearn_wide"] = _sklearn_seconds(WIDE, SEEDS)
        seconds["k32"] = _sweep_seconds(DEEP, 32, group_size=32)
        seconds["k128"] = _sweep_seconds(DEEP, 128, group_size=128)
    # start the worker processes before timing: their start-up is paid once per session
    Parallel(n_jobs=2, backend="loky")(delayed(_sweep_seconds)((4,), 2, repeats=1) for _ in "ab")
    with threadpool_limits(limits=1):
        seconds["jobs1"] = _sweep_seconds(DEEP, 128, group_size=32, jobs=1)
        seconds["jobs2"] = _sweep_seconds(DEEP, 128, group_size=32, jobs=2)
    return sweep_rows(seconds, os.cpu_count())
