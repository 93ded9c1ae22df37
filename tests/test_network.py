"""The drawn network: the state palette, the network frame and its chart."""

from __future__ import annotations

from itertools import combinations

import numpy as np
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
