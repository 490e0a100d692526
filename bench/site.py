"""Speed of the live site in headless Chromium, against native NumPy in the same run. Prints numbers,
asserts nothing.

Builds the site (``mkdocs build --strict``), serves it on 127.0.0.1 and measures with Debian's
Chromium:

* cold start: from navigation start (fresh browser context, empty cache) to the first live figure
  of an article page, three times, each once the machine is idle (1-minute load average below
  IDLE_LOAD, or after SETTLE_S seconds), with the load average printed; then the next page by a nav
  link (instant navigation: the worker is already running), measured inside the page from the click
  event: to its content in place, to all of its figures live, and to all of its charts drawn;
* per figure on the "All live figures" page, over a full sweep of its width slider, notch by notch
  up to the browser's maximum and back down (the first control that is a slider when there is no
  width): the *acknowledgement* (input event to the first frame that shows either a redrawn figure
  or the busy line and the dimmed chart, whichever the page showed first), the *first visible
  response* (input event to the figure's first redraw) and the *complete answer* (input event to
  the redraw of the final figure), p50 / p95 / max. A figure with a width slider and a seed is
  swept three times: at the page's parameters, whose widths the build precomputed; at seed
  LIVE_SEED, which no page shows, so that every width above the start is computed in the tab, each
  input the moment the previous answer is drawn; and at seed LIVE_SEED + 1 at a reader's pace,
  READER_PAUSE_S between an answer and the next input (time the worker spends computing the next
  notch ahead, see ``web.compute_ahead``);
* then, at the widest width, every other control moved away and back (a slider to its browser
  maximum and its minimum, a choice to each other choice; controls the current choices disable are
  left alone): a change recomputes the whole figure, a change back comes from the worker's cache.
  The row names the slowest input;
* main-thread long tasks (≥ 50 ms, PerformanceObserver "longtask") during each figure's sweep;
* the browser/native ratio: the same sequence of requests answered by ``spectral_condition.web``
  natively in this process (its width cache holding what the worker's held at the start: the
  precomputed widths, or nothing), total time against the browser's.

Targets: complete ≤ 1 s for every input; p95 ≤ 100 ms for the norm figures and ≤ 300 ms for the
training figures; first visible ≤ 100 ms; no long task; first live figure ≤ 3 s cold.

Usage: python bench/site.py [--only NAME ...] [--budget SECONDS]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "py"))

from conftest import CHROMIUM, CHROMIUM_ARGS, Build, _bind, _serve  # noqa: E402

import spectral_condition as sc  # noqa: E402
from spectral_condition import sweeps, web  # noqa: E402

LONGTASKS = """
window.__longtasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longtasks.push({start: e.startTime, duration: e.duration});
}).observe({type: "longtask", buffered: true});
"""

# One slider notch, measured inside the page from the input event: the first redraw, and the redraw
# that shows the requested value with nothing left to compute.
STEP = """
async ([index, name, value, key]) => {
  const root = document.querySelectorAll("[data-demo]")[index];
  const inputs = Array.from(root.querySelectorAll(`[name="${name}"]`));
  const input = inputs.find((i) => i.type !== "radio" || i.value === String(value)) || inputs[0];
  const chart = root.querySelector(".sc-demo__chart");
  const message = root.querySelector(".sc-demo__message");
  const before = Number(chart.dataset.renders || 0);
  let first = null;
  const t0 = performance.now();
  // As the reader's own change: a slider moves (input), a radio button is checked or a select
  // changes (change).
  if (input.type === "radio") input.checked = true;
  else input.value = String(value);
  input.dispatchEvent(new Event(input.type === "range" ? "input" : "change", {bubbles: true}));
  // The frame that shows the acknowledgement: the first one after the figure was redrawn or marked
  // busy (the busy line, the chart dimmed), whichever came first.
  let ack = null;
  let marked = false;
  await new Promise((resolve) => {
    const check = () => {
      const renders = Number(chart.dataset.renders || 0);
      if (first === null && renders > before) first = performance.now();
      if (!marked && (renders > before || root.getAttribute("aria-busy") === "true")) {
        marked = true;
        requestAnimationFrame(() => { ack = performance.now(); });
      }
      const shown = root.dataset.params ? JSON.parse(root.dataset.params)[key] : undefined;
      const failed = message && !message.hidden && message.dataset.kind === "error";
      return failed || (root.getAttribute("aria-busy") !== "true" && renders > before && String(shown) === String(root.__want));
    };
    root.__want = String(key === name ? (input.dataset.value || value) : value);
    if (check()) return resolve();
    const obs = new MutationObserver(() => { if (check()) { obs.disconnect(); resolve(); } });
    obs.observe(root, {attributes: true, subtree: true, attributeFilter: ["data-renders", "aria-busy", "data-params", "hidden"]});
  });
  const t1 = performance.now();
  if (ack === null) await new Promise((r) => requestAnimationFrame(() => { ack = performance.now(); r(); }));
  return {complete: t1 - t0, first: (first ?? t1) - t0, ack: ack - t0, start: t0, end: t1,
          params: root.dataset.params ? JSON.parse(root.dataset.params) : null,
          error: message && !message.hidden ? message.textContent : null};
}
"""

ALL_LIVE = """() => { const r = document.querySelectorAll('[data-demo]');
  return r.length && Array.from(r).every(e => e.dataset.state === 'live') && performance.now(); }"""
# The next page by a nav link, timed inside the page from the click event: Material swaps the content
# (the old one is marked), the figures of the new one turn live, then each chart finishes its draw.
NAV_WATCH = """() => { const t = window.__nav = {};
  document.querySelector('.md-content').__old = true;
  document.addEventListener('click', (e) => { t.click = e.timeStamp; }, {capture: true, once: true});
  const drawn = (e) => { const c = e.querySelector('.sc-demo__chart');
    return Number(c.dataset.renders || 0) > 0 && !c.hasAttribute('data-drawing'); };
  const obs = new MutationObserver(() => {
    const c = document.querySelector('.md-content');
    if (!c || c.__old) return;
    const now = performance.now(), demos = Array.from(document.querySelectorAll('[data-demo]'));
    t.content ??= now;
    if (demos.every((e) => e.dataset.state === 'live')) t.live ??= now;
    if (demos.every(drawn)) { t.drawn = now; obs.disconnect(); }
  });
  obs.observe(document.body, {childList: true, subtree: true, attributes: true}); }"""
FIRST_LIVE = """() => { const r = document.querySelector('[data-demo][data-state="live"]');
  return r && performance.now(); }"""


LIVE_SEED = 57  # a seed no page shows: nothing of it is precomputed
READER_PAUSE_S = 0.5  # a reader who looks at each notch before moving on
IDLE_LOAD = 0.5  # 1-minute load average below which the machine counts as idle for a cold start
SETTLE_S = 150  # the longest wait for it: the average decays with a time constant of a minute


def settle() -> None:
    """Wait until the machine is idle (the build just took both cores), or SETTLE_S seconds."""
    t = time.perf_counter()
    while os.getloadavg()[0] > IDLE_LOAD and time.perf_counter() - t < SETTLE_S:
        time.sleep(2)
    time.sleep(2)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def sweep_positions(control: dict) -> list[str]:
    """Slider positions for a full sweep up and back down (log2 sliders move over exponents)."""
    hi = control.get("live_max", control["max"])
    if control.get("log2"):
        lo, top = int(control["min"]).bit_length() - 1, int(hi).bit_length() - 1
        up = list(range(lo, top + 1))
    else:
        step = control.get("step") or (hi - control["min"]) / 20
        n = int(round((hi - control["min"]) / step))
        up = [control["min"] + i * step for i in range(0, n + 1, max(1, n // 20))]
    return [str(v) for v in up[1:] + up[-2::-1]]


def native_ms(name: str, start: dict, sequence: list[dict], precomputed: str | None) -> float:
    """The same requests answered natively, from a width cache holding only ``precomputed``, in ms."""
    sweeps.clear()
    if precomputed:
        web.preload(precomputed)
    web.handle(json.dumps({"demo": name, "params": start}))
    t0 = time.perf_counter()
    for params in sequence:
        web.handle(json.dumps({"demo": name, "params": params}))
    return (time.perf_counter() - t0) * 1e3


def top_position(control: dict) -> str:
    """The slider position of the control's browser maximum."""
    hi = control.get("live_max", control["max"])
    return str(int(hi).bit_length() - 1 if control.get("log2") else hi)


def control_steps(page, index: int, params: list[dict]) -> list[tuple[str, str]]:
    """Each control but width and seed moved away from the figure's current value and back: a slider
    to its browser maximum and its minimum, a choice to each other choice. Disabled controls (those
    the current choices switch off) and parameters the page shows no control for are left alone."""
    current = page.evaluate("(i) => JSON.parse(document.querySelectorAll('[data-demo]')[i].dataset.params)", index)
    steps = []
    for q in params:
        name = q["name"]
        if name in ("width", "seed") or page.evaluate(
                "([i, n]) => document.querySelectorAll('[data-demo]')[i].querySelector(`[name=\"${n}\"]`)?.disabled ?? true",
                [index, name]):
            continue
        if q["kind"] == "choice":
            others = [c for c in q["choices"] if c != current[name]]
            back = str(current[name])
        else:
            log2 = q.get("log2")
            position = (lambda v: str(int(v).bit_length() - 1)) if log2 else str
            others = [top_position(q), position(q["min"])]
            others = [o for o in others if o != position(current[name])]
            back = position(current[name])
        for other in others:
            steps += [(name, str(other)), (name, back)]
    return steps


def sweep_row(page, index: int, demo: dict, steps: list[tuple[str, str]], budget: float, label: str,
              precomputed: str | None, pause: float = 0.0) -> str:
    """The figure's answers to ``steps`` ((control, position) in order), as a table row, each input
    ``pause`` seconds after the previous answer. The native side answers the same requests with the
    same points held at the start (``precomputed``, or none)."""
    page.evaluate("window.__longtasks.length = 0")
    firsts, completes, acks, errors, shown = [], [], [], [], []
    start = end = None
    slowest = ("", 0.0)
    t_demo = time.perf_counter()
    first_params = page.evaluate("(i) => JSON.parse(document.querySelectorAll('[data-demo]')[i].dataset.params)",
                                 index)
    for name, pos in steps:
        if time.perf_counter() - t_demo > budget:
            break
        r = page.evaluate(STEP, [index, name, pos, name])
        if r["complete"] > slowest[1] and r["params"]:
            slowest = (f"{name} = {r['params'][name]}", r["complete"])
        firsts.append(r["first"])
        acks.append(r["ack"])
        completes.append(r["complete"])
        start = r["start"] if start is None else start
        end = r["end"]
        if r["error"]:
            errors.append(r["error"])
        elif r["params"]:
            shown.append(r["params"])
        time.sleep(pause)
    tasks = [t["duration"] for t in page.evaluate("window.__longtasks")
             if t["start"] + t["duration"] >= start and t["start"] <= end]
    longest = f"{len(tasks)}, ≤{max(tasks):.0f}" if tasks else "none"
    native = native_ms(demo["name"], first_params, shown, precomputed) if shown else float("nan")
    ratio = sum(completes) / native if native == native and native > 0 else float("nan")
    return (f"  {label:22s} {demo['cost']:8s} {len(completes):7d} {max(acks):7.0f} {statistics.median(firsts):9.1f} "
            f"{pct(firsts, 0.95):6.0f} {max(firsts):6.0f} {statistics.median(completes):12.1f} "
            f"{pct(completes, 0.95):6.0f} {max(completes):6.0f} {longest:>11s} {ratio:14.1f}"
            + (f"  (stopped after {len(completes)} of {len(steps)} inputs: budget)"
               if len(completes) < len(steps) else "")
            + (f"  slowest: {slowest[0]}" if label.strip().startswith("other controls") else "")
            + (f"  ({len(errors)} errors, first: {errors[0]})" if errors else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", help="figures to sweep (default: all)")
    ap.add_argument("--budget", type=float, default=120.0, help="seconds per figure before its sweep stops")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))
    server = _bind()
    host, port = server.server_address[:2]
    base = f"http://{host}:{port}/"
    t = time.perf_counter()
    site_dir = Build(tmp / "site", base).wait()
    print(f"site built in {time.perf_counter() - t:.1f} s ({base})")
    _serve(server, site_dir)
    articles = sorted(urljoin(base, p.parent.relative_to(site_dir).as_posix() + "/")
                      for p in site_dir.rglob("index.html")
                      if 'data-demo="' in p.read_text(encoding="utf-8") and p.parent.name not in ("demos", ""))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

        # Cold start on an article page (three fresh contexts: it varies by a second from run to run
        # on two cores), then the next page by a nav link.
        colds = []
        for attempt in range(3):
            if attempt:
                context.close()
            settle()
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            load = os.getloadavg()
            page.goto(articles[0], wait_until="commit")
            colds.append(page.wait_for_function(FIRST_LIVE, polling="raf", timeout=120_000).json_value())
            print(f"\ncold start {attempt + 1}: first live figure {colds[-1]:.0f} ms after navigation start on "
                  f"{articles[0][len(base) - 1:]} (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})", end="")
        print(f"\ncold start median: {statistics.median(colds):.0f} ms")
        links = page.locator(".md-nav--primary a.md-nav__link")
        i = links.evaluate_all("(ls, t) => ls.findIndex(a => a.href === t)", articles[1])
        page.evaluate(NAV_WATCH)
        links.nth(i).click()
        page.wait_for_url(articles[1])
        page.wait_for_function("() => window.__nav.drawn", timeout=120_000)
        nav = page.evaluate("window.__nav")
        print(f"next page by a nav link ({articles[1][len(base) - 1:]}), ms after the click event: its content "
              f"{nav['content'] - nav['click']:.0f}, all its figures live {nav['live'] - nav['click']:.0f}, "
              f"all its charts drawn {nav['drawn'] - nav['click']:.0f}; "
              f"Pyodide started {page.evaluate('__spectralRuntime.starts')}×")
        context.close()

        # Every figure's width sweep, on the page of all live figures.
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(LONGTASKS)
        page = context.new_page()
        page.goto(base + "demos/")
        page.wait_for_function(ALL_LIVE, polling="raf", timeout=120_000)
        demos = page.evaluate("""() => Array.from(document.querySelectorAll('[data-demo]')).map(r =>
            ({name: r.dataset.demo, cost: r.dataset.cost, schema: JSON.parse(r.dataset.payload).schema,
              params: JSON.parse(r.dataset.params)}))""")
        print("\nfull sweep of each figure's width slider, up to the browser maximum and back down "
              "(ms from the input event):")
        head = (f"  {'figure':22s} {'cost':8s} {'notches':>7s} {'ack max':>7s} {'first p50':>9s} {'p95':>6s} {'max':>6s}"
                f" {'complete p50':>12s} {'p95':>6s} {'max':>6s} {'long tasks':>11s} {'browser/native':>14s}")
        print(head)
        precomputed = (site_dir / "assets" / "py" / "precomputed-widths.json").read_text(encoding="utf-8")
        for index, demo in enumerate(demos):
            if args.only and demo["name"] not in args.only:
                continue
            params = demo["schema"]["params"]
            control = next((q for q in params if q["name"] == "width"), None) or next(
                (q for q in params if q["kind"] != "choice"), None)
            if control is None:
                print(f"  {demo['name']:22s} (no slider)")
                continue
            page.locator("[data-demo]").nth(index).scroll_into_view_if_needed()
            sweep = [(control["name"], pos) for pos in sweep_positions(control)]
            print(sweep_row(page, index, demo, sweep, args.budget, demo["name"], precomputed))
            if control["name"] == "width" and any(q["name"] == "seed" for q in params):
                # The same sweep at a seed no page shows: every width above the start computed live.
                page.evaluate(STEP, [index, "seed", str(LIVE_SEED), "seed"])
                print(sweep_row(page, index, demo, sweep, args.budget, f"  seed {LIVE_SEED}: live", None))
                page.evaluate(STEP, [index, "seed", str(LIVE_SEED + 1), "seed"])
                time.sleep(READER_PAUSE_S)
                print(sweep_row(page, index, demo, sweep, args.budget,
                                f"  seed {LIVE_SEED + 1}, {READER_PAUSE_S:g} s", None, READER_PAUSE_S))
            # Every other control at the widest width: each change recomputes the figure (every width
            # of a sweep), and each change back is answered from the worker's cache.
            if control["name"] == "width":
                page.evaluate(STEP, [index, "width", top_position(control), "width"])
            others = control_steps(page, index, [q for q in params if q["name"] != control["name"]])
            if others:
                print(sweep_row(page, index, demo, others, args.budget, "  other controls, top", None))
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
