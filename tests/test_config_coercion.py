"""reluscope.config.coercion: raw values always become valid values, with a notice."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluscope import config
from reluscope.activations import ACTIVATIONS
from reluscope.config import CAPS, FIELDS, Caps, Settings, validate
from reluscope.errors import InvalidParameterError

FIELD_NAMES = tuple(FIELDS)

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
        and 1 <= s.n_seeds <= caps.max_seeds
        and 1 <= len(s.activations) <= caps.max_activations
        and (config.estimate_work(s) <= caps.max_work or s.epochs == 1)
        and (config.estimate_stored(s) <= caps.max_stored or s.epochs == 1)
    )


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
        ("n_seeds", "50", 5, "max_seeds"),
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
        ("solver", "lbfgs", "adam", None),
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


@pytest.mark.parametrize(
    ("name", "raw"), [("epochs", "x"), ("hidden_layers", "<b>"), ("activations", "relu,nope")]
)
def test_strict_validation_raises_an_error_naming_the_field(name, raw):
    with pytest.raises(InvalidParameterError) as info:
        validate({name: raw}, strict=True, caps=None)
    assert info.value.field == name and info.value.value == raw
    assert name in str(info.value)
