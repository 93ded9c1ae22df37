"""The settings the lessons start from, written out in full so a change of defaults keeps them."""

from __future__ import annotations

from reluscope.config import Settings, validate
from reluscope.errors import InvalidParameterError

__all__ = ["STORY_BASE", "story_settings"]

# moons at the dashboard's first defaults: small enough that a lesson trains in well under 2 s
STORY_BASE = {
    "dataset": "moons",
    "n_samples": 300,
    "noise": 0.2,
    "hidden_layers": (32, 32),
    "activations": ("relu", "leaky_relu", "tanh", "sigmoid"),
    "negative_slope": 0.01,
    "bias_offset": 0.0,
    "init": "he_normal",
    "solver": "sgd",
    "learning_rate": 0.05,
    "batch_size": 32,
    "epochs": 100,
    "seed": 0,
    "n_seeds": 1,
}


def story_settings(**changes) -> Settings:
    """:data:`STORY_BASE` with ``changes``, validated strictly against the schema and its caps
    (a lesson's link must open exactly these settings)."""
    settings, notices = validate({**STORY_BASE, **changes}, strict=True)
    if notices:  # a cap changed a value: the link would open other settings
        notice = notices[0]
        raise InvalidParameterError(notice.field, changes.get(notice.field), notice.message)
    return settings
