"""The one place argument checks live.

Every layer (engine, activations, datasets, theory, sweeps, the estimators, the command line and
the dashboard) checks its arguments with these functions, so a range reads the same everywhere
and every failure is an :class:`~reluscope.errors.InvalidParameterError` naming the field, the
value and what is allowed. Ranges of user-settable fields are declared once, in
``reluscope.config.FIELDS`` (and ``API_FIELDS``); :func:`check_declared` checks a Python API
argument against such a declaration (``reluscope.config.check_argument`` looks it up by name,
``reluscope.config.check_field`` checks a value as the dashboard and the command line take it).
This module imports nothing of reluscope's but its errors, so every layer can use it.
:func:`renamed_keywords` keeps a renamed keyword working, with a ``FutureWarning``.

>>> check_integer("epochs", "30", 1, 500), check_integer("jobs", 2.0)
(30, 2)
>>> check_integer("epochs", 2.5)
Traceback (most recent call last):
...
reluscope.errors.InvalidParameterError: epochs=2.5 is not allowed; expected an integer ≥ 1.
>>> check_real("noise", 0.2, 0, 1)
0.2
>>> check_choice("solver", "adam", ("sgd", "adam"))
'adam'
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral, Real

from reluscope.errors import InvalidParameterError

__all__ = [
    "check_choice",
    "check_declared",
    "check_fraction",
    "check_integer",
    "check_real",
    "is_count",
    "renamed_keywords",
]


def is_count(value) -> bool:
    """Whether ``value`` is an integer ≥ 1 (NumPy's too, never a bool)."""
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= 1


def _bound(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def check_integer(
    name: str,
    value,
    low: int = 1,
    high: int | None = None,
    *,
    exact: bool = False,
    allowed: str | None = None,
) -> int:
    """``value`` as an ``int`` in [``low``, ``high``], or an error naming ``name``.

    Parameters
    ----------
    name : str
        The parameter, as the error should name it.
    value : object
        An int (NumPy's too; never a bool); unless ``exact``, also a whole float or its text,
        such as ``"32"`` or ``32.0``, as the command line, links and forms give them.
    low, high : int
        Inclusive bounds; ``high=None`` for none.
    exact : bool
        Accept integer types only (the Python API).
    allowed : str, optional
        What the error says is allowed; by default the range.

    Raises
    ------
    InvalidParameterError
    """
    if allowed is None:
        allowed = f"an integer ≥ {low}" if high is None else f"an integer in [{low}, {high}]"
    if isinstance(value, bool):
        raise InvalidParameterError(name, value, allowed)
    if isinstance(value, Integral):
        number = int(value)
    elif exact:
        raise InvalidParameterError(name, value, allowed)
    else:
        try:
            number = float(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError, OverflowError):
            raise InvalidParameterError(name, value, allowed) from None
        if not math.isfinite(number) or number != round(number):
            raise InvalidParameterError(name, value, allowed)
        number = int(number)
    if number < low or (high is not None and number > high):
        raise InvalidParameterError(name, value, allowed)
    return number


def check_real(
    name: str,
    value,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    allowed: str | None = None,
    accept: Callable[[float], bool] | None = None,
) -> float:
    """``value`` as a finite ``float`` in the interval from ``low`` to ``high``.

    Parameters
    ----------
    name : str
    value : object
        A real number (NumPy's too; never a bool or a string).
    low, high : float
        Bounds, inclusive unless ``low_open`` / ``high_open``; infinite bounds allow any finite
        number on that side.
    allowed : str, optional
        What the error says is allowed; by default the interval.
    accept : callable, optional
        An extra condition the number must meet.

    Raises
    ------
    InvalidParameterError
    """
    if allowed is None:
        if math.isinf(low) and math.isinf(high):
            allowed = "a finite number"
        elif math.isinf(high):
            allowed = f"a number {'>' if low_open else '≥'} {_bound(low)}"
        elif math.isinf(low):
            allowed = f"a number {'<' if high_open else '≤'} {_bound(high)}"
        else:
            left, right = "(" if low_open else "[", ")" if high_open else "]"
            allowed = f"a number in {left}{_bound(low)}, {_bound(high)}{right}"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidParameterError(name, value, allowed)
    number = float(value)
    inside = (
        math.isfinite(number)
        and (number > low if low_open else number >= low)
        and (number < high if high_open else number <= high)
        and (accept is None or accept(number))
    )
    if not inside:
        raise InvalidParameterError(name, value, allowed)
    return number


def check_fraction(name: str, value, *, zero: bool = False) -> float:
    """A share strictly between 0 and 1 (or in [0, 1) with ``zero=True``)."""
    return check_real(name, value, 0.0, 1.0, low_open=not zero, high_open=True)


def check_choice(name: str, value, options: Iterable, *, allowed: str | None = None):
    """``value`` if it is one of ``options``, else an error listing them."""
    options = tuple(options)
    try:
        known = value in options
    except TypeError:  # an unhashable or incomparable value is not an option
        known = False
    if not known:
        raise InvalidParameterError(
            name, value, allowed or "one of " + ", ".join(map(str, options))
        )
    return value


def check_declared(declared, value, *, field: str | None = None):
    """Check a Python API argument against a field's declaration.

    The range is the field's ``api_bounds()`` (wider than the dashboard's where the engine
    allows more, e.g. any learning rate > 0); numbers are not snapped to a slider's grid and
    no compute cap applies. Integers must be integer types, hidden layers a sequence of them.

    Parameters
    ----------
    declared : reluscope.config.Field
        The declaration (kind, API bounds, options), e.g. ``reluscope.config.FIELDS[name]``.
    value : object
    field : str, optional
        The name the error gives (the keyword as the caller wrote it); default the field's.

    Returns
    -------
    object
        The value: an ``int``, a ``float``, the option, or a tuple of widths.

    Raises
    ------
    InvalidParameterError
    """
    field = field or declared.name
    low, high = declared.api_bounds()
    if declared.kind == "float":
        return check_real(field, value, low, high, low_open=declared.api_low_open)
    if declared.kind == "int":
        return check_integer(field, value, int(low), _whole(high), exact=True)
    if declared.kind == "layers":
        allowed = f"a non-empty sequence of whole numbers {_range_text(low, high)}"
        widths = tuple(value) if isinstance(value, (list, tuple)) else ()
        if not widths:
            raise InvalidParameterError(field, value, allowed)
        for width in widths:
            check_integer(field, width, int(low), _whole(high), exact=True, allowed=allowed)
        return tuple(int(width) for width in widths)
    if declared.kind == "choices":
        options = declared.choices()
        chosen = tuple(value) if isinstance(value, (list, tuple)) else ()
        if not chosen:
            raise InvalidParameterError(field, value, "a non-empty sequence of options")
        return tuple(dict.fromkeys(check_choice(field, item, options) for item in chosen))
    return check_choice(field, value, declared.choices())


def _whole(high: float) -> int | None:
    return None if math.isinf(high) else int(high)


def _range_text(low: float, high: float) -> str:
    return f"≥ {_bound(low)}" if math.isinf(high) else f"in [{_bound(low)}, {_bound(high)}]"


def renamed_keywords(
    function: str, given: Mapping[str, object], renames: Mapping[str, str]
) -> dict[str, tuple[str, object]]:
    """Keyword arguments given by an old name, under their new name, with a FutureWarning.

    Parameters
    ----------
    function : str
        The function's name, for the messages.
    given : mapping
        The keywords that the function's ``**kwargs`` caught.
    renames : mapping
        Old name → new name.

    Returns
    -------
    dict
        New name → (old name, value), so that an error can name the keyword as written.

    Raises
    ------
    TypeError
        For a keyword that is neither a parameter nor an old name, as Python would.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     renamed_keywords("compare", {"alpha": 0.1}, {"alpha": "l2_penalty"})
    {'l2_penalty': ('alpha', 0.1)}
    """
    renamed = {}
    for old, value in given.items():
        if old not in renames:
            raise TypeError(f"{function}() got an unexpected keyword argument {old!r}")
        new = renames[old]
        warnings.warn(
            f"{function}(): {old!r} is now called {new!r}; the old name will stop working",
            FutureWarning,
            stacklevel=3,
        )
        renamed[new] = (old, value)
    return renamed
