"""`reluscope bench`: timings against scikit-learn in the same run, BLAS at one thread."""

from __future__ import annotations

import argparse

HELP = "benchmark reluscope against scikit-learn on this machine (ratios, BLAS at one thread)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="interleaved rounds; each figure is the median over them (default 5)",
    )
    parser.add_argument(
        "--sweeps",
        action="store_true",
        help="also time the sweep benchmarks: models/s for K = 1, 8, 32, 128, 32 seeds in-process "
        "and as whole processes vs scikit-learn (a few minutes)",
    )


def run(args: argparse.Namespace) -> int:
    from reluscope.bench import run as run_benchmarks
    from reluscope.errors import InvalidParameterError

    if args.repeats < 1:
        raise InvalidParameterError("--repeats", args.repeats, "a whole number >= 1")
    run_benchmarks(repeats=args.repeats, include_sweeps=args.sweeps)
    return 0
