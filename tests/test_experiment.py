"""compare / Comparison: paired runs, validated arguments, views that agree with the engine."""

import inspect
import warnings

import numpy as np
import pytest

import reluscope as rs
from reluscope import config
from reluscope.diagnostics import unit_states
from reluscope.errors import InvalidParameterError


@pytest.fixture(scope="module")
def comparison():
    data = rs.make_dataset("moons", n_samples=240, noise=0.2, random_state=0)
    return rs.compare(
        data,
        activations=("relu", "leaky_relu", "tanh", "sigmoid", "gelu"),
        seeds=(0, 1),
        hidden_layers=(12, 12),
        bias_offset=-1.0,
        epochs=12,
    )


def test_every_activation_of_a_seed_starts_from_identical_weights(comparison):
    for seed in comparison.seeds:
        reference = comparison.parameters("relu", seed, 0)
        for activation in comparison.activations:
            for (w, b), (w0, b0) in zip(
                comparison.parameters(activation, seed, 0), reference, strict=True
            ):
                np.testing.assert_array_equal(w, w0)
                np.testing.assert_array_equal(b, b0)
    first, second = (comparison.parameters("relu", seed, 0)[0][0] for seed in comparison.seeds)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("epoch", [0, 5, 12])
def test_recorded_unit_states_follow_the_definitions(comparison, epoch):
    """The engine's fast statistics agree with diagnostics.unit_states on recomputed z."""
    units = comparison.units()
    for activation in comparison.activations:
        act = rs.get_activation(activation)
        for layer in (1, 2):
            z = comparison.preactivations(activation, 0, layer, epoch)
            expected = unit_states(z, act)
            recorded = units.query(
                "activation == @activation and seed == 0 and epoch == @epoch and layer == @layer"
            )
            np.testing.assert_allclose(recorded["on_rate"], expected.on_rate, atol=1e-6)
            for name in ("inactive", "dead", "saturated"):
                np.testing.assert_array_equal(recorded[name], getattr(expected, name))


def test_predictions_match_the_recorded_scores(comparison):
    epochs = comparison.epochs()
    for activation in comparison.activations:
        probability = comparison.predict_proba(activation, 1, 12, comparison.test.X)
        accuracy = np.mean((probability > 0.5) == comparison.test.y)
        row = epochs.query("activation == @activation and seed == 1 and epoch == 12")
        assert accuracy == pytest.approx(row["val_score"].item())


def test_summary_has_one_row_per_activation_in_order(comparison):
    summary = comparison.summary()
    assert summary["activation"].tolist() == list(comparison.activations)
    assert (summary.set_index("activation").loc["leaky_relu", "dead_units"]) == 0


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (dict(solver="bogus"), "solver"),
        (dict(learning_rate=-1.0), "learning_rate"),
        (dict(momentum=2.0), "momentum"),
        (dict(hidden_layer_sizes=(0,)), "hidden_layer_sizes"),  # the old name, as written
        (dict(hidden_layer_sizes=()), "hidden_layer_sizes"),
        (dict(hidden_layers=(0,)), "hidden_layers"),
        (dict(hidden_layers=()), "hidden_layers"),
        (dict(hidden_layers=8), "hidden_layers"),
        (dict(l2_penalty=-1.0), "l2_penalty"),
        (dict(alpha=-1.0), "alpha"),
        (dict(data_seed=-1), "data_seed"),
        (dict(seeds=(1.5,)), "seeds"),
        (dict(seeds=(-1,)), "seeds"),
        (dict(epochs="ten"), "epochs"),
        (dict(batch_size=0), "batch_size"),
        (dict(init="orthogonal"), "init"),
        (dict(bias_offset=float("nan")), "bias_offset"),
        (dict(activations=("relu", "relu6")), "activation"),
        (dict(seeds=()), "seeds"),
        (dict(test_size=1.5), "test_size"),
    ],
)
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_bad_arguments_name_the_field(arguments, field):
    data = rs.make_dataset("moons", n_samples=60, noise=0.2, random_state=0)
    with pytest.raises(InvalidParameterError) as info:
        rs.compare(data, epochs=arguments.pop("epochs", 2), **arguments)
    assert info.value.field == field


def test_layer_outside_the_network_is_refused(comparison):
    with pytest.raises(InvalidParameterError, match="layer"):
        comparison.preactivations("relu", 0, 3, 1)


def test_summary_agrees_with_each_runs_history_even_when_a_run_diverges():
    data = rs.make_dataset("moons", n_samples=120, noise=0.2, random_state=0)
    with pytest.warns(RuntimeWarning, match="diverged"):
        result = rs.compare(
            data,
            activations=("relu", "identity"),
            seeds=(0, 1),
            hidden_layers=(64, 64, 64),
            learning_rate=1.0,
            epochs=30,
        )
    summary = result.summary().set_index("activation")
    assert summary.loc["identity", "diverged"] == 1.0
    for activation in result.activations:
        runs = [result.runs[(activation, seed)].history for seed in result.seeds]
        last = [h.layers().query(f"epoch == {h.n_epochs}")["dead"].sum() for h in runs]
        assert summary.loc[activation, "dead_units"] == np.mean(last)
        losses = [h.epochs()["loss"].iloc[-1] for h in runs]
        np.testing.assert_allclose(summary.loc[activation, "final_loss"], np.mean(losses))
        epochs = [h.diverged_epoch for h in runs if h.diverged]
        if epochs:
            assert summary.loc[activation, "diverged_epoch"] == min(epochs)
            assert summary.loc[activation, "status"] == (
                f"diverged at epoch {min(epochs)} ({len(epochs)} of 2 seeds)"
            )
        else:
            assert np.isnan(summary.loc[activation, "diverged_epoch"])
            assert summary.loc[activation, "status"] == "trained"


def test_summary_names_the_epoch_a_single_seed_diverged_at():
    data = rs.make_dataset("moons", n_samples=500, noise=0.2, random_state=0)
    with pytest.warns(RuntimeWarning, match="diverged"):
        result = rs.compare(
            data, activations=("leaky_relu", "sigmoid"), learning_rate=1.0, epochs=20
        )
    summary = result.summary().set_index("activation")
    epoch = result.runs[("leaky_relu", 0)].history.diverged_epoch
    assert epoch is not None
    assert summary.loc["leaky_relu", "status"] == f"diverged at epoch {epoch}"
    assert summary.loc["sigmoid", "status"] == "trained"


def small_data():
    return rs.make_dataset("moons", n_samples=60, noise=0.2, random_state=0)


def final_losses(result):
    return result.epochs().groupby(["activation", "seed"])["loss"].last().to_numpy()


@pytest.mark.parametrize(
    ("old", "new", "value"),
    [("hidden_layer_sizes", "hidden_layers", (6,)), ("alpha", "l2_penalty", 0.01),
     ("split_seed", "data_seed", 3)],
)  # fmt: skip
def test_renamed_keywords_still_work_with_a_future_warning(old, new, value):
    data = small_data()
    common = dict(activations=("relu",), epochs=3)
    with pytest.warns(FutureWarning, match=f"'{old}' is now called '{new}'"):
        by_old = rs.compare(data, **common, **{old: value})
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # the new name warns about nothing
        by_new = rs.compare(data, **common, **{new: value})
    np.testing.assert_array_equal(final_losses(by_old), final_losses(by_new))
    np.testing.assert_array_equal(by_old.test.X, by_new.test.X)
    default = rs.compare(data, **common)
    assert not np.array_equal(final_losses(default), final_losses(by_new))


def test_an_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="hidden_layer_size"):
        rs.compare(small_data(), hidden_layer_size=(4,))


def test_the_data_seed_draws_the_split():
    data = small_data()
    first, again, other = (
        rs.compare(data, activations=("relu",), epochs=1, data_seed=seed) for seed in (1, 1, 2)
    )
    np.testing.assert_array_equal(first.test.y, again.test.y)
    assert not np.array_equal(first.train.X, other.train.X)


def test_the_api_takes_more_than_the_dashboard_offers():
    """The Python API's ranges (FIELDS' api_bounds) are wider than the sliders'."""
    data = small_data()
    result = rs.compare(data, activations=("relu",), learning_rate=2.0, batch_size=1,
                        bias_offset=-20.0, epochs=2)  # fmt: skip
    assert result.config.batch_size == 1
    assert result.runs[("relu", 0)].spec.learning_rate == 2.0
    assert config.FIELDS["learning_rate"].high < 2.0 and config.FIELDS["batch_size"].low > 1


def test_validated_settings_feed_compare_under_their_own_names():
    settings = config.DEFAULTS
    parameters = inspect.signature(rs.compare).parameters
    arguments = settings.run_arguments()
    assert set(arguments) == {*config.RUN_ARGUMENTS, "test_size"} <= set(parameters)
    assert arguments.pop("test_size") == config.TEST_SIZE
    assert all(value == getattr(settings, name) for name, value in arguments.items())
    # compare's defaults are the settings' first defaults (schema version 1: the dashboard
    # now opens on story defaults, the Python API keeps its neutral ones), and its split is
    # the dashboard's
    first = config.validate(config.DEFAULTS_BY_VERSION[1])[0].run_arguments()
    assert all(parameters[name].default == first[name] for name in arguments
               if name != "seeds")  # fmt: skip
    assert parameters["seeds"].default == settings.seeds == (0,)
    assert parameters["test_size"].default == config.TEST_SIZE


def test_a_comparison_of_settings_has_their_seeds():
    settings, _ = config.validate({"seed": "4", "n_seeds": "2", "epochs": "2",
                                   "activations": "relu", "hidden_layers": "4"})  # fmt: skip
    result = rs.compare(small_data(), **settings.run_arguments())
    assert result.seeds == (4, 5) and result.config.hidden_layers == (4,)
    assert result.config.epochs == 2


def test_random_state_of_follows_scikit_learn():
    from sklearn.utils import check_random_state

    from reluscope.experiment import random_state_of

    state = np.random.RandomState(3)
    assert random_state_of(state) is state
    assert random_state_of(np.int64(5)).randint(1000) == check_random_state(5).randint(1000)
    assert random_state_of(None) is check_random_state(None)
    with pytest.raises(ValueError):
        random_state_of("seven")


@pytest.mark.parametrize(
    ("old", "new", "old_value", "new_value"),
    [("hidden_layer_sizes", "hidden_layers", (3,), (8,)), ("alpha", "l2_penalty", 0.5, 0.1),
     ("split_seed", "data_seed", 1, 2)],
)  # fmt: skip
def test_an_old_keyword_beside_its_new_one_is_refused(old, new, old_value, new_value):
    data = rs.make_dataset("moons", n_samples=60, random_state=0)
    with pytest.warns(FutureWarning), pytest.raises(InvalidParameterError) as info:
        rs.compare(data, ("relu",), epochs=1, **{old: old_value, new: new_value})
    assert info.value.field == old and new in info.value.allowed
