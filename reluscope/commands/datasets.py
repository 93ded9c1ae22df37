"""`reluscope datasets`."""

from __future__ import annotations

import argparse

HELP = "datasets (not available yet)"


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise SystemExit("reluscope datasets is not available yet")
