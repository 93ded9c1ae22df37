"""Every page fits the window: at 1440×900 (a laptop) and 390×844 (a phone), with 4 hidden
layers and 6 activations, no chart, table or page reaches past the window's right edge, no
chart draws a legend or title past its own edges (where it is cut off), the page navigation is
reachable without opening the sidebar, and no page shows an exception.

Screenshots of every page at both sizes are saved under ``$RELUSCOPE_ARTIFACTS`` (default
``build/screenshots``), and the folder is printed, so CI can keep them.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from serving import REPO
from test_browser import (  # noqa: F401  (fixtures: the shared server and browser)
    PAGES,
    app_url,
    assert_healthy,
    browser_context,
    chromium_path,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
WIDE = {
    "dataset": "moons",
    "n_samples": "200",
    "hidden_layers": "16x16x16x16",
    "activations": ["relu", "leaky_relu", "tanh", "sigmoid", "elu", "gelu"],
    "epochs": "20",
}
# 1 px of slack: boxes are fractional
SLACK = 1
# px a chart's marks may reach past its drawing (Vega's padding lets strokes stick out ~3 px)
CUT_SLACK = 6
# every drawn chart, table and the page itself: [what, left, right] of each one past ``width``
OVERFLOW = """([width, slack, cut]) => {
  const out = [];
  const check = (what, element) => {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && (box.right > width + slack || box.left < -slack))
      out.push([what, Math.round(box.left), Math.round(box.right)]);
  };
  document.querySelectorAll('[data-testid=stVegaLiteChart]').forEach((chart, i) => {
    const drawing = chart.querySelector('svg, canvas');
    if (!drawing) return;
    check('chart ' + i, drawing);
    // a facet clipped inside its container: the drawing is wider than what shows it
    const drawn = drawing.getBoundingClientRect().width;
    const shown = chart.getBoundingClientRect().width;
    if (drawn > shown + slack) out.push(['chart ' + i + ' clipped', drawn, shown]);
    // marks drawn past the drawing's own edges are cut off: a legend or title that outgrew
    // the size the chart was fitted into
    if (drawing.tagName.toLowerCase() !== 'svg') return;
    const content = drawing.getBBox();
    const [w, h] = [drawing.width.baseVal.value, drawing.height.baseVal.value];
    if (content.x < -cut || content.y < -cut || content.x + content.width > w + cut
        || content.y + content.height > h + cut)
      out.push(['chart ' + i + ' cut off', Math.round(content.x), Math.round(content.y),
                Math.round(content.x + content.width), Math.round(content.y + content.height),
                w, h]);
  });
  document.querySelectorAll('[data-testid=stDataFrame]').forEach((table, i) => {
    check('table ' + i, table);
  });
  document.querySelectorAll('[data-testid=stMain] h1, [data-testid=stMain] p').forEach(
    (text, i) => check('text ' + i, text));
  const page = document.documentElement.scrollWidth;
  if (page > width + slack) out.push(['page', 0, page]);
  return out;
}"""


# the page's run ended (it has a title); charts are not waited for, since those below the fold
# draw only once scrolled into view
RUN_DONE = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  return app && app.dataset.testScriptState === 'notRunning'
    && !!document.querySelector('[data-testid=stMain] h1');
}"""
# every chart on the page has drawn
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
  .every(c => c.querySelector('svg, canvas'))"""
# the height of the page's scrolling content (Streamlit scrolls inside stMain, not the window)
CONTENT_HEIGHT = """() => Math.max(...[...document.querySelectorAll(
  '[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stMainBlockContainer]')]
  .map(e => e.scrollHeight))"""
MAX_HEIGHT = 16_000  # px: the tallest page is some 10,000 px on a phone
# below this width Streamlit folds the top navigation away and the phone row of links shows
PHONE_NAVIGATION_BELOW = 640
PHONE_LINKS = ".st-key-phone_navigation [data-testid=stPageLink] a"
LINK_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def artefacts() -> Path:
    folder = Path(os.environ.get("RELUSCOPE_ARTIFACTS", REPO / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nlayout screenshots: {folder}")
    return folder


@pytest.fixture(params=list(VIEWPORTS))
def sized_page(request, browser_context):  # noqa: F811
    """A new tab at one of :data:`VIEWPORTS`; browser errors are collected in ``page.errors``."""
    width, height = VIEWPORTS[request.param]
    tab = browser_context.new_page()
    tab.set_viewport_size({"width": width, "height": height})
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
    tab.set_default_timeout(300_000)
    tab.viewport_name = request.param
    yield tab
    tab.close()


def _settle(page) -> None:
    """Wait until the run ended twice in a row (a rerun can follow the first)."""
    page.wait_for_function(RUN_DONE, polling=100)
    page.wait_for_timeout(500)
    page.wait_for_function(RUN_DONE, polling=100)


def _navigate(page, title: str) -> None:
    """Open ``title`` through the page navigation, with the sidebar left closed: the top bar on
    a wide screen; on a phone, where Streamlit folds it into the collapsed sidebar, the row of
    page links at the top of the page (``components.phone_navigation``)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # the tests skip without it

    phone = page.viewport_size["width"] < PHONE_NAVIGATION_BELOW
    where = PHONE_LINKS if phone else "[data-testid=stTopNavLink]"
    link = page.locator(where).filter(has_text=title).first
    # Streamlit fetches its page-link component the first time a page draws one, so the row's
    # links can appear a while after the run has ended (seconds, on a busy server): wait for
    # the link to be drawn instead of looking once
    try:
        link.wait_for(state="visible", timeout=LINK_TIMEOUT_MS)
    except PlaywrightTimeout:
        pytest.fail(f"no visible link to {title} without opening the sidebar")
    link.click()


@pytest.mark.parametrize("title", list(PAGES))
def test_every_page_fits_the_window(sized_page, app_url, artefacts, title):  # noqa: F811
    page = sized_page
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    page.goto(f"{app_url}/?{urlencode(WIDE, doseq=True)}")
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]")
    _settle(page)
    if title != next(iter(PAGES)):
        _navigate(page, title)
        page.locator("[data-testid=stMain] h1").filter(has_text=PAGES[title][0]).wait_for()
        _settle(page)
    # the window as tall as the page: every chart scrolls into view, draws and is measured
    tall = min(page.evaluate(CONTENT_HEIGHT), MAX_HEIGHT)
    page.set_viewport_size({"width": width, "height": max(height, tall)})
    page.wait_for_function(CHARTS_DRAWN, polling=100)
    page.wait_for_timeout(1000)  # charts resize to their columns after drawing
    name = f"{title.lower().replace(' ', '-')}-{page.viewport_name}.png"
    page.screenshot(path=artefacts / name, full_page=True)
    overflow = page.evaluate(OVERFLOW, [width, SLACK, CUT_SLACK])
    assert_healthy(page)
    assert overflow == []
