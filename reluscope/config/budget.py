"""The work estimate: what one training run costs, and the epochs and seeds that fit the caps.

Three budgets bound one training of the hosted demo: ``Caps.max_work`` its compute and
``Caps.max_stored`` what it keeps (both lower the epochs, :func:`cap_work`), and
:data:`MAX_WORKING` the memory it holds while it runs (it lowers the seeds trained at once,
:func:`cap_working`). The server runs a bounded number of trainings at a time
(``reluscope.ui.services``), so these bound its memory too.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from typing import TYPE_CHECKING

from reluscope.config.coercion import Notice
from reluscope.config.fields import CAPS, TEST_SIZE, Caps

if TYPE_CHECKING:
    from reluscope.config.settings import Settings

__all__ = [
    "MAX_WORKING",
    "cap_work",
    "cap_working",
    "estimate_stored",
    "estimate_work",
    "estimate_working",
]

# multiply-adds that cost as much time as the fixed overhead of one update (NumPy call overhead)
_UPDATE_OVERHEAD = 200_000
MAX_WORKING = 160 * 2**20
"""Bytes one training may hold while it runs (:func:`estimate_working`) in the hosted demo."""


def _parameters(settings: Settings, n_features: int, n_outputs: int) -> int:
    sizes = (n_features, *settings.hidden_layers, n_outputs)
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(sizes))


def _models(settings: Settings) -> int:
    return len(settings.activations) * settings.n_seeds


def _split(settings: Settings) -> tuple[int, int]:
    """Training and validation rows of ``n_samples`` (the test part rounds up, as ``split``)."""
    n_test = math.ceil(settings.n_samples * TEST_SIZE)
    return settings.n_samples - n_test, n_test


def estimate_work(settings: Settings, n_features: int = 2, n_outputs: int = 1) -> float:
    """Rough multiply-adds of one training run (all models), the unit of ``Caps.max_work``.

    Forward and backward passes on every training sample each epoch (about 3× the parameter
    count), plus a fixed per-update overhead that dominates tiny batches.
    """
    parameters = _parameters(settings, n_features, n_outputs)
    n_train = math.ceil(settings.n_samples * (1 - TEST_SIZE))
    updates = math.ceil(n_train / min(settings.batch_size, n_train))
    per_epoch = 4 * _models(settings) * n_train * parameters + updates * _UPDATE_OVERHEAD
    return settings.epochs * per_epoch


def estimate_stored(settings: Settings, n_features: int = 2, n_outputs: int = 1) -> int:
    """Numbers kept for the per-epoch views (every model's parameters at every epoch), the
    unit of ``Caps.max_stored``."""
    parameters = _parameters(settings, n_features, n_outputs)
    return _models(settings) * parameters * (settings.epochs + 1)


def cap_work(
    settings: Settings, n_features: int = 2, n_outputs: int = 1, *, caps: Caps | None = CAPS
) -> tuple[Settings, Notice | None]:
    """Reduce the epochs so that one run stays within ``caps.max_work`` and ``caps.max_stored``."""
    if caps is None:
        return settings, None
    work = estimate_work(settings, n_features, n_outputs)
    stored = estimate_stored(settings, n_features, n_outputs)
    by_work = math.floor(settings.epochs * caps.max_work / work)
    by_storage = math.floor((settings.epochs + 1) * caps.max_stored / stored) - 1
    epochs = max(1, min(settings.epochs, by_work, by_storage))
    if epochs == settings.epochs:
        return settings, None
    cap, what = ("max_work", "compute") if by_work <= by_storage else ("max_stored", "memory")
    message = (
        f"epochs: this network, data and number of runs exceed the {what} cap ({cap}) at "
        f"{settings.epochs} epochs; training {epochs} epochs instead."
    )
    notice = Notice("epochs", message, settings.epochs, f"at most {epochs} epochs", cap)
    return replace(settings, epochs=epochs), notice


def estimate_working(settings: Settings, n_features: int = 2, n_outputs: int = 1) -> int:
    """Peak bytes of the work arrays one training run holds (all models), the unit of
    :data:`MAX_WORKING`.

    :func:`reluscope.engine.working_bytes` for the run's stack (every activation × seed), its
    training and validation rows (``TEST_SIZE``), batch size and solver: parameters, gradients
    and optimiser state, the epoch's shuffled data, and the work arrays of the batches and of
    the full-set passes, which run in groups of models within ``engine.GROUP_BYTES``. It does
    not depend on the epochs (what a run keeps per epoch is ``max_stored``).

    >>> from reluscope.config import DEFAULTS
    >>> estimate_working(DEFAULTS) < MAX_WORKING / 10
    True
    """
    n_train, n_val = _split(settings)
    layer_units = (n_features, *settings.hidden_layers, n_outputs)
    from reluscope.engine import working_bytes  # the engine's NumPy, only when a cap asks

    return working_bytes(
        layer_units,
        n_train,
        _models(settings),
        settings.batch_size,
        n_eval=n_val,
        solver=settings.solver,
    )


def cap_working(
    settings: Settings,
    n_features: int = 2,
    n_outputs: int = 1,
    *,
    max_working: int | None = None,
) -> tuple[Settings, Notice | None]:
    """Reduce the seeds so that one run's work arrays stay within ``max_working`` bytes
    (default :data:`MAX_WORKING`).

    Every activation is kept (they are what a run compares); at least one seed is trained.
    The notice names the cap (``max_working``), the seeds asked for and the seeds trained.
    """
    max_working = MAX_WORKING if max_working is None else max_working
    size = (n_features, n_outputs)
    working = estimate_working(settings, *size)
    if working <= max_working:
        return settings, None
    n_seeds = settings.n_seeds - 1  # the estimate grows with the models, so with the seeds
    while n_seeds > 1 and estimate_working(replace(settings, n_seeds=n_seeds), *size) > max_working:
        n_seeds -= 1
    seeds = "1 seed" if n_seeds == 1 else f"{n_seeds} seeds"
    message = (
        f"n_seeds: this network and data need about {working / 2**20:.0f} MB of working memory "
        f"to train {settings.n_seeds} seeds at once, above the cap of "
        f"{max_working / 2**20:.0f} MB per training (max_working); training {seeds} instead."
    )
    notice = Notice("n_seeds", message, settings.n_seeds, f"at most {seeds}", "max_working")
    return replace(settings, n_seeds=n_seeds), notice
