"""The live figures in real Chromium, with real Pyodide and NumPy, against the built site.

Each test gets a fresh browser context (a cold cache, a new tab, so a new Pyodide) from the ``page``
fixture, which fails the test on any request leaving localhost and on any console or page error.
"""

from __future__ import annotations

import json
import math

import pytest

import spectral_condition as sc
from browser_helpers import (LIVE_TIMEOUT_MS, assert_chart_is_native, assert_matches_native, chart, choice_param,
                             click_nav_link, draw_count, draws, live_widths, pages_with_demos, param,
                             record_draws, root, shown_params, step_width, sweep_experiment, wait_all,
                             wait_params, wait_state, width_experiment)
from spectral_condition import web

pytestmark = pytest.mark.browser


# A seed no page shows: the build precomputed none of its widths, so Pyodide computes every one.
LIVE_SEED = 57


def open_at_live_seed(page, site_server: str, name: str, compute_ahead: bool = True) -> None:
    """The page of all figures from a link that sets ``name``'s seed to LIVE_SEED, once it is shown.

    Without ``compute_ahead`` the worker never computes a width before it is asked for: the page
    opens without the link (which asks for nothing) and the seed is asked for once that is off.
    """
    if compute_ahead:
        page.goto(f"{site_server}demos/?{name}.seed={LIVE_SEED}")
        wait_state(page, name, "live")
    else:
        page.goto(site_server + "demos/")
        wait_state(page, name, "live")
        page.evaluate("""(name) => { __spectralRuntime.computeAhead = false;
            __spectralRuntime.run(document.querySelector(`[data-demo="${name}"]`), {seed: %d}); }""" % LIVE_SEED,
                      name)
    wait_params(page, name, "seed", LIVE_SEED, timeout=LIVE_TIMEOUT_MS)


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
    # A seed the page does not show (End: the slider's top), so that Pyodide computes every width
    # below, none of it precomputed by the build.
    root(page, name).locator('input[name="seed"]').focus()
    page.keyboard.press("End")
    wait_params(page, name, "seed", param(name, "seed")["max"], timeout=LIVE_TIMEOUT_MS)
    assert_matches_native(page, name)

    slider = root(page, name).locator('input[name="width"]')
    before = chart(page, name)["data"]
    # Keyboard: one step right doubles the width (or halves it at the top of the range).
    start = shown_params(page, name)["width"]
    key, expected = ("ArrowRight", start * 2) if start < w["live_max"] else ("ArrowLeft", start // 2)
    slider.focus()
    page.keyboard.press(key)
    wait_params(page, name, "width", expected)
    assert chart(page, name)["data"] != before
    params = assert_matches_native(page, name)
    assert params["width"] == expected
    assert f"{name}.width={expected}" in page.url

    # A burst of steps (a fast drag): only the last one may end up on screen, whatever order the
    # replies come back in.
    k_min, k_max = int(math.log2(w["min"])), int(math.log2(w["live_max"]))
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


def test_a_sweep_streams_its_widths_in_order_and_every_drawn_figure_is_native(page, site_server):
    name = sweep_experiment()
    widths = live_widths(name)
    open_at_live_seed(page, site_server, name, compute_ahead=False)
    record_draws(page, name)
    slider = root(page, name).locator('input[name="width"]')
    slider.focus()
    # Up to the slider's top one notch at a time, each answer finished before the next key press.
    presses = []  # (width asked, index of its first drawn answer)
    width = shown_params(page, name)["width"]
    while width < widths[-1]:
        presses.append((width * 2, draw_count(page, name)))
        page.keyboard.press("ArrowRight")
        width *= 2
        wait_params(page, name, "width", width, timeout=LIVE_TIMEOUT_MS)
    assert len(presses) >= 2, "the default width leaves too few notches above it"
    assert slider.get_attribute("data-value") == str(widths[-1])

    shown = draws(page, name)
    ends = [start for _, start in presses[1:]] + [len(shown)]
    for i, ((asked, start), end) in enumerate(zip(presses, ends)):
        drawn = [d["params"]["width"] for d in shown[start:end]]
        # Answers that arrive within one frame are drawn once, as the newest of them: so the drawn
        # widths are some of the streamed ones, in order, and always end with the asked one.
        assert drawn and drawn[-1] == asked and drawn == sorted(set(drawn)), drawn
        if i == 0:
            # A cold cache: every drawn width is one the sweep computes on the way up.
            assert set(drawn) <= {w for w in widths if w <= asked}, drawn
        else:
            # What was already computed, at once, then the one new width.
            assert set(drawn) <= {presses[i - 1][0], asked}, drawn
        for d in shown[start:end]:
            n = d["params"]["width"]
            assert d["pending"] == [w for w in widths if n < w <= asked], d["pending"]
            if d["pending"]:
                assert d["busy"] and d["busyText"] == "computing n = " + ", ".join(map(str, d["pending"])) + "…"
            else:
                assert not d["busy"], "still busy after the final answer"
    for d in shown:
        assert_chart_is_native(name, d["params"], {"data": d["data"], "title": d["title"]})


def test_a_notch_up_marks_the_pending_width_and_draws_only_the_final_figure(page, site_server):
    """One notch up, the figure on screen already holds every known width: the page marks the width
    being computed and redraws once, when it is done (a redraw of the same figure would take the
    main thread for nothing)."""
    name = sweep_experiment()
    open_at_live_seed(page, site_server, name, compute_ahead=False)
    start = shown_params(page, name)["width"]
    assert 2 * start <= param(name, "width")["live_max"]
    page.evaluate("""(name) => {
        const el = document.querySelector(`[data-demo="${name}"]`);
        el.__pendings = [];
        new MutationObserver(() => el.__pendings.push(JSON.parse(el.dataset.pending)))
          .observe(el, {attributes: true, attributeFilter: ['data-pending']}); }""", name)
    renders = int(root(page, name).locator(".sc-demo__chart").get_attribute("data-renders"))
    record_draws(page, name)
    up = step_width(page, name)
    assert up == 2 * start
    assert [(d["params"]["width"], d["pending"]) for d in draws(page, name)] == [(up, [])]
    assert int(root(page, name).locator(".sc-demo__chart").get_attribute("data-renders")) == renders + 1
    pendings = page.evaluate(f"""document.querySelector('[data-demo="{name}"]').__pendings""")
    assert pendings[0] == [up] and pendings[-1] == [], pendings
    assert_matches_native(page, name)


@pytest.mark.parametrize("cost", ["norm", "training"])
def test_the_next_notch_up_is_computed_while_the_reader_looks_at_the_figure(page, site_server, cost):
    """Once the worker has answered the reader's newest request and nothing else waits, it computes the
    next width notch: the reader's notch up is then one complete answer, nothing marked pending, equal
    to native. At the slider's top there is nothing above to compute."""
    name = sweep_experiment(cost)
    widths = live_widths(name)
    open_at_live_seed(page, site_server, name)
    assert shown_params(page, name)["width"] < widths[-1]
    record_draws(page, name)
    # Every width the page marks as being computed, from now on.
    page.evaluate("""(name) => {
        const el = document.querySelector(`[data-demo="${name}"]`);
        el.__pendings = [];
        new MutationObserver(() => el.__pendings.push(...JSON.parse(el.dataset.pending)))
          .observe(el, {attributes: true, attributeFilter: ['data-pending']}); }""", name)
    done = 0
    while shown_params(page, name)["width"] < widths[-1]:
        done += 1
        page.wait_for_function(f"__spectralRuntime.computedAhead >= {done}", timeout=LIVE_TIMEOUT_MS)
        start = draw_count(page, name)
        up = step_width(page, name)
        assert [(d["params"]["width"], d["pending"], d["busy"]) for d in draws(page, name, start=start)] == \
            [(up, [], False)]
    assert page.evaluate(f"""document.querySelector('[data-demo="{name}"]').__pendings""") == []
    assert_matches_native(page, name)
    # The worker answered the top notch and had time for a computation ahead: it found none.
    page.evaluate(f"""(name) => __spectralRuntime.run(document.querySelector(`[data-demo="${{name}}"]`),
                                                     {{width: {widths[0]}}})""", name)
    wait_params(page, name, "width", widths[0])
    assert page.evaluate("__spectralRuntime.computedAhead") == done


def test_going_back_to_a_value_just_answered_is_drawn_from_the_page_at_once(page, site_server):
    """An answer is a function of its request: a notch down right after a notch up, while the worker
    computes the next notch ahead, is drawn from the answer the page kept, without waiting for the
    worker, and equals native. An answer to a link's values is not kept (it carries their notes)."""
    name = sweep_experiment()
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    start = shown_params(page, name)["width"]
    assert 2 * start < param(name, "width")["live_max"]
    # A seed no page shows, asked for as an input: nothing of it is precomputed.
    page.evaluate(f"""(name) => __spectralRuntime.run(document.querySelector(`[data-demo="${{name}}"]`),
                                                     {{seed: {LIVE_SEED}}})""", name)
    wait_params(page, name, "seed", LIVE_SEED, timeout=LIVE_TIMEOUT_MS)
    record_draws(page, name)
    recalled = page.evaluate("__spectralRuntime.recalled")
    assert step_width(page, name) == 2 * start
    page.keyboard.press("ArrowLeft")
    wait_params(page, name, "width", start)
    assert page.evaluate("__spectralRuntime.recalled") == recalled + 1
    assert [(d["params"]["width"], d["pending"], d["busy"]) for d in draws(page, name)] == \
        [(2 * start, [], False), (start, [], False)]
    assert_matches_native(page, name)

    # Back up: kept too. A link's answer is not: the page opened from one asks the worker again.
    page.keyboard.press("ArrowRight")
    wait_params(page, name, "width", 2 * start)
    assert page.evaluate("__spectralRuntime.recalled") == recalled + 2
    page.goto(f"{site_server}demos/?{name}.seed={LIVE_SEED}")
    wait_state(page, name, "live")
    wait_params(page, name, "seed", LIVE_SEED, timeout=LIVE_TIMEOUT_MS)
    assert step_width(page, name) == 2 * start
    page.keyboard.press("ArrowLeft")
    wait_params(page, name, "width", start)
    assert page.evaluate("__spectralRuntime.recalled") == 0
    assert_matches_native(page, name)


@pytest.mark.parametrize("cost", ["norm", "training"])
def test_the_figure_as_the_page_shows_it_answers_every_width_at_once(page, site_server, cost):
    """The build computed every width of the page's own parameters: each notch up to the slider's top
    is one complete answer, nothing pending, equal to native."""
    name = sweep_experiment(cost)
    widths = live_widths(name)
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    record_draws(page, name)
    slider = root(page, name).locator('input[name="width"]')
    slider.focus()
    width = shown_params(page, name)["width"]
    presses = 0
    while width < widths[-1]:
        page.keyboard.press("ArrowRight")
        width *= 2
        presses += 1
        wait_params(page, name, "width", width)
    assert presses >= 2
    shown = draws(page, name)
    assert [(d["params"]["width"], d["pending"], d["busy"]) for d in shown] == \
        [(w, [], False) for w in widths if w > widths[-1] >> presses], "a width was computed in the browser"
    assert_matches_native(page, name)


# Ask for `big` (params), and the moment its first partial answer is drawn (its stream under way) for
# `small`. Resolves to the number of answers drawn before the small request.
ASK_BIG_THEN_SMALL = """([name, big, small]) => new Promise((resolve) => {
  const el = document.querySelector(`[data-demo="${name}"]`);
  const watch = new MutationObserver(() => {
    if (JSON.parse(el.dataset.pending).length === 0) return;
    watch.disconnect();
    const drawn = el.__draws.length;
    __spectralRuntime.run(el, {width: small});
    resolve(drawn);
  });
  watch.observe(el, {attributes: true, attributeFilter: ['data-pending']});
  __spectralRuntime.run(el, big);
})"""


def test_the_newest_request_wins_and_the_worker_abandons_the_older_one(page, site_server):
    name = sweep_experiment("training")
    widths = live_widths(name)
    big, small, smallest = widths[-1], widths[1], widths[0]
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    record_draws(page, name)
    abandoned = page.evaluate("__spectralRuntime.abandoned")

    # A newer request while the older one streams.
    # A seed no request has used, so none of its widths is cached, and every other count at its top:
    # its widths take seconds, while the page answers its first partial figure within a frame or a
    # few (drawing it included) and so the small request arrives while it still streams.
    heavy = {p.name: p.upper(live=True) for p in web.get(name).params
             if p.kind == "int" and p.name not in ("width", "seed")}
    before = page.evaluate(ASK_BIG_THEN_SMALL, [name, {**heavy, "width": big, "seed": 98}, small])
    wait_params(page, name, "width", small, timeout=LIVE_TIMEOUT_MS)
    assert page.evaluate("__spectralRuntime.abandoned") == abandoned + 1
    shown = draws(page, name)
    assert before >= 1 and big in shown[before - 1]["pending"], shown[before - 1]["pending"]
    after = shown[before:]
    # Only the small request is drawn from then on: what it knew at once, then its own widths.
    assert after and all(d["params"]["width"] <= small and all(w <= small for w in d["pending"]) for d in after), \
        [(d["params"]["width"], d["pending"]) for d in after]
    assert after[-1]["params"]["width"] == small and after[-1]["pending"] == []
    assert_matches_native(page, name)

    # Both requests in one task: the older never gets drawn. Its seed is one no request has used, so
    # none of its widths is cached and it cannot finish before the newer one arrives.
    assert "seed" in [p["name"] for p in sc.schemas()[name]["params"]]
    start = draw_count(page, name)
    page.evaluate("""([name, big, smallest]) => {
        const el = document.querySelector(`[data-demo="${name}"]`);
        __spectralRuntime.run(el, {width: big, seed: 97});
        __spectralRuntime.run(el, {width: smallest}); }""", [name, big, smallest])
    wait_params(page, name, "width", smallest, timeout=LIVE_TIMEOUT_MS)
    assert page.evaluate("__spectralRuntime.abandoned") == abandoned + 2
    assert [d["params"]["width"] for d in draws(page, name, start=start)] == [smallest]
    assert_matches_native(page, name)


def test_moving_the_width_down_after_up_is_answered_from_the_cache(page, site_server):
    name = sweep_experiment()
    open_at_live_seed(page, site_server, name)
    start = shown_params(page, name)["width"]
    assert start < param(name, "width")["live_max"]
    up = step_width(page, name)
    assert up == 2 * start
    record_draws(page, name)
    # The figure is only redrawn, never marked busy or dimmed on the way (that would restyle and
    # repaint it twice around the redraw). The wait before marking is made long here, so that the
    # outcome cannot depend on how fast this machine answers.
    page.evaluate("""(name) => {
        __spectralRuntime.ackDelayMs = 60000;
        const el = document.querySelector(`[data-demo="${name}"]`);
        el.__marks = [];
        new MutationObserver(() => el.__marks.push(`stale=${el.hasAttribute('data-stale')} aria-busy=${el.getAttribute('aria-busy')}`))
          .observe(el, {attributes: true, attributeFilter: ['data-stale', 'aria-busy']}); }""", name)
    root(page, name).locator('input[name="width"]').focus()
    page.keyboard.press("ArrowLeft")
    wait_params(page, name, "width", start)
    # One answer, complete at once: no width left to compute.
    assert [(d["params"]["width"], d["pending"]) for d in draws(page, name)] == [(start, [])]
    marks = page.evaluate(f"""document.querySelector('[data-demo="{name}"]').__marks""")
    assert not any("stale=true" in m or "aria-busy=true" in m for m in marks), marks
    assert root(page, name).get_attribute("data-pending") == "[]"
    assert_matches_native(page, name)


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
        # nearest allowed power of two within the slider's range, in log scale
        k = round(math.log2(min(max(x, w["min"]), w["live_max"])))
        want = 2 ** k
    # The package answers the link once Pyodide is up; the note and the controls follow its answer.
    note = root(page, name).locator(".sc-demo__note")
    note.wait_for(state="visible", timeout=LIVE_TIMEOUT_MS)
    slider = root(page, name).locator('input[name="width"]')
    assert slider.get_attribute("data-value") == str(want), why
    assert f"width={raw}" in note.inner_text() and str(want) in note.inner_text()


def test_unknown_choice_in_the_url_falls_back_and_computes_live(page, site_server):
    name, p = choice_param()
    wname = width_experiment()
    page.goto(f"{site_server}demos/?{name}.{p['name']}=no-such-choice&{wname}.width=-3")
    note = root(page, name).locator(".sc-demo__note")
    note.wait_for(state="visible", timeout=LIVE_TIMEOUT_MS)
    checked = root(page, name).locator(f'[name="{p["name"]}"]')
    value = (checked.evaluate_all("els => (els.find(e => e.checked || e.tagName === 'SELECT') || {}).value"))
    assert value == p["default"]
    assert "no-such-choice" in note.inner_text()
    # Live, the clamped link is computed in the browser and equals native.
    wait_state(page, wname, "live")
    wait_params(page, wname, "width", param(wname, "width")["min"])
    assert_matches_native(page, wname)


def test_a_link_value_between_steps_is_rounded_by_the_package_with_a_note(page, site_server):
    page.goto(f"{site_server}demos/?ellipse.a11=0.333")
    note = root(page, "ellipse").locator(".sc-demo__note")
    note.wait_for(state="visible", timeout=LIVE_TIMEOUT_MS)
    text = note.inner_text()
    assert "a11=0.333" in text and "rounded to the step" in text and "0.35" in text, text
    slider = root(page, "ellipse").locator('input[name="a11"]')
    assert slider.get_attribute("data-value") == "0.35"
    assert slider.evaluate("el => [el.value, el.parentElement.querySelector('output').textContent]") == ["0.35"] * 2
    wait_params(page, "ellipse", "a11", 0.35)
    assert_matches_native(page, "ellipse")
    # The link now says what the figure shows.
    page.wait_for_function("() => new URLSearchParams(location.search).get('ellipse.a11') === '0.35'")


def test_a_40_kB_link_value_gets_a_short_note_and_no_sideways_scroll(page, site_server):
    page.set_viewport_size({"width": 375, "height": 800})
    default = param("ellipse", "a12")["default"]
    page.goto(f"{site_server}demos/?ellipse.a12={'x' * 40_000}")
    note = root(page, "ellipse").locator(".sc-demo__note")
    note.wait_for(state="visible", timeout=LIVE_TIMEOUT_MS)
    text = note.inner_text()
    assert "a12=x" in text and str(default) in text and len(text) <= 100, text
    overflow = page.evaluate("document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    assert shown_params(page, "ellipse")["a12"] == default
    # The figure shows the default, so the link drops the value instead of carrying 40 kB on.
    page.wait_for_function("() => !new URLSearchParams(location.search).has('ellipse.a12')")


def test_a_package_value_error_is_shown_next_to_the_controls(page, site_server):
    name = width_experiment()
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    bad = {**sc.defaults(name), "width": 100}
    native = json.loads(web.handle(json.dumps({"demo": name, "params": bad})))  # the worker's own call
    assert native["ok"] is False and native["kind"] == "ValueError"
    page.evaluate("([name, params]) => __spectralRuntime.run(document.querySelector(`[data-demo='${name}']`), params)",
                  [name, {"width": 100}])
    message = root(page, name).locator(".sc-demo__message")
    message.wait_for(state="visible")
    assert message.inner_text() == native["message"]
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


# Each worker the page makes ([file, time, the document's readyState]), and when the tab's Python
# worker said it was ready.
RECORD_WORKERS = """
    window.__workersMade = [];
    window.__pythonReadyAt = null;
    const Real = window.Worker;
    window.Worker = class extends Real {
      constructor(url, options) {
        super(url, options);
        window.__workersMade.push([String(url).split("?")[0].split("/").pop(), performance.now(),
                                   document.readyState]);
        this.addEventListener("message", (e) => {
          if (e.data && e.data.type === "ready") window.__pythonReadyAt = performance.now();
        });
      }
    };"""


def test_a_page_with_live_figures_starts_the_worker_while_the_page_is_still_loading(page, site_server):
    """The head starts the worker before the page's scripts run (they wait for the document to be
    parsed), and the runtime takes that worker over instead of starting a second one. (Material's
    search starts a worker of its own, not counted here.)"""
    page.add_init_script(RECORD_WORKERS)
    page.goto(site_server + "02-preliminaries/")
    wait_all(page, "live")
    assert [state for f, _, state in page.evaluate("window.__workersMade") if f == "worker.js"] == ["loading"]
    assert page.evaluate("__spectralRuntime.starts") == 1


def search(page, query: str) -> int:
    """Opens Material's search, types ``query`` and returns how many results it lists."""
    box = page.locator(".md-search__input")  # in the header at this viewport's width
    box.click()
    box.press_sequentially(query)  # Material searches on key events
    items = page.locator(".md-search-result__item")
    items.first.wait_for(timeout=LIVE_TIMEOUT_MS)
    return items.count()


def test_search_starts_once_python_is_ready_on_a_page_with_live_figures_and_finds(page, site_server):
    """Material's search index is built in a worker of its own, which would compete with Pyodide's
    start for the CPU; on a page with live figures it is created only once Python is ready."""
    page.add_init_script(RECORD_WORKERS)
    page.goto(site_server + "02-preliminaries/")
    wait_all(page, "live")
    page.wait_for_function("window.__workersMade.some(([f]) => f.startsWith('search.'))")
    made = {f: t for f, t, _ in page.evaluate("window.__workersMade")}
    ready = page.evaluate("window.__pythonReadyAt")
    search_made = next(t for f, t in made.items() if f.startswith("search."))
    assert made["worker.js"] < ready <= search_made
    assert search(page, "spectral norm") > 0


def test_opening_the_search_while_python_loads_starts_the_search_at_once(page, site_server):
    held = []
    page.route("**/pyodide.asm.wasm*", lambda route: held.append(route))  # no Python until released
    page.add_init_script(RECORD_WORKERS)
    page.goto(site_server + "02-preliminaries/")
    page.wait_for_load_state("load")
    assert not any(f.startswith("search.") for f, _, _ in page.evaluate("window.__workersMade"))
    assert search(page, "spectral norm") > 0
    assert page.evaluate("__spectralRuntime.status") == "loading"
    assert page.evaluate("window.__pythonReadyAt") is None
    for route in held:
        route.fallback()
    wait_all(page, "live")


def test_a_page_without_live_figures_starts_its_search_at_once(page, site_server):
    page.add_init_script(RECORD_WORKERS)
    page.goto(site_server + "reference/")
    page.wait_for_function("window.__workersMade.some(([f]) => f.startsWith('search.'))")
    made = {f: t for f, t, _ in page.evaluate("window.__workersMade")}
    # Made as Material's bundle runs: before the Python worker, which such a page starts once idle.
    search_made = next(t for f, t in made.items() if f.startswith("search."))
    assert search_made < made.get("worker.js", math.inf)
    assert search(page, "width") > 0


def test_a_page_without_live_figures_starts_no_worker_when_the_reader_saves_data(page, site_server):
    """Such a page starts the worker only once the browser is idle (test_browser_navigation), and not at
    all for a reader whose browser asks to save data: the runtime is tens of megabytes."""
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'connection', {get: () => ({saveData: true})})")
    page.goto(site_server + "reference/")
    page.wait_for_load_state("load")
    assert page.locator("[data-demo]").count() == 0
    # Past the latest moment of the idle start (worker-client.js: WARM_AFTER_MS).
    page.evaluate("() => new Promise((r) => requestIdleCallback(() => setTimeout(r, 4000), {timeout: 4000}))")
    assert page.evaluate("__spectralRuntime.starts") == 0
    assert not any("worker.js" in e for e in page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"))


def test_a_figure_is_dimmed_from_the_input_until_the_first_answer(page, site_server):
    """A figure whose answer takes a while (a figure without a width sweep answers only when done)
    acknowledges the input: once the input has waited ackDelayMs, its chart is dimmed and its busy
    line shows, until the worker answers; then it is shown fully."""
    name = next(n for n in sc.names() if not web.get(n).sweep and web.get(n).cost != "instant"
                and any(p.kind == "int" for p in web.get(n).params))
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    # No wait, and every real draw takes longer than none: the figure is marked in the input's own
    # task, before any answer (which needs the worker's round trip).
    page.evaluate("__spectralRuntime.ackDelayMs = 0")
    chart_opacity = f"""() => getComputedStyle(document.querySelector('[data-demo="{name}"] .sc-demo__chart')).opacity"""
    assert page.evaluate(chart_opacity) == "1"
    p = next(p for p in web.get(name).params if p.kind == "int")
    top = p.upper(live=True)
    value = top if shown_params(page, name)[p.name] != top else p.min
    marks = page.evaluate("""([name, param, value]) => new Promise((resolve) => {
        const el = document.querySelector(`[data-demo="${name}"]`);
        const seen = [];
        const watch = new MutationObserver(() => {
          seen.push([el.hasAttribute('data-stale'), el.getAttribute('aria-busy') === 'true',
                     el.getAttribute('aria-busy'), JSON.parse(el.dataset.params)[param] === value]);
          if (seen.at(-1)[3]) { watch.disconnect(); resolve(seen); }
        });
        watch.observe(el, {attributes: true, attributeFilter: ['data-stale', 'aria-busy', 'data-params']});
        __spectralRuntime.run(el, {[param]: value});
        seen.push(['in the input task', el.hasAttribute('data-stale'),
                   el.getAttribute('aria-busy') === 'true', el.getAttribute('aria-busy')]); })""",
                          [name, p.name, value])
    assert ["in the input task", True, True, "true"] in marks, marks
    # Dimmed and busy before the answer was drawn, neither once it was.
    assert [True, True, "true", False] in marks, marks
    assert marks[-1] == [False, False, "false", True], marks
    page.wait_for_function(f"() => ({chart_opacity})() === '1'")



def _taller_choice() -> tuple[str, str, str, str]:
    """(experiment, choice parameter, its default, another value) of a linear-algebra figure whose
    figure is taller at that other value (its title takes another line), found natively."""
    from spectral_condition.registry import run_figure
    for name in sc.names():
        if web.get(name).cost != "norm":
            continue
        defaults = sc.defaults(name)
        for p in web.get(name).params:
            if p.kind != "choice":
                continue
            height = {c: run_figure(name, {**defaults, p.name: c}, live=True)["figure"]["layout"]["height"]
                      for c in p.choices}
            taller = [c for c in p.choices if height[c] > height[p.default]]
            if taller:
                return name, p.name, p.default, taller[0]
    pytest.fail("no linear-algebra figure changes its height with a choice: nothing to test")


def test_switching_a_choice_back_and_forth_does_not_move_the_rest_of_the_page(page, site_server):
    """A value that gives the figure's title another line makes its chart taller; switching back keeps
    that height, so the text below the figure stays where the reader is looking (a shift also
    repainted the whole page on every switch)."""
    name, pname, default, taller = _taller_choice()
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    below = """(el) => { const next = el.nextElementSibling; const chart = el.querySelector('.sc-demo__chart');
                         return [chart.getBoundingClientRect().height,
                                 next.getBoundingClientRect().top - el.getBoundingClientRect().top]; }"""
    first = root(page, name).evaluate(below)
    seen = []
    for value in (taller, default, taller, default):
        # As a reader does: a click on the segment, whose typeset label lies over the radio button.
        root(page, name).locator(f'label:has(> [name="{pname}"][value="{value}"])').click()
        wait_params(page, name, pname, value)
        seen.append(root(page, name).evaluate(below))
    assert seen[0][0] > first[0], f"the chart did not grow for {pname} = {taller}: {first} then {seen[0]}"
    assert all(s == seen[0] for s in seen), f"{name}: chart height and the next element moved: {first}, {seen}"
    assert_matches_native(page, name)


# Each draw of a figure's chart, in ms: data-drawing is on the chart from a draw's start to its last layer.
RECORD_DRAW_TIMES = """(name) => { const chart = document.querySelector(`[data-demo="${name}"] .sc-demo__chart`);
  chart.__drawTimes = [];
  let start = null;
  new MutationObserver(() => {
    if (chart.hasAttribute('data-drawing')) start ??= performance.now();
    else if (start !== null) { chart.__drawTimes.push(performance.now() - start); start = null; }
  }).observe(chart, {attributes: true, attributeFilter: ['data-drawing']}); }"""

# Ask for `params`; true when the input's own task already marked the figure busy.
MARKED_IN_INPUT_TASK = """([name, params]) => { const el = document.querySelector(`[data-demo="${name}"]`);
  __spectralRuntime.run(el, params);
  return el.getAttribute('aria-busy') === 'true'; }"""


def _draw_times(page, name: str) -> list[float]:
    return page.evaluate(f"""document.querySelector('[data-demo="{name}"] .sc-demo__chart').__drawTimes.splice(0)""")


def test_a_heavy_figure_is_marked_at_once_even_after_a_light_draw(page, site_server):
    """Waiting before marking a figure busy spares a quick redraw its flash of "computing…"; a
    figure whose redraw is slow is marked at once instead. update_sizes draws all four
    parameterizations or one: after a light draw of one, the input back to all four must still be
    marked at once, since its redraw is a heavy one. The wait is set between the two draws' times."""
    name = "update_sizes"
    page.goto(site_server + "demos/")
    wait_state(page, name, "live")
    assert shown_params(page, name)["parameterization"] == "all"
    page.evaluate(RECORD_DRAW_TIMES, name)
    width = shown_params(page, name)["width"]
    page.evaluate(MARKED_IN_INPUT_TASK, [name, {"width": width // 2}])
    wait_params(page, name, "width", width // 2)
    page.wait_for_function(f"""() => !document.querySelector('[data-demo="{name}"] .sc-demo__chart').hasAttribute('data-drawing')""")
    heavy = _draw_times(page, name)
    page.evaluate(MARKED_IN_INPUT_TASK, [name, {"parameterization": "sp"}])
    wait_params(page, name, "parameterization", "sp", timeout=LIVE_TIMEOUT_MS)
    page.wait_for_function(f"""() => !document.querySelector('[data-demo="{name}"] .sc-demo__chart').hasAttribute('data-drawing')""")
    light = _draw_times(page, name)
    assert heavy and light and max(heavy) > max(light), (heavy, light)
    page.evaluate(f"__spectralRuntime.ackDelayMs = {(max(heavy) + max(light)) / 2}")
    assert page.evaluate(MARKED_IN_INPUT_TASK, [name, {"parameterization": "all"}])
    wait_params(page, name, "parameterization", "all", timeout=LIVE_TIMEOUT_MS)
