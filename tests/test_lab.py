"""The lab page (reluscope/ui/pages/lab.py) and its services, through Streamlit's AppTest; the
frames and sentences it shows are tested in test_frames_lab.py."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import reluscope.sweep
import reluscope.theory
from reluscope import frames
from reluscope.config import CAPS, FIELDS, LIVE_SWEEP_START
from reluscope.errors import InvalidParameterError
from reluscope.sweep import SEED_COUNT_FIELD, load_precomputed, recovery_table
from reluscope.ui import lab_services

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = str(ROOT / "reluscope" / "ui" / "pages" / "lab.py")
TIMEOUT = 300  # seconds per run: a loaded CI machine is slow
SECTIONS = (
    "Phase diagram",
    "Born dead",
    "Bias-offset kill",
    "Recovery needs more than a leak",
)
# charts are drawn a panel each: the phase diagram one per activation of the shipped sweep,
# the recovery one per optimiser; born dead and bias kill are one chart each
PHASE_PANELS = load_precomputed("sweep")["activation"].nunique()
RECOVERY_PANELS = load_precomputed("recovery")["solver"].nunique()
PAGE_CHARTS = PHASE_PANELS + 1 + 1 + RECOVERY_PANELS
# a live sweep that trains in well under a second
TINY = {"lab_sweep_bias_offsets": "-3, 0", "lab_sweep_learning_rates": "0.1"}
# how many activations the form starts with (the settings field's default)


@pytest.fixture(autouse=True)
def empty_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def run_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    return at


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def phase_color_title(spec: dict) -> str:
    """The colour title of a phase-diagram panel."""
    return spec["encoding"]["color"]["title"]


def live_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith("Live sweep")]


def submit_sweep(at: AppTest, **values) -> AppTest:
    for key, value in values.items():
        widget = at.number_input if key in ("lab_sweep_seeds", "lab_sweep_epochs") else None
        if widget is None:
            widget = at.multiselect if key == "lab_sweep_activations" else at.text_input
        widget(key=key).set_value(value)
    (button,) = at.get("form_submit_button")
    button.click()
    return at.run()


# --- the page -------------------------------------------------------------------------------


def test_the_lab_is_registered_and_draws_from_the_app():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"epochs": "5", "n_samples": "100", "hidden_layers": "4"})
    at.run()
    at.switch_page("reluscope/ui/pages/lab.py").run()
    assert_healthy(at)
    assert [h.value.split(":")[0] for h in at.header] == [s.split(":")[0] for s in SECTIONS]


def test_the_page_draws_its_four_sections_without_an_error():
    at = run_page()
    assert_healthy(at)
    shown = headers(at)
    assert len(shown) == 4
    for section, header in zip(SECTIONS, shown, strict=True):
        assert header.startswith(section), (section, header)
    specs = chart_specs(at)
    assert len(specs) == PAGE_CHARTS  # phase diagram, born dead, bias kill, recovery
    assert [spec["title"] for spec in specs[:PHASE_PANELS]] == [
        "relu",
        "leaky_relu",
        "tanh",
        "sigmoid",
    ]
    assert all(phase_color_title(s) == "mean dead fraction final" for s in specs[:PHASE_PANELS])
    # the shipped sweep's settings are stated, read from its table
    assert any(c.value.startswith("Precomputed default sweep — ") for c in at.caption)
    # the finding is computed from the shipped recovery table
    finding = frames.recovery_finding(recovery_table(load_precomputed("recovery")))
    assert finding in [m.value for m in at.markdown]


def test_the_toggle_switches_the_phase_diagram_to_the_final_loss():
    at = run_page()
    at.toggle(key="lab_phase_loss").set_value(True).run()
    assert_healthy(at)
    assert {phase_color_title(s) for s in chart_specs(at)[:PHASE_PANELS]} == {"mean final loss"}
    at.toggle(key="lab_phase_loss").set_value(False).run()
    titles = {phase_color_title(s) for s in chart_specs(at)[:PHASE_PANELS]}
    assert titles == {"mean dead fraction final"}


def test_a_tiny_live_sweep_runs_with_progress_and_is_cached(monkeypatch):
    drawn, calls = [], []
    original_draw = lab_services.ProgressBar._draw
    monkeypatch.setattr(
        lab_services.ProgressBar,
        "_draw",
        lambda self, f: (drawn.append(f), original_draw(self, f)),
    )
    original_sweep = reluscope.sweep.run_sweep

    def recording(grid, **kwargs):
        calls.append((grid, kwargs))
        return original_sweep(grid, **kwargs)

    monkeypatch.setattr(reluscope.sweep, "run_sweep", recording)
    at = run_page()
    assert live_captions(at) == [] and calls == []
    submit_sweep(
        at,
        lab_sweep_activations=["relu", "leaky_relu"],
        lab_sweep_epochs=4,
        lab_sweep_seeds=1,
        **TINY,
    )
    assert_healthy(at)
    (caption,) = live_captions(at)
    assert "2 bias offsets (-3, 0)" in caption and "4 runs" in caption
    assert len(chart_specs(at)) == PAGE_CHARTS + 2  # a phase panel per live activation
    assert drawn and all(0.0 <= f <= 1.0 for f in drawn)
    assert not at.get("progress")  # the bar is gone once the result is there
    ((grid, kwargs),) = calls
    assert kwargs["epochs"] == 4 and grid["hidden_layers"] == "16x16"
    # the result stays on show through other interactions, from the cache
    at.toggle(key="lab_phase_loss").set_value(True).run()
    assert_healthy(at)
    assert len(live_captions(at)) == 1 and len(calls) == 1
    live = chart_specs(at)[PHASE_PANELS : PHASE_PANELS + 2]  # after the shipped panels
    assert [spec["title"] for spec in live] == ["relu", "leaky_relu"]
    assert {phase_color_title(spec) for spec in live} == {"mean final loss"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"lab_sweep_bias_offsets": "<script>alert(1)</script>"}, "bias_offsets"),
        ({"lab_sweep_bias_offsets": "1e309, nan"}, "bias_offsets"),
        ({"lab_sweep_learning_rates": "0x10; rm -rf /"}, "learning_rates"),
        ({"lab_sweep_learning_rates": ""}, "learning_rates"),
        ({"lab_sweep_activations": []}, "activations"),
        # 4 activations × 17 offsets × 1 rate × 1 seed = 68 runs > max_sweep_runs
        ({"lab_sweep_bias_offsets": ",".join(str(b) for b in range(-8, 9))}, "max_sweep_runs"),
        # 4 × 1 × 1 × 5 = 20 runs × 500 epochs > max_sweep_run_epochs
        ({"lab_sweep_seeds": 5, "lab_sweep_epochs": 500}, "max_sweep_run_epochs"),
    ],
)
def test_hostile_or_oversized_sweeps_are_refused_with_a_message(values, field, monkeypatch):
    calls = []
    monkeypatch.setattr(reluscope.sweep, "run_sweep", lambda *a, **k: calls.append(a))
    at = run_page()
    submit_sweep(at, **values)
    assert not at.exception
    (error,) = at.error
    assert "The sweep was not run." in error.value and field in error.value
    assert calls == [] and live_captions(at) == []
    # the rest of the page is still there, and a good sweep runs afterwards
    assert len(headers(at)) == 4 and len(chart_specs(at)) == PAGE_CHARTS
    monkeypatch.undo()
    submit_sweep(
        at,
        lab_sweep_activations=["relu"],
        lab_sweep_seeds=1,
        lab_sweep_epochs=3,
        **TINY,
    )
    assert_healthy(at)
    assert len(live_captions(at)) == 1


def test_born_dead_and_bias_kill_controls(monkeypatch):
    at = run_page()
    at.segmented_control(key="lab_born_inputs").set_value("200 uniform points").run()
    assert_healthy(at)
    at.select_slider(key="lab_kill_radius").set_value(2.0).run()
    assert_healthy(at)
    at.multiselect(key="lab_born_widths").set_value([]).run()
    assert not at.exception
    assert any("at least one width" in w.value for w in at.warning)
    assert len(chart_specs(at)) == PAGE_CHARTS - 1  # the other sections still draw


def test_errors_from_the_core_are_shown_and_the_page_keeps_working(monkeypatch):
    def missing(name):
        raise FileNotFoundError(f"no such file: data/precomputed/{name}_default.csv")

    def failing(*args, **kwargs):
        raise InvalidParameterError("widths", args[0], "something else")

    monkeypatch.setattr(reluscope.sweep, "load_precomputed", missing)
    monkeypatch.setattr(reluscope.theory, "simulate_born_dead", failing)
    at = run_page()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 3, errors
    assert any("precomputed sweep" in e and "no such file" in e for e in errors)
    assert any("recovery" in e for e in errors)
    assert any("widths" in e for e in errors)
    assert len(headers(at)) == 4 and len(chart_specs(at)) == 1  # the bias-kill chart
    # the live sweep still works
    submit_sweep(at, lab_sweep_seeds=1, lab_sweep_epochs=3, **TINY)
    assert not at.exception and len(live_captions(at)) == 1


# --- services ---------------------------------------------------------------------------------


def test_live_sweep_requests_are_checked_against_the_caps():
    request = lab_services.live_sweep_request(["relu", "tanh"], "-3, 0", "0.01", 2, 20)
    assert request.n_runs == 8 and request.bias_offsets == (-3.0, 0.0)
    with pytest.raises(InvalidParameterError, match="max_seeds"):
        lab_services.live_sweep_request(["relu"], "0", "0.01", CAPS.max_seeds + 1, 5)
    with pytest.raises(InvalidParameterError, match="max_epochs"):
        lab_services.live_sweep_request(["relu"], "0", "0.01", 1, CAPS.max_epochs + 1)
    with pytest.raises(InvalidParameterError, match="epochs"):
        lab_services.live_sweep_request(["relu"], "0", "0.01", 1, float("nan"))
    many = ",".join(str(b) for b in range(-10, 11))
    with pytest.raises(InvalidParameterError, match="max_sweep_runs"):
        lab_services.live_sweep_request(["relu", "tanh"], many, "0.01,0.1", 1, 5)


def test_the_form_starts_from_the_settings_schema_and_the_caps():
    at = run_page()
    start = LIVE_SWEEP_START
    activations = at.multiselect(key="lab_sweep_activations")
    assert tuple(activations.value) == start["activations"] == ("relu", "leaky_relu")
    assert tuple(activations.options) == FIELDS["activations"].choices()
    assert activations.max_selections == CAPS.max_activations
    bias = at.text_input(key="lab_sweep_bias_offsets").value
    rate = at.text_input(key="lab_sweep_learning_rates").value
    assert (bias, rate) == ("-3, -1, 0", "0.01, 0.2")  # the grid the lab has always opened on
    seeds, epochs = at.number_input(key="lab_sweep_seeds"), at.number_input(key="lab_sweep_epochs")
    assert (seeds.min, seeds.max, seeds.value) == (1, CAPS.max_seeds, start["n_seeds"])
    assert (epochs.min, epochs.max, epochs.value) == (1, CAPS.max_epochs, start["epochs"])
    # the ranges are the fields' own, and the form as it starts is a sweep the caps allow
    assert FIELDS[SEED_COUNT_FIELD].low == seeds.min and FIELDS["epochs"].low == epochs.min
    request = lab_services.live_sweep_request(
        activations.value, bias, rate, seeds.value, epochs.value
    )
    assert request.n_runs == 2 * 3 * 2 * 2


def test_the_form_follows_other_caps():
    small = dataclasses.replace(CAPS, max_seeds=2, max_epochs=50, max_activations=3)
    form = lab_services.live_sweep_form(small)
    assert form.n_seeds[1] == 2 and form.epochs[1] == 50 and form.max_activations == 3
    with pytest.raises(InvalidParameterError, match=r"\[1, 2\].*max_seeds") as caught:
        lab_services.live_sweep_request(["relu"], "0", "0.01", 3, 5, caps=small)
    assert caught.value.field == "n_seeds"


def test_the_monte_carlo_frames_are_the_frames_ones_within_the_widgets_choices():
    kill, closed = lab_services.bias_kill_frames(1000)
    expected_kill, expected_closed = frames.bias_kill_frames(1000)
    pd.testing.assert_frame_equal(kill, expected_kill)
    pd.testing.assert_frame_equal(closed, expected_closed)
    with pytest.raises(InvalidParameterError, match="n_trials"):
        lab_services.born_dead_frames((3,), 10**7, False)
    with pytest.raises(InvalidParameterError, match="widths"):
        lab_services.born_dead_frames((4,), 500, False)
    with pytest.raises(InvalidParameterError, match="at least one width"):
        lab_services.born_dead_frames((), 500, False)
    with pytest.raises(InvalidParameterError, match="radius"):
        lab_services.bias_kill_frames(1000, radius=3.0)
