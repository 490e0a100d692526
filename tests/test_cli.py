"""The command line: `list`, `run --json`, `run --html`, and exit status 2 with a message on bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import spectral_condition as sc
from spectral_condition import cli

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PY) if VENV_PY.exists() else sys.executable


def python_m(*args: str) -> subprocess.CompletedProcess:
    """The real entry point, `python -m spectral_condition`, in a fresh interpreter."""
    return subprocess.run([PYTHON, "-m", "spectral_condition", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_list_names_every_experiment_and_parameter():
    out = python_m("list")
    assert out.returncode == 0, out.stderr
    for name in sc.names():
        assert re.search(rf"^{name}: ", out.stdout, re.M), name
        for p in sc.schemas()[name]["params"]:
            assert p["name"] in out.stdout
    assert "a power of two from 64 to 8192 (in a browser tab up to 2048)" in out.stdout


def test_list_json_is_the_schemas(capsys):
    assert cli.main(["list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(sc.schemas()))


def test_run_json_gives_result_and_figure():
    out = python_m("run", "alignment", "width=128", "batch=4", "aspect=2", "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    # Given values parsed to their kinds (width an int), the rest defaults.
    assert got["params"] == {**sc.defaults("alignment"), "width": 128, "batch": 4, "aspect": "2"}
    assert type(got["params"]["width"]) is int
    assert got["data"]["widths"] == [16, 32, 64, 128]
    assert got == json.loads(json.dumps(sc.run_figure("alignment", got["params"])))
    assert got["figure"]["data"] and got["figure"]["layout"]["title"]["text"]


def test_run_without_params_uses_defaults_and_prints_a_summary(capsys):
    assert cli.main(["run", "power_iteration"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("power_iteration: ")
    for key, value in sc.defaults("power_iteration").items():
        assert f"{key}={value!r}" in text
    assert "final_error" in text and "values)" in text  # long lists are shortened


def test_float_and_int_values_parse(capsys):
    assert cli.main(["run", "ellipse", "a11=-1.5", "a22=2", "--json"]) == 0
    params = json.loads(capsys.readouterr().out)["params"]
    assert params["a11"] == -1.5 and params["a22"] == 2.0


def test_run_html_is_standalone_and_offline(tmp_path):
    page = tmp_path / "fig.html"
    out = python_m("run", "stable_rank", "width=128", "--html", str(page))
    assert out.returncode == 0, out.stderr
    html = page.read_text(encoding="utf-8")
    # No script, stylesheet or anything else fetched from the network: the page works offline.
    assert not re.search(r"""<script[^>]*\bsrc\s*=""", html, re.I)
    assert not re.search(r"""<(link|img|iframe)[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "Plotly.newPlot" in html
    fig = json.loads(re.search(r"const fig = (.*?);\n", html, re.S).group(1).replace("<\\/", "</"))
    assert fig == sc.run_figure("stable_rank", {**sc.defaults("stable_rank"), "width": 128})["figure"]
    bundle = cli.plotly_bundle()
    assert bundle is not None, "node_modules/plotly.js-basic-dist-min is part of the repository's setup"
    assert "plotly.js (basic - minified)" in html  # the bundle's own banner: inlined, not linked


def test_run_html_without_plotly_writes_the_figure_json_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "plotly_bundle", lambda: None)
    page = tmp_path / "fig.html"
    assert cli.main(["run", "ellipse", "--html", str(page)]) == 0
    assert "Plotly.js not found" in capsys.readouterr().err
    html = page.read_text(encoding="utf-8")
    assert "npm ci" in html and "<script src" not in html
    blob = re.search(r'<script type="application/json" id="figure-json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(blob.replace("<\\/", "</")) == sc.run_figure("ellipse", sc.defaults("ellipse"))["figure"]


@pytest.mark.parametrize("args, fragments", [
    (["run", "no_such"], ["unknown experiment 'no_such'", "ellipse"]),
    (["run", "alignment", "width=100"], ["'width'", "not a power of two", "a power of two from 64 to 8192"]),
    (["run", "alignment", "width=abc"], ["'width'", "not a number"]),
    (["run", "alignment", "width=nan"], ["'width'", "not a finite number"]),
    (["run", "alignment", "width=16384"], ["'width'", "out of bounds"]),
    (["run", "alignment", "aspect=3"], ["'aspect'", "one of '0.25', '0.5', '1', '2', '4'"]),
    (["run", "alignment", "batch=2.5"], ["'batch'", "not an integer"]),
    (["run", "alignment", "colour=red"], ["unknown parameter 'colour'", "width, aspect, batch, seed"]),
    (["run", "alignment", "width"], ["expected key=value", "'width'"]),
    (["run", "alignment", "seed=1", "seed=2"], ["'seed'", "twice"]),
])
def test_bad_input_exits_2_with_the_message_and_no_traceback(args, fragments):
    out = python_m(*args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and out.stdout == ""
    assert out.stderr.startswith("error: ")
    for f in fragments:
        assert f in out.stderr, (f, out.stderr)


def test_usage_errors_exit_2():
    for args in ([], ["frobnicate"], ["run"], ["run", "ellipse", "--json", "--html", "x.html"]):
        out = python_m(*args)
        assert out.returncode == 2 and "usage" in out.stderr and "Traceback" not in out.stderr
