"""Validated settings: one value per field of :data:`~reluscope.config.FIELDS`."""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from reluscope.config.budget import cap_work
from reluscope.config.coercion import Notice, coerce
from reluscope.config.fields import CAPS, FIELDS, TEST_SIZE, Caps

__all__ = ["DEFAULTS", "RUN_ARGUMENTS", "Settings", "canonical_keys", "validate"]

# the settings that reluscope.experiment.compare takes, by the same names (all but the data)
RUN_ARGUMENTS = (
    "activations", "seeds", "hidden_layers", "negative_slope", "bias_offset", "init",
    "solver", "learning_rate", "batch_size", "epochs",
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """Validated values of every field in :data:`FIELDS`; hashable, so it is a cache key.

    >>> from dataclasses import replace
    >>> settings = replace(DEFAULTS, seed=3, n_seeds=2)
    >>> settings.seeds, settings.run_arguments()["hidden_layers"]
    ((3, 4), (32, 32))
    """

    dataset: str
    n_samples: int
    noise: float
    hidden_layers: tuple[int, ...]
    activations: tuple[str, ...]
    negative_slope: float
    bias_offset: float
    init: str
    solver: str
    learning_rate: float
    batch_size: int
    epochs: int
    seed: int
    n_seeds: int

    @property
    def seeds(self) -> tuple[int, ...]:
        """The seeds of the runs: ``seed, seed + 1, …`` (``n_seeds`` of them)."""
        return tuple(range(self.seed, self.seed + self.n_seeds))

    @property
    def seed_list(self) -> tuple[int, ...]:
        """Deprecated name of :attr:`seeds`."""
        warnings.warn(
            "Settings.seed_list is now Settings.seeds (the count is Settings.n_seeds)",
            FutureWarning,
            stacklevel=2,
        )
        return self.seeds

    def run_arguments(self) -> dict:
        """The keyword arguments of :func:`reluscope.experiment.compare`: the settings of
        :data:`RUN_ARGUMENTS`, under their own names (the data is compare's first argument), and
        the dashboard's fixed validation share ``test_size`` (:data:`TEST_SIZE`)."""
        return {**{name: getattr(self, name) for name in RUN_ARGUMENTS}, "test_size": TEST_SIZE}

    def compare_kwargs(self) -> dict:
        """The old name of :meth:`run_arguments` (it will be removed)."""
        warnings.warn(
            "Settings.compare_kwargs() is now Settings.run_arguments()", FutureWarning, stacklevel=2
        )
        return self.run_arguments()

    def to_dict(self) -> dict:
        """Plain JSON-friendly values (lists for tuples)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def to_json(self) -> str:
        """The settings as a JSON document (what the dashboard offers for download)."""
        return json.dumps(self.to_dict(), indent=2)

    def to_query(self, *, only_changed: bool = True) -> dict[str, str | list[str]]:
        """URL query parameters of the fields (those at their default left out); a shared
        link adds the schema version, see :func:`reluscope.config.link_query`.

        >>> from dataclasses import replace
        >>> from urllib.parse import urlencode
        >>> settings = replace(DEFAULTS, activations=("relu", "tanh"), hidden_layers=(8, 8))
        >>> urlencode(settings.to_query(), doseq=True)
        'hidden_layers=8x8&activations=relu&activations=tanh'
        """
        return {
            name: f.to_url(getattr(self, name))
            for name, f in FIELDS.items()
            if not (only_changed and getattr(self, name) == f.default)
        }


DEFAULTS = Settings(**{name: f.default for name, f in FIELDS.items()})


def canonical_keys(raw: Mapping[str, object]) -> dict[str, object]:
    """Field name → raw value, with older keys (``seeds``) read as their field (``n_seeds``).

    A field's own key wins over its aliases; keys that name no field are left out.

    >>> canonical_keys({"seeds": "3", "epochs": "5", "bogus": "1"})
    {'epochs': '5', 'n_seeds': '3'}
    """
    values = {}
    for name, f in FIELDS.items():
        for key in (name, *f.aliases):
            if key in raw and raw[key] is not None:
                values[name] = raw[key]
                break
    return values


def validate(
    raw: Mapping[str, object],
    *,
    caps: Caps | None = CAPS,
    strict: bool = False,
    n_features: int = 2,
    n_outputs: int = 1,
) -> tuple[Settings, list[Notice]]:
    """Settings from raw values; missing fields take their default, unknown keys are ignored.

    Parameters
    ----------
    raw : mapping
        Field name (or an older alias of it) → raw value: URL query parameters, widget values,
        parsed JSON.
    caps : Caps or None
        Compute caps to enforce (default: the hosted demo's :data:`CAPS`).
    strict : bool
        Raise :class:`~reluscope.errors.InvalidParameterError` on the first bad value.
    n_features, n_outputs : int
        Size of the data, for the compute-budget cap.

    Returns
    -------
    settings : Settings
    notices : list of Notice
        One per corrected field, in :data:`FIELDS` order, then the compute-budget notice.
    """
    given = canonical_keys(raw)
    values, notices = {}, []
    for name, f in FIELDS.items():
        if name in given:
            values[name], notice = coerce(name, given[name], caps=caps, strict=strict)
            if notice is not None:
                notices.append(notice)
        else:
            values[name] = f.default
    settings, notice = cap_work(Settings(**values), n_features, n_outputs, caps=caps)
    if notice is not None:
        notices.append(notice)
    return settings, notices
