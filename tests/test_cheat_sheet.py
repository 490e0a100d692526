"""The cheat sheet: its width-change table is the package's arithmetic, and its PyTorch snippet is the
file `make torch-check` tests."""

from __future__ import annotations

import math
import re
import sys
from html import unescape

import pytest

from conftest import ROOT, build_pages
from spectral_condition.parameterizations import KINDS, PARAMETERIZATIONS, layer_scaling, width_change

if str(ROOT / "site_src" / "hooks") not in sys.path:
    sys.path.insert(0, str(ROOT / "site_src" / "hooks"))
from sitebuild.width_change import factor_tex  # noqa: E402


@pytest.mark.parametrize("p", PARAMETERIZATIONS)
def test_each_factor_is_the_ratio_of_the_rules_at_the_two_widths(p):
    shapes = {"input": lambda n: (64, n), "hidden": lambda n: (n, n), "output": lambda n: (n, 10)}
    for row in width_change(p, 256, 8192, 64, 10):
        for q in ("std", "sgd", "adam"):
            def value(n):
                fan_in, fan_out = shapes[row["kind"]](n)
                s = layer_scaling(p, row["kind"], fan_in, fan_out, 0.7, "adam" if q == "adam" else "sgd")
                return s.std if q == "std" else s.lr
            assert row[q] == pytest.approx(value(8192) / value(256), rel=1e-12)


def test_the_spectral_factors_are_the_powers_the_condition_predicts():
    # With d_in, d_out ≤ n: input σ = 1/√d_in, η_SGD ∝ n, η_Adam ∝ 1; hidden σ ∝ n^{-1/2}, η_SGD ∝ 1,
    # η_Adam ∝ 1/n; readout σ = √d_out/n, η_SGD ∝ 1/n, η_Adam ∝ 1/n.
    k = 32
    want = {"input": (0, 1, 0), "hidden": (-0.5, 0, -1), "output": (-1, -1, -1)}
    for row in width_change("spectral", 256, 256 * k, 64, 10):
        got = tuple(math.log(row[q]) / math.log(k) for q in ("std", "sgd", "adam"))
        assert got == pytest.approx(want[row["kind"]], abs=1e-12), row
    assert [r["kind"] for r in width_change("spectral", 256, 8192, 64, 10)] == list(KINDS)


def test_factors_are_written_as_powers_of_the_width_ratio():
    assert factor_tex(1.0, 32) == r"\times 1"
    assert factor_tex(32.0, 32) == r"\times 32"
    assert factor_tex(1 / 32, 32) == r"\div 32"
    assert factor_tex(32 ** -0.5, 32) == r"\div \sqrt{32} \approx \div 5.66"
    assert factor_tex(0.5, 32) == r"\times 0.5"  # not a simple power of 32: the number itself


def test_bad_widths_are_refused():
    with pytest.raises(ValueError):
        width_change("spectral", 0, 8192, 64, 10)
    with pytest.raises(ValueError):
        width_change("xp", 256, 8192, 64, 10)


def test_the_built_cheat_sheet_shows_the_package_factors_and_the_tested_snippet(built_site):
    html = (built_site / "cheat-sheet" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-parameterization="(\w+)" data-kind="(\w+)">(.*?)</tr>', html, re.S)
    assert {p for p, _, _ in rows} == {"sp", "mup", "spectral"}
    for p, kind, cells in rows:
        factors = [float(f) for f in re.findall(r'data-factor="([^"]+)"', cells)]
        row = next(r for r in width_change(p, 256, 8192, 64, 10) if r["kind"] == kind)
        assert factors == [row["std"], row["sgd"], row["adam"]]
    # The snippet on the page is the file the PyTorch check runs, line for line.
    code = unescape(re.sub(r"<[^>]+>", "", html))
    for line in (ROOT / "examples" / "torch_spectral.py").read_text(encoding="utf-8").splitlines():
        if line.strip():
            assert line in code, line


def test_a_width_change_fence_with_a_bad_ratio_stops_the_build(tmp_path):
    fence = "```width-change\nfrom: 256\nto: 300\nd_in: 64\nd_out: 10\nparameterizations: [spectral]\n```\n"
    proc = build_pages(tmp_path, {"index.md": "# Page\n\n" + fence})
    assert proc.returncode != 0
    assert "width-change fence: 'to' must be a multiple" in proc.stdout + proc.stderr
