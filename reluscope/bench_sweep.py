"""Sweep benchmarks (issue 5, Performance): stacked sweeps against sequential scikit-learn fits.

Every figure is measured in the same process run as its baseline, with BLAS limited to one
thread (``threadpoolctl``; the command-line child gets the thread variables too), and reported
as a ratio, because the machine may be shared and noisy. ``reluscope bench`` prints the rows.

Rows (targets from the issue in brackets):

1. 32 seeds of 16×16×16×16, batch 32, diagnostics on, 40 epochs on moons(500): the
   ``reluscope sweep`` command line, start-up included, vs 32 sequential
   ``sklearn.neural_network.MLPClassifier`` fits with the same settings [≥ 15×].
2. The same with 32 seeds of 64×64, float64, in-process [≥ 4×].
3. Models per second at K = 128 (one stack) over K = 32 [≥ 1: no drop].
4. K = 128 in groups of 32 with ``jobs=2`` over ``jobs=1`` (worker pool warmed up first) [≥ 1.5×].
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

__all__ = ["sweep_benchmarks"]

N_SAMPLES = 500
EPOCHS = 40
BATCH_SIZE = 32
LEARNING_RATE = 0.01
SEEDS = 32
DEEP = (16, 16, 16, 16)
WIDE = (64, 64)

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


def _grid(hidden, seeds):
    # init="sklearn" draws what scikit-learn draws, so both sides start from the same kind of net
    return {
        "activations": "relu",
        "bias_offsets": 0.0,
        "learning_rates": LEARNING_RATE,
        "seeds": seeds,
        "hidden": hidden,
        "inits": "sklearn",
        "solvers": "sgd",
    }


def _sweep_seconds(hidden, seeds, *, group_size=32, jobs=1, repeats=2) -> float:
    """Best wall time of an in-process ``run_sweep`` (dataset made inside, as a user would)."""
    from reluscope.sweep import run_sweep

    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run_sweep(
            _grid(hidden, seeds),
            dataset="moons",
            n_samples=N_SAMPLES,
            epochs=EPOCHS,
            batch_size=BATCH_SIZE,
            group_size=group_size,
            jobs=jobs,
        )
        best = min(best, time.perf_counter() - started)
    return best


def _cli_seconds(hidden, seeds, repeats=2) -> float:
    """Best wall time of ``python -m reluscope sweep …`` in a fresh interpreter."""
    shape = "x".join(map(str, hidden))
    env = {**os.environ, **_BLAS_ONE_THREAD}
    best = float("inf")
    with tempfile.TemporaryDirectory() as folder:
        command = [
            sys.executable, "-m", "reluscope", "sweep",
            "--dataset", "moons", "--n-samples", str(N_SAMPLES),
            "--activations", "relu", "--bias-offsets", "0",
            "--learning-rates", str(LEARNING_RATE), "--inits", "sklearn", "--solvers", "sgd",
            "--hidden", shape, "--seeds", str(seeds), "--epochs", str(EPOCHS),
            "--batch-size", str(BATCH_SIZE), "--no-progress",
            "--out", str(Path(folder) / "runs.csv"),
        ]  # fmt: skip
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            best = min(best, time.perf_counter() - started)
    return best


def _sklearn_seconds(hidden, seeds) -> float:
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
                hidden_layer_sizes=hidden,
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


def _row(name, ours, theirs, ratio, note):
    return {
        "name": name,
        "reluscope_seconds": ours,
        "sklearn_seconds": theirs,
        "ratio": ratio,
        "note": note,
    }


def sweep_benchmarks() -> list[dict]:
    """Run the sweep benchmarks; takes about a minute.

    Returns
    -------
    list of dict
        One per benchmark: ``name``, ``reluscope_seconds``, ``sklearn_seconds`` (None when the
        baseline is reluscope itself), ``ratio`` (how many times faster, or the models/second
        ratio), ``note`` (settings, the baseline and the issue's target).
    """
    from threadpoolctl import threadpool_limits

    rows = []
    settings = f"moons({N_SAMPLES}), batch {BATCH_SIZE}, {EPOCHS} epochs, sgd, diagnostics on"
    with threadpool_limits(limits=1):
        _sweep_seconds((4,), 2, repeats=1)  # import everything once
        cli = _cli_seconds(DEEP, SEEDS)
        sklearn_deep = _sklearn_seconds(DEEP, SEEDS)
        rows.append(_row(
            f"sweep CLI: {SEEDS} seeds of 16x16x16x16", cli, sklearn_deep, sklearn_deep / cli,
            f"{settings}; `python -m reluscope sweep` start-up included vs {SEEDS} sequential "
            "MLPClassifier fits; target >= 15x",
        ))  # fmt: skip
        wide = _sweep_seconds(WIDE, SEEDS)
        sklearn_wide = _sklearn_seconds(WIDE, SEEDS)
        rows.append(_row(
            f"sweep: {SEEDS} seeds of 64x64 float64", wide, sklearn_wide, sklearn_wide / wide,
            f"{settings}; in-process run_sweep vs {SEEDS} sequential MLPClassifier fits; "
            "target >= 4x",
        ))  # fmt: skip
        k32 = _sweep_seconds(DEEP, 32, group_size=32)
        k128 = _sweep_seconds(DEEP, 128, group_size=128)
        rows.append(_row(
            "sweep: models/s at K=128 over K=32", k128, None, (128 / k128) / (32 / k32),
            f"16x16x16x16, {settings}; one stack of 128 ({k128:.2f} s) vs one of 32 "
            f"({k32:.2f} s); target >= 1 (no drop)",
        ))  # fmt: skip
    from joblib import Parallel, delayed

    # start the worker processes before timing: their start-up is paid once per session
    Parallel(n_jobs=2, backend="loky")(delayed(_sweep_seconds)((4,), 2, repeats=1) for _ in "ab")
    with threadpool_limits(limits=1):
        serial = _sweep_seconds(DEEP, 128, group_size=32, jobs=1)
        parallel = _sweep_seconds(DEEP, 128, group_size=32, jobs=2)
    rows.append(_row(
        "sweep: --jobs 2 at K=128", parallel, None, serial / parallel,
        f"16x16x16x16, {settings}; 4 groups of 32, jobs=2 vs jobs=1 ({serial:.2f} s), "
        f"warm worker pool, {os.cpu_count()} CPUs; target >= 1.5x",
    ))  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in sweep_benchmarks():
        ours = row["reluscope_seconds"]
        theirs = row["sklearn_seconds"]
        theirs = "" if theirs is None else f" vs {theirs:.2f} s"
        print(f"{row['name']}: {ours:.2f} s{theirs} -> {row['ratio']:.2f}x  ({row['note']})")
