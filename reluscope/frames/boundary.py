"""The decision boundary: predicted probability over the input plane, the training points and
the lines where first-layer units switch on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reluscope.errors import InvalidParameterError

__all__ = ["GRID_POINTS", "DecisionSurface", "decision_surface", "grid_cells", "unit_lines_frame"]

GRID_POINTS = 150  # per axis of the input plane: drawn as one image, so fine is cheap
_MARGIN = 0.5  # around the training data, in standardised units


def unit_lines_frame(W, b, extent, dead=None) -> pd.DataFrame:
    """First-layer unit lines w·x + b = 0 clipped to the plot box, one segment per unit.

    Parameters
    ----------
    W : array_like, shape (2, n_units)
        First-layer weights (fan_in = 2, fan_out = n_units), as the engine stores them.
    b : array_like, shape (n_units,)
    extent : (x1_min, x1_max, x2_min, x2_max)
    dead : array_like of bool, shape (n_units,), optional

    Returns
    -------
    DataFrame
        Columns ``unit, x1, x2, x1_end, x2_end, dead``; units whose line misses the box are
        left out.

    >>> unit_lines_frame([[1.0], [0.0]], [-0.5], (-1, 1, -1, 1)).to_dict("list")
    {'unit': [0], 'x1': [0.5], 'x2': [-1.0], 'x1_end': [0.5], 'x2_end': [1.0], 'dead': [False]}
    """
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    if W.ndim != 2 or W.shape[0] != 2 or W.shape[1] != b.size:
        raise ValueError(
            f"W must have shape (2, n_units) and b (n_units,); got {W.shape} and {b.shape}."
        )
    dead = np.zeros(b.size, bool) if dead is None else np.asarray(dead, bool).reshape(-1)
    x1_min, x1_max, x2_min, x2_max = map(float, extent)
    rows = []
    for unit, ((w1, w2), bias) in enumerate(zip(W.T, b, strict=True)):
        points = []
        if w2 != 0.0:
            points += [(x1, -(bias + w1 * x1) / w2) for x1 in (x1_min, x1_max)]
        if w1 != 0.0:
            points += [(-(bias + w2 * x2) / w1, x2) for x2 in (x2_min, x2_max)]
        inside = np.array(
            [p for p in points if x1_min <= p[0] <= x1_max and x2_min <= p[1] <= x2_max]
        ).reshape(-1, 2)
        if len(inside) < 2:
            continue
        start = inside[np.argmin(inside[:, 0] + inside[:, 1] * 1e-9)]
        end = inside[np.argmax(np.hypot(*(inside - start).T))]
        if np.allclose(start, end):
            continue  # the line only touches a corner
        rows.append((unit, *start, *end, bool(dead[unit])))
    return pd.DataFrame(rows, columns=["unit", "x1", "x2", "x1_end", "x2_end", "dead"])


def grid_cells(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid with rectangle corners ``x1_lo, x1_hi, x2_lo, x2_hi`` around each point (half
    a grid step each side)."""
    cells = grid.copy()
    for axis in ("x1", "x2"):
        values = np.unique(grid[axis].to_numpy())
        half = np.median(np.diff(values)) / 2 if values.size > 1 else 0.5
        cells[f"{axis}_lo"] = cells[axis] - half
        cells[f"{axis}_hi"] = cells[axis] + half
    return cells


@dataclass(frozen=True)
class DecisionSurface:
    """What the decision-boundary chart draws.

    Attributes
    ----------
    grid : DataFrame
        ``activation, x1, x2, probability`` on a regular grid over the input plane, with each
        point's cell ``x1_lo, x1_hi, x2_lo, x2_hi`` (:func:`grid_cells`).
    data : DataFrame
        ``x1, x2, label``: the training points, labelled by class name.
    lines : DataFrame
        ``unit, x1, x2, x1_end, x2_end, dead, activation``: :func:`unit_lines_frame` per
        activation.
    """

    grid: pd.DataFrame
    data: pd.DataFrame
    lines: pd.DataFrame


def decision_surface(
    comparison, seed: int, epoch: int, positive: int = 1, grid_points: int = GRID_POINTS
) -> DecisionSurface:
    """Every activation's predicted probability over the input plane at one epoch.

    Parameters
    ----------
    comparison : reluscope.experiment.Comparison
        Trained on two features, for classification.
    seed : int
    epoch : int
        Clamped to each run's last epoch (a diverged run stopped early).
    positive : int, default 1
        The class whose probability is drawn, when there are more than two.
    grid_points : int, default 150
        Grid points per axis; the grid spans the training data and half a unit more.

    Returns
    -------
    DecisionSurface
    """
    train = comparison.train
    if train.n_features != 2 or train.task != "classification":
        raise InvalidParameterError(
            "dataset", train.name, "a classification dataset with 2 features"
        )
    low = train.X.min(axis=0) - _MARGIN
    high = train.X.max(axis=0) + _MARGIN
    x1, x2 = np.meshgrid(*(np.linspace(low[k], high[k], grid_points) for k in range(2)))
    points = np.column_stack([x1.ravel(), x2.ravel()])
    extent = (low[0], high[0], low[1], high[1])
    grids, lines = [], []
    for activation in comparison.activations:
        probability = comparison.predict_proba(activation, seed, epoch, points)
        if probability.ndim == 2:
            probability = probability[:, positive]
        grids.append(
            pd.DataFrame(
                {
                    "activation": activation,
                    "x1": points[:, 0],
                    "x2": points[:, 1],
                    "probability": probability,
                }
            )
        )
        W, b = comparison.first_layer(activation, seed, epoch)
        # this run's units only (the whole comparison's table is far larger); a diverged run
        # stopped early, so its last epoch stands in as the weights above do
        history = comparison.runs[(activation, seed)].history
        units = history.units()
        first = units[(units["layer"] == 1) & (units["epoch"] == min(epoch, history.n_epochs))]
        dead = first.sort_values("unit")["dead"].to_numpy()
        lines.append(unit_lines_frame(W, b, extent, dead).assign(activation=activation))
    labels = np.asarray(train.class_names)[train.y]
    data = pd.DataFrame({"x1": train.X[:, 0], "x2": train.X[:, 1], "label": labels})
    return DecisionSurface(
        grid=grid_cells(pd.concat(grids, ignore_index=True)),
        data=data,
        lines=pd.concat(lines, ignore_index=True),
    )
