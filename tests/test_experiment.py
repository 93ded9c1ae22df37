"""compare / Comparison: paired runs, validated arguments, views that agree with the engine."""

import numpy as np
import pytest

import reluscope as rs
from reluscope.diagnostics import unit_states
from reluscope.errors import InvalidParameterError


@pytest.fixture(scope="module")
def comparison():
    data = rs.make_dataset("moons", n_samples=240, noise=0.2, random_state=0)
    return rs.compare(
        data,
        activations=("relu", "leaky_relu", "tanh", "sigmoid", "gelu"),
        seeds=(0, 1),
        hidden_layer_sizes=(12, 12),
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
        (dict(hidden_layer_sizes=(0,)), "hidden_layer_sizes"),
        (dict(hidden_layer_sizes=()), "hidden_layer_sizes"),
        (dict(epochs="ten"), "epochs"),
        (dict(batch_size=0), "batch_size"),
        (dict(init="orthogonal"), "init"),
        (dict(bias_offset=float("nan")), "bias_offset"),
        (dict(activations=("relu", "relu6")), "activation"),
        (dict(seeds=()), "seeds"),
        (dict(test_size=1.5), "test_size"),
    ],
)
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
            hidden_layer_sizes=(64, 64, 64),
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
