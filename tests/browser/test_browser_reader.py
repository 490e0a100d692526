"""No dead ends for a reader, in real Chromium with real Pyodide: a worker that dies is noticed and
replaced, controls say why they are off when live figures are unavailable, every figure can go back
to its defaults, help is reachable by touch and keyboard, and math reads typeset without JavaScript.

Uses the ``page`` fixture (fails on requests leaving localhost and on console or page errors) and the
built site served by ``site_server``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

import spectral_condition as sc
from browser_helpers import (LIVE_TIMEOUT_MS, assert_matches_native, choice_param, param, root, shown_params,
                             step_width, wait_all, wait_params, wait_state, width_experiment)
from conftest import Guard

pytestmark = pytest.mark.browser

RAW = re.compile(r"_\{|\^\{|\\\(|\\\)|\\\[|\\\]|\$[^$\s][^$]*\$")

# The article's text a reader sees: rendered text outside code (code is code) and outside KaTeX's
# MathML (for assistive technology, clipped out of sight).
SEEN_TEXT = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (el.closest('pre, code, script, style, .katex-mathml')) continue;
    if (!el.getClientRects().length) continue;
    out.push(n.textContent);
  }
  return out.join(' ');
}"""


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _busy(page) -> list[str]:
    return page.evaluate("Array.from(document.querySelectorAll('.sc-demo[aria-busy=true]')).map(e => e.dataset.demo)")


def test_a_terminated_worker_is_noticed_replaced_and_the_figure_answers(page, site_server):
    name = width_experiment()
    page.goto(site_server + "demos/")
    wait_all(page, "live")
    # A terminated worker sends nothing at all; only the silence tells. Shortened for the test.
    page.evaluate("__spectralRuntime.stallMs = 3000; __spectralRuntime.worker.terminate()")
    slider = root(page, name).locator('input[name="width"]')
    slider.focus()
    start = shown_params(page, name)["width"]
    top = param(name, "width")["live_max"]
    key, expected = ("ArrowRight", start * 2) if start < top else ("ArrowLeft", start // 2)
    page.keyboard.press(key)
    message = root(page, name).locator(".sc-demo__message")
    message.wait_for(state="visible", timeout=30_000)
    text = message.inner_text()
    assert "stopped answering" in text and "restarting" in text, text
    wait_params(page, name, "width", expected, timeout=LIVE_TIMEOUT_MS)
    assert page.evaluate("[__spectralRuntime.starts, __spectralRuntime.restarts]") == [2, 1]
    assert not message.is_visible()
    assert_matches_native(page, name)
    wait_all(page, "live")
    assert _busy(page) == []
    # The new worker answers the next input as usual.
    step_width(page, name)
    assert page.evaluate("__spectralRuntime.starts") == 2


def test_a_request_in_flight_when_the_worker_dies_is_sent_again(page, site_server):
    name = width_experiment()
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    page.evaluate("__spectralRuntime.stallMs = 3000")
    smallest = param(name, "width")["min"]
    # Asked, and the worker gone before it could answer: nothing may stay on "computing…".
    page.evaluate("""([name, width]) => {
        const el = document.querySelector(`[data-demo="${name}"]`);
        __spectralRuntime.run(el, {width});
        __spectralRuntime.worker.terminate(); }""", [name, smallest])
    # No answer can come, so the figure is marked busy once the input has waited ackDelayMs.
    page.wait_for_function("(name) => document.querySelector(`[data-demo=\"${name}\"]`).getAttribute('aria-busy') === 'true'",
                           arg=name)
    wait_params(page, name, "width", smallest, timeout=LIVE_TIMEOUT_MS)
    assert page.evaluate("__spectralRuntime.restarts") == 1
    assert_matches_native(page, name)
    assert _busy(page) == []


def test_without_a_runtime_the_controls_are_off_with_the_reason_and_clicks_change_nothing(page, site_server):
    page.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="missing"))
    page.allow_console_error(r"Failed to load resource|404")
    name, choice = choice_param()
    page.goto(site_server + "demos/")
    wait_all(page, "error")
    url = page.url
    demo = root(page, name)
    params = shown_params(page, name)
    message = demo.locator(".sc-demo__message")
    assert message.is_visible()
    reason = message.inner_text()
    assert reason.startswith("Live figures unavailable:") and "controls are off" in reason, reason
    off = page.evaluate("""() => Array.from(document.querySelectorAll('.sc-demo input, .sc-demo select,'
                                                                     + ' .sc-demo__reset'))
        .filter(el => !el.disabled).map(el => el.name || el.className)""")
    assert off == [], f"controls still on: {off[:5]}"
    # Each control names the visible reason as its description.
    described = demo.locator(f'input[name="{choice["name"]}"]').first.evaluate(
        "el => (el.closest('fieldset') || el).getAttribute('aria-describedby')")
    assert message.get_attribute("id") in described.split()
    # A click on another choice, and on the slider's far end, changes neither the figure nor the link.
    other = next(c for c in choice["choices"] if c != params[choice["name"]])
    box = demo.locator(f'input[name="{choice["name"]}"][value="{other}"]').locator("..").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    if demo.locator('input[name="width"]').count():
        box = demo.locator('input[name="width"]').bounding_box()
        page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(400)  # past the link writer's 100 ms
    assert page.url == url
    assert shown_params(page, name) == params
    checked = demo.locator(f'input[name="{choice["name"]}"]:checked').get_attribute("value")
    assert checked == params[choice["name"]]
    assert_matches_native(page, name)


def test_reset_restores_the_defaults_and_the_link_by_keyboard(page, site_server):
    name = width_experiment()
    defaults = sc.defaults(name)
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    width = step_width(page, name)
    demo = root(page, name)
    changed = {"width": width}
    choices = [p for p in sc.schemas()[name]["params"] if p["kind"] == "choice" and len(p["choices"]) <= 5]
    if choices:
        p = choices[0]
        other = next(c for c in p["choices"] if c != defaults[p["name"]])
        demo.locator(f'input[name="{p["name"]}"][value="{other}"]').locator("..").click()
        wait_params(page, name, p["name"], other)
        changed[p["name"]] = other
    page.wait_for_function(
        "([name, keys]) => keys.every(k => new URLSearchParams(location.search).has(`${name}.${k}`))",
        arg=[name, list(changed)])

    reset = demo.get_by_role("button", name="Reset to defaults")
    reset.focus()
    page.keyboard.press("Enter")
    wait_params(page, name, "width", defaults["width"])
    assert shown_params(page, name) == defaults
    page.wait_for_function(
        "name => ![...new URLSearchParams(location.search).keys()].some(k => k.startsWith(name + '.'))", arg=name)
    slider = demo.locator('input[name="width"]')
    assert slider.get_attribute("data-value") == str(defaults["width"])
    for p in choices[:1]:
        assert demo.locator(f'input[name="{p["name"]}"]:checked').get_attribute("value") == defaults[p["name"]]
    assert_matches_native(page, name)
    assert _busy(page) == []
    # The controls work on from the defaults.
    step_width(page, name)


def test_help_is_shown_by_keyboard_and_is_each_controls_description(page, site_server):
    name = width_experiment()
    page.goto(site_server + "demos/")
    demo = root(page, name)
    demo.locator(".sc-control").first.wait_for()
    button = demo.locator('.sc-control__info').first
    help_id = button.get_attribute("aria-controls")
    helptext = page.locator(f"#{help_id}")
    assert not helptext.is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert helptext.is_visible() and button.get_attribute("aria-expanded") == "true"
    text = helptext.inner_text()
    assert len(text) > 10 and not RAW.search(text), text
    page.keyboard.press("Space")
    assert not helptext.is_visible() and button.get_attribute("aria-expanded") == "false"
    # Screen readers get the help as the input's description, shown or not.
    described = demo.locator('input[name="width"]').get_attribute("aria-describedby") or ""
    assert any(page.locator(f"#{i}").count() for i in described.split())
    # Every parameter with help has a button for it.
    with_help = [p for p in sc.schemas()[name]["params"] if p["help"]]
    assert demo.locator(".sc-control__info").count() == len(with_help)


def test_help_is_shown_by_a_tap_on_a_phone(browser, site_server):
    guard = Guard()
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    try:
        context.route("**/*", guard.route)
        page = context.new_page()
        page.on("pageerror", guard.pageerror)
        page.goto(site_server + "demos/")
        button = page.locator(".sc-demo .sc-control__info").first
        button.wait_for()
        helptext = page.locator("#" + button.get_attribute("aria-controls"))
        button.scroll_into_view_if_needed()
        button.tap()
        assert helptext.is_visible()
        box = helptext.bounding_box()
        assert box["width"] > 0 and box["x"] + box["width"] <= 390 + 1, box
        button.tap()
        assert not helptext.is_visible()
    finally:
        context.close()
    assert not guard.problems, guard.problems


def test_controls_show_typeset_math_and_no_tex(page, site_server):
    page.goto(site_server + "demos/")
    page.locator(".sc-control").first.wait_for()
    controls = page.locator(".sc-demo__controls")
    assert page.locator(".sc-demo__controls .katex").count() > 20
    texts = controls.evaluate_all("els => els.map(e => e.innerText)")
    bad = [t for t in texts if RAW.search(t)]
    assert not bad, bad[:3]
    # Typeset labels keep the controls' layout: each label and each choice on one line.
    tall = page.evaluate("""() => Array.from(document.querySelectorAll(
          '.sc-segmented label, .sc-control > label, .sc-control > legend'))
        .map(el => [el.textContent.slice(0, 40), el.getBoundingClientRect().height]).filter(([, h]) => h > 40)""")
    assert tall == [], tall[:5]


def test_without_javascript_math_is_typeset_and_reads_as_math(browser, site_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        for path in ("", "05-updates/", "reference/", "notebooks/coord_check/"):
            page.goto(site_server + path)
            shown = page.locator("article .arithmatex .katex-html")
            assert shown.count() > 5, path
            box = shown.first.bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0, path
            # KaTeX's stylesheet is in effect: its fonts, not the page's.
            font = shown.first.evaluate("el => getComputedStyle(el.closest('.katex')).fontFamily")
            assert "KaTeX" in font, font
            text = page.evaluate(SEEN_TEXT)
            raw = RAW.findall(text)
            assert not raw, f"{path}: raw TeX without JavaScript: {raw[:5]}"
    finally:
        context.close()
