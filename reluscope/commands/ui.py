"""`reluscope ui`: start the dashboard, from a checkout or an installed wheel alike."""

from __future__ import annotations

import argparse
from typing import NoReturn

HELP = "start the dashboard in a browser (needs streamlit)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    parser.add_argument("--headless", action="store_true", help="do not open a browser")


def config_flags(path) -> list[str]:
    """The settings of a Streamlit ``config.toml`` as ``streamlit run`` flags.

    Streamlit reads ``.streamlit/config.toml`` only from the working directory, so the shipped
    file is passed as flags to apply wherever the command is started.

    Parameters
    ----------
    path : path-like
        A TOML file of ``[section]`` tables of options.

    Returns
    -------
    list of str
        ``--section.option=value`` per option, booleans written ``true`` / ``false``.
    """
    import tomllib

    with open(path, "rb") as file:
        sections = tomllib.load(file)
    return [
        f"--{section}.{name}={str(value).lower() if isinstance(value, bool) else value}"
        for section, options in sections.items()
        for name, value in options.items()
    ]


def command(args: argparse.Namespace) -> list[str]:
    """The ``streamlit run`` command line that serves the packaged dashboard."""
    import sys

    from reluscope.resources import app_path, streamlit_config

    line = [sys.executable, "-m", "streamlit", "run", str(app_path())]
    line += [*config_flags(streamlit_config()), f"--server.port={args.port}"]
    if args.headless:
        line.append("--server.headless=true")
    return line


def run(args: argparse.Namespace) -> NoReturn:
    import importlib.util
    import os
    import sys

    if importlib.util.find_spec("streamlit") is None:
        print("reluscope ui: error: the dashboard needs streamlit: pip install 'reluscope[ui]'",
              file=sys.stderr)  # fmt: skip
        raise SystemExit(2)
    line = command(args)
    # the server replaces this process, so stopping `reluscope ui` stops the server
    os.execv(line[0], line)
