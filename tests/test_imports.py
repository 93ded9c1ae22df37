"""What importing reluscope costs, and which way imports flow: one subprocess per case, so
nothing an earlier test imported hides a heavy import."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# what a cheap import may not load; the dashboard, sweeps and tables load these when used
HEAVY = ("pandas", "scipy", "sklearn", "streamlit", "altair", "joblib", "dask", "distributed")


def _loaded(imports: str, candidates) -> list[str]:
    code = (
        f"import json, sys, {imports}; "
        f"print(json.dumps(sorted(m for m in {tuple(candidates)!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "imports",
    [
        "reluscope",
        "reluscope.config",
        "reluscope.datasets, reluscope.commands.datasets",
        "reluscope.sweep, reluscope.commands.sweep, reluscope.theory",
    ],
)
def test_imports_stay_cheap(imports):
    assert _loaded(imports, HEAVY) == []


def test_import_reluscope_does_not_import_charts():
    assert _loaded("reluscope", ("reluscope.charts", "reluscope.frames", "altair")) == []


@pytest.mark.parametrize("below", ["reluscope.theory", "reluscope.config"])
def test_theory_and_config_stand_below_the_sweep(below):
    assert _loaded(below, ("reluscope.sweep",)) == []
