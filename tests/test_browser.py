"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against
``streamlit run app.py`` on a free loopback port.

Skipped, loudly, when Chromium or Playwright is missing; a failure instead when
``RELUSCOPE_E2E=required`` (CI sets it). Screenshots go to a temporary folder whose path is
printed; the time of the first page load and of a retrain after a settings change are printed
(measured, not asserted: this machine is shared and noisy).
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest
from serving import (
    CHROMIUM_FLAGS,
    ServerStartError,
    chromium_executable,
    collect_errors,
    streamlit_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUN_TIMEOUT_MS = 300_000  # a page run, training included
VIEWPORT = {"width": 1280, "height": 1600}
# page title in the navigation -> (its heading, the Altair charts it draws by default, or None
# to wait until the number of charts settles)
# (a chart of panels is one chart per panel: 2 hidden layers and 4 activations by default)
PAGES = {
    "Compare": ("Compare activations", 9),
    "Lessons": ("Lessons", 0),
    "Units": ("Units", None),
    "Derivatives": ("Derivatives", 6),
    "Gradients": ("Gradients", 2),
    "Decision boundary": ("Decision boundary", 4),
    "Data": ("Data", 2),
    "Lab": ("Lab", None),
}
HOME_CHARTS = PAGES["Compare"][1]  # loss, accuracy, off units (2 panels), the network (1 + 4)

# the page finished its run (it has a title) and at least ``n`` charts are drawn (charts load
# lazily, so they can appear a moment after the run ends)
APP_IDLE = """(n) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (!document.querySelector('[data-testid=stMain] h1')) return false;
  const charts = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
  return charts.length >= n && charts.every(c => c.querySelector('svg, canvas'));
}"""
# one fingerprint per chart on the page (length and hash of its drawing)
CHART_FINGERPRINTS = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
  .map(c => {
    const drawing = c.querySelector('svg, canvas');
    if (!drawing) return '';
    const text = drawing.tagName === 'CANVAS' ? drawing.toDataURL() : drawing.outerHTML;
    let hash = 0;
    for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
    return text.length + ':' + hash;
  })"""
# the run finished and chart ``index`` differs from ``before``
CHART_CHANGED = (
    "([before, index]) => {"
    f" const now = ({CHART_FINGERPRINTS})();"
    f" return ({APP_IDLE})(before.length) && now[index] !== before[index];"
    "}"
)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (skipped loudly without it or Playwright, a failure when
    ``RELUSCOPE_E2E=required``)."""
    return chromium_executable()


@pytest.fixture(scope="session")
def app_url(chromium_path, tmp_path_factory) -> str:
    """``streamlit run app.py`` on a free loopback port, its log in a temporary file."""
    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    try:
        with streamlit_server(log_path) as server:
            yield server.url
    except ServerStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def browser_context(chromium_path, tmp_path_factory, playwright_driver):
    """Headless Chromium with a fresh profile directory."""
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=chromium_path,
        headless=True,
        args=list(CHROMIUM_FLAGS),
        viewport=VIEWPORT,
        accept_downloads=True,
    )
    yield context
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nbrowser screenshots: {folder}")
    return folder


@pytest.fixture
def page(browser_context):
    """A new tab (a new Streamlit session); browser errors are collected in ``page.errors``."""
    tab = browser_context.new_page()
    collect_errors(tab)
    tab.set_default_timeout(RUN_TIMEOUT_MS)
    yield tab
    tab.close()


@pytest.fixture
def report(capsys, record_property):
    """Print a measurement past pytest's capture, and record it in the JUnit report."""

    def emit(name: str, seconds: float) -> None:
        record_property(name, f"{seconds:.3f}")
        with capsys.disabled():
            print(f"\n[browser timing] {name}: {seconds:.2f} s")

    return emit


# --- helpers -------------------------------------------------------------------------------


def open_app(page, url: str, charts: int = HOME_CHARTS) -> float:
    """Load ``url``, wait until its run finished and ``charts`` charts are drawn; seconds taken."""
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]")
    wait_idle(page, charts)
    return time.perf_counter() - start


def wait_idle(page, charts: int) -> None:
    """Wait for :data:`APP_IDLE` twice, so a pause between two runs (a rerun) is not taken."""
    page.wait_for_function(APP_IDLE, arg=charts, polling=50)
    page.wait_for_timeout(250)
    page.wait_for_function(APP_IDLE, arg=charts, polling=50)


def chart_fingerprints(page) -> list[str]:
    return page.evaluate(CHART_FINGERPRINTS)


def wait_for_chart_change(page, before: list[str], index: int) -> None:
    page.wait_for_function(CHART_CHANGED, arg=[before, index], polling=50)


def assert_healthy(page) -> None:
    exceptions = page.locator("[data-testid=stException]")
    assert exceptions.count() == 0, exceptions.all_inner_texts()
    errors = page.locator("[data-testid=stAlertContentError]")
    assert errors.count() == 0, errors.all_inner_texts()
    assert page.errors == []


def sidebar_widget(page, testid: str, label: str):
    return page.locator(f"[data-testid=stSidebar] [data-testid={testid}]").filter(has_text=label)


def slider_text(page, label: str) -> str:
    return (
        sidebar_widget(page, "stSlider", label)
        .get_by_role("slider")
        .get_attribute("aria-valuetext")
    )


def selected_activations(page) -> list[str]:
    tags = sidebar_widget(page, "stMultiSelect", "Activations").locator("[data-tag]")
    return [tag.get_attribute("aria-label") for tag in tags.all()]


def legend_labels(chart) -> set[str]:
    return set(chart.locator("svg text").all_text_contents())


def chart_under(page, heading: str):
    """The first chart after the heading that contains ``heading``."""
    return page.locator(
        f"xpath=//h3[contains(., '{heading}')]/following::*[@data-testid='stVegaLiteChart'][1]"
    )


def download_history(page) -> pd.DataFrame:
    with page.expect_download() as download:
        page.get_by_role("button", name="Download history (CSV)").click()
    return pd.read_csv(io.BytesIO(Path(download.value.path()).read_bytes()))


def born_dead_share(history: pd.DataFrame, activation: str) -> float:
    born = history[(history["activation"] == activation) & (history["epoch"] == 0)]
    return float(born["dead"].sum() / born["units"].sum())


# --- tests ---------------------------------------------------------------------------------


def test_home_page_loads(page, app_url, screenshots, report):
    seconds = open_app(page, app_url)  # first in the file: a cold start, training included
    report("first page load (default view, training included)", seconds)
    assert page.get_by_role("heading", name="Compare activations").is_visible()
    charts = page.locator("[data-testid=stVegaLiteChart]")
    assert charts.count() == HOME_CHARTS
    assert {"relu", "leaky_relu", "tanh", "sigmoid"} <= legend_labels(charts.first)
    assert page.locator("[data-testid=stDataFrame]").count() >= 1  # the summary row per activation
    assert_healthy(page)
    page.screenshot(path=screenshots / "home.png")


def test_changing_bias_offset_and_activations_updates_the_charts(
    page, app_url, screenshots, report
):
    open_app(page, app_url)
    history_before = download_history(page)
    dead_chart = 2  # loss, accuracy, dead units
    before = chart_fingerprints(page)

    bias = sidebar_widget(page, "stSlider", "Bias offset").get_by_role("slider")
    bias.focus()
    start = time.perf_counter()
    bias.press("PageDown")  # -2 -> -4: a tenth of the range
    wait_for_chart_change(page, before, dead_chart)
    report(
        "settings change -> updated charts (bias offset, 4 activations x 1 seed)",
        time.perf_counter() - start,
    )
    assert slider_text(page, "Bias offset") == "-4.00"
    assert "bias_offset=-4" in page.url
    history_after = download_history(page)
    # a negative bias offset kills ReLU units at birth
    assert born_dead_share(history_after, "relu") > born_dead_share(history_before, "relu")
    assert_healthy(page)
    page.screenshot(path=screenshots / "bias-offset-minus-4.png")

    before = chart_fingerprints(page)
    sidebar_widget(page, "stMultiSelect", "Activations").locator("input").click()
    start = time.perf_counter()
    page.get_by_role("option", name="elu", exact=True).click()
    page.keyboard.press("Escape")
    wait_for_chart_change(page, before, 0)
    report(
        "settings change -> updated charts (add elu: 5 activations)", time.perf_counter() - start
    )
    assert selected_activations(page) == ["relu", "leaky_relu", "tanh", "sigmoid", "elu"]
    assert "activations=elu" in page.url
    assert "elu" in legend_labels(chart_under(page, "Loss"))
    assert "elu" in legend_labels(chart_under(page, "Dead units"))
    assert_healthy(page)
    page.screenshot(path=screenshots / "with-elu.png")


DEEP_LINK = {
    "dataset": "circles",
    "n_samples": "160",
    "hidden_layers": "8x4",
    "activations": ["relu", "tanh"],
    "bias_offset": "-1.5",
    "solver": "adam",
    "learning_rate": "0.01",
    "epochs": "15",
    "seed": "7",
    "seeds": "2",
}


def test_a_deep_link_restores_the_widgets(page, app_url, screenshots):
    # two activations: loss, accuracy, dead units, the network's key and its 2 panels
    open_app(page, f"{app_url}/?{urlencode(DEEP_LINK, doseq=True)}", charts=6)
    assert slider_text(page, "Bias offset") == "-1.50"
    assert slider_text(page, "Epochs") == "15"
    assert slider_text(page, "Samples") == "160"
    assert slider_text(page, "Number of seeds") == "2"
    assert selected_activations(page) == ["relu", "tanh"]
    assert sidebar_widget(page, "stTextInput", "Hidden layers").locator("input").input_value() == (
        "8x4"
    )
    assert sidebar_widget(page, "stTextInput", "Seed").first.locator("input").input_value() == "7"
    dataset = sidebar_widget(page, "stSelectbox", "Dataset").get_by_role("combobox")
    assert dataset.input_value() == "circles"
    assert page.locator("[data-testid=stAlertContentWarning]").count() == 0
    labels = legend_labels(chart_under(page, "Loss"))
    assert {"relu", "tanh"} <= labels and "sigmoid" not in labels
    assert_healthy(page)
    page.screenshot(path=screenshots / "deep-link.png")


def wait_charts_settled(page, quiet_ms: int = 1500) -> int:
    """For a page whose chart count is not known: wait until it stops changing; the count."""
    count = -1
    while True:
        wait_idle(page, 1)
        page.wait_for_timeout(quiet_ms)
        now = page.locator("[data-testid=stVegaLiteChart]").count()
        if now == count:
            return count
        count = now


def test_the_navigation_lists_every_page(page, app_url):
    open_app(page, app_url)
    links = page.locator("[data-testid=stTopNavLink], [data-testid=stSidebarNavLink]")
    titles = [text.split("\n")[-1].strip() for text in links.all_inner_texts()]
    assert titles == list(PAGES), "a page was added or renamed: update PAGES in this file"


@pytest.mark.parametrize("title", list(PAGES))
def test_every_page_draws_without_an_exception(page, app_url, screenshots, title):
    open_app(page, app_url)
    page.get_by_role("link", name=title).click()
    heading, charts = PAGES[title]
    page.locator("[data-testid=stMain] h1").filter(has_text=heading).wait_for()
    if charts is None:
        assert wait_charts_settled(page) >= 1
    else:
        wait_idle(page, charts)
        assert page.locator("[data-testid=stVegaLiteChart]").count() == charts
    assert_healthy(page)
    page.screenshot(path=screenshots / f"page-{title.lower().replace(' ', '-')}.png")


def test_clicking_a_legend_entry_highlights_it(page, app_url, screenshots):
    open_app(page, app_url)
    loss = chart_under(page, "Loss")
    before = chart_fingerprints(page)
    loss.locator("svg text").filter(has_text="leaky_relu").first.click()
    wait_for_chart_change(page, before, 0)  # the other activations fade
    assert chart_fingerprints(page)[1:] == before[1:]  # a view change: nothing reran
    assert_healthy(page)
    loss.screenshot(path=screenshots / "legend-highlight.png")
