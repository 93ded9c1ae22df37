"""Activation functions paired with their derivatives, in one registry keyed by name.

Every derivative is of the pre-activation ``z``. For speed the engine passes the already
computed output ``a = f(z)`` as well, so sigmoid and tanh reuse it as scikit-learn does
(σ′ = a(1−a), tanh′ = 1−a²). Values checked in ``tests/test_activations.py`` come from the
sources cited per function (see REFERENCES.md: Glorot & Bengio 2010; Maas et al. 2013;
Clevert et al. 2016; Klambauer et al. 2017; Hendrycks & Gimpel 2016).

>>> import numpy as np
>>> relu = get_activation("relu")
>>> relu(np.array([-1.0, 0.0, 2.0])).tolist(), relu.derivative(np.array([-1.0, 0.0, 2.0])).tolist()
([0.0, 0.0, 2.0], [0.0, 0.0, 1.0])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from reluscope.validation import check_choice, check_real

__all__ = ["ACTIVATIONS", "ALIASES", "Activation", "get_activation"]

# SELU constants (Klambauer et al. 2017, eq. 14)
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805

_SPECIAL = None


def scipy_special():
    """scipy.special, imported on first use to keep ``import reluscope`` cheap."""
    global _SPECIAL
    if _SPECIAL is None:
        import scipy.special

        _SPECIAL = scipy.special
    return _SPECIAL


def _as_float_array(z) -> np.ndarray:
    z = np.asarray(z)
    return z if np.issubdtype(z.dtype, np.floating) else z.astype(np.float64)


Forward = Callable[[np.ndarray, np.ndarray], None]
Derivative = Callable[[np.ndarray, np.ndarray, np.ndarray], None]


@dataclass(frozen=True, eq=False)
class Activation:
    """A hidden-unit nonlinearity f with its derivative f′ of the pre-activation z.

    Attributes
    ----------
    name : str
        Registry name (aliases resolve to the canonical name).
    peak_slope : float
        sup_z |f′(z)|, the reference for "saturated" (f′ < 5 % of it everywhere on the data).
    params : dict
        Parameters such as ``negative_slope``; part of the identity of the activation.
    zero_gradient_below_zero : bool
        True when f′(z) = 0 for every z ≤ 0, so a unit inactive on the data is dead.
    monotone : bool
        True when f′ ≥ 0 everywhere (not so for GELU and SiLU, which dip below zero).
    saturates : bool
        True when f′ tends to 0 on a flat side (sigmoid, tanh, softplus, ELU, SELU, GELU,
        SiLU): only such units can be *saturated* (see ``reluscope.diagnostics``). ReLU's flat
        side is *dead*, leaky ReLU's constant slope is *inactive*.
    off_state : {"dead", "inactive", "saturated"} or None
        Which state counts as *off* for this activation: the flat (or flatter) side of f.
        None for identity, which has neither.
    """

    name: str
    peak_slope: float
    forward_into: Forward = field(repr=False)
    derivative_into: Derivative = field(repr=False)
    params: dict = field(default_factory=dict)
    zero_gradient_below_zero: bool = False
    monotone: bool = True
    saturates: bool = False
    off_state: str | None = "inactive"

    def __call__(self, z) -> np.ndarray:
        """f(z), elementwise, any shape."""
        z = _as_float_array(z)
        out = np.empty_like(z)
        self.forward_into(z, out)
        return out

    def derivative(self, z) -> np.ndarray:
        """f′(z), elementwise, any shape."""
        z = _as_float_array(z)
        a = self(z)
        out = np.empty_like(z)
        self.derivative_into(z, a, out)
        return out

    @property
    def key(self) -> tuple:
        """Hashable identity: name and parameters."""
        return (self.name, *sorted(self.params.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Activation) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __reduce__(self):
        # the functions are closures; rebuild from the registry instead of pickling them
        return (_from_registry, (self.name, self.params))

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Activation({self.name!r}{args})"


# --- the functions: forward(z, out) and derivative(z, a, out) -------------------------------


def _identity(z, out):
    np.copyto(out, z)


def _identity_d(z, a, out):
    out.fill(1.0)


def _sigmoid(z, out):
    scipy_special().expit(z, out=out)  # stable for any z: expit(±1000) is 1 / 0, no warning


def _sigmoid_d(z, a, out):
    np.subtract(1.0, a, out=out)
    out *= a


def _tanh(z, out):
    np.tanh(z, out=out)


def _tanh_d(z, a, out):
    np.multiply(a, a, out=out)
    np.subtract(1.0, out, out=out)


# a 0-d zero per float dtype: ufuncs take it faster than a Python 0.0, which they convert on
# every call (and the same dtype keeps float32 in float32)
_ZEROS = {np.dtype(t): np.zeros((), t) for t in (np.float16, np.float32, np.float64, np.longdouble)}


def _relu(z, out):
    np.maximum(z, _ZEROS.get(z.dtype, 0.0), out=out)


def _relu_d(z, a, out):
    np.greater(z, 0.0, out=out)  # relu'(0) = 0, as scikit-learn and TF Playground


def _leaky(negative_slope):
    def forward(z, out):
        np.multiply(z, np.where(z > 0.0, 1.0, negative_slope), out=out)

    def derivative(z, a, out):
        out[...] = np.where(z > 0.0, 1.0, negative_slope)

    return forward, derivative


def _elu(alpha):
    def forward(z, out):
        np.expm1(np.minimum(z, 0.0), out=out)  # expm1 of min(z, 0): no overflow for large z
        out *= alpha
        np.copyto(out, z, where=z > 0.0)

    def derivative(z, a, out):
        # f' = f + alpha for z <= 0 (Clevert et al. 2016)
        np.add(a, alpha, out=out)
        out[z > 0.0] = 1.0

    return forward, derivative


def _selu(z, out):
    np.expm1(np.minimum(z, 0.0), out=out)
    out *= SELU_ALPHA
    np.copyto(out, z, where=z > 0.0)
    out *= SELU_SCALE


def _selu_d(z, a, out):
    np.add(a, SELU_SCALE * SELU_ALPHA, out=out)
    out[z > 0.0] = SELU_SCALE


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _gelu(z, out):
    # exact GELU z·Φ(z) (Hendrycks & Gimpel 2016), not the tanh approximation
    scipy_special().ndtr(z, out=out)
    out *= z


def _gelu_d(z, a, out):
    np.multiply(z, z, out=out)
    out *= -0.5
    np.exp(out, out=out)
    out *= _INV_SQRT_2PI * z
    out += scipy_special().ndtr(z)


def _silu(z, out):
    scipy_special().expit(z, out=out)
    out *= z


def _silu_d(z, a, out):
    s = scipy_special().expit(z)
    # σ(z) + z σ(z)(1 − σ(z)) = σ(z) + a (1 − σ(z))
    np.subtract(1.0, s, out=out)
    out *= a
    out += s


def _softplus(z, out):
    np.logaddexp(0.0, z, out=out)


def _softplus_d(z, a, out):
    scipy_special().expit(z, out=out)


def _peak_of(derivative: Derivative, forward: Forward, lo: float, hi: float) -> float:
    """sup |f′| on a fine grid, for activations with no neat closed form."""
    z = np.linspace(lo, hi, 200_001)
    a = np.empty_like(z)
    forward(z, a)
    d = np.empty_like(z)
    derivative(z, a, d)
    return float(np.max(np.abs(d)))


def _leaky_relu(negative_slope=0.01) -> Activation:
    slope = check_real("negative_slope", negative_slope, 0.0, 1.0)
    if slope == 0.0:  # slope 0 is exactly ReLU
        return Activation(
            "leaky_relu",
            1.0,
            _relu,
            _relu_d,
            {"negative_slope": 0.0},
            zero_gradient_below_zero=True,
            off_state="dead",
        )
    forward, derivative = _leaky(slope)
    return Activation("leaky_relu", 1.0, forward, derivative, {"negative_slope": slope})


def _elu_activation(alpha=1.0) -> Activation:
    alpha = check_real("alpha", alpha, 0.0, 10.0)
    forward, derivative = _elu(alpha)
    return Activation("elu", max(1.0, alpha), forward, derivative, {"alpha": alpha}, saturates=True)


# name -> builder taking that activation's parameters, in the order the registry lists them
_BUILDERS = {
    "identity": lambda: Activation("identity", 1.0, _identity, _identity_d, off_state=None),
    "sigmoid": lambda: Activation(
        "sigmoid", 0.25, _sigmoid, _sigmoid_d, saturates=True, off_state="saturated"
    ),
    "tanh": lambda: Activation("tanh", 1.0, _tanh, _tanh_d, saturates=True, off_state="saturated"),
    "relu": lambda: Activation(
        "relu", 1.0, _relu, _relu_d, zero_gradient_below_zero=True, off_state="dead"
    ),
    "leaky_relu": _leaky_relu,
    "elu": _elu_activation,
    "selu": lambda: Activation("selu", SELU_SCALE * SELU_ALPHA, _selu, _selu_d, saturates=True),
    "gelu": lambda: Activation(
        "gelu",
        _peak_of(_gelu_d, _gelu, 0.0, 4.0),
        _gelu,
        _gelu_d,
        monotone=False,
        saturates=True,
    ),
    "silu": lambda: Activation(
        "silu",
        _peak_of(_silu_d, _silu, 0.0, 6.0),
        _silu,
        _silu_d,
        monotone=False,
        saturates=True,
    ),
    "softplus": lambda: Activation("softplus", 1.0, _softplus, _softplus_d, saturates=True),
}

ACTIVATIONS: tuple[str, ...] = tuple(_BUILDERS)
ALIASES = {"logistic": "sigmoid", "swish": "silu"}
# which keyword parameters each activation accepts (others are ignored, so one settings dict
# can be passed to every activation of a comparison)
PARAMETERS = {"leaky_relu": ("negative_slope",), "elu": ("alpha",)}

_CACHE: dict[tuple, Activation] = {}


def canonical_name(name: str) -> str:
    """Resolve aliases (``logistic`` → ``sigmoid``, ``swish`` → ``silu``); reject unknown names."""
    check_choice("activation", name, ACTIVATIONS + tuple(ALIASES))
    return ALIASES.get(name, name)


def _from_registry(name: str, params: dict) -> Activation:
    return get_activation(name, **params)


def get_activation(name: str, **params) -> Activation:
    """Look up an activation by name; parameters an activation does not take are ignored.

    Parameters
    ----------
    name : str
        One of ``ACTIVATIONS`` or an alias (``logistic``, ``swish``).
    **params
        ``negative_slope`` (leaky_relu, default 0.01, Maas et al. 2013), ``alpha`` (elu,
        default 1.0).
    """
    name = canonical_name(name)
    relevant = {k: params[k] for k in PARAMETERS.get(name, ()) if k in params}
    key = (name, *sorted(relevant.items()))
    try:
        return _CACHE[key]
    except (KeyError, TypeError):
        activation = _BUILDERS[name](**relevant)
        try:
            _CACHE[key] = activation
        except TypeError:
            pass
        return activation
