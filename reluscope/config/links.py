"""Shareable links: the settings as URL query parameters, with the schema version they follow.

Streamlit leaves a widget's value out of the address bar while it equals the widget's default,
so a link says nothing about the fields left at their default. Every link therefore carries
the settings-schema version (``v``) and is read against the defaults of that version: a link
made before a default changed opens the view it showed then. A link without ``v`` was made
before versions existed: version 1, whose defaults are frozen in :data:`DEFAULTS_BY_VERSION`.

Changing a default means adding a version: append the new defaults to
:data:`DEFAULTS_BY_VERSION` and bump :data:`SCHEMA_VERSION` (a test checks that the newest
version holds today's defaults).

>>> link_version({"hidden_layers": "8x8"}), link_version({"v": "1", "seeds": "3"})
(1, 1)
>>> read_link({"v": "1", "seeds": "3"})
{'n_seeds': '3'}
>>> link_query(DEFAULTS)
{'v': '1'}
"""

from __future__ import annotations

from collections.abc import Mapping

from reluscope.config.coercion import Notice
from reluscope.config.fields import CAPS, EPOCH_ALIASES, EPOCH_KEY, FIELDS, Caps
from reluscope.config.settings import DEFAULTS, Settings, canonical_keys, validate

__all__ = [
    "DEFAULTS_BY_VERSION",
    "SCHEMA_VERSION",
    "VERSION_KEY",
    "link_epoch",
    "link_query",
    "link_version",
    "open_link",
    "read_link",
]

VERSION_KEY = "v"

# The defaults each schema version was made with, as a link writes them. Frozen: a past
# version is never edited, since links made under it rely on it.
DEFAULTS_BY_VERSION: dict[int, dict[str, str | list[str]]] = {
    1: {
        "dataset": "moons",
        "n_samples": "300",
        "noise": "0.2",
        "hidden_layers": "32x32",
        "activations": ["relu", "leaky_relu", "tanh", "sigmoid"],
        "negative_slope": "0.01",
        "bias_offset": "0",
        "init": "he_normal",
        "solver": "sgd",
        "learning_rate": "0.05",
        "batch_size": "32",
        "epochs": "100",
        "seed": "0",
        "n_seeds": "1",
    },
}

SCHEMA_VERSION = 1


def _last(raw):
    if isinstance(raw, (list, tuple)):
        return raw[-1] if raw else ""
    return raw


def link_version(query: Mapping[str, object]) -> int:
    """The schema version a link was made with: 1 without ``v``; the current version when
    ``v`` names none that is known (a garbled key, or a link from a newer release)."""
    if VERSION_KEY not in query:
        return 1
    text = str(_last(query[VERSION_KEY])).strip()
    version = int(text) if text.isdecimal() and len(text) < 6 else None
    return version if version in DEFAULTS_BY_VERSION else SCHEMA_VERSION


def read_link(query: Mapping[str, object]) -> dict[str, object]:
    """Field name → raw value that a link means, its version's defaults filled in.

    Parameters
    ----------
    query : mapping
        URL query parameters (a value may be a list, for a repeated key); older keys such as
        ``seeds`` count as their field.

    Returns
    -------
    dict
        The link's own values, plus, for a link of an older version, that version's default
        of every field the link leaves out; ready for :func:`~reluscope.config.validate`.
    """
    raw = canonical_keys(query)
    version = link_version(query)
    if version != SCHEMA_VERSION:
        for name, value in DEFAULTS_BY_VERSION[version].items():
            if name in FIELDS:
                raw.setdefault(name, value)
    return raw


def open_link(
    query: Mapping[str, object], *, caps: Caps | None = CAPS
) -> tuple[Settings, list[Notice]]:
    """The settings a link opens, and a notice for every value that had to be corrected."""
    return validate(read_link(query), caps=caps)


def link_query(settings: Settings = DEFAULTS) -> dict[str, str | list[str]]:
    """The query parameters of a link to ``settings``: the schema version, then the fields
    that differ from today's defaults.

    >>> from dataclasses import replace
    >>> link_query(replace(DEFAULTS, n_seeds=3))
    {'v': '1', 'n_seeds': '3'}
    """
    return {VERSION_KEY: str(SCHEMA_VERSION), **settings.to_query()}


def link_epoch(query: Mapping[str, object]) -> str | None:
    """The raw epoch a link asks to show: ``epoch``, else an older per-page key
    (``units_epoch``, ``derivatives_epoch``, ``boundary_epoch``), else ``None``.

    >>> link_epoch({"boundary_epoch": "7"}), link_epoch({"epoch": ["3"], "units_epoch": "9"})
    ('7', '3')
    """
    for key in (EPOCH_KEY, *EPOCH_ALIASES):
        if key in query:
            return str(_last(query[key]))
    return None
