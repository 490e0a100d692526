"""The live figures in real Chromium, with real Pyodide and NumPy, against the built site.

Each test gets a fresh browser context (a cold cache, a new tab, so a new Pyodide) from the ``page``
fixture, which fails the test on any request leaving localhost and on any console or page error.
"""

from __future__ import annotations

import math

import pytest

import spectral_condition as sc
from browser_helpers import (assert_matches_native, chart, choice_param, click_nav_link, pages_with_demos, param,
                             root, shown_params, step_width, wait_all, wait_params, wait_state, width_experiment)

pytestmark = pytest.mark.browser


def test_every_demo_goes_live_and_the_width_slider_recomputes_natively_equal(page, site_server):
    name = width_experiment()
    w = param(name, "width")
    page.goto(site_server + "demos/")
    # Before Pyodide, every demo shows the figure the build computed: same numbers as native.
    assert page.locator("[data-demo]").count() == len(sc.names())
    assert_matches_native(page, name)
    wait_all(page, "live")
    assert page.evaluate("__spectralRuntime.starts") == 1
    versions = page.evaluate("__spectralRuntime.versions")
    assert versions["numpy"] == "2.0.2"

    slider = root(page, name).locator('input[name="width"]')
    before = chart(page, name)["data"]
    # Keyboard: one step right doubles the width (or halves it at the top of the range).
    start = shown_params(page, name)["width"]
    key, expected = ("ArrowRight", start * 2) if start < w["max"] else ("ArrowLeft", start // 2)
    slider.focus()
    page.keyboard.press(key)
    wait_params(page, name, "width", expected)
    assert chart(page, name)["data"] != before
    params = assert_matches_native(page, name)
    assert params["width"] == expected
    assert f"{name}.width={expected}" in page.url

    # A burst of steps (a fast drag): only the last one may end up on screen, whatever order the
    # replies come back in.
    k_min, k_max = int(math.log2(w["min"])), int(math.log2(w["max"]))
    k = int(math.log2(expected))
    for _ in range(4):
        key = "ArrowRight" if k < k_max else "ArrowLeft"
        k += 1 if key == "ArrowRight" else -1
        page.keyboard.press(key)
    page.keyboard.press("ArrowLeft" if k > k_min else "ArrowRight")
    k += -1 if k > k_min else 1
    wait_params(page, name, "width", 2 ** k)
    page.wait_for_timeout(300)  # a stale reply arriving late would redraw now
    assert shown_params(page, name)["width"] == 2 ** k
    assert_matches_native(page, name)

    # Mouse: a click at the slider's left end picks the smallest width.
    box = slider.bounding_box()
    page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
    wait_params(page, name, "width", w["min"])
    assert slider.get_attribute("data-value") == str(w["min"])
    assert_matches_native(page, name)
    assert page.locator(f'[data-demo="{name}"] .sc-demo__message:visible').count() == 0


def test_instant_navigation_keeps_the_one_pyodide(page, site_server, built_site):
    others = pages_with_demos(built_site)
    assert others, "no article page with a demo to navigate to"
    page.goto(site_server + "demos/")
    wait_all(page, "live")
    page.evaluate("window.__sameDocument = true")
    target = site_server + others[0]
    # Click the sidebar link to that page, as a reader would.
    click_nav_link(page, target)
    wait_all(page, "live")
    assert page.evaluate("window.__sameDocument") is True, "the click reloaded the page"
    assert page.evaluate("__spectralRuntime.starts") == 1
    wasm = [u for u in page.guard.requests if u.split("?")[0].endswith("pyodide.asm.wasm")]
    assert len(wasm) == 1, wasm
    # Math is typeset again after the swap (KaTeX over the new page's .arithmatex elements).
    if page.locator("article .arithmatex").count():
        assert page.locator("article .arithmatex .katex").count() > 0
    # And back: the demo page's figures come back live with the same worker.
    page.evaluate("document.querySelector('.md-content').__old = true")
    page.go_back()
    page.wait_for_url(site_server + "demos/")
    page.wait_for_function("() => !document.querySelector('.md-content').__old")
    assert page.locator("[data-demo]").count() == len(sc.names())
    wait_all(page, "live")
    assert page.evaluate("__spectralRuntime.starts") == 1


@pytest.mark.parametrize("raw, why", [("-3", "below the range"), ("0", "zero"), ("1e9", "above the range"),
                                      ("NaN", "not a number"), ("100", "not a power of two")])
def test_bad_width_in_the_url_is_clamped_with_a_note(page, site_server, raw, why):
    name = width_experiment()
    w = param(name, "width")
    page.goto(f"{site_server}demos/?{name}.width={raw}")
    x = float(raw)
    if math.isnan(x):
        want = w["default"]
    else:
        # nearest allowed power of two, in log scale
        k = round(math.log2(min(max(x, w["min"]), w["max"])))
        want = 2 ** k
    slider = root(page, name).locator('input[name="width"]')
    slider.wait_for()
    assert slider.get_attribute("data-value") == str(want), why
    note = root(page, name).locator(".sc-demo__note")
    assert note.is_visible()
    assert f"width={raw}" in note.inner_text() and str(want) in note.inner_text()


def test_unknown_choice_in_the_url_falls_back_and_computes_live(page, site_server):
    name, p = choice_param()
    wname = width_experiment()
    page.goto(f"{site_server}demos/?{name}.{p['name']}=no-such-choice&{wname}.width=-3")
    checked = root(page, name).locator(f'[name="{p["name"]}"]')
    checked.first.wait_for(state="attached")
    value = (checked.evaluate_all("els => (els.find(e => e.checked || e.tagName === 'SELECT') || {}).value"))
    assert value == p["default"]
    note = root(page, name).locator(".sc-demo__note")
    assert note.is_visible() and "no-such-choice" in note.inner_text()
    # Live, the clamped link is computed in the browser and equals native.
    wait_state(page, wname, "live")
    wait_params(page, wname, "width", param(wname, "width")["min"])
    assert_matches_native(page, wname)


def test_a_package_value_error_is_shown_next_to_the_controls(page, site_server):
    name = width_experiment()
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    bad = {**sc.defaults(name), "width": 100}
    with pytest.raises(ValueError) as native:
        sc.run(name, bad)
    page.evaluate("([name, params]) => __spectralRuntime.run(document.querySelector(`[data-demo='${name}']`), params)",
                  [name, {"width": 100}])
    message = root(page, name).locator(".sc-demo__message")
    message.wait_for(state="visible")
    assert message.inner_text() == str(native.value)
    assert root(page, name).get_attribute("data-state") == "live"
    # The next good input clears the message and draws again.
    slider = root(page, name).locator('input[name="width"]')
    slider.focus()
    start = shown_params(page, name)["width"]
    page.keyboard.press("ArrowLeft")
    wait_params(page, name, "width", max(start // 2, param(name, "width")["min"]))
    assert not message.is_visible()


def test_without_the_wasm_the_static_figures_stay_with_a_one_line_reason(page, site_server):
    page.route("**/pyodide.asm.wasm", lambda route: route.abort())
    page.allow_console_error(r"Failed to load resource|ERR_FAILED")
    page.goto(site_server + "demos/")
    wait_all(page, "error")
    for i in range(page.locator("[data-demo]").count()):
        demo = page.locator("[data-demo]").nth(i)
        name = demo.get_attribute("data-demo")
        assert len(chart(page, name)["data"]) > 0
        message = demo.locator(".sc-demo__message")
        text = message.inner_text()
        assert text.startswith("Live figures unavailable: could not load the Python runtime")
        assert "pyodide.asm.wasm" in text and "\n" not in text
        assert_matches_native(page, name)


def test_a_dead_worker_is_replaced_on_the_next_input(page, site_server):
    name = width_experiment()
    page.allow_console_error(r"unknown message type")
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    page.evaluate("__spectralRuntime.worker.postMessage({type: 'no-such-message'})")
    message = root(page, name).locator(".sc-demo__message")
    message.wait_for(state="visible")
    assert "worker stopped" in message.inner_text()
    step_width(page, name)
    assert page.evaluate("__spectralRuntime.starts") == 2
    assert_matches_native(page, name)
