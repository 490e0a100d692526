"""Helpers for the real-browser tests: find demos, wait for states, read charts, compare with native."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import spectral_condition as sc
from numeric_compare import mismatches

LIVE_TIMEOUT_MS = 90_000  # Pyodide cold start is ~4-7 s here; generous for a loaded 2-core machine
REL = 1e-9  # the browser runs the same code on the same NumPy major version: float rounding only


def width_experiment() -> str:
    """The first experiment with a width slider, preferring the cheap ("norm") ones."""
    names = [n for n, s in sc.schemas().items() if any(p["name"] == "width" for p in s["params"])]
    assert names, "no registered experiment has a width parameter"
    names.sort(key=lambda n: (sc.schemas()[n]["cost"] != "norm", sc.names().index(n)))
    return names[0]


def sweep_experiment(cost: str = "norm") -> str:
    """The first experiment whose answer streams width by width (schema ``sweep``), of the given cost."""
    names = [n for n, s in sc.schemas().items() if s.get("sweep") and s["cost"] == cost]
    assert names, f"no registered sweep experiment of cost {cost!r}"
    return names[0]


def live_widths(name: str) -> list[int]:
    """Every width the slider offers, smallest first."""
    w = param(name, "width")
    return [2 ** k for k in range(w["min"].bit_length() - 1, w["live_max"].bit_length())]


def choice_param() -> tuple[str, dict[str, Any]]:
    """(experiment, param) of a choice parameter, preferring one named 'parameterization'."""
    found = [(n, p) for n, s in sc.schemas().items() for p in s["params"] if p["kind"] == "choice"]
    assert found, "no registered experiment has a choice parameter"
    found.sort(key=lambda np_: (np_[1]["name"] != "parameterization", sc.names().index(np_[0])))
    return found[0]


def param(name: str, pname: str) -> dict[str, Any]:
    (p,) = [p for p in sc.schemas()[name]["params"] if p["name"] == pname]
    return p


def root(page, name: str, nth: int = 0):
    return page.locator(f'[data-demo="{name}"]').nth(nth)


def wait_state(page, name: str, state: str, timeout: int = LIVE_TIMEOUT_MS, nth: int = 0) -> None:
    page.wait_for_function(
        """([name, nth, state]) => {
             const el = document.querySelectorAll(`[data-demo="${name}"]`)[nth];
             return el && el.dataset.state === state; }""",
        arg=[name, nth, state], timeout=timeout)


def wait_all(page, state: str, timeout: int = LIVE_TIMEOUT_MS) -> None:
    page.wait_for_function(
        """(state) => { const r = document.querySelectorAll('[data-demo]');
                        return r.length > 0 && Array.from(r).every(e => e.dataset.state === state); }""",
        arg=state, timeout=timeout)


def shown_params(page, name: str, nth: int = 0) -> dict[str, Any]:
    return json.loads(root(page, name, nth).get_attribute("data-params"))


def wait_params(page, name: str, pname: str, value: Any, nth: int = 0, timeout: int = 30_000) -> None:
    page.wait_for_function(
        """([name, nth, pname, value]) => {
             const el = document.querySelectorAll(`[data-demo="${name}"]`)[nth];
             return el && JSON.parse(el.dataset.params)[pname] === value && el.getAttribute('aria-busy') !== 'true'
                    && !el.querySelector('.sc-demo__chart').hasAttribute('data-drawing');
           }""",
        arg=[name, nth, pname, value], timeout=timeout)


# What a chart (a live figure's .sc-demo__chart, a notebook's .sc-figure) shows, read from Plotly:
# the traces of all its layers (one Plotly instance per panel) in the figure's order, without the
# first layer's legend stand-ins, and the title, which the first layer draws. A chart still drawing
# its layers (data-drawing) is read once they are all done.
SHOWN = """async (chart) => {
  while (chart.hasAttribute('data-drawing')) await new Promise((r) => setTimeout(r, 5));
  const layers = Array.from(chart.querySelectorAll('.sc-layer'));
  const traces = layers.flatMap((l) => l.data || []).filter((t) => !String(t.uid || '').startsWith('legend-'));
  if (layers.length > 1) traces.sort((a, b) => Number(a.uid) - Number(b.uid));
  return JSON.parse(JSON.stringify({data: traces, title: layers[0].layout.title}));
}"""


def chart(page, name: str, nth: int = 0) -> dict[str, Any]:
    """What Plotly is showing: the traces' data and the layout's title."""
    return root(page, name, nth).locator(".sc-demo__chart").evaluate(SHOWN)


def assert_chart_is_native(name: str, params: dict[str, Any], shown: dict[str, Any]) -> None:
    """``shown`` (as :func:`chart` reads it) equals what CPython computes at ``params``."""
    native = sc.run_figure(name, params)["figure"]
    # Plotly adds bookkeeping keys (uid, ...) to traces; compare the figure's own keys.
    data = [{k: tr.get(k) for k in want} for tr, want in zip(shown["data"], native["data"])]
    assert len(shown["data"]) == len(native["data"])
    bad = mismatches(native["data"], data, rel=REL)
    assert not bad, f"{name} {params}: {len(bad)} values differ from native, first: {bad[:5]}"
    assert shown["title"] == native["layout"]["title"]


def assert_matches_native(page, name: str, nth: int = 0) -> dict[str, Any]:
    """Every number in the chart equals what CPython computes for the params the page shows."""
    params = shown_params(page, name, nth)
    assert_chart_is_native(name, params, chart(page, name, nth))
    return params


# Each drawn answer sets data-pending and data-params on the root and hands the figure to the chart in
# one task; an observer of data-params therefore sees every answer once. The first layer is drawn in
# that task, the others in tasks of their own, so what is read is the figure the chart was handed
# (:func:`chart` reads what its layers show once they are done).
RECORD_DRAWS = """([name, nth]) => {
  const el = document.querySelectorAll(`[data-demo="${name}"]`)[nth];
  const chart = el.querySelector('.sc-demo__chart');
  const busy = el.querySelector('.sc-demo__busy');
  el.__draws = [];
  new MutationObserver(() => el.__draws.push({
    params: JSON.parse(el.dataset.params), pending: JSON.parse(el.dataset.pending),
    busy: el.getAttribute('aria-busy') === 'true',
    busyText: busy.textContent,
    data: JSON.parse(JSON.stringify(chart.__scFigure.data)),
    title: JSON.parse(JSON.stringify(chart.__scFigure.layout.title)),
  })).observe(el, {attributes: true, attributeFilter: ['data-params']});
}"""


def record_draws(page, name: str, nth: int = 0) -> None:
    """From now on, keep every answer the demo draws (see :func:`draws`)."""
    page.evaluate(RECORD_DRAWS, [name, nth])


def draws(page, name: str, nth: int = 0, start: int = 0) -> list[dict[str, Any]]:
    """The answers drawn since :func:`record_draws`, from the ``start``-th on: {params, pending, busy,
    busyText, data, title} each, ``data`` and ``title`` as :func:`chart` reads them."""
    return page.evaluate("""([name, nth, start]) =>
        document.querySelectorAll(`[data-demo="${name}"]`)[nth].__draws.slice(start)""", [name, nth, start])


def draw_count(page, name: str, nth: int = 0) -> int:
    return page.evaluate("""([name, nth]) =>
        document.querySelectorAll(`[data-demo="${name}"]`)[nth].__draws.length""", [name, nth])


def pages_with_demos(site: Path) -> list[str]:
    """Site-relative URLs of built pages (other than the demo page) that hold a demo."""
    out = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if rel in ("demos", ".") or rel.startswith("assets"):
            continue
        if re.search(r'data-demo="[^"]+"', html.read_text(encoding="utf-8")):
            out.append(rel + "/")
    return out


def nav_link(page, target: str):
    """The sidebar link to ``target`` (absolute URL)."""
    links = page.locator(".md-nav--primary a.md-nav__link")
    index = links.evaluate_all("(links, target) => links.findIndex(a => a.href === target)", target)
    assert index >= 0, f"no nav link to {target}"
    return links.nth(index)


def click_nav_link(page, target: str) -> None:
    """Click the sidebar link to ``target`` (absolute URL), wait until the new content is in, and
    check that it came by instant navigation: the same document, its content swapped.

    Material's instant navigation changes the URL before it swaps the content, so waiting for the
    URL alone would look at the old page; the old content element is marked and must be gone. A
    full page load would also bring a content element without the mark, so the window is marked too.
    """
    link = nav_link(page, target)
    page.evaluate("window.__sameDocument = true; document.querySelector('.md-content').__old = true")
    link.click()
    page.wait_for_url(target)
    page.wait_for_function("() => { const c = document.querySelector('.md-content'); return c && !c.__old; }")
    assert page.evaluate("window.__sameDocument === true"), f"{target} was loaded as a new document, not swapped in"


def step_width(page, name: str, nth: int = 0) -> int:
    """Press one arrow key on a demo's width slider, as a reader would, and wait for the new width.

    Doubles the width, or halves it at the top of the range; returns the width now shown.
    """
    slider = root(page, name, nth).locator('input[name="width"]')
    slider.focus()
    start = shown_params(page, name, nth)["width"]
    top = param(name, "width")["live_max"]  # the slider's top: the browser budget
    key, expected = ("ArrowRight", start * 2) if start < top else ("ArrowLeft", start // 2)
    page.keyboard.press(key)
    wait_params(page, name, "width", expected, nth)
    return expected
