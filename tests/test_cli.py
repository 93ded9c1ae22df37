"""The `reluscope` console script: train, bench argument checks, help, lazy imports."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from reluscope.cli import main


def test_train_prints_a_summary_and_writes_tables(tmp_path, capsys):
    history, layers, settings = tmp_path / "h.csv", tmp_path / "l.csv", tmp_path / "s.json"
    code = main(
        [
            "train",
            "--activations",
            "relu,leaky_relu",
            "--bias-offset=-3",
            "--epochs",
            "15",
            "--hidden-layers",
            "16x16",
            "--n-samples",
            "200",
            "--history",
            str(history),
            "--layers",
            str(layers),
            "--settings-json",
            str(settings),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "relu" in out and "leaky_relu" in out and "dead_units" in out
    epochs = pd.read_csv(history)
    assert set(epochs["activation"]) == {"relu", "leaky_relu"}
    assert epochs["epoch"].max() == 15
    per_layer = pd.read_csv(layers)
    born = per_layer.query("epoch == 0 and layer == 1").set_index("activation")["dead"]
    assert born["relu"] > 0 and born["leaky_relu"] == 0  # a leaky unit is never dead
    saved = json.loads(settings.read_text())
    assert saved["bias_offset"] == -3 and saved["hidden_layers"] == [16, 16]


def test_train_on_a_csv_file(tmp_path, capsys):
    path = tmp_path / "tiny.csv"
    rows = ["x1,x2,label"] + [f"{i % 7},{(i * 3) % 5},{'a' if i % 2 else 'b'}" for i in range(40)]
    path.write_text("\n".join(rows))
    assert main(["train", "--csv", str(path), "--epochs", "5", "--activations", "tanh"]) == 0
    assert "tanh" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["train", "--epochs", "abc"], "epochs='abc'"),
        (["train", "--activations", "relu,bogus"], "activations"),
        (["train", "--learning-rate", "-1"], "learning_rate"),
        (["train", "--csv", "/nonexistent/file.csv"], "file.csv"),
        (["bench", "--repeats", "0"], "--repeats=0"),
        (["train", "--history", "/nonexistent/dir/h.csv"], "--history"),
    ],
)
def test_bad_arguments_exit_2_naming_the_field(argv, needle, capsys):
    assert main(argv) == 2
    assert needle in capsys.readouterr().err


def test_help_lists_every_command():
    result = subprocess.run(
        [sys.executable, "-m", "reluscope", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("train", "sweep", "bench", "datasets", "ui"):
        assert command in result.stdout


def test_only_user_errors_become_an_error_line(monkeypatch, capsys):
    from reluscope import cli
    from reluscope.commands import datasets as datasets_command
    from reluscope.errors import InvalidParameterError

    def refuse(args):
        raise InvalidParameterError("--name", "x", "a dataset")

    monkeypatch.setattr(datasets_command, "run", refuse)
    assert cli.main(["datasets"]) == 2
    assert "reluscope datasets: error: --name='x' is not allowed" in capsys.readouterr().err

    def bug(args):
        raise ValueError("a bug, not a user's mistake")

    monkeypatch.setattr(datasets_command, "run", bug)
    with pytest.raises(ValueError, match="a bug"):  # shown with its traceback, not as "error:"
        cli.main(["datasets"])


def test_a_system_error_is_one_line_with_exit_1(monkeypatch, capsys):
    from reluscope.commands import datasets as datasets_command

    def full_disk(args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(datasets_command, "run", full_disk)
    assert main(["datasets"]) == 1
    assert (
        capsys.readouterr().err == "reluscope datasets: error: [Errno 28] No space left on device\n"
    )
