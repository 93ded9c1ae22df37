"""Charts as Vega-Lite templates: a spec built once per chart *structure*, filled with rows.

A curve chart's spec depends on few things besides its rows: the activations and their order,
whether there are bands (several seeds), plateaus or diverged runs, the scale, the metric. A
template is that spec, built with Altair once per structure and kept (``functools.lru_cache``
on the structure), whose views read *named* datasets; drawing a new run fills the datasets with
its frames and sets a few numbers (an axis's ends) as parameter values. So a retrain builds no
Altair chart, and a Play frame, whose spec is the same, moves only its cursor's row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "ChartTemplate",
    "FilledChart",
    "dataset_names",
    "declare",
    "finite",
    "fixed_legend_columns",
    "records",
    "to_spec",
]


@dataclass(frozen=True)
class ChartTemplate:
    """The specs of one chart structure; shared by every chart of that structure, so never
    changed in place.

    Attributes
    ----------
    views : tuple of dict
        What a page draws: the one spec of a single view, or one spec per panel of a chart of
        panels, each drawing on its own. Their views read named datasets; none holds data.
    figure : dict
        The whole chart as one spec (panels laid out together): the slide figure.
    panels : bool
        Whether ``views`` are panels (laid out in a grid) rather than one view.
    """

    views: tuple[dict, ...]
    figure: dict
    panels: bool = False


@dataclass(frozen=True)
class FilledChart:
    """A :class:`ChartTemplate` and what fills it for one run.

    Attributes
    ----------
    template : ChartTemplate
    datasets : mapping of str to DataFrame
        The named datasets the template's views read (a view gets the ones it reads).
    values : mapping of str to float
        Values of the template's variables (top-level parameters), e.g. an axis's ends.
    """

    template: ChartTemplate
    datasets: Mapping[str, pd.DataFrame]
    values: Mapping[str, float] = field(default_factory=dict)

    def view_specs(self) -> list[tuple[dict, dict[str, pd.DataFrame]]]:
        """Each of the template's views with its values set, and the datasets it reads."""
        out = []
        for view in self.template.views:
            reads = dataset_names(view)
            own = {name: frame for name, frame in self.datasets.items() if name in reads}
            out.append((_with_values(view, self.values), own))
        return out

    def figure(self) -> dict:
        """The whole chart's spec with its values set and its data inline (lists of records),
        as vl-convert and the schema take it."""
        spec = _with_values(self.template.figure, self.values)
        reads = dataset_names(spec)
        datasets = {name: records(frame) for name, frame in self.datasets.items() if name in reads}
        return {**spec, "datasets": {**spec.get("datasets", {}), **datasets}}

    def figure_json(self) -> str:
        return json.dumps(self.figure(), allow_nan=False)


def _with_values(spec: dict, values: Mapping[str, float]) -> dict:
    """``spec`` (shallow copy) with the values of its top-level variables set."""
    params = spec.get("params")
    if not params or not values:
        return dict(spec)
    return {
        **spec,
        "params": [
            {**p, "value": _plain(values[p["name"]])} if p.get("name") in values else p
            for p in params
        ],
    }


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as JSON-ready records: NaN and ±inf become None (a gap in a line)."""
    return json.loads(finite(frame).to_json(orient="records", double_precision=15))


def finite(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ±inf in its float columns as NaN, which a drawn line leaves as a gap."""
    floats = frame.select_dtypes("floating").columns
    values = frame[floats].to_numpy()
    if not len(floats) or np.isfinite(values[~np.isnan(values)]).all():
        return frame
    return frame.assign(**{c: frame[c].where(np.isfinite(frame[c])) for c in floats})


def declare(spec: dict, variables) -> dict:
    """``spec`` with top-level variables of these names, whose values are set when the
    template is filled (:class:`FilledChart`)."""
    declared = [{"name": name, "value": 0} for name in variables]
    return {**spec, "params": [*spec.get("params", []), *declared]} if declared else spec


def fixed_legend_columns(spec: dict, columns: int) -> dict:
    """A copy of ``spec`` whose legends take ``columns`` columns instead of an expression of
    the view's width (a figure's, which no page width sizes)."""

    def fix(node):
        if isinstance(node, dict):
            out = {key: fix(value) for key, value in node.items()}
            legend = out.get("legend")
            if isinstance(legend, dict) and isinstance(legend.get("columns"), dict):
                out["legend"] = {**legend, "columns": columns}
            return out
        if isinstance(node, list):
            return [fix(item) for item in node]
        return node

    return fix(spec)


def to_spec(chart) -> dict:
    """An Altair chart over named data as a Vega-Lite dict (no schema check: the tests make
    it on every spec the pages draw)."""
    return chart.to_dict(validate=False)


def dataset_names(node) -> set[str]:
    """The names of the named datasets a Vega-Lite spec's views read (``data: {name: ...}``)."""
    if isinstance(node, list):
        return set().union(*(dataset_names(item) for item in node))
    if not isinstance(node, dict):
        return set()
    names = set()
    data = node.get("data")
    if isinstance(data, dict) and isinstance(data.get("name"), str):
        names.add(data["name"])
    for key in ("layer", "concat", "hconcat", "vconcat", "spec"):
        if key in node:
            names |= dataset_names(node[key])
    return names
