"""The one schema of every user-settable field: its type, range, default, URL key and widget.

The dashboard draws its sidebar from :data:`FIELDS`, reads and writes shareable links with the
field names as query keys, and the command line derives its options from it; nothing else
re-declares a range. :func:`validate` turns raw values (URL strings, widget values, JSON) into a
:class:`Settings`, clamping or replacing what is out of range or malformed and returning one
:class:`Notice` per change, each naming its field. :data:`CAPS` are the compute caps of the hosted
demo; they hold for any input.

- :mod:`~reluscope.config.fields`: the field table (:data:`FIELDS`, :data:`API_FIELDS`) and caps;
- :mod:`~reluscope.config.coercion`: one raw value → a valid value and a :class:`Notice`;
- :mod:`~reluscope.config.settings`: :class:`Settings`, :data:`DEFAULTS`, :func:`validate`;
- :mod:`~reluscope.config.budget`: the work estimate and the epochs that fit the caps;
- :mod:`~reluscope.config.links`: links that carry their schema version;
- :mod:`~reluscope.config.checks`: a value checked against its field, by name (Python API and
  command line).

Glossary
--------
One name per concept, in settings, URL keys, command-line options, sweep grids, ``compare``
frame columns and the engine's ``TrainConfig`` / ``RunSpec``. scikit-learn's names appear on
the estimators (``MLPClassifier``, ``MLPRegressor``) only, and the estimators translate them
once, into the engine's names.

hidden_layers
    Tuple of hidden-layer widths, written ``32x32`` in links, options and tables (estimators:
    ``hidden_layer_sizes``; a sweep grid also reads ``hidden``).
epochs
    Passes over the training data (estimators: ``max_iter``).
learning_rate
    The step size, a float. *Two meanings today*: on the estimators ``learning_rate`` is
    scikit-learn's schedule string (``"constant"``, ``"invscaling"``, ``"adaptive"``), called
    ``learning_rate_schedule`` in the engine, and the step size is ``learning_rate_init``.
l2_penalty
    Weight of the L2 penalty (estimators: ``alpha``).
alpha
    *Two meanings today*: outside the estimators only ELU's α (the negative-side scale); on
    the estimators scikit-learn's L2 penalty, called ``l2_penalty`` everywhere else.
seed
    The int seed of one run's initial weights and minibatch order (estimators:
    ``random_state``); the dashboard's generated data uses it too. ``random_state`` also stays
    on :func:`~reluscope.datasets.make_dataset` and ``Dataset.split``, which hand it to
    scikit-learn's generators and splitter as they are.
seeds
    A sequence of such seeds (``compare``, a sweep grid, :attr:`Settings.seeds`).
n_seeds
    How many seeds the dashboard runs: ``seed, seed + 1, …`` (links and options also read the
    older ``seeds``).
data_seed
    Seed of a generated dataset and of the train/validation split (replaces ``split_seed``).
born_dead
    Number of hidden units dead at epoch 0 of a run; ``born_dead_fraction`` their share of the
    hidden units.
dead, inactive, saturated
    Counts of units in that state (definitions in :mod:`reluscope.diagnostics`);
    ``dead_fraction`` and the like are shares.

A renamed Python keyword keeps working for a while with a ``FutureWarning``; every URL key and
command-line option that ever existed keeps working as an alias.

>>> settings, notices = validate({"epochs": "99999", "hidden_layers": "8x8x8x8x8x8"})
>>> settings.epochs, settings.hidden_layers
(500, (8, 8, 8, 8))
>>> [notice.field for notice in notices]
['hidden_layers', 'epochs']
"""

from __future__ import annotations

from reluscope.config.budget import cap_work, estimate_stored, estimate_work
from reluscope.config.checks import check_argument, check_field
from reluscope.config.coercion import Notice, coerce
from reluscope.config.fields import (
    API_FIELDS,
    BATCH_SIZES,
    BUNDLED_PREFIX,
    CAPS,
    FIELDS,
    LEARNING_RATES,
    LIVE_SWEEP_START,
    SOLVERS,
    TEST_SIZE,
    UPLOAD,
    Caps,
    Field,
    declared,
)
from reluscope.config.links import (
    DEFAULTS_BY_VERSION,
    SCHEMA_VERSION,
    VERSION_KEY,
    link_query,
    link_version,
    open_link,
    read_link,
)
from reluscope.config.settings import DEFAULTS, RUN_ARGUMENTS, Settings, canonical_keys, validate

__all__ = [
    "API_FIELDS",
    "BATCH_SIZES",
    "BUNDLED_PREFIX",
    "CAPS",
    "DEFAULTS",
    "DEFAULTS_BY_VERSION",
    "FIELDS",
    "LEARNING_RATES",
    "LIVE_SWEEP_START",
    "RUN_ARGUMENTS",
    "SCHEMA_VERSION",
    "SOLVERS",
    "TEST_SIZE",
    "UPLOAD",
    "VERSION_KEY",
    "Caps",
    "Field",
    "Notice",
    "Settings",
    "canonical_keys",
    "cap_work",
    "check_argument",
    "check_field",
    "coerce",
    "declared",
    "estimate_stored",
    "estimate_work",
    "link_query",
    "link_version",
    "open_link",
    "read_link",
    "validate",
]
