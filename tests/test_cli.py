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


# --- reluscope bench --sweeps: rows from fake timings, no real benchmark -------------------

# ratios: CLI 20x (target 15), wide 3x (4), models/s 0.8 (1), jobs exactly 1.5x (1.5)
FAKE_SECONDS = {
    "cli": 1.0, "sklearn_deep": 20.0, "wide": 2.0, "sklearn_wide": 6.0,
    "k32": 1.0, "k128": 5.0, "jobs1": 3.0, "jobs2": 2.0,
}  # fmt: skip


def test_sweep_rows_are_checked_against_their_targets():
    from reluscope.bench_sweep import TARGETS, sweep_rows

    rows = sweep_rows(FAKE_SECONDS, cpus=4)
    assert [row["ratio"] for row in rows] == pytest.approx([20.0, 3.0, 0.8, 1.5])
    assert [row["met"] for row in rows] == [True, False, False, True]
    assert [row["target"] for row in rows] == [">= 15x", ">= 4x", ">= 1x", ">= 1.5x"]
    assert list(TARGETS.values()) == [15.0, 4.0, 1.0, 1.5]
    scaling = rows[2]  # models per second at K = 128 and at K = 32
    assert (scaling["reluscope"], scaling["reference"], scaling["unit"]) == (25.6, 32.0, "models/s")
    assert "4 CPUs" in rows[3]["name"]
    nan = sweep_rows({**FAKE_SECONDS, "cli": float("nan")})
    assert not nan[0]["met"]


def test_bench_prints_missed_sweep_targets(monkeypatch):
    import io

    from reluscope import bench, bench_sweep

    imported = bench.BenchRow("import", 1.0, 1.0, "ms", 1.0, "<= 1.50x", True)
    monkeypatch.setattr(bench, "import_benchmark", lambda: imported)
    monkeypatch.setattr(bench, "epoch_benchmarks", lambda repeats: [])
    monkeypatch.setattr(
        bench_sweep, "sweep_benchmarks", lambda: bench_sweep.sweep_rows(FAKE_SECONDS, 4)
    )
    stream = io.StringIO()
    rows = bench.run(include_sweeps=True, stream=stream)
    assert [row.met for row in rows[1:]] == [True, False, False, True]
    lines = stream.getvalue().splitlines()[3:]
    assert [line.split()[-1] for line in lines] == ["ok", "MISSED", "MISSED", "ok"]
    assert "models/s" in lines[2]


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
