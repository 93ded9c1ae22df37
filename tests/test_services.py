"""The dashboard's cache layer: byte-bounded stores of live objects, what a cache hit costs,
and the data it loads."""

from __future__ import annotations

import ast
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import reluscope.datasets
import reluscope.experiment
from reluscope.config import CAPS, DEFAULTS
from reluscope.frames import curves as frames_curves
from reluscope.history import History
from reluscope.ui import services
from reluscope.ui.services import ByteBoundedStore, nbytes
from reluscope.ui.sidebar import Choice, Upload

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 300  # seconds per run: a loaded CI machine trains slowly
QUICK = {"epochs": "12", "n_samples": "120", "hidden_layers": "8x8"}


@pytest.fixture
def empty_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def block(n_bytes: int) -> np.ndarray:
    return np.zeros(n_bytes, dtype=np.uint8)


# --- counting bytes ---------------------------------------------------------------------------


def test_nbytes_counts_a_shared_buffer_once():
    base = block(10_000)
    assert 10_000 <= nbytes(base) < 10_200
    assert 10_000 <= nbytes([base, base[:10], base[5:].reshape(-1, 5)]) < 10_400


def test_nbytes_walks_dataclasses_slots_and_frames():
    @dataclass
    class Holder:
        arrays: dict
        frame: pd.DataFrame

    class Slotted:
        __slots__ = ("payload",)

        def __init__(self, payload):
            self.payload = payload

    frame = pd.DataFrame({"x": np.arange(1000.0), "name": ["relu"] * 1000})
    held = Holder({"a": block(5000), "b": Slotted(block(7000))}, frame)
    expected = 5000 + 7000 + frame.memory_usage(deep=True).sum()
    assert expected <= nbytes(held) < expected + 2000


def test_nbytes_of_a_comparison_is_about_its_pickle():
    comparison = reluscope.experiment.compare(
        reluscope.datasets.make_dataset("moons", n_samples=100, random_state=0), epochs=5
    )
    pickled = len(pickle.dumps(comparison))
    assert 0.8 * pickled < nbytes(comparison) < 1.5 * pickled


# --- the store --------------------------------------------------------------------------------


def test_the_store_evicts_the_least_recently_used_past_its_byte_bound():
    store = ByteBoundedStore(max_bytes=35_000, max_entries=10)
    for key in "abc":
        store.put(key, block(10_000))
    assert store.get("a") is not None  # "a" is now the most recently used
    store.put("d", block(10_000))
    assert "b" not in store and {"a", "c", "d"} <= {k for k in "abcd" if k in store}
    assert store.total_bytes <= store.max_bytes


def test_the_store_keeps_nothing_larger_than_its_bound_and_counts_entries():
    store = ByteBoundedStore(max_bytes=1000, max_entries=2)
    store.put("big", block(5000))
    assert "big" not in store and store.get("big") is None and store.total_bytes == 0
    for key in "xyz":
        store.put(key, key)
    assert len(store) == 2 and "x" not in store


def test_derived_values_count_in_their_entry_and_go_with_it():
    store = ByteBoundedStore(max_bytes=25_000, max_entries=10)
    value = block(10_000)
    store.put("a", value)
    built = []

    def build():
        built.append(1)
        return block(8000)

    first = store.derived("a", "view", build)
    assert store.derived("a", "view", build) is first and built == [1]
    assert 18_000 <= store.total_bytes < 18_400
    store.put("b", block(10_000))  # over the bound: "a" and its derived value go
    assert "a" not in store and store.total_bytes < 10_400
    store.derived("a", "view", build)  # computed, not kept, for a key not stored
    store.derived("a", "view", build)
    assert built == [1, 1, 1] and store.key_of(value) is None


# --- a cache hit --------------------------------------------------------------------------------


def test_a_cache_hit_unpickles_no_snapshot_and_rebuilds_no_frame(empty_caches, monkeypatch):
    events = []

    def counting(name, original):
        return lambda self, *a, **k: (events.append(name), original(self, *a, **k))[1]

    for method in ("epochs", "layers", "units"):
        monkeypatch.setattr(History, method, counting(method, getattr(History, method)))
    # the frames the Compare page draws, built from the comparison's tables
    for builder in ("metric_curves", "layer_curves"):
        original = getattr(frames_curves, builder)
        monkeypatch.setattr(
            frames_curves,
            builder,
            lambda *a, _f=original, _n=builder, **k: (events.append(_n), _f(*a, **k))[1],
        )
    monkeypatch.setattr(
        History,
        "__setstate__",
        lambda self, state: (events.append("unpickle"), self.__dict__.update(state))[1],
        raising=False,
    )
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(QUICK)
    at.run()
    assert not at.exception
    assert events and "unpickle" not in events  # the first run builds each frame once
    events.clear()
    for _ in range(2):
        at.run()
        assert not at.exception
    at.toggle(key="log_loss").set_value(True).run()
    assert not at.exception
    assert events == []
    store = services._comparisons()
    assert len(store) == 1 and 0 < store.total_bytes <= services.COMPARISON_BYTES


def test_the_comparison_store_holds_to_its_byte_bound(empty_caches, monkeypatch):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(QUICK)
    at.run()
    one = services._comparisons().total_bytes
    st.cache_resource.clear()
    monkeypatch.setattr(services, "COMPARISON_BYTES", int(1.5 * one))
    for offset in ("0", "-0.5", "-1"):
        at.slider(key="bias_offset").set_value(float(offset)).run()
        assert not at.exception
    store = services._comparisons()
    assert store.max_bytes == int(1.5 * one)
    assert len(store) == 1 and store.total_bytes <= store.max_bytes


def test_frame_keeps_a_derived_result_with_its_comparison(empty_caches):
    data = reluscope.datasets.make_dataset("moons", n_samples=80, random_state=0)
    settings = replace(DEFAULTS, epochs=3, hidden_layers=(4,))
    calls = []

    def final_losses(comparison, column):
        calls.append(column)
        return comparison.epochs().groupby("activation")[column].last()

    comparison, _ = services.training(settings, data)
    first = services.frame(final_losses, comparison, "loss")
    assert services.frame(final_losses, comparison, "loss") is first
    services.frame(final_losses, comparison, "val_loss")
    assert calls == ["loss", "val_loss"]
    assert services.training(settings, data)[0] is comparison  # a hit hands out the same object


def test_chart_is_built_once_per_comparison_and_view_as_streamlit_would_send_it(empty_caches):
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    from reluscope import charts, frames

    data = reluscope.datasets.make_dataset("moons", n_samples=80, random_state=0)
    settings = replace(DEFAULTS, epochs=3, hidden_layers=(4,))
    comparison, _ = services.training(settings, data)
    curves = services.frame(frames.training_curves, comparison)
    built = []

    def counted(*args, **kwargs):
        built.append(kwargs)
        return charts.loss_chart(*args, **kwargs)

    spec = services.chart(comparison, counted, curves.loss, curves.plateaus)
    assert services.chart(comparison, counted, curves.loss, curves.plateaus) is spec
    log = services.chart(
        comparison, counted, frames.log_safe(curves.loss), curves.plateaus, log_scale=True
    )
    assert log is not spec and built == [{}, {"log_scale": True}]
    direct = charts.loss_chart(curves.loss, curves.plateaus)
    assert spec == _convert_altair_to_vega_lite_spec(direct)  # what st.altair_chart sends
    # a comparison that is not cached gets its chart built, not kept
    other = reluscope.experiment.compare(data, epochs=2, hidden_layers=(3,))
    services.chart(other, counted, curves.loss, curves.plateaus)
    services.chart(other, counted, curves.loss, curves.plateaus)
    assert len(built) == 4


# --- loading data -----------------------------------------------------------------------------


def test_load_dataset_calls_from_choice_once_per_source(empty_caches, monkeypatch):
    calls = []
    original = reluscope.datasets.from_choice
    monkeypatch.setattr(
        reluscope.datasets,
        "from_choice",
        lambda *args, **kwargs: (calls.append((args, kwargs)), original(*args, **kwargs))[1],
    )
    moons = replace(DEFAULTS, dataset="moons", n_samples=100)
    data, notices = services.load_dataset(Choice(moons))
    assert data.n_samples == 100 and notices == []
    assert services.load_dataset(Choice(moons))[0] is data
    iris = replace(DEFAULTS, dataset="iris")
    services.load_dataset(Choice(iris))
    # real data ignores the generator's settings: another sample count is the same entry
    services.load_dataset(Choice(replace(iris, n_samples=300)))
    assert [args[0] for args, _ in calls] == ["moons", "iris"]
    assert calls[0] == (("moons", 100, moons.noise), {"random_state": moons.seed})


def test_an_upload_is_read_once_and_capped(empty_caches):
    n_rows = CAPS.max_samples + 100
    rows = "".join(f"{i % 13},{(i * 7) % 11},{'ab'[i % 2]}\n" for i in range(n_rows))
    upload = Upload("big.csv", ("a,b,label\n" + rows).encode(), target="label")
    choice = Choice(replace(DEFAULTS, dataset="upload"), upload=upload)
    data, (notice,) = services.load_dataset(choice)
    assert data.n_samples == CAPS.max_samples and notice.cap == "max_samples"
    again, notices = services.load_dataset(choice)
    assert again is data and notices == [notice]
    assert services.load_dataset(Choice(choice.settings)) == (None, [])


def test_every_cache_of_the_services_is_bounded_in_bytes():
    """``st.cache_data`` is given ``max_size``; live objects go to a ByteBoundedStore."""
    for path in (ROOT / "reluscope" / "ui").glob("[!_]*.py"):
        if path.name not in {"services.py", "components.py", "app.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "st.cache_data":
                assert "max_size" in {k.arg for k in node.keywords}, path.name
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    if "cache_resource" in ast.unparse(decorator):
                        assert ast.unparse(node.returns) == "ByteBoundedStore", node.name
