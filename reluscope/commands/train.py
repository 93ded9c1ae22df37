"""`reluscope train`."""

from __future__ import annotations

import argparse

HELP = "train (not available yet)"


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise SystemExit("reluscope train is not available yet")
