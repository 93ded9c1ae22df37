"""How long the dashboard makes a user wait, for the default view of the Compare page.

Measured, printed, never asserted (the machine is shared and noisy; ``reluscope bench`` holds
the targets). Each test asserts only that every step happens without an exception:

- in a real browser, against a fresh ``streamlit run app.py``: the first chart after a cold
  start, a retrain after a bias-offset change, a rerun that trains nothing (a view option), and
  one Play frame where the page has the epoch bar's Play control (the server answers its
  health check once it has warmed up, ``reluscope.ui.warm``: its start-up time includes that);
- through AppTest: a retraining settings change and a rerun that retrains nothing, each as a
  ratio to the training it waits for (medians of interleaved rounds).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from serving import REPO
from test_app import APP, TIMEOUT, assert_healthy, clear_caches
from test_browser import chromium_path  # noqa: F401  (a fixture)


def _print(capsys, label: str, value: str) -> None:
    with capsys.disabled():
        print(f"\n[latency] {label}: {value}")


# the browser part runs in a child process: its own Playwright (a session may already run
# one for the other browser tests) and its own cold server
_BROWSER_SCRIPT = """
import sys, time
sys.path.insert(0, sys.argv[2])
from playwright.sync_api import sync_playwright
from serving import CHROMIUM_FLAGS, streamlit_server
from test_browser import (VIEWPORT, assert_healthy, chart_fingerprints, chart_under,
                          sidebar_widget, wait_for_chart_change, wait_idle)

chromium = sys.argv[1]

def say(label, start):
    print(f"[latency] {label}: {time.perf_counter() - start:.2f} s", flush=True)

started = time.perf_counter()
with streamlit_server() as server:
    url = server.url
    say("server healthy after start", started)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=list(CHROMIUM_FLAGS))
        page = browser.new_page(viewport=VIEWPORT)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(f"page error: {error}"))
        page.set_default_timeout(300_000)
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("[data-testid=stVegaLiteChart] svg, canvas")
        say("first chart after a cold start", start)
        wait_idle(page, 3)
        say("every chart of the cold first page", start)

        before = chart_fingerprints(page)
        bias = sidebar_widget(page, "stSlider", "Bias offset").get_by_role("slider")
        bias.focus()
        start = time.perf_counter()
        bias.press("PageDown")
        wait_for_chart_change(page, before, 2)
        say("retrain after a bias change", start)
        wait_idle(page, 3)

        before = chart_fingerprints(page)
        start = time.perf_counter()
        page.get_by_text("Log scale", exact=True).click()
        wait_for_chart_change(page, before, 0)
        say("cached rerun (loss log scale)", start)
        wait_idle(page, 3)

        # the page opens on the last epoch, so the epoch bar's Step back is the frame to time
        step = page.locator(".st-key-epoch_back button")
        if step.count():
            loss = chart_under(page, "Loss")
            drawn = loss.inner_html()
            start = time.perf_counter()
            step.first.click()
            page.wait_for_function("([chart, before]) => chart.innerHTML !== before",
                                   arg=[loss.element_handle(), drawn], polling=20)
            say("one Play frame (step back)", start)
        else:
            print("[latency] one Play frame: no Play control on this page", flush=True)
        assert_healthy(page)
        browser.close()
"""


@pytest.mark.browser
@pytest.mark.slow
def test_default_view_latency_in_a_browser(chromium_path, capsys):  # noqa: F811
    """Cold start to first chart, a retrain, a cached view change and a Play frame."""
    tests = str(Path(__file__).resolve().parent)
    result = subprocess.run(
        [sys.executable, "-c", _BROWSER_SCRIPT, chromium_path, tests],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    for line in result.stdout.splitlines():
        if line.startswith("[latency]"):
            _print(capsys, *line.removeprefix("[latency] ").split(": ", 1))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]


def _run_timed(at, training_seconds) -> tuple[float, float]:
    """Seconds of ``at.run()`` and of the trainings it did."""
    before = sum(training_seconds)
    start = time.perf_counter()
    at.run()
    total = time.perf_counter() - start
    assert_healthy(at)
    return total, sum(training_seconds) - before


def test_default_view_latency_through_apptest(monkeypatch, capsys):
    """A retraining change over the training alone (target ≤ 1.3×), a rerun that retrains
    nothing over the default training (target ≤ 0.25×)."""
    from streamlit.testing.v1 import AppTest

    from reluscope.ui import services

    clear_caches()
    training_seconds: list[float] = []
    original = services._train

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            training_seconds.append(time.perf_counter() - start)

    monkeypatch.setattr(services, "_train", timed)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    cold, default_training = _run_timed(at, training_seconds)
    _print(capsys, "AppTest cold first run", f"{cold:.2f} s (training {default_training:.2f} s)")
    change, rerun, view = [], [], []
    # a new value each round, none the default (-2): a real retrain
    for offset in (-0.5, -1.0, -1.5, -2.5, -3.0):
        at.slider(key="bias_offset").set_value(offset)
        total, trained = _run_timed(at, training_seconds)
        assert trained > 0
        change.append(total / trained)
        total, trained = _run_timed(at, training_seconds)  # the same settings again
        assert trained == 0
        rerun.append(total / default_training)
        at.toggle(key="log_loss").set_value(not at.toggle(key="log_loss").value)
        total, trained = _run_timed(at, training_seconds)
        assert trained == 0
        view.append(total / default_training)
    _print(
        capsys,
        "AppTest settings change that retrains, over the training alone (target <= 1.3)",
        f"{statistics.median(change):.2f}x",
    )
    _print(
        capsys,
        "AppTest rerun that retrains nothing, over the default training (target <= 0.25)",
        f"{statistics.median(rerun):.2f}x (a view option: {statistics.median(view):.2f}x)",
    )
