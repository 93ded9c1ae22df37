"""reluscope.config.budget: the work estimate and the compute caps of the hosted demo."""

from __future__ import annotations

import dataclasses

from test_config_coercion import within_caps

from reluscope import config
from reluscope.config import CAPS, DEFAULTS, validate


def test_the_default_view_is_cheap():
    # the default view must retrain in well under a second: keep it far below the budget
    assert config.estimate_work(DEFAULTS) < CAPS.max_work / 4


def test_the_work_cap_reduces_epochs_and_says_so():
    raw = {"hidden_layers": "64x64x64", "n_samples": "2000", "seeds": "2", "epochs": "500"}
    settings_, notices = validate(raw)
    assert settings_.epochs < 500 and within_caps(settings_)
    (notice,) = [n for n in notices if n.cap in ("max_work", "max_stored")]
    assert notice.field == "epochs" and notice.cap in notice.message
    # more features cost more work, so fewer epochs fit
    wider, _ = config.cap_work(dataclasses.replace(settings_, epochs=500), n_features=30)
    assert wider.epochs < settings_.epochs


def test_the_memory_cap_bounds_what_a_run_keeps():
    raw = {"hidden_layers": "64x64x64x64", "n_samples": "50", "seeds": "5", "epochs": "500",
           "activations": "relu,tanh,sigmoid,elu,gelu,silu"}  # fmt: skip
    settings_, notices = validate(raw)
    assert (
        config.estimate_stored(settings_)
        <= CAPS.max_stored
        < config.estimate_stored(dataclasses.replace(settings_, epochs=settings_.epochs + 1))
    )
    assert [n.cap for n in notices if n.field == "epochs"] == ["max_stored"]
