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


def test_the_working_memory_estimate_matches_what_a_training_allocates():
    import tracemalloc

    from reluscope.config import budget
    from reluscope.datasets import make_dataset
    from reluscope.experiment import compare

    settings_ = dataclasses.replace(
        DEFAULTS, hidden_layers=(64, 64, 64), n_samples=1000, n_seeds=3, batch_size=128, epochs=3
    )
    data = make_dataset("moons", n_samples=settings_.n_samples, random_state=0)
    tracemalloc.start()
    try:
        compare(data, **settings_.run_arguments())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    working = budget.estimate_working(settings_)
    # what a run keeps is held twice at its end: the records, and the history built from them
    kept = 2 * 8 * config.estimate_stored(settings_)
    assert 0.7 * (working + kept) < peak < 1.5 * (working + kept), (peak, working, kept)


def test_the_working_memory_cap_lowers_the_seeds_to_the_most_that_fit():
    from reluscope.config import budget

    settings_ = dataclasses.replace(
        DEFAULTS, hidden_layers=(64,) * 4, n_samples=2000, n_seeds=5, batch_size=512
    )
    full = budget.estimate_working(settings_)
    for n_seeds in (1, 2, 3, 4):
        fewer = dataclasses.replace(settings_, n_seeds=n_seeds)
        cap = budget.estimate_working(fewer)
        capped, notice = budget.cap_working(settings_, max_working=cap)
        assert capped == fewer
        assert notice.field == "n_seeds" and notice.value == 5 and notice.cap == "max_working"
        assert f"about {full / 2**20:.0f} MB" in notice.message
        assert f"cap of {cap / 2**20:.0f} MB" in notice.message
    # one seed is always trained, and a run within the cap is left alone
    assert budget.cap_working(settings_, max_working=1)[0].n_seeds == 1
    assert budget.cap_working(settings_, max_working=full) == (settings_, None)
