"""`reluscope sweep`: train a grid of runs and write one row per run (CSV or Parquet).

Example::

    reluscope sweep --dataset moons --n-samples 300 --activations relu,leaky_relu \\
        --bias-offsets=-3,-1,0 --learning-rates 0.01,0.1 --hidden 16x16 --seeds 3 \\
        --epochs 30 --batch-size 32 --jobs 2 --out results.csv

Lists are comma-separated; a list that starts with a minus sign needs ``=`` (as above).
"""

from __future__ import annotations

import argparse
import sys
import time

HELP = "train a grid of runs (activation × bias offset × learning rate × seed …) in parallel"

# field of reluscope.sweep / reluscope.datasets → the flag that sets it
_FLAGS = {
    "activations": "--activations",
    "bias_offsets": "--bias-offsets",
    "learning_rates": "--learning-rates",
    "negative_slopes": "--negative-slopes",
    "solvers": "--solvers",
    "hidden": "--hidden",
    "inits": "--inits",
    "seeds": "--seeds",
    "seed": "--seed",
    "epochs": "--epochs",
    "batch_size": "--batch-size",
    "momentum": "--momentum",
    "alpha": "--alpha",
    "group_size": "--group-size",
    "jobs": "--jobs",
    "backend": "--backend",
    "scheduler": "--scheduler",
    "test_size": "--test-size",
    "dtype": "--dtype",
    "out": "--out",
    "curves": "--curves",
    "dataset": "--dataset",
    "name": "--dataset",
    "n_samples": "--n-samples",
    "noise": "--noise",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Lists are comma-separated; one starting with a minus sign needs '=', e.g. "
        "--bias-offsets=-3,-1,0. Several architectures: --hidden 16x16,32."
    )
    data = parser.add_argument_group("data")
    data.add_argument(
        "--dataset",
        default="moons",
        help="generated dataset name, csv:NAME of a bundled file, or a .csv path (default: moons)",
    )
    data.add_argument(
        "--n-samples",
        type=int,
        default=None,
        metavar="N",
        help="samples of a generated dataset (default: the dataset's)",
    )
    data.add_argument(
        "--noise",
        type=float,
        default=None,
        help="noise of a generated dataset (default: the dataset's)",
    )
    data.add_argument(
        "--data-seed",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the data and of the test split (default: 0)",
    )
    data.add_argument(
        "--test-size",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="hold out this share for final_val_* columns (default: 0)",
    )
    grid = parser.add_argument_group("grid (comma-separated lists)")
    grid.add_argument(
        "--activations",
        default="relu,leaky_relu,tanh,sigmoid",
        metavar="LIST",
        help="e.g. relu,leaky_relu,elu (default: relu,leaky_relu,tanh,sigmoid)",
    )
    grid.add_argument(
        "--bias-offsets",
        default="0",
        metavar="LIST",
        help="added to every hidden bias at initialisation (default: 0)",
    )
    grid.add_argument(
        "--learning-rates", default="0.05", metavar="LIST", help="step sizes (default: 0.05)"
    )
    grid.add_argument(
        "--negative-slopes",
        default="0.01",
        metavar="LIST",
        help="leaky_relu slopes (default: 0.01)",
    )
    grid.add_argument("--solvers", default="sgd", metavar="LIST", help="sgd, adam (default: sgd)")
    grid.add_argument(
        "--hidden",
        default="32x32",
        metavar="LIST",
        help="hidden layers, e.g. 16x16 or 16x16,64 (default: 32x32)",
    )
    grid.add_argument(
        "--inits", default="he_normal", metavar="LIST", help="initialisations (default: he_normal)"
    )
    grid.add_argument(
        "--seeds", default="1", metavar="N", help="number of seeds per setting (default: 1)"
    )
    grid.add_argument("--seed", default="0", metavar="START", help="first seed (default: 0)")
    training = parser.add_argument_group("training")
    training.add_argument("--epochs", default="100", metavar="N", help="(default: 100)")
    training.add_argument("--batch-size", default="32", metavar="N", help="(default: 32)")
    training.add_argument(
        "--momentum", type=float, default=0.9, help="SGD's Nesterov momentum (default: 0.9)"
    )
    training.add_argument("--alpha", type=float, default=0.0, help="L2 penalty (default: 0)")
    training.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    training.add_argument(
        "--unpaired",
        action="store_true",
        help="draw each activation's own initial weights instead of sharing one draw per seed",
    )
    execution = parser.add_argument_group("execution")
    execution.add_argument(
        "--group-size",
        default="32",
        metavar="K",
        help="models trained together in one stack (default: 32)",
    )
    execution.add_argument(
        "--jobs", default="1", metavar="N", help="parallel workers; -1 for one per CPU (default: 1)"
    )
    execution.add_argument(
        "--backend",
        choices=("loky", "dask"),
        default="loky",
        help="loky: local processes; dask: a dask.distributed cluster",
    )
    execution.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local "
        "cluster of --jobs workers)",
    )
    execution.add_argument("--no-progress", action="store_true", help="no progress bar")
    output = parser.add_argument_group("output")
    output.add_argument(
        "--out",
        default=None,
        metavar="PATH",
        help="run table, .csv or .parquet (default: CSV on standard output)",
    )
    output.add_argument(
        "--curves",
        default=None,
        metavar="PATH",
        help="also write the per-epoch table, .csv or .parquet",
    )


class ProgressBar:
    """A one-line text bar on a terminal stream: ``[#####-----]  50%  12/24 runs  0:03``."""

    def __init__(self, total: int, stream=None, width: int = 30) -> None:
        self.total, self.width = total, width
        self.stream = sys.stderr if stream is None else stream
        self.started = time.monotonic()
        self.last = -1.0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if fraction < 1.0 and now - self.last < 0.1:
            return
        self.last = now
        filled = round(self.width * fraction)
        elapsed = int(now - self.started)
        runs = int(fraction * self.total + 1e-9)
        self.stream.write(
            f"\r[{'#' * filled}{'-' * (self.width - filled)}] {fraction:4.0%}  "
            f"{runs}/{self.total} runs  {elapsed // 60}:{elapsed % 60:02d}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.last >= 0:  # a line was drawn
            self.stream.write("\n")
            self.stream.flush()


def _fail(field: str, error: ValueError) -> int:
    flag = _FLAGS.get(field, f"--{field.replace('_', '-')}")
    print(f"reluscope sweep: error: argument {flag}: {error}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from reluscope.config import FIELDS
    from reluscope.errors import DatasetError, InvalidParameterError
    from reluscope.sweep import (
        SweepGrid,
        check_integer,
        check_output_path,
        run_sweep,
        write_table,
    )

    try:
        for name in ("out", "curves"):
            if getattr(args, name) is not None:
                check_output_path(name, getattr(args, name))
        n_seeds = check_integer("seeds", args.seeds, 1)
        first = check_integer("seed", args.seed, 0, int(FIELDS["seed"].high))
        grid = SweepGrid(
            activations=args.activations,
            bias_offsets=args.bias_offsets,
            learning_rates=args.learning_rates,
            seeds=tuple(range(first, first + n_seeds)),
            negative_slopes=args.negative_slopes,
            solvers=args.solvers,
            hidden=args.hidden,
            inits=args.inits,
        )
    except InvalidParameterError as error:
        return _fail(error.field, error)
    show_progress = not args.no_progress and sys.stderr.isatty()
    bar = ProgressBar(grid.n_runs) if show_progress else None
    try:
        result = run_sweep(
            grid,
            dataset=args.dataset,
            n_samples=args.n_samples,
            noise=args.noise,
            data_seed=args.data_seed,
            test_size=args.test_size,
            momentum=args.momentum,
            alpha=args.alpha,
            dtype=args.dtype,
            paired=not args.unpaired,
            backend=args.backend,
            scheduler=args.scheduler,
            progress=bar,
            curves=args.curves is not None,
            # checked by run_sweep, which takes their text as given
            epochs=args.epochs,
            batch_size=args.batch_size,
            group_size=args.group_size,
            jobs=args.jobs,
        )
    except InvalidParameterError as error:
        return _fail(error.field, error)
    except DatasetError as error:
        # its message starts with the parameter it is about, e.g. "n_samples=3 is not …"
        field = str(error).split("=", 1)[0]
        return _fail(field if field in _FLAGS else "dataset", error)
    finally:
        if bar is not None:
            bar.close()
    if args.out is None:
        result.runs.to_csv(sys.stdout, index=False)
    else:
        write_table(result.runs, args.out)
    if args.curves is not None:
        write_table(result.curves, args.curves)
    if args.out is not None:
        diverged = int(result.runs["diverged"].sum())
        print(
            f"reluscope sweep: {len(result.runs)} runs in {result.seconds:.1f} s "
            f"({diverged} diverged) → {args.out}",
            file=sys.stderr,
        )
    return 0
