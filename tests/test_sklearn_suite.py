"""scikit-learn's own MLP tests, unmodified, against reluscope's estimators.

The file is run from the installed scikit-learn (``sklearn/neural_network/tests/test_mlp.py``,
never copied here) in a subprocess, with ``tests/sklearn_suite/plugin.py`` binding its
``MLPClassifier`` / ``MLPRegressor`` to reluscope's; every test it collects must pass.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sklearn

import reluscope

SUITE = Path(__file__).parent / "sklearn_suite"
TESTS = Path(sklearn.__file__).parent / "neural_network" / "tests"


def _run(*arguments):
    checkout = Path(reluscope.__file__).parent.parent
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(checkout), str(SUITE), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.setdefault("OMP_NUM_THREADS", "1")  # the suite runs beside the rest of ours
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(SUITE / "pytest.ini"), "-p", "plugin",
         f"--confcutdir={TESTS}", "-p", "no:randomly", *arguments],
        capture_output=True, text=True, env=env, timeout=1800, check=False,
    )  # fmt: skip


def test_our_suite_compares_with_the_real_scikit_learn():
    from sklearn import neural_network

    assert neural_network.MLPClassifier is not reluscope.MLPClassifier
    assert neural_network.MLPRegressor is not reluscope.MLPRegressor


def test_the_plugin_binds_reluscopes_estimators():
    result = _run(
        str(TESTS / "test_mlp.py"), "--collect-only", "-q", "-k", "test_fit or test_gradient"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    check = subprocess.run(
        [sys.executable, "-c", "import plugin, sklearn.neural_network as nn, reluscope;"
         "assert nn.MLPClassifier is not reluscope.MLPClassifier;"  # importing changes nothing
         "plugin.pytest_configure(None);"
         "assert nn.MLPClassifier is reluscope.MLPClassifier;"
         "assert nn.MLPRegressor is reluscope.MLPRegressor"],
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(Path(reluscope.__file__).parent.parent), str(SUITE)])),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr


@pytest.mark.slow
def test_scikit_learns_test_mlp_passes_in_full():
    result = _run(str(TESTS / "test_mlp.py"), "-q", "-rfEs")
    output = result.stdout + result.stderr
    summary = output.strip().splitlines()[-1]
    counts = {word: int(number) for number, word in re.findall(r"(\d+) (\w+)", summary)}
    assert result.returncode == 0, output[-5000:]
    # no failure, error, skip or xfail (warnings are scikit-learn's own)
    assert set(counts) - {"warning", "warnings"} == {"passed"}, summary
    # scikit-learn 1.9.1's file has 59 tests; a newer pin may add some, never lose them
    assert counts["passed"] >= 59, summary
