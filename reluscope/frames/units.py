"""Hidden units: one state per unit and epoch, the timeline, the on-rate histogram's rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reluscope.frames._columns import require_columns

__all__ = [
    "UNIT_STATES",
    "busiest_layer",
    "on_rates",
    "run_units",
    "unit_states",
    "unit_timeline",
]

# legend order; a unit is shown in the first state of ``_PRIORITY`` that applies
UNIT_STATES = ("alive", "inactive", "saturated", "dead")
# dead > saturated > inactive > alive: dead units are also inactive and saturated, and a leaky
# unit that is inactive at slope 0.01 is saturated too (its f' is 1 % of the peak)
_PRIORITY = ("dead", "saturated", "inactive")


def unit_states(units: pd.DataFrame) -> pd.Series:
    """State of each row: the first of dead > saturated > inactive that holds, else alive.

    Parameters
    ----------
    units : DataFrame
        Boolean columns ``dead, inactive, saturated``, one row per unit (and epoch).

    Returns
    -------
    Series named ``state``, on ``units``' index.
    """
    if "state" in units:  # recorded by the history with the same priority
        return units["state"].rename("state")
    require_columns(units, ["dead", "inactive", "saturated"], "unit states")
    flags = [units[c].astype(bool).to_numpy() for c in _PRIORITY]
    states = np.select(flags, list(_PRIORITY), default="alive")
    return pd.Series(states, index=units.index, name="state")


def run_units(comparison, activation: str, seed: int, layer: int | None = None) -> pd.DataFrame:
    """The units table of one run (far smaller than the whole comparison's), one layer of it.

    Parameters
    ----------
    comparison : reluscope.experiment.Comparison
    activation : str
    seed : int
    layer : int, optional
        Hidden layer, 1-based; default every layer.

    Returns
    -------
    DataFrame
        ``epoch, layer, unit, on_rate, dead, inactive, saturated``.
    """
    units = comparison.runs[(activation, seed)].history.units()
    return units if layer is None else units[units["layer"] == layer]


def busiest_layer(layers: pd.DataFrame) -> int:
    """The hidden layer to open on: most dead units at the last epoch, else most inactive.

    Parameters
    ----------
    layers : DataFrame
        One run's ``History.layers()`` (``epoch, layer, dead, inactive``).

    Returns
    -------
    int
        A 1-based layer; the first of the layers tied, and layer 1 when no unit is off.

    >>> busiest_layer(pd.DataFrame({"epoch": [3, 3], "layer": [1, 2], "dead": [0, 4],
    ...                             "inactive": [1, 4]}))
    2
    """
    require_columns(layers, ["epoch", "layer", "dead", "inactive"], "busiest layer")
    last = layers[layers["epoch"] == layers["epoch"].max()].sort_values("layer")
    for count in ("dead", "inactive"):
        if last[count].max() > 0:
            return int(last.loc[last[count].idxmax(), "layer"])
    return int(last["layer"].min()) if len(last) else 1


def unit_timeline(units: pd.DataFrame) -> pd.DataFrame:
    """One cell per (epoch, layer, unit) spanning [epoch, epoch + 1), with the unit's state.

    Parameters
    ----------
    units : DataFrame
        ``epoch, layer, unit, on_rate, dead, inactive, saturated`` of one run.

    Returns
    -------
    DataFrame
        ``epoch, layer, unit, on_rate, state, epoch_end``.
    """
    require_columns(units, ["epoch", "layer", "unit", "on_rate"], "unit timeline")
    frame = units[["epoch", "layer", "unit", "on_rate"]].assign(state=unit_states(units))
    frame["epoch_end"] = frame["epoch"] + 1
    return frame


def on_rates(units: pd.DataFrame, epoch: int | None = None) -> pd.DataFrame:
    """Each unit's on-rate and state at one epoch (default the last).

    Returns
    -------
    DataFrame
        ``epoch, on_rate, state``, one row per unit.
    """
    require_columns(
        units, ["epoch", "on_rate", "dead", "inactive", "saturated"], "on-rate histogram"
    )
    epoch = int(units["epoch"].max()) if epoch is None else epoch
    at_epoch = units[units["epoch"] == epoch]
    return at_epoch[["epoch", "on_rate"]].assign(state=unit_states(at_epoch))
