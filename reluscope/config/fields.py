"""The field table: every user-settable field once, with its range, default, widget and caps."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reluscope.activations import ACTIVATIONS
from reluscope.datasets import BUNDLED_PREFIX
from reluscope.init import INITS
from reluscope.optim import SOLVERS

__all__ = [
    "API_FIELDS",
    "BATCH_SIZES",
    "BUNDLED_PREFIX",
    "CAPS",
    "EPOCH_ALIASES",
    "EPOCH_KEY",
    "FIELDS",
    "LEARNING_RATES",
    "LIVE_SWEEP_START",
    "SOLVERS",
    "TEST_SIZE",
    "UPLOAD",
    "Caps",
    "Field",
    "declared",
]

# share of the data held out for validation curves; fixed so that links stay short
TEST_SIZE = 0.25
# the `dataset` choice that means "the CSV file uploaded in this browser session"
UPLOAD = "upload"
# URL key of the epoch a page shows: a view of the trained history, never retrained, so not a
# field of Settings; the per-page keys that came before it still open the same epoch
EPOCH_KEY = "epoch"
EPOCH_ALIASES = ("units_epoch", "derivatives_epoch", "boundary_epoch")
# `dataset` choices naming a bundled file data/<name>.csv start with BUNDLED_PREFIX ("csv:"),
# defined with the datasets (reluscope.datasets.from_choice reads such choices)


@dataclass(frozen=True)
class Caps:
    """Compute caps of the hosted demo; the dashboard enforces them whatever the input.

    ``max_work`` bounds :func:`~reluscope.config.estimate_work` (multiply-adds of one training
    run, all models together) and ``max_stored`` :func:`~reluscope.config.estimate_stored`
    (numbers kept per run, about 8 bytes each); a run that would exceed either trains fewer
    epochs.
    """

    max_samples: int = 2000
    max_width: int = 64
    max_depth: int = 4
    max_epochs: int = 500
    max_seeds: int = 5
    max_activations: int = 6
    max_work: float = 6e9
    max_stored: float = 1e7
    # the lab page's live sweep (16x16 on moons, 300 samples): runs in one sweep, and runs ×
    # epochs, its compute budget (about 5 s on one core); it also keeps max_epochs,
    # max_seeds and max_activations
    max_sweep_runs: int = 64
    max_sweep_run_epochs: int = 4800


CAPS = Caps()

# the Lab's live sweep starts from a small grid that shows the story at once (ReLU dying under
# a negative bias and a large step, leaky ReLU beside it); first values only: every range is
# the fields' own and the caps hold
LIVE_SWEEP_START = {
    "activations": ("relu", "leaky_relu"),
    "bias_offsets": (-3.0, -1.0, 0.0),
    "learning_rates": (0.01, 0.2),
    "n_seeds": 2,
    "epochs": 40,
}


@dataclass(frozen=True)
class Field:
    """One user-settable field.

    Attributes
    ----------
    name : str
        Attribute of :class:`~reluscope.config.Settings`, URL query key and command-line
        option name.
    kind : {"int", "float", "choice", "choices", "layers"}
        Value type: a number, one option, several options, or hidden-layer widths.
    widget : str
        Streamlit widget that edits it: ``slider``, ``select_slider``, ``selectbox``,
        ``multiselect``, ``segmented_control``, ``text_input``, or ``""`` for a field that
        only the Python API and sweeps set.
    low, high : float or None
        Range that the dashboard, its links and ``reluscope train`` allow (of each width for
        ``layers``).
    options : tuple or callable or None
        The allowed values of a choice, or the grid a ``select_slider`` snaps numbers to.
    cap : str or None
        The :class:`Caps` attribute that lowers ``high`` (or bounds a count) in the app.
    log : bool
        Snap to ``options`` on a log scale (learning rate, batch size).
    aliases : tuple of str
        Older URL keys and command-line options that still mean this field.
    api_low, api_high : float or None
        Range that the Python API allows, where it is wider than ``low``, ``high`` (the
        engine trains any positive learning rate; the dashboard offers 1e-4 … 1).
    api_low_open : bool
        ``api_low`` itself is not allowed (a learning rate of 0).
    """

    name: str
    label: str
    kind: str
    default: object
    widget: str
    help: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple | Callable[[], tuple] | None = None
    cap: str | None = None
    log: bool = False
    aliases: tuple[str, ...] = ()
    api_low: float | None = None
    api_high: float | None = None
    api_low_open: bool = False

    def choices(self) -> tuple:
        """The allowed options (choice fields) or the snapping grid, resolved if lazy."""
        return self.options() if callable(self.options) else (self.options or ())

    def upper(self, caps: Caps | None = CAPS) -> float:
        """Largest allowed number: ``high`` lowered by this field's cap when caps apply."""
        if caps is not None and self.cap is not None and self.kind in ("int", "float"):
            return min(self.high, getattr(caps, self.cap))
        return self.high

    def api_bounds(self) -> tuple[float, float]:
        """The Python API's range: ``api_low``, ``api_high`` where given, else ``low``, ``high``."""
        low = self.low if self.api_low is None else self.api_low
        high = self.high if self.api_high is None else self.api_high
        return low, high

    def to_url(self, value) -> str | list[str]:
        """The value as URL query parameters: several options repeat the key, as Streamlit does."""
        return list(value) if self.kind == "choices" else self.format(value)

    def format(self, value) -> str:
        """The value as written in a URL or on the command line."""
        if self.kind == "layers":
            return "x".join(str(width) for width in value)
        if self.kind == "choices":
            return ",".join(value)
        if self.kind == "float":
            return repr(float(value)).removesuffix(".0")  # shortest text that reads back exactly
        return str(value)


def _dataset_options() -> tuple[str, ...]:
    from reluscope import datasets

    bundled = (f"{BUNDLED_PREFIX}{name}" for name in datasets.bundled_datasets())
    return (*datasets.DATASETS, *bundled, UPLOAD)


def _grid(mantissas: Iterable[int], exponents: Iterable[int]) -> tuple[float, ...]:
    return tuple(float(f"{m}e{e}") for e in exponents for m in mantissas)


LEARNING_RATES = (*_grid((1, 2, 5), range(-4, 0)), 1.0)
BATCH_SIZES = (4, 8, 16, 32, 64, 128, 256, 512)
# seeds of NumPy's RandomState: what the Python API takes (the dashboard keeps to 31 bits)
_SEED_HIGH = 2**32 - 1

FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            name="dataset",
            label="Dataset",
            kind="choice",
            default="moons",
            widget="selectbox",
            help="A generated toy problem, a bundled CSV file, or a CSV file you upload.",
            options=_dataset_options,
        ),
        Field(
            name="n_samples",
            label="Samples",
            kind="int",
            default=300,
            widget="slider",
            help="Points drawn from a generated dataset (a quarter is held out for validation).",
            low=50,
            high=100_000,
            step=10,
            cap="max_samples",
        ),
        Field(
            name="noise",
            label="Noise",
            kind="float",
            default=0.2,
            widget="slider",
            help="Noise of a generated dataset (standard deviation added to the points).",
            low=0.0,
            high=1.0,
            step=0.05,
        ),
        Field(
            name="hidden_layers",
            label="Hidden layers",
            kind="layers",
            default=(32, 32),
            widget="text_input",
            help="Widths of the hidden layers, e.g. `32x32` for two layers of 32 units.",
            low=1,
            high=4096,
            cap="max_width",
            api_high=math.inf,
        ),
        Field(
            name="activations",
            label="Activations",
            kind="choices",
            default=("relu", "leaky_relu", "tanh", "sigmoid"),
            widget="multiselect",
            help="Activations to compare; for one seed they all start from identical weights.",
            options=ACTIVATIONS,
            cap="max_activations",
        ),
        Field(
            name="negative_slope",
            label="Negative slope (leaky ReLU)",
            kind="float",
            default=0.01,
            widget="slider",
            help="Slope of leaky ReLU for z < 0; 0 makes it ReLU, so its units can die.",
            low=0.0,
            high=1.0,
            step=0.01,
        ),
        Field(
            name="bias_offset",
            label="Bias offset",
            kind="float",
            default=0.0,
            widget="slider",
            help="Added to every hidden bias at initialisation; negative values kill ReLU units.",
            low=-10.0,
            high=10.0,
            step=0.1,
            api_low=-math.inf,
            api_high=math.inf,
        ),
        Field(
            name="init",
            label="Initialisation",
            kind="choice",
            default="he_normal",
            widget="selectbox",
            help="How initial weights are drawn (He for ReLU, Glorot for tanh and sigmoid).",
            options=INITS,
        ),
        Field(
            name="solver",
            label="Optimiser",
            kind="choice",
            default="sgd",
            widget="segmented_control",
            help="Minibatch SGD with Nesterov momentum 0.9 (scikit-learn's default) or Adam.",
            options=SOLVERS,
        ),
        Field(
            name="learning_rate",
            label="Learning rate",
            kind="float",
            default=0.05,
            widget="select_slider",
            help="Step size (log scale); too large a step knocks ReLU units dead.",
            low=1e-4,
            high=1.0,
            options=LEARNING_RATES,
            log=True,
            api_low=0.0,
            api_high=math.inf,
            api_low_open=True,
        ),
        Field(
            name="batch_size",
            label="Batch size",
            kind="int",
            default=32,
            widget="select_slider",
            help="Samples per update.",
            low=4,
            high=512,
            options=BATCH_SIZES,
            log=True,
            api_low=1,
            api_high=math.inf,
        ),
        Field(
            name="epochs",
            label="Epochs",
            kind="int",
            default=100,
            widget="slider",
            help="Passes over the training data.",
            low=1,
            high=100_000,
            step=1,
            cap="max_epochs",
            api_high=math.inf,
        ),
        # a text box, not st.number_input: an integer number_input bound to the URL raises
        # OverflowError on values such as 1e309 (Streamlit 1.67), before our validation runs
        Field(
            name="seed",
            label="Seed",
            kind="int",
            default=0,
            widget="text_input",
            help="Seeds the data and the initial weights: the same seed reproduces the same run.",
            low=0,
            high=2**31 - 1,
            step=1,
            api_high=_SEED_HIGH,
        ),
        Field(
            name="n_seeds",
            label="Number of seeds",
            kind="int",
            default=1,
            widget="slider",
            help="Repeat with seeds seed, seed+1, …; curves then show the mean and a 95 % band.",
            low=1,
            high=100,
            step=1,
            cap="max_seeds",
            aliases=("seeds",),
            api_high=math.inf,
        ),
    )
}
"""The fields of :class:`~reluscope.config.Settings`, in the sidebar's order."""

API_FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            name="momentum",
            label="Momentum",
            kind="float",
            default=0.9,
            widget="",
            help="Share of the previous step kept by SGD: 0 is plain SGD; above 1 steps grow.",
            low=0.0,
            high=1.0,
        ),
        Field(
            name="l2_penalty",
            label="L2 penalty",
            kind="float",
            default=0.0,
            widget="",
            help="Weight of the L2 penalty on the weights; below 0 it would reward large weights.",
            low=0.0,
            high=math.inf,
        ),
        Field(
            name="data_seed",
            label="Data seed",
            kind="int",
            default=0,
            widget="",
            help="Seeds a generated dataset and the train/validation split.",
            low=0,
            high=_SEED_HIGH,
        ),
    )
}
"""Fields that the Python API and sweeps set but the dashboard does not show."""


def declared(name: str) -> Field:
    """The declaration of ``name`` in :data:`FIELDS` or :data:`API_FIELDS` (KeyError if none)."""
    return FIELDS[name] if name in FIELDS else API_FIELDS[name]
