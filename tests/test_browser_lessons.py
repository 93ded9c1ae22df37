"""The Lessons page in a real browser: open it, click each lesson's "show me", and check that
its evidence charts and verdict appear with no exception; a classroom link hides the settings
its lesson keeps fixed until "Show all settings". Screenshots at 1440×900 and 390×844 go to
the temporary folder whose path is printed.

Uses the server, browser and helpers of ``test_browser`` (Debian's Chromium via Playwright;
skipped loudly without them, a failure when ``RELUSCOPE_E2E=required``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from test_browser import (
    APP_IDLE,
    app_url,
    assert_healthy,
    browser_context,
    chromium_path,
    page,
    report,
    screenshots,
    wait_idle,
)

from reluscope import lessons
from reluscope.config import links

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# the browser test module's fixtures, which this module's tests take as arguments
FIXTURES = (app_url, browser_context, chromium_path, page, report, screenshots)

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# the Lessons page is quick: it trains nothing until a lesson is opened
LESSONS_URL = "/lessons"


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


def test_each_lessons_show_me_draws_its_evidence_and_verdict(page, app_url, screenshots, report):
    import time

    page.set_viewport_size(DESKTOP)
    open_lessons(page, app_url)
    assert page.locator("[data-testid=stVegaLiteChart]").count() == 0
    assert page.locator(".st-key-lesson_card_" + lessons.LESSONS[0].name).is_visible()
    page.screenshot(path=screenshots / "lessons-1440.png")
    for item in lessons.LESSONS:
        start = time.perf_counter()
        card(page, item).get_by_role("button", name="Show me").click()
        wait_for_lesson(page, item)
        report(f"show me: {item.name}", time.perf_counter() - start)
        charts = card(page, item).locator("[data-testid=stVegaLiteChart]")
        assert charts.count() >= 1, item.name
        assert verdict(page, item).count() == 1, item.name
        assert_healthy(page)
        assert f"{links.LESSON_KEY}={item.name}" in page.url
        card(page, item).scroll_into_view_if_needed()
        page.screenshot(path=screenshots / f"lesson-{item.name}-1440.png")
    # a phone shows the opened lesson in one column
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / f"lesson-{lessons.LESSONS[-1].name}-390.png")
    assert_healthy(page)


def test_a_classroom_link_hides_the_fixed_settings_until_show_all(page, app_url, screenshots):
    item = lessons.lesson("leaky-units-come-back")
    page.set_viewport_size(PHONE)
    page.goto(f"{app_url}/?{item.query()}&{urlencode({links.CLASSROOM_KEY: 1})}")
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]")
    wait_for_lesson(page, item)
    assert_healthy(page)
    page.screenshot(path=screenshots / "classroom-390.png")
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / "classroom-1440.png")
    sidebar = page.locator("[data-testid=stSidebar]")
    assert sidebar.get_by_text("Classroom view").is_visible()
    assert sidebar.get_by_text("Dataset", exact=True).count() == 0  # fixed by the lesson
    assert sidebar.get_by_text("Optimiser", exact=True).count() == 1  # varied by it
    # only this lesson is on the page
    assert page.locator("[class*=st-key-lesson_card_]").count() == 1
    sidebar.get_by_role("button", name="Show all settings").click()
    page.wait_for_function(APP_IDLE, arg=1, polling=50)
    sidebar.get_by_text("Dataset", exact=True).wait_for()
    assert links.CLASSROOM_KEY not in page.url
    assert_healthy(page)
