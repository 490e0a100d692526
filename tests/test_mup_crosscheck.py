"""The package's coordinate check against microsoft/mup's own, in mup's standard MLP setting.

bench/mup_crosscheck.py ran mup (CPU PyTorch) and committed its slopes to bench/mup_slopes.json
(`make mup-crosscheck` remakes it); this test needs neither torch nor mup. Both sides fit the slope of
each layer's typical activation size against width over 64 … 2048, at each of 3 steps, for μP and SP.
Tolerance 0.1 per layer and step: mup's own runs (its data, its seeds, mean |h| instead of RMS) are an
independent sample, and 4 seeds over five octaves leave a few hundredths of noise on each slope.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from spectral_condition import mup_setting

MUP = json.loads((ROOT / "bench" / "mup_slopes.json").read_text(encoding="utf-8"))
TOLERANCE = 0.1


def test_the_committed_file_is_the_setting_the_package_runs():
    s, ours = MUP["setting"], mup_setting.SETTING
    assert (s["d_in"], s["d_out"], s["batch"], s["loss"], s["lr"], s["steps"], s["seeds"], max(s["widths"])) == (
        ours["d_in"], ours["d_out"], ours["batch"], ours["loss"], ours["lr"], ours["steps"], ours["seeds"],
        ours["width"])
    assert MUP["command"] and set(MUP["slopes"]) == set(mup_setting.PARAMETERIZATIONS)


@pytest.mark.parametrize("p", mup_setting.PARAMETERIZATIONS)
def test_package_slopes_agree_with_mup_per_layer_and_step(p):
    ours, theirs = mup_setting.slopes(p), MUP["slopes"][p]
    assert len(ours) == len(theirs) == MUP["setting"]["steps"]
    off = [(t + 1, layer, round(a, 3), round(b, 3)) for t, (ra, rb) in enumerate(zip(ours, theirs))
           for layer, a, b in zip(("input", "hidden", "output"), ra, rb) if abs(a - b) > TOLERANCE]
    assert not off, f"{p}: (step, layer, package, mup) beyond ±{TOLERANCE}: {off}"
