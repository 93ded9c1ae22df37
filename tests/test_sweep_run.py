"""reluscope.sweep.run: run_sweep's arguments, their ranges and defaults, the old keyword."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from reluscope.config import FIELDS
from reluscope.errors import InvalidParameterError
from reluscope.sweep import run, run_sweep


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
        ("l2_penalty", -1e-4),
        ("l2_penalty", math.inf),
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


@pytest.mark.parametrize("value", [-1e-4, math.inf])
def test_the_old_keyword_alpha_still_checks_and_names_itself(value):
    with (
        pytest.warns(FutureWarning, match="l2_penalty"),
        pytest.raises(InvalidParameterError) as caught,
    ):
        run_sweep({"activations": "relu"}, alpha=value)
    assert caught.value.field == "alpha"


def test_the_old_keyword_alpha_beside_l2_penalty_is_refused():
    with pytest.raises(InvalidParameterError) as caught:
        run_sweep({"activations": "relu"}, alpha=0.5, l2_penalty=0.1)
    assert caught.value.field == "alpha" and "l2_penalty" in caught.value.allowed


def test_the_old_keyword_alpha_is_the_l2_penalty():
    settings = {"n_samples": 60, "epochs": 3, "batch_size": 16}
    grid = {"activations": "relu", "hidden_layers": "4", "seeds": 2}
    with pytest.warns(FutureWarning, match="l2_penalty"):
        old = run_sweep(grid, alpha=0.01, **settings)
    new = run_sweep(grid, l2_penalty=0.01, **settings)
    unpenalised = run_sweep(grid, **settings)
    pd.testing.assert_frame_equal(old.runs, new.runs, check_exact=True)
    assert old.settings["l2_penalty"] == 0.01 and unpenalised.settings["l2_penalty"] == 0.0
    assert not (new.runs["final_loss"] == unpenalised.runs["final_loss"]).all()
    assert {config.l2_penalty for config in new.configs.values()} == {0.01}


@pytest.mark.parametrize("name", ["epochs", "batch_size"])
def test_training_ranges_are_the_configs(name):
    low, high = int(FIELDS[name].low), int(FIELDS[name].high)
    settings = {"epochs": 1, "batch_size": 32, "momentum": 0.9, "l2_penalty": 0.0,
                "dtype": "float64", "test_size": 0.0}  # fmt: skip
    for bad in (low - 1, high + 1):
        with pytest.raises(InvalidParameterError, match=rf"\[{low}, {high}\]"):
            run._check_training(**{**settings, name: bad}, penalty_name="l2_penalty")
    for good in (low, high):
        epochs, batch_size = run._check_training(
            **{**settings, name: good}, penalty_name="l2_penalty"
        )
        assert {"epochs": epochs, "batch_size": batch_size}[name] == good


def test_defaults_are_the_configs():
    result = run_sweep({"activations": "relu", "hidden_layers": "4"}, n_samples=40)
    assert result.settings["epochs"] == FIELDS["epochs"].default
    assert result.settings["batch_size"] == FIELDS["batch_size"].default
    assert result.settings["dataset"] == FIELDS["dataset"].default
    assert (result.runs["epochs"] == FIELDS["epochs"].default).all()


def test_held_out_set_adds_validation_columns():
    result = run_sweep({"activations": "relu", "hidden_layers": "4"}, n_samples=60, epochs=2,
                       test_size=0.25, curves=True)  # fmt: skip
    assert {"final_val_loss", "final_val_score"} <= set(result.runs.columns)
    assert result.runs.columns[-1] == "diverged"
    assert {"val_loss", "val_score"} <= set(result.curves.columns)
    assert result.settings["n_samples"] == 60


def test_the_result_has_no_config_of():
    from reluscope.sweep import SweepResult

    assert not hasattr(SweepResult, "config_of")


def test_a_sweep_without_curves_skips_the_backward_pass_and_reports_the_same_runs():
    """Unit states need only the forward pass: the run table is the same with or without the
    full-set backward pass, and the curves' grad_norm is the engine's full-batch gradient."""
    import numpy as np

    from reluscope.datasets import make_dataset
    from reluscope.experiment import train_runs

    grid = {"activations": ("relu", "tanh"), "bias_offsets": (-1.0, 0.0), "seeds": (0, 1)}
    settings = dict(dataset="moons", n_samples=120, epochs=6, batch_size=16)
    lean = run_sweep(grid, **settings)
    full = run_sweep(grid, curves=True, **settings)
    assert lean.configs[next(iter(lean.configs))].gradient_norms is False
    pd.testing.assert_frame_equal(lean.runs, full.runs)
    train, _ = make_dataset("moons", n_samples=120, random_state=0).standardized()
    spec = full.specs[-1]
    config = full.configs[next(iter(full.configs))]
    (alone,) = train_runs(train.X, train.y, [spec], config)
    per_layer = alone.history.records["grad_norm"]
    expected = np.sqrt((per_layer**2).sum(axis=1))
    last = full.curves[full.curves["run"] == len(full.specs) - 1]
    np.testing.assert_allclose(last["grad_norm"].to_numpy(), expected, rtol=1e-12)
    assert (expected > 0).all()
