"""The package under real Pyodide 0.27.7 (npm, in Node.js) with the hash-verified NumPy 2.0.2 wheel.

Every registered experiment runs at its defaults in Pyodide and must equal the native result to 1e-9
(relative): the browser computes what CPython computes, only slower.
"""

from __future__ import annotations

import pytest

import spectral_condition as sc
from numeric_compare import mismatches
from pyodide_node.runner import available, run_in_pyodide

pytestmark = pytest.mark.pyodide


@pytest.fixture(scope="module")
def pyodide_results():
    why = available()
    assert why is None, f"Pyodide under Node is not set up: {why} (make test sets it up)"
    requests = [{"name": n, "params": sc.defaults(n)} for n in sc.names()]
    requests.append({"name": "ellipse", "params": {**sc.defaults("ellipse"), "a11": 7.0}})
    requests.append({"name": "no_such_experiment", "params": {}})
    return run_in_pyodide(requests)


def test_pyodide_runs_numpy_2_0_2(pyodide_results):
    assert pyodide_results["numpy"] == "2.0.2"


@pytest.mark.parametrize("name", sc.names())
def test_experiment_equals_native(pyodide_results, name):
    got = pyodide_results["results"][sc.names().index(name)]
    assert "error" not in got, got.get("error")
    want = sc.run_figure(name, sc.defaults(name))
    bad = mismatches(want, got, rel=1e-9)
    assert not bad, f"{len(bad)} values differ from native, first: {bad[:5]}"


def test_validation_errors_cross_into_javascript(pyodide_results):
    out_of_bounds, unknown = pyodide_results["results"][-2:]
    assert "parameter 'a11'" in out_of_bounds["error"] and "from -2 to 2" in out_of_bounds["error"]
    assert "unknown experiment 'no_such_experiment'" in unknown["error"]
