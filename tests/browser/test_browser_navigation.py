"""Figures keep their geometry when the reader arrives by a link, by the footer, or by Back.

Material's instant navigation swaps the page without reloading it and prunes the document head. A
chart whose layers lose Plotly's positioning CSS draws its data in a band at the top and grows with
every redraw; these tests measure the charts themselves (the SVG layers, the chart's height), not
the data, after each way of arriving and after several redraws.
"""

from __future__ import annotations

import pytest

from browser_helpers import LIVE_TIMEOUT_MS, click_nav_link, nav_link, pages_with_demos, root, step_width, wait_all

pytestmark = pytest.mark.browser

# Per chart: where its Plotly instances (one per panel) lie, where each one's SVG layers lie, and its
# plot areas, relative to the chart.
GEOMETRY = """() => Array.from(document.querySelectorAll('[data-demo] .sc-demo__chart')).map(el => {
  const box = el.getBoundingClientRect();
  const rel = (r) => ({top: r.top - box.top, left: r.left - box.left, width: r.width, height: r.height});
  const instances = Array.from(el.querySelectorAll('.sc-layer')).map(l => rel(l.getBoundingClientRect()));
  const layers = Array.from(el.querySelectorAll('.sc-layer')).map(l => Array.from(l.querySelectorAll('.main-svg'))
    .map(s => s.getBoundingClientRect().top - box.top));
  const areas = Array.from(el.querySelectorAll('.nsewdrag')).map(a => rel(a.getBoundingClientRect()));
  return {height: box.height, instances, layers, areas};
})"""


def _geometry(page) -> list[dict]:
    # Every chart has drawn all its layers (one Plotly instance per panel, a task each).
    page.wait_for_function("""() => Array.from(document.querySelectorAll('[data-demo] .sc-demo__chart'))
        .every((c) => Number(c.dataset.renders || 0) > 0 && !c.hasAttribute('data-drawing'))""")
    sheet = page.evaluate("""() => { const s = document.getElementById('plotly.js-style-global');
                                     return s && s.isConnected ? s.sheet.cssRules.length : 0; }""")
    assert sheet > 0, "Plotly's positioning stylesheet is gone from the page"
    shapes = page.evaluate(GEOMETRY)
    assert shapes, "no chart on the page"
    for i, g in enumerate(shapes):
        # The panels' instances lie exactly over each other; unstyled, they would stack downwards.
        assert g["instances"] and all(abs(b[k] - g["instances"][0][k]) < 1 for b in g["instances"]
                                      for k in ("top", "left", "width", "height")), \
            f"chart {i}: its instances are not stacked: {g['instances']}"
        # Plotly stacks its SVG layers on top of each other; unstyled, they stack downwards.
        for tops in g["layers"]:
            assert max(tops) - min(tops) < 1, f"chart {i}: SVG layers not stacked: {tops}"
        assert g["areas"] and all(0 <= a["top"] < a["top"] + a["height"] <= g["height"] + 1 for a in g["areas"]), \
            f"chart {i}: plot area outside the chart: {g}"
    return shapes


def _redraws_keep_height(page, n: int = 5) -> None:
    """Step the first width slider n times and keep every chart's height fixed."""
    before = [g["height"] for g in _geometry(page)]
    name = page.locator("[data-demo]").first.get_attribute("data-demo")
    if root(page, name).locator('input[name="width"]').count() == 0:
        return
    for _ in range(n):
        step_width(page, name)
        after = [g["height"] for g in _geometry(page)]
        assert after == pytest.approx(before, abs=1), f"chart heights changed on redraw: {before} -> {after}"


def test_charts_keep_their_geometry_after_links_footer_and_back(page, site_server, built_site):
    pages = pages_with_demos(built_site)
    assert len(pages) >= 2, pages
    page.goto(site_server)
    wait_all(page, "live")
    first = _geometry(page)

    # A sidebar link.
    click_nav_link(page, site_server + pages[0])
    wait_all(page, "live")
    _redraws_keep_height(page)

    # The footer's "Next" link, from a page with figures to the next one.
    page.evaluate("document.querySelector('.md-content').__old = true")
    page.locator("a.md-footer__link--next").click()
    page.wait_for_function("() => { const c = document.querySelector('.md-content'); return c && !c.__old; }")
    if page.locator("[data-demo]").count():
        wait_all(page, "live")
        _redraws_keep_height(page)

    # Back, twice, to the landing page: its chart has the height it had on the first load.
    for _ in range(2):
        page.evaluate("document.querySelector('.md-content').__old = true")
        page.go_back()
        page.wait_for_function("() => { const c = document.querySelector('.md-content'); return c && !c.__old; }")
    assert page.url == site_server
    wait_all(page, "live")
    back = _geometry(page)
    assert [g["height"] for g in back] == pytest.approx([g["height"] for g in first], abs=1)
    assert page.evaluate("__spectralRuntime.starts") == 1


def test_a_page_without_figures_readies_the_worker_for_the_next_page(page, site_server, built_site):
    """A reader who lands on a page without figures finds the next page's figures live on arrival:
    the worker started while they read, so no figure there ever shows the loading state."""
    with_demos = pages_with_demos(built_site)
    plain = sorted(html.parent.relative_to(built_site).as_posix() + "/" for html in built_site.rglob("*/index.html")
                   if not html.parent.relative_to(built_site).as_posix().startswith("assets")
                   and 'data-demo="' not in html.read_text(encoding="utf-8"))
    assert plain, "every page has a figure: nothing to arrive from"
    page.goto(site_server + plain[0])
    assert page.locator("[data-demo]").count() == 0
    page.wait_for_function("() => __spectralRuntime.status === 'ready'", timeout=LIVE_TIMEOUT_MS)
    page.evaluate("""() => { window.__states = [];
      new MutationObserver((ms) => { for (const m of ms) if (m.target.matches('[data-demo]')) window.__states.push(m.target.dataset.state); })
        .observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-state']}); }""")
    click_nav_link(page, site_server + with_demos[0])
    wait_all(page, "live")
    states = page.evaluate("window.__states")
    assert states and "loading" not in states, states
    assert page.evaluate("__spectralRuntime.starts") == 1


# The fetches of one page address, as the browser's resource timing records them.
FETCHES = """(url) => performance.getEntriesByType('resource').filter(e => e.name === url)
  .map(e => ({by: e.initiatorType, transferred: e.transferSize, body: e.encodedBodySize}))"""


def test_a_nav_link_pointed_at_or_tabbed_to_is_fetched_before_the_click(cached_page, site_server, built_site):
    """A page that a reader's pointer rests on, or that the keyboard focuses, is fetched at once, so
    that over a real network the click has only to swap it in: the click's own request then
    transfers no page body (the server here answers it "not modified")."""
    page = cached_page
    pages = pages_with_demos(built_site)
    assert len(pages) >= 2, pages
    page.goto(site_server)
    wait_all(page, "live")
    first, second = site_server + pages[0], site_server + pages[1]
    page.evaluate("performance.clearResourceTimings()")
    assert page.evaluate(FETCHES, first) == []

    nav_link(page, first).hover()
    page.wait_for_function(f"(url) => ({FETCHES})(url).some(f => f.by === 'link')", arg=first)
    click_nav_link(page, first)
    fetches = page.evaluate(FETCHES, first)
    prefetch = next(f for f in fetches if f["by"] == "link")
    swap = [f for f in fetches if f["by"] != "link"]
    assert prefetch["body"] > 10_000 and prefetch["transferred"] >= prefetch["body"], fetches
    assert swap and all(f["transferred"] < f["body"] // 10 for f in swap), f"the click fetched the page again: {fetches}"

    nav_link(page, second).focus()
    page.wait_for_function(f"(url) => ({FETCHES})(url).some(f => f.by === 'link')", arg=second)


def test_a_reader_saving_data_gets_no_page_fetched_ahead_of_a_click(cached_page, site_server, built_site):
    """Under Save-Data a link under the pointer is left alone until it is clicked."""
    page = cached_page
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'connection', {get: () => ({saveData: true})})")
    target = site_server + pages_with_demos(built_site)[0]
    page.goto(site_server)
    wait_all(page, "live")
    features = page.evaluate("JSON.parse(document.getElementById('__config').textContent).features")
    assert "navigation.instant" in features and "navigation.instant.prefetch" not in features, features
    page.evaluate("performance.clearResourceTimings()")
    nav_link(page, target).hover()
    page.wait_for_timeout(500)  # Material asks for a prefetch 25 ms after the pointer moves
    click_nav_link(page, target)
    assert [f["by"] for f in page.evaluate(FETCHES, target)] == ["xmlhttprequest"]
