"""reluscope.validation: the one set of argument checks, ranges read from the field table."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from reluscope.config import API_FIELDS, FIELDS, check_argument, check_field
from reluscope.errors import InvalidParameterError
from reluscope.validation import (
    check_choice,
    check_declared,
    check_fraction,
    check_integer,
    check_real,
    is_count,
    renamed_keywords,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (np.int64(3), 3), ("3", 3), (" 3 ", 3), (3.0, 3), ("1e2", 100)],
)
def test_check_integer_takes_whole_numbers_in_any_spelling(value, expected):
    result = check_integer("epochs", value, 1, 500)
    assert result == expected and type(result) is int


@pytest.mark.parametrize("value", [True, 2.5, "x", None, math.nan, math.inf, 0, 501, "1e309"])
def test_check_integer_refuses_the_rest_naming_the_field(value):
    with pytest.raises(InvalidParameterError) as info:
        check_integer("epochs", value, 1, 500)
    assert info.value.field == "epochs" and info.value.allowed == "an integer in [1, 500]"


def test_exact_integers_refuse_floats_and_text():
    assert check_integer("n", np.int32(4), exact=True) == 4
    for value in (4.0, "4"):
        with pytest.raises(InvalidParameterError):
            check_integer("n", value, exact=True)


def test_check_real_bounds_open_and_closed():
    assert check_real("x", 0, 0, 1) == 0.0
    with pytest.raises(InvalidParameterError, match=r"\(0, 1\]"):
        check_real("x", 0, 0, 1, low_open=True)
    with pytest.raises(InvalidParameterError, match="a finite number"):
        check_real("x", math.inf)
    with pytest.raises(InvalidParameterError):
        check_real("x", "0.5")  # text is the dashboard's business, not the API's
    assert check_fraction("share", 0.0, zero=True) == 0.0
    with pytest.raises(InvalidParameterError):
        check_fraction("share", 1.0)


def test_check_choice_and_is_count():
    assert check_choice("solver", "sgd", ("sgd", "adam")) == "sgd"
    with pytest.raises(InvalidParameterError, match="one of sgd, adam"):
        check_choice("solver", ["sgd"], ("sgd", "adam"))  # unhashable is simply not an option
    assert is_count(np.int8(1)) and not is_count(True) and not is_count(0) and not is_count(1.0)


def test_check_field_is_the_dashboards_range_and_grid():
    assert check_field("learning_rate", 0.05) == 0.05
    with pytest.raises(InvalidParameterError) as info:
        check_field("learning_rate", 0.03, field="--learning-rate")
    assert info.value.field == "--learning-rate"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("learning_rate", 3.0, 3.0),  # any step size > 0, beyond the slider's 1
        ("learning_rate", 0.03, 0.03),  # between the slider's steps
        ("bias_offset", -25.0, -25.0),
        ("batch_size", 1, 1),
        ("epochs", 10**6, 10**6),
        ("hidden_layers", [5000, 3], (5000, 3)),
        ("hidden_layers", (np.int64(4),), (4,)),
        ("activations", ["relu", "tanh", "relu"], ("relu", "tanh")),
        ("init", "sklearn", "sklearn"),
        ("momentum", 0.0, 0.0),
        ("l2_penalty", 1e3, 1e3),
        ("data_seed", 2**32 - 1, 2**32 - 1),
        ("seed", 2**31, 2**31),
    ],
)
def test_check_argument_takes_the_python_apis_range(name, value, expected):
    assert check_argument(name, value) == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("learning_rate", 0.0),
        ("learning_rate", -1.0),
        ("learning_rate", math.nan),
        ("bias_offset", math.inf),
        ("negative_slope", 1.5),
        ("batch_size", 0),
        ("epochs", 2.0),
        ("epochs", "10"),
        ("hidden_layers", ()),
        ("hidden_layers", (0, 4)),
        ("hidden_layers", "8x8"),
        ("hidden_layers", (True,)),
        ("activations", ()),
        ("activations", ("relu6",)),
        ("solver", "lbfgs"),
        ("momentum", 1.5),
        ("l2_penalty", -0.1),
        ("data_seed", -1),
        ("seed", 2**32),
    ],
)
def test_check_argument_refuses_what_the_engine_cannot_take(name, value):
    with pytest.raises(InvalidParameterError) as info:
        check_argument(name, value, field=f"my_{name}")
    assert info.value.field == f"my_{name}"


def test_every_declared_default_passes_the_api_check():
    for name, f in (*FIELDS.items(), *API_FIELDS.items()):
        if name != "dataset":  # a dataset is an object in the API, a name in the dashboard
            assert check_argument(name, f.default) == f.default


def test_renamed_keywords_warn_and_map_to_the_new_name():
    renames = {"alpha": "l2_penalty", "split_seed": "data_seed"}
    with pytest.warns(FutureWarning, match="'alpha' is now called 'l2_penalty'") as caught:
        assert renamed_keywords("compare", {"alpha": 0.5}, renames) == {
            "l2_penalty": ("alpha", 0.5)
        }
    assert len(caught) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert renamed_keywords("compare", {}, renames) == {}
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        renamed_keywords("compare", {"bogus": 1}, renames)


def test_check_declared_reads_the_declaration_it_is_given():
    # the same answers as by name, from the Field itself: validation never imports config
    assert check_declared(FIELDS["hidden_layers"], [8, 8]) == check_argument(
        "hidden_layers", [8, 8]
    )
    with pytest.raises(InvalidParameterError) as info:
        check_declared(API_FIELDS["momentum"], 2.0, field="my_momentum")
    assert info.value.field == "my_momentum"


def test_validation_imports_no_other_reluscope_module():
    import ast
    from pathlib import Path

    import reluscope.validation

    tree = ast.parse(Path(reluscope.validation.__file__).read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert {name for name in imported if name.startswith("reluscope")} == {"reluscope.errors"}
