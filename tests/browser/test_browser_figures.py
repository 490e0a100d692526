"""Every figure reads at a glance, on a desktop and on a phone, in light and dark, in real Chromium.

For each page with figures (the article's, the notebooks' and "All live figures"), at 1280×900 and
390×844, in both colour schemes: every plot area is tall enough (250 px on a desktop, 200 px on a
phone), the chart fits its column, no text of a figure (title, subtitle, axis titles, tick labels,
legend entries, annotations) is cut by the chart's edge or overlaps other text, no legend scrolls,
the page does not scroll sideways, no raw TeX (``_{``, ``^{``, ``\\(``, ``$``) shows, and a phone
shows no mode bar over the title. Charts keep their height when reached by a link or by Back, and
over five redraws from the width slider.

While they run, the tests write a screenshot of every figure (desktop light, desktop dark, phone
light, phone dark) to build/screenshots/<page>/<figure>-<viewport>-<scheme>.png, for a person to
look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import spectral_condition as sc
from browser_helpers import LIVE_TIMEOUT_MS, click_nav_link, param, step_width, wait_state
from conftest import ROOT
from spectral_condition.fit import powers_of_two

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "build" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
MIN_PLOT_HEIGHT = {"desktop": 250, "phone": 200}
SLACK = 1  # px: rounding of text boxes
RAW_TEX = ("_{", "^{", "\\(", "$")

# Every chart of the page (a live figure's or a notebook's) with what a test needs to judge it: the
# texts, plot areas and mode bars of all its layers (one Plotly instance per panel), measured together
# so that a panel's text overlapping the title or the legend of another layer is found.
MEASURE = """() => {
  const texts = ['text.gtitle', 'text.gtitle-subtitle', 'g[class^="g-x"][class$="title"] text',
                 'g[class^="g-y"][class$="title"] text', 'g[class$="tick"] > text', '.legendtext',
                 '.legendtitletext', '.annotation-text'].join(', ');
  const seen = {};
  return Array.from(document.querySelectorAll('.sc-chart')).map((el) => {
    const demo = el.closest('[data-demo]');
    const base = demo ? demo.dataset.demo : 'figure';
    seen[base] = (seen[base] || 0) + 1;
    const box = el.getBoundingClientRect();
    const rel = (r) => ({x0: r.left - box.left, y0: r.top - box.top, x1: r.right - box.left, y1: r.bottom - box.top});
    const column = el.closest('.md-content__inner').getBoundingClientRect();
    const modebars = Array.from(el.querySelectorAll('.modebar'));
    const first = el.querySelector('.sc-layer');
    return {
      name: seen[base] === 1 ? base : `${base}~${seen[base]}`,
      width: box.width, height: box.height, left: box.left, right: box.right, drawn: first._fullLayout.width,
      column: {left: column.left, right: column.right},
      areas: Array.from(el.querySelectorAll('.nsewdrag')).map((r) => r.getBoundingClientRect().height),
      texts: Array.from(el.querySelectorAll(texts))
        .map((t) => Object.assign({kind: t.getAttribute('class'), text: t.textContent}, rel(t.getBoundingClientRect())))
        .filter((t) => t.text.trim() && t.x1 - t.x0 > 0.5 && t.y1 - t.y0 > 0.5),
      allText: Array.from(el.querySelectorAll('text')).map((t) => t.textContent),
      legendScrolls: Array.from(el.querySelectorAll('.legend .scrollbar'))
        .some((s) => s.getBoundingClientRect().height > 0),
      modebar: modebars.some((m) => m.getBoundingClientRect().height > 0),
    };
  });
}"""

ALL_DRAWN = """() => {
  const charts = document.querySelectorAll('[data-demo] .sc-demo__chart, .sc-figure[data-figure]');
  return charts.length > 0
    && Array.from(charts).every((el) => Number(el.dataset.renders || 0) > 0 && !el.hasAttribute('data-drawing'));
}"""


# How far the page scrolls sideways, and the outermost elements that stick out past the window.
SIDEWAYS = """() => {
  const doc = document.scrollingElement;
  const edge = doc.clientWidth;
  const out = Array.from(document.querySelectorAll('body *'))
    .filter((el) => el.getBoundingClientRect().right > edge + 1
                    && !(el.parentElement && el.parentElement.getBoundingClientRect().right > edge + 1))
    .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}`);
  return [doc.scrollWidth - doc.clientWidth, out];
}"""


def figure_pages(site: Path) -> list[str]:
    """Site-relative URLs ('' for the landing page) of every built page that holds a figure."""
    out = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if rel.startswith("assets"):
            continue
        if re.search(r'data-demo="|class="sc-figure"', html.read_text(encoding="utf-8")):
            out.append("" if rel == "." else rel + "/")
    return out


def load(page, url: str) -> list[dict]:
    page.goto(url)
    page.wait_for_function(ALL_DRAWN)
    return page.evaluate(MEASURE)


def problems(chart: dict, viewport: str) -> list[str]:
    """What is wrong with one chart as MEASURE saw it."""
    out = []
    low = [round(h) for h in chart["areas"] if h < MIN_PLOT_HEIGHT[viewport]]
    if not chart["areas"] or low:
        out.append(f"plot areas {[round(h) for h in chart['areas']]} px tall, under {MIN_PLOT_HEIGHT[viewport]}")
    if chart["left"] < chart["column"]["left"] - SLACK or chart["right"] > chart["column"]["right"] + SLACK:
        out.append(f"chart {chart['left']:.0f}…{chart['right']:.0f} outside its column "
                   f"{chart['column']['left']:.0f}…{chart['column']['right']:.0f}")
    if abs(chart["drawn"] - chart["width"]) > SLACK:
        out.append(f"drawn {chart['drawn']:.0f} px wide in a {chart['width']:.0f} px box")
    texts = chart["texts"]
    for t in texts:
        if (t["x0"] < -SLACK or t["y0"] < -SLACK or t["x1"] > chart["width"] + SLACK
                or t["y1"] > chart["height"] + SLACK):
            out.append(f"{t['kind']} {t['text']!r} cut by the chart's edge")
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if dx > SLACK and dy > SLACK:
                out.append(f"{a['kind']} {a['text']!r} overlaps {b['kind']} {b['text']!r} by {dx:.0f}×{dy:.0f} px")
    raw = [t for t in chart["allText"] if any(m in t for m in RAW_TEX)]
    if raw:
        out.append(f"raw TeX shows: {raw}")
    if chart["legendScrolls"]:
        out.append("the legend scrolls: it has too little room")
    if viewport == "phone" and chart["modebar"]:
        out.append("a mode bar is shown on a phone")
    return out


def screenshots(page, rel: str, charts: list[dict], viewport: str, scheme: str) -> None:
    """Each chart alone. Material's sticky header is hidden first (after the checks): it would cover
    the top of a chart taller than the window."""
    page.add_style_tag(content=".md-header, .md-tabs { visibility: hidden !important; }")
    folder = SCREENSHOTS / (rel.strip("/") or "index")
    folder.mkdir(parents=True, exist_ok=True)
    for i, chart in enumerate(charts):
        shot = folder / f"{chart['name']}-{viewport}-{scheme}.png"
        page.locator(".sc-chart").nth(i).screenshot(path=str(shot))


@pytest.mark.parametrize("viewport, scheme", [("desktop", "light"), ("desktop", "dark"),
                                              ("phone", "light"), ("phone", "dark")])
def test_every_figure_reads_at_a_glance(page, site_server, built_site, viewport, scheme):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.emulate_media(color_scheme=scheme)
    pages = figure_pages(built_site)
    assert "demos/" in pages and len(pages) >= 8, pages
    found, charts = [], 0
    for rel in pages:
        shown = load(page, site_server + rel)
        want = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == want
        overflow, culprits = page.evaluate(SIDEWAYS)
        if overflow > 0:
            found.append(f"{rel or '/'}: the page scrolls sideways by {overflow} px, past the edge: {culprits}")
        for chart in shown:
            charts += 1
            found += [f"{rel or '/'} {chart['name']}: {p}" for p in problems(chart, viewport)]
        screenshots(page, rel, shown, viewport, scheme)
    assert charts >= len(sc.names())
    assert not found, f"{len(found)} problems ({viewport}, {scheme}):\n  " + "\n  ".join(found)


def heights(page) -> list[float]:
    return [round(c["height"]) for c in page.evaluate(MEASURE)]


def test_charts_keep_their_height_after_a_link_back_and_redraws(page, site_server, built_site):
    pages = [p for p in figure_pages(built_site) if p not in ("", "demos/") and not p.startswith("notebooks")]
    first, second = pages[0], pages[1]
    direct = {}
    for rel in (first, second):
        direct[rel] = [round(c["height"]) for c in load(page, site_server + rel)]

    load(page, site_server + first)
    click_nav_link(page, site_server + second)
    page.wait_for_function(ALL_DRAWN)
    assert heights(page) == direct[second], "a chart reached by a link has another height"
    page.evaluate("document.querySelector('.md-content').__old = true")
    page.go_back()
    page.wait_for_function("() => { const c = document.querySelector('.md-content'); return c && !c.__old; }")
    page.wait_for_function(ALL_DRAWN)
    assert heights(page) == direct[first], "a chart reached by Back has another height"

    # Five answers from the worker, each a full redraw by Plotly.react: same heights, same geometry.
    name = next(n for n in sc.names() if sc.schemas()[n]["sweep"] and sc.schemas()[n]["cost"] == "norm"
                and f'data-demo="{n}"' in (built_site / first / "index.html").read_text(encoding="utf-8"))
    wait_state(page, name, "live", timeout=LIVE_TIMEOUT_MS)
    before = heights(page)
    for _ in range(5):
        step_width(page, name)
        page.wait_for_function(ALL_DRAWN)
        assert heights(page) == before, "a redraw changed a chart's height"
    found = [f"{c['name']}: {p}" for c in page.evaluate(MEASURE) for p in problems(c, "desktop")]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", [n for n in sc.names() if sc.schemas()[n]["sweep"]])
def test_a_sweep_keeps_its_height_at_every_width_the_slider_offers(name):
    """The legend holds a sweep's widths or is sized for the most the slider offers, so moving the
    slider never makes the page jump. Checked on the figure dicts: Chromium would only draw them."""
    w = param(name, "width")
    sizes = set()
    for width in powers_of_two(w["min"], w["live_max"]):
        lay = sc.run_figure(name, {**sc.defaults(name), "width": width})["figure"]["layout"]
        sizes.add((lay["height"], lay["meta"]["narrow"]["height"]))
    assert len(sizes) == 1, f"{name}: heights {sorted(sizes)} differ between widths"
