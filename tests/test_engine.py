"""The stacked engine: finite-difference gradients, stacking, determinism, divergence."""

import warnings

import numpy as np
import pytest

import reluscope as rs
from reluscope.engine import (
    Buffers,
    RunSpec,
    StackedNetwork,
    TrainConfig,
    build_state,
    sample_losses_sum,
    scores,
    train_stack,
    working_bytes,
)
from reluscope.experiment import encode_targets, random_state_of, train_runs
from reluscope.full_set import group_sizes

OUTPUTS = {"logistic": 1, "softmax": 3, "identity": 1}


def _network(activation, output, rng, hidden=(5, 4)):
    units = [3, *hidden, OUTPUTS[output]]
    net = StackedNetwork(units, [rs.get_activation(activation)], output, np.float64)
    net.flat[:] = rng.normal(0.0, 0.8, net.flat.shape)
    return net


def _targets(output, rng, n):
    if output == "identity":
        return rng.normal(size=(n, 1))
    if output == "logistic":
        return rng.integers(0, 2, size=(n, 1)).astype(bool)
    return np.eye(3, dtype=bool)[rng.integers(0, 3, size=n)]


def _objective(net, X, Y, alpha):
    outputs = net.predict(X)
    n = X.shape[0]
    penalty = 0.5 * alpha * np.sum((net.flat * net.weight_mask) ** 2) / n
    return sample_losses_sum(outputs, Y[None], net.output)[0] / n + penalty


@pytest.mark.parametrize("hidden", [(5, 4), (4, 4, 4)])  # equal widths take a batched path
@pytest.mark.parametrize("output", sorted(OUTPUTS))
@pytest.mark.parametrize("activation", rs.ACTIVATIONS)
def test_network_gradient_matches_central_differences(activation, output, hidden):
    rng = np.random.default_rng(0)
    net = _network(activation, output, rng, hidden)
    X = rng.normal(size=(11, 3))
    Y = _targets(output, rng, 11)
    alpha = 0.3
    buffers = Buffers(net, 11)
    inputs = net.augment(X)
    grads_flat = np.empty_like(net.flat)
    outputs = net.forward(inputs, buffers)
    net.backward(inputs, Y[None].astype(float), outputs, buffers, net.layer_views(grads_flat))
    analytic = (grads_flat + alpha * net.weight_mask * net.flat) / 11
    numeric = np.empty_like(analytic)
    h = 1e-6
    for index in range(net.n_parameters):
        saved = net.flat[0, index]
        net.flat[0, index] = saved + h
        upper = _objective(net, X, Y, alpha)
        net.flat[0, index] = saved - h
        lower = _objective(net, X, Y, alpha)
        net.flat[0, index] = saved
        numeric[0, index] = (upper - lower) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def test_stacked_models_equal_single_models_bit_for_bit(moons):
    X, y = moons
    config = TrainConfig(
        hidden_layers=(8, 8), solver="sgd", batch_size=16, epochs=15, n_iter_no_change=np.inf
    )
    specs = [
        RunSpec("relu", bias_offset=-0.5, learning_rate=0.1, seed=0),
        RunSpec("tanh", learning_rate=0.03, seed=1),
        RunSpec("leaky_relu", negative_slope=0.2, learning_rate=0.05, seed=2),
        RunSpec("relu", init="glorot_uniform", learning_rate=0.2, seed=3),
    ]
    together = train_runs(X, y, specs, config)
    for spec, run in zip(specs, together, strict=True):
        alone = train_runs(X, y, [spec], config)[0]
        np.testing.assert_array_equal(run.history.running_loss, alone.history.running_loss)
        for (w1, b1), (w2, b2) in zip(run.parameters, alone.parameters, strict=True):
            np.testing.assert_array_equal(w1, w2)
            np.testing.assert_array_equal(b1, b2)
        np.testing.assert_array_equal(run.history.records["dead"], alone.history.records["dead"])


def test_same_settings_and_seed_give_identical_histories(moons):
    X, y = moons

    def fit():
        return rs.MLPClassifier(
            (16, 16),
            solver="sgd",
            learning_rate_init=0.1,
            batch_size=20,
            max_iter=20,
            bias_offset=-1.0,
            random_state=7,
        ).fit(X, y)

    first, second = fit(), fit()
    for method in ("epochs", "layers", "units"):
        a, b = getattr(first.history_, method)(), getattr(second.history_, method)()
        assert a.equals(b)


def test_divergence_stops_keeps_history_warns_and_raises_like_scikit_learn(moons):
    X, y = moons
    clf = rs.MLPRegressor(
        (32, 32), solver="sgd", learning_rate_init=10.0, momentum=0.9, max_iter=200, random_state=0
    )
    with (
        warnings.catch_warnings(record=True) as caught,
        pytest.raises(ValueError, match="non-finite parameter weights"),
    ):
        warnings.simplefilter("always")
        clf.fit(X * 100, y * 1e6)  # scikit-learn's error, after the history is kept
    assert any(
        issubclass(w.category, RuntimeWarning) and "diverged" in str(w.message) for w in caught
    )
    assert clf.diverged_
    assert clf.n_iter_ < 200
    epochs = clf.history_.epochs()
    assert len(epochs) == clf.n_iter_ + 1
    assert not np.isfinite(epochs["loss"].iloc[-1]) or not np.isfinite(clf.loss_curve_[-1])
    assert np.isfinite(epochs["loss"].iloc[0])


@pytest.mark.parametrize(
    ("batch_size", "diagnostics", "alpha"),
    [(32, True, 0.0), (32, False, 0.5), (300, True, 0.5), (300, False, 0.0)],  # 300: full batch
)
def test_divergence_reference_is_the_initial_loss_or_the_constant_predictors(
    moons, batch_size, diagnostics, alpha
):
    """Whether the initial loss comes from the first record, the first full batch or a pass of
    its own, the reference is max(initial loss with its L2 term, constant predictor's loss)."""
    X, y = moons
    config = TrainConfig(
        hidden_layers=(8, 8), solver="sgd", batch_size=batch_size, epochs=1,
        diagnostics=diagnostics, l2_penalty=alpha,
    )  # fmt: skip
    # bias +2: an initial loss above the constant predictor's; −3: at or below it
    specs = [RunSpec("relu", bias_offset=2.0, seed=0), RunSpec("relu", bias_offset=-3.0, seed=1)]
    states = [random_state_of(spec.seed) for spec in specs]
    targets, output, _ = encode_targets(y, "classification")
    state = build_state([X.shape[1], 8, 8, targets.shape[1]], specs, config, output, states)
    initial = [
        _objective(state.network.subset(slice(m, m + 1)), X, targets, alpha) for m in range(2)
    ]
    train_stack(state, X, targets, config, states)
    constant = -np.mean(np.log(np.where(targets, targets.mean(), 1 - targets.mean())))
    assert state.constant_loss == pytest.approx(constant, rel=1e-12)
    assert initial[0] > 1.2 * constant  # the reference is the initial loss there
    np.testing.assert_allclose(state.loss_reference, np.fmax(initial, constant), rtol=1e-12)


def test_frozen_model_stops_while_others_train(moons):
    X, y = moons
    config = TrainConfig(
        hidden_layers=(8,),
        solver="sgd",
        batch_size=32,
        epochs=60,
        tol=1e-2,
        n_iter_no_change=3,
    )
    specs = [
        RunSpec("relu", learning_rate=1e-6, seed=0),
        RunSpec("relu", learning_rate=0.1, seed=0),
    ]
    slow, fast = train_runs(X, y, specs, config)
    assert slow.history.n_epochs < fast.history.n_epochs
    assert len(slow.history.epochs()) == slow.history.n_epochs + 1


@pytest.mark.parametrize("n_classes", [2, 3])
def test_target_encoding_matches_scikit_learn_label_binarizer(n_classes):
    from sklearn.preprocessing import LabelBinarizer

    from reluscope.experiment import encode_targets

    y = np.array(["b", "a", "c", "a", "b", "c"])[: 4 if n_classes == 2 else 6]
    y = np.where(y == "c", "a", y) if n_classes == 2 else y
    targets, output, classes = encode_targets(y, "classification")
    np.testing.assert_array_equal(targets, LabelBinarizer().fit_transform(y).astype(bool))
    assert output == ("logistic" if n_classes == 2 else "softmax")
    assert list(classes) == sorted(set(y))


def _train_recorded(X, y, activation, batch_size, **config):
    """One run with parameter snapshots, and a bare network of its shape to recompute z."""
    settings = dict(
        hidden_layers=(6, 5),
        solver="sgd",
        batch_size=batch_size,
        epochs=3,
        keep_parameters=True,
        n_iter_no_change=np.inf,
    )
    settings.update(config)
    config = TrainConfig(**settings)
    spec = RunSpec(activation, init="he_normal", learning_rate=0.05, seed=0)
    run = train_runs(X, y, [spec], config)[0]
    network = StackedNetwork(run.history.layer_units, [spec.get_activation()], "logistic", float)
    return run, network


@pytest.mark.parametrize("batch_size", [40, 10])  # one batch per epoch reuses the training pass
@pytest.mark.parametrize("activation", rs.ACTIVATIONS)
def test_recorded_unit_states_equal_diagnostics_where_z_is_exactly_zero(activation, batch_size):
    from reluscope.diagnostics import unit_states

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    X[::4] = 0.0  # biases start at zero, so these rows give z = 0 exactly at epoch 0
    y = rng.integers(0, 2, 40)
    run, network = _train_recorded(X, y, activation, batch_size)
    records = run.history.records
    act = rs.get_activation(activation)
    for epoch in range(run.history.n_epochs + 1):
        zs = network.preactivations(X, records["parameters"][epoch][None])
        expected = [unit_states(z[0], act) for z in zs]
        np.testing.assert_allclose(
            records["on_rate"][epoch], np.concatenate([s.on_rate for s in expected]), atol=1e-7
        )
        for name in ("inactive", "dead", "saturated"):
            np.testing.assert_array_equal(
                records[name][epoch], np.concatenate([getattr(s, name) for s in expected])
            )
    if act(np.zeros(1))[0] == 0:  # f(0) = 0: every hidden layer sees z = 0 on those rows
        zs = network.preactivations(X, records["parameters"][0][None])
        assert all((z[0, ::4] == 0).all() for z in zs)
        assert (records["on_rate"][0] <= 0.75).all()


def test_engine_saturation_threshold_is_five_percent_of_the_peak_slope():
    # one input in [0, 1] and sigmoid units z = x + b: at b = 3, σ′ ≤ σ′(3) ≈ 18 % of its peak
    # (not saturated); at b = 6, σ′ ≤ σ′(6) ≈ 1 % (saturated); at b = 2.2, ≈ 35 %
    X = np.linspace(0.0, 1.0, 21)[:, None]
    y = np.arange(21) % 2
    config = TrainConfig(hidden_layers=(4,), solver="sgd", batch_size=21, epochs=1)
    targets = y[:, None].astype(bool)
    specs = [RunSpec("sigmoid", learning_rate=1e-12), RunSpec("relu", learning_rate=1e-12)]
    state = build_state([1, 4, 1], specs, config, "logistic", [np.random.RandomState(0)] * 2)
    hidden = (np.ones((1, 4)), np.array([3.0, 6.0, 2.2, -5.0]))
    output = (np.ones((4, 1)), np.zeros(1))
    for model in range(2):
        state.network.set_parameters(model, [hidden, output])
    train_stack(state, X, targets, config, [np.random.RandomState(0)] * 2)
    saturated = state.records[0]["saturated"]
    np.testing.assert_array_equal(saturated[0], [False, True, False, False])
    np.testing.assert_array_equal(saturated[1], [False] * 4)  # ReLU never saturates: it dies
    np.testing.assert_array_equal(state.records[0]["dead"][1], [False, False, False, True])


def test_multilabel_score_needs_every_label_right():
    outputs = np.array([[[0.9, 0.2], [0.9, 0.8], [0.1, 0.1], [0.2, 0.7]]])
    targets = np.array([[[1, 0], [1, 0], [1, 1], [0, 1]]], dtype=bool)
    np.testing.assert_allclose(scores(outputs, targets, "logistic"), [0.5])


def test_multilabel_history_score_equals_subset_accuracy():
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(120, n_features=6, n_classes=3, random_state=0)
    clf = rs.MLPClassifier((12,), max_iter=15, learning_rate_init=0.01, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, Y)
    assert clf.history_.epochs()["score"].iloc[-1] == pytest.approx(clf.score(X, Y))
    per_label = (clf.predict(X) == Y).mean()
    assert clf.score(X, Y) < per_label  # the data set tells "all labels" from "any label"


def _trained(X, y, specs, config, eval_set, group_bytes, sample_weight=None):
    targets, output, _ = encode_targets(y, "classification")
    val = (eval_set[0], encode_targets(eval_set[1], "classification")[0])
    random_states = [random_state_of(spec.seed) for spec in specs]
    layer_units = [X.shape[1], *config.hidden_layers, targets.shape[1]]
    state = build_state(layer_units, specs, config, output, random_states)
    return train_stack(
        state,
        X,
        targets,
        config,
        random_states,
        eval_set=val,
        group_bytes=group_bytes,
        sample_weight=sample_weight,
    )


def _weights(n):
    """Sample weights with some rows of weight 0."""
    weights = np.random.RandomState(0).uniform(0.0, 2.0, n)
    weights[::7] = 0.0
    return weights


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("batch_size", [16, 1000])  # minibatches, and the full batch
@pytest.mark.parametrize("hidden", [(6, 5), (4, 4, 4)])
def test_models_in_groups_under_a_byte_budget_equal_one_stack_bit_for_bit(
    moons, hidden, batch_size, weighted
):
    X, y = moons
    sample_weight = _weights(X.shape[0]) if weighted else None
    config = TrainConfig(hidden_layers=hidden, batch_size=batch_size, epochs=6, l2_penalty=0.01)
    specs = [
        RunSpec("relu", bias_offset=-0.5, learning_rate=0.1, seed=0),
        RunSpec("relu", learning_rate=0.05, seed=1),
        RunSpec("tanh", learning_rate=0.03, seed=2),
        RunSpec("leaky_relu", negative_slope=0.2, learning_rate=0.05, seed=3),
        RunSpec("gelu", learning_rate=0.2, seed=4),
    ]
    eval_set = (X[:40], y[:40])
    per_model = Buffers.nbytes([2, *hidden, 1], 1, X.shape[0], 8)
    one_stack = _trained(X, y, specs, config, eval_set, None, sample_weight)
    # one model per group; groups of two, two and one (unequal groups share one allocation)
    for budget in (1, 2 * per_model):
        grouped = _trained(X, y, specs, config, eval_set, budget, sample_weight)
        np.testing.assert_array_equal(grouped.network.flat, one_stack.network.flat)
        np.testing.assert_array_equal(grouped.loss_curve, one_stack.loss_curve)
        assert len(grouped.records) == len(one_stack.records) == config.epochs + 1
        for ours, reference in zip(grouped.records, one_stack.records, strict=True):
            assert ours.keys() == reference.keys()
            for name in reference:
                np.testing.assert_array_equal(ours[name], reference[name], err_msg=name)


def test_group_sizes_stay_within_the_budget_and_cover_the_stack():
    units = [2, 64, 64, 1]
    per_model = Buffers.nbytes(units, 1, 500, 8)
    for n_models in (1, 7, 128):
        for budget in (1, per_model, 3 * per_model + 1, 10**12):
            sizes = group_sizes(units, 500, n_models, 8, budget)
            assert sum(sizes) == n_models and max(sizes) - min(sizes) <= 1
            assert max(sizes) == 1 or max(sizes) * per_model <= budget


def test_working_bytes_counts_what_a_training_allocates(moons):
    """The estimate covers the memory NumPy hands out during a training, within 25 %."""
    import tracemalloc

    X, y = moons
    X = np.repeat(X, 4, axis=0)
    y = np.repeat(y, 4)
    config = TrainConfig(hidden_layers=(64, 64), batch_size=32, epochs=2)
    specs = [RunSpec(seed=seed) for seed in range(24)]
    targets, output, _ = encode_targets(y, "classification")
    random_states = [random_state_of(spec.seed) for spec in specs]
    layer_units = [2, 64, 64, 1]
    state = build_state(layer_units, specs, config, output, random_states)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    train_stack(state, X, targets, config, random_states)
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    estimate = working_bytes(layer_units, X.shape[0], 24, 32, np.float64, solver="sgd")
    assert 0.75 * peak <= estimate <= 1.25 * peak + 2**20
    # a near-cap training no longer holds full-set buffers for every model at once
    unbounded = Buffers.nbytes(layer_units, 24, X.shape[0], 8)
    assert estimate < unbounded


@pytest.mark.parametrize("group_bytes", [None, 1])
def test_mixed_stack_records_equal_diagnostics_and_the_mean_activation(moons, group_bytes):
    from reluscope.diagnostics import unit_states

    X, y = moons
    config = TrainConfig(hidden_layers=(5, 3), batch_size=25, epochs=3, keep_parameters=True)
    specs = [
        RunSpec("relu", bias_offset=-1.0, seed=0),
        RunSpec("gelu", bias_offset=-2.0, seed=1),
        RunSpec("tanh", seed=2),
        RunSpec("leaky_relu", bias_offset=-3.0, seed=3),
    ]
    state = _trained(X, y, specs, config, (X[:10], y[:10]), group_bytes)
    for model, spec in enumerate(specs):
        activation = spec.get_activation()
        network = StackedNetwork(
            state.network.layer_units, [activation], "logistic", state.network.dtype
        )
        for entry in state.records:
            zs = network.preactivations(X, entry["parameters"][model][None])
            expected = [unit_states(z[0], activation) for z in zs]
            for name in ("inactive", "dead", "saturated"):
                np.testing.assert_array_equal(
                    entry[name][model], np.concatenate([getattr(s, name) for s in expected])
                )
            np.testing.assert_allclose(
                entry["on_rate"][model], np.concatenate([s.on_rate for s in expected]), atol=1e-7
            )
            means = [activation(z[0]).mean() for z in zs]
            np.testing.assert_allclose(entry["mean_activation"][model], means, rtol=1e-12)


@pytest.mark.parametrize("batch_size", [25, 1000])
@pytest.mark.parametrize("group_bytes", [None, 1])
def test_weighted_records_leave_out_weight_0_rows_and_weigh_the_on_rates(
    moons, group_bytes, batch_size
):
    from reluscope.diagnostics import unit_states

    X, y = moons
    weights = _weights(X.shape[0])
    kept = weights > 0
    config = TrainConfig(
        hidden_layers=(5, 3), batch_size=batch_size, epochs=3, keep_parameters=True
    )
    specs = [
        RunSpec("relu", bias_offset=-1.0, seed=0),
        RunSpec("gelu", bias_offset=-2.0, seed=1),
        RunSpec("tanh", seed=2),
    ]
    state = _trained(X, y, specs, config, (X[:10], y[:10]), group_bytes, weights)
    w = weights[kept] / weights[kept].mean()
    for model, spec in enumerate(specs):
        activation = spec.get_activation()
        network = StackedNetwork(
            state.network.layer_units, [activation], "logistic", state.network.dtype
        )
        for entry in state.records:
            zs = network.preactivations(X[kept], entry["parameters"][model][None])
            on_rate = np.concatenate([(w[:, None] * (z[0] > 0)).mean(axis=0) for z in zs])
            np.testing.assert_allclose(entry["on_rate"][model], on_rate, atol=1e-6)
            inactive = np.concatenate([unit_states(z[0], activation).inactive for z in zs])
            np.testing.assert_array_equal(entry["inactive"][model], inactive)
            outputs = network.predict(X[kept], entry["parameters"][model][None])
            targets = y[kept].astype(float)[None, :, None]
            loss = sample_losses_sum(outputs, targets, "logistic", w[None, :, None]) / kept.sum()
            np.testing.assert_allclose(entry["loss"][model], loss[0], rtol=1e-12)
            accuracy = scores(outputs, targets, "logistic", w[None, :, None])
            np.testing.assert_allclose(entry["score"][model], accuracy[0], rtol=1e-12)
