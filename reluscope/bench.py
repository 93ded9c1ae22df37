"""``reluscope bench``: reluscope against scikit-learn in the same run, BLAS at one thread.

The machine may be shared and noisy, so every figure is the best of several interleaved
repeats and the table reports ratios measured side by side, not absolute promises.
"""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from functools import partial
from itertools import pairwise

import numpy as np

__all__ = ["BenchRow", "epoch_benchmarks", "import_benchmark", "matmul_gflops", "run"]


@dataclass
class BenchRow:
    """One line of the table: what was timed, both sides, their ratio and the target."""

    name: str
    reluscope: float
    reference: float
    unit: str
    ratio: float
    target: str
    met: bool


def _best_epoch_time(make_model, X, y, repeats):
    best = np.inf
    for _ in range(repeats):
        model = make_model()
        start = time.perf_counter()
        model.fit(X, y)
        best = min(best, (time.perf_counter() - start) / model.n_iter_)
    return best


def matmul_gflops(repeats: int = 200) -> float:
    """GFLOP/s of a bare 1000×128 @ 128×128 float64 matmul (BLAS at whatever limit is set)."""
    rng = np.random.default_rng(0)
    a, b = rng.random((1000, 128)), rng.random((128, 128))
    out = np.empty((1000, 128))
    best = np.inf
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats):
            np.matmul(a, b, out=out)
        best = min(best, (time.perf_counter() - start) / repeats)
    return 2 * 1000 * 128 * 128 / best / 1e9


def _epoch_flops(layer_units, n_samples):
    """Multiply-adds ×2 of one full-batch epoch: forward, weight gradients, hidden deltas."""
    pairs = list(pairwise(layer_units))
    forward = sum((fan_in + 1) * fan_out for fan_in, fan_out in pairs) * n_samples
    deltas = sum(fan_in * fan_out for fan_in, fan_out in pairs[1:]) * n_samples
    return 2 * (2 * forward + deltas)


def epoch_benchmarks(repeats: int = 5, epochs: int = 20) -> list[BenchRow]:
    """ms/epoch of reluscope (diagnostics on) vs scikit-learn on make_moons(1000), relu."""
    from sklearn.datasets import make_moons
    from sklearn.neural_network import MLPClassifier as SklearnMLP

    from reluscope.estimators import MLPClassifier

    X, y = make_moons(1000, noise=0.2, random_state=0)
    cases = [
        ("64x64, batch 32, nesterov sgd", (64, 64), "sgd", 32, 0.30),
        ("16x16x16x16, batch 32, nesterov sgd", (16, 16, 16, 16), "sgd", 32, 0.25),
        ("64x64, batch 32, adam", (64, 64), "adam", 32, 0.30),
    ]
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, hidden, solver, batch, target in cases:
            params = dict(
                hidden_layer_sizes=hidden,
                activation="relu",
                solver=solver,
                batch_size=batch,
                learning_rate_init=0.01,
                max_iter=epochs,
                n_iter_no_change=epochs + 1,
                random_state=0,
            )
            ours = theirs = np.inf
            for _ in range(repeats):  # interleaved, so both sides see the same machine load
                theirs = min(theirs, _best_epoch_time(partial(SklearnMLP, **params), X, y, 1))
                ours = min(ours, _best_epoch_time(partial(MLPClassifier, **params), X, y, 1))
            ratio = ours / theirs
            rows.append(
                BenchRow(
                    name,
                    ours * 1e3,
                    theirs * 1e3,
                    "ms/epoch",
                    ratio,
                    f"<= {target:.2f}x",
                    ratio <= target,
                )
            )
        params = dict(
            hidden_layer_sizes=(128, 128),
            activation="relu",
            solver="sgd",
            batch_size=1000,
            learning_rate_init=0.01,
            max_iter=epochs,
            n_iter_no_change=epochs + 1,
            random_state=0,
        )
        flops = _epoch_flops([2, 128, 128, 1], 1000)
        ours, bare = np.inf, 0.0
        for _ in range(repeats):
            bare = max(bare, matmul_gflops(100))
            ours = min(ours, _best_epoch_time(partial(MLPClassifier, **params), X, y, 1))
        achieved = flops / ours / 1e9
        rows.append(
            BenchRow(
                "128x128, full batch: GFLOP/s vs bare matmul",
                achieved,
                bare,
                "GFLOP/s",
                achieved / bare,
                ">= 0.55",
                achieved / bare >= 0.55,
            )
        )
    return rows


def _import_time(module: str, repeats: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    best = np.inf
    for _ in range(repeats):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        best = min(best, float(result.stdout))
    return best


def import_benchmark(repeats: int = 7) -> BenchRow:
    """``import reluscope`` vs ``import numpy`` in fresh interpreters."""
    ours = theirs = np.inf
    for _ in range(repeats):
        theirs = min(theirs, _import_time("numpy", 1))
        ours = min(ours, _import_time("reluscope", 1))
    ratio = ours / theirs
    return BenchRow(
        "import reluscope vs import numpy",
        ours * 1e3,
        theirs * 1e3,
        "ms",
        ratio,
        "<= 1.50x",
        ratio <= 1.5,
    )


def format_table(rows) -> str:
    header = (
        f"{'benchmark':46s} {'reluscope':>10s} {'reference':>10s} {'unit':>9s} "
        f"{'ratio':>7s}  target"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row.name:46s} {row.reluscope:10.3f} {row.reference:10.3f} {row.unit:>9s} "
            f"{row.ratio:7.3f}  {row.target} {'ok' if row.met else 'MISSED'}"
        )
    return "\n".join(lines)


def run(repeats: int = 5, include_sweeps: bool = False, stream=sys.stdout) -> list[BenchRow]:
    """Run every benchmark with BLAS limited to one thread and print the table."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        rows = [import_benchmark(), *epoch_benchmarks(repeats)]
        if include_sweeps:
            from reluscope.bench_sweep import sweep_benchmarks

            rows += [BenchRow(**row) for row in sweep_benchmarks()]
    print(format_table(rows), file=stream)
    return rows
