"""Figure text is typeset once, for every figure: TeX-like subscripts become Plotly <sub>/<sup>."""

from __future__ import annotations

import pytest

import spectral_condition as sc
from spectral_condition.figures.common import plotly_markup, reference_slope


@pytest.mark.parametrize("plain, marked", [
    ("‖W‖_F/‖W‖_*", "‖W‖<sub>F</sub>/‖W‖<sub>*</sub>"),
    ("n_{l−1}", "n<sub>l−1</sub>"),
    ("∝ n^−½", "∝ n<sup>−½</sup>"),
    ("n^{1/2}", "n<sup>1/2</sup>"),
    ("width n", "width n"),
])
def test_markup_of_titles_and_legend_names(plain, marked):
    fig = {"data": [{"name": plain, "x": ["a_b"]}], "layout": {"title": {"text": plain}}}
    out = plotly_markup(fig)
    assert out["data"][0]["name"] == marked and out["layout"]["title"]["text"] == marked
    assert out["data"][0]["x"] == ["a_b"]  # data is never rewritten, only text meant for reading


@pytest.mark.parametrize("name", sc.names())
def test_no_raw_subscripts_reach_the_reader(name):
    fig = sc.run_figure(name, sc.defaults(name))["figure"]
    texts = [t.get("name", "") for t in fig["data"]] + [fig["layout"].get("title", {}).get("text", "")]
    assert not [t for t in texts if "_*" in t or "_{" in t], texts


def test_reference_slope_passes_through_its_anchor_with_the_given_slope():
    tr = reference_slope([64, 2048], -0.5, (64, 3.0), "theory")
    (x0, x1), (y0, y1) = tr["x"], tr["y"]
    assert y0 == 3.0 and abs(y1 / y0 - (x1 / x0) ** -0.5) < 1e-12 and tr["line"]["dash"] == "dash"
