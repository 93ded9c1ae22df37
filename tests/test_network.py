"""The drawn network: the state palette, the network frame and its chart."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

alt = pytest.importorskip("altair")

from reluscope.charts import states  # noqa: E402

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
_SIMULATIONS = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}


def _linear_rgb(hex_colour: str) -> np.ndarray:
    srgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _luminance(hex_colour: str) -> float:
    return float(_linear_rgb(hex_colour) @ [0.2126, 0.7152, 0.0722])


def test_state_palette_names_every_state_once_in_legend_order():
    assert set(states.STATE_COLORS) == set(states.STATE_ORDER) == set(states.STATE_SHAPES)
    assert len(set(states.STATE_COLORS.values())) == 4
    assert len(set(states.STATE_SHAPES.values())) == 4
    scale = states.state_scale().to_dict()
    assert scale["domain"] == ["alive", "inactive", "saturated", "dead"]
    assert scale["range"] == [states.STATE_COLORS[s] for s in scale["domain"]]


@pytest.mark.parametrize("vision", ["normal", *_SIMULATIONS])
def test_state_colours_stay_apart_for_colour_blind_viewers(vision):
    matrix = np.eye(3) if vision == "normal" else _SIMULATIONS[vision]
    seen = {s: np.clip(matrix @ _linear_rgb(c), 0, 1) for s, c in states.STATE_COLORS.items()}
    for a, b in combinations(seen, 2):
        assert np.linalg.norm(seen[a] - seen[b]) > 0.25, (vision, a, b)


def test_dead_is_the_darkest_state():
    dead = _luminance(states.STATE_COLORS["dead"])
    others = [_luminance(c) for s, c in states.STATE_COLORS.items() if s != "dead"]
    assert dead < 0.02 and min(others) > 5 * dead


# --- the network frame ---------------------------------------------------------------------

from reluscope import compare, make_dataset  # noqa: E402
from reluscope.charts import network as network_charts  # noqa: E402
from reluscope.diagnostics import STATES  # noqa: E402
from reluscope.frames import network  # noqa: E402


@pytest.fixture(scope="module")
def doomed():
    """ReLU and tanh under a bias offset of −3: most ReLU units are born dead."""
    data = make_dataset("moons", n_samples=120, noise=0.2, random_state=0)
    return compare(
        data, activations=("relu", "tanh"), hidden_layers=(8, 6), bias_offset=-3.0, epochs=4
    )


def test_a_born_dead_unit_is_drawn_dead_with_no_positive_preactivation(doomed):
    history = doomed.runs[("relu", 0)].history
    born = np.asarray(STATES, object)[history.states()[0]]
    assert (born == "dead").any()  # the setting kills units at initialisation
    drawing = network.network_drawing(doomed, seed=0, epoch=0)
    hidden = drawing.nodes[
        (drawing.nodes["activation"] == "relu") & (drawing.nodes["role"] == "hidden")
    ]
    assert hidden["state"].tolist() == born.tolist()
    # z of layer 1 computed here, from the recorded weights: dead means z ≤ 0 on every input
    W, b = doomed.parameters("relu", 0, 0)[0]
    z1 = doomed.train.X @ W + b
    layer1 = hidden[hidden["layer"] == 1]
    np.testing.assert_allclose(layer1["z_max"], z1.max(axis=0))
    assert (layer1.loc[layer1["state"] == "dead", "z_max"] <= 0).all()
    assert (layer1.loc[layer1["state"] == "alive", "z_max"] > 0).all()
    # off units are solid; an alive unit's shade follows its on-rate
    assert (hidden.loc[hidden["state"] != "alive", "shade"] == 1).all()
    alive = hidden[hidden["state"] == "alive"]
    np.testing.assert_allclose(alive["shade"], 0.35 + 0.65 * alive["on_rate"])


def test_layout_has_a_column_per_layer_with_inputs_and_outputs(doomed):
    nodes = network.network_drawing(doomed, seed=0, epoch=2).nodes
    relu = nodes[nodes["activation"] == "relu"]
    assert relu.groupby("layer").size().tolist() == [2, 8, 6, 1]
    assert relu.loc[relu["layer"] == 0, "label"].tolist() == list(doomed.train.feature_names)
    assert set(relu.loc[relu["layer"] == 0, "role"]) == {"input"}
    assert set(relu.loc[relu["layer"] == 3, "role"]) == {"output"}
    for _, column in relu.groupby("layer"):
        assert column["row"].sum() == pytest.approx(0)  # centred


@pytest.mark.parametrize(("threshold", "max_edges"), [(0.0, 1000), (0.5, 1000), (0.0, 5)])
def test_edges_below_the_threshold_or_past_the_cap_are_hidden_and_counted(
    doomed, threshold, max_edges
):
    drawing = network.network_drawing(
        doomed, 0, 3, ["relu"], edge_threshold=threshold, max_edges=max_edges
    )
    edges = drawing.edges
    parameters = doomed.parameters("relu", 0, 3)
    total = sum(W.size for W, _ in parameters)
    assert len(edges) + drawing.hidden_edges == total
    for layer, (W, _) in enumerate(parameters, start=1):
        drawn = edges[edges["layer"] == layer]
        assert 0 < len(drawn) <= max_edges
        np.testing.assert_array_equal(drawn["weight"], W[drawn["source"], drawn["target"]])
        np.testing.assert_allclose(drawn["magnitude"], np.abs(drawn["weight"]) / np.abs(W).max())
        assert (drawn["magnitude"] >= threshold).all()
        assert drawn["magnitude"].max() == 1.0  # the largest weight is always drawn
        assert (drawn["sign"] == np.where(drawn["weight"] >= 0, "positive", "negative")).all()
        expected = np.count_nonzero(np.abs(W) >= threshold * np.abs(W).max())
        assert len(drawn) == min(expected, max_edges)


def test_the_drawing_changes_with_the_epoch_and_rejects_epochs_outside_the_run(doomed):
    first = network.network_drawing(doomed, 0, 0)
    last = network.network_drawing(doomed, 0, 4)
    assert not first.edges["weight"].equals(last.edges["weight"])
    with pytest.raises(ValueError, match="epoch"):
        network.network_drawing(doomed, 0, 5)
    with pytest.raises(ValueError, match="edge_threshold"):
        network.network_drawing(doomed, 0, 1, edge_threshold=2)


def test_unit_maps_are_the_units_output_over_the_plane_and_blank_when_dead(doomed):
    maps = network.unit_maps(doomed, "relu", 0, 0, layer=1, points=9)
    assert len(maps) == 9 * 9 * 8
    W, b = doomed.parameters("relu", 0, 0)[0]
    centres = (
        maps[["x1", "x2"]].to_numpy()
        + (maps[["x1_end", "x2_end"]].to_numpy() - maps[["x1", "x2"]].to_numpy()) / 2
    )
    expected = np.maximum(np.einsum("nd,nd->n", centres, W[:, maps["unit"]].T) + b[maps["unit"]], 0)
    np.testing.assert_allclose(maps["output"], expected, atol=1e-12)
    per_unit = maps.groupby("unit")
    blank = per_unit["value"].apply(lambda v: (v == 0).all())
    assert blank.any() and (per_unit["state"].first()[blank] == "dead").all()
    assert per_unit["value"].apply(lambda v: np.abs(v).max()).isin([0.0, 1.0]).all()
    assert maps.loc[maps["unit"] == 0, "tile"].iloc[0].startswith("unit 0: ")


def test_unit_maps_need_two_features():
    data = make_dataset("iris")
    four = compare(data, activations=("relu",), hidden_layers=(4,), epochs=1)
    with pytest.raises(ValueError, match="2-D"):
        network.unit_maps(four, "relu", 0, 0, layer=1)


# --- the network chart ---------------------------------------------------------------------


def _layers_of(spec):
    return [layer for panel in spec["concat"] for layer in panel["layer"]]


def test_network_chart_colours_units_by_state_and_edges_by_sign(doomed):
    drawing = network.network_drawing(doomed, 0, 0)
    spec = network_charts.network_chart(drawing, columns=1).to_dict()
    assert len(spec["concat"]) == 2 and spec["columns"] == 1
    lines, units, ends, headers = _layers_of(spec)[:4]
    assert ends["mark"]["type"] == "point" and headers["mark"]["type"] == "text"
    assert lines["mark"]["type"] == "rule"
    assert lines["encoding"]["stroke"]["field"] == "sign"
    stroke = lines["encoding"]["stroke"]["scale"]
    assert dict(zip(stroke["domain"], stroke["range"], strict=True)) == network_charts.EDGE_COLORS
    colour = units["encoding"]["color"]
    assert colour["field"] == "state"
    assert colour["scale"]["domain"] == list(states.STATE_ORDER)
    assert colour["scale"]["range"] == [states.STATE_COLORS[s] for s in states.STATE_ORDER]
    assert units["encoding"]["shape"]["scale"]["range"] == [
        states.STATE_SHAPES[s] for s in states.STATE_ORDER
    ]
    assert {t["field"] for t in units["encoding"]["tooltip"]} >= {
        "state",
        "on_rate",
        "z_max",
        "bias",
    }
    # the data a panel draws: relu's hidden units, the dead among them
    datasets = spec["datasets"]
    relu_units = pd.DataFrame(datasets[units["data"]["name"]])
    assert set(relu_units["activation"]) == {"relu"}
    assert "dead" in set(relu_units["state"])


def test_network_chart_names_missing_columns(doomed):
    drawing = network.network_drawing(doomed, 0, 0)
    broken = network.NetworkDrawing(
        drawing.nodes.drop(columns="state"), drawing.edges, 0, 0, drawing.max_units
    )
    with pytest.raises(ValueError, match="state"):
        network_charts.network_chart(broken)


def test_unit_maps_chart_is_a_small_map_per_unit_white_at_zero(doomed):
    maps = network.unit_maps(doomed, "relu", 0, 0, layer=1, points=6)
    spec = network_charts.unit_maps_chart(maps, columns=4).to_dict()
    assert spec["facet"]["field"] == "tile" and spec["columns"] == 4
    colour = spec["spec"]["encoding"]["color"]
    assert colour["field"] == "value" and colour["scale"]["domain"] == [-1, 0, 1]
    assert colour["scale"]["range"][1] == "#ffffff"  # a dead ReLU's map is blank
