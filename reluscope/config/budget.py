"""The work estimate: what one training run costs, and the epochs that fit the demo's caps."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from typing import TYPE_CHECKING

from reluscope.config.coercion import Notice
from reluscope.config.fields import CAPS, TEST_SIZE, Caps

if TYPE_CHECKING:
    from reluscope.config.settings import Settings

__all__ = ["cap_work", "estimate_stored", "estimate_work"]

# multiply-adds that cost as much time as the fixed overhead of one update (NumPy call overhead)
_UPDATE_OVERHEAD = 200_000


def _parameters(settings: Settings, n_features: int, n_outputs: int) -> int:
    sizes = (n_features, *settings.hidden_layers, n_outputs)
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(sizes))


def _models(settings: Settings) -> int:
    return len(settings.activations) * settings.n_seeds


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
