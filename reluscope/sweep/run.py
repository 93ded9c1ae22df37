"""Running a sweep: check the settings, make the data, train the grid, tabulate it."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reluscope.engine import RunSpec, TrainConfig
from reluscope.errors import InvalidParameterError
from reluscope.sweep.execution import check_execution, execute, group_runs
from reluscope.sweep.grid import SweepGrid
from reluscope.sweep.limits import check_run_epochs
from reluscope.sweep.tables import run_frames
from reluscope.validation import check_choice, check_fraction, check_integer, check_real

__all__ = ["DTYPES", "SweepResult", "run_sweep"]

DTYPES = ("float64", "float32")
"""Floating-point types a sweep trains in."""


@dataclass
class SweepResult:
    """The outcome of :func:`run_sweep`.

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per run, columns :data:`~reluscope.sweep.tables.RUN_COLUMNS`; ``run`` numbers
        the rows in grid order.
    curves : pandas.DataFrame or None
        One row per (run, epoch), columns :data:`~reluscope.sweep.tables.CURVE_COLUMNS`; only
        when asked for.
    grid : SweepGrid
    specs : tuple of RunSpec
        The engine's settings of each run, in ``run`` order.
    configs : dict
        ``(hidden_layers, solver)`` → the TrainConfig shared by those runs.
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


def _dataset(dataset, n_samples, noise, data_seed):
    """The Dataset a sweep trains on: given, a settings choice, or a CSV file's."""
    from reluscope.config import FIELDS
    from reluscope.datasets import BUNDLED_PREFIX, Dataset, from_choice, load_csv

    if dataset is None:
        dataset = FIELDS["dataset"].default
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
    """An integer in the range ``reluscope.config`` allows for field ``name`` (any integer in
    it: the dashboard's slider grid does not bind the command line)."""
    from reluscope.config import FIELDS

    if value is None:
        return FIELDS[name].default
    return check_integer(name, value, int(FIELDS[name].low), int(FIELDS[name].high))


def _check_training(epochs, batch_size, momentum, l2_penalty, dtype, test_size, *, penalty_name):
    """Validate the shared training settings; returns (epochs, batch_size) as ints."""
    epochs = _config_integer("epochs", epochs)
    batch_size = _config_integer("batch_size", batch_size)
    check_choice("dtype", dtype, DTYPES)
    check_fraction("test_size", test_size, zero=True)
    # momentum keeps this share of the previous step: above 1 steps grow without end
    check_real("momentum", momentum, 0.0, 1.0)
    # the L2 penalty weighs the squared weights: below 0 it would reward large weights
    check_real(penalty_name, l2_penalty, 0.0)
    return epochs, batch_size


def _spec(point: Mapping, paired: bool) -> RunSpec:
    """The engine's RunSpec of one grid point."""
    slope = point["negative_slope"]
    return RunSpec(
        activation=point["activation"],
        negative_slope=0.01 if math.isnan(slope) else slope,
        bias_offset=point["bias_offset"],
        init=point["init"],
        learning_rate=point["learning_rate"],
        seed=point["seed"],
        init_reference="relu" if paired else None,
    )


def run_sweep(
    grid: SweepGrid | Mapping | None = None,
    *,
    dataset=None,
    n_samples: int | None = None,
    noise: float | None = None,
    data_seed: int = 0,
    test_size: float = 0.0,
    epochs: int | None = None,
    batch_size: int | None = None,
    momentum: float = 0.9,
    l2_penalty: float = 0.0,
    dtype: str = "float64",
    paired: bool = True,
    group_size: int = 32,
    jobs: int = 1,
    backend: str = "loky",
    scheduler: str | None = None,
    progress: Callable[[float], None] | None = None,
    curves: bool = False,
    alpha: float | None = None,
) -> SweepResult:
    """Train every run of ``grid`` on one dataset and tabulate what happened to its units.

    Parameters
    ----------
    grid : SweepGrid or dict or None
        The axes (see :class:`SweepGrid`); a dict holds its field names.
    dataset : str or Dataset, optional
        A name of ``reluscope.datasets.DATASETS``, ``"csv:NAME"`` for a bundled file, a path to
        a ``.csv`` file, or a Dataset; default ``reluscope.config.FIELDS["dataset"]``'s.
    n_samples, noise : optional
        Passed to ``make_dataset`` for a generated dataset (``None``: the dataset's default).
    data_seed : int
        Seed of a generated dataset and of the held-out split.
    test_size : float in [0, 1)
        Share held out (stratified) for ``final_val_*`` columns; 0 trains on everything. The
        features are standardised with the training part's statistics either way.
    epochs : int, optional
        Epochs of every run (no early stopping; a diverged run stops and is flagged). Default
        and range: ``reluscope.config.FIELDS["epochs"]``.
    batch_size : int, optional
        Default and range: ``reluscope.config.FIELDS["batch_size"]``.
    momentum : float
        SGD's (Nesterov) momentum, in [0, 1].
    l2_penalty : float
        L2 penalty, ≥ 0.
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
        Also return the per-epoch table; only then does each epoch's record run the
        full-training-set backward pass (for its ``grad_norm`` column).
    alpha : float, optional
        The old name of ``l2_penalty`` (``FutureWarning``).

    Returns
    -------
    SweepResult
        ``runs``: (n_runs, len(RUN_COLUMNS)) table; ``curves``: (n_runs × (epochs + 1), …)
        table or None.

    Raises
    ------
    InvalidParameterError
        Naming the first bad argument, or the axis or ``epochs`` of a sweep larger than
        :data:`~reluscope.sweep.limits.LIMITS`. Dataset problems raise ``DatasetError``.
    """
    penalty_name = "l2_penalty"
    if alpha is not None and l2_penalty != 0.0:
        raise InvalidParameterError("alpha", alpha, "l2_penalty alone (alpha is its old name)")
    if alpha is not None:
        warnings.warn(
            "run_sweep's `alpha` is now `l2_penalty`; `alpha` will be removed",
            FutureWarning,
            stacklevel=2,
        )
        l2_penalty, penalty_name = alpha, "alpha"
    grid = SweepGrid.coerce(grid)
    epochs, batch_size = _check_training(
        epochs, batch_size, momentum, l2_penalty, dtype, test_size, penalty_name=penalty_name
    )
    check_run_epochs(grid.n_runs, epochs)  # before the data, the runs or their tables exist
    group_size, jobs = check_execution(group_size, jobs, backend, scheduler)
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
        (hidden_layers, solver): TrainConfig(
            hidden_layers=hidden_layers,
            solver=solver,
            l2_penalty=float(l2_penalty),
            batch_size=batch_size,
            epochs=epochs,
            momentum=float(momentum),
            n_iter_no_change=np.inf,
            dtype=np.dtype(dtype).type,
            # the run table needs unit states only (a forward pass); curves report the norms
            gradient_norms=curves,
        )
        for hidden_layers in grid.hidden_layers
        for solver in grid.solvers
    }
    groups = group_runs(points, group_size)
    started = time.perf_counter()
    summaries = execute(
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
        "l2_penalty": l2_penalty,
        "dtype": dtype,
        "paired": paired,
        "group_size": group_size,
        "jobs": jobs,
        "backend": backend,
    }
    runs_frame, curves_frame = run_frames(points, summaries, curves)
    return SweepResult(
        runs=runs_frame,
        curves=curves_frame,
        grid=grid,
        specs=tuple(specs),
        configs=configs,
        settings=settings,
        seconds=seconds,
    )
