"""Every demo on every article page goes live in one reading session and answers its first control.

The reader's path: open the landing page, then follow the sidebar to each page with a figure
(instant navigation, so one Pyodide serves them all). On each page every demo must reach `live`,
and a key press on its width slider (its first control where it has no width) must redraw the chart
with the numbers the package computes natively. The ``page`` fixture fails the test on any request
leaving localhost and on any console error.
"""

from __future__ import annotations


import pytest

from browser_helpers import LIVE_TIMEOUT_MS, SHOWN, click_nav_link, pages_with_demos, wait_all
from numeric_compare import mismatches

import spectral_condition as sc

pytestmark = pytest.mark.browser

READ_DEMO = f"""async (i) => {{ const el = document.querySelectorAll('[data-demo]')[i];
  const shown = await ({SHOWN})(el.querySelector('.sc-demo__chart'));
  return {{name: el.dataset.demo, params: JSON.parse(el.dataset.params), data: shown.data}}; }}"""


def _respond(page, i: int) -> tuple[str, dict]:
    """Press an arrow key on demo i's width slider (or first control) and return what it then shows."""
    root = page.locator("[data-demo]").nth(i)
    before = page.evaluate(READ_DEMO, i)
    width = root.locator('input[name="width"]')
    control = width if width.count() else root.locator("input, select").first
    name = control.get_attribute("name")
    assert control.get_attribute("type") == "range", f"{before['name']}: first control is not a slider"
    # Halving is cheaper than doubling; at the bottom of the range go up instead.
    at_min = control.evaluate("el => Number(el.value) <= Number(el.min)")
    control.focus()
    page.keyboard.press("ArrowRight" if at_min else "ArrowLeft")
    page.wait_for_function(
        """([i, name, old]) => { const el = document.querySelectorAll('[data-demo]')[i];
             return JSON.parse(el.dataset.params)[name] !== old && el.dataset.state === 'live'
                    && el.getAttribute('aria-busy') !== 'true'; }""",
        arg=[i, name, before["params"][name]], timeout=LIVE_TIMEOUT_MS)
    after = page.evaluate(READ_DEMO, i)
    assert after["data"] != before["data"], f"{before['name']}: the chart did not change when {name} moved"
    return after["name"], after


def test_every_demo_on_every_page_goes_live_and_answers_its_width_control(page, site_server, built_site):
    pages = pages_with_demos(built_site)  # article pages other than the landing page
    assert len(pages) >= 7, pages  # sections 2-8 all carry figures
    pages = [""] + pages  # the landing page has one above the fold
    page.goto(site_server)
    visited, demos = 0, 0
    for rel in pages:
        target = site_server + rel
        if page.url != target:
            click_nav_link(page, target)
        wait_all(page, "live")
        visited += 1
        for i in range(page.locator("[data-demo]").count()):
            name, shown = _respond(page, i)
            native = sc.run_figure(name, shown["params"])["figure"]["data"]
            got = [{k: tr.get(k) for k in want} for tr, want in zip(shown["data"], native)]
            bad = mismatches(native, got, rel=1e-9)
            assert not bad, f"{rel} {name} {shown['params']}: {bad[:3]}"
            demos += 1
    assert page.evaluate("__spectralRuntime.starts") == 1, "navigation started a second Pyodide"
    print(f"\narticle in the browser: {visited} pages with figures, {demos} live demos, "
          f"each answered its width control with native-equal numbers")
