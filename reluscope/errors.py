"""Errors a user can act on: every one is a ``ValueError`` naming what was wrong."""

from __future__ import annotations

__all__ = ["DatasetError", "InvalidParameterError"]


class InvalidParameterError(ValueError):
    """A setting has a value outside what is allowed.

    Attributes
    ----------
    field : str
        The parameter (or settings field) name, as the user wrote it.
    value : object
        The offending value.
    allowed : str
        A short description of what is allowed, e.g. ``"a float in [0, 1]"``.
    """

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}={value!r} is not allowed; expected {allowed}.")

    def __reduce__(self):  # pickles (process pools, dask) rebuild it from its three fields
        return type(self), (self.field, self.value, self.allowed)


class DatasetError(ValueError):
    """A dataset could not be made or loaded; the message says why and what to do.

    Attributes
    ----------
    field : str
        What was wrong, as the user knows it: a settings field (``"dataset"``,
        ``"n_samples"``), a loader argument (``"target"``) or ``"file"`` for the data itself.
    value : object
        The offending value (None when the whole file is at fault).
    """

    def __init__(self, message: str, *, field: str = "dataset", value: object = None) -> None:
        self.field = field
        self.value = value
        super().__init__(message)
