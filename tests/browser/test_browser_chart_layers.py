"""A figure of several panels as the reader meets it: one Plotly instance per panel, stacked into one
chart, drawn a panel per task, and still one figure to hover, to click in the legend and to download.

Real Chromium, real Pyodide, the built site.
"""

from __future__ import annotations

import struct
from functools import cache

import pytest

import spectral_condition as sc
from browser_helpers import LIVE_TIMEOUT_MS, assert_matches_native, chart, root, step_width, wait_state

pytestmark = pytest.mark.browser


@cache
def panels(name: str) -> list[str]:
    """The x axes of the figure at its defaults, one per panel."""
    return [k for k in sc.run_figure(name, sc.defaults(name))["figure"]["layout"] if k.startswith("xaxis")]


@cache
def legend_outside_first_panel(name: str) -> bool:
    data = sc.run_figure(name, sc.defaults(name))["figure"]["data"]
    return any(t.get("xaxis", "x") != "x" and t.get("showlegend") is not False for t in data)


def multi_panel(legend_elsewhere: bool = False) -> str:
    """The first sweep figure of several panels (with legend entries from a panel other than the first)."""
    names = [n for n in sc.names() if sc.schemas()[n]["sweep"] and len(panels(n)) > 1
             and (not legend_elsewhere or legend_outside_first_panel(n))]
    assert names, "no sweep figure of several panels"
    return names[0]


def open_figure(page, site_server: str, built_site, name: str) -> None:
    """The article page that shows ``name``, once its figure is live."""
    rel = next(p.parent.relative_to(built_site).as_posix() for p in sorted(built_site.rglob("index.html"))
               if f'data-demo="{name}"' in p.read_text(encoding="utf-8") and "demos" not in p.parts)
    page.goto(f"{site_server}{rel}/")
    wait_state(page, name, "live", timeout=LIVE_TIMEOUT_MS)


# What each layer of a chart shows at this moment: its traces' uids and y values.
LAYER_DATA = """(chart) => Array.from(chart.querySelectorAll('.sc-layer'))
  .map((l) => JSON.parse(JSON.stringify((l.data || []).map((t) => [t.uid, t.y]))))"""

# The figure each answer hands the chart, as the observer of data-params sees it, and, right after
# each layer's draw (a timer queued by Plotly's afterplot event runs once that task is over, before any
# task queued after it), what the next layer shows then: what a panel drawn in the same task as the
# layer before it would already show anew.
RECORD_TASKS = """(name) => {
  const el = document.querySelector(`[data-demo="${name}"]`);
  const chart = el.querySelector('.sc-demo__chart');
  const layers = Array.from(chart.querySelectorAll('.sc-layer'));
  el.__figures = [];
  el.__afterLayer = [];
  new MutationObserver(() => el.__figures.push(
    JSON.parse(JSON.stringify(chart.__scFigure.data.map((t, i) => [String(i), t.y])))
  )).observe(el, {attributes: true, attributeFilter: ['data-params']});
  layers.forEach((layer, k) => layer.on('plotly_afterplot', () => setTimeout(() => el.__afterLayer.push({
    k, next: k + 1 < layers.length ? (%s)(chart)[k + 1] : null,
  }), 0)));
}""" % LAYER_DATA


def test_each_panel_is_an_instance_of_its_own_drawn_in_a_task_of_its_own(page, site_server, built_site):
    name = multi_panel()
    open_figure(page, site_server, built_site, name)
    el = root(page, name).locator(".sc-demo__chart")
    before = el.evaluate(LAYER_DATA)
    # The first layer holds the legend's stand-ins; then one layer per panel.
    assert len(before) == len(panels(name)) + 1
    assert all(uid.startswith("legend-") for uid, _ in before[0])
    page.evaluate(RECORD_TASKS, name)
    step_width(page, name)
    done = page.evaluate(f"async (name) => {{ const c = document.querySelector(`[data-demo=\"${{name}}\"] .sc-demo__chart`);"
                         f" while (c.hasAttribute('data-drawing')) await new Promise(r => setTimeout(r, 5));"
                         f" await new Promise(r => setTimeout(r, 50)); return ({LAYER_DATA})(c); }}", name)
    figures = page.evaluate(f"document.querySelector('[data-demo=\"{name}\"]').__figures")
    after_layer = page.evaluate(f"document.querySelector('[data-demo=\"{name}\"]').__afterLayer")
    assert len(figures) == 1, "one answer was expected for one notch"
    final = dict(map(tuple, figures[0]))
    # Every panel changes with the width, so a panel drawn with the layer before it would show it.
    for k in range(1, len(before)):
        assert any(final[uid] != y for uid, y in before[k]), f"panel {k} shows the same at both widths"
    # Every panel is drawn; the first layer (title and legend, the same at both widths) is not: see
    # the test below. Right after each panel's task, the next panel still shows the figure before.
    assert sorted({a["k"] for a in after_layer}) == list(range(1, len(before))), after_layer
    for k in range(1, len(before) - 1):
        first = next(a for a in after_layer if a["k"] == k)
        assert first["next"] == before[k + 1], f"layer {k + 1} was drawn in the task of layer {k}"
    # Once every task has run, each panel shows the answer: each trace once, in its own panel.
    shown = [pair for layer in done[1:] for pair in layer]
    assert sorted(uid for uid, _ in shown) == sorted(final)
    assert dict(map(tuple, shown)) == final
    assert_matches_native(page, name)


# The first layer of a chart: the title and legend entries it shows, those of the chart's figure, and
# its font colour.
HEADER = """(chart) => { const l = chart.querySelector('.sc-layer'), f = chart.__scFigure;
  return {shown: [l._fullLayout.title.text, l._fullData.map((t) => t.name)],
          figure: [f.layout.title.text, f.data.filter((t) => t.showlegend !== false).map((t) => t.name)],
          color: l._fullLayout.font.color}; }"""

# Plotly draws of each layer of the figure's chart since this was run, counted by its afterplot event.
COUNT_DRAWS = """(name) => { const chart = document.querySelector(`[data-demo="${name}"] .sc-demo__chart`);
  chart.__draws = Array.from(chart.querySelectorAll('.sc-layer')).map(() => 0);
  chart.querySelectorAll('.sc-layer').forEach((l, k) => l.on('plotly_afterplot', () => { chart.__draws[k] += 1; })); }"""


def test_a_layer_whose_part_of_the_figure_is_unchanged_is_not_drawn_again(page, site_server, built_site):
    """A width notch redraws every panel but not the first layer when its title and legend are the
    same: that layer still shows the new figure's. A palette switch changes every layer, the first too."""
    name = multi_panel()
    open_figure(page, site_server, built_site, name)
    el = root(page, name).locator(".sc-demo__chart")
    page.evaluate(COUNT_DRAWS, name)
    step_width(page, name)
    el.evaluate("async (c) => { while (c.hasAttribute('data-drawing')) await new Promise(r => setTimeout(r, 5)); }")
    assert el.evaluate("c => c.__draws") == [0] + [1] * len(panels(name))
    header = el.evaluate(HEADER)
    assert header["shown"] == header["figure"], header

    renders = int(el.get_attribute("data-renders"))
    page.locator('form[data-md-component="palette"] label:visible').first.click()
    page.wait_for_function("([c, n]) => Number(c.dataset.renders) > n && !c.hasAttribute('data-drawing')",
                           arg=[el.element_handle(), renders])
    assert el.evaluate("c => c.__draws") == [1] + [2] * len(panels(name))
    assert el.evaluate(HEADER)["color"] != header["color"]


def test_the_pointer_reaches_every_panel_through_the_layers_above_it(page, site_server, built_site):
    name = multi_panel()
    open_figure(page, site_server, built_site, name)
    layers = root(page, name).locator(".sc-layer")
    root(page, name).scroll_into_view_if_needed()
    for i in range(1, layers.count()):
        point = layers.nth(i).locator(".scatterlayer .point").first
        box = point.bounding_box()
        assert box, f"panel {i} shows no marker to hover"
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function("el => el.querySelectorAll('.hoverlayer .hovertext').length > 0",
                               arg=layers.nth(i).element_handle(), timeout=5_000)
        page.mouse.move(0, 0)


VISIBLE = """(chart) => Array.from(chart.querySelectorAll('.sc-layer')).slice(1)
  .flatMap((l) => l._fullData.map((t) => [Number(t.uid), t.visible]))
  .sort((a, b) => a[0] - b[0]).map(([, v]) => v)"""


def test_a_legend_click_hides_its_traces_in_every_panel_and_the_next_answer_keeps_them_hidden(
        page, site_server, built_site):
    name = multi_panel(legend_elsewhere=True)
    open_figure(page, site_server, built_site, name)
    el = root(page, name).locator(".sc-demo__chart")

    def traces():
        return el.evaluate("""c => c.__scFigure.data.map((t) => ({xaxis: t.xaxis || 'x', legendgroup: t.legendgroup,
                                                                    showlegend: t.showlegend}))""")

    def group(data, i):
        key = data[i]["legendgroup"]
        return {j for j, t in enumerate(data) if (key and t["legendgroup"] == key) or j == i}

    def hidden():
        page.wait_for_function("c => !c.hasAttribute('data-drawing')", arg=el.element_handle())
        return {i for i, v in enumerate(el.evaluate(VISIBLE)) if v == "legendonly"}

    data = traces()
    entries = [i for i, t in enumerate(data) if t["showlegend"] is not False]
    assert data[entries[-1]]["xaxis"] != "x"  # an entry of another panel than the first
    items = el.locator(".sc-layer").first.locator(".legend .traces")
    assert items.count() == len(entries)
    items.nth(0).click()
    page.wait_for_function(f"c => ({VISIBLE})(c).some(v => v === 'legendonly')", arg=el.element_handle())
    assert hidden() == group(data, entries[0])
    # The stand-in in the legend is greyed as Plotly greys a hidden trace.
    assert items.nth(0).evaluate("e => Number(getComputedStyle(e).opacity)") < 1

    # The next answer (another width: other traces, other indices) keeps that entry hidden.
    step_width(page, name)
    data = traces()
    entries = [i for i, t in enumerate(data) if t["showlegend"] is not False]
    assert hidden() == group(data, entries[0])

    # A double click on the entry of the other panel shows it alone; a second one shows all again.
    last = entries[-1]
    items.nth(len(entries) - 1).dblclick()
    page.wait_for_function(f"c => ({VISIBLE})(c).filter(v => v === true).length === {len(group(data, last))}",
                           arg=el.element_handle())
    assert hidden() == set(range(len(data))) - group(data, last)
    items.nth(len(entries) - 1).dblclick()
    page.wait_for_function(f"c => ({VISIBLE})(c).every(v => v === true)", arg=el.element_handle())


def test_the_mode_bar_downloads_the_whole_figure(page, site_server, built_site):
    name = multi_panel()
    open_figure(page, site_server, built_site, name)
    el = root(page, name).locator(".sc-demo__chart")
    el.hover()
    button = el.locator('.modebar-btn[data-title="Download plot as a png"]')
    assert button.count() == 1  # one mode bar for the chart, not one per panel
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == f"{name}.png"
    png = open(download.path(), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    size = el.locator(".sc-layer").first.evaluate("l => [l._fullLayout.width, l._fullLayout.height]")
    assert [width, height] == size
    assert len(chart(page, name)["data"]) == len(sc.run_figure(name, sc.defaults(name))["figure"]["data"])
