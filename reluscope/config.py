"""The one schema of every user-settable field: its type, range, default, URL key and widget.

The dashboard draws its sidebar from :data:`FIELDS`, reads and writes shareable links with the
field names as query keys, and the command line validates its options here too; nothing else
re-declares a range. :func:`validate` turns raw values (URL strings, widget values, JSON) into a
:class:`Settings`, clamping or replacing what is out of range or malformed and returning one
:class:`Notice` per change, each naming its field. :data:`CAPS` are the compute caps of the hosted
demo; they hold for any input.

>>> settings, notices = validate({"epochs": "99999", "hidden_layers": "8x8x8x8x8x8"})
>>> settings.epochs, settings.hidden_layers
(500, (8, 8, 8, 8))
>>> [notice.field for notice in notices]
['hidden_layers', 'epochs']
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace

from reluscope.activations import ACTIVATIONS, ALIASES
from reluscope.datasets import BUNDLED_PREFIX
from reluscope.errors import InvalidParameterError
from reluscope.init import INITS

__all__ = [
    "BUNDLED_PREFIX",
    "CAPS",
    "DEFAULTS",
    "FIELDS",
    "TEST_SIZE",
    "UPLOAD",
    "Caps",
    "Field",
    "Notice",
    "Settings",
    "cap_work",
    "coerce",
    "estimate_stored",
    "estimate_work",
    "validate",
]

# share of the data held out for validation curves; fixed so that links stay short
TEST_SIZE = 0.25
# the `dataset` choice that means "the CSV file uploaded in this browser session"
UPLOAD = "upload"
# `dataset` choices naming a bundled file data/<name>.csv start with BUNDLED_PREFIX ("csv:"),
# defined with the datasets (reluscope.datasets.from_choice reads such choices)


@dataclass(frozen=True)
class Caps:
    """Compute caps of the hosted demo; the dashboard enforces them whatever the input.

    ``max_work`` bounds :func:`estimate_work` (multiply-adds of one training run, all models
    together) and ``max_stored`` :func:`estimate_stored` (numbers kept per run, about 8 bytes
    each); a run that would exceed either trains fewer epochs.
    """

    max_samples: int = 2000
    max_width: int = 64
    max_depth: int = 4
    max_epochs: int = 500
    max_seeds: int = 5
    max_activations: int = 6
    max_work: float = 6e9
    max_stored: float = 1e7
    # the lab page's live sweep (16x16 on moons, 300 samples): runs in one sweep, and runs ×
    # epochs, its compute budget (about 5 s on one core); it also keeps max_epochs,
    # max_seeds and max_activations
    max_sweep_runs: int = 64
    max_sweep_run_epochs: int = 4800


CAPS = Caps()

# what each cap is called in a message
_CAP_NOUNS = {
    "max_samples": "samples",
    "max_width": "units per layer",
    "max_depth": "hidden layers",
    "max_epochs": "epochs",
    "max_seeds": "seeds",
    "max_activations": "activations at once",
}


@dataclass(frozen=True)
class Field:
    """One user-settable field.

    Attributes
    ----------
    name : str
        Attribute of :class:`Settings`, URL query key and command-line option name.
    kind : {"int", "float", "choice", "choices", "layers"}
        Value type: a number, one option, several options, or hidden-layer widths.
    widget : str
        Streamlit widget that edits it: ``slider``, ``select_slider``, ``selectbox``,
        ``multiselect``, ``segmented_control`` or ``text_input``.
    low, high : float or None
        Allowed range of a number (of each width for ``layers``).
    options : tuple or callable or None
        The allowed values of a choice, or the grid a ``select_slider`` snaps numbers to.
    cap : str or None
        The :class:`Caps` attribute that lowers ``high`` (or bounds a count) in the app.
    log : bool
        Snap to ``options`` on a log scale (learning rate, batch size).
    """

    name: str
    label: str
    kind: str
    default: object
    widget: str
    help: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple | Callable[[], tuple] | None = None
    cap: str | None = None
    log: bool = False

    def choices(self) -> tuple:
        """The allowed options (choice fields) or the snapping grid, resolved if lazy."""
        return self.options() if callable(self.options) else (self.options or ())

    def upper(self, caps: Caps | None = CAPS) -> float:
        """Largest allowed number: ``high`` lowered by this field's cap when caps apply."""
        if caps is not None and self.cap is not None and self.kind in ("int", "float"):
            return min(self.high, getattr(caps, self.cap))
        return self.high

    def to_url(self, value) -> str | list[str]:
        """The value as URL query parameters: several options repeat the key, as Streamlit does."""
        return list(value) if self.kind == "choices" else self.format(value)

    def format(self, value) -> str:
        """The value as written in a URL or on the command line."""
        if self.kind == "layers":
            return "x".join(str(width) for width in value)
        if self.kind == "choices":
            return ",".join(value)
        if self.kind == "float":
            return repr(float(value)).removesuffix(".0")  # shortest text that reads back exactly
        return str(value)


@dataclass(frozen=True)
class Notice:
    """A raw value that was clamped, replaced or cut down; ``message`` names the field."""

    field: str
    message: str
    value: object = None
    allowed: str = ""
    cap: str | None = None

    def __str__(self) -> str:
        return self.message


def _dataset_options() -> tuple[str, ...]:
    from reluscope import datasets

    bundled = (f"{BUNDLED_PREFIX}{name}" for name in datasets.bundled_datasets())
    return (*datasets.DATASETS, *bundled, UPLOAD)


def _grid(mantissas: Iterable[int], exponents: Iterable[int]) -> tuple[float, ...]:
    return tuple(float(f"{m}e{e}") for e in exponents for m in mantissas)


LEARNING_RATES = (*_grid((1, 2, 5), range(-4, 0)), 1.0)
BATCH_SIZES = (4, 8, 16, 32, 64, 128, 256, 512)
SOLVERS = ("sgd", "adam")

FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            name="dataset",
            label="Dataset",
            kind="choice",
            default="moons",
            widget="selectbox",
            help="A generated toy problem, a bundled CSV file, or a CSV file you upload.",
            options=_dataset_options,
        ),
        Field(
            name="n_samples",
            label="Samples",
            kind="int",
            default=300,
            widget="slider",
            help="Points drawn from a generated dataset (a quarter is held out for validation).",
            low=50,
            high=100_000,
            step=10,
            cap="max_samples",
        ),
        Field(
            name="noise",
            label="Noise",
            kind="float",
            default=0.2,
            widget="slider",
            help="Noise of a generated dataset (standard deviation added to the points).",
            low=0.0,
            high=1.0,
            step=0.05,
        ),
        Field(
            name="hidden_layers",
            label="Hidden layers",
            kind="layers",
            default=(32, 32),
            widget="text_input",
            help="Widths of the hidden layers, e.g. `32x32` for two layers of 32 units.",
            low=1,
            high=4096,
            cap="max_width",
        ),
        Field(
            name="activations",
            label="Activations",
            kind="choices",
            default=("relu", "leaky_relu", "tanh", "sigmoid"),
            widget="multiselect",
            help="Activations to compare; for one seed they all start from identical weights.",
            options=ACTIVATIONS,
            cap="max_activations",
        ),
        Field(
            name="negative_slope",
            label="Negative slope (leaky ReLU)",
            kind="float",
            default=0.01,
            widget="slider",
            help="Slope of leaky ReLU for z < 0; 0 makes it ReLU, so its units can die.",
            low=0.0,
            high=1.0,
            step=0.01,
        ),
        Field(
            name="bias_offset",
            label="Bias offset",
            kind="float",
            default=0.0,
            widget="slider",
            help="Added to every hidden bias at initialisation; negative values kill ReLU units.",
            low=-10.0,
            high=10.0,
            step=0.1,
        ),
        Field(
            name="init",
            label="Initialisation",
            kind="choice",
            default="he_normal",
            widget="selectbox",
            help="How initial weights are drawn (He for ReLU, Glorot for tanh and sigmoid).",
            options=INITS,
        ),
        Field(
            name="solver",
            label="Optimiser",
            kind="choice",
            default="sgd",
            widget="segmented_control",
            help="Minibatch SGD with Nesterov momentum 0.9 (scikit-learn's default) or Adam.",
            options=SOLVERS,
        ),
        Field(
            name="learning_rate",
            label="Learning rate",
            kind="float",
            default=0.05,
            widget="select_slider",
            help="Step size (log scale); too large a step knocks ReLU units dead.",
            low=1e-4,
            high=1.0,
            options=LEARNING_RATES,
            log=True,
        ),
        Field(
            name="batch_size",
            label="Batch size",
            kind="int",
            default=32,
            widget="select_slider",
            help="Samples per update.",
            low=4,
            high=512,
            options=BATCH_SIZES,
            log=True,
        ),
        Field(
            name="epochs",
            label="Epochs",
            kind="int",
            default=100,
            widget="slider",
            help="Passes over the training data.",
            low=1,
            high=100_000,
            step=1,
            cap="max_epochs",
        ),
        # a text box, not st.number_input: an integer number_input bound to the URL raises
        # OverflowError on values such as 1e309 (Streamlit 1.67), before our validation runs
        Field(
            name="seed",
            label="Seed",
            kind="int",
            default=0,
            widget="text_input",
            help="Seeds the data and the initial weights: the same seed reproduces the same run.",
            low=0,
            high=2**31 - 1,
            step=1,
        ),
        Field(
            name="seeds",
            label="Number of seeds",
            kind="int",
            default=1,
            widget="slider",
            help="Repeat with seeds seed, seed+1, …; curves then show the mean and a 95 % band.",
            low=1,
            high=100,
            step=1,
            cap="max_seeds",
        ),
    )
}


@dataclass(frozen=True)
class Settings:
    """Validated values of every field in :data:`FIELDS`; hashable, so it is a cache key."""

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
    seeds: int

    @property
    def seed_list(self) -> tuple[int, ...]:
        """The seeds of the runs: ``seed, seed + 1, …`` (``seeds`` of them)."""
        return tuple(range(self.seed, self.seed + self.seeds))

    def to_dict(self) -> dict:
        """Plain JSON-friendly values (lists for tuples)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def to_json(self) -> str:
        """The settings as a JSON document (what the dashboard offers for download)."""
        return json.dumps(self.to_dict(), indent=2)

    def to_query(self, *, only_changed: bool = True) -> dict[str, str | list[str]]:
        """URL query parameters that reproduce these settings (defaults left out).

        >>> from urllib.parse import urlencode
        >>> settings = replace(DEFAULTS, activations=("relu", "tanh"), hidden_layers=(8, 8))
        >>> urlencode(settings.to_query(), doseq=True)
        'hidden_layers=8x8&activations=relu&activations=tanh'
        """
        return {
            name: f.to_url(getattr(self, name))
            for name, f in FIELDS.items()
            if not (only_changed and getattr(self, name) == getattr(DEFAULTS, name))
        }

    def compare_kwargs(self) -> dict:
        """Keyword arguments of :func:`reluscope.experiment.compare` (all but the dataset)."""
        return {
            "activations": self.activations,
            "seeds": self.seed_list,
            "hidden_layer_sizes": self.hidden_layers,
            "negative_slope": self.negative_slope,
            "bias_offset": self.bias_offset,
            "init": self.init,
            "solver": self.solver,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "test_size": TEST_SIZE,
        }


DEFAULTS = Settings(**{name: f.default for name, f in FIELDS.items()})


# --- coercion of raw values ------------------------------------------------------------------


class _Invalid(Exception):
    """Internal: the raw value is replaced; carries the value to use and the reason."""

    def __init__(self, value, reason: str, allowed: str, cap: str | None = None):
        self.value, self.reason, self.allowed, self.cap = value, reason, allowed, cap


def _shown(raw) -> str:
    """A raw value made safe to show in a message: short, one line, inside a code span."""
    if isinstance(raw, (list, tuple)):  # a URL parameter, possibly repeated
        raw = ", ".join(map(str, raw))
    text = raw if isinstance(raw, str) else repr(raw)
    text = "".join(ch if ch.isprintable() and ch != "`" else " " for ch in text[:200])
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > 40:
        text = text[:39] + "…"
    return f"`{text}`" if text else "an empty value"


def _plain(number: float) -> str:
    """A bound or grid value as people write it: 2147483647, 0.0001, 1."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _last(raw):
    """A repeated URL parameter (``?epochs=1&epochs=2``) counts as its last value."""
    if isinstance(raw, (list, tuple)):
        return raw[-1] if raw else ""
    return raw


def _number(f: Field, raw, caps: Caps | None) -> float:
    raw = _last(raw)
    allowed = f"a number in [{_plain(f.low)}, {_plain(f.upper(caps))}]"
    if isinstance(raw, bool):
        raise _Invalid(f.default, "is not a number", allowed)
    try:
        number = float(raw if isinstance(raw, (int, float)) else str(raw).strip())
    except (ValueError, OverflowError):
        raise _Invalid(f.default, "is not a number", allowed) from None
    if math.isnan(number):
        raise _Invalid(f.default, "is not a number", allowed)
    return number


def _coerce_number(f: Field, raw, caps: Caps | None):
    number = _number(f, raw, caps)
    upper = f.upper(caps)
    allowed = f"a number in [{_plain(f.low)}, {_plain(upper)}]"
    reasons, cap = [], None
    if number < f.low:
        number = f.low
        reasons.append(f"is below the minimum {_plain(f.low)}")
    elif number > upper:
        if upper < f.high:
            cap = f.cap
            reasons.append(f"is above the cap of {_plain(upper)} {_CAP_NOUNS[cap]} ({cap})")
        else:
            reasons.append(f"is above the maximum {_plain(upper)}")
        number = upper
    if f.kind == "int":
        if number != round(number):
            reasons.append("is not a whole number")
        number = round(number)
    if f.options and number not in f.choices():
        grid = f.choices()
        if f.log:
            nearest = min(grid, key=lambda g: abs(math.log(g) - math.log(number)))
        else:
            nearest = min(grid, key=lambda g: abs(g - number))
        allowed = f"one of {', '.join(map(_plain, grid))}"
        reasons.append("is not one of the slider's values (taking the nearest)")
        number = nearest
    if reasons:
        raise _Invalid(number, " and ".join(reasons), allowed, cap)
    return number


def _canonical_option(f: Field, text: str) -> str | None:
    text = text.strip()
    if f.name == "activations":
        text = ALIASES.get(text.lower(), text)
    options = f.choices()
    if text in options:
        return text
    lowered = {str(o).lower(): o for o in options}
    return lowered.get(text.lower())


def _coerce_choice(f: Field, raw, caps: Caps | None):
    raw = _last(raw)
    allowed = "one of " + ", ".join(map(str, f.choices()))
    option = _canonical_option(f, raw) if isinstance(raw, str) else None
    if option is None:
        raise _Invalid(f.default, "is not a known option", allowed)
    return option


def _coerce_choices(f: Field, raw, caps: Caps | None):
    allowed = "some of " + ", ".join(map(str, f.choices()))
    if isinstance(raw, str):
        items = [raw]
    elif isinstance(raw, (list, tuple)):
        items = [str(item) for item in raw]
    else:
        raise _Invalid(f.default, "is not a list of options", allowed)
    chosen, unknown = [], []
    for name in (part for item in items for part in re.split(r"[\s,]+", item) if part):
        option = _canonical_option(f, name)
        if option is None:
            unknown.append(name)
        elif option not in chosen:
            chosen.append(option)
    if not chosen:
        reason = "names no known option" if unknown else "is empty"
        raise _Invalid(f.default, reason, allowed)
    reasons, cap = [], None
    if unknown:
        reasons.append(f"has unknown options {_shown(', '.join(unknown))} (left out)")
    limit = getattr(caps, f.cap) if caps is not None and f.cap else None
    if limit is not None and len(chosen) > limit:
        cap = f.cap
        reasons.append(
            f"has more than the cap of {limit} {_CAP_NOUNS[cap]} ({cap}); keeping the first {limit}"
        )
        chosen = chosen[:limit]
    if reasons:
        raise _Invalid(tuple(chosen), " and ".join(reasons), allowed, cap)
    return tuple(chosen)


# digit runs and separator runs use disjoint characters, so matching is linear (no backtracking)
_LAYERS = re.compile(r"\d+(?:[\sx×*,;]+\d+)*,?")


def _coerce_layers(f: Field, raw, caps: Caps | None):
    allowed = "widths separated by x, e.g. 32x32"
    if isinstance(raw, (list, tuple)) and len(raw) == 1 and isinstance(raw[0], str):
        raw = raw[0]  # a URL parameter given as a list
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = (raw,)
    if (
        isinstance(raw, (list, tuple))
        and raw
        and all(isinstance(w, int) and not isinstance(w, bool) and w >= 0 for w in raw)
    ):
        digits = [str(w) for w in raw]
    elif (
        isinstance(raw, str)
        and len(raw) <= 200
        and _LAYERS.fullmatch(raw.strip().strip("()[]").strip())
    ):
        digits = re.findall(r"\d+", raw)
    else:
        raise _Invalid(f.default, "is not a list of layer widths", allowed)
    # more than 9 digits is hostile rather than a width: clamp it like any large width
    widths = [int(d) if len(d) <= 9 else 10**9 for d in digits]
    max_width = int(f.high) if caps is None else min(int(f.high), caps.max_width)
    reasons, cap = [], None
    if caps is not None and len(widths) > caps.max_depth:
        cap = "max_depth"
        widths = widths[: caps.max_depth]
        reasons.append(f"has more than the cap of {caps.max_depth} hidden layers (max_depth)")
    if any(w > max_width for w in widths):
        widths = [min(w, max_width) for w in widths]
        if caps is not None and max_width == caps.max_width:
            cap = cap or "max_width"
            reasons.append(f"has a layer wider than the cap of {max_width} units (max_width)")
        else:
            reasons.append(f"has a layer wider than the maximum {max_width}")
    if any(w < f.low for w in widths):
        widths = [max(w, int(f.low)) for w in widths]
        reasons.append("has a layer of 0 units")
    if reasons:
        raise _Invalid(tuple(widths), " and ".join(reasons), allowed, cap)
    return tuple(widths)


_COERCERS = {
    "int": _coerce_number,
    "float": _coerce_number,
    "choice": _coerce_choice,
    "choices": _coerce_choices,
    "layers": _coerce_layers,
}


def coerce(name: str, raw, *, caps: Caps | None = CAPS, strict: bool = False):
    """Turn one raw value of field ``name`` into a valid value.

    Parameters
    ----------
    name : str
        A key of :data:`FIELDS`.
    raw : object
        A URL string (or list of strings for a repeated parameter), a widget value or a JSON
        value.
    caps : Caps or None
        Compute caps to enforce; ``None`` for the command line and the Python API.
    strict : bool
        Raise :class:`~reluscope.errors.InvalidParameterError` instead of correcting.

    Returns
    -------
    value : object
        The valid value (``raw`` itself when nothing was wrong, else clamped or the default).
    notice : Notice or None
        What was changed and why, naming the field.
    """
    f = FIELDS[name]
    try:
        return _COERCERS[f.kind](f, raw, caps), None
    except _Invalid as problem:
        if strict:
            raise InvalidParameterError(name, raw, problem.allowed) from None
        value = problem.value
        what = f"{_shown(raw)} {problem.reason}" if problem.reason != "is empty" else "is empty"
        message = f"{name}: {what}; using `{f.format(value)}`."
        return value, Notice(name, message, raw, problem.allowed, problem.cap)


def _parameters(settings: Settings, n_features: int, n_outputs: int) -> int:
    sizes = (n_features, *settings.hidden_layers, n_outputs)
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(sizes))


def estimate_work(settings: Settings, n_features: int = 2, n_outputs: int = 1) -> float:
    """Rough multiply-adds of one training run (all models), the unit of ``Caps.max_work``.

    Forward and backward passes on every training sample each epoch (about 3× the parameter
    count), plus a fixed per-update overhead that dominates tiny batches.
    """
    parameters = _parameters(settings, n_features, n_outputs)
    n_train = math.ceil(settings.n_samples * (1 - TEST_SIZE))
    models = len(settings.activations) * settings.seeds
    updates = math.ceil(n_train / min(settings.batch_size, n_train))
    per_epoch = 4 * models * n_train * parameters + updates * _UPDATE_OVERHEAD
    return settings.epochs * per_epoch


# multiply-adds that cost as much time as the fixed overhead of one update (NumPy call overhead)
_UPDATE_OVERHEAD = 200_000


def estimate_stored(settings: Settings, n_features: int = 2, n_outputs: int = 1) -> int:
    """Numbers kept for the per-epoch views (every model's parameters at every epoch), the
    unit of ``Caps.max_stored``."""
    models = len(settings.activations) * settings.seeds
    return models * _parameters(settings, n_features, n_outputs) * (settings.epochs + 1)


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
        Field name → raw value (URL query parameters, widget values, parsed JSON).
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
    values, notices = {}, []
    for name, f in FIELDS.items():
        if name in raw and raw[name] is not None:
            values[name], notice = coerce(name, raw[name], caps=caps, strict=strict)
            if notice is not None:
                notices.append(notice)
        else:
            values[name] = f.default
    settings, notice = cap_work(Settings(**values), n_features, n_outputs, caps=caps)
    if notice is not None:
        notices.append(notice)
    return settings, notices
