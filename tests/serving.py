"""Helpers for tests that start a Streamlit server and drive Chromium: a free port, the health
check, one ``streamlit run app.py`` context manager, and the Chromium flags every browser test
launches with."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# headless Chromium as root in a sandbox without a GPU or network: no sandbox, no GPU, nothing
# fetched on start (first-run pages, component updates, sync, background requests)
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
SERVER_START_TIMEOUT = 180  # seconds: a loaded CI machine imports slowly


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(url: str) -> bool:
    """Whether ``url`` (a server's ``/_stcore/health``) answers 200 within 2 s."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop(server: subprocess.Popen) -> None:
    """Terminate a server process, killing it if it has not exited within 15 s."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def chromium_unavailable(reason: str) -> None:
    """Skip loudly, or fail when ``RELUSCOPE_E2E=required`` (CI sets it)."""
    import pytest

    if os.environ.get("RELUSCOPE_E2E") == "required":
        pytest.fail(f"RELUSCOPE_E2E=required but {reason}", pytrace=False)
    pytest.skip(
        f"BROWSER TESTS SKIPPED: {reason}. Install Debian's Chromium (apt-get install chromium); "
        "set RELUSCOPE_E2E=required to make this a failure."
    )


def chromium_executable() -> str:
    """The path of Debian's Chromium, once Playwright is known to be importable too; else
    :func:`chromium_unavailable`."""
    path = shutil.which("chromium")
    if path is None:
        chromium_unavailable("no `chromium` executable on PATH")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        chromium_unavailable("the `playwright` Python package is not installed")
    return path


@dataclass(frozen=True)
class Server:
    """A running ``streamlit run app.py``: its address, process and log file."""

    url: str
    process: subprocess.Popen
    log_path: Path | None


class ServerStartError(RuntimeError):
    """The server exited, or did not answer its health check in time."""


@contextmanager
def streamlit_server(
    log_path: Path | None = None, timeout: float = SERVER_START_TIMEOUT
) -> Iterator[Server]:
    """``streamlit run app.py`` from the checkout on a free loopback port, headless, with no
    file watcher and no usage statistics; stopped on exit.

    Its output goes to ``log_path`` (discarded without one). Raises :class:`ServerStartError`,
    with the log's tail, when it exits or is not healthy within ``timeout`` seconds.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    output = open(log_path, "w") if log_path else subprocess.DEVNULL
    try:
        process = subprocess.Popen(command, cwd=REPO, stdout=output, stderr=subprocess.STDOUT)
    finally:
        if log_path:
            output.close()
    try:
        deadline = time.monotonic() + timeout
        while not healthy(f"{url}/_stcore/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text()[-3000:] if log_path else "(no log kept)"
                raise ServerStartError(
                    f"streamlit did not become healthy on {url}; log {log_path}:\n{tail}"
                )
            time.sleep(0.25)
        yield Server(url, process, log_path)
    finally:
        stop(process)


def collect_errors(tab) -> None:
    """Record a Playwright tab's uncaught errors and console errors in ``tab.errors``; a
    resource that fails to load (there is no network here) or a usage-metrics message is not
    an error of the app."""
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            tab.errors.append(f"console: {message.text}")
            if message.type == "error"
            and "Failed to load resource" not in message.text
            and "metrics" not in message.text.lower()
            else None
        ),
    )
