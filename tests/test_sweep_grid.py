"""reluscope.sweep.grid: parsing and checking a sweep's axes against reluscope.config."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reluscope.config import FIELDS
from reluscope.errors import InvalidParameterError
from reluscope.sweep import AXES, SEED_COUNT_FIELD, SweepGrid, check_integer, format_hidden


def test_grid_parses_lists_and_crosses_slopes_only_with_leaky_units():
    grid = SweepGrid(
        activations="relu, Leaky_ReLU,logistic",
        negative_slopes=[0.01, 0.1, 0.01],
        bias_offsets="-3,-1,0",
        learning_rates=0.1,
        seeds=3,
        hidden_layers="16x16,32",
    )
    assert grid.activations == ("relu", "leaky_relu", "sigmoid")
    assert grid.negative_slopes == (0.01, 0.1)
    assert grid.seeds == (0, 1, 2)
    assert grid.hidden_layers == ((16, 16), (32,))
    assert grid.n_runs == (1 + 2 + 1) * 3 * 1 * 3 * 2 == len(grid.points())
    assert SweepGrid(hidden_layers=(16, 16)).hidden_layers == ((16, 16),)  # one shape
    assert SweepGrid(hidden_layers=[(8,), "4x4"]).hidden_layers == ((8,), (4, 4))
    assert SweepGrid(seeds=[5, 7]).seeds == (5, 7)


def test_points_run_in_table_order_with_the_seed_fastest():
    grid = SweepGrid(activations="relu,tanh", bias_offsets="-1,0", seeds=2, hidden_layers="4")
    points = grid.points()
    assert [p["seed"] for p in points[:4]] == [0, 1, 0, 1]
    assert [p["bias_offset"] for p in points[:4]] == [-1.0, -1.0, 0.0, 0.0]
    assert [p["activation"] for p in points] == ["relu"] * 4 + ["tanh"] * 4
    assert all(p["hidden_layers"] == (4,) for p in points)
    assert math.isnan(points[0]["negative_slope"])  # relu has no slope of its own


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("activations", "relu,nope"),
        ("bias_offsets", "-3,x"),
        ("bias_offsets", 11),
        ("learning_rates", "0"),
        ("learning_rates", float("nan")),
        ("negative_slopes", -0.1),
        ("seeds", 0),
        ("seeds", [1.5]),
        ("solvers", "lbfgs"),
        ("hidden_layers", "16x0"),
        ("hidden_layers", "abc"),
        ("inits", "zeros"),
        ("activations", ""),
    ],
)
def test_bad_grid_values_name_their_field(field, value):
    with pytest.raises(InvalidParameterError) as caught:
        SweepGrid(**{field: value})
    assert caught.value.field == field


def test_every_axis_defaults_to_its_settings_field():
    grid = SweepGrid()
    for axis, name in AXES.items():
        default = FIELDS[name].default
        expected = (tuple(default),) if axis == "hidden_layers" else default
        if not isinstance(expected, tuple):
            expected = (expected,)
        assert getattr(grid, axis) == expected, axis
    assert grid.seeds == tuple(range(FIELDS[SEED_COUNT_FIELD].default))


def test_solvers_are_the_engines():
    from reluscope.engine import SOLVERS

    assert SweepGrid(solvers=",".join(SOLVERS)).solvers == SOLVERS
    with pytest.raises(InvalidParameterError, match=", ".join(SOLVERS)):
        SweepGrid(solvers="lbfgs")


# ---------------------------------------------------------------- the old name `hidden`


def test_the_old_keyword_hidden_still_works_with_a_future_warning():
    with pytest.warns(FutureWarning, match="hidden_layers"):
        old = SweepGrid(hidden="16x16,32")
    assert old == SweepGrid(hidden_layers="16x16,32")
    with pytest.warns(FutureWarning, match="hidden_layers"):
        assert old.hidden == ((16, 16), (32,))
    with pytest.warns(FutureWarning), pytest.raises(InvalidParameterError) as caught:
        SweepGrid(hidden="16x0")
    assert caught.value.field == "hidden"  # the name the caller wrote
    with pytest.warns(FutureWarning), pytest.raises(InvalidParameterError) as caught:
        SweepGrid(hidden="8", hidden_layers="8")
    assert caught.value.field == "hidden"


def test_a_mapping_with_the_old_key_hidden_still_works():
    with pytest.warns(FutureWarning):
        grid = SweepGrid.coerce({"activations": "relu", "hidden": "4x4"})
    assert grid.hidden_layers == ((4, 4),)
    with pytest.raises(InvalidParameterError) as caught:
        SweepGrid.coerce({"colour": "red"})
    assert caught.value.field == "grid"


def test_format_hidden_writes_widths_joined_by_x():
    assert format_hidden((16, 16)) == "16x16" and format_hidden([np.int64(8)]) == "8"


# ---------------------------------------------------------------- checks


def test_check_integer_takes_whole_numbers_and_their_text():
    assert check_integer("n", "32") == check_integer("n", " 32 ") == check_integer("n", 32.0) == 32
    assert check_integer("n", np.int64(7), 1, 7) == 7 and type(check_integer("n", "3")) is int
    assert check_integer("jobs", "-1", -1) == -1
    for bad in (True, 2.5, "2.5", "two", None, math.nan, math.inf, "1e999", 0, [3]):
        with pytest.raises(InvalidParameterError) as caught:
            check_integer("n", bad)
        assert caught.value.field == "n" and caught.value.allowed == "an integer ≥ 1"
    with pytest.raises(InvalidParameterError, match=r"an integer in \[1, 5\]"):
        check_integer("n", 6, 1, 5)
    for bad in (3.0, "3", np.float64(3)):  # the Python API of reluscope.theory
        with pytest.raises(InvalidParameterError):
            check_integer("n", bad, exact=True)
    with pytest.raises(InvalidParameterError, match="the demo's cap"):
        check_integer("seeds", 9, 1, 5, allowed="a whole number in [1, 5] (the demo's cap)")


# ---------------------------------------------------------------- hygiene
