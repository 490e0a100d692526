"""Notebook pages: their figures (``.sc-figure[data-figure]`` JSON) drawn by the site's own Plotly, and
their Markdown math by the site's KaTeX, on a direct load and after instant navigation."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from browser_helpers import SHOWN, click_nav_link
from numeric_compare import mismatches

pytestmark = pytest.mark.browser


class Figures(HTMLParser):
    """The figure JSON of every real .sc-figure element (not the text of a code cell that makes one)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "sc-figure" in (a.get("class") or "").split() and a.get("data-figure"):
            self.figures.append(json.loads(a["data-figure"]))


def _notebook_pages(site) -> list[tuple[str, list[dict], bool]]:
    """(url, figures, has Markdown math) of every built page with notebook figures."""
    out = []
    for html in sorted(site.rglob("index.html")):
        text = html.read_text(encoding="utf-8")
        found = Figures()
        found.feed(text)
        figures = found.figures
        if figures:
            math = bool(re.search(r"jp-RenderedMarkdown.*?\$", text, re.S))
            out.append((html.parent.relative_to(site).as_posix() + "/", figures, math))
    return out


def _check_drawn(page, figures: list[dict], math: bool) -> None:
    page.wait_for_function("""n => { const all = Array.from(document.querySelectorAll('.sc-figure'));
                                     return all.length >= n && all.every((el) => Number(el.dataset.renders) > 0); }""",
                           arg=len(figures), timeout=30_000)
    shown = page.evaluate(f"""() => Promise.all(Array.from(document.querySelectorAll('.sc-figure'))
        .map(async (el) => (await ({SHOWN})(el)).data))""")
    assert len(shown) == len(figures)
    for got, want in zip(shown, figures):
        data = [{k: tr.get(k) for k in w} for tr, w in zip(got, want["data"])]
        assert not mismatches(want["data"], data, rel=0.0, abs_tol=0.0)
    if math:
        assert page.locator(".jupyter-wrapper .katex").count() > 0
        raw = page.evaluate("""() => {
            const out = [];
            for (const cell of document.querySelectorAll('.jupyter-wrapper .jp-RenderedMarkdown')) {
              const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
              for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                if (n.textContent.includes('$') && !n.parentElement.closest('.katex, code, pre')) out.push(n.textContent);
              }
            }
            return out; }""")
        assert raw == [], f"math left as $…$ text: {raw[:3]}"


def test_notebook_figures_are_drawn_directly_and_after_instant_navigation(page, site_server, built_site):
    pages = _notebook_pages(built_site)
    assert pages, "no page with notebook figures (.sc-figure[data-figure])"
    url, figures, math = pages[0]
    page.goto(site_server + url)
    _check_drawn(page, figures, math)

    # Instant navigation: from the demo page to every notebook page in turn, then back, in one
    # document (the page fixture fails the test on any script error the swaps cause).
    page.goto(site_server + "demos/")
    page.evaluate("window.__sameDocument = true")
    for url, figures, math in pages + pages[:1]:
        click_nav_link(page, site_server + url)
        _check_drawn(page, figures, math)
    page.evaluate("document.querySelector('.md-content').__old = true")
    page.go_back()
    page.wait_for_url(site_server + pages[-1][0])
    page.wait_for_function("() => !document.querySelector('.md-content').__old")
    _check_drawn(page, *pages[-1][1:])
    assert page.evaluate("window.__sameDocument") is True
