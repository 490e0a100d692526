"""The package under real Pyodide 0.27.7 (npm, in Node.js) with the hash-verified NumPy 2.0.2 wheel.

Requests go through the browser worker's own door (site_src/js/python-package.js, then
``spectral_condition.web.handle``, or ``spectral_condition.web.Stream`` step by step as the worker
runs it). Every registered experiment runs at its defaults in Pyodide and must equal the native
result to 1e-9 (relative): the browser computes what CPython computes, only slower.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import spectral_condition as sc
from numeric_compare import mismatches
from pyodide_node.runner import available, run_in_pyodide
from spectral_condition import web

pytestmark = pytest.mark.pyodide

ROOT = Path(__file__).resolve().parent.parent
LINK = {"a11": "0.333", "a12": "x" * 40_000}  # an off-step number and a 40 kB non-number
SWEEP = "stable_rank"  # its defaults (width 256) run first, so the streams below find 64…256 computed
# Run in this order, after the defaults: label -> request.
STREAMS = {
    "up": {"name": SWEEP, "params": {**sc.defaults(SWEEP), "width": 512}, "stream": True},
    "down": {"name": SWEEP, "params": {**sc.defaults(SWEEP), "width": 128}, "stream": True},
    "cold": {"name": SWEEP, "params": {**sc.defaults(SWEEP), "seed": 1}, "stream": True},
}


@pytest.fixture(scope="module")
def pyodide_results():
    why = available()
    assert why is None, f"Pyodide under Node is not set up: {why} (make test sets it up)"
    requests = [{"name": n, "params": sc.defaults(n)} for n in sc.names()]
    requests.append({"name": "ellipse", "params": sc.defaults("ellipse"), "url": LINK})
    requests.append({"name": "ellipse", "params": {**sc.defaults("ellipse"), "a11": 7.0}})
    requests.append({"name": "no_such_experiment", "params": {}})
    requests.extend(STREAMS.values())
    out = run_in_pyodide(requests)
    out["streams"] = dict(zip(STREAMS, out["results"][-len(STREAMS):]))
    out["results"] = out["results"][:-len(STREAMS)]
    return out


def test_pyodide_runs_numpy_2_0_2(pyodide_results):
    assert pyodide_results["numpy"] == "2.0.2"


@pytest.mark.parametrize("name", sc.names())
def test_experiment_equals_native(pyodide_results, name):
    got = pyodide_results["results"][sc.names().index(name)]
    assert got["ok"], got.get("message")
    want = sc.run_figure(name, sc.defaults(name))
    assert got["params"] == want["params"] and got["notes"] == []
    bad = mismatches(want["figure"], got["figure"], rel=1e-9)
    assert not bad, f"{len(bad)} values differ from native, first: {bad[:5]}"


def test_link_values_are_coerced_in_pyodide_as_natively(pyodide_results):
    got = pyodide_results["results"][len(sc.names())]
    assert got["ok"], got.get("message")
    assert got["params"]["a11"] == 0.35 and got["params"]["a12"] == sc.defaults("ellipse")["a12"]
    assert "rounded to the step" in got["notes"][0] and all(len(n) <= 100 for n in got["notes"])
    native = json.loads(web.handle(json.dumps({"demo": "ellipse", "params": sc.defaults("ellipse"), "url": LINK})))
    assert got["notes"] == native["notes"] and got["params"] == native["params"]
    assert not mismatches(sc.run_figure("ellipse", got["params"])["figure"], got["figure"], rel=1e-9)


def test_validation_errors_cross_into_javascript(pyodide_results):
    out_of_bounds, unknown = pyodide_results["results"][-2:]
    assert out_of_bounds["ok"] is False and out_of_bounds["kind"] == "ValueError"
    assert "parameter 'a11'" in out_of_bounds["message"] and "from -2 to 2" in out_of_bounds["message"]
    assert unknown["ok"] is False and "unknown experiment 'no_such_experiment'" in unknown["message"]


def _assert_native(answer):
    want = sc.run_figure(SWEEP, answer["params"])
    assert answer["ok"] and answer["params"] == want["params"]
    bad = mismatches(want["figure"], answer["figure"], rel=1e-9)
    assert not bad, f"{answer['params']}: {len(bad)} values differ from native, first: {bad[:5]}"


def test_a_stream_one_notch_up_shows_the_known_widths_first_then_computes_one(pyodide_results):
    first, *steps = pyodide_results["streams"]["up"]
    assert first["params"]["width"] == 256 and first["pending"] == [512]
    assert [a["params"]["width"] for a in steps] == [512] and steps[-1]["pending"] == []
    for answer in (first, *steps):
        _assert_native(answer)


def test_a_stream_down_is_complete_before_any_step(pyodide_results):
    first, *steps = pyodide_results["streams"]["down"]
    assert first["params"]["width"] == 128 and first["pending"] == []
    assert all(a == first for a in steps)
    _assert_native(first)


def test_a_cold_stream_answers_width_by_width_each_equal_to_native(pyodide_results):
    first, *steps = pyodide_results["streams"]["cold"]
    assert first["ok"] and first["figure"] is None and first["pending"] == [64, 128, 256]
    assert [(a["params"]["width"], a["pending"]) for a in steps] == [(64, [128, 256]), (128, [256]), (256, [])]
    for answer in steps:
        _assert_native(answer)


def test_no_python_source_hides_in_javascript():
    scripts = sorted((ROOT / "site_src" / "js").glob("*.js")) + [ROOT / "tests" / "pyodide_node" / "run.mjs"]
    found = [p.name for p in scripts if "runPython" in p.read_text(encoding="utf-8")]
    assert not found, f"Python source run from JavaScript in {found}: call spectral_condition.web instead"


def test_the_browser_imports_its_python_from_bytecode(built_site):
    """The standard library, NumPy and the package come from the bytecode the site ships: with the
    sources of numpy/__init__.py and spectral_condition/web.py replaced by a line that raises, both
    still import."""
    import subprocess

    proc = subprocess.run(["node", str(ROOT / "tests" / "pyodide_node" / "bytecode.mjs"),
                           str(built_site / "assets" / "pyodide"),
                           str(built_site / "assets" / "py" / "spectral_condition.zip")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"json": "/lib/python312.zip/json/__init__.pyc", "numpy": "ok", "web": "ok"}, got

