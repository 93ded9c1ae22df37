"""The dashboard's wiring, through Streamlit's AppTest: pages, URL state, bad input, caching."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import reluscope.experiment
from reluscope import config
from reluscope.config import CAPS, DEFAULTS, FIELDS
from reluscope.datasets import make_dataset
from reluscope.errors import InvalidParameterError
from reluscope.history import History
from reluscope.ui import lab_services, services
from reluscope.ui.sidebar import SECTIONS, widget_value

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 300  # seconds per run: a loaded CI machine trains slowly
# page file -> Altair charts it draws with 2 hidden layers and 4 activations: a chart of panels
# (per layer, per activation) is one chart per panel, in a grid
PAGES = {
    "compare": 9,  # loss, score, off units (2 layers), the network (a key, 4 activations)
    "units": 7,  # the network (4), on-rate, unit maps, timeline; events only when some occur
    "derivatives": 6,  # f and f′, a histogram per activation
    "gradients": 2,
    "boundary": 4,
    "data": 2,
}
# small settings so that each trained view is quick
QUICK = {"epochs": "12", "n_samples": "120", "hidden_layers": "8x8"}


def clear_caches() -> None:
    """Empty the pickled caches and the stores of live datasets and comparisons."""
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def trainings(monkeypatch):
    """Empty caches; record the keyword arguments of every call to the core's ``compare``."""
    clear_caches()
    calls = []
    original = reluscope.experiment.compare

    def recording(dataset, **kwargs):
        calls.append(kwargs)
        return original(dataset, **kwargs)

    monkeypatch.setattr(reluscope.experiment, "compare", recording)
    return calls


def run_app(query: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    at.run()
    if page is not None:
        at.switch_page(f"reluscope/ui/pages/{page}.py").run()
    return at


def settings_of(at: AppTest) -> config.Settings:
    return at.session_state["reluscope.choice"].settings


def widget_values(at: AppTest) -> dict:
    return {name: at.session_state[name] for name in FIELDS}


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def assert_valid_vega_lite(at: AppTest) -> None:
    """Every chart drawn is valid Vega-Lite: the app converts charts without Altair's schema
    check (``components.prepare_chart``), so this is where it is made."""
    import json

    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    schema = load_schema()
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        assert validate_jsonschema(spec, schema, raise_error=False) is None, spec


def within_caps(s: config.Settings) -> bool:
    return (
        s.n_samples <= CAPS.max_samples
        and len(s.hidden_layers) <= CAPS.max_depth
        and max(s.hidden_layers) <= CAPS.max_width
        and s.epochs <= CAPS.max_epochs
        and s.n_seeds <= CAPS.max_seeds
        and len(s.activations) <= CAPS.max_activations
    )


def test_sections_hold_every_field_once():
    listed = [name for names in SECTIONS.values() for name in names]
    assert sorted(listed) == sorted(FIELDS) and len(listed) == len(set(listed))


def test_the_default_view_trains_the_documented_defaults(trainings):
    at = run_app()
    assert_healthy(at)
    assert warnings(at) == []
    assert settings_of(at) == DEFAULTS
    assert widget_values(at) == {n: widget_value(f, f.default) for n, f in FIELDS.items()}
    (call,) = trainings
    assert call["activations"] == ("relu", "leaky_relu", "tanh", "sigmoid")
    assert call["seeds"] == (0,) and call["epochs"] == DEFAULTS.epochs
    # home page: the summary, three charts, the downloads
    assert len(at.dataframe) == 1 and len(at.get("vega_lite_chart")) == PAGES["compare"]
    labels = {button.label for button in at.get("download_button")}
    assert {"Download history (CSV)", "Download settings (JSON)"} <= labels


@pytest.mark.parametrize("page", PAGES)
def test_every_page_draws_without_an_exception(page, trainings):
    at = run_app(QUICK, page)
    assert_healthy(at)
    assert len(at.get("vega_lite_chart")) >= PAGES[page]
    assert_valid_vega_lite(at)
    # the settings sidebar is on every page, bound to the same keys
    assert set(widget_values(at)) == set(FIELDS)
    assert len(trainings) <= 1


def test_the_packaged_entry_point_finds_its_pages_beside_it():
    """``reluscope ui`` runs reluscope/ui/app.py itself, not the checkout's shim."""
    from reluscope.resources import app_path
    from reluscope.ui import app

    assert app.PAGES_DIR == app_path().parent / "pages"
    assert {path.stem for path in app.PAGES_DIR.glob("*.py")} == {f for f, _, _ in app.PAGES}
    at = AppTest.from_file(str(app_path()), default_timeout=TIMEOUT)
    at.query_params.update(QUICK)
    at.run()
    assert_healthy(at)
    at.switch_page("pages/gradients.py").run()
    assert_healthy(at)
    assert len(at.get("vega_lite_chart")) == PAGES["gradients"]


def test_key_widgets_are_in_the_sidebar():
    at = run_app(QUICK)
    keys = {w.key for kind in ("slider", "select_slider", "selectbox", "multiselect",
                               "text_input", "button_group")
            for w in at.sidebar.get(kind)}  # fmt: skip
    assert set(FIELDS) <= keys
    assert at.sidebar.multiselect(key="activations").value == list(DEFAULTS.activations)
    assert at.sidebar.text_input(key="hidden_layers").value == "8x8"


DEEP_LINK = {
    "dataset": "circles",
    "n_samples": "160",
    "noise": "0.1",
    "hidden_layers": "8x4",
    "activations": "relu,tanh",
    "negative_slope": "0.2",
    "bias_offset": "-1.5",
    "init": "glorot_uniform",
    "solver": "adam",
    "learning_rate": "0.01",
    "batch_size": "16",
    "epochs": "15",
    "seed": "7",
    "seeds": "2",
}


def test_a_deep_link_restores_every_setting(trainings):
    at = run_app(DEEP_LINK)
    assert_healthy(at)
    assert warnings(at) == []
    expected, notices = config.validate(DEEP_LINK)
    assert notices == []
    assert settings_of(at) == expected
    assert widget_values(at) == {
        n: widget_value(f, getattr(expected, n)) for n, f in FIELDS.items()
    }
    (call,) = trainings
    assert call == {**expected.run_arguments(), "progress": call["progress"]}
    assert call["seeds"] == (7, 8) and call["hidden_layers"] == (8, 4)


def test_the_url_round_trips_through_the_settings():
    expected, _ = config.validate(DEEP_LINK)
    assert config.validate(expected.to_query()) == (expected, [])


HOSTILE = {
    "dataset": "../../etc/passwd",
    "n_samples": "abc",
    "noise": "nan",
    "hidden_layers": "<script>alert(1)</script>",
    "activations": "bogus,<img src=x onerror=alert(1)>",
    "negative_slope": "1e309",
    "bias_offset": "-1e400",
    "init": "/etc/shadow",
    "solver": "`rm -rf /`",
    "learning_rate": "0x10",
    "batch_size": "-5",
    "epochs": "twelve",
    "seed": "9" * 400,
    "seeds": "<script>",
    "unknown_key": "ignored",
}


def test_hostile_query_values_warn_by_field_and_never_raise(trainings):
    at = run_app(HOSTILE)
    assert_healthy(at)
    shown = warnings(at)
    for name in FIELDS:
        assert any(text.startswith(f"{name}: ") for text in shown), (name, shown)
    assert not any("unknown_key" in text for text in shown)
    expected, _ = config.validate(HOSTILE)
    assert settings_of(at) == expected and within_caps(expected)
    # the widgets show what is trained, not the hostile text
    assert widget_values(at) == {
        n: widget_value(f, getattr(expected, n)) for n, f in FIELDS.items()
    }
    assert trainings and within_caps(settings_of(at))
    # on the next run the address bar is cleaned: only validated values remain
    at.run()
    assert_healthy(at)
    assert config.validate(at.query_params) == (expected, [])


@pytest.mark.parametrize(
    ("query", "field", "cap"),
    [
        ({**QUICK, "epochs": "1e309"}, "epochs", "max_epochs"),
        ({**QUICK, "seeds": "99999"}, "n_seeds", "max_seeds"),
        ({**QUICK, "n_samples": "10000000"}, "n_samples", "max_samples"),
        ({**QUICK, "hidden_layers": "8x8x8x8x8x8x8"}, "hidden_layers", "max_depth"),
        ({**QUICK, "hidden_layers": "100000"}, "hidden_layers", "max_width"),
        (
            {**QUICK, "activations": ",".join(reluscope.ACTIVATIONS)},
            "activations",
            "max_activations",
        ),
    ],
)
def test_compute_caps_hold_and_name_themselves(query, field, cap, trainings):
    at = run_app(query)
    assert_healthy(at)
    assert any(text.startswith(f"{field}: ") and cap in text for text in warnings(at))
    (call,) = trainings
    assert call["epochs"] <= CAPS.max_epochs and len(call["seeds"]) <= CAPS.max_seeds
    assert len(call["activations"]) <= CAPS.max_activations
    assert len(call["hidden_layers"]) <= CAPS.max_depth
    assert max(call["hidden_layers"]) <= CAPS.max_width
    assert within_caps(settings_of(at))


def test_a_view_option_never_retrains(trainings):
    at = run_app(QUICK)
    assert len(trainings) == 1
    at.toggle(key="log_loss").set_value(True).run()
    assert_healthy(at)
    at.switch_page("reluscope/ui/pages/units.py").run()
    at.selectbox(key="units_activation").set_value("tanh").run()
    at.slider(key="epoch").set_value(3).run()
    assert_healthy(at)
    assert len(trainings) == 1
    # a setting retrains, once
    at.slider(key="bias_offset").set_value(-1.0).run()
    assert_healthy(at)
    assert len(trainings) == 2 and trainings[-1]["bias_offset"] == -1.0


def test_changing_a_setting_clears_its_url_warning():
    at = run_app({**QUICK, "epochs": "twelve"})
    assert any(text.startswith("epochs: ") for text in warnings(at))
    at.slider(key="epochs").set_value(10).run()
    assert_healthy(at)
    assert not any(text.startswith("epochs: ") for text in warnings(at))


def test_a_bad_typed_value_warns_and_keeps_working():
    at = run_app(QUICK)
    at.sidebar.text_input(key="hidden_layers").set_value("lots").run()
    assert_healthy(at)
    assert any(text.startswith("hidden_layers: ") for text in warnings(at))
    assert settings_of(at).hidden_layers == DEFAULTS.hidden_layers


def test_errors_from_the_core_are_shown_and_the_app_keeps_working(monkeypatch):
    clear_caches()

    def failing(dataset, **kwargs):
        raise InvalidParameterError("learning_rate", kwargs["learning_rate"], "something else")

    monkeypatch.setattr(reluscope.experiment, "compare", failing)
    at = run_app(QUICK)
    assert not at.exception
    assert any("learning_rate" in e.value for e in at.error)
    assert at.sidebar.slider(key="epochs").value == 12  # the settings are still there
    monkeypatch.undo()
    clear_caches()
    at.slider(key="epochs").set_value(10).run()
    assert_healthy(at)


def test_reset_restores_the_defaults():
    at = run_app(DEEP_LINK)
    at.sidebar.button(key="reset_settings").click().run()
    assert_healthy(at)
    assert settings_of(at) == DEFAULTS


CSV = "a,b,label\n" + "".join(
    f"{i % 7},{(i * 3) % 5},{'yes' if i % 2 else 'no'}\n" for i in range(60)
)


def test_an_uploaded_csv_trains_and_a_broken_one_says_why(trainings):
    at = run_app({**QUICK, "dataset": "upload"})
    assert_healthy(at)
    assert any("CSV" in i.value for i in at.info)
    at.sidebar.file_uploader[0].set_value(("mine.csv", CSV.encode(), "text/csv")).run()
    assert_healthy(at)
    assert at.sidebar.selectbox(key="upload_target").value == "label"
    assert len(trainings) == 1
    at.switch_page("reluscope/ui/pages/data.py").run()
    assert_healthy(at)
    assert "mine" in at.markdown[0].value
    at.sidebar.file_uploader[0].set_value(("bad.csv", b"x,y\n1,2\n", "text/csv")).run()
    assert not at.exception
    assert at.error and "could not be loaded" in at.error[0].value


FRENCH_CSV = "température;humidité;classe\n" + "".join(
    f"{i % 7};{(i * 3) % 5},5;{i % 2}\n" for i in range(60)
)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_an_upload_in_any_encoding_the_loader_reads_offers_its_column_names(encoding, trainings):
    at = run_app({**QUICK, "dataset": "upload"})
    upload = ("mesures.csv", FRENCH_CSV.encode(encoding), "text/csv")
    at.sidebar.file_uploader[0].set_value(upload).run()
    assert_healthy(at)
    picker = at.sidebar.selectbox(key="upload_target")
    assert picker.options == ["température", "humidité", "classe"]
    assert picker.value == "classe" and len(trainings) == 1
    # another column as target: the loader knows the name the picker offers
    picker.set_value("température").run()
    assert_healthy(at)
    assert len(trainings) == 2


def test_an_unreadable_upload_offers_no_target_and_says_why():
    at = run_app({**QUICK, "dataset": "upload"})
    at.sidebar.file_uploader[0].set_value(("x.csv", b"%PDF-1.4 binary", "text/csv")).run()
    assert not at.exception
    assert [w for w in at.sidebar.selectbox if w.key == "upload_target"] == []
    assert at.error and "PDF" in at.error[0].value


def test_the_compute_cap_counts_the_rows_of_the_data_not_the_samples_setting(monkeypatch):
    """Real data ignores ``n_samples``; the cap must count the rows actually trained on."""
    clear_caches()
    calls = []
    original = reluscope.experiment.compare

    def recording(dataset, **kwargs):  # record what is asked; train two epochs to stay quick
        calls.append((dataset.n_samples, kwargs))
        return original(dataset, **{**kwargs, "epochs": min(kwargs["epochs"], 2)})

    monkeypatch.setattr(reluscope.experiment, "compare", recording)
    query = {
        "dataset": "breast_cancer",
        "n_samples": "50",
        "hidden_layers": "64x64x64x64",
        "activations": ",".join(reluscope.ACTIVATIONS[: CAPS.max_activations]),
        "seeds": "5",
    }
    at = run_app(query)
    assert_healthy(at)
    ((n_rows, call),) = calls
    data = make_dataset("breast_cancer")  # 569 rows, 30 features, 2 classes
    assert n_rows == data.n_samples
    chosen = settings_of(at)
    by_rows, notice = config.cap_work(replace(chosen, n_samples=data.n_samples), 30, 1)
    by_setting, _ = config.cap_work(chosen, 30, 1)
    assert call["epochs"] == by_rows.epochs < by_setting.epochs
    assert notice is not None and notice.message in warnings(at)
    # the trained settings keep the sidebar's n_samples; only the epochs are capped
    assert services.run_settings(chosen, data) == (replace(chosen, epochs=by_rows.epochs), notice)


def test_memoised_frames_are_built_once_and_never_shared_for_writing(monkeypatch):
    built = []
    original = History.units
    monkeypatch.setattr(History, "units", lambda self: (built.append(self), original(self))[1])
    comparison = reluscope.experiment.compare(
        make_dataset("moons", n_samples=80, random_state=0),
        activations=("relu", "tanh"),
        seeds=(0, 1),
        hidden_layers=(4,),
        epochs=3,
    )
    first = comparison.units()
    assert len(built) == 4  # one per run
    first["dead"] = -1
    first.loc[0, "on_rate"] = 99.0
    first.insert(0, "extra", 0)
    again = comparison.units()
    assert len(built) == 4 and "extra" not in again
    assert (again["dead"] >= 0).all() and again["on_rate"].max() <= 1.0
    for method in ("epochs", "layers", "plateaus", "summary"):
        pristine = getattr(comparison, method)().copy(deep=True)
        frame = getattr(comparison, method)()
        frame[frame.columns[-1]] = -7
        frame.insert(0, "extra", 0)
        again = getattr(comparison, method)()
        assert again.equals(pristine) and list(again.columns) == list(pristine.columns)


@pytest.mark.parametrize(("page", "pickers"), [
    ("units", {"units_activation": "tanh", "units_layer": 2, "units_seed": 1}),
    ("boundary", {"boundary_seed": 1}),
])  # fmt: skip
def test_pickers_read_only_the_chosen_run(page, pickers, monkeypatch):
    """A picker change redraws one run's view: the whole comparison's unit table is not built."""
    built = []
    original = reluscope.experiment.Comparison.units
    monkeypatch.setattr(
        reluscope.experiment.Comparison,
        "units",
        lambda self: (built.append(self), original(self))[1],
    )
    at = run_app({**QUICK, "seeds": "2"}, page)
    assert_healthy(at)
    for key, value in pickers.items():
        at.selectbox(key=key).set_value(value).run()
        assert_healthy(at)
    at.slider(key="epoch").set_value(3).run()
    assert_healthy(at)
    assert built == []


def test_the_data_download_is_made_on_click_not_on_every_run(monkeypatch):
    made = []
    original = pd.DataFrame.to_csv
    monkeypatch.setattr(
        pd.DataFrame, "to_csv", lambda self, *a, **k: (made.append(1), original(self, *a, **k))[1]
    )
    at = run_app(QUICK, "data")
    assert_healthy(at)
    assert "Download this data (CSV)" in {b.label for b in at.get("download_button")}
    assert made == []


@pytest.mark.parametrize("dataset", ["iris", "sine", "csv:three_spirals"])
def test_other_kinds_of_data_draw_every_page(dataset):
    at = run_app({**QUICK, "dataset": dataset})
    assert_healthy(at)
    for page in PAGES:
        at.switch_page(f"reluscope/ui/pages/{page}.py").run()
        assert_healthy(at)
    # sample count and noise only apply to generated data
    generated = dataset == "sine"
    assert at.sidebar.slider(key="n_samples").disabled is not generated


def test_one_progress_bar_serves_training_and_the_lab():
    assert lab_services.ProgressBar is services.ProgressBar
    assert not hasattr(lab_services, "_ProgressBar") and not hasattr(services, "_ProgressBar")


def test_long_training_shows_a_progress_bar(monkeypatch, trainings):
    drawn = []
    monkeypatch.setattr(services, "PROGRESS_DELAY", 0.0)
    original = services.ProgressBar._draw
    monkeypatch.setattr(
        services.ProgressBar, "_draw", lambda self, f: (drawn.append(f), original(self, f))
    )
    at = run_app({**QUICK, "epochs": "200"})
    assert_healthy(at)
    assert drawn and all(0.0 <= f <= 1.0 for f in drawn)
    # the bar is gone once the charts are there, and a cache hit draws none
    assert not at.get("progress")
    drawn.clear()
    at.toggle(key="log_loss").set_value(True).run()
    assert_healthy(at)
    assert drawn == [] and len(trainings) == 1


def test_a_file_above_the_sample_cap_is_subsampled_with_a_notice(trainings):
    n_rows = CAPS.max_samples + 500
    rows = "".join(f"{i % 13},{(i * 7) % 11},{'ab'[i % 2]}\n" for i in range(n_rows))
    at = run_app({**QUICK, "dataset": "upload"})
    at.sidebar.file_uploader[0].set_value(("big.csv", ("a,b,label\n" + rows).encode(), "text/csv"))
    at.run()
    assert_healthy(at)
    assert any(text.startswith("dataset: ") and "max_samples" in text for text in warnings(at))
    assert len(trainings) == 1


@pytest.mark.parametrize("page", ["units", "derivatives", "boundary"])
def test_view_options_survive_a_smaller_network(page):
    at = run_app({**QUICK, "hidden_layers": "8x8x8", "epochs": "30"}, page)
    at.slider(key="epoch").set_value(25).run()
    if page != "boundary":
        at.selectbox(key=f"{page}_layer").set_value(3).run()
    at.sidebar.slider(key="epochs").set_value(10)
    at.sidebar.text_input(key="hidden_layers").set_value("8").run()
    assert_healthy(at)
    assert len(at.get("vega_lite_chart")) >= PAGES[page] - 1


def test_markdown_escaping_shows_any_string_as_written():
    from reluscope.ui.components import escape_markdown

    hostile = "**b** _i_ [l](u) ![i](u) <a> # h\n- x :red[c] :material/home: $m$ `c` \\ ~s~ 1."
    escaped = escape_markdown(hostile)
    assert "\n" not in escaped
    # every punctuation character is escaped, nothing else changes
    assert escaped.replace("\\", "") == hostile.replace("\n", " ").replace("\\", "")
    assert all(escaped[k - 1] == "\\" for k, ch in enumerate(escaped) if ch in "*_[]()<>#:$`~")
    assert escape_markdown("mine 2") == "mine 2" and escape_markdown(3) == "3"


# the link at every cap at once: the run-size budget cuts its epochs
AT_THE_CAPS = {
    "hidden_layers": "64x64x64x64",
    "n_samples": "2000",
    "epochs": "500",
    "seeds": "5",
    "batch_size": "4",
    "activations": ["relu", "leaky_relu", "tanh", "sigmoid", "elu", "gelu"],
}


def test_a_link_cut_by_the_run_size_cap_says_so_and_keeps_the_asked_epochs(trainings):
    at = run_app(AT_THE_CAPS)
    assert_healthy(at)
    (call,) = trainings
    assert call["epochs"] < 500  # trained fewer epochs ...
    cut = [text for text in warnings(at) if text.startswith("epochs: ") and "max_work" in text]
    assert cut and f"training {call['epochs']} epochs instead" in cut[0]  # ... and said so
    assert at.session_state["epochs"] == 500  # the widget keeps what the link asked for
    # a smaller run gets the asked epochs back, with no cap notice
    at.text_input(key="hidden_layers").set_value("4")
    at.select_slider(key="batch_size").set_value(512)
    at.slider(key="n_seeds").set_value(1)
    at.multiselect(key="activations").set_value(["relu"])
    at.run()
    assert_healthy(at)
    assert trainings[-1]["epochs"] == 500
    assert not [text for text in warnings(at) if "max_work" in text or "max_stored" in text]
