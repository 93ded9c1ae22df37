"""reluscope.frames: every frame a chart draws, checked against independent computations
(Student-t and Wilson intervals written out, counts made by hand, the comparison's own
predictions) on small synthetic frames and a tiny trained comparison."""

from __future__ import annotations

import io
import math
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

import reluscope.experiment
from reluscope import frames
from reluscope.activations import get_activation
from reluscope.datasets import make_dataset
from reluscope.errors import InvalidParameterError

ACTIVATIONS = ("relu", "tanh")
SEEDS = (0, 1)


@pytest.fixture(scope="module")
def comparison():
    return reluscope.experiment.compare(
        make_dataset("moons", n_samples=80, random_state=0),
        activations=ACTIVATIONS,
        seeds=SEEDS,
        hidden_layers=(4, 3),
        epochs=3,
    )


@pytest.fixture
def no_comparison_units(monkeypatch):
    """Fail if the whole comparison's units table is built (a page picker reads one run's)."""

    def refuse(self):
        raise AssertionError("Comparison.units() built")

    monkeypatch.setattr(reluscope.experiment.Comparison, "units", refuse)


def student_t(values, confidence=0.95):
    """Mean and mean ± t(n − 1) · sd / √n, written out."""
    values = np.asarray(values, dtype=float)
    n = values.size
    half = scipy_stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(ddof=1) / math.sqrt(n)
    return values.mean(), values.mean() - half, values.mean() + half


# --- training curves -------------------------------------------------------------------------


def epochs_by_hand():
    return pd.DataFrame(
        {
            "activation": ["relu"] * 4 + ["tanh"] * 2,
            "seed": [0, 0, 1, 1, 0, 0],
            "epoch": [0, 1, 0, 1, 0, 1],
            "loss": [1.0, 0.5, 3.0, 0.7, 2.0, 0.0],
            "val_loss": [np.nan] * 6,
        }
    )


def test_metric_curves_summarise_seeds_per_split():
    curves = frames.metric_curves(epochs_by_hand()).set_index(["activation", "split", "epoch"])
    assert set(curves.index.get_level_values("split")) == {"train"}  # no validation values
    mean, low, high = student_t([1.0, 3.0])
    row = curves.loc[("relu", "train", 0)]
    # the Student-t band, its lower end at 0: a loss is never negative
    assert (row["mean"], row["ci_low"], row["ci_high"], row["n"]) == pytest.approx(
        (mean, max(low, 0.0), high, 2)
    )
    lone = curves.loc[("tanh", "train", 1)]  # one seed: a zero-width interval
    assert (lone["mean"], lone["ci_low"], lone["ci_high"], lone["n"]) == (0.0, 0.0, 0.0, 1)
    both = frames.metric_curves(epochs_by_hand().assign(val_loss=1.0))
    assert set(both["split"]) == {"train", "validation"}


def test_metric_curves_for_a_log_axis_drop_non_positive_means():
    curves = frames.metric_curves(epochs_by_hand(), log_scale=True)
    assert curves["mean"].isna().sum() == 1  # tanh's loss of 0 at epoch 1
    smallest = curves["mean"].min()
    assert (curves["ci_low"] > 0).all()
    assert curves.loc[curves["activation"] == "relu", "ci_low"].min() == smallest  # floored
    with pytest.raises(ValueError, match="score"):
        frames.metric_curves(epochs_by_hand(), "score")


def test_layer_curves_compute_shares_from_counts_and_pick_a_layer():
    layers = pd.DataFrame(
        {
            "activation": "relu",
            "seed": [0, 1, 0, 1],
            "epoch": 0,
            "layer": [1, 1, 2, 2],
            "units": [4, 4, 8, 8],
            "dead": [1, 3, 8, 8],
            "inactive": [2, 4, 8, 8],
        }
    )
    dead = frames.layer_curves(layers).set_index("layer")
    mean, low, high = student_t([0.25, 0.75])
    assert dead.loc[1, "mean"] == pytest.approx(mean)
    assert dead.loc[1, "ci_low"] == 0.0 and dead.loc[1, "ci_high"] == 1.0  # clipped: a share
    assert low < 0 and high > 1
    assert dead.loc[2, ["mean", "ci_low", "ci_high"]].tolist() == [1.0, 1.0, 1.0]
    inactive = frames.layer_curves(layers, "inactive_fraction", layer=1)
    assert inactive["layer"].tolist() == [1] and inactive["mean"].item() == pytest.approx(0.75)
    with pytest.raises(ValueError, match="grad_norm"):
        frames.layer_curves(layers, "grad_norm")


def test_layer_curves_of_gradient_norms_on_a_log_axis():
    layers = pd.DataFrame(
        {"activation": "relu", "seed": [0, 1], "epoch": [0, 1], "layer": 1, "grad_norm": [0.0, 2.0]}
    )
    norms = frames.layer_curves(layers, "grad_norm", log_scale=True)
    assert np.isnan(norms["mean"].iloc[0]) and norms["mean"].iloc[1] == 2.0  # zero left out


def test_event_counts_sum_layers_average_seeds_and_sign_deaths():
    layers = pd.DataFrame(
        {
            "activation": "relu",
            "seed": [0, 0, 1, 1],
            "epoch": 1,
            "layer": [1, 2, 1, 2],
            "deaths": [2, 1, 1, 0],
            "recoveries": [0, 0, 0, 0],
        }
    )
    counts = frames.event_counts(layers)
    # seed 0: 3 deaths over both layers, seed 1: 1; mean 2; no recovery at all: left out
    assert counts[["event", "count", "signed"]].values.tolist() == [["deaths", 2.0, -2.0]]
    first = frames.event_counts(layers, layer=1)
    assert first["count"].tolist() == [1.5]
    events = pd.DataFrame({"epoch": [1, 1, 2], "event": ["death", "death", "recovery"]})
    listed = frames.event_counts(events).set_index("event")
    assert listed["count"].to_dict() == {"deaths": 2, "recoveries": 1}
    assert listed["signed"].to_dict() == {"deaths": -2, "recoveries": 1}
    assert set(listed["activation"]) == {"network"}


def test_history_table_joins_layers_and_losses(comparison):
    table = frames.history_table(comparison)
    layers, epochs = comparison.layers(), comparison.epochs()
    assert len(table) == len(layers)
    assert {"dead_fraction", "grad_norm", "loss", "val_loss", "score"} <= set(table.columns)
    row = table.iloc[-1]
    loss = epochs.set_index(["activation", "seed", "epoch"]).loc[
        (row["activation"], row["seed"], row["epoch"]), "loss"
    ]
    assert row["loss"] == loss
    back = pd.read_csv(io.BytesIO(frames.history_csv(comparison)))
    assert list(back.columns) == list(table.columns) and len(back) == len(table)


def test_training_curves_hold_every_curve_of_the_compare_and_gradients_pages(comparison):
    curves = frames.training_curves(comparison)
    epochs, layers = comparison.epochs(), comparison.layers()
    pd.testing.assert_frame_equal(curves.loss, frames.metric_curves(epochs, "loss"))
    pd.testing.assert_frame_equal(curves.score, frames.metric_curves(epochs, "score"))
    pd.testing.assert_frame_equal(curves.dead_fraction, frames.layer_curves(layers))
    norms = frames.layer_curves(layers, "grad_norm", log_scale=True)
    pd.testing.assert_frame_equal(curves.grad_norm, norms)
    pd.testing.assert_frame_equal(curves.summary, comparison.summary())
    pd.testing.assert_frame_equal(curves.plateaus, comparison.plateaus())
    # one row per activation × split × epoch: small, whatever the number of seeds
    assert len(curves.loss) == len(ACTIVATIONS) * 2 * (comparison.n_epochs + 1)
    assert curves.loss["n"].eq(len(SEEDS)).all()


def test_frames_import_neither_altair_nor_streamlit():
    code = (
        "import sys, reluscope.frames; "
        "sys.exit(any(m in sys.modules for m in ('altair', 'streamlit', 'reluscope.charts')))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- units -----------------------------------------------------------------------------------


def test_unit_states_precedence():
    flags = pd.DataFrame(
        {
            "dead": [True, False, False, False, True],
            "inactive": [True, True, False, True, False],
            "saturated": [True, True, True, False, False],
        }
    )
    states = frames.unit_states(flags).tolist()
    assert states == ["dead", "saturated", "saturated", "inactive", "dead"]
    assert (
        frames.unit_states(flags.assign(dead=False, inactive=False, saturated=False))
        .eq("alive")
        .all()
    )


def test_run_units_reads_one_run_only(comparison, no_comparison_units):
    units = frames.run_units(comparison, "tanh", 1, layer=2)
    expected = comparison.runs[("tanh", 1)].history.units()
    pd.testing.assert_frame_equal(units, expected[expected["layer"] == 2])
    assert len(frames.run_units(comparison, "tanh", 1)) == len(expected)


def test_unit_timeline_and_on_rates():
    units = pd.DataFrame(
        {
            "epoch": [0, 0, 1, 1],
            "layer": 1,
            "unit": [0, 1, 0, 1],
            "on_rate": [0.0, 0.5, 0.0, 1.0],
            "dead": [True, False, True, False],
            "inactive": [True, False, True, False],
            "saturated": [False, False, True, True],
        }
    )
    timeline = frames.unit_timeline(units)
    assert (timeline["epoch_end"] == timeline["epoch"] + 1).all()
    assert timeline["state"].tolist() == ["dead", "alive", "dead", "saturated"]
    last = frames.on_rates(units)
    assert last["epoch"].tolist() == [1, 1] and last["on_rate"].tolist() == [0.0, 1.0]
    assert frames.on_rates(units, epoch=0)["state"].tolist() == ["dead", "alive"]


# --- activations and pre-activations ---------------------------------------------------------


def test_activation_curves_frame():
    frame = frames.activation_curves_frame(["leaky_relu", "tanh"], negative_slope=0.2, n_points=5)
    assert list(frame.columns) == ["activation", "z", "value", "derivative"]
    leaky = frame[frame["activation"] == "leaky_relu"]
    assert leaky["value"].iloc[0] == pytest.approx(-1.0)  # 0.2 · (−5)
    assert leaky["derivative"].tolist() == pytest.approx([0.2, 0.2, 0.2, 1.0, 1.0])


def test_flat_negative_slopes_only_for_constant_slopes():
    curves = frames.activation_curves_frame(["relu", "leaky_relu", "tanh"], negative_slope=0.1)
    assert frames.flat_negative_slopes(curves).to_dict() == {"relu": 0.0, "leaky_relu": 0.1}


def test_gradient_regions_of_tanh_at_the_closed_form_threshold():
    # tanh'(z) = 1 − tanh²(z) < 0.05 where |z| > artanh(√0.95)
    edge = math.atanh(math.sqrt(0.95))
    regions = frames.gradient_regions(get_activation("tanh"), -6.0, 6.0, n_points=12001)
    assert regions["region"].tolist() == ["saturated", "saturated"]
    assert regions["end"].iloc[0] == pytest.approx(-edge, abs=1e-3)
    assert regions["start"].iloc[1] == pytest.approx(edge, abs=1e-3)
    relu = frames.gradient_regions(get_activation("relu"), -1.0, 1.0)
    assert relu["region"].tolist() == ["zero gradient"] and relu["end"].item() <= 0.0


def test_preactivations_are_the_comparisons_own(comparison):
    z = frames.preactivations(comparison, seed=1, layer=2, epoch=2)
    assert list(z.columns) == ["activation", "z"]
    for activation in ACTIVATIONS:
        expected = comparison.preactivations(activation, 1, 2, 2).ravel()
        np.testing.assert_array_equal(z.loc[z["activation"] == activation, "z"], expected)
    assert len(z) == len(ACTIVATIONS) * comparison.train.n_samples * 3


def test_preactivation_bins_counts_and_shares_by_hand():
    z = np.linspace(-4.0, 4.0, 401)
    frame = pd.DataFrame(
        {"z": np.concatenate([z, z]), "activation": ["relu"] * 401 + ["tanh"] * 401}
    )
    bins = frames.preactivation_bins(frame, bins=20)
    shares = bins.shares.set_index("activation")
    assert shares.loc["relu", "zero_gradient"] == pytest.approx(np.mean(z <= 0))
    # ReLU's flat side is zero gradient (dead), never saturated: no input is counted twice
    assert shares.loc["relu", "saturated"] == 0.0
    edge = math.atanh(math.sqrt(0.95))
    assert shares.loc["tanh", "zero_gradient"] == 0.0
    assert shares.loc["tanh", "saturated"] == pytest.approx(np.mean(np.abs(z) > edge))
    for _, bars in bins.bars.groupby("activation"):
        assert bars["count"].sum() == 401 and len(bars) == 20
        np.testing.assert_array_equal(bars["count"], np.histogram(z, bins=20)[0])
    assert set(bins.regions["activation"]) == {"relu", "tanh"}
    given = frames.preactivation_bins(frame, zero_gradient_share=0.5, saturated_share=0.25)
    assert given.shares[["zero_gradient", "saturated"]].values.tolist() == [[0.5, 0.25]] * 2
    leaky = frames.preactivation_bins(frame.assign(activation="leaky_relu"), bins=20)
    # leaky ReLU's slope below zero is small but constant: neither zero nor saturated
    assert leaky.shares[["zero_gradient", "saturated"]].values.tolist() == [[0.0, 0.0]]
    assert "saturated" not in set(leaky.regions["region"])
    # ... it is the small slope, and each input lies in at most one region
    assert leaky.shares["small_slope"].iloc[0] == pytest.approx(np.mean(z <= 0))
    assert leaky.shares["kinds"].tolist() == ["small slope"]
    assert set(bins.shares.set_index("activation")["kinds"]) == {"zero gradient", "saturated"}
    totals = bins.shares[["zero_gradient", "saturated", "small_slope"]].sum(axis=1)
    assert (totals <= 1.0).all()
    with pytest.raises(ValueError, match="finite"):
        frames.preactivation_bins(pd.DataFrame({"z": [np.inf]}), activation="relu")


# --- decision boundary -----------------------------------------------------------------------


def test_unit_lines_frame_clips_to_the_box():
    W = np.array([[1.0, 1.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]])  # (fan_in=2, units)
    b = np.array([-0.5, 0.0, 0.0, -5.0])
    lines = frames.unit_lines_frame(W, b, (-1, 1, -1, 1), dead=[False, True, False, False])
    assert lines["unit"].tolist() == [0, 1, 2]  # unit 3's line x1 = 5 misses the box
    vertical = lines.iloc[0]
    assert (vertical["x1"], vertical["x1_end"]) == (0.5, 0.5)
    assert sorted([vertical["x2"], vertical["x2_end"]]) == [-1.0, 1.0]
    diagonal = lines.iloc[1]  # x1 + x2 = 0: corner to corner
    assert sorted([(diagonal["x1"], diagonal["x2"]), (diagonal["x1_end"], diagonal["x2_end"])]) == [
        (-1.0, 1.0),
        (1.0, -1.0),
    ]
    assert lines["dead"].tolist() == [False, True, False]


def test_unit_lines_frame_rejects_bad_shapes():
    with pytest.raises(ValueError, match="shape"):
        frames.unit_lines_frame(np.ones((3, 2)), np.ones(2), (-1, 1, -1, 1))


def test_grid_cells_span_half_a_step_each_side():
    grid = pd.DataFrame({"x1": [0.0, 1.0, 0.0, 1.0], "x2": [0.0, 0.0, 2.0, 2.0]})
    cells = frames.grid_cells(grid)
    assert cells["x1_lo"].tolist() == [-0.5, 0.5, -0.5, 0.5]
    assert cells["x2_hi"].tolist() == [1.0, 1.0, 3.0, 3.0]


def test_decision_surface_is_the_comparisons_prediction(comparison, no_comparison_units):
    surface = frames.decision_surface(comparison, seed=0, epoch=2, grid_points=7)
    train = comparison.train
    assert len(surface.grid) == len(ACTIVATIONS) * 49
    for activation in ACTIVATIONS:
        cells = surface.grid[surface.grid["activation"] == activation]
        points = cells[["x1", "x2"]].to_numpy()
        expected = comparison.predict_proba(activation, 0, 2, points)
        np.testing.assert_allclose(cells["probability"], expected)
        W, b = comparison.first_layer(activation, 0, 2)
        low, high = train.X.min(axis=0) - 0.5, train.X.max(axis=0) + 0.5
        units = comparison.runs[(activation, 0)].history.units()
        dead = units[(units["layer"] == 1) & (units["epoch"] == 2)]["dead"].to_numpy()
        lines = frames.unit_lines_frame(W, b, (low[0], high[0], low[1], high[1]), dead)
        drawn = surface.lines[surface.lines["activation"] == activation].drop(columns="activation")
        pd.testing.assert_frame_equal(drawn.reset_index(drop=True), lines)
    assert surface.grid["x1"].min() == pytest.approx(train.X[:, 0].min() - 0.5)
    assert surface.data["label"].tolist() == list(np.asarray(train.class_names)[train.y])


def test_decision_surface_needs_two_features_and_classes():
    flat = SimpleNamespace(train=SimpleNamespace(n_features=3, task="classification", name="d"))
    with pytest.raises(InvalidParameterError, match="2 features"):
        frames.decision_surface(flat, seed=0, epoch=0)


# --- data ------------------------------------------------------------------------------------


def test_class_balance_counts_and_shares():
    table = frames.class_balance(pd.DataFrame({"y": [2, 0, 2, 2]}), "y").set_index("class")
    assert table["count"].to_dict() == {"0": 1, "2": 3}
    assert table["share"].to_dict() == {"0": 0.25, "2": 0.75}


def test_dataset_catalog_lists_generators_and_bundled_files():
    from reluscope.config import BUNDLED_PREFIX
    from reluscope.datasets import DATASETS, bundled_datasets

    catalog = frames.dataset_catalog()
    assert list(catalog.columns) == ["dataset", "kind", "task", "description"]
    names = catalog["dataset"].tolist()
    assert names[: len(DATASETS)] == list(DATASETS)
    assert {f"{BUNDLED_PREFIX}{name}" for name in bundled_datasets()} <= set(names)
    assert catalog.loc[catalog["dataset"] == "moons", "kind"].item() == "generator"


def test_is_categorical():
    assert frames.is_categorical(pd.Series(["a", "b"]))
    assert frames.is_categorical(pd.Series([0, 1, 1, 2]))
    assert not frames.is_categorical(pd.Series(np.linspace(0, 1, 20)))


def test_metric_bands_stay_within_the_metrics_range():
    # three seeds far apart: the Student-t band would reach below 0 and above 1
    epochs = pd.DataFrame(
        {
            "activation": ["relu"] * 3,
            "seed": [0, 1, 2],
            "epoch": [5, 5, 5],
            "loss": [0.01, 0.02, 1.0],
            "score": [0.99, 1.0, 0.5],
        }
    )
    loss = frames.metric_curves(epochs, "loss")
    score = frames.metric_curves(epochs, "score")
    assert loss["ci_low"].min() == 0.0 and loss["ci_high"].max() > 1.0
    assert score["ci_high"].max() == 1.0 and score["ci_low"].min() >= 0.0
    assert loss["mean"].iloc[0] == pytest.approx(np.mean([0.01, 0.02, 1.0]))
    # an R² can be negative: then only the upper end is bounded
    r2 = frames.metric_curves(epochs.assign(score=[-3.0, 0.2, 0.9]), "score")
    assert r2["ci_low"].min() < -3.0 and r2["ci_high"].max() == 1.0


# ----------------------------------------------------------------------------------------------
# the Data page's CSV export


def test_text_cells_a_spreadsheet_would_run_are_neutralised_and_numbers_kept():
    from reluscope.frames.data import export_csv, neutralize_formulas

    frame = pd.DataFrame(
        {
            "x": [-1.5, 2.0, -3.0, 4.0],
            "=name": ["=1+2", "-2", "@cmd", "plain"],
            "label": pd.Categorical(["+a", "\tb", "\rc", "-4e3"]),
        }
    )
    out = neutralize_formulas(frame)
    assert list(out.columns) == ["x", "'=name", "label"]
    assert out["x"].equals(frame["x"])  # numbers, negative ones too, stay numbers
    assert out["'=name"].tolist() == ["'=1+2", "-2", "'@cmd", "plain"]
    assert out["label"].tolist() == ["'+a", "'\tb", "'\rc", "-4e3"]
    assert frame.columns[1] == "=name" and frame["label"].iloc[0] == "+a"  # input unchanged
    assert export_csv(frame).decode().splitlines()[1] == "-1.5,'=1+2,'+a"


def test_an_export_without_formulas_is_the_plain_csv():
    from reluscope.frames.data import export_csv

    frame = make_dataset("moons", n_samples=40, random_state=0).to_frame()
    assert export_csv(frame) == frame.to_csv(index=False).encode()
