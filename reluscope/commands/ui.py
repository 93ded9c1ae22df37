"""`reluscope ui`."""

from __future__ import annotations

import argparse

HELP = "ui (not available yet)"


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise SystemExit("reluscope ui is not available yet")
