"""reluscope.sweep.files: the shipped precomputed tables, reading old tables, writing."""

from __future__ import annotations

import pandas as pd
import pytest

from reluscope.errors import InvalidParameterError
from reluscope.sweep import (
    OLD_COLUMNS,
    RUN_COLUMNS,
    check_output_path,
    load_precomputed,
    read_table,
    recovery_table,
    run_sweep,
    write_table,
)


def test_precomputed_sweep_is_the_documented_default():
    runs = load_precomputed("sweep")
    assert list(runs.columns) == list(RUN_COLUMNS) and len(runs) == 4 * 6 * 5 * 3
    assert set(runs["activation"]) == {"relu", "leaky_relu", "tanh", "sigmoid"}
    relu = runs[runs["activation"] == "relu"]
    born_dead = relu.groupby("bias_offset")["born_dead_fraction"].mean()
    assert born_dead.is_monotonic_decreasing and born_dead.iloc[0] > 0.8
    leaky = runs[runs["activation"] == "leaky_relu"]
    assert (leaky.loc[~leaky["diverged"], "dead_fraction_final"] == 0).all()
    # the command in data/README.md reproduces a row (up to floating-point summation order)
    row = runs[(runs["activation"] == "relu") & (runs["bias_offset"] == -1)
               & (runs["learning_rate"] == 0.01) & (runs["seed"] == 1)].iloc[0]  # fmt: skip
    again = run_sweep(
        {"activations": "relu", "bias_offsets": -1, "learning_rates": 0.01, "seeds": [1],
         "hidden_layers": "16x16", "solvers": row["solver"]},
        n_samples=300, epochs=60, batch_size=32,
    ).runs.iloc[0]  # fmt: skip
    assert again["final_loss"] == pytest.approx(row["final_loss"], rel=1e-9)
    assert again["dead_fraction_final"] == row["dead_fraction_final"]
    assert again["born_dead_fraction"] == row["born_dead_fraction"]


def test_precomputed_recovery_table_shows_that_the_optimiser_decides():
    table = recovery_table(load_precomputed("recovery")).set_index(
        ["activation", "negative_slope", "solver"]
    )
    assert table.loc[("leaky_relu", 0.1, "sgd"), "recovered_share"] < 0.05
    assert table.loc[("leaky_relu", 0.1, "adam"), "recovered_share"] > 0.9
    relu = table.loc["relu"]
    assert (relu["born_dead"] > 0).all() and (relu["recovered_dead"] == 0).all()


def test_precomputed_tables_ship_with_todays_column_names():
    from reluscope.resources import data_path
    from reluscope.sweep import PRECOMPUTED

    for file in PRECOMPUTED.values():
        header = data_path("precomputed", file).read_text().splitlines()[0].split(",")
        assert header == list(RUN_COLUMNS) and not set(OLD_COLUMNS) & set(header)


def test_unknown_precomputed_table_names_its_field():
    with pytest.raises(InvalidParameterError) as caught:
        load_precomputed("nope")
    assert caught.value.field == "name" and "sweep, recovery" in caught.value.allowed


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tables_with_the_old_column_names_read_as_todays(tmp_path, suffix):
    today = load_precomputed("recovery").head(4)
    old = today.rename(columns={new: old for old, new in OLD_COLUMNS.items()})
    assert {"hidden", "dead_fraction_init", "inactive_fraction_init"} <= set(old.columns)
    path = write_table(old, tmp_path / f"old{suffix}")
    pd.testing.assert_frame_equal(read_table(path), today, check_exact=True)
    again = write_table(today, tmp_path / f"new{suffix}")
    pd.testing.assert_frame_equal(read_table(again), today, check_exact=True)


def test_tables_go_only_to_csv_or_parquet_in_an_existing_folder(tmp_path):
    frame = pd.DataFrame({"run": [0]})
    for name, path in (("out", tmp_path / "runs.xlsx"), ("curves", tmp_path / "no" / "c.csv")):
        with pytest.raises(InvalidParameterError) as caught:
            check_output_path(name, path)
        assert caught.value.field == name
    assert check_output_path("out", tmp_path / "runs.PQ") == tmp_path / "runs.PQ"
    with pytest.raises(InvalidParameterError) as caught:
        write_table(frame, tmp_path / "runs.txt")
    assert caught.value.field == "out"
    with pytest.raises(InvalidParameterError) as caught:
        read_table(tmp_path / "runs.txt")
    assert caught.value.field == "path"


class _Interrupted:
    """A table whose writing is cut short by Ctrl-C halfway through."""

    def to_csv(self, path, index):
        with open(path, "w") as handle:
            handle.write("run,final_lo")
        raise KeyboardInterrupt

    to_parquet = to_csv


@pytest.mark.parametrize("name", ["runs.csv", "runs.parquet"])
def test_an_interrupted_write_leaves_the_old_table_whole(tmp_path, name):
    path = tmp_path / name
    write_table(pd.DataFrame({"run": [0, 1]}), path)
    before = path.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        write_table(_Interrupted(), path)
    assert path.read_bytes() == before and list(tmp_path.iterdir()) == [path]
    with pytest.raises(KeyboardInterrupt):
        write_table(_Interrupted(), tmp_path / f"new-{name}")
    assert list(tmp_path.iterdir()) == [path]  # no partial file, no temporary one


def test_an_output_is_checked_by_writing_beside_it(tmp_path):
    from reluscope.sweep import check_writable

    (tmp_path / "runs.csv").mkdir()
    for path, reason in (
        (tmp_path / "runs.csv", "not a folder"),
        ("/proc/runs.csv", "a folder you can write to"),
        (tmp_path / "no" / "runs.csv", "an existing directory"),
    ):
        with pytest.raises(InvalidParameterError) as caught:
            check_output_path("curves", path)
        assert caught.value.field == "curves" and reason in caught.value.allowed
    assert check_writable("--history", tmp_path / "h.csv") == tmp_path / "h.csv"
    assert [p.name for p in tmp_path.iterdir()] == ["runs.csv"]  # the probe is gone
