"""The page around the figures: palette, phone width, print, math, and the page without JavaScript."""

from __future__ import annotations

import json
import math

import pytest

import spectral_condition as sc
from browser_helpers import chart, root, width_experiment

pytestmark = pytest.mark.browser

FONT_COLOR = "el => el._fullLayout.font.color"


def _luminance(css: str) -> float:
    parts = css[css.index("(") + 1:css.index(")")].split(",")
    r, g, b = (float(x) for x in parts[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_figures_follow_the_palette_toggle(page, site_server):
    page.emulate_media(color_scheme="light")
    page.goto(site_server + "demos/")
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for()
    light = plot.evaluate(FONT_COLOR)
    assert _luminance(light) < 0.5, light  # dark text on the light scheme
    page.locator('form[data-md-component="palette"] label:visible').first.click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    page.wait_for_function(f"() => ({FONT_COLOR})(document.querySelector('.js-plotly-plot')) !== {light!r}")
    dark = plot.evaluate(FONT_COLOR)
    assert _luminance(dark) > 0.5, dark  # light text on slate
    # Backgrounds stay transparent so the page's own background shows through.
    assert plot.evaluate("el => el._fullLayout.paper_bgcolor") == "rgba(0, 0, 0, 0)"


def test_readable_on_a_phone(page, site_server):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site_server + "demos/")
    name = width_experiment()
    plot = root(page, name).locator(".sc-layer").first
    plot.wait_for()
    root(page, name).locator('input[name="width"]').wait_for()
    overflow = page.evaluate("document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    for i in range(page.locator(".sc-demo").count()):
        demo = page.locator(".sc-demo").nth(i)
        demo.scroll_into_view_if_needed()
        box = demo.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375 + 0.5
        for control in demo.locator(".sc-control").all():
            c = control.bounding_box()
            assert c["x"] >= box["x"] - 0.5 and c["x"] + c["width"] <= box["x"] + box["width"] + 0.5
        svg = demo.locator(".js-plotly-plot .main-svg").first.bounding_box()
        assert svg["width"] <= box["width"] + 0.5


def test_print_keeps_figures_and_hides_controls(page, site_server):
    page.goto(site_server + "demos/")
    name = width_experiment()
    root(page, name).locator('input[name="width"]').wait_for()
    page.emulate_media(media="print")
    assert not root(page, name).locator(".sc-demo__controls").is_visible()
    assert root(page, name).locator(".js-plotly-plot .main-svg").first.is_visible()
    assert len(chart(page, name)["data"]) > 0


def test_controls_are_labelled_native_inputs(page, site_server):
    page.goto(site_server + "demos/")
    page.locator(".sc-control").first.wait_for()
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll('.sc-demo input, .sc-demo select'))
        .filter(el => !(el.labels && el.labels.length) && !el.closest('fieldset')?.querySelector('legend'))
        .map(el => el.name)""")
    assert unlabelled == []
    # Every control is reachable with Tab.
    tabbable = page.evaluate("""() => Array.from(document.querySelectorAll('.sc-demo input, .sc-demo select'))
        .every(el => el.tabIndex >= 0 && !el.disabled)""")
    assert tabbable


def test_math_is_typeset_by_the_sites_katex(page, site_server, built_site):
    pages = [p.parent.relative_to(built_site).as_posix() + "/" for p in sorted(built_site.rglob("index.html"))
             if 'class="arithmatex"' in p.read_text(encoding="utf-8")]
    assert pages, "no page with math"
    page.goto(site_server + pages[0])
    page.locator("article .arithmatex .katex").first.wait_for()
    left = page.evaluate(r"""() => Array.from(document.querySelectorAll('article .arithmatex'))
        .filter(el => !el.querySelector('.katex')).map(el => el.textContent.slice(0, 60))""")
    assert left == [], f"math left untypeset: {left[:3]}"


def _shown_number_matches(text: str, value) -> bool:
    """A table cell against the native value: "—" for None, else equal to 4 significant digits."""
    if value is None:
        return text == "—"
    return math.isclose(float(text), value, rel_tol=5e-4)


def test_without_javascript_each_demo_shows_a_table_of_its_figure(browser, site_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(site_server + "demos/")
        demos = page.locator(".sc-demo")
        assert demos.count() == len(sc.names())
        for i in range(demos.count()):
            demo = demos.nth(i)
            name = demo.get_attribute("data-demo")
            box = demo.locator(".sc-demo__data")
            assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
            demo.locator(".sc-demo__details > summary").click()  # a native disclosure: no script needed
            table = box.locator("table")
            table.scroll_into_view_if_needed()
            assert table.is_visible(), name
            assert "x and y values" in table.locator("caption").inner_text()
            rows = table.locator("tbody").first.evaluate(
                """tb => Array.from(tb.rows).map(r => [r.querySelector('th[scope=row]').textContent,
                                                      Array.from(r.cells).filter(c => c.tagName === 'TD')
                                                           .map(c => c.textContent)])""")
            trace = sc.run_figure(name, json.loads(demo.get_attribute("data-params")))["figure"]["data"][0]
            assert [axis for axis, _ in rows] == [axis for axis in ("x", "y") if axis in trace], name
            for axis, cells in rows:
                want = trace[axis][:len(cells)]
                assert len(cells) == min(len(trace[axis]), 64), (name, axis)
                assert all(_shown_number_matches(t, v) for t, v in zip(cells, want)), (name, axis, cells, want)
            # The table scrolls inside its box; the page itself never scrolls sideways.
            assert box.evaluate("el => el.getBoundingClientRect().right") <= 390 + 0.5, name
        overflow = page.evaluate("document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    finally:
        context.close()
