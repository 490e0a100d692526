"""The code behind a figure: its text comes from the package's files, runs like the package, and an
edit changes the figure; errors name their line; the take-home command and numbers match the figure."""

from __future__ import annotations

import ast
import csv
import inspect
import io
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import spectral_condition as sc
from spectral_condition import source, sweeps, take_home, web
from spectral_condition.experiments import get

ROOT = Path(__file__).resolve().parents[1]
NAMES = sc.names()


def small(name):
    params = sc.defaults(name)
    if "width" in params:
        (width,) = [p for p in get(name).params if p.name == "width"]
        params["width"] = int(width.min) * 2 if get(name).sweep else params["width"]
    return params


@pytest.mark.parametrize("name", NAMES)
def test_source_holds_the_compute_function_and_the_functions_it_calls_verbatim(name):
    text = source.experiment_source(name)
    for fn in source.functions(name):
        assert inspect.getsource(fn).rstrip("\n") in text, f"{fn.__qualname__} is not shown as written"
    assert text.startswith(f"# ── {get(name).compute.__module__} ──")


@pytest.mark.parametrize("name", NAMES)
def test_unedited_source_draws_the_packages_figure(name):
    params = small(name)
    answer = web.run_source(name, params, source.experiment_source(name))
    assert answer["ok"], answer
    assert answer["figure"] == sc.run_figure(name, answer["params"], live=True)["figure"]


def test_an_edited_point_function_changes_the_figure():
    name = "spectral_norm_scaling"
    params = {**small(name), "init": "spectral"}
    text = source.experiment_source(name)
    point = "    return {\"sigma\": sigma, \"measured\""
    assert point in text
    # The target line is drawn from the point function's "target" column: multiply it by 3 in the text.
    edited = text.replace('"target": float(np.sqrt(n_out / n_in))', '"target": 3 * float(np.sqrt(n_out / n_in))')
    assert edited != text
    before = web.run_source(name, params, text)["figure"]["data"][2]["y"]
    after = web.run_source(name, params, edited)["figure"]["data"][2]["y"]
    assert after == pytest.approx([3 * y for y in before])
    # The package's own cache is untouched by the edit.
    assert sc.run_figure(name, params)["figure"]["data"][2]["y"] == before


def _insert_after_docstring(text, function, line):
    """``text`` with ``line`` as the first statement of ``function``'s body; and that line's number."""
    (node,) = [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef) and n.name == function]
    at = node.body[0].end_lineno  # the docstring's last line
    lines = text.split("\n")
    return "\n".join(lines[:at] + [line] + lines[at:]), at + 1


def test_an_edited_function_of_the_norms_module_is_what_the_experiment_calls():
    name = "spectral_norm_scaling"
    text = source.experiment_source(name)
    assert "# ── spectral_condition.norms ──" in text
    edited, line = _insert_after_docstring(text, "spectral_norm", "    raise RuntimeError('edited norm')")
    answer = web.run_source(name, small(name), edited)
    assert not answer["ok"] and "edited norm" in answer["message"] and answer["line"] == line


def test_an_edited_function_imported_by_name_is_what_its_importer_calls():
    # weights.py calls layer_scaling, imported with `from ..parameterizations import layer_scaling`.
    name = "spectral_norm_scaling"
    text = source.experiment_source(name)
    assert "# ── spectral_condition.parameterizations ──" in text
    edited, line = _insert_after_docstring(text, "layer_scaling", "    raise RuntimeError('edited rule')")
    answer = web.run_source(name, {**small(name), "init": "spectral"}, edited)
    assert not answer["ok"] and "edited rule" in answer["message"] and answer["line"] == line


def test_syntax_and_runtime_errors_name_their_line():
    name = "ellipse"
    text = source.experiment_source(name)
    edited, line = _insert_after_docstring(text, "ellipse", "    x = = 1")
    answer = web.run_source(name, small(name), edited)
    assert not answer["ok"] and answer["kind"] == "SyntaxError" and answer["line"] == line
    edited, line = _insert_after_docstring(text, "ellipse", "    1 / 0")
    answer = web.run_source(name, small(name), edited)
    assert not answer["ok"] and answer["kind"] == "ZeroDivisionError" and answer["line"] == line


def test_source_must_define_the_compute_function_and_bad_params_are_refused():
    text = source.experiment_source("ellipse").replace("def ellipse(", "def not_ellipse(")
    answer = web.run_source("ellipse", small("ellipse"), text)
    assert not answer["ok"] and "ellipse()" in answer["message"]
    answer = web.run_source("ellipse", {"nope": 1}, source.experiment_source("ellipse"))
    assert not answer["ok"] and answer["kind"] == "ValueError" and "nope" in answer["message"]


def test_a_stream_request_with_source_answers_in_one_step():
    text = source.experiment_source("stable_rank")
    stream = web.Stream(json.dumps({"demo": "stable_rank", "params": small("stable_rank"), "source": text}))
    assert stream.step() is False
    answer = json.loads(stream.answer())
    assert answer["ok"] and answer["edited"] and answer["exports"]["command"] is None


def test_isolated_sweeps_leave_the_shared_cache_alone():
    sweeps.clear()
    sc.run("stable_rank", small("stable_rank"))
    held = sweeps.stats()["held"]
    with sweeps.isolated():
        assert sweeps.stats()["held"] == 0
        sc.run("stable_rank", small("stable_rank"))
    assert sweeps.stats()["held"] == held


@pytest.mark.parametrize("name", ["spectral_norm_scaling", "lr_transfer", "ellipse"])
def test_csv_and_json_hold_the_figures_numbers(name):
    out = sc.run_figure(name, small(name))
    fig = out["figure"]
    rows = list(csv.DictReader(io.StringIO(take_home.csv_text(fig))))
    doc = json.loads(take_home.json_text(name, out["params"], fig))
    for i, trace in enumerate(fig["data"]):
        label = doc["traces"][i]["name"]
        mine = [r for r in rows if r["trace"] == label]
        for axis in ("x", "y"):
            if not isinstance(trace.get(axis), list):
                continue
            assert doc["traces"][i][axis] == trace[axis]
            got = [None if r[axis] == "" else json.loads(r[axis]) if _number(r[axis]) else r[axis] for r in mine]
            assert got[:len(trace[axis])] == trace[axis]


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_the_command_reproduces_the_figure_natively():
    name = "spectral_norm_scaling"
    params = {**small(name), "init": "spectral", "aspect": sc.defaults(name)["aspect"], "seed": 3}
    command = take_home.command(name, params)
    words = shlex.split(command)
    assert words[:5] == ["python", "-m", "spectral_condition", "run", name]
    done = subprocess.run([sys.executable, *words[1:], "--json"], capture_output=True, text=True, check=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT / "py"), "OPENBLAS_NUM_THREADS": "1"})
    assert json.loads(done.stdout)["figure"] == sc.run_figure(name, params)["figure"]
