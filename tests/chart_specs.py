"""Synthetic frames shaped like reluscope.history's, and helpers that read Vega-Lite specs,
shared by the chart tests (``test_charts_*.py``). A chart takes the frame its
:mod:`reluscope.frames` function returns: the tests build that from these first."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reluscope import charts, frames

NAMES = ["relu", "leaky_relu", "tanh", "sigmoid"]


# --- synthetic frames shaped like reluscope.history's ---------------------------------------


def epochs_frame(seeds=2, names=NAMES, n_epochs=5):
    rows = [
        {
            "activation": name,
            "seed": seed,
            "epoch": epoch,
            "loss": (1.0 + i) / (epoch + 1) + 0.01 * seed,
            "val_loss": (1.2 + i) / (epoch + 1),
            "score": epoch / n_epochs,
            "val_score": epoch / (n_epochs + 1),
            "plateau": False,
        }
        for i, name in enumerate(names)
        for seed in range(seeds)
        for epoch in range(n_epochs)
    ]
    return pd.DataFrame(rows)


def plateaus_frame():
    return pd.DataFrame(
        {"activation": ["relu", "tanh"], "seed": [0, 1], "start_epoch": [1, 2], "end_epoch": [3, 4]}
    )


def layers_frame(seeds=2, names=NAMES, n_layers=2, n_epochs=4):
    rng = np.random.default_rng(0)
    rows = []
    for name in names:
        for seed in range(seeds):
            for epoch in range(n_epochs):
                for layer in range(n_layers):
                    dead = int(rng.integers(0, 9))
                    rows.append(
                        {
                            "activation": name,
                            "seed": seed,
                            "epoch": epoch,
                            "layer": layer,
                            "units": 8,
                            "dead": dead,
                            "inactive": dead,
                            "saturated": dead,
                            "deaths": int(rng.integers(0, 3)),
                            "recoveries": int(rng.integers(0, 3)),
                            "grad_norm": float(rng.random()) + 0.01,
                            "mean_activation": 0.3,
                            "on_rate": 0.5,
                            "dead_fraction": dead / 8,
                        }
                    )
    return pd.DataFrame(rows)


def units_frame(n_layers=1, n_units=4, n_epochs=3):
    rng = np.random.default_rng(1)
    rows = [
        {
            "epoch": epoch,
            "layer": layer,
            "unit": unit,
            "on_rate": float(rng.random()),
            "dead": unit == 0,
            "inactive": unit in (0, 1),
            "saturated": unit in (0, 2),
        }
        for epoch in range(n_epochs)
        for layer in range(n_layers)
        for unit in range(n_units)
    ]
    return pd.DataFrame(rows)


# --- spec helpers ----------------------------------------------------------------------------


def walk(node):
    """Every dict in a spec, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def views(spec):
    """Every unit view (a dict with a mark)."""
    return [node for node in walk(spec) if "mark" in node]


def mark_type(view):
    mark = view["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


def activation_scales(spec):
    """The colour scales of ``activation`` (not its stroke-dash or stroke-width scales)."""
    return [
        node["scale"]
        for node in walk(spec)
        if node.get("field") == "activation"
        and "scale" in node
        and all(str(value).startswith("#") for value in node["scale"].get("range", [None]))
    ]


def legend_params(spec, field="activation"):
    return [
        node
        for node in walk(spec)
        if node.get("bind") == "legend" and node.get("select", {}).get("fields") == [field]
    ]


def assert_consistent_activation_colours(spec):
    scales = activation_scales(spec)
    assert scales, "no activation colour scale"
    for scale in scales:
        assert scale == scales[0], "every layer / panel must share one activation scale"
        assert scale["range"] == [charts.ACTIVATION_COLORS[n] for n in scale["domain"]]


def assert_highlights_on_legend_click(spec, field="activation"):
    params = legend_params(spec, field)
    assert len(params) == 1
    name = params[0]["name"]
    conditions = [
        node
        for node in walk(spec)
        if isinstance(node.get("condition"), list)
        and any(c.get("param") == name for c in node["condition"])
    ]
    assert conditions, "the legend selection must drive an encoding"


def data_of(chart, index=None):
    """The DataFrame behind a chart or one of its layers (Altair hoists shared data up)."""
    part = chart if index is None else chart.layer[index]
    return part.data if isinstance(part.data, pd.DataFrame) else chart.data


def tooltip_fields(view):
    tooltip = view["encoding"].get("tooltip", [])
    return {t.get("field") for t in (tooltip if isinstance(tooltip, list) else [tooltip])}


def boundary_frames(activations=None):
    g = np.linspace(-1, 1, 5)
    x1, x2 = np.meshgrid(g, g)
    grid = pd.DataFrame({"x1": x1.ravel(), "x2": x2.ravel(), "probability": (x1.ravel() + 1) / 2})
    data = pd.DataFrame({"x1": [-0.5, 0.5], "x2": [0.0, 0.1], "label": [0, 1]})
    lines = frames.unit_lines_frame(
        [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.2], (-1, 1, -1, 1), [False, True]
    )
    if activations:
        grid = pd.concat([grid.assign(activation=a) for a in activations])
        lines = pd.concat([lines.assign(activation=a) for a in activations])
    return frames.grid_cells(grid), data, lines


def sweep_frame():
    rows = [
        {
            "activation": name,
            "bias_offset": bias,
            "learning_rate": lr,
            "seed": seed,
            "dead_fraction_final": min(1.0, -bias / 3 + 0.1 * seed),
            "final_loss": 0.5 + seed,
        }
        for name in ("leaky_relu", "relu")
        for bias in (-3.0, -1.0, 0.0)
        for lr in (0.01, 0.1)
        for seed in range(3)
    ]
    return pd.DataFrame(rows)
