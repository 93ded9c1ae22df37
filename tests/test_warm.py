"""The server's warm-up: ``streamlit run`` serves both entry points through an ``st.App`` whose
start-up visits the home page in a session with no browser, before the first request."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest
from serving import REPO, SERVER_START_TIMEOUT, free_port, healthy, stop, streamlit_server
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.app_discovery import discover_asgi_app
from test_app import APP

from reluscope.resources import app_path
from reluscope.ui import warm

WARMED = "Warmed up in"
ENTRY_POINTS = pytest.mark.parametrize("script", [Path(APP), app_path()], ids=["root", "package"])


@pytest.fixture
def logged():
    """The warm-up's log records (Streamlit's loggers do not propagate to pytest's)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    warm._LOGGER.addHandler(handler)
    yield records
    warm._LOGGER.removeHandler(handler)


def _finished(status) -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = status
    return msg


def _exception(message: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.exception.type = "ValueError"
    msg.delta.new_element.exception.message = message
    return msg


def _alert(body: str, error: bool) -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.alert.body = body
    msg.delta.new_element.alert.format = 1 if error else 2  # Alert.ERROR, Alert.WARNING
    return msg


class FakeRuntime:
    """A runtime whose session answers a rerun request with ``replies``."""

    def __init__(self, *replies: ForwardMsg) -> None:
        self.replies = replies
        self.requests: list = []
        self.open: set[str] = set()

    def connect_session(self, client, user_info):
        self.client = client
        self.open.add("session")
        return "session"

    def handle_backmsg(self, session_id, msg):
        self.requests.append(msg.rerun_script.query_string)
        for reply in self.replies:
            self.client.write_forward_msg(reply)

    def close_session(self, session_id):
        self.open.discard(session_id)


def test_a_run_ends_at_its_finish_not_at_a_rerun():
    watcher = warm.RunWatcher()
    watcher.write_forward_msg(_finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN))
    assert not watcher.finished.is_set()
    watcher.write_forward_msg(_finished(ForwardMsg.FINISHED_SUCCESSFULLY))
    assert watcher.finished.is_set()


def test_the_watcher_records_exceptions_and_error_messages_only():
    watcher = warm.RunWatcher()
    shown = (_exception("bad value"), _alert("**Training failed.**", True), _alert("capped", False))
    for msg in shown:
        watcher.write_forward_msg(msg)
    assert watcher.errors == ["ValueError: bad value", "**Training failed.**"]


def _run(coroutine):
    """``asyncio.run`` on a thread of its own: a browser test's driver may have left an event
    loop running on this one, where ``asyncio.run`` refuses to start."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_visit_runs_the_app_without_settings_and_closes_its_session():
    runtime = FakeRuntime(_finished(ForwardMsg.FINISHED_SUCCESSFULLY))
    _run(warm.visit(runtime))
    assert runtime.requests == [""] and not runtime.open


def test_a_visit_that_shows_an_error_raises_it_and_closes_its_session():
    runtime = FakeRuntime(_exception("bad value"), _finished(ForwardMsg.FINISHED_SUCCESSFULLY))
    with pytest.raises(warm.HomePageError, match="ValueError: bad value"):
        _run(warm.visit(runtime))
    assert not runtime.open


def test_a_visit_cut_short_closes_its_session():
    runtime = FakeRuntime()  # the run never finishes

    async def cut_short():
        await asyncio.wait_for(warm.visit(runtime), 0.1)

    with pytest.raises(TimeoutError):
        _run(cut_short())
    assert runtime.requests == [""] and not runtime.open


def _serve(monkeypatch, visit) -> None:
    """Enter and leave :func:`warm.lifespan` with ``visit`` for the home page's visit."""
    from streamlit.runtime import Runtime

    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: "the runtime"))
    monkeypatch.setattr(warm, "visit", visit)
    served = []

    async def serve():
        async with warm.lifespan(None):
            served.append(True)

    _run(serve())
    assert served == [True]


def test_the_lifespan_visits_the_servers_runtime(monkeypatch, logged):
    visited = []

    async def visit(runtime):
        visited.append(runtime)

    _serve(monkeypatch, visit)
    assert visited == ["the runtime"]
    assert [r.levelno for r in logged] == [logging.INFO] and WARMED in logged[0].getMessage()


def test_a_failing_warm_up_is_logged_and_the_server_starts(monkeypatch, logged):
    async def failing(runtime):
        raise warm.HomePageError("**Training failed.** no data today")

    _serve(monkeypatch, failing)
    (record,) = logged
    assert record.levelno == logging.ERROR and "Warm-up failed" in record.getMessage()
    assert "no data today" in str(record.exc_info[1])


def test_a_warm_up_past_its_timeout_is_stopped_and_the_server_starts(monkeypatch, logged):
    cancelled = []

    async def stuck(runtime):
        try:
            await asyncio.sleep(3600)
        finally:
            cancelled.append(True)

    monkeypatch.setattr(warm, "WARM_UP_TIMEOUT", 0.1)
    _serve(monkeypatch, stuck)
    assert cancelled == [True]
    (record,) = logged
    assert record.levelno == logging.WARNING and "stopped" in record.getMessage()


@ENTRY_POINTS
def test_streamlit_run_finds_an_app_in_both_entry_points(script):
    found = discover_asgi_app(script)
    assert found.is_asgi_app and found.import_string == "app:app"


@ENTRY_POINTS
def test_each_entry_point_imported_by_streamlit_run_is_an_app_that_warms_up(script, monkeypatch):
    import streamlit as st
    from streamlit import config

    # an App records its script's folder for Streamlit's config files: undone after the test
    monkeypatch.setattr(config, "_main_script_path", config._main_script_path)
    monkeypatch.syspath_prepend(str(script.parent))
    spec = importlib.util.spec_from_file_location("app", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # as uvicorn imports it: a top-level module named "app"
    assert isinstance(module.app, st.App)
    assert module.app.script_path == script
    assert module.app._user_lifespan is warm.lifespan


def test_the_package_module_imported_as_such_defines_no_app():
    import reluscope.ui.app

    assert not hasattr(reluscope.ui.app, "app")


@pytest.mark.slow
def test_the_server_answers_its_health_check_only_once_warm(tmp_path):
    log_path = tmp_path / "streamlit.log"
    with streamlit_server(log_path):  # returns once the health check answers
        log = log_path.read_text()
    assert WARMED in log and "Warm-up failed" not in log, log[-3000:]


@pytest.mark.slow
def test_a_home_page_that_fails_is_logged_and_the_server_starts(tmp_path, monkeypatch):
    monkeypatch.setenv("RELUSCOPE_TRAINING_SLOTS", "many")  # the page's training fails
    log_path = tmp_path / "streamlit.log"
    with streamlit_server(log_path):
        log = log_path.read_text()
    assert "Warm-up failed" in log and "RELUSCOPE_TRAINING_SLOTS='many'" in log, log[-3000:]


@pytest.mark.slow
def test_reluscope_ui_warms_up_the_same_way(tmp_path):
    port = free_port()
    health = f"http://127.0.0.1:{port}/_stcore/health"
    log_path = tmp_path / "streamlit.log"
    command = [sys.executable, "-m", "reluscope", "ui", "--headless", "--port", str(port)]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not healthy(health):
            assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.25)
        assert WARMED in log_path.read_text(), log_path.read_text()[-3000:]
    finally:
        stop(server)
    assert not healthy(health)
