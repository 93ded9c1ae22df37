"""`reluscope bench`."""

from __future__ import annotations

import argparse

HELP = "bench (not available yet)"


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise SystemExit("reluscope bench is not available yet")
