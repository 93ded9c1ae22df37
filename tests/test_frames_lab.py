"""reluscope.frames.lab and lab_text: the Lab's frames, checked against independent
computations (Student-t and Wilson intervals written out, shares by hand, the closed forms of
the literature), and the sentences it writes about the shipped run tables."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from test_frames import student_t

from reluscope import frames
from reluscope.errors import InvalidParameterError
from reluscope.sweep import load_precomputed, recovery_table

# --- tables ------------------------------------------------------------------------------------


def test_with_interval_is_wilsons_from_the_trial_count():
    points = pd.DataFrame({"probability": [0.0, 0.37, 1.0], "n_trials": [50, 100, 20]})
    drawn = frames.with_interval(points, "probability")
    z = NormalDist().inv_cdf(0.975)
    k, n = 37, 100
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert drawn.loc[1, ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [centre - half, centre + half]
    )
    assert drawn.loc[0, "ci_low"] == 0.0 and drawn.loc[2, "ci_high"] == 1.0
    given = points.assign(ci_low=0.1, ci_high=0.2)
    assert frames.with_interval(given, "probability") is given
    with pytest.raises(ValueError, match="n_trials"):
        frames.with_interval(points.drop(columns="n_trials"), "probability")


def test_bias_kill_points_summarise_seeds_or_keep_trials():
    seeds = pd.DataFrame({"bias_offset": [-1.0, -1.0, 0.0], "dead_fraction": [0.3, 0.5, 0.0]})
    points = frames.bias_kill_points(seeds).set_index("bias_offset")
    mean, low, high = student_t([0.3, 0.5])
    assert points.loc[-1.0, ["probability", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [mean, max(low, 0.0), min(high, 1.0)]
    )
    assert set(points["activation"]) == {"relu"}
    trials = pd.DataFrame({"bias_offset": [-1.0], "dead_fraction": [0.5], "n_trials": [10]})
    wilson = frames.bias_kill_points(trials)
    assert wilson[["ci_low", "ci_high"]].iloc[0].tolist() == pytest.approx(
        [0.2366, 0.7634], abs=1e-4
    )


def test_recovery_bars_share_by_hand_in_the_run_tables_order():
    runs = pd.DataFrame(
        {
            "activation": ["leaky_relu", "leaky_relu", "leaky_relu", "relu"],
            "negative_slope": [0.1, 0.1, 0.1, np.nan],
            "solver": ["sgd", "sgd", "adam", "adam"],
            "recovered_inactive": [1, 3, 9, 0],
            "born_inactive": [10, 10, 10, 0],
        }
    )
    bars = frames.recovery_bars(runs)
    assert list(dict.fromkeys(bars["solver"])) == ["sgd", "adam"]
    table = bars.set_index(["solver", "activation"])
    sgd = table.loc[("sgd", "leaky_relu")]
    mean, low, high = student_t([0.1, 0.3])
    assert (sgd["mean"], sgd["ci_low"], sgd["ci_high"], sgd["n"]) == pytest.approx(
        (mean, max(low, 0.0), min(high, 1.0), 2)
    )
    assert table.loc[("adam", "leaky_relu"), "mean"] == pytest.approx(0.9)
    relu = table.loc[("adam", "relu")]
    assert relu["negative_slope"] == 0.0 and relu["n"] == 0 and np.isnan(relu["mean"])


def test_phase_cells_mean_over_seeds_and_refuse_mixed_settings():
    runs = pd.DataFrame(
        {
            "activation": "relu",
            "bias_offset": [-1.0, -1.0, -1.0, 0.0],
            "learning_rate": 0.1,
            "seed": [0, 1, 2, 0],
            "final_loss": [1.0, 2.0, np.inf, 0.5],
        }
    )
    cells = frames.phase_cells(runs, "final_loss").set_index("bias_offset")
    mean, low, high = student_t([1.0, 2.0])  # the infinite loss left out
    assert cells.loc[-1.0, ["mean", "ci_low", "ci_high", "n"]].tolist() == pytest.approx(
        [mean, low, high, 2]
    )
    assert frames.is_fraction("dead_fraction_final") and not frames.is_fraction("final_loss")
    mixed = runs.assign(init=["he_normal", "he_uniform", "he_normal", "he_normal"])
    with pytest.raises(ValueError, match="init"):
        frames.phase_cells(mixed, "final_loss")
    assert "init" in frames.phase_cells(mixed, "final_loss", row="init")


def test_recovery_frames_are_the_run_shares_the_sweep_table_and_the_bars():
    runs = load_precomputed("recovery")
    recovery = frames.recovery_frames(runs)
    share = runs["recovered_inactive"] / runs["born_inactive"].where(runs["born_inactive"] > 0)
    np.testing.assert_allclose(recovery.runs["recovered_share"], share)
    pd.testing.assert_frame_equal(recovery.table, recovery_table(runs))
    pd.testing.assert_frame_equal(recovery.bars, frames.recovery_bars(recovery.runs))
    assert frames.recovery_runs(runs)["recovered_share"].equals(recovery.runs["recovered_share"])


# --- Monte-Carlo frames ------------------------------------------------------------------------


def test_the_monte_carlo_frames_reproduce_the_references():
    measured, theory = frames.born_dead_frames((2, 3, 5, 10), 500, False)
    deepest = theory[theory["depth"] == 10].set_index("width")["probability"].round(4)
    assert deepest.to_dict() == {2: 0.9437, 3: 0.7369, 5: 0.272, 10: 0.0097}
    points = measured.merge(theory, on=["width", "depth"], suffixes=("", "_theory"))
    inside = points["ci_low"].le(points["probability_theory"]) & points["ci_high"].ge(
        points["probability_theory"]
    )
    assert inside.mean() >= 0.85  # 95 % intervals: a few of 40 may miss
    on_data, _ = frames.born_dead_frames((3,), 500, True)
    at_10 = on_data.loc[on_data["depth"] == 10].iloc[0]
    assert at_10["ci_low"] <= 0.57 <= at_10["ci_high"]  # Lu et al.: ≈ 0.57 on 200 points
    kill, closed = frames.bias_kill_frames(1000)
    assert kill["dead_fraction"].is_monotonic_decreasing
    near = closed.set_index(closed["bias_offset"].round(2))["probability"]
    assert round(near[-1.0], 3) == 0.393 and round(near[-2.0], 3) == 0.865
    with pytest.raises(InvalidParameterError, match="widths"):
        frames.born_dead_frames((), 500, False)
    with pytest.raises(InvalidParameterError, match="n_trials"):
        frames.born_dead_frames((3,), 0, False)


# --- sentences ---------------------------------------------------------------------------------


def test_the_recovery_finding_follows_the_shipped_numbers():
    table = recovery_table(load_precomputed("recovery"))
    leaky = table[(table["activation"] == "leaky_relu") & (table["negative_slope"] == 0.1)]
    by_solver = leaky.set_index("solver")
    relu = table[table["activation"] == "relu"]
    finding = frames.recovery_finding(table)
    for solver in ("sgd", "adam"):
        row = by_solver.loc[solver]
        assert f"{row.recovered_inactive} of {row.born_inactive}" in finding
    assert "plain SGD (no momentum) **almost none**" in finding
    assert "Adam **nearly all**" in finding
    assert relu["recovered_dead"].sum() == 0 and "Born-dead ReLUs stay dead" in finding
    assert "the optimiser decides" in finding


def test_the_finding_changes_with_the_data():
    table = recovery_table(load_precomputed("recovery"))
    # pretend plain SGD brought most leaky units back: no claim that the optimiser decides
    sgd = (table["solver"] == "sgd") & (table["activation"] == "leaky_relu")
    changed = table.copy()
    changed.loc[sgd, "recovered_inactive"] = 150
    changed.loc[sgd, "recovered_share"] = 150 / 211
    finding = frames.recovery_finding(changed)
    assert "plain SGD (no momentum) **most**" in finding
    assert "the optimiser decides" not in finding
