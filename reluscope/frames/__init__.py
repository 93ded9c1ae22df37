"""Every tidy frame and statistic a chart draws, computed once: frames in, frames out.

Pure pandas and NumPy (no Streamlit, no Altair), so the dashboard's cache layer can cache what
these functions return and a page only hands it to :mod:`reluscope.charts`. Functions take a
:class:`~reluscope.experiment.Comparison` (or one of its frames) plus view options:

- :mod:`~reluscope.frames.curves`: training curves and per-layer diagnostics summarised over
  seeds (all of a comparison's at once: :func:`training_curves`), unit events, the history
  table.
- :mod:`~reluscope.frames.compare_text`: the sentences Compare writes about a comparison.
- :mod:`~reluscope.frames.units`: one state per unit, the unit timeline, on-rates.
- :mod:`~reluscope.frames.activations`: f and f′ on a grid, the network's pre-activations and
  where their gradient is zero or saturated.
- :mod:`~reluscope.frames.boundary`: the decision surface over the input plane and first-layer
  unit lines.
- :mod:`~reluscope.frames.data`: class balance, the catalogue of datasets.
- :mod:`~reluscope.frames.lab`: phase-diagram cells, Wilson intervals, recovery bars, the
  Monte-Carlo frames of the born-dead and bias-kill results;
  :mod:`~reluscope.frames.lab_text`: the sentences the Lab writes about a run table.

The statistics themselves (Student-t and Wilson intervals, the recovered share) live in
:mod:`reluscope.stats`.
"""

from reluscope.frames._columns import require_columns
from reluscope.frames.activations import (
    PreactivationBins,
    activation_curves_frame,
    flat_negative_slopes,
    gradient_regions,
    preactivation_bins,
    preactivations,
)
from reluscope.frames.boundary import (
    GRID_POINTS,
    DecisionSurface,
    decision_surface,
    grid_cells,
    unit_lines_frame,
)
from reluscope.frames.compare_text import compare_findings, off_counts
from reluscope.frames.curves import (
    TrainingCurves,
    event_counts,
    history_csv,
    history_table,
    layer_curves,
    log_safe,
    metric_curves,
    off_curves,
    off_state_of,
    recovery_curves,
    training_curves,
)
from reluscope.frames.data import (
    FORMULA_STARTS,
    class_balance,
    dataset_catalog,
    export_csv,
    is_categorical,
    neutralize_formulas,
)
from reluscope.frames.lab import (
    BIAS_GRID,
    DATA_POINTS,
    FRACTION_VALUES,
    LIVE_SWEEP_DATA,
    MAX_DEPTH,
    PHASE_SHARES,
    RUN_VARIANTS,
    SHIPPED_MOMENTUM,
    RecoveryFrames,
    bias_kill_frames,
    bias_kill_points,
    born_dead_frames,
    is_fraction,
    phase_cells,
    phase_value,
    recovery_bars,
    recovery_frames,
    recovery_runs,
    with_interval,
)
from reluscope.frames.lab_text import describe_sweep, diverged_note, recovery_finding
from reluscope.frames.units import UNIT_STATES, on_rates, run_units, unit_states, unit_timeline

__all__ = [
    "BIAS_GRID",
    "DATA_POINTS",
    "FORMULA_STARTS",
    "FRACTION_VALUES",
    "GRID_POINTS",
    "LIVE_SWEEP_DATA",
    "MAX_DEPTH",
    "PHASE_SHARES",
    "RUN_VARIANTS",
    "SHIPPED_MOMENTUM",
    "UNIT_STATES",
    "DecisionSurface",
    "PreactivationBins",
    "RecoveryFrames",
    "TrainingCurves",
    "activation_curves_frame",
    "bias_kill_frames",
    "bias_kill_points",
    "born_dead_frames",
    "class_balance",
    "compare_findings",
    "dataset_catalog",
    "decision_surface",
    "describe_sweep",
    "diverged_note",
    "event_counts",
    "export_csv",
    "flat_negative_slopes",
    "gradient_regions",
    "grid_cells",
    "history_csv",
    "history_table",
    "is_categorical",
    "is_fraction",
    "layer_curves",
    "log_safe",
    "metric_curves",
    "neutralize_formulas",
    "off_counts",
    "off_curves",
    "off_state_of",
    "on_rates",
    "phase_cells",
    "phase_value",
    "preactivation_bins",
    "preactivations",
    "recovery_bars",
    "recovery_curves",
    "recovery_finding",
    "recovery_frames",
    "recovery_runs",
    "require_columns",
    "run_units",
    "training_curves",
    "unit_lines_frame",
    "unit_states",
    "unit_timeline",
    "with_interval",
]
