"""``reluscope bench``: reluscope against scikit-learn in the same run, BLAS at one thread.

The machine may be shared and noisy, so every figure is the median of several interleaved
rounds and the table reports ratios measured side by side, not absolute promises. Rows with
a target say ``ok`` or ``MISSED``; the others (target ``-``) inform.
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

__all__ = [
    "EPOCH_CASES",
    "BenchRow",
    "epoch_benchmarks",
    "format_table",
    "import_benchmark",
    "matmul_gflops",
    "ratio_table",
    "run",
]


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


def _epoch_time(make_model, X, y):
    """Seconds per epoch of one fit."""
    model = make_model()
    start = time.perf_counter()
    model.fit(X, y)
    return (time.perf_counter() - start) / model.n_iter_


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


EPOCH_CASES = (
    # name, hidden layers, solver, batch size, targets (diagnostics on, off) as ratios
    ("16x16x16x16 bs32 sgd", (16, 16, 16, 16), "sgd", 32, (0.22, None)),
    ("64x64 bs32 sgd", (64, 64), "sgd", 32, (0.40, 0.22)),
    ("64x64 bs32 adam", (64, 64), "adam", 32, (0.40, 0.22)),
    ("128x128 full batch sgd", (128, 128), "sgd", 1000, (None, None)),
)
"""The epoch benchmarks: make_moons(1000), ReLU, 20 epochs (full batch: the dashboard's
default 100, so that the one record pass after the last update, an epoch's worth of work, is
not a twentieth of the figure); ratios to scikit-learn."""

FULL_BATCH_EPOCHS = 100

FULL_BATCH_TARGETS = {"diagnostics_cost": 1.05, "matmul_fraction": 0.6}
"""128×128 full batch: most diagnostics may cost (on / off) and least share of bare-matmul
GFLOP/s the epoch (diagnostics on) reaches."""

VARIANTS = (("on", {}), ("off", {"diagnostics": False}), ("float32 on", {"dtype": "float32"}))


def _row(name, ours, reference, unit, target, higher_is_better=False):
    ratio = ours / reference
    if target is None:
        return BenchRow(name, ours, reference, unit, ratio, "-", True)
    sign = ">=" if higher_is_better else "<="
    met = ratio >= target if higher_is_better else ratio <= target
    return BenchRow(name, ours, reference, unit, ratio, f"{sign} {target:.2f}x", bool(met))


def epoch_benchmarks(repeats: int = 5, epochs: int = 20) -> list[BenchRow]:
    """ms/epoch of reluscope (diagnostics on, off, float32 on) vs scikit-learn, relu.

    Every round times each variant once, interleaved with scikit-learn, so that all see the
    same machine load; each figure is the median over ``repeats`` rounds.
    """
    from sklearn.datasets import make_moons
    from sklearn.neural_network import MLPClassifier as SklearnMLP

    from reluscope.estimators import MLPClassifier

    X, y = make_moons(1000, noise=0.2, random_state=0)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, hidden, solver, batch, (target_on, target_off) in EPOCH_CASES:
            full_batch = batch >= X.shape[0]
            n_epochs = FULL_BATCH_EPOCHS if full_batch else epochs
            params = dict(
                hidden_layer_sizes=hidden,
                activation="relu",
                solver=solver,
                batch_size=batch,
                learning_rate_init=0.01,
                max_iter=n_epochs,
                n_iter_no_change=n_epochs + 1,
                random_state=0,
            )
            times = {"sklearn": [], "bare": [], **{variant: [] for variant, _ in VARIANTS}}
            for _ in range(repeats):
                times["sklearn"].append(_epoch_time(partial(SklearnMLP, **params), X, y))
                for variant, extra in VARIANTS:
                    model = partial(MLPClassifier, **params, **extra)
                    times[variant].append(_epoch_time(model, X, y))
                if full_batch:
                    times["bare"].append(matmul_gflops(50))
            t = {key: float(np.median(values)) for key, values in times.items() if values}
            targets = {"on": target_on, "off": target_off, "float32 on": None}
            for variant, _ in VARIANTS:
                rows.append(
                    _row(
                        f"{name}, diagnostics {variant}",
                        t[variant] * 1e3,
                        t["sklearn"] * 1e3,
                        "ms/epoch",
                        targets[variant],
                    )
                )
            if full_batch:
                rows.append(
                    _row(
                        f"{name}: diagnostics on over off",
                        t["on"] * 1e3,
                        t["off"] * 1e3,
                        "ms/epoch",
                        FULL_BATCH_TARGETS["diagnostics_cost"],
                    )
                )
                achieved = _epoch_flops([2, *hidden, 1], X.shape[0]) / t["on"] / 1e9
                rows.append(
                    _row(
                        f"{name}: GFLOP/s over bare matmul",
                        achieved,
                        t["bare"],
                        "GFLOP/s",
                        FULL_BATCH_TARGETS["matmul_fraction"],
                        higher_is_better=True,
                    )
                )
    return rows


def ratio_table(rows) -> str:
    """The epoch rows as the case × variant table of ratios to scikit-learn."""
    header = f"{'case (ratio to scikit-learn)':32s} {'diag on':>8s} {'diag off':>9s}"
    lines = [f"{header} {'f32 on':>7s}"]
    for name, *_ in EPOCH_CASES:
        ratios = {
            row.name.rsplit("diagnostics ", 1)[1]: row.ratio
            for row in rows
            if row.name.startswith(f"{name}, diagnostics ")
        }
        if ratios:
            cells = [ratios.get(variant, np.nan) for variant, _ in VARIANTS]
            lines.append(f"{name:32s} {cells[0]:8.3f} {cells[1]:9.3f} {cells[2]:7.3f}")
    return "\n".join(lines)


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
        f"{'benchmark':52s} {'reluscope':>10s} {'reference':>10s} {'unit':>9s} "
        f"{'ratio':>7s}  target"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        verdict = "" if row.target == "-" else ("ok" if row.met else "MISSED")
        lines.append(
            f"{row.name:52s} {row.reluscope:10.3f} {row.reference:10.3f} {row.unit:>9s} "
            f"{row.ratio:7.3f}  {row.target} {verdict}".rstrip()
        )
    return "\n".join(lines)


def run(repeats: int = 5, include_sweeps: bool = False, stream=sys.stdout) -> list[BenchRow]:
    """Run every benchmark with BLAS limited to one thread and print the table (the sweep
    benchmarks, much longer, take at most 3 rounds)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        epochs = epoch_benchmarks(repeats)
        rows = [import_benchmark(), *epochs]
        if include_sweeps:
            from reluscope.bench_sweep import sweep_benchmarks

            rows += [BenchRow(**row) for row in sweep_benchmarks(min(repeats, 3))]
    print(format_table(rows), file=stream)
    if epochs:
        print("\n" + ratio_table(epochs), file=stream)
    return rows
