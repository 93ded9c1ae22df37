"""Checks of values against the field table, by field name: the Python API's and the command
line's view of :data:`~reluscope.config.FIELDS` (the dashboard corrects instead, with notices).

>>> check_argument("learning_rate", 2.0), check_argument("hidden_layers", [8, 8])
(2.0, (8, 8))
>>> check_field("learning_rate", 0.05)
0.05
"""

from __future__ import annotations

from reluscope.config.coercion import coerce
from reluscope.config.fields import declared
from reluscope.errors import InvalidParameterError
from reluscope.validation import check_declared

__all__ = ["check_argument", "check_field"]


def check_argument(name: str, value, *, field: str | None = None):
    """Check a Python API argument against the declaration of field ``name``.

    The range is the field's ``api_bounds()`` (wider than the dashboard's where the engine
    allows more, e.g. any learning rate > 0); numbers are not snapped to a slider's grid and
    no compute cap applies (see :func:`reluscope.validation.check_declared`).

    Parameters
    ----------
    name : str
        A key of :data:`~reluscope.config.FIELDS` or :data:`~reluscope.config.API_FIELDS`.
    value : object
    field : str, optional
        The name the error gives (the keyword as the caller wrote it); default ``name``.
    """
    return check_declared(declared(name), value, field=field or name)


def check_field(name: str, value, *, field: str | None = None):
    """Check ``value`` against the range that :data:`~reluscope.config.FIELDS` declares.

    Raises :class:`~reluscope.errors.InvalidParameterError` naming ``field`` (default
    ``name``) instead of correcting the value, as the command line wants.
    """
    try:
        return coerce(name, value, caps=None, strict=True)[0]
    except InvalidParameterError as error:
        if field is None or field == name:
            raise
        raise InvalidParameterError(field, value, error.allowed) from None
