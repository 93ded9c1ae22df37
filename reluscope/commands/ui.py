"""`reluscope ui`: start the dashboard (the same as `streamlit run app.py`)."""

from __future__ import annotations

import argparse

HELP = "start the dashboard in a browser (needs streamlit)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    parser.add_argument("--headless", action="store_true", help="do not open a browser")


def run(args: argparse.Namespace) -> int:
    import subprocess
    import sys
    from pathlib import Path

    app = Path(__file__).resolve().parents[2] / "app.py"
    if not app.exists():
        raise ValueError(f"app.py not found next to the package ({app}); run from a checkout")
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port)]
    if args.headless:
        command += ["--server.headless", "true"]
    return subprocess.call(command)
