"""Admission control, kept running: at most a few trainings at once, one per key, and a cached
result that never waits (``reluscope.ui.gate``).

The hosted audit found memory growing with every simultaneous session (8 near-cap sessions:
3.6 GB); the gate bounds how many trainings hold their working memory at the same time.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, QUICK, TIMEOUT, assert_healthy, clear_caches

from reluscope.errors import InvalidParameterError
from reluscope.ui import gate, lab_services
from reluscope.ui.gate import SLOTS_VARIABLE, TrainingGate, training_gate, training_slots


def run_threads(target, n: int) -> list[threading.Thread]:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    return threads


def wait_until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_at_most_slots_trainings_run_at_once_and_the_others_say_they_wait():
    slots = TrainingGate(2)
    lock, running, most, messages = threading.Lock(), [0], [0], []

    def train(_):
        with slots.slot(messages.append, poll=0.02):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.15)
            with lock:
                running[0] -= 1

    for thread in run_threads(train, 6):
        thread.join()
    assert most[0] == 2
    assert slots.running == slots.waiting == 0
    assert messages and all(
        m.startswith("Waiting for a free training slot (2 running") for m in messages
    )
    assert any("more waiting" in m for m in messages)  # six sessions: some wait behind others


def test_a_session_stopped_while_it_waits_takes_no_slot():
    slots = TrainingGate(1)

    def stop(_message):
        raise RuntimeError("the user left")

    with slots.slot():
        with pytest.raises(RuntimeError, match="left"):
            with slots.slot(stop, poll=0.01):
                pass  # never reached: the wait ends in on_wait
        assert slots.waiting == 0 and slots.running == 1
    with slots.slot():  # the slot held above came back; no phantom slot was taken
        assert slots.running == 1


def test_sessions_asking_for_the_same_training_wait_for_one_result():
    slots, built, results, messages = TrainingGate(4), [], [], []
    store: dict = {}

    def build():
        built.append(1)
        time.sleep(0.3)
        store["key"] = object()
        return store["key"]

    def ask(_):
        results.append(slots.once("key", build, lambda: store.get("key"), messages.append, 0.02))

    for thread in run_threads(ask, 4):
        thread.join()
    assert len(built) == 1
    assert len(results) == 4 and all(result is store["key"] for result in results)
    assert any(m.startswith("Waiting for the same training") for m in messages)


def test_a_result_that_was_not_kept_is_built_again_by_the_waiting_session():
    slots, built = TrainingGate(4), []
    entered = threading.Event()

    def build():
        entered.set()
        built.append(threading.get_ident())
        time.sleep(0.1)
        return "trained"

    first = threading.Thread(target=lambda: slots.once("key", build, dict().get))
    first.start()
    entered.wait(5)
    assert slots.once("key", build, lambda: None) == "trained"
    first.join()
    assert len(built) == 2 and len(set(built)) == 2


def test_the_slots_default_to_the_cores_and_the_variable_sets_them(monkeypatch):
    monkeypatch.delenv(SLOTS_VARIABLE, raising=False)
    assert training_slots() == len(os.sched_getaffinity(0))
    monkeypatch.setenv(SLOTS_VARIABLE, " 3 ")
    assert training_slots() == 3


@pytest.mark.parametrize("raw", ["0", "-2", "many", "2.5", "1e9", str(gate.MAX_SLOTS + 1)])
def test_a_bad_slot_count_is_refused_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(SLOTS_VARIABLE, raw)
    with pytest.raises(InvalidParameterError) as caught:
        training_slots()
    error = caught.value
    assert error.field == SLOTS_VARIABLE and SLOTS_VARIABLE in str(error)
    assert f"[1, {gate.MAX_SLOTS}]" in str(error)


def run_in_thread(at: AppTest) -> threading.Thread:
    thread = threading.Thread(target=at.run)
    thread.start()
    return thread


@pytest.fixture
def one_slot(monkeypatch):
    """A fresh server gate of one slot."""
    clear_caches()
    monkeypatch.setenv(SLOTS_VARIABLE, "1")
    held = training_gate()
    assert held.slots == 1
    yield held
    clear_caches()


def test_a_session_waits_for_a_slot_then_trains_and_a_cached_result_never_waits(one_slot):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(QUICK)
    with one_slot.slot():  # another session's training holds the only slot
        thread = run_in_thread(at)
        wait_until(lambda: one_slot.waiting == 1)
        time.sleep(0.3)
        assert thread.is_alive()  # still waiting: it did not train beside the other one
    thread.join(TIMEOUT)
    assert_healthy(at)
    charts = len(at.get("vega_lite_chart"))
    assert charts >= 3  # loss, score and off-units at least: it trained and drew
    # the same settings again, every slot taken: served from the cache, without waiting
    with one_slot.slot():
        again = AppTest.from_file(APP, default_timeout=60)
        again.query_params.update(QUICK)
        again.run()
        assert one_slot.waiting == 0
    assert_healthy(again)
    assert len(again.get("vega_lite_chart")) == charts


def test_the_labs_live_sweep_takes_a_slot_too(one_slot):
    request = lab_services.live_sweep_request(["relu"], "0", "0.05", 1, 2)
    swept = []
    with one_slot.slot():
        thread = threading.Thread(target=lambda: swept.append(lab_services._live_sweep(request)))
        thread.start()
        wait_until(lambda: one_slot.waiting == 1)
        assert not swept
    thread.join(TIMEOUT)
    (runs,) = swept
    assert len(runs) == request.n_runs
