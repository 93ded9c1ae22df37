"""`reluscope lessons`: a line per lesson, a JSON list whose links open the lessons, help."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

import pytest

import reluscope.lessons
from reluscope.cli import main
from reluscope.config import open_link
from reluscope.config.links import link_lesson
from reluscope.lessons import LESSONS, Verdict, lesson

ROOT = Path(__file__).resolve().parent.parent
TWO = ["relu-dies-from-bias", "leaky-units-come-back"]


def test_one_line_per_lesson_with_title_holds_and_verdict(capsys):
    assert main(["lessons", *TWO]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for line, name in zip(lines, TWO, strict=True):
        title, holds, sentence = line.split(" — ", 2)
        assert title == lesson(name).title
        assert holds == "holds: yes"
        assert sentence[0].isupper() and sentence.endswith(".")
    assert "dead at initialisation" in lines[0]
    assert "came back" in lines[1]


def test_json_lists_every_key_and_a_query_that_opens_the_lesson(capsys):
    assert main(["lessons", "--json", *TWO]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["name"] for row in rows] == TWO
    for row in rows:
        assert set(row) == {"name", "title", "claim", "holds", "verdict", "query"}
        item = lesson(row["name"])
        assert (row["title"], row["claim"], row["holds"]) == (item.title, item.claim, True)
        query = parse_qs(row["query"])
        assert link_lesson(query) == row["name"]
        assert open_link(query) == (item.settings, [])


def test_another_seed_trains_other_runs_of_the_same_lesson(capsys):
    assert main(["lessons", "--json", "relu-dies-from-bias"]) == 0
    own = json.loads(capsys.readouterr().out)[0]["verdict"]
    assert main(["lessons", "--json", "--seed", "1", "relu-dies-from-bias"]) == 0
    other = json.loads(capsys.readouterr().out)[0]["verdict"]
    assert own != other and "45 of 64" in other


def test_list_names_every_lesson_without_training(capsys, monkeypatch):
    monkeypatch.setattr(reluscope.lessons, "run_lesson", None)  # training would fail
    assert main(["lessons", "--list"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert names == [item.name for item in LESSONS]


def test_a_lesson_that_does_not_hold_sets_the_exit_status(capsys, monkeypatch):
    monkeypatch.setattr(
        reluscope.lessons,
        "run_lesson",
        lambda item, settings: (None, Verdict(False, "Not in this run.", {})),
    )
    assert main(["lessons", "relu-dies-from-bias"]) == 1
    assert capsys.readouterr().out.strip().endswith("holds: no — Not in this run.")


@pytest.mark.parametrize(
    ("arguments", "field"),
    [(["lessons", "relu-is-magic"], "lesson="), (["lessons", "--seed", "-1"], "seed=")],
)
def test_bad_input_is_an_error_naming_the_field(capsys, arguments, field):
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert err.startswith("reluscope lessons: error: " + field)
    assert "Traceback" not in err


def test_help_works_from_the_console_script():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "reluscope", "lessons", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    text = " ".join(result.stdout.split())  # argparse wraps the help to the terminal's width
    assert "--json" in text and "keys name, title, claim, holds, verdict, query" in text
