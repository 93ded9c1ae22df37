"""Tests for `reluscope datasets`: list the datasets, describe one, check a CSV file."""

from __future__ import annotations

from datasets_support import csv_bytes, two_class_rows

from reluscope.cli import main as cli_main
from reluscope.datasets import DATASETS, bundled_datasets, bundled_description, dataset_info


def test_cli_lists_every_dataset_with_a_description(capsys):
    assert cli_main(["datasets"]) == 0
    generated, bundled = capsys.readouterr().out.split("Bundled CSV files")
    sections = [(generated, DATASETS, lambda name: dataset_info(name).description),
                (bundled, bundled_datasets(), bundled_description)]  # fmt: skip
    for text, names, describe in sections:
        lines = text.splitlines()
        for name in names:
            line = next(line for line in lines if line.split()[:1] == [name])
            assert describe(name) in line


def test_cli_describes_a_generator_and_checks_a_csv_file(capsys, tmp_path):
    assert cli_main(["datasets", "spirals"]) == 0
    out = capsys.readouterr().out
    assert "arms" in out and "turns" in out and "an integer in [2, 10]" in out
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(two_class_rows()))
    assert cli_main(["datasets", str(good)]) == 0
    out = capsys.readouterr().out
    assert "12 rows" in out and "classes: no, yes" in out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b,label\n")
    assert cli_main(["datasets", str(bad)]) == 2
    assert "no data rows" in capsys.readouterr().err


def test_cli_summarises_a_bundled_file_by_name(capsys):
    assert cli_main(["datasets", "iris"]) == 0  # the generator name wins over the bundled file
    assert "real data shipped with scikit-learn" in capsys.readouterr().out
    assert cli_main(["datasets", "three_spirals"]) == 0
    out = capsys.readouterr().out
    assert "600 rows" in out and bundled_description("three_spirals") in out
