"""`reluscope datasets`: list the datasets, describe one, or check a CSV file.

reluscope datasets                 # every dataset with a one-line description
reluscope datasets spirals         # its task and parameters (default, what is allowed)
reluscope datasets my.csv --target label   # load a CSV file and summarise it, or say why not
"""

from __future__ import annotations

import argparse

HELP = "list the built-in datasets and bundled CSV files, describe one, or check a CSV file"

NAME_WIDTH = 20


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "name",
        nargs="?",
        help="a dataset name to describe, or a CSV file to check (default: list all)",
    )
    parser.add_argument("--target", help="target column of a CSV file (default: the last)")
    parser.add_argument(
        "--task",
        choices=("classification", "regression"),
        help="task of a CSV file (default: inferred from the target)",
    )


def run(args: argparse.Namespace) -> int:
    from reluscope import datasets

    if args.name is None:
        print(_listing(datasets))
    elif args.name in datasets.DATASETS:
        print(_describe(datasets.dataset_info(args.name)))
    elif args.name in datasets.bundled_datasets():
        print(_summary(datasets.load_bundled(args.name)))
    else:
        print(_summary(datasets.load_csv(args.name, target=args.target, task=args.task)))
    return 0


def _listing(datasets) -> str:
    lines = ["Datasets for make_dataset(name, ...); `reluscope datasets NAME` shows parameters:"]
    for name in datasets.DATASETS:
        info = datasets.dataset_info(name)
        lines.append(f"  {name:<{NAME_WIDTH}} {info.task:<15} {info.description}")
    lines += ["", "Bundled CSV files, for load_bundled(name) or as templates for your own:"]
    for name, path in datasets.bundled_datasets().items():
        where = f"data/{path.name}"
        lines.append(f"  {name:<{NAME_WIDTH}} {where:<24} {datasets.bundled_description(name)}")
    return "\n".join(lines)


def _describe(info) -> str:
    kind = "real data shipped with scikit-learn" if info.real else "generated"
    lines = [f"{info.name}: {info.task}, {kind}", f"  {info.description}", "", "parameters:"]
    for key, parameter in info.parameters.items():
        lines.append(f"  {key:<12} default {parameter.default!r:<8} {parameter.allowed}")
    lines.append(f"  {'random_state':<12} default {None!r:<8} None or an integer in [0, 2**32 - 1]")
    return "\n".join(lines)


def _summary(data) -> str:
    features = ", ".join(data.feature_names[:8]) + (" …" if data.n_features > 8 else "")
    lines = [
        f"{data.name}: {data.task}, {data.n_samples} rows × {data.n_features} features",
        f"  features: {features}",
        f"  target:   {data.target_name}",
    ]
    if data.task == "classification":
        lines.append(f"  classes: {', '.join(data.class_names)}")
    lines.append(f"  {data.description}")
    return "\n".join(lines)
