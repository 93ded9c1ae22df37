"""Hostile command lines: size bombs, bad output paths and Ctrl-C each end in one line, at once,
with nothing trained, nothing half written and no worker process left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

import reluscope
from reluscope.cli import COMMANDS, INTERRUPTED, main
from reluscope.sweep import LIMITS

ROOT = Path(reluscope.__file__).resolve().parent.parent
# a quick sweep, so that a check that came too late would still be seen failing soon
SMALL = ["--n-samples", "60", "--epochs", "2", "--hidden-layers", "4", "--no-progress"]


def reluscope_command(*arguments: str, **options) -> subprocess.Popen:
    """``python -m reluscope ARGUMENTS`` on this checkout's code."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.Popen(
        [sys.executable, "-m", "reluscope", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **options,
    )


def run_reluscope(*arguments: str, timeout: float = 60) -> tuple[int, str, str, float]:
    started = time.monotonic()
    process = reluscope_command(*arguments)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err, time.monotonic() - started


# ------------------------------------------------------------------------------ size bombs

HUGE_LIST = ",".join(str(-i / 1000) for i in range(5 * LIMITS.max_values))
TEN = "0.001,0.002,0.005,0.01,0.02,0.05,0.1,0.2,0.5,1"


@pytest.mark.parametrize(
    ("arguments", "flag"),
    [
        (["--seeds", "1000000000"], "--seeds"),
        (["--n-seeds", "1000000000"], "--n-seeds"),
        ([f"--bias-offsets={HUGE_LIST}"], "--bias-offsets"),
        (["--learning-rates", HUGE_LIST.replace("-", "")], "--learning-rates"),
        # 4 activations × 10 × 10 × 100 seeds: 40,000 runs
        (
            [
                "--learning-rates",
                TEN,
                "--negative-slopes",
                TEN,
                "--bias-offsets",
                TEN,
                "--activations",
                "relu,tanh",
                "--n-seeds",
                "100",
            ],
            "--n-seeds",
        ),
        # 4 activations × 100 seeds × 100,000 epochs: 40 million run-epochs
        (["--n-seeds", "100", "--epochs", "100000"], "--epochs"),
        (["--jobs", "100000"], "--jobs"),
    ],
)
def test_a_sweep_too_large_is_refused_at_once_with_one_line(arguments, flag):
    code, out, err, seconds = run_reluscope("sweep", *SMALL, *arguments)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"reluscope sweep: error: argument {flag}: ")
    assert seconds < 10  # startup included; a bomb takes minutes, then the memory


# --------------------------------------------------------------------------------- --help


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_of_every_command_prints_its_usage(command):
    arguments = ["--help"] if command is None else [command, "--help"]
    code, out, err, _ = run_reluscope(*arguments)
    assert code == 0 and err == ""
    assert out.startswith(f"usage: reluscope {command or ''}".rstrip())
    if command == "sweep":
        assert LIMITS.describe().split()[-1] in out.split()  # the limits are documented


# ---------------------------------------------------------------------------- output paths


@pytest.fixture
def no_training(monkeypatch):
    """Training that fails the test if it starts."""
    import functools

    from reluscope import experiment, sweep

    for module, name in ((sweep, "run_sweep"), (experiment, "compare")):

        @functools.wraps(getattr(module, name))  # the same signature: flags read its defaults
        def train(*args, **kwargs):
            raise AssertionError("trained before the outputs were checked")

        monkeypatch.setattr(module, name, train)


def _bad_outputs(tmp_path: Path) -> list[tuple[list[str], str, str]]:
    folder = tmp_path / "runs.csv"
    folder.mkdir()
    missing = str(tmp_path / "no" / "such" / "folder" / "x.csv")
    return [
        (["sweep", "--out", str(tmp_path)], "argument --out", "ending in .csv"),
        (["sweep", "--out", str(folder)], "argument --out", "not a folder"),
        (["sweep", "--out", "/proc/x.csv"], "argument --out", "folder you can write to"),
        (["sweep", "--out", missing], "argument --out", "existing directory"),
        (["sweep", "--curves", str(folder)], "argument --curves", "not a folder"),
        (["sweep", "--curves", "/proc/x.csv"], "argument --curves", "folder you can write to"),
        (
            ["sweep", "--out", str(tmp_path / "a.csv"), "--curves", str(tmp_path / "a.csv")],
            "argument --curves",
            "other than --out",
        ),
        (["train", "--history", str(tmp_path)], "--history=", "not a folder"),
        (["train", "--history", "/proc/h.csv"], "--history=", "folder you can write to"),
        (["train", "--layers", missing], "--layers=", "existing directory"),
        (["train", "--settings-json", str(tmp_path)], "--settings-json=", "not a folder"),
        (["train", "--settings-json", "/proc/s.json"], "--settings-json=", "you can write to"),
    ]


def test_bad_output_paths_are_refused_before_training(tmp_path, no_training, capsys):
    for arguments, flag, reason in _bad_outputs(tmp_path):
        assert main(arguments) == 2, arguments
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and reason in err, err
        assert err.startswith(f"reluscope {arguments[0]}: error: {flag}"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.csv"]  # nothing written


def test_an_output_to_a_device_is_written_in_place(capsys):
    arguments = ["train", *SMALL[:4], "--activations", "relu", "--history", os.devnull]
    assert main(arguments) == 0
    assert "relu" in capsys.readouterr().out


def test_an_interrupted_train_leaves_no_partial_file(tmp_path, monkeypatch, capsys):
    history, layers = tmp_path / "h.csv", tmp_path / "l.csv"
    history.write_text("an older table\n")
    written = []

    def interrupted(self, path, **kwargs):
        Path(path).write_text("half a tab")
        written.append(Path(path))
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    arguments = ["train", *SMALL[:4], "--activations", "relu", "--history", str(history),
                 "--layers", str(layers)]  # fmt: skip
    assert main(arguments) == INTERRUPTED
    assert capsys.readouterr().err.endswith("reluscope train: interrupted\n")
    assert written and written[0].parent == tmp_path and written[0] != history
    assert history.read_text() == "an older table\n"  # the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.csv"]


# ---------------------------------------------------------------------------------- Ctrl-C


def _training(process: psutil.Process) -> bool:
    """Whether a worker has unpickled its task (NumPy is loaded): past its start-up, when a
    loaded machine can take many seconds to import the worker's own modules."""
    try:
        return any("_multiarray_umath" in m.path for m in process.memory_maps())
    except psutil.Error:
        return False


def _descendants_once_running(process: subprocess.Popen, count: int) -> list[psutil.Process]:
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = parent.children(recursive=True)
        if len(children) >= count and sum(map(_training, children)) >= count:
            time.sleep(1.0)  # the workers are training now
            return parent.children(recursive=True)
        assert process.poll() is None, process.communicate()
        time.sleep(0.2)
    raise AssertionError("the sweep started no worker processes")


@pytest.mark.parametrize(
    ("backend", "whole_group"),
    [("loky", False), ("loky", True), ("dask", True)],
    ids=["loky-sigint", "loky-ctrl-c", "dask-ctrl-c"],
)
def test_ctrl_c_stops_the_workers_and_exits_130_with_one_line(backend, whole_group, tmp_path):
    if backend == "dask":
        pytest.importorskip("distributed")
    out = tmp_path / "runs.csv"
    process = reluscope_command(
        "sweep", "--backend", backend, "--jobs", "2", "--group-size", "1", "--n-seeds", "20",
        "--epochs", "5000", "--hidden-layers", "16x16", "--no-progress", "--out", str(out),
        start_new_session=True,  # its own process group: "Ctrl-C" reaches it and its workers
    )  # fmt: skip
    workers = []
    try:
        workers = _descendants_once_running(process, 2)
        if whole_group:  # what a terminal does on Ctrl-C
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        _, alive = psutil.wait_procs(workers, timeout=10)
        assert process.returncode == INTERRUPTED
        assert err == "reluscope sweep: interrupted\n"
        assert alive == []
        assert list(tmp_path.iterdir()) == []
    finally:  # a failed check leaves nothing running either
        if process.poll() is None:
            process.kill()
            process.communicate()
        for worker in workers:
            if worker.is_running():
                worker.kill()
