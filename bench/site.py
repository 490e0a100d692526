"""Speed of the live site in headless Chromium: prints numbers, asserts nothing.

Builds the site (``mkdocs build --strict``), serves it on 127.0.0.1, and measures with Debian's
Chromium, each from a fresh browser context (cold cache):

* time to the first static figure (navigation start to the first drawn chart),
* time to ``live`` from a cold cache (every demo on the demo page live), and on the next page
  (after clicking a nav link: instant navigation, no reload, the worker already running),
* slider-to-chart latency p50/p95 over 50 steps for each demo on the demo page (widths up to 1024),
  from the input event to the redrawn chart,
* the longest main-thread task while dragging (PerformanceObserver "longtask", ≥ 50 ms only),
* bytes transferred on the first load of the demo page (everything, the worker's downloads too).

Targets (issue 3): p95 ≤ 100 ms for norm demos at width ≤ 1024, ≤ 1 s for training demos; no
main-thread task over 50 ms while dragging; live ≤ 4 s cold and without a reload on the next page.

Usage: python bench/site.py [--steps 50] [--max-width 1024]
"""

from __future__ import annotations

import argparse
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

LONGTASKS = """
window.__longtasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longtasks.push({start: e.startTime, duration: e.duration});
}).observe({type: "longtask", buffered: true});
"""

# One slider step, measured inside the page: from the input event to the chart's next finished draw
# of the requested parameters.
STEP = """
async ([index, name, value]) => {
  const root = document.querySelectorAll("[data-demo]")[index];
  const input = root.querySelector(`input[name="${name}"]`);
  const chart = root.querySelector(".js-plotly-plot");
  const before = Number(chart.dataset.renders || 0);
  const t0 = performance.now();
  input.value = String(value);
  input.dispatchEvent(new Event("input", {bubbles: true}));
  await new Promise((resolve) => {
    const message = root.querySelector(".sc-demo__message");
    const done = () => !root.classList.contains("sc-demo--busy") &&
      (Number(chart.dataset.renders || 0) > before || (message && !message.hidden));
    if (done()) return resolve();
    const obs = new MutationObserver(() => { if (done()) { obs.disconnect(); resolve(); } });
    obs.observe(root, {attributes: true, subtree: true, attributeFilter: ["data-renders", "class"]});
  });
  const t1 = performance.now();
  const message = root.querySelector(".sc-demo__message");
  return {ms: t1 - t0, start: t0, end: t1, error: message && !message.hidden ? message.textContent : null};
}
"""


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def slider_values(control: dict, steps: int, max_width: int) -> tuple[str, list[str]]:
    """The control's slider positions for a back-and-forth sweep, as the range input's values."""
    if control["log2"]:
        lo = int(control["min"]).bit_length() - 1
        hi = min(int(control["max"]), max_width).bit_length() - 1
        positions = list(range(lo, hi + 1))
    else:
        n = 11
        positions = [control["min"] + (control["max"] - control["min"]) * i / (n - 1) for i in range(n)]
        if control["kind"] == "int":
            positions = sorted({round(p) for p in positions})
    sweep = positions + positions[-2:0:-1]
    return control["name"], [str(sweep[(i + 1) % len(sweep)]) for i in range(steps)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--max-width", type=int, default=1024)
    ap.add_argument("--budget", type=float, default=60.0,
                    help="seconds per demo; slow demos stop early and say how many steps ran")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))
    server = _bind()
    host, port = server.server_address[:2]
    base = f"http://{host}:{port}/"
    t = time.perf_counter()
    site = Build(tmp / "site", base)
    # Build.wait reports failures through pytest; outside pytest that is an exception with the log.
    site_dir = site.wait()
    print(f"site built in {time.perf_counter() - t:.1f} s ({base})")
    _serve(server, site_dir)
    others = sorted(urljoin(base, p.parent.relative_to(site_dir).as_posix() + "/")
                    for p in site_dir.rglob("index.html")
                    if 'data-demo="' in p.read_text(encoding="utf-8") and p.parent.name != "demos")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(LONGTASKS)
        sizes: list[int] = []

        def finished(request):
            s = request.sizes()
            sizes.append(s["responseBodySize"] + s["responseHeadersSize"])

        context.on("requestfinished", finished)
        page = context.new_page()
        page.goto(base + "demos/", wait_until="commit")
        first_figure = page.wait_for_function(
            "() => document.querySelector('.js-plotly-plot .main-svg') && performance.now()", polling="raf").json_value()
        live = page.wait_for_function(
            """() => { const r = document.querySelectorAll('[data-demo]');
                       return r.length && Array.from(r).every(e => e.dataset.state === 'live') && performance.now(); }""",
            polling="raf", timeout=120_000).json_value()
        versions = page.evaluate("__spectralRuntime.versions")
        page.wait_for_load_state("networkidle")
        total = sum(sizes)
        print(f"first static figure: {first_figure:.0f} ms after navigation start")
        print(f"live, cold cache:    {live:.0f} ms after navigation start "
              f"(worker: Pyodide + NumPy {versions['numpy']} + package ready in {versions['ms']:.0f} ms)")
        print(f"first load:          {total / 1e6:.2f} MB in {len(sizes)} requests (uncompressed: "
              f"the test server does not gzip)")

        print(f"\nslider → chart latency over {args.steps} steps per demo (widths ≤ {args.max_width}):")
        print(f"  {'demo':28s} {'cost':8s} {'control':10s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}"
              f" {'longest task ms':>16s}")
        demos = page.evaluate("""() => Array.from(document.querySelectorAll('[data-demo]')).map(r =>
            ({name: r.dataset.demo, cost: r.dataset.cost, schema: JSON.parse(r.dataset.payload).schema}))""")
        for index, demo in enumerate(demos):
            params = demo["schema"]["params"]
            control = next((q for q in params if q["name"] == "width"), None) or next(
                (q for q in params if q["kind"] != "choice"), None)
            if control is None:
                print(f"  {demo['name']:28s} (no slider)")
                continue
            name, values = slider_values(control, args.steps, args.max_width)
            root = page.locator("[data-demo]").nth(index)
            root.scroll_into_view_if_needed()
            page.evaluate("window.__longtasks.length = 0")
            times, errors = [], []
            start = end = None
            t_demo = time.perf_counter()
            for value in values:
                if time.perf_counter() - t_demo > args.budget:
                    break
                r = page.evaluate(STEP, [index, name, value])
                times.append(r["ms"])
                start = r["start"] if start is None else start
                end = r["end"]
                if r["error"]:
                    errors.append(r["error"])
            tasks = [t["duration"] for t in page.evaluate("window.__longtasks")
                     if t["start"] + t["duration"] >= start and t["start"] <= end]
            longest = f"{max(tasks):.0f}" if tasks else "none ≥ 50"
            print(f"  {demo['name']:28s} {demo['cost']:8s} {name:10s} {statistics.median(times):8.1f} "
                  f"{pct(times, 0.95):8.1f} {max(times):8.1f} {longest:>16s}"
                  + (f"  (only {len(times)} steps in the {args.budget:.0f} s budget)" if len(times) < len(values) else "")
                  + (f"  ({len(errors)} errors, first: {errors[0]})" if errors else ""))

        if others:
            target = others[0]
            page.evaluate("window.__sameDocument = true")
            links = page.locator(".md-nav--primary a.md-nav__link")
            i = links.evaluate_all("(ls, t) => ls.findIndex(a => a.href === t)", target)
            if i < 0:
                sys.exit(f"no nav link to {target} on the demo page")
            t0 = page.evaluate("performance.now()")
            links.nth(i).click()
            page.wait_for_url(target)
            t1 = page.wait_for_function(
                """() => { const r = document.querySelectorAll('[data-demo]');
                           return r.length && Array.from(r).every(e => e.dataset.state === 'live') && performance.now(); }""",
                polling="raf", timeout=120_000).json_value()
            same = page.evaluate("window.__sameDocument === true")
            starts = page.evaluate("__spectralRuntime.starts")
            print(f"\nnext page ({target[len(base) - 1:]}): live {t1 - t0:.0f} ms after the click; "
                  f"{'no reload' if same else 'RELOADED'}; Pyodide started {starts}×")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
