"""Shared links: a link made today opens the same settings tomorrow, even after defaults change."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlencode

import pytest
from streamlit.testing.v1 import AppTest

from reluscope import config
from reluscope.config import DEFAULTS, FIELDS, Settings, links

# what every field meant when links had no version (written out, not read from the code)
VERSION_1 = Settings(
    dataset="moons", n_samples=300, noise=0.2, hidden_layers=(32, 32),
    activations=("relu", "leaky_relu", "tanh", "sigmoid"), negative_slope=0.01, bias_offset=0.0,
    init="he_normal", solver="sgd", learning_rate=0.05, batch_size=32, epochs=100, seed=0,
    n_seeds=1,
)  # fmt: skip
# version 2: defaults that show ReLU units dead for good beside leaky units coming back
VERSION_2 = dataclasses.replace(VERSION_1, bias_offset=-2.0, solver="adam", learning_rate=0.02)

# links as the dashboard wrote them before versions existed, and the settings they showed
TODAYS_LINKS = {
    "bias_offset=-1.5&learning_rate=0.2&activations=relu&activations=leaky_relu": dict(
        bias_offset=-1.5, learning_rate=0.2, activations=("relu", "leaky_relu")
    ),
    "seeds=3": dict(n_seeds=3),
    "hidden_layers=8x8": dict(hidden_layers=(8, 8)),
    "dataset=circles&epochs=40&seed=7&seeds=2&solver=adam": dict(
        dataset="circles", epochs=40, seed=7, n_seeds=2, solver="adam"
    ),
}


def opened(url_query: str) -> tuple[Settings, list]:
    return links.open_link(parse_qs(url_query))


@pytest.fixture
def new_defaults(monkeypatch):
    """A later release: two defaults change, so the schema moves to the next version."""
    changed = {"learning_rate": 0.1, "epochs": 200}
    for name, default in changed.items():
        monkeypatch.setitem(FIELDS, name, dataclasses.replace(FIELDS[name], default=default))
    newest = dataclasses.replace(DEFAULTS, **changed).to_query(only_changed=False)
    monkeypatch.setitem(links.DEFAULTS_BY_VERSION, NEXT, newest)
    monkeypatch.setattr(links, "SCHEMA_VERSION", NEXT)
    return changed


NEXT = links.SCHEMA_VERSION + 1  # the version the fixture above simulates


def test_version_1_is_todays_defaults_written_out():
    assert DEFAULTS == VERSION_2
    assert validate_exactly(links.DEFAULTS_BY_VERSION[1]) == VERSION_1
    assert validate_exactly(links.DEFAULTS_BY_VERSION[2]) == VERSION_2


def validate_exactly(raw) -> Settings:
    settings, notices = config.validate(raw)
    assert notices == []
    return settings


def test_the_newest_version_holds_todays_defaults():
    """Changing a default without adding a schema version fails here."""
    newest = links.DEFAULTS_BY_VERSION[links.SCHEMA_VERSION]
    assert newest == DEFAULTS.to_query(only_changed=False)
    assert set(newest) == set(FIELDS)
    assert links.SCHEMA_VERSION == max(links.DEFAULTS_BY_VERSION)


@pytest.mark.parametrize("url_query", TODAYS_LINKS)
def test_todays_links_open_the_settings_they_showed(url_query):
    assert opened(url_query) == (dataclasses.replace(VERSION_1, **TODAYS_LINKS[url_query]), [])


@pytest.mark.parametrize("url_query", TODAYS_LINKS)
def test_todays_links_open_the_same_settings_after_a_default_changes(url_query, new_defaults):
    assert config.validate({})[0].learning_rate == 0.1  # the new default is in force
    assert opened(url_query) == (dataclasses.replace(VERSION_1, **TODAYS_LINKS[url_query]), [])


def test_a_link_of_the_new_version_reads_the_new_defaults(new_defaults):
    settings, notices = opened(f"v={NEXT}&hidden_layers=8x8")
    assert notices == []
    assert (settings.learning_rate, settings.epochs, settings.hidden_layers) == (0.1, 200, (8, 8))
    # and a version-1 link that gives the value itself keeps it
    assert opened("v=1&epochs=200")[0].epochs == 200
    assert opened("v=1&hidden_layers=8x8")[0].epochs == 100


@pytest.mark.parametrize(
    "changes",
    [{}, {"n_seeds": 3, "seed": 5}, {"learning_rate": 0.2, "activations": ("relu", "tanh")},
     {"hidden_layers": (8, 4, 2), "epochs": 7, "dataset": "circles"}],
)  # fmt: skip
def test_every_link_carries_the_version_and_round_trips(changes):
    original = dataclasses.replace(DEFAULTS, **changes)
    query = links.link_query(original)
    assert query[links.VERSION_KEY] == str(links.SCHEMA_VERSION)
    assert opened(urlencode(query, doseq=True)) == (original, [])


def test_links_made_before_a_default_changed_still_round_trip(new_defaults):
    before = dataclasses.replace(VERSION_1, n_seeds=2)
    url_query = "seeds=2"  # what the dashboard wrote for it then
    assert opened(url_query) == (before, [])
    # written again today, the link says its version and spells out what differs from the
    # new defaults
    query = links.link_query(before)
    assert query == {
        "v": str(NEXT), "bias_offset": "0", "solver": "sgd", "learning_rate": "0.05",
        "epochs": "100", "n_seeds": "2",
    }  # fmt: skip
    assert opened(urlencode(query, doseq=True)) == (before, [])


@pytest.mark.parametrize(
    ("query", "version"),
    [({}, 2), ({"v": "1"}, 1), ({"v": ["1"]}, 1), ({"v": "2"}, 2), ({"v": "x"}, 2),
     ({"v": "99"}, 2), ({"v": "9" * 400}, 2), ({"v": []}, 2), ({"v": "-1"}, 2)],
)  # fmt: skip
def test_a_garbled_or_unknown_version_reads_as_the_current_one(query, version):
    assert links.link_version(query) == version


def test_an_unknown_version_reads_against_the_current_defaults(new_defaults):
    assert links.link_version({"v": "7"}) == NEXT and links.link_version({"seed": "3"}) == 1
    assert opened("v=7&seed=3")[0] == dataclasses.replace(DEFAULTS, seed=3, **new_defaults)


@pytest.mark.parametrize("url_query", ["", "lesson=relu-dies&log_loss=true"])
def test_an_address_that_sets_no_field_opens_todays_defaults(url_query):
    """The bare home page (and a page-only link) is a new visit, not an old link."""
    assert opened(url_query) == (DEFAULTS, [])
    assert opened("v=1")[0] == VERSION_1  # an old link at every default still says v=1


def test_hostile_links_never_raise():
    for url_query in ("v=<script>&seeds=<b>", "v=1&v=2&seeds=1e309", "seeds=&n_seeds=abc"):
        settings, notices = opened(url_query)
        assert all(notice.field in FIELDS for notice in notices)
        assert settings.n_seeds <= config.CAPS.max_seeds


# --- the dashboard's sidebar reads links the same way ---------------------------------------


def sidebar_app():
    from reluscope.ui.sidebar import settings_sidebar

    settings_sidebar()


def open_in_sidebar(url_query: str) -> AppTest:
    at = AppTest.from_function(sidebar_app, default_timeout=60)
    at.query_params.update(parse_qs(url_query))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sidebar_settings(at: AppTest) -> Settings:
    return at.session_state["reluscope.choice"].settings


@pytest.mark.parametrize("url_query", TODAYS_LINKS)
def test_the_sidebar_opens_todays_links_after_a_default_changes(url_query, new_defaults):
    at = open_in_sidebar(url_query)
    expected = dataclasses.replace(VERSION_1, **TODAYS_LINKS[url_query])
    assert sidebar_settings(at) == expected
    assert [w.value for w in at.warning] == []
    at.run()  # the address bar now holds today's keys and version
    assert at.query_params[links.VERSION_KEY] == str(NEXT)
    assert "seeds" not in at.query_params
    assert links.open_link(at.query_params)[0] == expected


def test_the_sidebar_writes_the_version_and_todays_key():
    at = open_in_sidebar("seeds=3")
    assert sidebar_settings(at).n_seeds == 3
    at.run()
    assert at.query_params[links.VERSION_KEY] == str(links.SCHEMA_VERSION)
    assert at.query_params["n_seeds"] == "3" and "seeds" not in at.query_params
    # the old key is gone, so it cannot bring 3 back once the count returns to its default
    assert links.open_link(at.query_params)[0] == sidebar_settings(at)
