"""Playback in a real browser: the epoch bar steps and plays the recorded history, the drawn
network changes, and no page shows an exception.

Chromium and Playwright as in ``test_browser.py`` (skipped loudly without them, a failure when
``RELUSCOPE_E2E=required``). The time of one Play frame's redraw is measured and printed —
never asserted: this machine is shared and noisy. Screenshots of Units and Compare at
1440×900 and 390×844 go to a temporary folder whose path is printed.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from serving import CHROMIUM_FLAGS, ServerStartError, streamlit_server
from test_browser import chromium_path  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUN_TIMEOUT_MS = 300_000
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
STEPS = 8  # Step-forward clicks timed for the redraw figure
EPOCHS = 300  # long enough that Play is still running when the test pauses it on a slow machine

# the run finished, the page has its title, and every chart is drawn
IDLE = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (!document.querySelector('[data-testid=stMain] h1')) return false;
  const charts = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
  return charts.length > 0 && charts.every(c => c.querySelector('svg, canvas'));
}"""
# what the epoch bar shows, and a fingerprint of every drawn network panel
EPOCH = """() => {
  const slider = document.querySelector('.st-key-epoch input[type=range]');
  return slider ? Number(slider.value) : null;
}"""
NETWORK = """() => [...document.querySelectorAll('.st-key-network [data-testid=stVegaLiteChart]')]
  .map(c => { const d = c.querySelector('svg, canvas');
    if (!d) return '';
    const t = d.tagName === 'CANVAS' ? d.toDataURL() : d.outerHTML;
    let h = 0; for (let i = 0; i < t.length; i++) h = (h * 31 + t.charCodeAt(i)) | 0;
    return t.length + ':' + h; }).join('|')"""
PATHS = """() => [...document.querySelectorAll('.st-key-epoch_play')].map(e => {
  const path = [];
  for (let p = e; p; p = p.parentElement)
    path.push((p.dataset.testid || p.tagName) + (p.dataset.stale === 'true' ? '[stale]' : '')
      + [...p.classList].filter(c => c.startsWith('st-key')).join());
  return path.join(' < '); })"""
# click Step forward, then time until the bar shows the next epoch, the run is over and the
# network is redrawn; the canvases' fingerprint (a PNG encoding each) is taken last, once the
# rest holds, or the measuring itself would slow every animation frame of the redraw
TIMED_STEP = f"""async () => {{
  const epoch = ({EPOCH})(), network = ({NETWORK})();
  const start = performance.now();
  document.querySelector('.st-key-epoch_forward button:last-of-type').click();
  while (true) {{
    await new Promise(r => requestAnimationFrame(r));
    if (({EPOCH})() === epoch + 1 && ({IDLE})() && ({NETWORK})() !== network)
      return performance.now() - start;
    if (performance.now() - start > 60000) return -1;
  }}
}}"""


@pytest.fixture(scope="module")
def app_url(chromium_path, tmp_path_factory):  # noqa: F811  (the fixture imported above)
    """A server of this module's own (a cold one: Play must not lean on another's caches)."""
    log_path = tmp_path_factory.mktemp("streamlit-playback") / "streamlit.log"
    try:
        with streamlit_server(log_path) as server:
            yield server.url
    except ServerStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def browser(chromium_path, playwright_driver):  # noqa: F811  (the fixture imported above)
    browser = playwright_driver.chromium.launch(
        executable_path=chromium_path, headless=True, args=list(CHROMIUM_FLAGS)
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("playback-screenshots")
    print(f"\nplayback screenshots: {folder}")
    return folder


def new_page(browser, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(f"page error: {error}"))
    page.set_default_timeout(RUN_TIMEOUT_MS)
    return page


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".st-key-epoch_bar .st-key-epoch")
    page.wait_for_function(IDLE, polling=50)
    page.wait_for_timeout(300)
    page.wait_for_function(IDLE, polling=50)


def assert_healthy(page) -> None:
    exceptions = page.locator("[data-testid=stException]")
    assert exceptions.count() == 0, exceptions.all_inner_texts()
    errors = page.locator("[data-testid=stAlertContentError]")
    assert errors.count() == 0, errors.all_inner_texts()
    assert page.errors == []


def epoch_shown(page) -> int:
    return page.evaluate(EPOCH)


def network_drawn(page) -> str:
    return page.evaluate(NETWORK)


def test_play_advances_the_epoch_and_redraws_the_network(browser, app_url, screenshots, capsys):
    page = new_page(browser, "desktop")
    open_page(page, f"{app_url}/units?epoch=0&bias_offset=-1.5&epochs={EPOCHS}")
    assert_healthy(page)
    assert epoch_shown(page) == 0
    first = network_drawn(page)
    assert first.count("|") == 3  # a panel per activation

    # Step forward: one epoch at a time, each a fragment rerun; the redraw is timed
    timings = [page.evaluate(TIMED_STEP) for _ in range(STEPS)]
    assert all(t > 0 for t in timings), timings
    assert epoch_shown(page) == STEPS and network_drawn(page) != first
    assert_healthy(page)

    # Play: the epoch keeps advancing by itself, the network changes, nothing retrains
    page.wait_for_timeout(1500)
    page.wait_for_function(IDLE, polling=50)
    assert page.locator(".st-key-epoch_bar").count() == 1, page.evaluate(PATHS)  # one bar
    before = network_drawn(page)
    page.locator(".st-key-epoch_play button").first.click()
    seen, changes, deadline = {epoch_shown(page)}, 0, time.monotonic() + 60
    while len(seen) < 6 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        seen.add(epoch_shown(page))
        if len(seen) == 3:
            page.screenshot(path=screenshots / "units-desktop-playing.png")
        drawn = network_drawn(page)
        changes += drawn != before
        before = drawn
    assert len(seen) >= 6, seen
    assert max(seen) > STEPS and changes >= 2
    page.locator(".st-key-epoch_play button").first.click()  # Pause
    page.wait_for_function(IDLE, polling=50)
    # a frame already on its way may still land after the click: wait for the bar to settle
    paused, deadline = epoch_shown(page), time.monotonic() + 20
    while time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        if (now := epoch_shown(page)) == paused:
            break
        paused = now
    page.wait_for_timeout(1500)
    assert epoch_shown(page) == paused  # paused: the epoch no longer moves
    # the address bar holds the epoch shown; the last epoch is the default, left out of it
    assert (f"epoch={paused}" in page.url) if paused < EPOCHS else ("epoch=" not in page.url)
    assert_healthy(page)
    with capsys.disabled():
        print(
            f"\n[browser timing] Play frame redraw (Step forward -> next epoch drawn, Units, "
            f"default 32x32 network, 4 activations): median {statistics.median(timings):.0f} ms, "
            f"min {min(timings):.0f} ms, max {max(timings):.0f} ms over {STEPS} frames"
        )
    page.context.close()


def test_a_compare_frame_redraws_the_curves_cursors_and_the_network(browser, app_url, capsys):
    page = new_page(browser, "desktop")
    open_page(page, f"{app_url}/?epoch=0&bias_offset=-1.5&epochs={EPOCHS}")
    assert_healthy(page)
    first = network_drawn(page)
    timings = [page.evaluate(TIMED_STEP) for _ in range(STEPS)]
    assert all(t > 0 for t in timings), timings
    assert epoch_shown(page) == STEPS and network_drawn(page) != first
    assert_healthy(page)
    with capsys.disabled():
        print(
            f"\n[browser timing] Play frame redraw (Step forward -> next epoch drawn, Compare, "
            f"default 32x32 network, 4 activations: 4 curve panels with cursors, 4 networks): "
            f"median {statistics.median(timings):.0f} ms, min {min(timings):.0f} ms, "
            f"max {max(timings):.0f} ms over {STEPS} frames"
        )
    page.context.close()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", ["units", "compare"])
def test_units_and_compare_show_the_network_with_the_epoch_bar(
    browser, app_url, screenshots, name, size
):
    page = new_page(browser, size)
    open_page(page, f"{app_url}/{name if name != 'compare' else ''}?bias_offset=-1.5&epoch=20")
    assert_healthy(page)
    assert epoch_shown(page) == 20
    assert network_drawn(page).count("|") == 3
    bar = page.locator(".st-key-epoch_bar")
    bar.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    assert bar.is_visible()
    width, _ = SIZES[size]
    for part in (bar, page.locator(".st-key-network")):
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width  # nothing past the edge
    page.screenshot(path=screenshots / f"{name}-{size}-bar.png")
    page.locator(".st-key-network").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / f"{name}-{size}-network.png")
    page.context.close()
