"""Sweeps: a grid of runs, trained as stacked groups, in parallel on one machine or a cluster.

A :class:`SweepGrid` crosses activation × negative slope × initialisation × bias offset ×
learning rate × seed, for each hidden-layer shape and solver (:mod:`~reluscope.sweep.grid`).
Runs that share hidden layers and solver train together as stacks of models, one group after
another, in parallel with joblib or on a dask cluster (:mod:`~reluscope.sweep.execution`);
:func:`run_sweep` (:mod:`~reluscope.sweep.run`) checks the settings, makes the data and returns
one row per run (:mod:`~reluscope.sweep.tables`), which :mod:`~reluscope.sweep.files` writes and
reads back, the shipped precomputed tables included.

Runs of one seed are *paired* by default: every activation and slope starts from the same
initial weights (drawn by the ReLU rule of the chosen initialisation), so a difference between
two activations is the activation's doing, not the draw's.

>>> result = run_sweep(
...     {"activations": "relu,tanh", "bias_offsets": "-3,0", "learning_rates": 0.05,
...      "seeds": 2, "hidden_layers": "8"},
...     dataset="moons", n_samples=100, epochs=3,
... )
>>> result.runs.shape[0], result.runs["activation"].unique().tolist()
(8, ['relu', 'tanh'])
"""

from reluscope.sweep.execution import BACKENDS
from reluscope.sweep.files import (
    PRECOMPUTED,
    check_output_path,
    check_writable,
    load_precomputed,
    read_table,
    replacing,
    write_table,
)
from reluscope.sweep.grid import AXES, SEED_COUNT_FIELD, SweepGrid, format_hidden
from reluscope.sweep.limits import LIMITS, SweepLimits
from reluscope.sweep.run import DTYPES, SweepResult, run_sweep
from reluscope.sweep.run import _dataset as _dataset  # read by tests/test_datasets_bundled.py
from reluscope.sweep.tables import (
    CURVE_COLUMNS,
    ID_COLUMNS,
    OLD_COLUMNS,
    RUN_COLUMNS,
    recovery_table,
    run_frames,
    summarize_run,
)
from reluscope.validation import check_integer

__all__ = [
    "AXES",
    "BACKENDS",
    "CURVE_COLUMNS",
    "DTYPES",
    "ID_COLUMNS",
    "LIMITS",
    "OLD_COLUMNS",
    "PRECOMPUTED",
    "RUN_COLUMNS",
    "SEED_COUNT_FIELD",
    "SweepGrid",
    "SweepLimits",
    "SweepResult",
    "check_integer",
    "check_output_path",
    "check_writable",
    "format_hidden",
    "load_precomputed",
    "read_table",
    "recovery_table",
    "replacing",
    "run_frames",
    "run_sweep",
    "summarize_run",
    "write_table",
]
