"""`reluscope lessons`: run every lesson of the story at its settings and print its verdict.

reluscope lessons                          # one line per lesson: title, holds yes/no, verdict
reluscope lessons relu-dies-from-bias      # only the lessons named
reluscope lessons --seed 3                 # the same lessons from another seed
reluscope lessons --json                   # name, title, claim, holds, verdict, query

The exit status is 0 when every lesson run holds and 1 when one does not.
"""

from __future__ import annotations

import argparse

HELP = "run the lessons of the dying-ReLU story and print whether each claim holds, and why"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "names", nargs="*", metavar="LESSON", help="lessons to run, by name (default: all)"
    )
    parser.add_argument("--seed", help="train every lesson from this seed instead of its own")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list of objects with keys name, title, claim, holds, verdict, query",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the lessons' names and titles without training"
    )


def run(args: argparse.Namespace) -> int:
    import json
    from dataclasses import replace

    from reluscope.config import check_field
    from reluscope.lessons import LESSONS, lesson, run_lesson

    chosen = [lesson(name) for name in args.names] if args.names else list(LESSONS)
    if args.list:
        width = max(len(item.name) for item in chosen)
        for item in chosen:
            print(f"{item.name:<{width}}  {item.title}")
        return 0
    seed = None if args.seed is None else check_field("seed", args.seed)
    results = []
    for item in chosen:
        settings = item.settings if seed is None else replace(item.settings, seed=seed)
        _, verdict = run_lesson(item, settings)
        results.append((item, verdict))
        if not args.json:  # a line as soon as its lesson is judged
            print(f"{item.title} — holds: {'yes' if verdict.holds else 'no'} — {verdict.sentence}")
    if args.json:
        rows = [
            {
                "name": item.name,
                "title": item.title,
                "claim": item.claim,
                "holds": verdict.holds,
                "verdict": verdict.sentence,
                "query": item.query(),
            }
            for item, verdict in results
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    return 0 if all(verdict.holds for _, verdict in results) else 1
