"""Every cap, kept running: one test each (:data:`CAP_TESTS` lists them, and a test checks that
no cap of ``Caps``, ``config.budget`` or ``SweepLimits`` is left without one).

A cap that changes a value says so, naming the field, the cap and the value used, whether the
value came from a link, a widget or the command line; a cap that changes a value for the size
of a run (compute, storage, working memory) leaves the widget at what the user asked for, so a
smaller run gets it back. A cap that cannot change a value (a sweep's size) refuses it, naming
the cap and what is allowed.
"""

from __future__ import annotations

import dataclasses
import io

import pytest
from test_app import QUICK, assert_healthy, run_app, settings_of, trainings, warnings  # noqa: F401

import reluscope
from reluscope.cli import main
from reluscope.config import CAPS, DEFAULTS, Caps, budget
from reluscope.datasets import make_dataset, read_csv_source
from reluscope.errors import InvalidParameterError
from reluscope.sweep import LIMITS, SweepLimits
from reluscope.ui import lab_services, services
from reluscope.ui.sidebar import Choice, Upload

SIX = ["relu", "leaky_relu", "tanh", "sigmoid", "elu", "gelu"]


def notice_of(at, field: str, cap: str) -> str:
    """The one warning about ``field`` that names ``cap``."""
    (text,) = [t for t in warnings(at) if t.startswith(f"{field}: ") and f"({cap})" in t]
    return text


# --- the settings fields' caps, from a link -------------------------------------------------


LINK_CAPS = {
    # cap: (query, field, the value used as the notice writes it, the value trained)
    "max_samples": ({"n_samples": "10000000"}, "n_samples", "2000", 2000),
    "max_width": ({"hidden_layers": "100000x8"}, "hidden_layers", "64x8", (64, 8)),
    "max_depth": ({"hidden_layers": "8x8x8x8x8x8"}, "hidden_layers", "8x8x8x8", (8,) * 4),
    "max_epochs": ({"epochs": "99999", "hidden_layers": "4"}, "epochs", "500", 500),
    "max_seeds": ({"seeds": "99"}, "n_seeds", "5", 5),
    "max_activations": (
        {"activations": list(reluscope.ACTIVATIONS)},
        "activations",
        ",".join(reluscope.ACTIVATIONS[: CAPS.max_activations]),
        tuple(reluscope.ACTIVATIONS[: CAPS.max_activations]),
    ),
}


@pytest.mark.parametrize("cap", LINK_CAPS)
def test_a_field_cap_on_a_link_names_itself_and_the_value_used(cap, trainings):  # noqa: F811
    query, field, shown, used = LINK_CAPS[cap]
    at = run_app({**QUICK, **query})
    assert_healthy(at)
    text = notice_of(at, field, cap)
    assert f"using `{shown}`" in text
    trained = settings_of(at)
    assert getattr(trained, field) == used  # what was trained is what the notice says
    (call,) = trainings
    if field in call:
        assert call[field] == used
    if field == "n_seeds":
        assert len(call["seeds"]) == used


# --- the settings fields' caps, from a widget -----------------------------------------------


def test_the_widgets_offer_nothing_beyond_the_caps():
    at = run_app(QUICK)
    assert at.slider(key="n_samples").max == CAPS.max_samples
    assert at.slider(key="epochs").max == CAPS.max_epochs
    assert at.slider(key="n_seeds").max == CAPS.max_seeds


def test_a_typed_network_beyond_the_caps_says_so_and_keeps_the_text(trainings):  # noqa: F811
    at = run_app(QUICK)
    at.text_input(key="hidden_layers").set_value("200x8").run()
    assert_healthy(at)
    assert "using `64x8`" in notice_of(at, "hidden_layers", "max_width")
    assert trainings[-1]["hidden_layers"] == (64, 8)
    assert at.session_state["hidden_layers"] == "200x8"  # the box keeps what was typed


# --- the data's cap ---------------------------------------------------------------------------


def test_a_dataset_larger_than_the_sample_cap_is_subsampled_and_says_so():
    rows = make_dataset("moons", n_samples=CAPS.max_samples + 500, random_state=0)
    text = "x1,x2,label\n" + "".join(
        f"{a},{b},{y}\n" for (a, b), y in zip(rows.X, rows.y, strict=True)
    )
    raw = text.encode()
    source = io.BytesIO(raw)
    source.name = "big_moons.csv"
    upload = Upload("big_moons.csv", raw, source=read_csv_source(source))
    choice = Choice(dataclasses.replace(DEFAULTS, dataset="upload"), (), upload)
    services.st.cache_resource.clear()
    data, notices = services.load_dataset(choice)
    assert data.n_samples == CAPS.max_samples
    (notice,) = notices
    assert notice.cap == "max_samples" and notice.value == CAPS.max_samples + 500
    assert f"{CAPS.max_samples + 500} rows" in notice.message
    assert f"subset of {CAPS.max_samples}" in notice.message


# --- the run-size caps: they lower a value for this run and leave the widget alone ---------------


def test_the_compute_cap_on_widget_values_says_so_and_keeps_the_asked_epochs(trainings):  # noqa: F811
    at = run_app(QUICK)
    at.text_input(key="hidden_layers").set_value("64x64x64x64")
    at.slider(key="n_samples").set_value(CAPS.max_samples)
    at.slider(key="epochs").set_value(500)
    at.multiselect(key="activations").set_value(["relu"])
    at.run()
    assert_healthy(at)
    epochs = trainings[-1]["epochs"]
    assert 1 < epochs < 500
    assert f"at 500 epochs; training {epochs} epochs instead" in notice_of(at, "epochs", "max_work")
    assert at.session_state["epochs"] == 500
    at.text_input(key="hidden_layers").set_value("4").run()
    assert trainings[-1]["epochs"] == 500
    assert not [t for t in warnings(at) if "(max_work)" in t]


def test_the_storage_cap_on_a_link_says_so_and_keeps_the_asked_epochs(trainings):  # noqa: F811
    query = {"hidden_layers": "64x64x64x64", "n_samples": "50", "seeds": "5", "epochs": "500"}
    at = run_app({**query, "activations": SIX})
    assert_healthy(at)
    epochs = trainings[-1]["epochs"]
    assert 1 < epochs < 500
    text = notice_of(at, "epochs", "max_stored")
    assert f"training {epochs} epochs instead" in text
    assert at.session_state["epochs"] == 500
    at.text_input(key="hidden_layers").set_value("4").run()
    assert trainings[-1]["epochs"] == 500
    assert not [t for t in warnings(at) if "(max_stored)" in t]


# the most working memory within the field caps: six activations, five seeds, wide batches
# (about 55 MB; MAX_WORKING allows any run within the field caps, so the tests lower it)
LOW_WORKING = 40 * 2**20
AT_THE_MEMORY_CAP = {
    "hidden_layers": "64x64x64x64",
    "n_samples": "2000",
    "seeds": "5",
    "batch_size": "512",
    "epochs": "20",
    "activations": SIX,
}


@pytest.fixture
def low_working(monkeypatch):
    """A working-memory cap that the run :data:`AT_THE_MEMORY_CAP` exceeds."""
    monkeypatch.setattr(budget, "MAX_WORKING", LOW_WORKING)
    return LOW_WORKING


def test_the_working_memory_cap_on_a_link_says_so_and_keeps_the_asked_seeds(
    trainings,  # noqa: F811
    low_working,
):
    at = run_app(AT_THE_MEMORY_CAP)
    assert_healthy(at)
    call = trainings[-1]
    seeds = len(call["seeds"])
    assert seeds < 5 and call["activations"] == tuple(SIX)  # every activation is kept
    text = notice_of(at, "n_seeds", "max_working")
    assert "to train 5 seeds at once" in text
    assert f"training {seeds} seed{'s' if seeds > 1 else ''} instead" in text
    trained = dataclasses.replace(settings_of(at), n_seeds=seeds, epochs=call["epochs"])
    assert budget.estimate_working(trained) <= low_working
    assert budget.estimate_working(dataclasses.replace(trained, n_seeds=seeds + 1)) > low_working
    # the sidebar's check (five seeds) allowed fewer epochs than the fewer models now get
    assert call["epochs"] > settings_of(at).epochs
    assert at.session_state["n_seeds"] == 5  # the widget keeps what the link asked for
    at.text_input(key="hidden_layers").set_value("8").run()
    assert_healthy(at)
    assert len(trainings[-1]["seeds"]) == 5
    assert not [t for t in warnings(at) if "(max_working)" in t]


def test_the_working_memory_cap_bounds_the_widest_runs_the_field_caps_allow():
    widest = dataclasses.replace(
        DEFAULTS,
        n_samples=CAPS.max_samples,
        hidden_layers=(CAPS.max_width,) * CAPS.max_depth,
        n_seeds=CAPS.max_seeds,
        activations=tuple(SIX),
        solver="adam",
    )
    for batch_size in (4, 32, 512):
        settings = dataclasses.replace(widest, batch_size=batch_size)
        # generated data (two features, one output): every seed fits
        assert budget.cap_working(settings) == (settings, None)
        # the widest upload (100 columns: 99 features, a target of 50 classes) gets fewer seeds
        capped, notice = budget.cap_working(settings, n_features=99, n_outputs=50)
        assert budget.estimate_working(capped, 99, 50) <= budget.MAX_WORKING
        more = dataclasses.replace(capped, n_seeds=capped.n_seeds + 1)
        assert budget.estimate_working(more, 99, 50) > budget.MAX_WORKING
        assert notice.cap == "max_working" and f"training {capped.n_seeds} seeds" in notice.message


def test_the_working_memory_cap_counts_the_data_actually_loaded(low_working):
    settings = dataclasses.replace(
        DEFAULTS, hidden_layers=(64,) * 4, n_seeds=5, activations=tuple(SIX), batch_size=512
    )
    small = make_dataset("moons", n_samples=200, random_state=0)
    assert services.working_settings(settings, small) == (settings, None)
    big = make_dataset("moons", n_samples=CAPS.max_samples, random_state=0)
    capped, notice = services.working_settings(settings, big)
    assert capped.n_seeds < 5 and notice.cap == "max_working" and notice.value == 5
    assert services.working_settings(settings, big, caps=None) == (settings, None)


# --- the Lab's live sweep: its caps refuse a sweep too large, naming themselves ---------------


@pytest.mark.parametrize(
    ("cap", "request_", "field"),
    [
        ("max_sweep_runs", (SIX[:4], ",".join(map(str, range(-8, 9))), "0.05", 1, 2), "runs"),
        ("max_sweep_run_epochs", (SIX[:4], "0", "0.05", 5, 500), "epochs"),
        ("max_seeds", (["relu"], "0", "0.05", CAPS.max_seeds + 1, 2), "n_seeds"),
        ("max_epochs", (["relu"], "0", "0.05", 1, CAPS.max_epochs + 1), "epochs"),
        ("max_activations", (list(reluscope.ACTIVATIONS), "0", "0.05", 1, 2), "activations"),
    ],
)
def test_a_live_sweep_beyond_a_cap_is_refused_naming_it(cap, request_, field):
    with pytest.raises(InvalidParameterError) as caught:
        lab_services.live_sweep_request(*request_)
    error = caught.value
    assert error.field == field and cap in str(error)


# --- the command line's sweep limits: refused at once, with one line naming the limit -----------

SMALL = ["--n-samples", "60", "--epochs", "2", "--hidden-layers", "4", "--no-progress"]
MANY = ",".join(str(i / 1000) for i in range(1, LIMITS.max_values + 2))
TEN = ",".join(str(i / 100) for i in range(1, 11))

CLI_LIMITS = {
    "max_values": (["--learning-rates", MANY], f"at most {LIMITS.max_values}"),
    "max_runs": (
        [
            "--learning-rates",
            TEN,
            "--bias-offsets",
            TEN,
            "--negative-slopes",
            TEN,
            "--n-seeds",
            "100",
        ],
        f"at most {LIMITS.max_runs:,} runs",
    ),
    "max_run_epochs": (
        ["--n-seeds", "100", "--epochs", "100000"],
        f"runs × epochs at most {LIMITS.max_run_epochs:,}",
    ),
    "jobs_per_cpu": (
        ["--jobs", str(LIMITS.max_jobs() + 1)],
        f"({LIMITS.jobs_per_cpu} per CPU)",
    ),
}


@pytest.mark.parametrize("limit", CLI_LIMITS)
def test_a_sweep_beyond_a_command_line_limit_is_refused_naming_it(limit, capsys, monkeypatch):
    from reluscope import experiment
    from reluscope.estimators import _base

    def never(*args, **kwargs):
        raise AssertionError("a refused sweep must not train")

    for module in (_base, experiment):  # every training goes through train_stack
        monkeypatch.setattr(module, "train_stack", never)
    arguments, named = CLI_LIMITS[limit]
    assert main(["sweep", *SMALL, *arguments]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("reluscope sweep: error: argument --") and named in captured.err


# --- one test per cap ---------------------------------------------------------------------------

CAP_TESTS = {
    **{cap: test_a_field_cap_on_a_link_names_itself_and_the_value_used for cap in LINK_CAPS},
    "max_work": test_the_compute_cap_on_widget_values_says_so_and_keeps_the_asked_epochs,
    "max_stored": test_the_storage_cap_on_a_link_says_so_and_keeps_the_asked_epochs,
    "max_working": test_the_working_memory_cap_on_a_link_says_so_and_keeps_the_asked_seeds,
    "max_sweep_runs": test_a_live_sweep_beyond_a_cap_is_refused_naming_it,
    "max_sweep_run_epochs": test_a_live_sweep_beyond_a_cap_is_refused_naming_it,
    **{
        limit: test_a_sweep_beyond_a_command_line_limit_is_refused_naming_it for limit in CLI_LIMITS
    },
}


def test_every_cap_has_its_test():
    caps = {f.name for f in dataclasses.fields(Caps)}
    limits = {f.name for f in dataclasses.fields(SweepLimits)}
    budgets = {"max_working"}  # config.budget.MAX_WORKING
    assert set(CAP_TESTS) == caps | limits | budgets
