"""The grid of a sweep: its axes, parsed and checked against ``reluscope.config``.

Every axis takes a sequence, a single value or a comma-separated string, and is checked against
the range the settings field it varies declares (:data:`AXES`), so a sweep accepts what the
dashboard and ``reluscope train`` accept.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np

from reluscope.activations import PARAMETERS, canonical_name
from reluscope.errors import InvalidParameterError
from reluscope.sweep.limits import LIMITS, check_runs
from reluscope.validation import check_integer

__all__ = ["AXES", "SEED_COUNT_FIELD", "SweepGrid", "format_hidden"]

AXES = {
    "activations": "activations",
    "bias_offsets": "bias_offset",
    "learning_rates": "learning_rate",
    "negative_slopes": "negative_slope",
    "solvers": "solver",
    "hidden_layers": "hidden_layers",
    "inits": "init",
}
"""Axis of :class:`SweepGrid` → the ``reluscope.config.FIELDS`` entry whose range, options and
default it takes (``seeds`` is the one axis without a field: it lists seeds or counts them)."""

SEED_COUNT_FIELD = "n_seeds"
"""The ``reluscope.config.FIELDS`` entry for how many seeds a run is repeated with."""

# the grid's old keyword for hidden_layers, still read (with a FutureWarning)
_OLD_HIDDEN = "hidden"


def _config_field(name):
    from reluscope.config import FIELDS

    return FIELDS[name]


def _items(field_name: str, raw) -> list:
    """A comma-separated string, a scalar or a sequence → a non-empty list of at most
    ``LIMITS.max_values`` items (counted before anything is parsed)."""
    most = LIMITS.max_values
    if isinstance(raw, str):
        if raw.count(",") >= most:
            raise InvalidParameterError(
                field_name, f"{raw.count(',') + 1} values", f"at most {most} values"
            )
        items = [part.strip() for part in raw.split(",")]
        items = [part for part in items if part]
    elif isinstance(raw, Iterable) and not isinstance(raw, (bytes, Mapping)):
        items = list(itertools.islice(raw, most + 1))  # an endless iterator stops here too
        if len(items) > most:
            raise InvalidParameterError(
                field_name, f"more than {most} values", f"at most {most} values"
            )
    else:
        items = [raw]
    if not items:
        raise InvalidParameterError(field_name, raw, "at least one value")
    return items


def _unique(values) -> tuple:
    return tuple(dict.fromkeys(values))


def _numbers(field_name: str, raw, config_name: str) -> tuple[float, ...]:
    """Numbers in the range that ``reluscope.config`` allows for ``config_name``."""
    config_field = _config_field(config_name)
    low, high = config_field.low, config_field.high
    allowed = f"numbers in [{low:g}, {high:g}], separated by commas"
    values = []
    for item in _items(field_name, raw):
        try:
            if isinstance(item, bool):
                raise ValueError
            number = float(item.strip() if isinstance(item, str) else item)
        except (TypeError, ValueError):
            raise InvalidParameterError(field_name, item, allowed) from None
        if not low <= number <= high:  # also rejects NaN
            raise InvalidParameterError(field_name, item, allowed)
        values.append(number)
    return _unique(values)


def _choices(field_name: str, raw, options: Sequence[str]) -> tuple[str, ...]:
    allowed = f"some of {', '.join(options)}, separated by commas"
    values = []
    for item in _items(field_name, raw):
        if not isinstance(item, str) or item.strip().lower() not in options:
            raise InvalidParameterError(field_name, item, allowed)
        values.append(item.strip().lower())
    return _unique(values)


def _activations(raw) -> tuple[str, ...]:
    from reluscope.activations import ACTIVATIONS, ALIASES

    values = []
    for item in _items("activations", raw):
        try:
            values.append(canonical_name(item.strip().lower() if isinstance(item, str) else item))
        except InvalidParameterError:
            allowed = f"some of {', '.join(ACTIVATIONS + tuple(ALIASES))}, separated by commas"
            raise InvalidParameterError("activations", item, allowed) from None
    return _unique(values)


def _architecture(field_name: str, item) -> tuple[int, ...]:
    from reluscope.config import coerce

    allowed = "layer widths joined by x (e.g. 16x16), architectures separated by commas"
    if isinstance(item, str) and "," in item:
        raise InvalidParameterError(field_name, item, allowed)
    try:
        value, _ = coerce("hidden_layers", item, caps=None, strict=True)
    except InvalidParameterError:
        raise InvalidParameterError(field_name, item, allowed) from None
    return tuple(value)


def _hidden_layers(field_name: str, raw) -> tuple[tuple[int, ...], ...]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return ((raw,),)
    # a flat tuple of widths is one architecture, as in ``hidden_layer_sizes``
    if (
        isinstance(raw, (tuple, list))
        and raw
        and all(isinstance(w, (int, np.integer)) and not isinstance(w, bool) for w in raw)
    ):
        return (_architecture(field_name, tuple(int(w) for w in raw)),)
    return _unique(_architecture(field_name, item) for item in _items(field_name, raw))


def _seeds(raw) -> tuple[int, ...]:
    high, most = int(_config_field("seed").high), LIMITS.max_values
    allowed = f"a number of seeds in [1, {most}], or a list of at most {most} seeds in [0, {high}]"
    if isinstance(raw, (int, np.integer)) and not isinstance(raw, bool):
        return tuple(range(check_integer("seeds", raw, 1, most, allowed=allowed)))
    items = _items("seeds", raw)
    return _unique(check_integer("seeds", item, 0, high, allowed=allowed) for item in items)


@dataclass(frozen=True, init=False)
class SweepGrid:
    """The axes of a sweep; every combination is one run.

    Each axis accepts a sequence, a single value or a comma-separated string; values are
    validated against the ranges in ``reluscope.config`` and duplicates are dropped (first
    occurrence kept). An axis left out takes the settings field's default (:data:`AXES`).

    Attributes
    ----------
    activations : tuple of str
    bias_offsets : tuple of float
        Added to every hidden bias at initialisation.
    learning_rates : tuple of float
        Step sizes.
    seeds : tuple of int
        An int ``n`` means seeds ``0 … n−1``.
    negative_slopes : tuple of float
        Crossed only with activations that have a negative slope (leaky_relu); other
        activations run once per remaining combination.
    solvers : tuple of str
        Of ``reluscope.engine.SOLVERS``.
    hidden_layers : tuple of tuple of int
        Hidden-layer shapes. A flat tuple of ints, such as ``(16, 16)``, is *one* shape;
        ``"16x16,32"`` or ``((16, 16), (32,))`` are two. The old keyword ``hidden`` still
        works, with a ``FutureWarning``.
    inits : tuple of str
        Initialisation schemes (``reluscope.init.INITS``).

    >>> grid = SweepGrid(activations="relu,leaky_relu", negative_slopes="0.01,0.1",
    ...                  bias_offsets=(-1, 0), seeds=2)
    >>> grid.n_runs, grid.hidden_layers
    (12, ((32, 32),))
    """

    activations: tuple[str, ...]
    bias_offsets: tuple[float, ...]
    learning_rates: tuple[float, ...]
    seeds: tuple[int, ...]
    negative_slopes: tuple[float, ...]
    solvers: tuple[str, ...]
    hidden_layers: tuple[tuple[int, ...], ...]
    inits: tuple[str, ...]

    def __init__(
        self,
        activations=None,
        bias_offsets=None,
        learning_rates=None,
        seeds=1,
        negative_slopes=None,
        solvers=None,
        hidden_layers=None,
        inits=None,
        *,
        hidden=None,
    ) -> None:
        from reluscope.engine import SOLVERS
        from reluscope.init import INITS

        hidden_name = "hidden_layers"
        if hidden is not None:
            _warn_hidden()
            if hidden_layers is not None:
                raise InvalidParameterError(
                    _OLD_HIDDEN, hidden, "hidden_layers alone (hidden is its old name)"
                )
            hidden_layers, hidden_name = hidden, _OLD_HIDDEN
        given = {
            "activations": activations,
            "bias_offsets": bias_offsets,
            "learning_rates": learning_rates,
            "negative_slopes": negative_slopes,
            "solvers": solvers,
            "hidden_layers": hidden_layers,
            "inits": inits,
        }
        raw = {
            name: _config_field(AXES[name]).default if value is None else value
            for name, value in given.items()
        }
        values = {
            "activations": _activations(raw["activations"]),
            "bias_offsets": _numbers("bias_offsets", raw["bias_offsets"], "bias_offset"),
            "learning_rates": _numbers("learning_rates", raw["learning_rates"], "learning_rate"),
            "seeds": _seeds(seeds),
            "negative_slopes": _numbers(
                "negative_slopes", raw["negative_slopes"], "negative_slope"
            ),
            "solvers": _choices("solvers", raw["solvers"], SOLVERS),
            "hidden_layers": _hidden_layers(hidden_name, raw["hidden_layers"]),
            "inits": _choices("inits", raw["inits"], INITS),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)
        check_runs(self.n_runs, self._sizes(hidden_name))

    def _sizes(self, hidden_name: str) -> dict[str, int]:
        """Values of each axis that multiplies the runs (slopes only where they are crossed)."""
        crossed = any("negative_slope" in PARAMETERS.get(a, ()) for a in self.activations)
        sizes = {
            hidden_name: len(self.hidden_layers),
            "solvers": len(self.solvers),
            "activations": len(self.activations),
            "negative_slopes": len(self.negative_slopes) if crossed else 1,
            "inits": len(self.inits),
            "bias_offsets": len(self.bias_offsets),
            "learning_rates": len(self.learning_rates),
            "seeds": len(self.seeds),
        }
        return {name: size for name, size in sizes.items() if size > 1 or name == "seeds"}

    @property
    def hidden(self) -> tuple[tuple[int, ...], ...]:
        """The old name of :attr:`hidden_layers` (``FutureWarning``)."""
        _warn_hidden()
        return self.hidden_layers

    @classmethod
    def coerce(cls, grid: SweepGrid | Mapping | None) -> SweepGrid:
        """A grid from a ``SweepGrid``, a mapping of its field names, or ``None`` (defaults)."""
        if grid is None:
            return cls()
        if isinstance(grid, SweepGrid):
            return grid
        if not isinstance(grid, Mapping):
            raise InvalidParameterError("grid", grid, "a SweepGrid or a dict of its fields")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(grid) - names - {_OLD_HIDDEN})
        if unknown:
            raise InvalidParameterError(
                "grid", unknown[0], f"keys among {', '.join(sorted(names))}"
            )
        return cls(**grid)

    def slopes_of(self, activation: str) -> tuple[float, ...]:
        """The negative slopes crossed with ``activation``: the grid's, or ``(nan,)``."""
        if "negative_slope" in PARAMETERS.get(activation, ()):
            return self.negative_slopes
        return (math.nan,)

    def points(self) -> list[dict]:
        """Every run's settings, in table order: hidden layers, solver, activation, slope,
        init, bias offset, learning rate, seed (the last varies fastest)."""
        return [
            {
                "hidden_layers": hidden_layers,
                "solver": solver,
                "activation": activation,
                "negative_slope": slope,
                "init": init,
                "bias_offset": bias_offset,
                "learning_rate": learning_rate,
                "seed": seed,
            }
            for hidden_layers in self.hidden_layers
            for solver in self.solvers
            for activation in self.activations
            for slope in self.slopes_of(activation)
            for init in self.inits
            for bias_offset in self.bias_offsets
            for learning_rate in self.learning_rates
            for seed in self.seeds
        ]

    @property
    def n_runs(self) -> int:
        per_shape = sum(len(self.slopes_of(a)) for a in self.activations) * math.prod(
            len(v) for v in (self.inits, self.bias_offsets, self.learning_rates, self.seeds)
        )
        return per_shape * len(self.hidden_layers) * len(self.solvers)


def _warn_hidden() -> None:
    warnings.warn(
        "the sweep grid's `hidden` is now `hidden_layers`; `hidden` will be removed",
        FutureWarning,
        stacklevel=3,
    )


def format_hidden(hidden_layers: Sequence[int]) -> str:
    """``(16, 16)`` → ``"16x16"``, the form the run table and the command line use."""
    return "x".join(str(int(width)) for width in hidden_layers)
