"""The sizes a sweep may have, checked before anything is built, so that a typo such as
``--seeds 1000000000`` is refused at once instead of filling the memory.

The settings fields of ``reluscope.config.FIELDS`` bound each value (``--n-seeds`` at most 100,
``--epochs`` at most 100 000, widths at most 4096); :data:`LIMITS` bounds what a grid multiplies
them into. ``reluscope sweep --help`` states them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from reluscope.errors import InvalidParameterError

__all__ = ["LIMITS", "SweepLimits", "check_jobs", "check_run_epochs", "check_runs"]


@dataclass(frozen=True)
class SweepLimits:
    """Largest sizes of a sweep (the Python API and ``reluscope sweep`` alike).

    Attributes
    ----------
    max_values : int
        Values of one axis: a comma-separated list, a sequence, or a number of seeds.
    max_runs : int
        Runs of one grid (every axis multiplied).
    max_run_epochs : int
        Runs × epochs: the per-epoch table's rows, and the sweep's compute.
    jobs_per_cpu : int
        Local worker processes per CPU (more only add memory: BLAS runs on one thread).
    """

    max_values: int = 1000
    max_runs: int = 10_000
    max_run_epochs: int = 5_000_000
    jobs_per_cpu: int = 2

    def max_jobs(self) -> int:
        """Most local worker processes on this machine."""
        return self.jobs_per_cpu * (os.cpu_count() or 1)

    def describe(self) -> str:
        """The limits as one sentence, for ``--help``."""
        return (
            f"Limits: at most {self.max_values} values per list, {self.max_runs:,} runs, "
            f"{self.max_run_epochs:,} runs × epochs and {self.jobs_per_cpu} local jobs per CPU."
        )


LIMITS = SweepLimits()


def check_runs(n_runs: int, sizes: dict[str, int], limits: SweepLimits = LIMITS) -> None:
    """Refuse a grid of more than ``limits.max_runs`` runs, naming its longest axis.

    Parameters
    ----------
    n_runs : int
        Runs of the grid.
    sizes : dict
        Axis name → its number of values (the error names the largest).
    """
    if n_runs <= limits.max_runs:
        return
    axis = max(sizes, key=sizes.get)
    raise InvalidParameterError(
        axis,
        f"{sizes[axis]} values",
        f"a grid of at most {limits.max_runs:,} runs; this one has {n_runs:,} "
        f"({' × '.join(f'{name} {size}' for name, size in sizes.items())})",
    )


def check_run_epochs(n_runs: int, epochs: int, limits: SweepLimits = LIMITS) -> None:
    """Refuse ``n_runs`` runs of ``epochs`` epochs beyond ``limits.max_run_epochs``."""
    if n_runs * epochs <= limits.max_run_epochs:
        return
    most = max(1, limits.max_run_epochs // n_runs)
    raise InvalidParameterError(
        "epochs",
        epochs,
        f"at most {most:,} epochs for {n_runs:,} runs (runs × epochs at most "
        f"{limits.max_run_epochs:,})",
    )


def check_jobs(jobs: int, limits: SweepLimits = LIMITS) -> None:
    """Refuse more local worker processes than ``limits.max_jobs()``."""
    if jobs > limits.max_jobs():
        raise InvalidParameterError(
            "jobs",
            jobs,
            f"at most {limits.max_jobs()} local workers ({limits.jobs_per_cpu} per CPU), "
            "or -1 for one per CPU",
        )
