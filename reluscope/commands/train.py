"""`reluscope train`: the dashboard's comparison from the command line.

Every option is a field of ``reluscope.config`` (same names, ranges and defaults as the
dashboard and its URL), validated strictly: a bad value is an error naming the field, never
silently corrected. No compute caps apply here; they protect the hosted demo only.
"""

from __future__ import annotations

import argparse

HELP = "train activations side by side from identical initial weights and print what happened"


def configure(parser: argparse.ArgumentParser) -> None:
    from reluscope.config import FIELDS

    for name, field in FIELDS.items():
        default = field.format(field.default)
        # older names of a field stay accepted (--seeds is --n-seeds)
        flags = [f"--{key.replace('_', '-')}" for key in (name, *field.aliases)]
        parser.add_argument(
            *flags,
            dest=name,
            metavar=field.kind.upper(),
            help=f"{field.help} (default: {default})".replace("%", "%%"),  # argparse formats it
        )
    parser.add_argument("--csv", metavar="PATH", help="train on this CSV file instead")
    parser.add_argument("--target", help="target column of --csv (default: the last)")
    parser.add_argument(
        "--history", metavar="PATH", help="write the per-epoch table (all runs) to this CSV file"
    )
    parser.add_argument(
        "--layers", metavar="PATH", help="write the per-epoch, per-layer table to this CSV file"
    )
    parser.add_argument(
        "--settings-json", metavar="PATH", help="write the validated settings to this JSON file"
    )


def load_dataset(settings, csv_path=None, target=None):
    """The dataset the settings (or ``--csv``) name."""
    from reluscope import datasets
    from reluscope.config import UPLOAD
    from reluscope.errors import InvalidParameterError

    if csv_path is not None:
        return datasets.load_csv(csv_path, target=target)
    if settings.dataset == UPLOAD:
        raise InvalidParameterError("dataset", UPLOAD, "--csv PATH on the command line")
    return datasets.from_choice(
        settings.dataset, settings.n_samples, settings.noise, random_state=settings.seed
    )


_OUTPUTS = ("history", "layers", "settings_json")


def _check_outputs(args: argparse.Namespace) -> None:
    from reluscope.sweep.files import check_writable

    for option in _OUTPUTS:
        if getattr(args, option) is not None:
            check_writable("--" + option.replace("_", "-"), getattr(args, option))


def run(args: argparse.Namespace) -> int:
    import sys

    import pandas as pd

    from reluscope.config import FIELDS, validate
    from reluscope.experiment import compare
    from reluscope.sweep.files import replacing

    raw = {name: getattr(args, name) for name in FIELDS if getattr(args, name) is not None}
    settings, _ = validate(raw, caps=None, strict=True)
    _check_outputs(args)  # fail before training, not after
    dataset = load_dataset(settings, args.csv, args.target)
    print(
        f"{dataset.name}: {dataset.n_samples} samples, {dataset.n_features} features, "
        f"{dataset.task}",
        file=sys.stderr,
    )
    result = compare(dataset, **settings.run_arguments())
    summary = result.summary()
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(summary.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    # each file whole or not at all: an interrupted run leaves no half-written table
    if args.history:
        with replacing(args.history) as temporary:
            result.epochs().to_csv(temporary, index=False)
    if args.layers:
        with replacing(args.layers) as temporary:
            result.layers().to_csv(temporary, index=False)
    if args.settings_json:
        with replacing(args.settings_json) as temporary:
            temporary.write_text(settings.to_json(), encoding="utf-8")
    return 0
