"""Altair charts: a frame in, an ``alt.Chart`` out. No Streamlit, and no statistics here.

What a chart draws is computed by :mod:`reluscope.frames` (summaries over seeds, unit states,
histogram bins, Wilson intervals, the decision surface): each chart takes the frame its frames
function returns, and names the columns it misses (``ValueError``) when handed another.
Every chart colours an activation the same way (:data:`ACTIVATION_COLORS`; classes take
:data:`CLASS_COLORS`, unit states :data:`UNIT_STATE_COLORS`), has tooltips and axis titles, and
highlights what its legend entry names when that entry is clicked (shift-click adds more;
double-click clears). Single-view charts set no width, so ``st.altair_chart(chart,
width="stretch")`` fits them to the page; faceted charts take a ``panel_width``.

- :mod:`~reluscope.charts.theme`: palettes, legends, mean lines over bands.
- :mod:`~reluscope.charts.training`: loss, score, dead fraction, gradient norm over epochs.
- :mod:`~reluscope.charts.recovery`: units off on every input next to dead units, over epochs.
- :mod:`~reluscope.charts.units`: unit timeline, on-rate histogram, deaths and recoveries.
- :mod:`~reluscope.charts.derivatives`: f and f′, pre-activation histograms.
- :mod:`~reluscope.charts.boundary`: the decision boundary.
- :mod:`~reluscope.charts.data`: scatter and class balance of a dataset.
- :mod:`~reluscope.charts.lab`: phase diagram, born dead and bias kill against theory, recovery.
"""

from reluscope.charts.boundary import decision_boundary_chart
from reluscope.charts.data import class_balance_chart, data_scatter
from reluscope.charts.derivatives import activation_curves_chart, preactivation_histogram
from reluscope.charts.lab import (
    bias_kill_chart,
    born_dead_chart,
    phase_diagram_chart,
    recovery_chart,
)
from reluscope.charts.recovery import off_units_chart
from reluscope.charts.theme import (
    ACTIVATION_COLORS,
    CLASS_COLORS,
    UNIT_STATE_COLORS,
    UNIT_STATES,
    activation_scale,
)
from reluscope.charts.training import dead_fraction_chart, grad_norm_chart, loss_chart, score_chart
from reluscope.charts.units import (
    events_chart,
    on_rate_histogram,
    on_rate_histogram_spec,
    unit_timeline_chart,
)

__all__ = [
    "ACTIVATION_COLORS",
    "CLASS_COLORS",
    "UNIT_STATES",
    "UNIT_STATE_COLORS",
    "activation_curves_chart",
    "activation_scale",
    "bias_kill_chart",
    "born_dead_chart",
    "class_balance_chart",
    "data_scatter",
    "dead_fraction_chart",
    "decision_boundary_chart",
    "events_chart",
    "grad_norm_chart",
    "loss_chart",
    "off_units_chart",
    "on_rate_histogram",
    "on_rate_histogram_spec",
    "phase_diagram_chart",
    "preactivation_histogram",
    "recovery_chart",
    "score_chart",
    "unit_timeline_chart",
]
