/* Entry point of the site's scripts (an ES module): sets up every page Material shows, drawing
 * embedded figures and turning each demo into a live figure (math arrives typeset by the build).
 *
 * Material's instant navigation swaps the page content without re-running this module, so each page
 * is set up from `document$.subscribe`, idempotently, and the worker stays up for the whole reading
 * session. A page with live figures starts the worker at once, any other page once the browser is
 * idle. No mathematics and no validation happen in JavaScript: the Python package, in the worker,
 * checks and computes every parameter, and Plotly figure dicts come back.
 *
 * Test hooks (stable): a demo root has data-demo="<experiment>" and
 * data-state = static | loading | live | error; its controls are native input/select elements named
 * after the parameter; its chart is the .js-plotly-plot inside it, whose data-renders counts finished
 * draws; data-params on the root holds the parameters of the figure shown and data-pending (a JSON
 * list) the widths the newest answer still waits for (a partial answer whose figure is already on
 * screen changes only data-pending); the root has aria-busy="true" from its
 * first partial answer, or from `ackDelayMs` after the input if no answer came by then, until the
 * final answer to its newest request, and attribute data-stale (its chart dimmed) from that moment
 * until the first answer to it (an input answered within `ackDelayMs` marks neither); it has attribute
 * data-off while its controls are off (live figures unavailable), the reason in its
 * .sc-demo__message. window.__spectralRuntime exposes `status` (idle | loading | ready | failed),
 * `starts` (workers created), `restarts` (workers replaced after dying or falling silent), `worker`,
 * `stallMs` (the silence that counts as a dead worker; writable), `ackDelayMs` (writable),
 * `abandoned` (requests the worker dropped for a newer one), `computeAhead` (writable: whether the
 * idle worker computes the next width notch of the last figure moved), `computedAhead` (notches it
 * computed so), `recalled` (inputs drawn from the answers the page keeps, see worker-client.js) and
 * `run(root, params)`.
 */
import { markScrollers } from "./a11y.js";
import { attachCodeTools } from "./code-panel.js";
import { Demo } from "./demo.js";
import { renderMath } from "./math.js";
import { drawEmbeddedFigures } from "./notebook-figures.js";
import { followPalette } from "./theme.js";
import { adopt, prestart, runtime, warmWhenIdle } from "./worker-client.js";

function setupDemos(root) {
  // Two demos of the same experiment on a page get distinct query keys: name, name~2, ...
  const taken = new Map();
  for (const el of root.querySelectorAll("[data-demo]")) {
    const base = el.dataset.demoId || el.dataset.demo;
    const n = (taken.get(base) || 0) + 1;
    taken.set(base, n);
    if (el.__scDemo) continue;
    let demo;
    try {
      demo = new Demo(el, n === 1 ? base : `${base}~${n}`);
    } catch (e) {
      el.dataset.state = "error";
      const status = el.querySelector(".sc-demo__status");
      if (status) status.textContent = `This figure could not be set up (${e.message}).`;
      continue;
    }
    el.__scDemo = demo;
    adopt(demo);
    attachCodeTools(demo);
  }
}

function setup(root) {
  renderMath(root);
  markScrollers(root);
  if (!window.Plotly) {
    for (const el of root.querySelectorAll("[data-demo]")) {
      el.dataset.state = "error";
      el.querySelector(".sc-demo__status").textContent = "Figures unavailable: Plotly.js did not load.";
    }
    return;
  }
  if (root.querySelector("[data-demo]")) prestart();
  else warmWhenIdle();
  drawEmbeddedFigures(root);
  setupDemos(root);
}

if (!window.__spectralRuntime) {
  window.__spectralRuntime = runtime;
  runtime.run = function (root, params) {
    // Sends any parameters, even ones the controls cannot produce: the package validates them.
    const demo = root.__scDemo;
    if (!demo) throw new Error("not a set-up demo root");
    return demo.ask(Object.assign({}, demo.params, params));
  };
  followPalette();
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(() => setup(document.body));
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => setup(document.body));
  } else {
    setup(document.body);
  }
}
