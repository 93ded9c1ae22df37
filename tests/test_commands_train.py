"""`reluscope train`: options derived from the settings schema, old option names kept."""

import json

import numpy as np
import pandas as pd
import pytest

import reluscope as rs
from reluscope.cli import build_parser, main
from reluscope.config import FIELDS, validate


def train_options() -> dict:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    return {a.dest: a.option_strings for a in sub.choices["train"]._actions}


def test_every_field_is_an_option_named_after_it_with_its_old_names():
    options = train_options()
    for name, f in FIELDS.items():
        flags = [f"--{key.replace('_', '-')}" for key in (name, *f.aliases)]
        assert options[name] == flags
    assert options["n_seeds"] == ["--n-seeds", "--seeds"]


def test_help_lists_every_option_with_its_default(capsys):
    with pytest.raises(SystemExit) as info:
        main(["train", "--help"])
    assert info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--n-seeds INT, --seeds INT" in out and "95 % band" in out
    for name, f in FIELDS.items():
        assert f"--{name.replace('_', '-')}" in out and f"(default: {f.format(f.default)})" in out


@pytest.mark.parametrize("flag", ["--n-seeds", "--seeds"])
def test_the_number_of_seeds_under_its_name_and_its_old_name(flag, tmp_path):
    history, saved = tmp_path / "h.csv", tmp_path / "s.json"
    argv = ["train", flag, "2", "--seed", "3", "--epochs", "3", "--activations", "relu",
            "--hidden-layers", "4", "--n-samples", "60", "--history", str(history),
            "--settings-json", str(saved)]  # fmt: skip
    assert main(argv) == 0
    assert sorted(set(pd.read_csv(history)["seed"])) == [3, 4]
    assert json.loads(saved.read_text())["n_seeds"] == 2


def test_train_gives_what_the_python_api_gives_for_the_same_settings(tmp_path):
    history = tmp_path / "h.csv"
    argv = ["train", "--epochs", "4", "--activations", "relu,tanh", "--n-samples", "80",
            "--hidden-layers", "6x6", "--bias-offset=-1", "--seed", "2",
            "--history", str(history)]  # fmt: skip
    assert main(argv) == 0
    settings, _ = validate({"epochs": "4", "activations": "relu,tanh", "n_samples": "80",
                            "hidden_layers": "6x6", "bias_offset": "-1", "seed": "2"},
                           caps=None, strict=True)  # fmt: skip
    data = rs.make_dataset("moons", n_samples=80, noise=0.2, random_state=2)
    expected = rs.compare(data, **settings.run_arguments()).epochs()
    np.testing.assert_allclose(pd.read_csv(history)["loss"], expected["loss"], rtol=1e-12)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["train", "--seeds", "0"], "n_seeds='0'"),
        (["train", "--n-seeds", "two"], "n_seeds='two'"),
        (["train", "--batch-size", "0"], "batch_size"),
    ],
)
def test_bad_options_exit_2_naming_the_field(argv, needle, capsys):
    assert main(argv) == 2
    assert needle in capsys.readouterr().err
