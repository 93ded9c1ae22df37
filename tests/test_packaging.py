"""What ships: the resolver of shipped files, ``reluscope ui``'s command line, and an installed
wheel used from outside the checkout (data, sweeps, the precomputed tables and the dashboard)."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from serving import free_port, healthy, stop

from reluscope import resources
from reluscope.commands import ui

ROOT = Path(__file__).resolve().parent.parent
SERVER_START_TIMEOUT = 180  # seconds: a loaded CI machine imports slowly


def test_a_checkout_finds_its_data_and_settings_beside_the_package():
    assert resources.data_dir() == ROOT / "data"
    assert resources.data_path("precomputed", "sweep_default.csv").is_file()
    assert resources.streamlit_config() == ROOT / ".streamlit" / "config.toml"
    assert resources.app_path() == ROOT / "reluscope" / "ui" / "app.py"


def test_the_data_folder_inside_the_package_wins(tmp_path, monkeypatch):
    inside = tmp_path / "reluscope" / "data" / "precomputed"
    inside.mkdir(parents=True)
    (tmp_path / "data" / "precomputed").mkdir(parents=True)
    monkeypatch.setattr(resources, "_PACKAGE", tmp_path / "reluscope")
    assert resources.data_dir() == inside.parent


def test_a_missing_data_folder_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "_PACKAGE", tmp_path / "reluscope")
    with pytest.raises(FileNotFoundError, match=r"data folder is missing.*reinstall"):
        resources.data_dir()


def test_the_root_app_is_a_shim_for_the_packaged_entry_point():
    source = (ROOT / "app.py").read_text()
    assert "from reluscope.ui.app import main" in source
    assert "st.navigation" not in source


def test_reluscope_ui_serves_the_packaged_app_with_the_shipped_settings():
    line = ui.command(argparse.Namespace(port=8600, headless=True))
    assert line[:5] == [sys.executable, "-m", "streamlit", "run", str(resources.app_path())]
    shipped = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    for section, options in shipped.items():
        for name, value in options.items():
            written = str(value).lower() if isinstance(value, bool) else str(value)
            assert f"--{section}.{name}={written}" in line
    assert "--server.maxUploadSize=50" in line
    assert line[-2:] == ["--server.port=8600", "--server.headless=true"]


def test_requirements_install_the_package_with_the_dashboard():
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["-e .[ui]"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(dep.startswith("streamlit") for dep in project["optional-dependencies"]["ui"])
    assert project["scripts"]["reluscope"] == "reluscope.cli:main"


# --- an installed wheel, used from outside the checkout --------------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from this checkout, installed with --no-deps into a fresh folder.

    Returns the folder and an environment whose PYTHONPATH is only that folder.
    """
    wheels = tmp_path_factory.mktemp("wheels")
    target = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-q", str(ROOT), "-w", str(wheels)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("reluscope-*.whl")
    subprocess.run(
        [*pip, "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    return target, env


def _run(installed, tmp_path, *argv, timeout=300):
    """Run python with the installed wheel first on the path, from a folder outside the
    checkout; the completed process (stdout, stderr as text)."""
    _, env = installed
    result = subprocess.run(
        [sys.executable, *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.mark.slow
def test_the_wheel_carries_the_data_and_imports_from_where_it_is_installed(installed, tmp_path):
    target, _ = installed
    code = (
        "import reluscope; from reluscope import resources; "
        "print(reluscope.__file__); print(resources.data_dir()); "
        "print(resources.streamlit_config()); print(resources.app_path())"
    )
    package, data, settings, app = _run(installed, tmp_path, "-c", code).stdout.split()
    assert Path(package).is_relative_to(target)
    assert not Path(package).is_relative_to(ROOT)
    assert Path(data) == target / "reluscope" / "data"
    assert (Path(data) / "iris.csv").is_file()
    assert Path(settings) == target / "reluscope" / "ui" / ".streamlit" / "config.toml"
    assert Path(app) == target / "reluscope" / "ui" / "app.py"
    # nothing outside the package, and of the Streamlit folder only its settings
    assert {path.name for path in target.iterdir()} - {"bin"} == {
        "reluscope",
        "reluscope-0.1.0.dist-info",
    }
    assert [path.name for path in Path(settings).parent.iterdir()] == ["config.toml"]


@pytest.mark.slow
def test_the_installed_command_lists_the_datasets_and_the_bundled_files(installed, tmp_path):
    listing = _run(installed, tmp_path, "-m", "reluscope", "datasets").stdout
    for name in ("moons", "iris", "three_spirals", "noisy_surface"):
        assert name in listing


@pytest.mark.slow
def test_the_installed_command_sweeps_a_bundled_file(installed, tmp_path):
    argv = ["-m", "reluscope", "sweep", "--dataset", "csv:iris", "--activations", "relu"]
    argv += ["--epochs", "2", "--no-progress", "--out", "runs.csv"]
    _run(installed, tmp_path, *argv)
    import pandas as pd

    runs = pd.read_csv(tmp_path / "runs.csv")
    assert len(runs) == 1 and runs["epochs"].iloc[0] == 2
    assert 0 <= runs["final_score"].iloc[0] <= 1


@pytest.mark.slow
def test_the_installed_package_reads_the_precomputed_phase_diagram(installed, tmp_path):
    code = (
        "from reluscope.sweep import load_precomputed; table = load_precomputed('sweep'); "
        "print(len(table), table['activation'].nunique())"
    )
    rows, activations = map(int, _run(installed, tmp_path, "-c", code).stdout.split())
    assert rows > 100 and activations >= 2


@pytest.mark.slow
def test_the_installed_dashboard_draws_its_home_page(installed, tmp_path):
    code = (
        "from streamlit.testing.v1 import AppTest; from reluscope.resources import app_path; "
        "at = AppTest.from_file(str(app_path()), default_timeout=300).run(); "
        "assert not at.exception, at.exception; print(at.title[0].value)"
    )
    assert _run(installed, tmp_path, "-c", code).stdout.strip() == "Compare activations"


@pytest.mark.slow
def test_reluscope_ui_serves_from_the_installed_wheel(installed, tmp_path):
    _, env = installed
    port = free_port()
    health = f"http://127.0.0.1:{port}/_stcore/health"
    log_path = tmp_path / "streamlit.log"
    command = [sys.executable, "-m", "reluscope", "ui", "--headless", "--port", str(port)]
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not healthy(health):
            assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.25)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
    finally:
        stop(server)
    assert not healthy(health)  # stopping the command stopped the server: none left behind


def _readme_commands() -> list[str]:
    """Every ``reluscope ...`` command in README's shell blocks, continuation lines joined."""
    readme = (ROOT / "README.md").read_text()
    blocks = readme.split("```bash\n")[1:]
    lines = []
    for block in blocks:
        text = block.split("```", 1)[0].replace("\\\n", " ")
        lines += [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return [line for line in lines if line.startswith("reluscope ")]


def test_every_reluscope_command_in_the_readme_parses():
    from reluscope.cli import build_parser

    commands = _readme_commands()
    assert {line.split()[1] for line in commands} >= {"datasets", "train", "sweep", "ui"}
    parser = build_parser()
    for line in commands:
        parser.parse_args(shlex.split(line)[1:])  # exits (fails the test) on an unknown flag


def test_the_readme_sets_up_with_requirements_txt():
    assert (
        "pip install -r requirements.txt && streamlit run app.py"
        in (ROOT / "README.md").read_text()
    )
