"""Coercion of raw values (URL text, widget values, JSON) into valid field values.

Every raw value either passes unchanged, or is clamped or replaced and comes back with a
:class:`Notice` naming its field; with ``strict=True`` it raises
:class:`~reluscope.errors.InvalidParameterError` instead (the command line).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from reluscope.activations import ALIASES
from reluscope.config.fields import CAPS, Caps, Field, declared
from reluscope.errors import InvalidParameterError

__all__ = ["Notice", "coerce"]

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
class Notice:
    """A raw value that was clamped, replaced or cut down; ``message`` names the field."""

    field: str
    message: str
    value: object = None
    allowed: str = ""
    cap: str | None = None

    def __str__(self) -> str:
        return self.message


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
        A key of :data:`~reluscope.config.FIELDS` or :data:`~reluscope.config.API_FIELDS`.
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
    f = declared(name)
    try:
        return _COERCERS[f.kind](f, raw, caps), None
    except _Invalid as problem:
        if strict:
            raise InvalidParameterError(name, raw, problem.allowed) from None
        value = problem.value
        what = f"{_shown(raw)} {problem.reason}" if problem.reason != "is empty" else "is empty"
        message = f"{name}: {what}; using `{f.format(value)}`."
        return value, Notice(name, message, raw, problem.allowed, problem.cap)
