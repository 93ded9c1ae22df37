"""Lessons: every claim holds at its settings (on several seeds where it says it is robust), a
setting that breaks it gives an honest verdict, and its link opens its settings."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from reluscope.config import open_link, read_link, validate
from reluscope.config.links import link_lesson
from reluscope.errors import InvalidParameterError
from reluscope.lessons import LESSONS, PAGES, Lesson, Verdict, lesson, run_lesson
from reluscope.lessons.settings import story_settings

NAMES = [item.name for item in LESSONS]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def judged():
    """Every lesson trained at its settings, with its verdict (each is small)."""
    return {item.name: run_lesson(item) for item in LESSONS}


def test_every_lesson_is_declared_whole():
    assert len(set(NAMES)) == len(NAMES)
    for item in LESSONS:
        assert item.page in PAGES
        assert item.title and item.claim and item.conditions
        assert set(item.varies) <= set(item.settings.to_dict())
        assert lesson(item.name) is item


def test_an_unknown_lesson_names_the_field_and_the_lessons():
    with pytest.raises(InvalidParameterError) as caught:
        lesson("relu-is-magic")
    assert caught.value.field == "lesson"
    assert caught.value.value == "relu-is-magic"
    assert "relu-dies-from-bias" in caught.value.allowed


@pytest.mark.parametrize("name", NAMES)
def test_every_lesson_holds_at_its_settings(judged, name):
    comparison, verdict = judged[name]
    assert isinstance(verdict, Verdict)
    assert verdict.holds is True, verdict.sentence
    assert verdict.figures
    json.dumps(verdict.figures)  # plain numbers, ready for JSON
    # the sentence carries this run's numbers: every count it states is in its figures
    assert any(str(int(value)) in verdict.sentence for value in verdict.figures.values())
    assert lesson(name).judge(comparison) is verdict  # judged once per comparison


@pytest.mark.parametrize("name", NAMES)
def test_a_lesson_link_opens_its_settings_and_names_the_lesson(name):
    item = lesson(name)
    query = parse_qs(item.query())
    assert link_lesson(query) == name
    settings, notices = open_link(query)
    assert notices == []
    assert settings == item.settings
    assert validate(read_link(query), strict=True)[0] == item.settings


def test_a_lesson_without_its_activations_says_so_instead_of_raising(judged):
    comparison, _ = judged["relu-dies-from-bias"]  # ReLU alone
    verdict = lesson("leaky-units-come-back").judge(comparison)
    assert not verdict.holds
    assert "leaky ReLU is not among the activations compared" in verdict.sentence


def test_leaky_units_need_an_optimiser_that_brings_them_back():
    item = lesson("leaky-units-come-back")
    _, verdict = run_lesson(item, replace(item.settings, solver="sgd", learning_rate=0.05))
    assert not verdict.holds
    assert "With SGD and slope 0.01 the leak is too small" in verdict.sentence
    assert verdict.figures["leaky_recovered"] < 0.5 * verdict.figures["leaky_born_off"]


@pytest.mark.parametrize(
    ("name", "changes", "reason"),
    [
        ("relu-dies-from-bias", dict(bias_offset=0.0), "bias offset is 0"),
        ("relu-dies-from-large-steps", dict(learning_rate=0.05), "learning rate 0.05 is small"),
        ("dead-units-get-no-gradient", dict(bias_offset=0.0), "no dead unit to watch"),
        ("dead-units-stall-training", dict(bias_offset=-1.0), "Too few units died here"),
        ("saturated-units-learn-slowly", dict(bias_offset=0.0), "nothing to compare"),
        ("saturation-worst-in-deep-networks", dict(hidden_layers=(16, 16)), "2 hidden layer"),
        ("saturation-worst-in-deep-networks", dict(bias_offset=0.0), "depth did not make it"),
        ("relu-gradient-one-sided", dict(activations=("relu",)), "sigmoid is not among"),
        ("relu-gradient-one-sided", dict(activations=("relu", "tanh")), "as well as ReLU's"),
    ],
)
def test_a_setting_that_breaks_the_claim_says_why(name, changes, reason):
    item = lesson(name)
    _, verdict = run_lesson(item, replace(item.settings, **changes))
    assert not verdict.holds
    assert reason in verdict.sentence


def test_where_units_die_leaky_relu_does_beat_relu():
    # the recovery lesson's settings: most units born dead, Adam brings leaky ones back
    item = lesson("leaky-rarely-beats-relu")
    _, verdict = run_lesson(item, lesson("leaky-units-come-back").settings)
    assert not verdict.holds
    assert verdict.figures["gain these settings"] > 0.3
    assert "Here leaky ReLU does better" in verdict.sentence


def test_verdicts_that_train_more_runs_state_the_spread(judged):
    _, verdict = judged["leaky-rarely-beats-relu"]
    assert "mean and range over 5 seeds" in verdict.sentence
    assert verdict.figures["settings_with_small_gain"] >= 2
    _, verdict = judged["saturation-worst-in-deep-networks"]
    assert "mean and range over 3 seeds" in verdict.sentence
    assert verdict.figures["loss_4_layers"] > 1.5 * verdict.figures["loss_1_layers"]


# every lesson but the two that judge several seeds inside their verdict
ROBUST = [name for name in NAMES if lesson(name).settings.n_seeds == 1]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", ROBUST)
def test_robust_lessons_hold_on_other_seeds(name, seed):
    item = lesson(name)
    _, verdict = run_lesson(item, replace(item.settings, seed=seed))
    assert verdict.holds, verdict.sentence


def test_a_lesson_page_must_exist():
    item = LESSONS[0]
    with pytest.raises(InvalidParameterError):
        Lesson(**{**item.__dict__, "page": "nowhere"})


def test_importing_the_lessons_stays_cheap():
    code = (
        "import json, sys, reluscope.lessons, reluscope.commands.lessons; "
        "print(json.dumps([m for m in ('pandas', 'scipy', 'sklearn', 'streamlit', 'altair', "
        "'reluscope.engine') if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    "changes",
    [
        dict(learning_rate=1.0, solver="adam", epochs=20),  # most units die, loss may blow up
        dict(epochs=1),
        dict(dataset="iris", activations=("relu", "leaky_relu", "tanh"), epochs=10),  # 3 classes
        dict(dataset="sine", epochs=10),  # regression
        dict(activations=("elu", "gelu"), epochs=10),
        dict(bias_offset=-10.0, hidden_layers=(8, 8, 8, 8), epochs=10),  # everything dead
        dict(bias_offset=10.0, hidden_layers=(4,), epochs=10),  # everything on (or saturated)
    ],
)
def test_every_verdict_reads_any_comparison_without_raising(changes):
    settings = story_settings(**changes)
    comparison, _ = run_lesson(LESSONS[0], settings)
    for item in LESSONS:
        verdict = item.judge(comparison)
        assert isinstance(verdict.holds, bool)
        assert verdict.sentence.endswith(".") and "nan" not in verdict.sentence
        assert "{" not in verdict.sentence  # every number filled in
