"""The Lessons page in a real browser: open it, click each lesson's "show me", and check that
its evidence charts and verdict appear with no exception; a classroom link hides the settings
its lesson keeps fixed until "Show all settings". Screenshots at 1440×900 and 390×844 go to
the temporary folder whose path is printed.

Uses the server and helpers of ``test_browser`` (Debian's Chromium via Playwright; skipped
loudly without them, a failure when ``RELUSCOPE_E2E=required``), with a browser of its own.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from serving import CHROMIUM_FLAGS, collect_errors
from test_browser import (
    APP_IDLE,
    RUN_TIMEOUT_MS,
    app_url,
    assert_healthy,
    chromium_path,
    screenshots,
    wait_idle,
)

from reluscope import lessons
from reluscope.config import links

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# the browser test module's fixtures (its server, its screenshot folder) that this module's
# tests take as arguments
FIXTURES = (app_url, chromium_path, screenshots)

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# the Lessons page is quick: it trains nothing until a lesson is opened
LESSONS_URL = "/lessons"


@pytest.fixture(scope="module")
def in_browser(chromium_path):
    """Run a function of a new tab in headless Chromium, on a thread of its own: the tests of
    ``test_browser`` hold Playwright's sync API on the main thread for the whole session.

    The tab collects browser errors in ``tab.errors``, as ``test_browser``'s tabs do.
    """
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")

    def start():
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=list(CHROMIUM_FLAGS)
        )
        return playwright, browser

    playwright, browser = worker.submit(start).result()

    def with_tab(body):
        tab = browser.new_page(viewport=DESKTOP)
        collect_errors(tab)
        tab.set_default_timeout(RUN_TIMEOUT_MS)
        try:
            return body(tab)
        finally:
            tab.close()

    yield lambda body: worker.submit(with_tab, body).result()
    worker.submit(lambda: (browser.close(), playwright.stop())).result()
    worker.shutdown()


def open_lessons(tab, url: str) -> None:
    tab.goto(url + LESSONS_URL)
    tab.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]")
    wait_idle(tab, 0)
    assert tab.get_by_role("heading", name="Lessons", exact=True).is_visible()


def card(tab, item):
    return tab.locator(f".st-key-lesson_card_{item.name}")


def verdict(tab, item):
    """The opened lesson's verdict box (success when it holds, a warning when not)."""
    return (
        card(tab, item)
        .locator("[data-testid=stAlertContentSuccess], [data-testid=stAlertContentWarning]")
        .filter(has_text="this run")
    )


def wait_for_lesson(tab, item) -> None:
    verdict(tab, item).first.wait_for()
    wait_idle(tab, 1)


def test_each_lessons_show_me_draws_its_evidence_and_verdict(
    in_browser, app_url, screenshots, capsys
):
    def body(tab):
        seconds = {}
        open_lessons(tab, app_url)
        assert tab.locator("[data-testid=stVegaLiteChart]").count() == 0  # nothing trained
        assert tab.locator(".st-key-lesson_card_" + lessons.LESSONS[0].name).is_visible()
        tab.screenshot(path=screenshots / "lessons-1440.png")
        for item in lessons.LESSONS:
            start = time.perf_counter()
            card(tab, item).get_by_role("button", name="Show me").click()
            wait_for_lesson(tab, item)
            seconds[item.name] = time.perf_counter() - start
            charts = card(tab, item).locator("[data-testid=stVegaLiteChart]")
            assert charts.count() >= 1, item.name
            assert verdict(tab, item).count() == 1, item.name
            assert_healthy(tab)
            assert f"{links.LESSON_KEY}={item.name}" in tab.url
            card(tab, item).scroll_into_view_if_needed()
            tab.screenshot(path=screenshots / f"lesson-{item.name}-1440.png")
        # a phone shows the opened lesson in one column
        tab.set_viewport_size(PHONE)
        tab.wait_for_timeout(500)
        tab.screenshot(path=screenshots / f"lesson-{lessons.LESSONS[-1].name}-390.png")
        assert_healthy(tab)
        return seconds

    timings = in_browser(body)
    with capsys.disabled():  # measured, not asserted
        for name, seconds in timings.items():
            print(f"\n[browser timing] show me: {name}: {seconds:.2f} s")


def test_a_classroom_link_hides_the_fixed_settings_until_show_all(in_browser, app_url, screenshots):
    item = lessons.lesson("leaky-units-come-back")
    in_browser(lambda tab: classroom_view(tab, item, app_url, screenshots))


def classroom_view(tab, item, app_url, screenshots) -> None:
    tab.set_viewport_size(PHONE)
    tab.goto(f"{app_url}/?{item.query()}&{urlencode({links.CLASSROOM_KEY: 1})}")
    tab.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]")
    wait_for_lesson(tab, item)
    assert_healthy(tab)
    tab.screenshot(path=screenshots / "classroom-390.png")
    tab.set_viewport_size(DESKTOP)
    tab.wait_for_timeout(500)
    tab.screenshot(path=screenshots / "classroom-1440.png")
    sidebar = tab.locator("[data-testid=stSidebar]")
    assert sidebar.get_by_text("Classroom view").is_visible()
    assert sidebar.get_by_text("Dataset", exact=True).count() == 0  # fixed by the lesson
    assert sidebar.get_by_text("Optimiser", exact=True).count() == 1  # varied by it
    # only this lesson is on the page
    assert tab.locator("[class*=st-key-lesson_card_]").count() == 1
    sidebar.get_by_role("button", name="Show all settings").click()
    tab.wait_for_function(APP_IDLE, arg=1, polling=50)
    sidebar.get_by_text("Dataset", exact=True).wait_for()
    assert links.CLASSROOM_KEY not in tab.url
    assert_healthy(tab)
