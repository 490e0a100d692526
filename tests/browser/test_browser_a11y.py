"""Every reader: WCAG 2.1 A and AA on every page, and figures usable by keyboard and screen reader.

* axe-core (from node_modules, the npm package of package.json) checks every page of the built site
  in light and dark, at desktop and phone size, after its figures went live and a control moved:
  any serious or critical violation fails, naming the rule, the element and the page. One browser
  context per state; the pages are visited in a loop by Material's instant navigation, so the
  worker (Pyodide) starts once per state.
* At 640 CSS pixels (a 1280-pixel window at 200 % zoom) no page scrolls sideways; with reduced
  motion asked for, nothing on a page transitions or animates.
* A keyboard alone reads a figure: Tab reaches its width slider and its choice control, arrows
  operate them, the live region then says what the Python package says of the new figure, and Tab
  reaches the data table, which holds the new figure's numbers.
"""

from __future__ import annotations

import json
import re

import pytest

import spectral_condition as sc
from browser_helpers import param, root, shown_params, wait_all, wait_params, wait_state
from conftest import ROOT
from spectral_condition import figure_text

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
ZOOMED = {"width": 640, "height": 450}  # 1280×900 at 200 %

RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                              html: n.html.slice(0, 160)}))}));
}"""

# Arrive at `href` as a reader following a link does: Material's instant navigation swaps the content
# (the sidebar's own link, clicked from script so that a phone's closed drawer does not matter).
NAVIGATE = """(href) => {
  document.querySelector('.md-content').__old = true;
  const link = Array.from(document.querySelectorAll('.md-nav--primary a.md-nav__link')).find(a => a.href === href);
  if (!link) throw new Error('no navigation link to ' + href);
  link.click();
}"""

SIDEWAYS = """() => {
  const doc = document.scrollingElement;
  const column = document.querySelector('.md-content');
  return {page: doc.scrollWidth - doc.clientWidth, column: column ? column.scrollWidth - column.clientWidth : 0};
}"""


SETTLED = """() => document.getAnimations().filter(a => a instanceof CSSTransition)
                                       .every(a => a.playState !== 'running')"""


def site_pages(site) -> list[str]:
    """Every page of the built site, site-relative ("" for the home page)."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if not rel.startswith("assets"):
            pages.append("" if rel == "." else rel + "/")
    return pages


def visit(page, base: str, rel: str, first: bool) -> None:
    if first:
        page.goto(base + rel)
        return
    page.evaluate(NAVIGATE, base + rel)
    page.wait_for_url(base + rel)
    page.wait_for_function("() => { const c = document.querySelector('.md-content'); return c && !c.__old; }")


def move_a_control(page) -> str:
    """Move the first figure's first slider one notch, as a reader's arrow key does; wait for the final
    answer and its announcement. Returns the experiment's name."""
    first = page.locator("[data-demo]").first
    name = first.get_attribute("data-demo")
    slider = first.locator('input[type="range"]').first
    before = shown_params(page, name)
    pname = slider.get_attribute("name")
    slider.focus()
    at_min = slider.evaluate("el => Number(el.value) <= Number(el.min)")
    page.keyboard.press("ArrowRight" if at_min else "ArrowLeft")
    page.wait_for_function(
        """([name, pname, before]) => { const el = document.querySelector(`[data-demo="${name}"]`);
             return JSON.parse(el.dataset.params)[pname] !== before && el.getAttribute('aria-busy') !== 'true'
                    && el.querySelector('.sc-demo__announce').textContent.length > 0; }""",
        arg=[name, pname, before[pname]], timeout=120_000)
    return name


def violations(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, TAGS)


@pytest.mark.parametrize("viewport, scheme", [("desktop", "light"), ("desktop", "dark"),
                                              ("phone", "light"), ("phone", "dark")])
def test_no_serious_or_critical_axe_violation_on_any_page(page, site_server, built_site, viewport, scheme):
    assert AXE.is_file(), f"{AXE} is missing: `make setup` installs the npm packages"
    page.set_viewport_size(VIEWPORTS[viewport])
    page.emulate_media(color_scheme=scheme)
    pages = site_pages(built_site)
    assert len(pages) >= 14 and "demos/" in pages and "run-locally/" in pages, pages
    found, checked = [], 0
    for i, rel in enumerate(pages):
        visit(page, site_server, rel, first=i == 0)
        want = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == want
        if page.locator("[data-demo]").count():
            wait_all(page, "live")
            move_a_control(page)
        # Material fades the header's title in after a page change: axe reads colours as drawn, so
        # a fade still running would be measured half-transparent.
        page.wait_for_function(SETTLED)
        for v in violations(page):
            checked += 1
            if v["impact"] in BLOCKING:
                found += [f"{rel or '/'}: {v['id']} ({v['impact']}, {v['help']}) at {n['target']}: {n['html']}"
                          for n in v["nodes"]]
    assert not found, f"{len(found)} serious or critical violations ({viewport}, {scheme}):\n  " + "\n  ".join(found)


def test_at_200_percent_zoom_no_page_scrolls_sideways_and_reduced_motion_stops_transitions(page, site_server,
                                                                                             built_site):
    page.set_viewport_size(ZOOMED)
    found = []
    for i, rel in enumerate(site_pages(built_site)):
        visit(page, site_server, rel, first=i == 0)
        page.wait_for_function("() => Array.from(document.querySelectorAll('[data-demo] .sc-demo__chart'))"
                               ".every(c => Number(c.dataset.renders || 0) > 0)")
        over = page.evaluate(SIDEWAYS)
        if over["page"] > 0 or over["column"] > 0:
            found.append(f"{rel or '/'}: scrolls sideways by {over}")
    assert not found, "\n".join(found)

    # With reduced motion asked for, nothing on a page moves by itself: no transition, no animation.
    moving = """() => Array.from(document.querySelectorAll('*')).filter(e => {
        const s = getComputedStyle(e);
        return [s.transitionDuration, s.animationDuration].join(',').split(',').some(d => parseFloat(d) > 0.001);
      }).map(e => e.tagName + '.' + (e.className.baseVal ?? e.className))"""
    page.emulate_media(reduced_motion="no-preference")
    assert page.evaluate(moving), "the probe sees no transition even without the reduced-motion request"
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(moving) == []


def tab_to(page, selector: str, limit: int = 400) -> list[str]:
    """Press Tab until the focused element matches ``selector``; returns what was focused on the way."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate("""(sel) => { const a = document.activeElement;
            return {match: a.matches(sel), what: a.tagName + '.' + a.className + '#' + a.id,
                    inChart: !!a.closest('.sc-demo__chart')}; }""", selector)
        path.append(here["what"] + (" (in a chart)" if here["inChart"] else ""))
        if here["match"]:
            return path
    pytest.fail(f"Tab never reached {selector}; went through {path[-20:]}")


def announced(page, name: str) -> str:
    return root(page, name).locator(".sc-demo__announce").text_content()


def wait_announced(page, name: str, text: str) -> None:
    page.wait_for_function(
        """([name, text]) => document.querySelector(`[data-demo="${name}"] .sc-demo__announce`).textContent === text""",
        arg=[name, text], timeout=30_000)


def native_summary(name: str, params: dict) -> str:
    return figure_text.summary(sc.run_figure(name, params)["figure"])


def test_a_keyboard_alone_operates_a_figure_reads_its_table_and_hears_what_changed(page, site_server):
    name = "activation_rms"
    page.goto(site_server + "03-activations/")
    wait_state(page, name, "live")
    demo = f'[data-demo="{name}"]'
    # Named by its number in the article (the caption starts with the same number) and its title.
    label = root(page, name).get_attribute("aria-label")
    number = root(page, name).locator(".sc-figure-number").text_content().strip().rstrip(".")
    assert re.fullmatch(r"Figure \d+", number) and label.startswith(number + ": "), (label, number)
    described = root(page, name).get_attribute("aria-describedby")
    assert page.locator(f"#{described}").text_content().strip()

    # The width slider, reached by Tab, named, with a visible focus ring; an arrow key moves it.
    tab_to(page, f'{demo} input[name="width"]')
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    start = shown_params(page, name)["width"]
    key, width = ("ArrowLeft", start // 2) if start > param(name, "width")["min"] else ("ArrowRight", start * 2)
    page.keyboard.press(key)
    wait_params(page, name, "width", width, timeout=60_000)
    params = shown_params(page, name)
    wait_announced(page, name, native_summary(name, params))
    assert str(width) in announced(page, name)

    # End and Home jump to the slider's ends (native range input).
    page.keyboard.press("Home")
    low = param(name, "width")["min"]
    wait_params(page, name, "width", low, timeout=60_000)

    # The choice control: Tab reaches its checked radio, an arrow key picks the next choice.
    tab_to(page, f'{demo} input[name="parameterization"]:checked')
    before = shown_params(page, name)["parameterization"]
    assert page.evaluate("""() => getComputedStyle(document.activeElement.nextElementSibling).outlineStyle""") != "none"
    page.keyboard.press("ArrowRight")
    choices = param(name, "parameterization")["choices"]
    after = choices[(choices.index(before) + 1) % len(choices)]
    wait_params(page, name, "parameterization", after, timeout=60_000)
    params = shown_params(page, name)
    wait_announced(page, name, native_summary(name, params))

    # The data table: Tab reaches its disclosure, Enter opens it, Tab reaches the table's box, whose
    # numbers are the figure's now (not the ones the page was built with). The chart's own buttons
    # are passed on the way without holding the focus.
    path = tab_to(page, f"{demo} .sc-demo__details > summary")
    page.keyboard.press("Enter")
    assert root(page, name).locator(".sc-demo__details").evaluate("d => d.open")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('sc-demo__data')")
    cells = root(page, name).locator(".sc-demo__data tbody").first.evaluate(
        "tb => Array.from(tb.rows).map(r => Array.from(r.cells).filter(c => c.tagName === 'TD').map(c => c.textContent))")
    trace = sc.run_figure(name, params)["figure"]["data"][0]
    want = [[figure_text.number(v) for v in trace[axis][:figure_text.MAX_POINTS]] for axis in ("x", "y") if axis in trace]
    assert cells == want
    assert len([p for p in path if p.endswith("(in a chart)")]) <= 8, path
    tab_to(page, "a, button, input, summary, [tabindex]:not(.sc-demo__data)")
    assert not page.evaluate("() => !!document.activeElement.closest('.sc-demo__chart')")

    # Reset by keyboard: the built figure's summary is announced again.
    built = json.loads(root(page, name).get_attribute("data-payload"))["params"]
    root(page, name).locator(".sc-demo__reset").focus()
    page.keyboard.press("Enter")
    wait_announced(page, name, native_summary(name, built))
