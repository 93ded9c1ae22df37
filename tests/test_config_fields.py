"""reluscope.config.fields: one declaration of every user-settable field."""

from __future__ import annotations

import dataclasses
import math

import pytest

from reluscope import config
from reluscope.config import API_FIELDS, CAPS, FIELDS, Settings

FIELD_NAMES = (
    "dataset", "n_samples", "noise", "hidden_layers", "activations", "negative_slope",
    "bias_offset", "init", "solver", "learning_rate", "batch_size", "epochs", "seed", "n_seeds",
)  # fmt: skip


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


def test_dataset_choices_are_generators_bundled_files_and_upload():
    from reluscope import datasets

    choices = FIELDS["dataset"].choices()
    assert set(datasets.DATASETS) <= set(choices)
    assert {f"csv:{name}" for name in datasets.bundled_datasets()} <= set(choices)
    assert config.UPLOAD in choices


def test_the_init_choices_are_the_engines():
    from reluscope.init import INITS

    assert FIELDS["init"].choices() == INITS


@pytest.mark.parametrize("name", tuple(API_FIELDS))
def test_api_only_fields_are_described_and_never_widgets(name):
    f = API_FIELDS[name]
    assert f.label and f.help and f.widget == "" and name not in FIELDS
    assert f.low <= f.default <= f.high
    assert config.declared(name) is f
    assert config.coerce(name, f.default) == (f.default, None)


def test_api_bounds_are_never_narrower_than_the_dashboards():
    for f in (*FIELDS.values(), *API_FIELDS.values()):
        if f.kind in ("int", "float", "layers"):
            low, high = f.api_bounds()
            assert low <= f.low and high >= f.high, f.name
    assert FIELDS["learning_rate"].api_bounds() == (0.0, math.inf)
    assert FIELDS["learning_rate"].api_low_open
    assert FIELDS["noise"].api_bounds() == (FIELDS["noise"].low, FIELDS["noise"].high)


def test_aliases_are_unique_and_name_no_field():
    aliases = [alias for f in FIELDS.values() for alias in f.aliases]
    assert len(aliases) == len(set(aliases)) and not set(aliases) & set(FIELDS)
    assert FIELDS["n_seeds"].aliases == ("seeds",)


def test_the_glossary_is_written_once_in_the_config_docstring():
    glossary = config.__doc__.split("Glossary")[1]
    for term in (
        "hidden_layers",
        "epochs",
        "learning_rate",
        "l2_penalty",
        "alpha",
        "seed",
        "seeds",
        "n_seeds",
        "data_seed",
        "born_dead",
        "dead, inactive, saturated",
    ):
        assert f"\n{term}\n" in glossary, term  # fmt: skip
    # the two words that mean two things today say so
    assert glossary.count("*Two meanings today*") == 2
    for estimator_name in ("hidden_layer_sizes", "max_iter", "learning_rate_init", "random_state"):
        assert estimator_name in glossary
    assert dataclasses.fields(Settings)[-1].name == "n_seeds"
