"""Compare activations on one dataset from identical initial weights.

``train_runs`` is the one way to train several models at once: runs that share shapes, solver
and batch size train together as a stack in the engine; every run keeps its own seed, so each
result equals the single run with the same settings. ``compare`` builds a paired comparison on
top (all activations of one seed start from the same draw) and ``Comparison`` serves the
tidy frames and the per-epoch views the dashboard draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from numbers import Integral

import numpy as np

from reluscope.activations import canonical_name
from reluscope.config.checks import check_argument
from reluscope.engine import RunSpec, StackedNetwork, TrainConfig, build_state, train_stack
from reluscope.errors import InvalidParameterError
from reluscope.history import History, histories_from_state
from reluscope.validation import check_fraction, check_integer, renamed_keywords

__all__ = ["Comparison", "RunResult", "compare", "encode_targets", "train_runs"]


@dataclass
class RunResult:
    """One trained model: its settings, history and final parameters [(W, b), ...]."""

    spec: RunSpec
    history: History
    parameters: list
    diverged: bool


def encode_targets(y, task: str):
    """Targets as the engine wants them, and the output layer that goes with them.

    Classification follows scikit-learn's ``LabelBinarizer``: one column (the larger class)
    for two classes, one-hot columns for more. Written here so sweeps need not import
    scikit-learn.

    Returns
    -------
    targets : ndarray (n_samples, n_outputs)
    output : {"logistic", "softmax", "identity"}
    classes : ndarray or None
    """
    y = np.asarray(y)
    if task == "regression":
        return y.reshape(len(y), -1).astype(np.float64), "identity", None
    classes, codes = np.unique(y, return_inverse=True)
    if classes.size <= 2:
        return (codes == 1)[:, None], "logistic", classes
    return np.eye(classes.size, dtype=bool)[codes], "softmax", classes


def _encode_like(y, classes, task):
    """Encode validation targets with the training set's classes."""
    if task == "regression":
        return np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    codes = np.searchsorted(classes, np.asarray(y))
    if classes.size <= 2:
        return (codes == 1)[:, None]
    return np.eye(classes.size, dtype=bool)[codes]


def random_state_of(seed) -> np.random.RandomState:
    """The generator of ``seed``, as scikit-learn's ``check_random_state`` gives it.

    An int or a RandomState needs nothing imported; anything else (``None``: NumPy's global
    generator) is left to scikit-learn, imported only then, so sweeps of int seeds never load it.
    """
    if isinstance(seed, np.random.RandomState):
        return seed
    if isinstance(seed, Integral) and not isinstance(seed, bool):
        return np.random.RandomState(seed)
    from sklearn.utils import check_random_state

    return check_random_state(seed)


def train_runs(
    X,
    y,
    specs: Sequence[RunSpec],
    config: TrainConfig,
    *,
    task: str = "classification",
    eval_set=None,
    progress: Callable[[int, int], None] | None = None,
) -> list[RunResult]:
    """Train every spec as one stacked model group; results in the order of ``specs``.

    Parameters
    ----------
    X : ndarray (n_samples, n_features)
    y : ndarray (n_samples,)
    specs : sequence of RunSpec
        Runs that differ in activation, slope, bias offset, init, learning rate or seed.
    config : TrainConfig
        Shared settings; ``epochs`` epochs are run unless ``n_iter_no_change`` stops a run.
    task : {"classification", "regression"}
    eval_set : (X_val, y_val) or None
    progress : callable(epochs_done, epochs_total) or None
    """
    if not specs:
        raise InvalidParameterError("specs", specs, "at least one run")
    X = np.asarray(X, dtype=config.dtype)
    targets, output, classes = encode_targets(y, task)
    if classes is not None and classes.size < 2:
        raise InvalidParameterError("y", f"{classes.size} class", "at least two classes")
    evaluation = None
    if eval_set is not None:
        X_val, y_val = eval_set
        evaluation = (np.asarray(X_val, dtype=config.dtype), _encode_like(y_val, classes, task))
    layer_units = [X.shape[1], *config.hidden_layers, targets.shape[1]]
    random_states = [random_state_of(spec.seed) for spec in specs]
    state = build_state(layer_units, specs, config, output, random_states)
    train_stack(state, X, targets, config, random_states, eval_set=evaluation, progress=progress)
    names = [spec.get_activation().name for spec in specs]
    histories = histories_from_state(state, config.hidden_layers, names)
    return [
        RunResult(spec, history, state.network.get_parameters(model), bool(state.diverged[model]))
        for model, (spec, history) in enumerate(zip(specs, histories, strict=True))
    ]


@dataclass
class Comparison:
    """Paired runs: every activation × seed on the same data, from identical initial weights."""

    train: object
    test: object
    activations: tuple
    seeds: tuple
    runs: dict = field(repr=False)  # (activation, seed) -> RunResult
    config: TrainConfig = field(repr=False)
    output: str = "logistic"  # the output layer: logistic, softmax or identity

    @property
    def n_epochs(self) -> int:
        return max(run.history.n_epochs for run in self.runs.values())

    # -- tidy frames: each is built once per Comparison (the runs do not change after training)
    # and handed out as a shallow copy, which under pandas' copy-on-write costs no data copy yet
    # keeps a caller's edits (new columns, assignments) out of the memoised frame

    def _memo(self, name, build):
        memo = self.__dict__.setdefault("_frame_memo", {})
        if name not in memo:
            memo[name] = build()
        return memo[name].copy(deep=False)

    def _frames(self, method):
        import pandas as pd

        frames = []
        for (activation, seed), run in self.runs.items():
            frame = getattr(run.history, method)()
            frame.insert(0, "seed", seed)
            frame.insert(0, "activation", activation)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def epochs(self):
        """activation, seed, epoch, loss, val_loss, score, val_score, running_loss, plateau."""
        return self._memo("epochs", lambda: self._frames("epochs"))

    def layers(self):
        """activation, seed, epoch, layer, units, dead, inactive, saturated, deaths, recoveries,
        grad_norm, mean_activation, on_rate, dead_fraction."""
        return self._memo("layers", lambda: self._frames("layers"))

    def units(self):
        """activation, seed, epoch, layer, unit, on_rate, dead, inactive, saturated.

        One row per unit and epoch of every run: for one run's units read
        ``runs[(activation, seed)].history.units()``, which is far smaller.
        """
        return self._memo("units", lambda: self._frames("units"))

    def plateaus(self):
        """activation, seed, start_epoch, end_epoch."""
        return self._memo("plateaus", self._plateaus)

    def _plateaus(self):
        import pandas as pd

        rows = [
            {"activation": activation, "seed": seed, "start_epoch": start, "end_epoch": end}
            for (activation, seed), run in self.runs.items()
            for start, end in run.history.plateaus()
        ]
        return pd.DataFrame(rows, columns=["activation", "seed", "start_epoch", "end_epoch"])

    def summary(self):
        """One row per activation (means over seeds): final_loss, final_val_loss, final_score,
        final_val_score, dead_units, born_dead, deaths, recoveries, diverged (the share of
        seeds that diverged), diverged_epoch (the earliest, NaN when none did), status
        ("trained", "diverged at epoch 6", or "diverged at epoch 6 (1 of 2 seeds)"), plateaus
        (of the training loss, :meth:`plateaus`) and stuck (the share of runs that end on a
        plateau: a stuck run)."""
        return self._memo("summary", self._summary)

    def _summary(self):
        import pandas as pd

        runs = ["activation", "seed"]
        epochs, layers = self.epochs(), self.layers()
        final = epochs.groupby(runs, sort=False).tail(1).set_index(runs)
        last_epoch = layers.groupby(runs)["epoch"].transform("max")
        per_layer = layers.groupby(runs)
        per_run = pd.DataFrame(
            {
                "final_loss": final["loss"],
                "final_val_loss": final["val_loss"],
                "final_score": final["score"],
                "final_val_score": final["val_score"],
                "dead_units": layers[layers["epoch"] == last_epoch].groupby(runs)["dead"].sum(),
                "born_dead": layers[layers["epoch"] == 0].groupby(runs)["dead"].sum(),
                "deaths": per_layer["deaths"].sum(),
                "recoveries": per_layer["recoveries"].sum(),
                "diverged": pd.Series(
                    {key: run.diverged for key, run in self.runs.items()}
                ).rename_axis(runs),
                **self._plateau_counts(runs),
            }
        )
        per_run["diverged_epoch"] = pd.Series(
            {key: run.history.diverged_epoch for key, run in self.runs.items()}, dtype=float
        ).rename_axis(runs)
        by_activation = per_run.groupby(level="activation", sort=False)
        summary = by_activation.mean()
        summary["diverged_epoch"] = by_activation["diverged_epoch"].min()
        summary["status"] = [
            _status(epoch, share, len(self.seeds))
            for epoch, share in zip(summary["diverged_epoch"], summary["diverged"], strict=True)
        ]
        return summary.reindex(list(self.activations)).reset_index()

    def _plateau_counts(self, runs):
        """Per run: the number of plateaus and whether the last lasts to the final epoch."""
        import pandas as pd

        plateaus = self.plateaus()
        last = {key: run.history.n_epochs for key, run in self.runs.items()}
        ends = plateaus.groupby(runs)["end_epoch"].max()
        counts = plateaus.groupby(runs).size()
        keys = pd.MultiIndex.from_tuples(list(self.runs), names=runs)
        return {
            "plateaus": counts.reindex(keys, fill_value=0),
            "stuck": pd.Series(
                [bool(ends.get(key, -1) == last[key]) for key in self.runs], index=keys
            ),
        }

    def _run(self, activation, seed) -> RunResult:
        try:
            return self.runs[(activation, seed)]
        except KeyError:
            raise InvalidParameterError(
                "activation/seed",
                (activation, seed),
                f"one of the compared activations {self.activations} and seeds {self.seeds}",
            ) from None

    def parameters(self, activation, seed, epoch=-1):
        """[(W, b), ...] of one run at an epoch (clamped to the run's last epoch)."""
        history = self._run(activation, seed).history
        return history.parameters(min(epoch, history.n_epochs) if epoch >= 0 else epoch)

    def _network_at(self, activation, seed, epoch):
        """A one-model network of this run and its flat parameters (1, P) at ``epoch``."""
        run = self._run(activation, seed)
        history = run.history
        epoch = min(epoch, history.n_epochs) if epoch >= 0 else epoch
        flat = history.records["parameters"][epoch][None]
        network = StackedNetwork(
            history.layer_units, [run.spec.get_activation()], self.output, flat.dtype
        )
        return network, flat

    def preactivations(self, activation, seed, layer, epoch, X=None):
        """z of hidden ``layer`` (1-based) at ``epoch`` on X (default: the training inputs).

        Returns
        -------
        ndarray (n_samples, units)
        """
        n_hidden = len(self.config.hidden_layers)
        check_integer(
            "layer", layer, 1, n_hidden, exact=True, allowed=f"a hidden layer, 1..{n_hidden}"
        )
        X = self.train.X if X is None else np.asarray(X, dtype=float)
        network, flat = self._network_at(activation, seed, epoch)
        return network.preactivations(X, flat)[layer - 1][0]

    def predict_proba(self, activation, seed, epoch, X):
        """P(class 1) (n,) for binary, (n, C) for multiclass, predictions (n,) for regression."""
        network, flat = self._network_at(activation, seed, epoch)
        outputs = network.predict(np.asarray(X, dtype=float), flat)[0]
        return outputs.ravel() if outputs.shape[1] == 1 else outputs

    def first_layer(self, activation, seed, epoch):
        """(W (n_features, units), b (units,)) of the first hidden layer at ``epoch``."""
        return self.parameters(activation, seed, epoch)[0]


def _status(diverged_epoch: float, share: float, n_seeds: int) -> str:
    """A run's status for a table: "trained", or the first epoch at which it diverged."""
    if np.isnan(diverged_epoch):
        return "trained"
    status = f"diverged at epoch {int(diverged_epoch)}"
    if n_seeds > 1:
        status += f" ({round(share * n_seeds)} of {n_seeds} seeds)"
    return status


# old keyword -> today's name (see the glossary in reluscope.config)
_RENAMED = {"hidden_layer_sizes": "hidden_layers", "alpha": "l2_penalty", "split_seed": "data_seed"}


def compare(
    dataset,
    activations=("relu", "leaky_relu", "tanh", "sigmoid"),
    seeds=(0,),
    *,
    hidden_layers=(32, 32),
    negative_slope=0.01,
    bias_offset=0.0,
    init="he_normal",
    solver="sgd",
    learning_rate=0.05,
    batch_size=32,
    epochs=100,
    momentum=0.9,
    l2_penalty=0.0,
    test_size=0.25,
    data_seed=0,
    progress: Callable[[float], None] | None = None,
    **renamed,
) -> Comparison:
    """Train each activation × seed on ``dataset`` from identical initial weights per seed.

    The dataset is split (stratified for classification) and standardised on the training
    part; all runs train in one stacked call for ``epochs`` epochs (no early stop). Argument
    names are those of :class:`reluscope.config.Settings`, so validated settings feed it
    directly: ``compare(data, **settings.run_arguments())``.

    Parameters
    ----------
    dataset : Dataset
    activations : sequence of str
        Names (or aliases) from ``reluscope.ACTIVATIONS``; duplicates are dropped.
    seeds : sequence of int
        One run per activation and seed; every activation of a seed starts from one draw.
    hidden_layers : sequence of int
        Hidden-layer widths (formerly ``hidden_layer_sizes``).
    negative_slope, bias_offset, init, solver, learning_rate, batch_size, epochs, momentum
        As in :data:`reluscope.config.FIELDS` and :data:`reluscope.config.API_FIELDS`, whose
        Python API ranges they are checked against.
    l2_penalty : float
        Weight of the L2 penalty (formerly ``alpha``).
    test_size : float
        Share of the data held out for validation, in (0, 1).
    data_seed : int
        Seed of the train/validation split (formerly ``split_seed``).
    progress : callable(float) or None
        Receives the fraction done, 0..1.

    Returns
    -------
    Comparison
    """
    old = renamed_keywords("compare", renamed, _RENAMED)
    written = {new: name for new, (name, _) in old.items()}
    new_values = {"hidden_layers": hidden_layers, "l2_penalty": l2_penalty, "data_seed": data_seed}
    for new, (name, value) in old.items():
        # an old name beside a new one set away from its default: neither may win silently
        if new_values[new] != compare.__kwdefaults__[new]:
            raise InvalidParameterError(name, value, f"{new} alone ({name} is its old name)")
    hidden_layers = old["hidden_layers"][1] if "hidden_layers" in old else hidden_layers
    l2_penalty = old["l2_penalty"][1] if "l2_penalty" in old else l2_penalty
    data_seed = old["data_seed"][1] if "data_seed" in old else data_seed

    activations = tuple(dict.fromkeys(canonical_name(name) for name in activations))
    if not activations:
        raise InvalidParameterError("activations", activations, "at least one activation")
    seeds = tuple(dict.fromkeys(check_argument("seed", seed, field="seeds") for seed in seeds))
    if not seeds:
        raise InvalidParameterError("seeds", seeds, "at least one seed")
    checked = {
        name: check_argument(name, value, field=written.get(name))
        for name, value in (
            ("hidden_layers", hidden_layers),
            ("negative_slope", negative_slope),
            ("bias_offset", bias_offset),
            ("init", init),
            ("solver", solver),
            ("learning_rate", learning_rate),
            ("batch_size", batch_size),
            ("epochs", epochs),
            ("momentum", momentum),
            ("l2_penalty", l2_penalty),
            ("data_seed", data_seed),
        )
    }
    test_size = check_fraction("test_size", test_size)
    train, test = dataset.split(test_size=test_size, random_state=checked["data_seed"])
    train, test = train.standardized(test)
    config = TrainConfig(
        hidden_layers=checked["hidden_layers"],
        solver=checked["solver"],
        l2_penalty=checked["l2_penalty"],
        batch_size=checked["batch_size"],
        epochs=checked["epochs"],
        momentum=checked["momentum"],
        n_iter_no_change=np.inf,
        keep_parameters=True,
    )
    # one draw per seed, made by the ReLU rule, shared by every activation: paired runs
    base = RunSpec(
        negative_slope=checked["negative_slope"],
        bias_offset=checked["bias_offset"],
        init=checked["init"],
        learning_rate=checked["learning_rate"],
        init_reference="relu",
    )
    keys = [(activation, seed) for seed in seeds for activation in activations]
    specs = [replace(base, activation=activation, seed=seed) for activation, seed in keys]
    report = None if progress is None else (lambda done, total: progress(done / total))
    results = train_runs(
        train.X,
        train.y,
        specs,
        config,
        task=train.task,
        eval_set=(test.X, test.y),
        progress=report,
    )
    return Comparison(
        train=train,
        test=test,
        activations=activations,
        seeds=seeds,
        runs=dict(zip(keys, results, strict=True)),
        config=config,
        output=encode_targets(train.y, train.task)[1],
    )
