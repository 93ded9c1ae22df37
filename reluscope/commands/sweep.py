"""`reluscope sweep`."""

from __future__ import annotations

import argparse

HELP = "sweep (not available yet)"


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise SystemExit("reluscope sweep is not available yet")
