"""Notebook figures: the public API with native sizes, and a mime bundle Jupyter draws without this site."""

from __future__ import annotations

import html
import json

import spectral_condition as sc
from spectral_condition import figure_text
from spectral_condition.notebook import show


def test_show_runs_through_validation_and_draws_like_run_figure():
    data, fig = show("stable_rank", {"width": 128})
    native = sc.run_figure("stable_rank", {**sc.defaults("stable_rank"), "width": 128})
    assert data == native["data"] and fig.figure == native["figure"]


def test_show_accepts_native_sizes_beyond_the_browser_budget_and_refuses_the_rest():
    from spectral_condition.registry import get

    (width,) = [p for p in get("stable_rank").params if p.name == "width"]
    assert width.max > width.upper(live=True)
    try:
        show("stable_rank", {"width": 3})
    except ValueError as e:
        assert "width" in str(e)
    else:
        raise AssertionError("a width that is not a power of two was accepted")


def test_the_mime_bundle_carries_plotly_json_and_the_sites_element():
    _, fig = show("ellipse", {})
    bundle = fig._repr_mimebundle_()
    assert bundle["application/vnd.plotly.v1+json"] == {"data": fig.figure["data"], "layout": fig.figure["layout"]}
    text = bundle["text/html"]
    assert '<div class="sc-figure" data-figure="' in text
    assert json.loads(html.unescape(text.split('data-figure="', 1)[1].split('"', 1)[0])) == fig.figure
    # Its words and numbers, for readers who do not see the chart.
    assert 'aria-label="A maps the unit circle to an ellipse"' in text
    assert html.escape(figure_text.summary(fig.figure).split(";")[0], quote=False) in text
    assert "<table" in text and "sc-demo__details" in text
