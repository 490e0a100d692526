"""The code behind each figure in real Chromium, with real Pyodide and NumPy: the Python panel shows
the package's source, an edit redraws the figure as CPython computes the same edit, errors are shown
with their line, a runaway run is stopped, and the downloads hold the figure's own numbers and a
command that reproduces them natively. The ``page`` fixture fails any request off localhost.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import spectral_condition as sc
from browser_helpers import REL, chart, root, shown_params, step_width, wait_state
from numeric_compare import mismatches
from spectral_condition import source, web

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EDITOR_BUNDLE = "code-editor.js"
NAME = "ellipse"
PAGE = "02-preliminaries/"


def lines_of(text):
    """The non-blank lines: an editor's innerText renders an empty line as two newlines."""
    return [line for line in text.split("\n") if line.strip()]


def open_panel(page, name):
    panel = root(page, name).locator(".sc-code")
    panel.locator("summary").click()
    page.wait_for_function("""(name) => { const v = document.querySelector(`[data-demo="${name}"] .sc-code__view`);
                                          return v && v.querySelector('.highlight'); }""", arg=name)
    return panel


def open_editor(page, name):
    panel = open_panel(page, name)
    panel.locator('[data-action="edit"]').click()
    panel.locator(".cm-content").wait_for()
    return panel


def replace_code(page, panel, text):
    panel.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def run(page, panel):
    count = panel.evaluate("el => Number(el.closest('[data-demo]').querySelector('.sc-demo__chart').dataset.renders)")
    panel.locator('[data-action="run"]').click()
    return count


def wait_run_done(page, panel, timeout=60_000):
    page.wait_for_function("el => !el.querySelector('[data-action=\"run\"]').disabled",
                           arg=panel.element_handle(), timeout=timeout)


def plot_data(page, name):
    return chart(page, name)["data"]


def same_numbers(expected, shown):
    data = [{k: tr.get(k) for k in want} for tr, want in zip(shown, expected)]
    assert len(shown) == len(expected)
    bad = mismatches(expected, data, rel=REL)
    assert not bad, f"{len(bad)} values differ, first: {bad[:5]}"


def test_panel_shows_the_packages_source_and_the_editor_loads_only_when_opened(page, site_server):
    page.goto(site_server + PAGE)
    wait_state(page, NAME, "live")
    panel = open_panel(page, NAME)
    text = source.experiment_source(NAME)
    shown = panel.locator(".sc-code__view").inner_text()
    for line in text.split("\n"):
        assert line.strip() in shown, f"the panel lacks the line {line!r}"
    assert not any(EDITOR_BUNDLE in u for u in page.guard.requests), "the editor was loaded unasked"
    panel.locator('[data-action="edit"]').click()
    panel.locator(".cm-content").wait_for()
    assert any(EDITOR_BUNDLE in u for u in page.guard.requests)
    assert lines_of(panel.locator(".cm-content").inner_text()) == lines_of(text)
    assert panel.locator(".cm-lineNumbers").count() == 1


def test_an_edited_constant_redraws_the_figure_as_cpython_computes_it(page, site_server):
    page.goto(site_server + PAGE)
    wait_state(page, NAME, "live")
    before = plot_data(page, NAME)
    panel = open_editor(page, NAME)
    text = source.experiment_source(NAME)
    edited = text.replace("image = a @ circle", "image = 2.5 * (a @ circle)")
    assert edited != text
    replace_code(page, panel, edited)
    run(page, panel)
    wait_run_done(page, panel)
    assert panel.locator(".sc-code__error").is_hidden(), panel.locator(".sc-code__error").inner_text()
    after = plot_data(page, NAME)
    assert after != before
    native = web.run_source(NAME, shown_params(page, NAME), edited)
    assert native["ok"]
    same_numbers(native["figure"]["data"], after)
    assert root(page, NAME).get_attribute("data-code") == "edited"
    # Reset brings back the package's text.
    panel.locator('[data-action="reset"]').click()
    assert lines_of(panel.locator(".cm-content").inner_text()) == lines_of(text)


def test_syntax_and_runtime_errors_show_their_line_and_keep_the_figure(page, site_server):
    page.goto(site_server + PAGE)
    wait_state(page, NAME, "live")
    before = plot_data(page, NAME)
    panel = open_editor(page, NAME)
    text = source.experiment_source(NAME)
    lines = text.split("\n")
    at = lines.index("    image = a @ circle") + 1  # its line number, counting from 1
    for bad_line, says in (("    image = a @@ circle", "SyntaxError"), ("    image = a @ circle[:1, :7]", "matmul")):
        edited = "\n".join(lines[:at - 1] + [bad_line] + lines[at:])
        replace_code(page, panel, edited)
        run(page, panel)
        wait_run_done(page, panel)
        error = panel.locator(".sc-code__error")
        assert error.is_visible()
        assert error.get_attribute("data-line") == str(at)
        assert error.inner_text().startswith(f"Line {at}: ")
        assert says in error.inner_text()
        assert panel.locator(".cm-lintRange-error").count() >= 1  # marked in the editor too
        assert plot_data(page, NAME) == before


def test_an_endless_loop_is_stopped_and_the_next_run_works(page, site_server):
    page.goto(site_server + PAGE)
    wait_state(page, NAME, "live")
    page.allow_console_error(r".")  # a terminated worker may log
    panel = open_editor(page, NAME)
    text = source.experiment_source(NAME)
    looping = text.replace("    image = a @ circle", "    while True:\n        pass\n    image = a @ circle")
    restarts = page.evaluate("__spectralRuntime.restarts")
    # Stop, by the reader.
    replace_code(page, panel, looping)
    run(page, panel)
    page.wait_for_timeout(1500)  # the loop is running: the worker does not answer
    assert panel.locator('[data-action="run"]').is_disabled()
    panel.locator('[data-action="stop"]').click()
    wait_run_done(page, panel)
    assert "Stopped" in panel.locator(".sc-code__error").inner_text()
    assert page.evaluate("__spectralRuntime.restarts") == restarts + 1
    # The time limit, with nobody pressing Stop.
    page.evaluate("__spectralRuntime.stallMs = 2000")
    wait_state(page, NAME, "live")
    run(page, panel)
    wait_run_done(page, panel, timeout=60_000)
    assert "time limit" in panel.locator(".sc-code__error").inner_text()
    assert page.evaluate("__spectralRuntime.restarts") == restarts + 2
    assert page.evaluate("__spectralRuntime.status") != "failed"
    # A fresh worker runs the next edit.
    page.evaluate("__spectralRuntime.stallMs = 20000")
    edited = text.replace("image = a @ circle", "image = 3.0 * (a @ circle)")
    replace_code(page, panel, edited)
    run(page, panel)
    wait_run_done(page, panel, timeout=90_000)
    assert panel.locator(".sc-code__error").is_hidden()
    same_numbers(web.run_source(NAME, shown_params(page, NAME), edited)["figure"]["data"], plot_data(page, NAME))


def test_csv_holds_the_charts_numbers_and_the_command_reproduces_them_natively(page, site_server, tmp_path):
    name = "stable_rank"
    page.goto(site_server + PAGE)
    wait_state(page, name, "live")
    step_width(page, name)  # a state that is not the built one
    take = root(page, name).locator(".sc-take")
    take.locator("summary").click()
    with page.expect_download() as info:
        take.locator('[data-get="csv"]').click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    shown = plot_data(page, name)
    by_trace: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_trace.setdefault(r["trace"], []).append(r)
    for i, trace in enumerate(shown):
        label = trace.get("name") or f"trace {i}"
        for axis in ("x", "y"):
            if isinstance(trace.get(axis), list):
                got = [None if r[axis] == "" else float(r[axis]) for r in by_trace[label]][:len(trace[axis])]
                assert got == [None if v is None else float(v) for v in trace[axis]], (label, axis)
    with page.expect_download() as info:
        take.locator('[data-get="json"]').click()
    doc = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert doc["params"] == shown_params(page, name)

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    take.locator('[data-get="copy"]').click()
    page.wait_for_function("el => el.textContent.includes('copied')", arg=take.locator(".sc-take__copied").element_handle())
    command = page.evaluate("navigator.clipboard.readText()")
    assert command == take.locator(".sc-take__command").inner_text()
    words = shlex.split(command)
    assert words[:5] == ["python", "-m", "spectral_condition", "run", name]
    done = subprocess.run([sys.executable, *words[1:], "--json"], capture_output=True, text=True, check=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT / "py"), "OPENBLAS_NUM_THREADS": "1"})
    same_numbers(json.loads(done.stdout)["figure"]["data"], shown)

    for fmt in ("png", "svg"):
        with page.expect_download() as info:
            take.locator(f'[data-get="{fmt}"]').click()
        assert info.value.suggested_filename.endswith("." + fmt)
        head = Path(info.value.path()).read_bytes()[:64]
        assert head.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in head
    with page.expect_download() as info:
        take.locator('[data-get="notebook"]').click()
    notebook = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert any(f"show({name!r}" in "".join(c["source"]) for c in notebook["cells"])
    assert not any(EDITOR_BUNDLE in u for u in page.guard.requests)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_panel_reads_on_a_phone_in_both_palettes(browser, site_server, scheme):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  color_scheme=scheme, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(site_server + PAGE)
        wait_state(page, NAME, "live")
        panel = open_editor(page, NAME)
        panel.scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        box = panel.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 391
        out = ROOT / "build" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        panel.screenshot(path=str(out / f"code-panel-phone-{scheme}.png"))
        # The code and its background contrast in this palette (Material's code colours).
        fg, bg = panel.locator(".cm-editor").evaluate(
            "el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]")
        assert fg != bg
    finally:
        context.close()
