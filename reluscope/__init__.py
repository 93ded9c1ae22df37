"""reluscope: see how activation functions behave, above all the dying ReLU problem.

Only NumPy is imported eagerly; estimators, datasets and the rest load on first use so that
``import reluscope`` stays about as cheap as ``import numpy``.
"""

from __future__ import annotations

import importlib

from reluscope.activations import ACTIVATIONS, Activation, get_activation
from reluscope.errors import DatasetError, InvalidParameterError

__version__ = "0.1.0"

# public name -> submodule that defines it, imported on first attribute access (PEP 562)
_LAZY = {
    "MLPClassifier": "reluscope.estimators",
    "MLPRegressor": "reluscope.estimators",
    "History": "reluscope.history",
    "Dataset": "reluscope.datasets",
    "DATASETS": "reluscope.datasets",
    "make_dataset": "reluscope.datasets",
    "load_csv": "reluscope.datasets",
    "compare": "reluscope.experiment",
    "Comparison": "reluscope.experiment",
    "run_sweep": "reluscope.sweep",
}

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "DatasetError",
    "InvalidParameterError",
    "get_activation",
    *_LAZY,
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'reluscope' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
