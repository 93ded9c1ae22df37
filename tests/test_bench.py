"""reluscope bench: rows from fake timings (no real benchmark), targets, the printed tables."""

import io

import pytest

from reluscope import bench, bench_sweep

# ratios: scaling 1.25 (target 1), 32 seeds 10x (12), whole process 3x (3), wide 3x (4),
# jobs exactly 1.5x (1.5)
FAKE_SECONDS = {
    "sklearn_one": 0.25, "k1": 0.1, "k8": 0.4, "k32": 1.2, "k128": 5.12,
    "seeds": 2.0, "sklearn_deep": 20.0, "cli": 4.0, "sklearn_script": 12.0,
    "wide": 2.0, "sklearn_wide": 6.0, "jobs1": 3.0, "jobs2": 2.0,
}  # fmt: skip


def test_sweep_rows_are_checked_against_their_targets():
    rows = bench_sweep.sweep_rows(FAKE_SECONDS, cpus=4)
    stacks, checked = rows[:4], rows[4:]
    assert [row["reluscope"] for row in stacks] == pytest.approx([10.0, 20.0, 80 / 3, 25.0])
    assert all(row["reference"] == pytest.approx(4.0) for row in stacks)  # sklearn models/s
    assert [row["target"] for row in stacks] == ["-"] * 4
    assert [row["ratio"] for row in checked] == pytest.approx([1.25, 10.0, 3.0, 3.0, 1.5])
    assert [row["met"] for row in checked] == [True, False, True, False, True]
    assert [row["target"] for row in checked] == [">= 1x", ">= 12x", ">= 3x", ">= 4x", ">= 1.5x"]
    assert bench_sweep.TARGETS == {
        "scaling": 1.0, "seeds": 12.0, "cli": 3.0, "wide": 4.0, "jobs": 1.5
    }  # fmt: skip
    scaling = checked[0]  # models per second at K = 128 and at K = 8
    assert (scaling["reluscope"], scaling["reference"], scaling["unit"]) == pytest.approx(
        (25.0, 20.0, "models/s")
    )
    assert "4 CPUs" in checked[-1]["name"]
    nan = bench_sweep.sweep_rows({**FAKE_SECONDS, "cli": float("nan")})
    assert not nan[6]["met"]


def _fake_epoch_rows():
    rows = []
    for name, *_, (target_on, target_off) in bench.EPOCH_CASES:
        for variant, ours, target in (
            ("on", 0.35, target_on), ("off", 0.25, target_off), ("float32 on", 0.3, None)
        ):  # fmt: skip
            rows.append(bench._row(f"{name}, diagnostics {variant}", ours, 1.0, "ms", target))
    return rows


def test_epoch_rows_meet_or_miss_their_targets_and_fill_the_ratio_table():
    rows = {row.name: row for row in _fake_epoch_rows()}
    assert rows["64x64 bs32 sgd, diagnostics on"].met  # 0.35 ≤ 0.40
    assert not rows["64x64 bs32 sgd, diagnostics off"].met  # 0.25 > 0.22
    assert not rows["16x16x16x16 bs32 sgd, diagnostics on"].met  # 0.35 > 0.22
    assert rows["64x64 bs32 adam, diagnostics float32 on"].target == "-"
    fraction = bench._row("GFLOP/s", 6.0, 10.0, "GFLOP/s", 0.6, higher_is_better=True)
    assert fraction.met and fraction.target == ">= 0.60x"
    assert not bench._row("GFLOP/s", 5.9, 10.0, "GFLOP/s", 0.6, higher_is_better=True).met
    table = bench.ratio_table(list(rows.values())).splitlines()
    assert len(table) == 1 + len(bench.EPOCH_CASES)
    assert table[2].split()[-3:] == ["0.350", "0.250", "0.300"]


def test_bench_prints_every_row_with_its_verdict(monkeypatch):
    imported = bench.BenchRow("import", 1.0, 1.0, "ms", 1.0, "<= 1.50x", True)
    monkeypatch.setattr(bench, "import_benchmark", lambda: imported)
    monkeypatch.setattr(bench, "epoch_benchmarks", lambda repeats: _fake_epoch_rows())
    monkeypatch.setattr(
        bench_sweep, "sweep_benchmarks", lambda repeats: bench_sweep.sweep_rows(FAKE_SECONDS, 4)
    )
    stream = io.StringIO()
    rows = bench.run(include_sweeps=True, stream=stream)
    sweep = rows[1 + len(_fake_epoch_rows()) :]
    assert [row.met for row in sweep[4:]] == [True, False, True, False, True]
    text = stream.getvalue()
    lines = text.split("\n\n")[0].splitlines()[2:]
    verdicts = [line.split()[-1] for line in lines[-5:]]
    assert verdicts == ["ok", "MISSED", "ok", "MISSED", "ok"]
    assert "models/s" in lines[-9]
    assert "case (ratio to scikit-learn)" in text.split("\n\n")[1]
