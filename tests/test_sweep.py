"""Tests for reluscope.sweep and `reluscope sweep`: meaning of the run table, identical results
whatever the grouping or backend (loky, a dask cluster on loopback), and the command line."""

from __future__ import annotations

import doctest
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from reluscope import sweep
from reluscope.cli import main
from reluscope.datasets import make_dataset
from reluscope.errors import InvalidParameterError
from reluscope.experiment import train_runs
from reluscope.sweep import (
    CURVE_COLUMNS,
    RUN_COLUMNS,
    SweepGrid,
    check_integer,
    load_precomputed,
    recovery_table,
    run_sweep,
    summarize_run,
)

# small enough to train in well under a second, varied enough to exercise every path:
# three activations (one leaky), two solvers, two shapes, a learning rate that diverges
IDENTITY_GRID = {
    "activations": "relu,leaky_relu,tanh",
    "negative_slopes": "0.01,0.3",
    "bias_offsets": "-2,0",
    "learning_rates": "0.05,1",
    "seeds": 2,
    "solvers": "sgd,adam",
    "hidden": "6,4x4",
}
IDENTITY_SETTINGS = {
    "dataset": "moons", "n_samples": 80, "epochs": 6, "batch_size": 8, "curves": True,
}  # fmt: skip


@pytest.fixture(scope="module")
def reference():
    """The identity grid trained as one stack per (shape, solver)."""
    return run_sweep(IDENTITY_GRID, group_size=1000, **IDENTITY_SETTINGS)


def assert_same(result, reference):
    pd.testing.assert_frame_equal(result.runs, reference.runs, check_exact=True)
    pd.testing.assert_frame_equal(result.curves, reference.curves, check_exact=True)


# ---------------------------------------------------------------- the grid


def test_grid_parses_lists_and_crosses_slopes_only_with_leaky_units():
    grid = SweepGrid(
        activations="relu, Leaky_ReLU,logistic",
        negative_slopes=[0.01, 0.1, 0.01],
        bias_offsets="-3,-1,0",
        learning_rates=0.1,
        seeds=3,
        hidden="16x16,32",
    )
    assert grid.activations == ("relu", "leaky_relu", "sigmoid")
    assert grid.negative_slopes == (0.01, 0.1)
    assert grid.seeds == (0, 1, 2)
    assert grid.hidden == ((16, 16), (32,))
    assert grid.n_runs == (1 + 2 + 1) * 3 * 1 * 3 * 2 == len(grid.points())
    assert SweepGrid(hidden=(16, 16)).hidden == ((16, 16),)  # a flat tuple is one shape
    assert SweepGrid(hidden=[(8,), "4x4"]).hidden == ((8,), (4, 4))
    assert SweepGrid(seeds=[5, 7]).seeds == (5, 7)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("activations", "relu,nope"),
        ("bias_offsets", "-3,x"),
        ("bias_offsets", 11),
        ("learning_rates", "0"),
        ("learning_rates", float("nan")),
        ("negative_slopes", -0.1),
        ("seeds", 0),
        ("seeds", [1.5]),
        ("solvers", "lbfgs"),
        ("hidden", "16x0"),
        ("hidden", "abc"),
        ("inits", "zeros"),
        ("activations", ""),
    ],
)
def test_bad_grid_values_name_their_field(field, value):
    with pytest.raises(InvalidParameterError) as caught:
        SweepGrid(**{field: value})
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("epochs", 0),
        ("epochs", math.inf),
        ("epochs", 2.5),
        ("batch_size", "x"),
        ("batch_size", 2),  # reluscope.config allows 4 to 512
        ("batch_size", 1024),
        ("group_size", 0),
        ("jobs", 0),
        ("jobs", -2),
        ("jobs", 1.5),
        ("backend", "threads"),
        ("dtype", "float16"),
        ("test_size", 1.0),
        ("momentum", 2.0),
        ("momentum", -0.1),
        ("alpha", -1e-4),
        ("alpha", math.inf),
        ("scheduler", "tcp://127.0.0.1:1"),  # a scheduler needs the dask backend
    ],
)
def test_bad_run_arguments_name_their_field(argument, value):
    with pytest.raises(InvalidParameterError) as caught:
        run_sweep({"activations": "relu"}, **{argument: value})
    assert caught.value.field == argument
    with pytest.raises(InvalidParameterError) as caught:
        run_sweep({"colour": "red"})
    assert caught.value.field == "grid"


@pytest.mark.parametrize("name", ["epochs", "batch_size"])
def test_training_ranges_are_the_configs(name):
    from reluscope.config import FIELDS

    low, high = int(FIELDS[name].low), int(FIELDS[name].high)
    settings = {"epochs": 1, "batch_size": 32, "momentum": 0.9, "alpha": 0.0,
                "dtype": "float64", "test_size": 0.0}  # fmt: skip
    for bad in (low - 1, high + 1):
        with pytest.raises(InvalidParameterError, match=rf"\[{low}, {high}\]"):
            sweep._check_training(**{**settings, name: bad})
    for good in (low, high):
        epochs, batch_size = sweep._check_training(**{**settings, name: good})
        assert {"epochs": epochs, "batch_size": batch_size}[name] == good


def test_check_integer_takes_whole_numbers_and_their_text():
    assert check_integer("n", "32") == check_integer("n", " 32 ") == check_integer("n", 32.0) == 32
    assert check_integer("n", np.int64(7), 1, 7) == 7 and type(check_integer("n", "3")) is int
    assert check_integer("jobs", "-1", -1) == -1
    for bad in (True, 2.5, "2.5", "two", None, math.nan, math.inf, "1e999", 0, [3]):
        with pytest.raises(InvalidParameterError) as caught:
            check_integer("n", bad)
        assert caught.value.field == "n" and caught.value.allowed == "an integer ≥ 1"
    with pytest.raises(InvalidParameterError, match=r"an integer in \[1, 5\]"):
        check_integer("n", 6, 1, 5)
    for bad in (3.0, "3", np.float64(3)):  # the Python API of reluscope.theory
        with pytest.raises(InvalidParameterError):
            check_integer("n", bad, exact=True)
    with pytest.raises(InvalidParameterError, match="the demo's cap"):
        check_integer("seeds", 9, 1, 5, allowed="a whole number in [1, 5] (the demo's cap)")


# ---------------------------------------------------------------- meaning


@pytest.fixture(scope="module")
def bias_sweep():
    return run_sweep(
        {
            "activations": "relu,leaky_relu,tanh",
            "bias_offsets": "-4,-2,0",
            "learning_rates": 0.05,
            "seeds": 3,
            "hidden": "32",
        },
        n_samples=150,
        epochs=5,
        curves=True,
    )


def test_run_table_shape_and_columns(bias_sweep):
    runs, curves = bias_sweep.runs, bias_sweep.curves
    assert list(runs.columns) == list(RUN_COLUMNS)
    assert list(curves.columns) == list(CURVE_COLUMNS)
    assert len(runs) == 3 * 3 * 3 and runs["run"].tolist() == list(range(27))
    assert len(curves) == 27 * 6 and set(curves["epoch"]) == set(range(6))
    assert (runs["hidden"] == "32").all() and (runs["units"] == 32).all()
    assert runs["negative_slope"].tolist()[:9] == [0.0] * 9  # relu is leaky_relu at slope 0
    assert runs.loc[runs["activation"] == "tanh", "negative_slope"].isna().all()
    last = curves[curves["epoch"] == 5].reset_index(drop=True)
    np.testing.assert_array_equal(last["dead_fraction"], runs["dead_fraction_final"])
    np.testing.assert_array_equal(last["loss"], runs["final_loss"])
    first = curves[curves["epoch"] == 0].reset_index(drop=True)
    np.testing.assert_array_equal(first["inactive_fraction"], runs["inactive_fraction_init"])
    assert (runs["born_dead"] == runs["dead_fraction_init"] * runs["units"]).all()
    assert (runs["recovered_inactive"] <= runs["born_inactive"]).all()


def test_relu_born_dead_fraction_rises_as_the_bias_offset_falls(bias_sweep):
    relu = bias_sweep.runs[bias_sweep.runs["activation"] == "relu"]
    born_dead = relu.groupby("bias_offset")["dead_fraction_init"].mean()
    assert born_dead.index.tolist() == [-4.0, -2.0, 0.0]
    assert born_dead.iloc[0] > born_dead.iloc[1] > born_dead.iloc[2]
    assert born_dead.iloc[0] > 0.6 and born_dead.iloc[2] < 0.2
    # one hidden layer: a born-dead ReLU gets no gradient, ever
    assert (relu["recovered_dead"] == 0).all()


def test_leaky_units_are_never_dead_but_can_be_inactive(bias_sweep):
    runs, curves = bias_sweep.runs, bias_sweep.curves
    assert (curves.loc[curves["activation"] == "leaky_relu", "dead_fraction"] == 0).all()
    leaky = runs[runs["activation"] == "leaky_relu"]
    assert (leaky["deaths"] == 0).all() and (leaky["born_dead"] == 0).all()
    assert (leaky.loc[leaky["bias_offset"] == -4, "inactive_fraction_init"] > 0.5).all()


def test_runs_of_one_seed_share_their_initial_weights(bias_sweep):
    runs = bias_sweep.runs
    born = runs.pivot_table(
        index=["bias_offset", "seed"], columns="activation", values="born_inactive"
    )
    np.testing.assert_array_equal(born["relu"], born["leaky_relu"])
    np.testing.assert_array_equal(born["relu"], born["tanh"])


def test_held_out_set_adds_validation_columns():
    result = run_sweep({"activations": "relu", "hidden": "4"}, n_samples=60, epochs=2,
                       test_size=0.25, curves=True)  # fmt: skip
    assert {"final_val_loss", "final_val_score"} <= set(result.runs.columns)
    assert result.runs.columns[-1] == "diverged"
    assert {"val_loss", "val_score"} <= set(result.curves.columns)
    assert result.settings["n_samples"] == 60


# ---------------------------------------------------------------- identical results


@pytest.mark.parametrize("group_size", [1, 4])
def test_results_do_not_depend_on_the_grouping(reference, group_size):
    assert reference.runs["diverged"].any() and not reference.runs["diverged"].all()
    assert_same(run_sweep(IDENTITY_GRID, group_size=group_size, **IDENTITY_SETTINGS), reference)


@pytest.mark.filterwarnings("ignore:Training diverged:RuntimeWarning")
def test_each_row_equals_training_that_run_alone(reference):
    train, _ = make_dataset("moons", n_samples=80, random_state=0).standardized()
    chosen = [0, 7, *np.flatnonzero(reference.runs["diverged"])[:2], len(reference.runs) - 1]
    for run in chosen:
        spec, config = reference.specs[run], reference.config_of(run)
        (alone,) = train_runs(train.X, train.y, [spec], config)
        row, curve = summarize_run(alone, curves=True)
        expected = reference.runs.iloc[run]
        for name, value in row.items():
            assert expected[name] == value or (math.isnan(value) and math.isnan(expected[name]))
        mine = reference.curves[reference.curves["run"] == run]
        np.testing.assert_array_equal(mine["loss"], curve["loss"])
        np.testing.assert_array_equal(mine["dead_fraction"], curve["dead_fraction"])


def test_loky_with_two_jobs_gives_identical_results(reference):
    fractions = []
    result = run_sweep(IDENTITY_GRID, group_size=8, jobs=2, progress=fractions.append,
                       **IDENTITY_SETTINGS)  # fmt: skip
    assert_same(result, reference)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(fractions) == len(reference.runs) // 8  # one report per finished group


def test_dask_cluster_on_loopback_gives_identical_results(reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        result = run_sweep(
            IDENTITY_GRID,
            group_size=8,
            backend="dask",
            scheduler=cluster.scheduler_address,
            **IDENTITY_SETTINGS,
        )
    assert_same(result, reference)


def test_unreachable_scheduler_is_a_clear_error():
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with (
        dask.config.set({"distributed.comm.timeouts.connect": "2s"}),
        pytest.raises(InvalidParameterError) as caught,
    ):
        run_sweep({"activations": "relu", "hidden": "4"}, n_samples=40, epochs=1,
                  backend="dask", scheduler="tcp://127.0.0.1:9", )  # fmt: skip
    assert caught.value.field == "scheduler"


def test_progress_in_process_reaches_one_epoch_by_epoch():
    fractions = []
    run_sweep({"activations": "relu,tanh", "hidden": "4"}, n_samples=40, epochs=3,
              group_size=1, progress=fractions.append)  # fmt: skip
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) == 8


# ---------------------------------------------------------------- tables for the lab page


def test_recovery_table_pools_and_averages_shares():
    runs = pd.DataFrame({
        "activation": ["leaky_relu"] * 3,
        "negative_slope": [0.1] * 3,
        "solver": ["adam"] * 3,
        "born_inactive": [10, 30, 0],
        "recovered_inactive": [5, 30, 0],
        "born_dead": [0, 0, 0],
        "recovered_dead": [0, 0, 0],
    })  # fmt: skip
    (row,) = recovery_table(runs).to_dict("records")
    assert row["n_runs"] == 3 and row["born_inactive"] == 40
    assert row["recovered_share"] == 35 / 40 and row["share_mean"] == 0.75
    assert row["share_ci_high"] == 1.0
    # t(0.975, 1) · sd([0.5, 1]) / √2 = 12.706 · 0.25, clipped at 0
    assert row["share_ci_low"] == 0.0


def test_recovery_table_interval_is_the_charts_interval():
    """One implementation of the interval: a lone run's collapses to its share, as in charts."""
    runs = pd.DataFrame({
        "activation": ["relu", "relu", "tanh", "sigmoid"],
        "negative_slope": [0.0, 0.0, math.nan, math.nan],
        "solver": ["sgd"] * 4,
        "born_inactive": [4, 4, 5, 0],
        "recovered_inactive": [1, 3, 2, 0],
        "born_dead": [1, 0, 0, 0],
        "recovered_dead": [0, 0, 0, 0],
    })  # fmt: skip
    table = recovery_table(runs)
    assert table["activation"].tolist() == ["relu", "tanh", "sigmoid"]  # the runs' order
    relu, tanh, sigmoid = table.to_dict("records")
    # shares 0.25 and 0.75: 0.5 ± t(0.975, 1) · 0.25, clipped to [0, 1]
    assert (relu["share_mean"], relu["share_ci_low"], relu["share_ci_high"]) == (0.5, 0.0, 1.0)
    assert (tanh["share_mean"], tanh["share_ci_low"], tanh["share_ci_high"]) == (0.4, 0.4, 0.4)
    assert math.isnan(sigmoid["share_mean"]) and math.isnan(sigmoid["share_ci_low"])


# ---------------------------------------------------------------- command line


CLI = [
    "sweep", "--dataset", "moons", "--n-samples", "60", "--activations", "relu,leaky_relu",
    "--bias-offsets=-3,0", "--learning-rates", "0.01,0.1", "--hidden", "4x4", "--seeds", "2",
    "--epochs", "3", "--batch-size", "16",
]  # fmt: skip


def test_cli_writes_csv_and_parquet_equal_to_the_api(tmp_path, capsys):
    runs_csv, curves_parquet = tmp_path / "runs.csv", tmp_path / "curves.parquet"
    assert main([*CLI, "--out", str(runs_csv), "--curves", str(curves_parquet)]) == 0
    assert "16 runs" in capsys.readouterr().err
    api = run_sweep(
        {"activations": "relu,leaky_relu", "bias_offsets": "-3,0", "learning_rates": "0.01,0.1",
         "hidden": "4x4", "seeds": 2},
        n_samples=60, epochs=3, batch_size=16, curves=True,
    )  # fmt: skip
    pd.testing.assert_frame_equal(pd.read_csv(runs_csv), api.runs, check_exact=True)
    pd.testing.assert_frame_equal(pd.read_parquet(curves_parquet), api.curves, check_exact=True)
    runs_parquet = tmp_path / "runs.parquet"
    assert main([*CLI, "--out", str(runs_parquet), "--jobs", "1", "--group-size", "3"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(runs_parquet), api.runs, check_exact=True)


def test_cli_without_out_writes_csv_to_stdout(capsys):
    assert main([*CLI, "--activations", "tanh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("run,activation,") and len(out.strip().splitlines()) == 1 + 8


@pytest.mark.parametrize(
    ("arguments", "flag"),
    [
        (["--bias-offsets=-3,abc"], "--bias-offsets"),
        (["--learning-rates", "5"], "--learning-rates"),
        (["--activations", "relu,bogus"], "--activations"),
        (["--hidden", "16xx"], "--hidden"),
        (["--seeds", "0"], "--seeds"),
        (["--epochs", "-1"], "--epochs"),
        (["--epochs", "2.5"], "--epochs"),
        (["--batch-size", "2"], "--batch-size"),
        (["--group-size", "0"], "--group-size"),
        (["--seed", "-1"], "--seed"),
        (["--seed", "2147483648"], "--seed"),
        (["--jobs", "two"], "--jobs"),
        (["--solvers", "lbfgs"], "--solvers"),
        (["--n-samples", "3"], "--n-samples"),
        (["--dataset", "nope"], "--dataset"),
        (["--out", "runs.xlsx"], "--out"),
        (["--curves", "/no/such/folder/c.csv"], "--curves"),
        (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler"),
    ],
)
def test_cli_bad_values_exit_2_naming_the_flag(arguments, flag, capsys):
    assert main([*CLI, *arguments]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"reluscope sweep: error: argument {flag}: ")
    assert "Traceback" not in error


def test_progress_bar_draws_one_line():
    import io

    from reluscope.commands.sweep import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(40, stream=stream, width=10)
    bar(0.5)
    bar(1.0)
    bar.close()
    text = stream.getvalue()
    assert "[#####-----]  50%  20/40 runs" in text
    assert "[##########] 100%  40/40 runs" in text and text.endswith("\n")


@pytest.mark.parametrize("arguments", [["--backend", "spark"], ["--n-samples", "many"]])
def test_cli_malformed_flags_exit_2_from_argparse(arguments, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*CLI, *arguments])
    assert caught.value.code == 2
    assert arguments[0] in capsys.readouterr().err


# ---------------------------------------------------------------- shipped results


def test_precomputed_sweep_is_the_documented_default():
    runs = load_precomputed("sweep")
    assert list(runs.columns) == list(RUN_COLUMNS) and len(runs) == 4 * 6 * 5 * 3
    assert set(runs["activation"]) == {"relu", "leaky_relu", "tanh", "sigmoid"}
    relu = runs[runs["activation"] == "relu"]
    born_dead = relu.groupby("bias_offset")["dead_fraction_init"].mean()
    assert born_dead.is_monotonic_decreasing and born_dead.iloc[0] > 0.8
    leaky = runs[runs["activation"] == "leaky_relu"]
    assert (leaky.loc[~leaky["diverged"], "dead_fraction_final"] == 0).all()
    # the command in data/README.md reproduces a row (up to floating-point summation order)
    row = runs[(runs["activation"] == "relu") & (runs["bias_offset"] == -1)
               & (runs["learning_rate"] == 0.01) & (runs["seed"] == 1)].iloc[0]  # fmt: skip
    again = run_sweep(
        {"activations": "relu", "bias_offsets": -1, "learning_rates": 0.01, "seeds": [1],
         "hidden": "16x16"},
        n_samples=300, epochs=60, batch_size=32,
    ).runs.iloc[0]  # fmt: skip
    assert again["final_loss"] == pytest.approx(row["final_loss"], rel=1e-9)
    assert again["dead_fraction_final"] == row["dead_fraction_final"]


def test_precomputed_recovery_table_shows_that_the_optimiser_decides():
    table = recovery_table(load_precomputed("recovery")).set_index(
        ["activation", "negative_slope", "solver"]
    )
    assert table.loc[("leaky_relu", 0.1, "sgd"), "recovered_share"] < 0.05
    assert table.loc[("leaky_relu", 0.1, "adam"), "recovered_share"] > 0.9
    relu = table.loc["relu"]
    assert (relu["born_dead"] > 0).all() and (relu["recovered_dead"] == 0).all()


# ---------------------------------------------------------------- hygiene


def test_importing_reluscope_and_the_sweep_module_stays_cheap():
    code = (
        "import sys, reluscope, reluscope.sweep, reluscope.commands.sweep; "
        "print(sorted(m for m in ('pandas', 'joblib', 'dask', 'distributed', 'sklearn') "
        "if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert output.stdout.strip() == "[]"


def test_doctests():
    assert doctest.testmod(sweep, optionflags=doctest.ELLIPSIS).failed == 0
