"""reluscope.config.settings: Settings, defaults, validate, and what feeds compare."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from test_config_coercion import within_caps

from reluscope import config
from reluscope.config import DEFAULTS, FIELDS, validate


def test_defaults_validate_to_themselves_without_notices():
    assert validate({}) == (DEFAULTS, [])
    assert DEFAULTS.activations == ("relu", "leaky_relu", "tanh", "sigmoid")
    assert DEFAULTS.dataset == "moons" and len(DEFAULTS.hidden_layers) == 2
    assert within_caps(DEFAULTS)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"dataset": "circles", "hidden_layers": (8, 4, 2), "activations": ("elu", "relu")},
        {"negative_slope": 0.3, "bias_offset": -2.5, "learning_rate": 0.0002, "batch_size": 128},
        {"epochs": 7, "seed": 2**31 - 1, "n_seeds": 3, "solver": "adam", "init": "sklearn"},
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


def test_without_caps_the_api_and_cli_may_go_beyond_the_demo():
    settings_, notices = validate(
        {"epochs": "2000", "hidden_layers": "256x256x256x256x256", "seeds": "10"}, caps=None
    )
    assert notices == []
    assert settings_.epochs == 2000 and settings_.hidden_layers == (256,) * 5
    assert settings_.n_seeds == 10  # `seeds` is the older key of n_seeds


def test_run_arguments_and_seeds():
    s = dataclasses.replace(DEFAULTS, seed=3, n_seeds=3)
    assert s.seeds == (3, 4, 5)
    kwargs = s.run_arguments()
    assert kwargs["seeds"] == (3, 4, 5)
    assert kwargs["hidden_layers"] == s.hidden_layers
    assert kwargs["activations"] == s.activations
    assert {"negative_slope", "bias_offset", "init", "solver", "learning_rate", "batch_size",
            "epochs"} <= set(kwargs)  # fmt: skip
    assert kwargs["test_size"] == config.TEST_SIZE
    # no translation: every argument is the setting of the same name
    assert kwargs == {
        **{name: getattr(s, name) for name in config.RUN_ARGUMENTS},
        "test_size": config.TEST_SIZE,
    }
    with pytest.warns(FutureWarning, match="run_arguments"):
        assert s.compare_kwargs() == kwargs  # the old name, for a while


def test_seed_list_is_the_old_name_of_seeds():
    s = dataclasses.replace(DEFAULTS, seed=2, n_seeds=2)
    with pytest.warns(FutureWarning, match="Settings.seeds"):
        assert s.seed_list == (2, 3)


@pytest.mark.parametrize("query", [{"seeds": "3"}, {"seeds": ["1", "3"]}, {"n_seeds": "3"},
                                   {"n_seeds": "3", "seeds": "4"}])  # fmt: skip
def test_seeds_is_the_older_key_of_n_seeds(query):
    settings_, notices = validate(query)
    assert settings_.n_seeds == 3 and notices == []
    assert config.canonical_keys(query) == {"n_seeds": query.get("n_seeds", query.get("seeds"))}


def test_an_old_key_gets_a_notice_under_its_field():
    settings_, (notice,) = validate({"seeds": "99999"})
    assert settings_.n_seeds == config.CAPS.max_seeds
    assert notice.field == "n_seeds" and notice.cap == "max_seeds"
    assert notice.message.startswith("n_seeds: ")


def test_settings_saved_as_json_under_the_old_name_still_load():
    saved = DEFAULTS.to_dict()
    saved["seeds"] = saved.pop("n_seeds") + 2
    assert validate(saved) == (dataclasses.replace(DEFAULTS, n_seeds=3), [])
    assert "n_seeds" in json.loads(DEFAULTS.to_json())


def test_settings_are_hashable_cache_keys():
    assert hash(DEFAULTS) == hash(dataclasses.replace(DEFAULTS))
    assert len({DEFAULTS, dataclasses.replace(DEFAULTS, epochs=3)}) == 2


def test_the_readme_example_link_is_valid():
    from pathlib import Path
    from urllib.parse import parse_qs

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    queries = re.findall(r"`\?([^`]+)`", readme)
    (query,) = [q for q in queries if "bias_offset" in q]  # the settings example
    raw = parse_qs(query)
    settings_, notices = validate(raw)
    assert notices == [] and set(raw) <= set(FIELDS)
    assert settings_.activations == ("relu", "leaky_relu")
    from reluscope.config.links import link_lesson
    from reluscope.lessons import lesson

    for other in queries:  # every other link in README opens a lesson that exists
        if other != query:
            name = link_lesson(parse_qs(other))
            assert name is not None and lesson(name).name == name
