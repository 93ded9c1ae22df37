"""The Lab's phase diagram counts dead or inactive units (a leaky unit is never dead, so its
panel needs the inactive share to show anything), or the final loss."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from reluscope import frames
from reluscope.errors import InvalidParameterError
from reluscope.sweep import load_precomputed

PAGE = str(Path(__file__).resolve().parent.parent / "reluscope" / "ui" / "pages" / "lab.py")


def test_phase_value_names_the_run_table_column():
    assert frames.phase_value() == "dead_fraction_final"
    assert frames.phase_value("inactive") == "inactive_fraction_final"
    assert frames.phase_value("dead", final_loss=True) == "final_loss"
    with pytest.raises(InvalidParameterError, match="share"):
        frames.phase_value("saturated")


def test_the_inactive_share_fills_the_leaky_panel_the_dead_share_leaves_blank():
    runs = load_precomputed("sweep")
    dead = frames.phase_cells(runs, frames.phase_value("dead"))
    inactive = frames.phase_cells(runs, frames.phase_value("inactive"))
    leaky_dead = dead.loc[dead["activation"] == "leaky_relu", "mean"]
    leaky_inactive = inactive.loc[inactive["activation"] == "leaky_relu", "mean"]
    assert (leaky_dead.dropna() == 0).all()
    assert leaky_inactive.max() > 0.5  # a strongly negative offset leaves most inactive


def color_title(at: AppTest) -> str:
    import json

    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)  # the first activation's panel
    return spec["encoding"]["color"]["title"]


def test_the_lab_switches_between_dead_inactive_and_final_loss():
    st.cache_data.clear()
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert color_title(at) == "mean dead fraction final"
    at.segmented_control(key="lab_phase_share").set_value("inactive").run()
    assert not at.exception
    assert color_title(at) == "mean inactive fraction final"
    at.toggle(key="lab_phase_loss").set_value(True).run()
    assert color_title(at) == "mean final loss"
    assert at.segmented_control(key="lab_phase_share").disabled


def test_the_live_sweep_trains_the_shipped_sweeps_optimiser_whatever_the_default():
    from reluscope.sweep import run_sweep
    from reluscope.ui import lab_services

    request = lab_services.LiveSweep(("relu",), (-1.0,), (0.01,), n_seeds=1, epochs=2)
    runs = run_sweep(request.grid(), epochs=request.epochs, **frames.LIVE_SWEEP_DATA).runs
    shipped = load_precomputed("sweep")
    assert set(runs["solver"]) == set(shipped["solver"]) == {"sgd"}
