"""The Lessons page, "show me", lesson links and classroom links, through Streamlit's AppTest;
and Compare's text, computed from the run it shows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import reluscope.experiment
from reluscope import frames, lessons
from reluscope.config import DEFAULTS, FIELDS, links
from reluscope.datasets import from_choice

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LESSONS_PAGE = "reluscope/ui/pages/lessons.py"
TIMEOUT = 300
LEAKY = lessons.lesson("leaky-units-come-back")
BIAS = lessons.lesson("relu-dies-from-bias")


@pytest.fixture
def trainings(monkeypatch):
    """Empty caches; record the settings of every comparison the dashboard trains."""
    st.cache_data.clear()
    st.cache_resource.clear()
    calls = []
    original = reluscope.experiment.compare

    def recording(dataset, **kwargs):
        calls.append(kwargs)
        return original(dataset, **kwargs)

    monkeypatch.setattr(reluscope.experiment, "compare", recording)
    return calls


def open_app(query: dict | None = None, page: str | None = LESSONS_PAGE) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    if page is not None:
        at.switch_page(page)
    at.run()
    assert_healthy(at)
    return at


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def settings_of(at: AppTest):
    return at.session_state["reluscope.choice"].settings


def sidebar_keys(at: AppTest) -> set[str]:
    return {w.key for w in at.sidebar if getattr(w, "key", None) in FIELDS}


def verdicts(at: AppTest) -> list[str]:
    return [box.value for box in [*at.success, *at.warning] if "this run" in box.value]


def lesson_headings(at: AppTest) -> list[str]:
    return [h.value for h in at.main.subheader]


def charts_drawn(at: AppTest) -> int:
    return len(at.get("vega_lite_chart"))


def judged(item, settings):
    """The verdict of ``item`` on a comparison trained from ``settings`` outside the app."""
    return lessons.run_lesson(item, settings)[1]


def test_the_page_lists_every_lesson_and_trains_nothing(trainings):
    at = open_app()
    assert [t.value for t in at.title] == ["Lessons"]
    titles = [f"{i}. {item.title}" for i, item in enumerate(lessons.LESSONS, 1)]
    assert lesson_headings(at) == titles
    for item in lessons.LESSONS:
        assert at.button(key=f"lesson_show_{item.name}").label == "Show me"
        assert any(item.claim in m.value for m in at.markdown)
    assert trainings == [] and charts_drawn(at) == 0 and verdicts(at) == []


def test_show_me_applies_the_settings_trains_them_and_shows_the_verdict(trainings):
    at = open_app()
    at.button(key=f"lesson_show_{LEAKY.name}").click().run()
    assert_healthy(at)
    assert settings_of(at) == LEAKY.settings
    assert {name: at.session_state[name] for name in ("solver", "bias_offset")} == {
        "solver": LEAKY.settings.solver,
        "bias_offset": LEAKY.settings.bias_offset,
    }
    assert at.query_params[links.LESSON_KEY] == LEAKY.name
    (call,) = trainings
    assert call["bias_offset"] == LEAKY.settings.bias_offset
    expected = judged(LEAKY, LEAKY.settings)
    assert expected.holds
    assert verdicts(at) == [f"**The claim holds in this run.** {expected.sentence}"]
    assert charts_drawn(at) == 3  # the loss, and the off-units chart (a panel per layer)
    assert at.button(key=f"lesson_close_{LEAKY.name}")
    # only the opened lesson trained: the others still offer "show me"
    assert at.button(key=f"lesson_show_{BIAS.name}").label == "Show me"


def test_a_changed_setting_is_judged_again_and_may_not_hold(trainings):
    at = open_app()
    at.button(key=f"lesson_show_{LEAKY.name}").click().run()
    at.segmented_control(key="solver").set_value("sgd").run()
    assert_healthy(at)
    changed = replace(LEAKY.settings, solver="sgd")
    assert settings_of(at) == changed
    expected = judged(LEAKY, changed)
    assert not expected.holds
    assert verdicts(at) == [f"**Not in this run.** {expected.sentence}"]
    (note,) = [i.value for i in at.info if "You changed" in i.value]
    assert "optimiser: `sgd` (lesson: `adam`)" in note
    # and "back to the lesson's settings" restores them
    at.button(key=f"lesson_reset_{LEAKY.name}").click().run()
    assert settings_of(at) == LEAKY.settings
    assert verdicts(at)[0].startswith("**The claim holds in this run.**")


def test_a_lesson_link_opens_the_lesson_with_its_settings(trainings):
    at = open_app({links.LESSON_KEY: BIAS.name}, page=None)  # the dashboard's bare address
    assert [t.value for t in at.title] == ["Lessons"]
    assert settings_of(at) == BIAS.settings
    expected = judged(BIAS, BIAS.settings)
    assert verdicts(at) == [f"**The claim holds in this run.** {expected.sentence}"]


def test_the_lesson_query_opens_the_lesson_with_its_settings(trainings):
    from urllib.parse import parse_qs

    at = open_app(parse_qs(LEAKY.query()), page=None)
    assert settings_of(at) == LEAKY.settings
    assert at.button(key=f"lesson_close_{LEAKY.name}")


def test_an_unknown_lesson_is_said_with_the_names_allowed(trainings):
    at = open_app({links.LESSON_KEY: "<b>nope</b>"})
    (error,) = [e.value for e in at.error]
    assert "lesson" in error and LEAKY.name.replace("-", "\\-") in error
    assert "<b>" not in error  # the link's value is escaped
    assert trainings == []


def test_a_classroom_link_hides_what_the_lesson_keeps_fixed(trainings):
    query = {links.LESSON_KEY: LEAKY.name, links.CLASSROOM_KEY: "1", links.VERSION_KEY: "2"}
    at = open_app(query, page=None)
    assert sidebar_keys(at) == set(LEAKY.varies)
    assert settings_of(at) == LEAKY.settings  # the hidden fields hold the lesson's values
    assert any("Classroom view" in i.value for i in at.sidebar.info)
    # a classroom page is about its lesson alone
    assert lesson_headings(at) == [
        f"{lessons.LESSONS.index(LEAKY) + 1}. {LEAKY.title}"
    ]
    # a varied setting still changes the run
    at.slider(key="negative_slope").set_value(0.2).run()
    assert settings_of(at) == replace(LEAKY.settings, negative_slope=0.2)
    # "show all settings" brings every widget back, holding the lesson's values
    at.button(key="show_all_settings").click().run()
    assert_healthy(at)
    assert sidebar_keys(at) == set(FIELDS)
    assert settings_of(at) == replace(LEAKY.settings, negative_slope=0.2)
    assert links.CLASSROOM_KEY not in at.query_params
    assert at.session_state["dataset"] == LEAKY.settings.dataset


def test_a_classroom_link_keeps_the_hidden_values_whatever_it_says(trainings):
    query = {
        links.LESSON_KEY: LEAKY.name, links.CLASSROOM_KEY: "1", links.VERSION_KEY: "2",
        "hidden_layers": "4", "learning_rate": "0.05",
    }  # fmt: skip
    at = open_app(query, page=None)
    assert "learning_rate" in LEAKY.varies and "hidden_layers" not in LEAKY.varies
    # the varied fields read as any link does (left out: today's default); hidden_layers is
    # not the lesson's to vary, so it keeps the lesson's value
    varied = {name: getattr(DEFAULTS, name) for name in LEAKY.varies}
    expected = replace(LEAKY.settings, **{**varied, "learning_rate": 0.05})
    assert settings_of(at) == expected


def test_the_classroom_reset_goes_back_to_the_lesson(trainings):
    query = {links.LESSON_KEY: LEAKY.name, links.CLASSROOM_KEY: "1", links.VERSION_KEY: "2"}
    at = open_app(query, page=None)
    at.slider(key="negative_slope").set_value(0.3).run()
    assert at.button(key="reset_settings").label == "Reset to the lesson's settings"
    at.button(key="reset_settings").click().run()
    assert settings_of(at) == LEAKY.settings


# --- Compare's text at the new defaults ----------------------------------------------------


def test_compare_says_what_the_default_run_shows(trainings):
    at = open_app(page=None)
    assert [t.value for t in at.title] == ["Compare activations"]
    assert settings_of(at) == DEFAULTS
    data = from_choice(DEFAULTS.dataset, DEFAULTS.n_samples, DEFAULTS.noise, DEFAULTS.seed)
    comparison = reluscope.experiment.compare(data, **DEFAULTS.run_arguments())
    sentences = frames.compare_findings(comparison)
    assert "\n".join(f"- {s}" for s in sentences) in [m.value for m in at.markdown]
    # the story at the defaults: ReLU units dead at the end, most leaky units back
    counts = frames.off_counts(comparison)
    assert counts["relu"]["final_off"] >= counts["relu"]["units"] / 4
    assert counts["leaky_relu"]["recovered"] >= counts["leaky_relu"]["born_off"] / 2
    assert not any("watch ReLU units die while leaky ReLU keeps learning" in m.value
                   for m in at.markdown)  # fmt: skip
