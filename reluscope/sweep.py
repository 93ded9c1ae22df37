"""Sweeps: a grid of runs, trained as stacked groups, in parallel on one machine or a cluster.

A :class:`SweepGrid` crosses activation × negative slope × initialisation × bias offset ×
learning rate × seed, for each hidden-layer shape and solver. Runs that share shape and solver
train together as stacks of about ``group_size`` models in the engine
(:func:`reluscope.experiment.train_runs`); the groups run one after another, in parallel with
joblib (``backend="loky"``, ``jobs`` processes) or on a ``dask.distributed`` cluster
(``backend="dask"``). Every run keeps its own seed, so its row is the same whatever the grouping
or backend, and the same as training it alone.

Runs of one seed are *paired* by default: every activation and slope starts from the same
initial weights (drawn by the ReLU rule of the chosen initialisation), so a difference between
two activations is the activation's doing, not the draw's.

>>> result = run_sweep(
...     {"activations": "relu,tanh", "bias_offsets": "-3,0", "learning_rates": 0.05,
...      "seeds": 2, "hidden": "8"},
...     dataset="moons", n_samples=100, epochs=3,
... )
>>> result.runs.shape[0], result.runs["activation"].unique().tolist()
(8, ['relu', 'tanh'])
"""

from __future__ import annotations

import math
import re
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from reluscope.activations import PARAMETERS, canonical_name
from reluscope.engine import RunSpec, TrainConfig
from reluscope.errors import InvalidParameterError
from reluscope.validation import check_integer

__all__ = [
    "BACKENDS",
    "CURVE_COLUMNS",
    "ID_COLUMNS",
    "PRECOMPUTED",
    "RUN_COLUMNS",
    "SweepGrid",
    "SweepResult",
    "check_integer",
    "check_output_path",
    "format_hidden",
    "load_precomputed",
    "recovery_table",
    "run_sweep",
    "summarize_run",
    "write_table",
]

BACKENDS = ("loky", "dask")

ID_COLUMNS = (
    "run",
    "activation",
    "negative_slope",
    "bias_offset",
    "learning_rate",
    "solver",
    "hidden",
    "init",
    "seed",
)
"""Columns that identify a run, in both the run table and the curves table."""

RUN_COLUMNS = (
    *ID_COLUMNS,
    "epochs",
    "units",
    "final_loss",
    "final_score",
    "dead_fraction_init",
    "dead_fraction_final",
    "inactive_fraction_init",
    "inactive_fraction_final",
    "deaths",
    "recoveries",
    "born_dead",
    "recovered_dead",
    "born_inactive",
    "recovered_inactive",
    "diverged",
)
"""Columns of :attr:`SweepResult.runs` (plus ``final_val_loss``, ``final_val_score`` when a test
set is held out)."""

CURVE_COLUMNS = (*ID_COLUMNS, "epoch", "loss", "score", "dead_fraction", "inactive_fraction")
"""Columns of :attr:`SweepResult.curves` (plus ``val_loss``, ``val_score`` with a test set)."""

PRECOMPUTED = {
    "sweep": Path(__file__).resolve().parent.parent / "data" / "precomputed" / "sweep_default.csv",
    "recovery": Path(__file__).resolve().parent.parent
    / "data"
    / "precomputed"
    / "recovery_default.csv",
}
"""Run tables shipped in ``data/precomputed/`` (see ``data/README.md`` for their commands)."""

# the engine's divergence warning: in a sweep divergence is an outcome, kept in `diverged`
_DIVERGED_WARNING = "Training diverged"

# Ranges of the training settings that reluscope.config has no field for (the dashboard does
# not offer them). TrainConfig holds the same; checking here fails before the data is made.
# momentum keeps this share of the previous step: 0 is plain SGD, above 1 steps grow without end
_MOMENTUM_RANGE = (0.0, 1.0)
# alpha weighs the L2 penalty: below 0 it would reward large weights
_ALPHA_RANGE = (0.0, math.inf)


# --------------------------------------------------------------------------------------------
# the grid


def _config_field(name):
    from reluscope.config import FIELDS

    return FIELDS[name]


def _items(field_name: str, raw) -> list:
    """A comma-separated string, a scalar or a sequence → a non-empty list of items."""
    if isinstance(raw, str):
        items = [part.strip() for part in raw.split(",")]
        items = [part for part in items if part]
    elif isinstance(raw, Iterable) and not isinstance(raw, (bytes, Mapping)):
        items = list(raw)
    else:
        items = [raw]
    if not items:
        raise InvalidParameterError(field_name, raw, "at least one value")
    return items


def _unique(values) -> tuple:
    return tuple(dict.fromkeys(values))


def _numbers(field_name: str, raw, config_name: str) -> tuple[float, ...]:
    """Numbers in the range that ``reluscope.config`` allows for ``config_name``."""
    config_field = _config_field(config_name)
    low, high = config_field.low, config_field.high
    allowed = f"numbers in [{low:g}, {high:g}], separated by commas"
    values = []
    for item in _items(field_name, raw):
        try:
            if isinstance(item, bool):
                raise ValueError
            number = float(item.strip() if isinstance(item, str) else item)
        except (TypeError, ValueError):
            raise InvalidParameterError(field_name, item, allowed) from None
        if not low <= number <= high:  # also rejects NaN
            raise InvalidParameterError(field_name, item, allowed)
        values.append(number)
    return _unique(values)


def _choices(field_name: str, raw, options: Sequence[str]) -> tuple[str, ...]:
    allowed = f"some of {', '.join(options)}, separated by commas"
    values = []
    for item in _items(field_name, raw):
        if not isinstance(item, str) or item.strip().lower() not in options:
            raise InvalidParameterError(field_name, item, allowed)
        values.append(item.strip().lower())
    return _unique(values)


def _activations(raw) -> tuple[str, ...]:
    from reluscope.activations import ACTIVATIONS, ALIASES

    values = []
    for item in _items("activations", raw):
        try:
            values.append(canonical_name(item.strip().lower() if isinstance(item, str) else item))
        except InvalidParameterError:
            allowed = f"some of {', '.join(ACTIVATIONS + tuple(ALIASES))}, separated by commas"
            raise InvalidParameterError("activations", item, allowed) from None
    return _unique(values)


def _architecture(item) -> tuple[int, ...]:
    from reluscope.config import coerce

    allowed = "layer widths joined by x (e.g. 16x16), architectures separated by commas"
    if isinstance(item, str) and "," in item:
        raise InvalidParameterError("hidden", item, allowed)
    try:
        value, _ = coerce("hidden_layers", item, caps=None, strict=True)
    except InvalidParameterError:
        raise InvalidParameterError("hidden", item, allowed) from None
    return tuple(value)


def _hidden(raw) -> tuple[tuple[int, ...], ...]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return ((raw,),)
    # a flat tuple of widths is one architecture, as in ``hidden_layer_sizes``
    if (
        isinstance(raw, (tuple, list))
        and raw
        and all(isinstance(w, (int, np.integer)) and not isinstance(w, bool) for w in raw)
    ):
        return (_architecture(tuple(int(w) for w in raw)),)
    return _unique(_architecture(item) for item in _items("hidden", raw))


def _seeds(raw) -> tuple[int, ...]:
    high = int(_config_field("seed").high)
    allowed = f"a number of seeds ≥ 1, or a list of seeds in [0, {high}]"
    if isinstance(raw, (int, np.integer)) and not isinstance(raw, bool):
        return tuple(range(check_integer("seeds", raw, 1, allowed=allowed)))
    items = _items("seeds", raw)
    return _unique(check_integer("seeds", item, 0, high, allowed=allowed) for item in items)


@dataclass(frozen=True)
class SweepGrid:
    """The axes of a sweep; every combination is one run.

    Each axis accepts a sequence, a single value or a comma-separated string; values are
    validated against the ranges in ``reluscope.config`` and duplicates are dropped (first
    occurrence kept). Defaults are the dashboard's defaults.

    Attributes
    ----------
    activations : tuple of str
    bias_offsets : tuple of float
        Added to every hidden bias at initialisation.
    learning_rates : tuple of float
    seeds : tuple of int
        An int ``n`` means seeds ``0 … n−1``.
    negative_slopes : tuple of float
        Crossed only with activations that have a negative slope (leaky_relu); other
        activations run once per remaining combination.
    solvers : tuple of {"sgd", "adam"}
    hidden : tuple of tuple of int
        Hidden-layer shapes. A flat tuple of ints, such as ``(16, 16)``, is *one* shape;
        ``"16x16,32"`` or ``((16, 16), (32,))`` are two.
    inits : tuple of str
        Initialisation schemes (``reluscope.init.INITS``).

    >>> grid = SweepGrid(activations="relu,leaky_relu", negative_slopes="0.01,0.1",
    ...                  bias_offsets=(-1, 0), seeds=2)
    >>> grid.n_runs, grid.hidden
    (12, ((32, 32),))
    """

    activations: tuple[str, ...] = field(default=None)
    bias_offsets: tuple[float, ...] = field(default=None)
    learning_rates: tuple[float, ...] = field(default=None)
    seeds: tuple[int, ...] = field(default=1)
    negative_slopes: tuple[float, ...] = field(default=None)
    solvers: tuple[str, ...] = field(default=None)
    hidden: tuple[tuple[int, ...], ...] = field(default=None)
    inits: tuple[str, ...] = field(default=None)

    def __post_init__(self) -> None:
        from reluscope.config import SOLVERS
        from reluscope.init import INITS

        def given(name, config_name):
            value = getattr(self, name)
            return _config_field(config_name).default if value is None else value

        values = {
            "activations": _activations(given("activations", "activations")),
            "bias_offsets": _numbers(
                "bias_offsets", given("bias_offsets", "bias_offset"), "bias_offset"
            ),
            "learning_rates": _numbers(
                "learning_rates", given("learning_rates", "learning_rate"), "learning_rate"
            ),
            "seeds": _seeds(self.seeds),
            "negative_slopes": _numbers(
                "negative_slopes", given("negative_slopes", "negative_slope"), "negative_slope"
            ),
            "solvers": _choices("solvers", given("solvers", "solver"), SOLVERS),
            "hidden": _hidden(given("hidden", "hidden_layers")),
            "inits": _choices("inits", given("inits", "init"), INITS),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @classmethod
    def coerce(cls, grid: SweepGrid | Mapping | None) -> SweepGrid:
        """A grid from a ``SweepGrid``, a mapping of its field names, or ``None`` (defaults)."""
        if grid is None:
            return cls()
        if isinstance(grid, SweepGrid):
            return grid
        if not isinstance(grid, Mapping):
            raise InvalidParameterError("grid", grid, "a SweepGrid or a dict of its fields")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(grid) - names)
        if unknown:
            raise InvalidParameterError(
                "grid", unknown[0], f"keys among {', '.join(sorted(names))}"
            )
        return cls(**grid)

    def slopes_of(self, activation: str) -> tuple[float, ...]:
        """The negative slopes crossed with ``activation``: the grid's, or ``(nan,)``."""
        if "negative_slope" in PARAMETERS.get(activation, ()):
            return self.negative_slopes
        return (math.nan,)

    def points(self) -> list[dict]:
        """Every run's settings, in table order: hidden, solver, activation, slope, init,
        bias offset, learning rate, seed (the last varies fastest)."""
        return [
            {
                "hidden": hidden,
                "solver": solver,
                "activation": activation,
                "negative_slope": slope,
                "init": init,
                "bias_offset": bias_offset,
                "learning_rate": learning_rate,
                "seed": seed,
            }
            for hidden in self.hidden
            for solver in self.solvers
            for activation in self.activations
            for slope in self.slopes_of(activation)
            for init in self.inits
            for bias_offset in self.bias_offsets
            for learning_rate in self.learning_rates
            for seed in self.seeds
        ]

    @property
    def n_runs(self) -> int:
        per_shape = sum(len(self.slopes_of(a)) for a in self.activations) * math.prod(
            len(v) for v in (self.inits, self.bias_offsets, self.learning_rates, self.seeds)
        )
        return per_shape * len(self.hidden) * len(self.solvers)


def format_hidden(hidden: Sequence[int]) -> str:
    """``(16, 16)`` → ``"16x16"``, the form the run table and the command line use."""
    return "x".join(str(int(width)) for width in hidden)


def _spec(point: Mapping, paired: bool) -> RunSpec:
    """The engine's RunSpec of one grid point."""
    slope = point["negative_slope"]
    return RunSpec(
        activation=point["activation"],
        negative_slope=0.01 if math.isnan(slope) else slope,
        bias_offset=point["bias_offset"],
        init=point["init"],
        learning_rate=point["learning_rate"],
        random_state=point["seed"],
        init_reference="relu" if paired else None,
    )


def _table_slope(point: Mapping) -> float:
    """The slope shown in the table: the leak of leaky_relu, 0 for relu, NaN otherwise."""
    if point["activation"] == "relu":
        return 0.0
    return point["negative_slope"]


# --------------------------------------------------------------------------------------------
# one group of runs (what a worker does)


def summarize_run(result, curves: bool = False):
    """One run's row of the run table, and optionally its per-epoch curves.

    Parameters
    ----------
    result : reluscope.experiment.RunResult
        Trained with diagnostics on.
    curves : bool

    Returns
    -------
    row : dict
        The metric columns of :data:`RUN_COLUMNS` (identity columns are added by the caller).
    curve : dict of ndarray (n_epochs + 1,) or None
        epoch, loss, score, dead_fraction, inactive_fraction [, val_loss, val_score].
    """
    history = result.history
    records = history.records
    dead, inactive = records["dead"], records["inactive"]  # (n_epochs + 1, units)
    deaths, recoveries = history.unit_events()
    row = {
        "epochs": history.n_epochs,
        "units": dead.shape[1],
        "final_loss": float(records["loss"][-1]),
        "final_score": float(records["score"][-1]),
        "dead_fraction_init": float(dead[0].mean()),
        "dead_fraction_final": float(dead[-1].mean()),
        "inactive_fraction_init": float(inactive[0].mean()),
        "inactive_fraction_final": float(inactive[-1].mean()),
        "deaths": int(deaths.sum()),
        "recoveries": int(recoveries.sum()),
        "born_dead": int(dead[0].sum()),
        "recovered_dead": int((dead[0] & ~dead[-1]).sum()),
        "born_inactive": int(inactive[0].sum()),
        "recovered_inactive": int((inactive[0] & ~inactive[-1]).sum()),
        "diverged": bool(result.diverged),
    }
    if "val_loss" in records:
        row["final_val_loss"] = float(records["val_loss"][-1])
        row["final_val_score"] = float(records["val_score"][-1])
    curve = None
    if curves:
        curve = {
            "epoch": np.arange(history.n_epochs + 1),
            "loss": np.asarray(records["loss"], dtype=np.float64),
            "score": np.asarray(records["score"], dtype=np.float64),
            "dead_fraction": dead.mean(axis=1),
            "inactive_fraction": inactive.mean(axis=1),
        }
        if "val_loss" in records:
            curve["val_loss"] = np.asarray(records["val_loss"], dtype=np.float64)
            curve["val_score"] = np.asarray(records["val_score"], dtype=np.float64)
    return row, curve


def _train_group(index, X, y, task, specs, config, eval_set, curves, progress=None):
    """Train one group as a stack (BLAS on one thread) and summarise each run.

    Returns
    -------
    index : int
        The group's index, so results arriving in any order find their place.
    summaries : list of (row, curve)
    """
    from threadpoolctl import threadpool_limits

    from reluscope.experiment import train_runs

    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_DIVERGED_WARNING, category=RuntimeWarning)
        results = train_runs(X, y, specs, config, task=task, eval_set=eval_set, progress=progress)
    return index, [summarize_run(result, curves) for result in results]


def _split_evenly(items: list, group_size: int) -> list[list]:
    """Consecutive chunks of at most ``group_size``, as equal in size as possible."""
    n_groups = math.ceil(len(items) / group_size)
    size, extra = divmod(len(items), n_groups)
    chunks, start = [], 0
    for number in range(n_groups):
        stop = start + size + (number < extra)
        chunks.append(items[start:stop])
        start = stop
    return chunks


# --------------------------------------------------------------------------------------------
# running a sweep


@dataclass
class SweepResult:
    """The outcome of :func:`run_sweep`.

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per run, columns :data:`RUN_COLUMNS`; ``run`` numbers the rows in grid order.
    curves : pandas.DataFrame or None
        One row per (run, epoch), columns :data:`CURVE_COLUMNS`; only when asked for.
    grid : SweepGrid
    specs : tuple of RunSpec
        The engine's settings of each run, in ``run`` order.
    configs : dict
        ``(hidden, solver)`` → the TrainConfig shared by those runs.
    settings : dict
        Dataset and training settings (for provenance).
    seconds : float
        Wall-clock time of the training.
    """

    runs: object
    curves: object
    grid: SweepGrid
    specs: tuple = field(repr=False)
    configs: dict = field(repr=False)
    settings: dict
    seconds: float

    def config_of(self, run: int) -> TrainConfig:
        """The TrainConfig run number ``run`` was trained with."""
        spec_row = self.runs.iloc[run]
        solver = spec_row["solver"]
        hidden = tuple(int(w) for w in spec_row["hidden"].split("x"))
        return self.configs[(hidden, solver)]


def _dataset(dataset, n_samples, noise, data_seed):
    from reluscope.datasets import BUNDLED_PREFIX, Dataset, from_choice, load_csv

    if isinstance(dataset, Dataset):
        return dataset
    if not isinstance(dataset, (str, Path)):
        raise InvalidParameterError(
            "dataset",
            dataset,
            "a dataset name, csv:NAME of a bundled file, a CSV path or a Dataset",
        )
    text = str(dataset)
    if text.lower().endswith(".csv") and not text.startswith(BUNDLED_PREFIX):
        return load_csv(text)
    return from_choice(text, n_samples, noise, random_state=data_seed)


def _config_integer(name, value):
    """An integer in the range ``reluscope.config`` allows for field ``name``."""
    config_field = _config_field(name)
    return check_integer(name, value, int(config_field.low), int(config_field.high))


def _check_training(epochs, batch_size, momentum, alpha, dtype, test_size):
    """Validate the shared training settings; returns (epochs, batch_size) as ints."""
    epochs = _config_integer("epochs", epochs)
    batch_size = _config_integer("batch_size", batch_size)
    if dtype not in ("float64", "float32"):
        raise InvalidParameterError("dtype", dtype, "float64 or float32")
    if isinstance(test_size, bool) or not (
        isinstance(test_size, (int, float)) and 0.0 <= test_size < 1.0
    ):
        raise InvalidParameterError("test_size", test_size, "a fraction in [0, 1)")
    for name, value, (low, high) in (
        ("momentum", momentum, _MOMENTUM_RANGE),
        ("alpha", alpha, _ALPHA_RANGE),
    ):
        if isinstance(value, bool) or not (
            isinstance(value, (int, float)) and low <= value <= high and math.isfinite(value)
        ):
            bounded = high < math.inf
            allowed = (
                f"a number in [{low:g}, {high:g}]" if bounded else f"a finite number ≥ {low:g}"
            )
            raise InvalidParameterError(name, value, allowed)
    return epochs, batch_size


def _check_execution(group_size, jobs, backend, scheduler):
    """Validate how the sweep runs; returns (group_size, jobs) with ``-1`` jobs resolved."""
    group_size = check_integer("group_size", group_size, 1)
    allowed = "an integer ≥ 1, or -1 for one per CPU"
    jobs = check_integer("jobs", jobs, -1, allowed=allowed)
    if jobs == 0:
        raise InvalidParameterError("jobs", jobs, allowed)
    if backend not in BACKENDS:
        raise InvalidParameterError("backend", backend, f"one of {', '.join(BACKENDS)}")
    if scheduler is not None and backend != "dask":
        raise InvalidParameterError("scheduler", scheduler, "only with backend='dask'")
    if jobs == -1:
        import os

        jobs = os.cpu_count() or 1
    return group_size, int(jobs)


def _group_runs(points, group_size):
    """Stacks to train: ((hidden, solver), [run, …]) with at most ``group_size`` runs each.

    Runs of one (hidden, solver) are consecutive in grid order, so activations stay
    contiguous inside a stack (the engine makes one call per run of equal activations).
    """
    by_key: dict = {}
    for run, point in enumerate(points):
        by_key.setdefault((point["hidden"], point["solver"]), []).append(run)
    return [
        (key, chunk) for key, runs in by_key.items() for chunk in _split_evenly(runs, group_size)
    ]


def run_sweep(
    grid: SweepGrid | Mapping | None = None,
    *,
    dataset="moons",
    n_samples: int | None = None,
    noise: float | None = None,
    data_seed: int = 0,
    test_size: float = 0.0,
    epochs: int = 100,
    batch_size: int = 32,
    momentum: float = 0.9,
    alpha: float = 0.0,
    dtype: str = "float64",
    paired: bool = True,
    group_size: int = 32,
    jobs: int = 1,
    backend: str = "loky",
    scheduler: str | None = None,
    progress: Callable[[float], None] | None = None,
    curves: bool = False,
) -> SweepResult:
    """Train every run of ``grid`` on one dataset and tabulate what happened to its units.

    Parameters
    ----------
    grid : SweepGrid or dict or None
        The axes (see :class:`SweepGrid`); a dict holds its field names.
    dataset : str or Dataset
        A name of ``reluscope.datasets.DATASETS``, ``"csv:NAME"`` for a bundled file, a path to
        a ``.csv`` file, or a Dataset.
    n_samples, noise, data_seed
        Passed to ``make_dataset`` for a generated dataset.
    test_size : float in [0, 1)
        Share held out (stratified) for ``final_val_*`` columns; 0 trains on everything. The
        features are standardised with the training part's statistics either way.
    epochs : int
        Epochs of every run (no early stopping; a diverged run stops and is flagged).
    batch_size : int
    momentum : float
        SGD's (Nesterov) momentum.
    alpha : float
        L2 penalty.
    dtype : {"float64", "float32"}
    paired : bool
        All activations of one seed start from identical weights (drawn by the ReLU rule).
    group_size : int
        Most models trained together in one stack.
    jobs : int
        Parallel workers (processes with loky; local dask workers when no scheduler is
        given). ``-1`` means one per CPU.
    backend : {"loky", "dask"}
    scheduler : str or None
        Address of a running dask scheduler, e.g. ``"tcp://10.0.0.5:8786"`` (dask only).
    progress : callable(fraction) or None
        Called with the fraction of runs done, 0 … 1 (per epoch when running in-process, per
        finished group otherwise).
    curves : bool
        Also return the per-epoch table.

    Returns
    -------
    SweepResult
        ``runs``: (n_runs, len(RUN_COLUMNS)) table; ``curves``: (n_runs × (epochs + 1), …)
        table or None.

    Raises
    ------
    InvalidParameterError
        Naming the first bad argument. Dataset problems raise ``DatasetError``.
    """
    grid = SweepGrid.coerce(grid)
    epochs, batch_size = _check_training(epochs, batch_size, momentum, alpha, dtype, test_size)
    group_size, jobs = _check_execution(group_size, jobs, backend, scheduler)
    data = _dataset(dataset, n_samples, noise, data_seed)
    if test_size > 0:
        train, test = data.split(test_size=test_size, random_state=data_seed)
        train, test = train.standardized(test)
        eval_set = (test.X, test.y)
    else:
        train, _ = data.standardized()
        eval_set = None

    points = grid.points()
    specs = [_spec(point, paired) for point in points]
    configs = {
        (hidden, solver): TrainConfig(
            hidden_layer_sizes=hidden,
            solver=solver,
            alpha=float(alpha),
            batch_size=batch_size,
            max_iter=epochs,
            momentum=float(momentum),
            n_iter_no_change=np.inf,
            dtype=np.dtype(dtype).type,
        )
        for hidden in grid.hidden
        for solver in grid.solvers
    }
    groups = _group_runs(points, group_size)
    started = time.perf_counter()
    summaries = _execute(
        groups, specs, configs, train, eval_set, curves, jobs, backend, scheduler, progress
    )
    seconds = time.perf_counter() - started

    settings = {
        "dataset": getattr(data, "name", str(dataset)),
        "n_samples": data.n_samples,
        "noise": noise,
        "data_seed": data_seed,
        "test_size": test_size,
        "epochs": epochs,
        "batch_size": batch_size,
        "momentum": momentum,
        "alpha": alpha,
        "dtype": dtype,
        "paired": paired,
        "group_size": group_size,
        "jobs": jobs,
        "backend": backend,
    }
    runs_frame, curves_frame = _frames(points, summaries, curves)
    return SweepResult(
        runs=runs_frame,
        curves=curves_frame,
        grid=grid,
        specs=tuple(specs),
        configs=configs,
        settings=settings,
        seconds=seconds,
    )


def _execute(groups, specs, configs, train, eval_set, curves, jobs, backend, scheduler, progress):
    """Train every group; returns one (row, curve) per run, in run order."""
    n_runs = len(specs)
    summaries: list = [None] * n_runs
    done = 0

    def arguments(index):
        key, runs = groups[index]
        return [specs[run] for run in runs], configs[key]

    def collect(index, group_summaries):
        nonlocal done
        for run, summary in zip(groups[index][1], group_summaries, strict=True):
            summaries[run] = summary
        done += len(group_summaries)
        if progress is not None:
            progress(done / n_runs)

    if backend == "loky" and (jobs == 1 or len(groups) == 1):
        for index in range(len(groups)):
            group_specs, config = arguments(index)
            report = None
            if progress is not None:
                size = len(group_specs)

                def report(epoch, total, size=size):
                    progress((done + size * epoch / total) / n_runs)

            collect(
                *_train_group(
                    index,
                    train.X,
                    train.y,
                    train.task,
                    group_specs,
                    config,
                    eval_set,
                    curves,
                    report,
                )
            )
    elif backend == "loky":
        from joblib import Parallel, delayed

        parallel = Parallel(
            n_jobs=min(jobs, len(groups)), backend="loky", return_as="generator_unordered"
        )
        tasks = (
            delayed(_train_group)(
                index, train.X, train.y, train.task, *arguments(index), eval_set, curves
            )
            for index in range(len(groups))
        )
        for index, group_summaries in parallel(tasks):
            collect(index, group_summaries)
    else:
        for index, group_summaries in _run_on_dask(
            groups, arguments, train, eval_set, curves, jobs, scheduler
        ):
            collect(index, group_summaries)
    return summaries


def _run_on_dask(groups, arguments, train, eval_set, curves, jobs, scheduler):
    """Yield (index, summaries) of each group as a dask cluster finishes it.

    With no ``scheduler`` a local cluster of ``jobs`` single-threaded worker processes on the
    loopback interface is started and closed again.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InvalidParameterError(
            "backend",
            "dask",
            "loky, or install the cluster extra: pip install 'reluscope[cluster]'",
        ) from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=jobs,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        address = cluster.scheduler_address
    else:
        address = scheduler
    try:
        try:
            client = Client(address, set_as_default=False)
        except OSError as error:
            raise InvalidParameterError(
                "scheduler", scheduler, f"the address of a running dask scheduler ({error})"
            ) from None
        with client:
            data = client.scatter([train.X, train.y], broadcast=True)
            futures = [
                client.submit(
                    _train_group,
                    index,
                    data[0],
                    data[1],
                    train.task,
                    *arguments(index),
                    eval_set,
                    curves,
                    pure=False,
                )
                for index in range(len(groups))
            ]
            for future in as_completed(futures, loop=client.loop):
                yield future.result()
    finally:
        if cluster is not None:
            cluster.close()


def _frames(points, summaries, with_curves):
    import pandas as pd

    identity = {
        "run": np.arange(len(points)),
        "activation": [p["activation"] for p in points],
        "negative_slope": [_table_slope(p) for p in points],
        "bias_offset": [p["bias_offset"] for p in points],
        "learning_rate": [p["learning_rate"] for p in points],
        "solver": [p["solver"] for p in points],
        "hidden": [format_hidden(p["hidden"]) for p in points],
        "init": [p["init"] for p in points],
        "seed": [p["seed"] for p in points],
    }
    rows = [row for row, _ in summaries]
    runs = pd.DataFrame(identity)
    metrics = pd.DataFrame(rows)
    runs = pd.concat([runs, metrics], axis=1)
    runs = runs.astype(
        {
            "run": "int64",
            "seed": "int64",
            "epochs": "int64",
            "units": "int64",
            "deaths": "int64",
            "recoveries": "int64",
            "born_dead": "int64",
            "recovered_dead": "int64",
            "born_inactive": "int64",
            "recovered_inactive": "int64",
            "diverged": "bool",
        }
    )
    extra = [c for c in ("final_val_loss", "final_val_score") if c in runs]
    runs = runs[[*RUN_COLUMNS[:-1], *extra, "diverged"]]
    if not with_curves:
        return runs, None
    lengths = np.array([len(curve["epoch"]) for _, curve in summaries])
    columns = {name: np.repeat(np.asarray(values), lengths) for name, values in identity.items()}
    for name in summaries[0][1]:
        columns[name] = np.concatenate([curve[name] for _, curve in summaries])
    return runs, pd.DataFrame(columns)


# --------------------------------------------------------------------------------------------
# tables for the lab page


def recovery_table(runs, by: Sequence[str] = ("activation", "negative_slope", "solver")):
    """Share of born-inactive units that are no longer inactive at the end, per group.

    Parameters
    ----------
    runs : pandas.DataFrame
        A run table with ``born_inactive``, ``recovered_inactive``, ``born_dead`` and
        ``recovered_dead``.
    by : sequence of str

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by`` columns, ``n_runs``, ``born_inactive``,
        ``recovered_inactive`` (totals over runs), ``recovered_share`` (their ratio),
        ``share_mean``, ``share_ci_low``, ``share_ci_high`` (over runs with born-inactive
        units; :func:`reluscope.stats.summarize`, so one such run gives a zero-width
        interval), ``born_dead`` and ``recovered_dead`` (totals).
    """
    import pandas as pd

    from reluscope.stats import summarize

    by = list(by)
    born = runs["born_inactive"]
    shares = runs[by].assign(share=runs["recovered_inactive"] / born.where(born > 0))
    summary = summarize(shares, by, "share", bounds=(0.0, 1.0), sort=False)
    rows = []
    groups = runs.groupby(by, sort=False, dropna=False)
    for (key, group), stat in zip(groups, summary.itertuples(), strict=True):
        born = group["born_inactive"].to_numpy()
        recovered = group["recovered_inactive"].to_numpy()
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "n_runs": len(group),
                "born_inactive": int(born.sum()),
                "recovered_inactive": int(recovered.sum()),
                "recovered_share": recovered.sum() / born.sum() if born.sum() else math.nan,
                "share_mean": stat.mean,
                "share_ci_low": stat.ci_low,
                "share_ci_high": stat.ci_high,
                "born_dead": int(group["born_dead"].sum()),
                "recovered_dead": int(group["recovered_dead"].sum()),
            }
        )
    return pd.DataFrame(rows)


def load_precomputed(name: str = "sweep"):
    """A run table shipped with reluscope: ``"sweep"`` (the phase diagram's default sweep) or
    ``"recovery"`` (born-inactive recovery by activation, slope and solver).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RUN_COLUMNS`.
    """
    import pandas as pd

    if name not in PRECOMPUTED:
        raise InvalidParameterError("name", name, f"one of {', '.join(PRECOMPUTED)}")
    return pd.read_csv(PRECOMPUTED[name])


def write_table(frame, path) -> Path:
    """Write a table as CSV or Parquet, chosen by the file's suffix (.csv, .parquet)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix in (".parquet", ".pq"):
        frame.to_parquet(path, index=False)
    else:
        raise InvalidParameterError("out", str(path), "a path ending in .csv or .parquet")
    return path


_SUFFIX = re.compile(r"\.(csv|parquet|pq)$", re.IGNORECASE)


def check_output_path(name: str, path) -> Path:
    """Fail before training when a table could not be written to ``path``."""
    path = Path(path)
    if not _SUFFIX.search(path.name):
        raise InvalidParameterError(name, str(path), "a path ending in .csv or .parquet")
    if not path.parent.exists() or not path.parent.is_dir():
        raise InvalidParameterError(name, str(path), "a file in an existing directory")
    return path
