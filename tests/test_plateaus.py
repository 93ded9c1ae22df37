"""Plateaus found on real noisy minibatch curves: the stalls a user sees on the Compare page
(moons, 300 samples, 32x32, minibatch SGD with Nesterov momentum 0.9 at learning rate 0.05,
100 epochs), shaded and counted in the summary."""

import numpy as np
import pytest

from reluscope.datasets import from_choice
from reluscope.diagnostics import find_plateaus, plateau_window
from reluscope.experiment import compare
from reluscope.lessons.settings import story_settings


def _compare(**changes):
    settings = story_settings(**changes)  # every field written out: no default can move it
    data = from_choice(settings.dataset, settings.n_samples, settings.noise, settings.seed)
    return compare(data, **settings.run_arguments())


@pytest.fixture(scope="module")
def bias_minus_3():
    """32x32 at bias offset −3, seeds 0–3: ReLU dead and the network stuck near ln 2."""
    return {
        seed: _compare(seed=seed, bias_offset=-3.0, activations=("relu", "leaky_relu", "sigmoid"))
        for seed in range(4)
    }


def test_dead_relu_curves_are_a_plateau_to_the_last_epoch(bias_minus_3):
    for seed, comparison in bias_minus_3.items():
        history = comparison.runs[("relu", seed)].history
        loss = history.loss
        # noisy: the loss moves by more than τ = 0.1 % from one epoch to the next ...
        assert (np.abs(np.diff(loss)) > 1e-3 * loss[:-1]).mean() > 0.3
        assert history.plateaus(smoothing=1) != [(0, 100)]  # ... so unsmoothed it falls apart
        assert loss.max() < 1.03 * history.constant_loss  # yet it never leaves ln 2
        assert history.plateaus() == [(0, 100)]
        assert history.epochs()["plateau"].all()


def test_a_sixty_epoch_leaky_plateau_is_found_before_the_drop():
    comparison = _compare(seed=1, bias_offset=-3.0, activations=("leaky_relu",))
    history = comparison.runs[("leaky_relu", 1)].history
    assert history.loss[:60].min() > 0.68 and history.loss[-1] < 0.45  # stuck, then learns
    (start, end), *rest = history.plateaus()
    assert start == 0 and 60 <= end <= 72 and rest == []
    assert history.loss[end + 10] < 0.9 * history.loss[end]


def test_an_eighty_epoch_sigmoid_plateau_in_a_deep_network_is_found():
    comparison = _compare(
        seed=1, bias_offset=-2.0, hidden_layers=(32, 32, 32, 32), activations=("sigmoid",)
    )
    history = comparison.runs[("sigmoid", 1)].history
    loss = history.loss
    assert loss[:80].max() < 0.72 and loss[-1] < 0.66  # 80 epochs near ln 2, then it falls
    assert find_plateaus(loss) == []  # without the constant loss: the fall is still small
    [(start, end)] = history.plateaus()
    assert start == 0 and end >= 80


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_curves_that_keep_falling_have_no_plateau(seed):
    comparison = _compare(seed=seed, activations=("relu", "leaky_relu"))
    for activation in comparison.activations:
        history = comparison.runs[(activation, seed)].history
        assert history.loss[-1] < 0.15 * history.constant_loss  # it learns all along
        assert plateau_window(history.loss) > 1  # and its curve is noisy
        assert history.plateaus() == []


def test_a_sigmoid_that_learns_after_a_short_stall_has_at_most_that_stall(bias_minus_3):
    for seed, comparison in bias_minus_3.items():
        history = comparison.runs[("sigmoid", seed)].history
        assert history.loss[-1] < 0.5 * history.constant_loss
        for start, end in history.plateaus():
            assert start == 0 and end <= 30  # the initial stall near ln 2, never the descent


def test_the_summary_counts_plateaus_and_stuck_runs(bias_minus_3):
    comparison = bias_minus_3[0]
    summary = comparison.summary().set_index("activation")
    plateaus = comparison.plateaus()
    assert list(plateaus.columns) == ["activation", "seed", "start_epoch", "end_epoch"]
    for activation in comparison.activations:
        rows = plateaus[plateaus["activation"] == activation]
        assert summary.loc[activation, "plateaus"] == len(rows)
        assert summary.loc[activation, "stuck"] == float((rows["end_epoch"] == 100).any())
    assert summary.loc["relu", "stuck"] == 1.0
    assert summary.loc["sigmoid", "stuck"] == 0.0
