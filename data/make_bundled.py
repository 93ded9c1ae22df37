"""Regenerate the bundled CSV files in ``data/``, byte for byte.

Run from the repository root::

    python data/make_bundled.py            # rewrites data/*.csv
    python data/make_bundled.py OUT_DIR    # writes them to OUT_DIR instead

``tests/test_datasets_bundled.py`` runs this into a temporary directory and compares the bytes,
so the files and this script cannot drift apart.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# the script lives in data/, so the package one level up is not on sys.path by itself
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reluscope.datasets import Dataset, make_dataset
from reluscope.resources import data_dir

SIGNIFICANT_DIGITS = 6


def bundled() -> dict[str, Dataset]:
    """File stem -> dataset to write."""
    return {
        # real: Fisher's iris as shipped with scikit-learn (values have one decimal)
        "iris": make_dataset("iris"),
        "three_spirals": make_dataset(
            "spirals", n_samples=600, noise=0.04, random_state=0, arms=3, turns=1.0
        ),
        "noisy_surface": make_dataset("surface", n_samples=400, noise=0.1, random_state=0),
    }


def write_csv(data: Dataset, path: Path) -> None:
    """Header, then one line per sample: features with 6 significant digits, then the target."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*data.feature_names, data.target_name])
        for features, target in zip(data.X, data.y, strict=True):
            label = (
                data.class_names[target]
                if data.task == "classification"
                else f"{target:.{SIGNIFICANT_DIGITS}g}"
            )
            writer.writerow([*(f"{v:.{SIGNIFICANT_DIGITS}g}" for v in features), label])


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else data_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in bundled().items():
        write_csv(data, out_dir / f"{name}.csv")
        print(f"wrote {out_dir / name}.csv: {data!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
