"""reluscope.sweep.tables: what the run table means, and the lab's recovery table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from reluscope.sweep import CURVE_COLUMNS, RUN_COLUMNS, recovery_table, run_sweep


@pytest.fixture(scope="module")
def bias_sweep():
    return run_sweep(
        {
            "activations": "relu,leaky_relu,tanh",
            "bias_offsets": "-4,-2,0",
            "learning_rates": 0.05,
            "seeds": 3,
            "hidden_layers": "32",
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
    assert (runs["hidden_layers"] == "32").all() and (runs["units"] == 32).all()
    assert runs["negative_slope"].tolist()[:9] == [0.0] * 9  # relu is leaky_relu at slope 0
    assert runs.loc[runs["activation"] == "tanh", "negative_slope"].isna().all()
    last = curves[curves["epoch"] == 5].reset_index(drop=True)
    np.testing.assert_array_equal(last["dead_fraction"], runs["dead_fraction_final"])
    np.testing.assert_array_equal(last["loss"], runs["final_loss"])
    first = curves[curves["epoch"] == 0].reset_index(drop=True)
    np.testing.assert_array_equal(first["inactive_fraction"], runs["born_inactive_fraction"])
    np.testing.assert_array_equal(first["dead_fraction"], runs["born_dead_fraction"])
    assert (runs["born_dead"] == runs["born_dead_fraction"] * runs["units"]).all()
    assert (runs["recovered_inactive"] <= runs["born_inactive"]).all()


def test_relu_born_dead_fraction_rises_as_the_bias_offset_falls(bias_sweep):
    relu = bias_sweep.runs[bias_sweep.runs["activation"] == "relu"]
    born_dead = relu.groupby("bias_offset")["born_dead_fraction"].mean()
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
    assert (leaky.loc[leaky["bias_offset"] == -4, "born_inactive_fraction"] > 0.5).all()


def test_runs_of_one_seed_share_their_initial_weights(bias_sweep):
    runs = bias_sweep.runs
    born = runs.pivot_table(
        index=["bias_offset", "seed"], columns="activation", values="born_inactive"
    )
    np.testing.assert_array_equal(born["relu"], born["leaky_relu"])
    np.testing.assert_array_equal(born["relu"], born["tanh"])


def test_unpaired_runs_draw_by_their_own_activations_rule():
    # scikit-learn's rule draws sigmoid weights on a smaller scale than relu's
    grid = {"activations": "relu,sigmoid", "bias_offsets": -1, "seeds": 3, "inits": "sklearn",
            "hidden_layers": "32"}  # fmt: skip
    for paired in (True, False):
        runs = run_sweep(grid, n_samples=150, epochs=1, paired=paired).runs
        born = runs.pivot_table(index="seed", columns="activation", values="born_inactive")
        assert (born["relu"] == born["sigmoid"]).all() == paired


# ---------------------------------------------------------------- the lab's recovery table


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
