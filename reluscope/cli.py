"""The ``reluscope`` console script.

Each sub-command lives in ``reluscope/commands/<name>.py`` and defines ``HELP``,
``configure(parser)`` and ``run(args) -> int``; those modules import only the standard library
at module level so that ``reluscope --help`` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from reluscope.errors import DatasetError, InvalidParameterError

COMMANDS = ("train", "sweep", "lessons", "bench", "datasets", "ui")

# the shells' exit status of a command stopped by SIGINT (128 + 2)
INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reluscope",
        description="See how activation functions behave, above all the dying ReLU problem.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"reluscope.commands.{name}")
        command_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(command_parser)
        command_parser.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except (InvalidParameterError, DatasetError) as error:  # a user's error, named: no traceback
        print(f"reluscope {args.command}: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # the machine's, e.g. a full disk: no traceback either
        print(f"reluscope {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the command has stopped its workers on the way out
        print(f"reluscope {args.command}: interrupted", file=sys.stderr)
        return INTERRUPTED
