"""reluscope.config: one schema for every setting; raw values always become valid settings."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluscope import config
from reluscope.activations import ACTIVATIONS
from reluscope.config import CAPS, DEFAULTS, FIELDS, Caps, Settings, validate
from reluscope.errors import InvalidParameterError

FIELD_NAMES = (
    "dataset", "n_samples", "noise", "hidden_layers", "activations", "negative_slope",
    "bias_offset", "init", "solver", "learning_rate", "batch_size", "epochs", "seed", "seeds",
)  # fmt: skip

HOSTILE = (
    "abc",
    "",
    " ",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-1e309",
    "9" * 5000,
    "-" + "9" * 5000,
    "0x1F",
    "../../etc/passwd",
    "/etc/passwd",
    "C:\\Windows\\system32",
    "<script>alert(1)</script>",
    "`rm -rf /`",
    "$x^2$",
    "1 " * 100 + "!",
    "32x" * 100,
    "\x00\n\t",
    ["1", "2", "3"],
    [],
)


def within_caps(s: Settings, caps: Caps = CAPS) -> bool:
    return (
        FIELDS["n_samples"].low <= s.n_samples <= caps.max_samples
        and 1 <= len(s.hidden_layers) <= caps.max_depth
        and all(1 <= width <= caps.max_width for width in s.hidden_layers)
        and 1 <= s.epochs <= caps.max_epochs
        and 1 <= s.seeds <= caps.max_seeds
        and 1 <= len(s.activations) <= caps.max_activations
        and (config.estimate_work(s) <= caps.max_work or s.epochs == 1)
        and (config.estimate_stored(s) <= caps.max_stored or s.epochs == 1)
    )


def test_the_fields_are_the_documented_url_keys_and_the_settings_attributes():
    assert tuple(FIELDS) == FIELD_NAMES
    assert tuple(f.name for f in dataclasses.fields(Settings)) == FIELD_NAMES
    assert all(name == f.name for name, f in FIELDS.items())


@pytest.mark.parametrize("name", FIELD_NAMES)
def test_every_field_is_fully_described(name):
    f = FIELDS[name]
    assert f.label and f.help and f.kind in ("int", "float", "choice", "choices", "layers")
    assert f.widget in (
        "slider", "select_slider", "selectbox", "multiselect",
        "segmented_control", "text_input",
    )  # fmt: skip
    if f.kind in ("int", "float"):
        assert f.low <= f.default <= f.upper(CAPS)
    if f.kind in ("choice", "choices") or f.widget == "select_slider":
        assert f.choices()
    # the default is valid as it stands: no correction, no notice
    assert config.coerce(name, f.default) == (f.default, None)


def test_defaults_validate_to_themselves_without_notices():
    assert validate({}) == (DEFAULTS, [])
    assert DEFAULTS.activations == ("relu", "leaky_relu", "tanh", "sigmoid")
    assert DEFAULTS.dataset == "moons" and len(DEFAULTS.hidden_layers) == 2
    assert within_caps(DEFAULTS)


def test_the_default_view_is_cheap():
    # the default view must retrain in well under a second: keep it far below the budget
    assert config.estimate_work(DEFAULTS) < CAPS.max_work / 4


def test_dataset_choices_are_generators_bundled_files_and_upload():
    from reluscope import datasets

    choices = FIELDS["dataset"].choices()
    assert set(datasets.DATASETS) <= set(choices)
    assert {f"csv:{name}" for name in datasets.bundled_datasets()} <= set(choices)
    assert config.UPLOAD in choices


def test_the_init_choices_are_the_engines():
    from reluscope.init import INITS

    assert FIELDS["init"].choices() == INITS


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"dataset": "circles", "hidden_layers": (8, 4, 2), "activations": ("elu", "relu")},
        {"negative_slope": 0.3, "bias_offset": -2.5, "learning_rate": 0.0002, "batch_size": 128},
        {"epochs": 7, "seed": 2**31 - 1, "seeds": 3, "solver": "adam", "init": "sklearn"},
        {"noise": 0.0, "n_samples": 1234},
    ],
)
def test_settings_round_trip_through_the_url_and_json(changes):
    original = dataclasses.replace(DEFAULTS, **changes)
    assert validate(original.to_query(only_changed=False)) == (original, [])
    assert validate(original.to_query()) == (original, [])
    assert validate(json.loads(original.to_json())) == (original, [])
    assert validate(dataclasses.asdict(original)) == (original, [])


def test_only_changed_values_go_into_the_url():
    assert DEFAULTS.to_query() == {}
    changed = dataclasses.replace(DEFAULTS, epochs=50, hidden_layers=(8, 8))
    assert changed.to_query() == {"epochs": "50", "hidden_layers": "8x8"}
    # several options repeat the key (?activations=relu&activations=tanh), as Streamlit writes them
    assert dataclasses.replace(DEFAULTS, activations=("relu", "tanh")).to_query() == {
        "activations": ["relu", "tanh"]
    }


def test_unknown_keys_are_ignored():
    assert validate({"foo": "bar", "__class__": "x", "epochs ": "3"}) == (DEFAULTS, [])


@pytest.mark.parametrize(
    ("name", "raw", "expected", "cap"),
    [
        ("epochs", "99999", 500, "max_epochs"),
        ("epochs", "1e309", 500, "max_epochs"),
        ("epochs", "abc", 100, None),
        ("epochs", "12.7", 13, None),
        ("epochs", "0", 1, None),
        ("n_samples", "10000000", 2000, "max_samples"),
        ("n_samples", "9" * 5000, 2000, "max_samples"),
        ("seeds", "50", 5, "max_seeds"),
        ("seed", "-3", 0, None),
        ("noise", "nan", 0.2, None),
        ("negative_slope", "inf", 1.0, None),
        ("bias_offset", "-1e400", -10.0, None),
        ("learning_rate", "0.03", 0.02, None),
        ("learning_rate", "0", 1e-4, None),
        ("learning_rate", "100", 1.0, None),
        ("batch_size", "50", 64, None),
        ("batch_size", "33.3", 32, None),
        ("hidden_layers", "<script>alert(1)</script>", (32, 32), None),
        ("hidden_layers", "8x8x8x8x8x8", (8, 8, 8, 8), "max_depth"),
        ("hidden_layers", "100000x3", (64, 3), "max_width"),
        ("hidden_layers", "0x4", (1, 4), None),
        ("hidden_layers", "1 " * 100 + "!", (32, 32), None),
        ("activations", "relu,bogus", ("relu",), None),
        ("activations", ",".join(ACTIVATIONS), ACTIVATIONS[:6], "max_activations"),
        ("activations", "", ("relu", "leaky_relu", "tanh", "sigmoid"), None),
        ("activations", "../../etc/passwd", ("relu", "leaky_relu", "tanh", "sigmoid"), None),
        ("dataset", "../../etc/passwd", "moons", None),
        ("init", "<script>", "he_normal", None),
        ("solver", "lbfgs", "sgd", None),
    ],
)
def test_bad_values_are_clamped_or_replaced_with_a_notice_naming_the_field(
    name, raw, expected, cap
):
    value, notice = config.coerce(name, raw)
    assert value == expected
    assert notice is not None and notice.field == name and notice.cap == cap
    assert notice.message.startswith(f"{name}: ")
    if cap is not None:
        assert cap in notice.message
    settings_, notices = validate({name: raw})
    assert getattr(settings_, name) == expected
    assert notices[0] == notice


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("dataset", "CIRCLES", "circles"),
        ("solver", "Adam", "adam"),
        ("activations", "logistic, swish", ("sigmoid", "silu")),
        ("activations", ["relu", "tanh"], ("relu", "tanh")),
        ("activations", "relu,relu,tanh", ("relu", "tanh")),
        ("hidden_layers", "(16, 8)", (16, 8)),
        ("hidden_layers", " 16 x 8 ", (16, 8)),
        ("hidden_layers", "16,8", (16, 8)),
        ("hidden_layers", [16, 8], (16, 8)),
        ("hidden_layers", 16, (16,)),
        ("learning_rate", "5e-2", 0.05),
        ("epochs", 30.0, 30),
        ("epochs", " 30 ", 30),
        ("epochs", ["5", "7"], 7),  # a repeated URL parameter: the last one counts
    ],
)
def test_harmless_spellings_are_accepted_silently(name, raw, expected):
    assert config.coerce(name, raw) == (expected, None)


@pytest.mark.parametrize("name", FIELD_NAMES)
@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_never_raise_and_settings_stay_within_caps(name, raw):
    settings_, notices = validate({name: raw})
    assert within_caps(settings_)
    for notice in notices:
        assert notice.message.startswith(f"{notice.field}: ")
        assert notice.message.count("`") % 2 == 0  # the raw value cannot break out of its code span
        assert "\n" not in notice.message and "\x00" not in notice.message
        assert len(notice.message) < 400


def test_a_bool_is_not_a_number():
    value, notice = config.coerce("epochs", True)
    assert value == 100 and notice is not None


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(FIELD_NAMES),
        st.one_of(
            st.text(max_size=60),
            st.integers(),
            st.floats(allow_nan=True, allow_infinity=True),
            st.lists(st.text(max_size=12), max_size=12),
            st.lists(st.integers(-10, 10**6), max_size=8),
        ),
    )
)
def test_any_input_gives_valid_settings_within_caps(raw):
    settings_, notices = validate(raw)
    assert within_caps(settings_)
    # validating the result again changes nothing: the output is a fixed point
    assert validate(settings_.to_query()) == (settings_, [])
    assert {n.field for n in notices} <= set(raw) | {"epochs"}


def test_the_work_cap_reduces_epochs_and_says_so():
    raw = {"hidden_layers": "64x64x64", "n_samples": "2000", "seeds": "2", "epochs": "500"}
    settings_, notices = validate(raw)
    assert settings_.epochs < 500 and within_caps(settings_)
    (notice,) = [n for n in notices if n.cap in ("max_work", "max_stored")]
    assert notice.field == "epochs" and notice.cap in notice.message
    # more features cost more work, so fewer epochs fit
    wider, _ = config.cap_work(dataclasses.replace(settings_, epochs=500), n_features=30)
    assert wider.epochs < settings_.epochs


def test_without_caps_the_api_and_cli_may_go_beyond_the_demo():
    settings_, notices = validate(
        {"epochs": "2000", "hidden_layers": "256x256x256x256x256", "seeds": "10"}, caps=None
    )
    assert notices == []
    assert settings_.epochs == 2000 and settings_.hidden_layers == (256,) * 5
    assert settings_.seeds == 10


@pytest.mark.parametrize(
    ("name", "raw"), [("epochs", "x"), ("hidden_layers", "<b>"), ("activations", "relu,nope")]
)
def test_strict_validation_raises_an_error_naming_the_field(name, raw):
    with pytest.raises(InvalidParameterError) as info:
        validate({name: raw}, strict=True, caps=None)
    assert info.value.field == name and info.value.value == raw
    assert name in str(info.value)


def test_compare_kwargs_and_seeds():
    s = dataclasses.replace(DEFAULTS, seed=3, seeds=3)
    assert s.seed_list == (3, 4, 5)
    kwargs = s.compare_kwargs()
    assert kwargs["seeds"] == (3, 4, 5)
    assert kwargs["hidden_layer_sizes"] == s.hidden_layers
    assert kwargs["activations"] == s.activations
    assert kwargs["test_size"] == config.TEST_SIZE
    assert {"negative_slope", "bias_offset", "init", "solver", "learning_rate", "batch_size",
            "epochs"} <= set(kwargs)  # fmt: skip


def test_settings_are_hashable_cache_keys():
    assert hash(DEFAULTS) == hash(dataclasses.replace(DEFAULTS))
    assert len({DEFAULTS, dataclasses.replace(DEFAULTS, epochs=3)}) == 2


def test_importing_config_stays_cheap():
    code = (
        "import sys, reluscope.config; "
        "print(sorted(m for m in ('streamlit', 'pandas', 'sklearn', 'altair') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_readme_example_link_is_valid():
    from pathlib import Path
    from urllib.parse import parse_qs

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    (query,) = re.findall(r"`\?([^`]+)`", readme)
    raw = parse_qs(query)
    settings_, notices = validate(raw)
    assert notices == [] and set(raw) <= set(FIELDS)
    assert settings_.activations == ("relu", "leaky_relu")


def test_the_memory_cap_bounds_what_a_run_keeps():
    raw = {"hidden_layers": "64x64x64x64", "n_samples": "50", "seeds": "5", "epochs": "500",
           "activations": "relu,tanh,sigmoid,elu,gelu,silu"}  # fmt: skip
    settings_, notices = validate(raw)
    assert (
        config.estimate_stored(settings_)
        <= CAPS.max_stored
        < config.estimate_stored(dataclasses.replace(settings_, epochs=settings_.epochs + 1))
    )
    assert [n.cap for n in notices if n.field == "epochs"] == ["max_stored"]
