"""The one epoch bar of every page: URL key and its aliases, stepping, bounds, Play."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from reluscope.config import links
from reluscope.config.fields import EPOCH_ALIASES, EPOCH_KEY
from reluscope.ui import epoch

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 300
QUICK = {"epochs": "12", "n_samples": "120", "hidden_layers": "8x8"}
EPOCH_PAGES = ["compare", "units", "derivatives", "boundary"]


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({**QUICK, **(query or {})})
    at.run()
    if page != "compare":
        at.switch_page(f"reluscope/ui/pages/{page}.py").run()
    assert_healthy(at)
    return at


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def shown(at: AppTest) -> int:
    return at.slider(key=EPOCH_KEY).value


def playing(at: AppTest) -> bool:
    return (
        bool(at.session_state["reluscope.epoch.playing"])
        if ("reluscope.epoch.playing" in at.session_state)
        else False
    )


def test_link_epoch_reads_the_epoch_key_before_the_older_per_page_keys():
    assert links.link_epoch({}) is None
    assert links.link_epoch({"units_epoch": "4"}) == "4"
    assert links.link_epoch({"derivatives_epoch": ["2", "6"]}) == "6"
    assert links.link_epoch({"boundary_epoch": "1", EPOCH_KEY: "9"}) == "9"
    assert set(EPOCH_ALIASES) == {"units_epoch", "derivatives_epoch", "boundary_epoch"}


@pytest.mark.parametrize(
    ("speed", "interval", "step"), [(1, 1.0, 1), (2, 0.5, 1), (4, 0.25, 1), (20, 0.25, 5)]
)
def test_frames_run_at_the_speed_asked_and_never_faster_than_the_minimum_frame(
    speed, interval, step
):
    plan = epoch.frames_for(speed)
    assert plan == epoch.Frames(interval, step)
    assert plan.interval >= epoch.MIN_FRAME_SECONDS
    assert plan.step / plan.interval == pytest.approx(speed, rel=0.25)


@pytest.mark.parametrize("page", EPOCH_PAGES)
def test_every_page_with_a_state_at_an_epoch_has_the_bar_at_the_last_epoch(page):
    at = open_page(page)
    assert shown(at) == 12
    assert at.slider(key=EPOCH_KEY).max == 12 and at.slider(key=EPOCH_KEY).min == 0
    for key in ("epoch_back", "epoch_play", "epoch_forward"):
        assert at.button(key=key)
    assert at.selectbox(key=epoch.SPEED_KEY).value == epoch.DEFAULT_SPEED
    assert at.button(key="epoch_forward").disabled  # nothing after the last epoch


@pytest.mark.parametrize(("alias", "page"), [
    ("units_epoch", "units"), ("derivatives_epoch", "derivatives"),
    ("boundary_epoch", "boundary"), (EPOCH_KEY, "compare"), (EPOCH_KEY, "units"),
])  # fmt: skip
def test_a_link_opens_its_epoch_under_the_new_key_and_the_old_ones(alias, page):
    at = open_page(page, {alias: "5"})
    assert shown(at) == 5
    assert alias == EPOCH_KEY or alias not in at.query_params  # the link now says `epoch`


def test_stepping_moves_one_epoch_within_the_bounds_and_writes_the_url():
    at = open_page("units", {EPOCH_KEY: "1"})
    at.button(key="epoch_back").click().run()
    assert_healthy(at)
    assert shown(at) == 0 and at.button(key="epoch_back").disabled
    at.button(key="epoch_forward").click().run()
    at.button(key="epoch_forward").click().run()
    assert_healthy(at)
    assert shown(at) == 2 and at.query_params[EPOCH_KEY] == "2"
    # the epoch is the same one on every page
    at.switch_page("reluscope/ui/pages/boundary.py").run()
    assert_healthy(at)
    assert shown(at) == 2


@pytest.mark.parametrize(("raw", "expected", "notice"), [
    ("999", 12, "past the last epoch trained (12)"), ("-3", 12, "not an epoch"),
    ("soon", 12, "not an epoch"),
])  # fmt: skip
def test_a_link_past_the_epochs_trained_or_malformed_says_so(raw, expected, notice):
    at = open_page("units", {"units_epoch": raw})
    assert shown(at) == expected
    assert any(w.value.startswith("epoch: ") and notice in w.value for w in at.warning)


def test_play_advances_through_the_history_without_retraining_and_stops_at_the_end(monkeypatch):
    import reluscope.experiment

    calls = []
    original = reluscope.experiment.compare
    monkeypatch.setattr(
        reluscope.experiment, "compare", lambda *a, **k: (calls.append(1), original(*a, **k))[1]
    )
    at = open_page("units", {EPOCH_KEY: "12"})
    at.selectbox(key=epoch.SPEED_KEY).set_value(2).run()  # one epoch a frame
    at.button(key="epoch_play").click().run()  # from the last epoch Play starts over
    assert_healthy(at)
    assert playing(at) and shown(at) <= 2
    seen = [shown(at)]
    for _ in range(20):  # each run stands for one timer tick of the fragment
        if not playing(at):
            break
        at.run()
        assert_healthy(at)
        seen.append(shown(at))
    assert seen == sorted(seen) and seen[-1] == 12 and len(set(seen)) >= 10
    assert not playing(at)
    assert len(calls) == 1  # trained once, for the first run


def test_pause_and_a_step_stop_play():
    at = open_page("derivatives", {EPOCH_KEY: "0"})
    at.button(key="epoch_play").click().run()
    assert playing(at)
    at.button(key="epoch_play").click().run()
    assert not playing(at)
    paused_at = shown(at)
    at.run()
    assert shown(at) == paused_at
    at.button(key="epoch_play").click().run()
    at.button(key="epoch_back").click().run()
    assert_healthy(at)
    assert not playing(at)
