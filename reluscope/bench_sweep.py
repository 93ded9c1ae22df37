"""Sweep benchmarks: stacked sweeps against sequential scikit-learn fits.

Every figure is measured in the same run as its baseline, interleaved round by round, with
BLAS limited to one thread (``threadpoolctl``; the child processes get the thread variables
too), and reported as the ratio of medians, because the machine may be shared and noisy.
``reluscope bench --sweeps`` prints the rows. Each run trains moons(500), batch 32, 40 epochs
of SGD with the diagnostics a sweep reports (unit states every epoch).

Rows and their targets (:data:`TARGETS`; higher is better):

1. Models per second of one stack of K = 1, 8, 32 and 128 runs of 16×16×16×16, each over
   scikit-learn's models per second (informative), and K = 128 over K = 8: ≥ 1, no drop.
2. 32 seeds of 16×16×16×16 in-process (``run_sweep``) vs 32 sequential
   ``sklearn.neural_network.MLPClassifier`` fits with the same settings: ≥ 12× faster.
3. The same as whole processes, start-up included on both sides: ``reluscope sweep`` vs a
   Python script that makes the data with scikit-learn's generator and does the 32 fits:
   ≥ 3× faster.
4. 32 seeds of 64×64, float64, in-process, vs scikit-learn: ≥ 4× faster.
5. K = 128 in groups of 32 with ``jobs=2`` over ``jobs=1`` (worker pool warmed up first):
   ≥ 1.5× faster.
"""

from __future__ import annotations

import os
import statistics
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

STACKS = (1, 8, 32, 128)
"""Stack sizes whose models per second are printed."""

TARGETS = {"scaling": 1.0, "seeds": 12.0, "cli": 3.0, "wide": 4.0, "jobs": 1.5}
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


def _sweep_seconds(hidden_layers, seeds, *, group_size=32, jobs=1) -> float:
    """Wall time of an in-process ``run_sweep`` (dataset made inside, as a user would)."""
    from reluscope.sweep import run_sweep

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
    return time.perf_counter() - started


def _cli_seconds(hidden_layers, seeds) -> float:
    """Wall time of ``python -m reluscope sweep …`` in a fresh interpreter."""
    from reluscope.sweep import format_hidden

    shape = format_hidden(hidden_layers)
    env = {**os.environ, **_BLAS_ONE_THREAD}
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
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        return time.perf_counter() - started


_SKLEARN_SCRIPT = """
import sys, warnings
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
hidden, seeds, n, epochs, batch, rate = eval(sys.argv[1])
X, y = make_moons(n, noise=0.2, random_state=0)
X = StandardScaler().fit_transform(X)
warnings.simplefilter("ignore", ConvergenceWarning)
for seed in range(seeds):
    MLPClassifier(hidden, activation="relu", solver="sgd", alpha=0.0, batch_size=batch,
                  learning_rate_init=rate, max_iter=epochs, n_iter_no_change=epochs,
                  random_state=seed).fit(X, y)
"""


def _sklearn_script_seconds(hidden_layers, seeds) -> float:
    """Wall time of a fresh interpreter doing ``seeds`` scikit-learn fits, imports included."""
    settings = repr((hidden_layers, seeds, N_SAMPLES, EPOCHS, BATCH_SIZE, LEARNING_RATE))
    env = {**os.environ, **_BLAS_ONE_THREAD}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", _SKLEARN_SCRIPT, settings], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - started


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
    """The table's rows from measured wall times (medians), each checked against its target.

    Parameters
    ----------
    seconds : mapping
        ``k1``, ``k8``, ``k32``, ``k128`` (one stack of that many runs of 16×16×16×16) and
        ``sklearn_one`` (one scikit-learn fit) for rows 1; ``seeds`` and ``sklearn_deep`` (32
        of each) for row 2; ``cli`` and ``sklearn_script`` (whole processes) for row 3;
        ``wide`` and ``sklearn_wide`` for row 4; ``jobs1`` and ``jobs2`` for row 5.
    cpus : int, optional
        CPUs of the machine, named in row 5.

    Returns
    -------
    list of dict
        The fields of :class:`reluscope.bench.BenchRow`: ``name``, ``reluscope`` and
        ``reference`` (seconds, or models per second), ``unit``, ``ratio`` (higher is
        better), ``target`` (as printed, ``-`` for an informative row) and ``met`` (ratio ≥
        the target of :data:`TARGETS`; NaN misses).
    """

    def row(key, name, ours, reference, unit, ratio):
        if key is None:
            return dict(name=name, reluscope=ours, reference=reference, unit=unit, ratio=ratio,
                        target="-", met=True)  # fmt: skip
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
    sklearn_per_second = 1.0 / t["sklearn_one"]
    per_second = {k: k / t[f"k{k}"] for k in STACKS}
    rows = [
        row(
            None,
            f"models/s, one stack of K={k} ({deep}) vs sklearn",
            per_second[k],
            sklearn_per_second,
            "models/s",
            per_second[k] / sklearn_per_second,
        )
        for k in STACKS
    ]
    return [
        *rows,
        row(
            "scaling",
            "models/s, K=128 over K=8",
            per_second[128],
            per_second[8],
            "models/s",
            per_second[128] / per_second[8],
        ),
        row(
            "seeds",
            f"sweep, {SEEDS} seeds of {deep} vs {SEEDS} sklearn fits",
            t["seeds"],
            t["sklearn_deep"],
            "s",
            t["sklearn_deep"] / t["seeds"],
        ),
        row(
            "cli",
            f"whole process: sweep CLI vs sklearn script, {SEEDS} x {deep}",
            t["cli"],
            t["sklearn_script"],
            "s",
            t["sklearn_script"] / t["cli"],
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
            "jobs",
            f"sweep K=128, jobs=2 over jobs=1{on}",
            t["jobs2"],
            t["jobs1"],
            "s",
            t["jobs1"] / t["jobs2"],
        ),
    ]


def sweep_benchmarks(repeats: int = 3) -> list[dict]:
    """Run the sweep benchmarks (a few minutes) and return :func:`sweep_rows` of the medians
    over ``repeats`` interleaved rounds."""
    from joblib import Parallel, delayed
    from threadpoolctl import threadpool_limits

    measures = {
        "sklearn_one": lambda: _sklearn_seconds(DEEP, 1),
        **{f"k{k}": (lambda k=k: _sweep_seconds(DEEP, k, group_size=k)) for k in STACKS},
        "seeds": lambda: _sweep_seconds(DEEP, SEEDS),
        "sklearn_deep": lambda: _sklearn_seconds(DEEP, SEEDS),
        "cli": lambda: _cli_seconds(DEEP, SEEDS),
        "sklearn_script": lambda: _sklearn_script_seconds(DEEP, SEEDS),
        "wide": lambda: _sweep_seconds(WIDE, SEEDS),
        "sklearn_wide": lambda: _sklearn_seconds(WIDE, SEEDS),
    }
    times: dict[str, list[float]] = {name: [] for name in measures}
    with threadpool_limits(limits=1):
        _sweep_seconds((4,), 2)  # import everything once
        _sklearn_seconds((4,), 1)
        for _ in range(repeats):
            for name, measure in measures.items():
                times[name].append(measure())
    # start the worker processes before timing: their start-up is paid once per session
    Parallel(n_jobs=2, backend="loky")(delayed(_sweep_seconds)((4,), 2) for _ in "ab")
    times["jobs1"], times["jobs2"] = [], []
    with threadpool_limits(limits=1):
        for _ in range(repeats):
            times["jobs1"].append(_sweep_seconds(DEEP, 128, group_size=32, jobs=1))
            times["jobs2"].append(_sweep_seconds(DEEP, 128, group_size=32, jobs=2))
    medians = {name: statistics.median(values) for name, values in times.items()}
    return sweep_rows(medians, os.cpu_count())
