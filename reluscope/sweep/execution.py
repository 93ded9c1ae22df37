"""Execution of a sweep: runs grouped into stacks, trained in-process, with loky or on dask.

Runs that share hidden layers and solver train together as stacks of about ``group_size``
models in the engine (:func:`reluscope.experiment.train_runs`); the groups run one after
another, in parallel with joblib (``backend="loky"``, ``jobs`` processes) or on a
``dask.distributed`` cluster (``backend="dask"``). Every run keeps its own seed, so its row is
the same whatever the grouping or backend, and the same as training it alone.
"""

from __future__ import annotations

import logging
import math
import os
import signal
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager

from reluscope.errors import InvalidParameterError
from reluscope.sweep.limits import check_jobs
from reluscope.sweep.tables import summarize_run
from reluscope.validation import check_choice, check_integer

__all__ = ["BACKENDS", "check_execution", "execute", "group_runs", "train_group"]

BACKENDS = ("loky", "dask")

# the engine's divergence warning: in a sweep divergence is an outcome, kept in `diverged`
_DIVERGED_WARNING = "Training diverged"


def check_execution(group_size, jobs, backend, scheduler) -> tuple[int, int]:
    """Validate how the sweep runs; returns (group_size, jobs) with ``-1`` jobs resolved."""
    group_size = check_integer("group_size", group_size, 1)
    allowed = "an integer ≥ 1, or -1 for one per CPU"
    jobs = check_integer("jobs", jobs, -1, allowed=allowed)
    if jobs == 0:
        raise InvalidParameterError("jobs", jobs, allowed)
    check_choice("backend", backend, BACKENDS)
    if scheduler is not None and backend != "dask":
        raise InvalidParameterError("scheduler", scheduler, "only with backend='dask'")
    if jobs == -1:
        jobs = os.cpu_count() or 1
    if scheduler is None:  # a cluster's own workers are its business
        check_jobs(jobs)
    return group_size, int(jobs)


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


def group_runs(points: Sequence[Mapping], group_size: int) -> list:
    """Stacks to train: ((hidden_layers, solver), [run, …]) with at most ``group_size`` runs.

    Runs of one (hidden_layers, solver) are consecutive in grid order, so activations stay
    contiguous inside a stack (the engine makes one call per run of equal activations).
    """
    by_key: dict = {}
    for run, point in enumerate(points):
        by_key.setdefault((point["hidden_layers"], point["solver"]), []).append(run)
    return [
        (key, chunk) for key, runs in by_key.items() for chunk in _split_evenly(runs, group_size)
    ]


def train_group(index, X, y, task, specs, config, eval_set, curves, progress=None):
    """Train one group as a stack (BLAS on one thread) and summarise each run.

    Parameters
    ----------
    index : int
        The group's number, handed back so that results arriving in any order find their place.
    X : ndarray (n_samples, n_features)
    y : ndarray (n_samples,)
    task : {"classification", "regression"}
    specs : sequence of RunSpec
    config : TrainConfig
    eval_set : (X_val, y_val) or None
    curves : bool
    progress : callable(epochs_done, epochs_total) or None

    Returns
    -------
    index : int
    summaries : list of (row, curve)
        :func:`~reluscope.sweep.tables.summarize_run` of each run, in ``specs`` order.
    """
    from threadpoolctl import threadpool_limits

    from reluscope.experiment import train_runs

    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_DIVERGED_WARNING, category=RuntimeWarning)
        results = train_runs(X, y, specs, config, task=task, eval_set=eval_set, progress=progress)
    return index, [summarize_run(result, curves) for result in results]


def execute(
    groups,
    specs,
    configs,
    train,
    eval_set,
    curves: bool,
    jobs: int,
    backend: str,
    scheduler: str | None,
    progress: Callable[[float], None] | None,
) -> list:
    """Train every group; returns one (row, curve) per run, in run order.

    In-process when ``backend="loky"`` and there is one job or one group (``progress`` then
    hears every epoch), else one report per finished group. Interrupted (``KeyboardInterrupt``),
    it stops the worker processes or the local dask cluster it started before re-raising.
    """
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

            group = (train.X, train.y, train.task, group_specs, config, eval_set, curves)
            collect(*train_group(index, *group, report))
    elif backend == "loky":
        from joblib import Parallel, delayed

        parallel = Parallel(
            n_jobs=min(jobs, len(groups)), backend="loky", return_as="generator_unordered"
        )
        tasks = (
            delayed(train_group)(
                index, train.X, train.y, train.task, *arguments(index), eval_set, curves
            )
            for index in range(len(groups))
        )
        try:
            for index, group_summaries in parallel(tasks):
                collect(index, group_summaries)
        except KeyboardInterrupt:
            _stop_loky_workers()
            raise
    else:
        # closed at once when interrupted, so that the local cluster stops with the sweep
        with closing(
            _run_on_dask(groups, arguments, train, eval_set, curves, jobs, scheduler)
        ) as finished:
            for index, group_summaries in finished:
                collect(index, group_summaries)
    return summaries


def _stop_loky_workers() -> None:
    """Kill the worker processes of joblib's reusable loky executor (an interrupted sweep
    leaves none running, whatever they were doing)."""
    from joblib.externals.loky import get_reusable_executor

    # reuse=True: the executor that ran the sweep, not a fresh one with other arguments
    get_reusable_executor(reuse=True).shutdown(wait=True, kill_workers=True)


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start processes with SIGINT ignored (they inherit it), so that Ctrl-C reaches only this
    process, which then closes them, instead of every worker printing its own traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may change signal handlers
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
        with _workers_ignore_ctrl_c():
            cluster = LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # an interrupted sweep cancels tasks and kills busy workers, whose heartbeats
                # then log errors: expected, not news (a task's own error reaches the client)
                silence_logs=logging.CRITICAL,
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
                    train_group,
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
