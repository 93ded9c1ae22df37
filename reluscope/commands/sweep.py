"""`reluscope sweep`: train a grid of runs and write one row per run (CSV or Parquet).

Example::

    reluscope sweep --dataset moons --n-samples 300 --activations relu,leaky_relu \\
        --bias-offsets=-3,-1,0 --learning-rates 0.01,0.1 --hidden-layers 16x16 --n-seeds 3 \\
        --epochs 30 --batch-size 32 --jobs 2 --out results.csv

Lists are comma-separated; a list that starts with a minus sign needs ``=`` (as above).

Every flag of a settings field takes its name, range and default from ``reluscope.config``
(as ``reluscope train`` does): the grid's axes are the plurals of the fields they vary
(``reluscope.sweep.AXES``). The others take their defaults from ``reluscope.sweep.run_sweep``.
Nothing is restated here: a flag left out is not passed on, so the core's default applies.
A sweep larger than ``reluscope.sweep.LIMITS`` (values per list, runs, runs × epochs, local
jobs) is refused before anything is built; outputs are checked before training and written
whole or not at all; Ctrl-C stops the workers and exits 130.
"""

from __future__ import annotations

import argparse
import sys
import time

HELP = "train a grid of runs (activation × bias offset × learning rate × seed …) in parallel"

# settings fields the sweep takes one value of, under the flag `reluscope train` gives them
_SETTINGS = ("dataset", "n_samples", "noise", "seed", "epochs", "batch_size")
# what the sweep does with a settings field whose meaning is not the dashboard's
_SWEEP_HELP = {
    "dataset": "A generated dataset's name, csv:NAME of a bundled file, or a .csv path.",
    "n_samples": "Samples of a generated dataset.",
    "noise": "Noise of a generated dataset.",
    "seed": "The first seed of the initial weights: runs use seed, seed + 1, ….",
}
# fields whose default in a sweep is the generated dataset's own (as in make_dataset)
_DATASET_DEFAULTS = ("n_samples", "noise")
# run_sweep's keywords that a flag of the same name sets
_PASSED_ON = (
    "dataset", "n_samples", "noise", "data_seed", "test_size", "epochs", "batch_size",
    "momentum", "l2_penalty", "dtype", "backend", "scheduler", "group_size", "jobs",
)  # fmt: skip
# flags of older releases that keep working: old spelling → today's dest
_OLD_FLAGS = {"hidden_layers": "--hidden", "n_seeds": "--seeds", "l2_penalty": "--alpha"}
# the grid's seeds are the flags' count of seeds
_GRID_FIELDS = {"seeds": "n_seeds"}


class _Given(argparse.Action):
    """Store the value and remember the spelling of the flag that gave it (errors repeat it)."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        namespace.given = {**namespace.given, self.dest: option_string}


class _Flags:
    """Adds options and keeps the flag of each dest, so that an error can name its flag."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser
        self.flags: dict[str, str] = {}

    def add(self, group, dest: str, help: str, **options) -> None:
        flag = f"--{dest.replace('_', '-')}"
        aliases = (_OLD_FLAGS[dest],) if dest in _OLD_FLAGS else ()
        if aliases:
            help = f"{help} (old flag: {aliases[0]})"
        switch = options.get("action") == "store_true"
        options.setdefault("action", _Given)
        default = False if switch else None
        group.add_argument(flag, *aliases, dest=dest, help=help, default=default, **options)
        self.flags[dest] = flag


def _default_text(value) -> str:
    return "none" if value is None else str(value)


def configure(parser: argparse.ArgumentParser) -> None:
    import inspect

    from reluscope.config import FIELDS
    from reluscope.sweep import AXES, BACKENDS, DTYPES, LIMITS, SEED_COUNT_FIELD, run_sweep

    parser.epilog = (
        "Lists are comma-separated; one starting with a minus sign needs '=', e.g. "
        "--bias-offsets=-3,-1,0. Several architectures: --hidden-layers 16x16,32. "
        f"{LIMITS.describe()} Ctrl-C stops the workers; outputs are written whole or not at all."
    )
    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(run_sweep).parameters.items()
    }
    flags = _Flags(parser)

    def setting(group, name, dest=None, **options):
        field = FIELDS[name]
        default = "the dataset's own" if name in _DATASET_DEFAULTS else field.format(field.default)
        help = f"{_SWEEP_HELP.get(name, field.help)} (default: {default})"
        flags.add(group, dest or name, help, metavar=field.kind.upper(), **options)

    def other(group, dest, help, **options):
        default = "no" if options.get("action") == "store_true" else defaults[dest]
        flags.add(group, dest, f"{help} (default: {_default_text(default)})", **options)

    data = parser.add_argument_group("data")
    setting(data, "dataset")
    setting(data, "n_samples", type=int)
    setting(data, "noise", type=float)
    other(
        data, "data_seed", "seed of a generated dataset and of the test split", type=int,
        metavar="SEED",
    )  # fmt: skip
    other(
        data, "test_size", "hold out this share for final_val_* columns", type=float,
        metavar="FRACTION",
    )  # fmt: skip

    grid = parser.add_argument_group("grid (comma-separated lists)")
    for axis, name in AXES.items():
        field = FIELDS[name]
        help = f"{field.help} (default: {field.format(field.default)})"
        flags.add(grid, axis, help, metavar="LIST")
    count = FIELDS[SEED_COUNT_FIELD]
    flags.add(
        grid,
        "n_seeds",
        f"how many seeds each setting runs with (default: {count.format(count.default)})",
        metavar="N",
    )
    setting(grid, "seed")

    training = parser.add_argument_group("training")
    setting(training, "epochs")
    setting(training, "batch_size")
    other(training, "momentum", "SGD's Nesterov momentum", type=float, metavar="NUMBER")
    other(training, "l2_penalty", "L2 penalty", type=float, metavar="NUMBER")
    other(training, "dtype", "floating-point type", choices=DTYPES)
    flags.add(
        training,
        "unpaired",
        "draw each activation's own initial weights instead of sharing one draw per seed",
        action="store_true",
    )

    execution = parser.add_argument_group("execution")
    other(execution, "group_size", "models trained together in one stack", metavar="K")
    other(execution, "jobs", "parallel workers; -1 for one per CPU", metavar="N")
    other(execution, "backend", "loky: local processes; dask: a cluster", choices=BACKENDS)
    flags.add(
        execution,
        "scheduler",
        "dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster of --jobs workers)",
        metavar="ADDRESS",
    )
    flags.add(execution, "no_progress", "no progress bar", action="store_true")

    output = parser.add_argument_group("output")
    flags.add(
        output, "out", "run table, .csv or .parquet (default: CSV on standard output)",
        metavar="PATH",
    )  # fmt: skip
    flags.add(output, "curves", "also write the per-epoch table, .csv or .parquet", metavar="PATH")
    parser.set_defaults(given={}, flags=flags.flags)


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


def flag_of(args: argparse.Namespace, field: str, fallback: str | None = None) -> str:
    """The flag an error about ``field`` is about: as the user spelled it, else its own flag,
    else ``fallback`` (a dataset's own parameters, such as ``target``, come from --dataset)."""
    field = _GRID_FIELDS.get(field, field)
    if field in args.given:
        return args.given[field]
    if field in args.flags:
        return args.flags[field]
    return fallback or f"--{field.replace('_', '-')}"


def _fail(flag: str, error: ValueError) -> int:
    print(f"reluscope sweep: error: argument {flag}: {error}", file=sys.stderr)
    return 2


def _grid(args: argparse.Namespace):
    """The SweepGrid the flags name (axes left out take their settings field's default)."""
    from reluscope.config import FIELDS
    from reluscope.sweep import AXES, SEED_COUNT_FIELD, SweepGrid
    from reluscope.validation import check_integer

    n_seeds = FIELDS[SEED_COUNT_FIELD].default if args.n_seeds is None else args.n_seeds
    count = FIELDS[SEED_COUNT_FIELD]
    n_seeds = check_integer("n_seeds", n_seeds, int(count.low), int(count.high))
    first = FIELDS["seed"].default if args.seed is None else args.seed
    first = check_integer("seed", first, int(FIELDS["seed"].low), int(FIELDS["seed"].high))
    axes = {axis: getattr(args, axis) for axis in AXES}
    return SweepGrid(seeds=tuple(range(first, first + n_seeds)), **axes)


def _same_file(first: str, second: str) -> bool:
    from pathlib import Path

    return Path(first).resolve() == Path(second).resolve()


def _run_options(args: argparse.Namespace, progress) -> dict:
    """run_sweep's keywords: the flags given, and nothing for those left out."""
    given = {name: getattr(args, name) for name in _PASSED_ON if getattr(args, name) is not None}
    return {
        **given,
        "paired": not args.unpaired,
        "progress": progress,
        "curves": args.curves is not None,
    }


def run(args: argparse.Namespace) -> int:
    from reluscope.errors import DatasetError, InvalidParameterError
    from reluscope.sweep import check_output_path, run_sweep, write_table

    try:
        for name in ("out", "curves"):
            if getattr(args, name) is not None:
                check_output_path(name, getattr(args, name))
        if args.out is not None and args.curves is not None and _same_file(args.out, args.curves):
            raise InvalidParameterError("curves", args.curves, "a file other than --out")
        grid = _grid(args)
    except InvalidParameterError as error:
        return _fail(flag_of(args, error.field), error)
    show_progress = not args.no_progress and sys.stderr.isatty()
    bar = ProgressBar(grid.n_runs) if show_progress else None
    try:
        result = run_sweep(grid, **_run_options(args, bar))
    except InvalidParameterError as error:
        return _fail(flag_of(args, error.field), error)
    except DatasetError as error:
        return _fail(flag_of(args, error.field, fallback=flag_of(args, "dataset")), error)
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
