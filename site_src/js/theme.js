/* Draws Plotly figure dicts in the reader's colour scheme and screen size, and redraws every chart
 * when the reader switches between Material's light and dark palettes, crosses the phone breakpoint,
 * or prints. The figures themselves, both of their layouts included, come from Python: a figure's
 * layout is the desktop one, and `layout.meta.narrow` holds the phone's overrides (height, domains,
 * fonts, title lines, legend), which are copied over it on a narrow screen, never computed here.
 */

import { quietChart } from "./a11y.js";

const NARROW = "(max-width: 600px)";
const TOUCH = "(hover: none)"; // a tap would open the mode bar over the title: touch screens go without

function plotConfig() {
  const bare = window.matchMedia(NARROW).matches || window.matchMedia(TOUCH).matches;
  return {
    responsive: true,
    displaylogo: false,
    displayModeBar: bare ? false : "hover",
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
  };
}

let probe = null;
function cssColor(variable) {
  // Material's colour variables nest other variables; a probe element resolves them to an rgb()
  // Plotly reads.
  if (!probe) {
    probe = document.createElement("span");
    probe.style.display = "none";
  }
  if (!probe.isConnected) document.body.appendChild(probe);
  probe.style.color = `var(${variable})`;
  return getComputedStyle(probe).color;
}

// Colours of the current palette, read once per scheme: reading computed styles on every draw
// would force a style recalculation in the middle of a drag.
let palette = null;
function currentPalette() {
  const scheme = document.body.getAttribute("data-md-color-scheme") || "";
  if (!palette || palette.scheme !== scheme) {
    palette = {
      scheme,
      fg: cssColor("--md-default-fg-color"),
      grid: cssColor("--md-default-fg-color--lightest"),
      light: cssColor("--md-default-fg-color--light"),
      family: getComputedStyle(document.body).fontFamily,
    };
  }
  return palette;
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// The phone's layout: each override replaces its key, objects (axes, title, legend, margin) key by key.
function overridden(layout, overrides) {
  const out = Object.assign({}, layout);
  for (const [key, value] of Object.entries(overrides || {})) {
    out[key] = isObject(value) && isObject(out[key]) ? Object.assign({}, out[key], value) : value;
  }
  return out;
}

function themed(figure) {
  const { fg, grid, light, family } = currentPalette();
  const narrow = window.matchMedia(NARROW).matches;
  const meta = figure.layout.meta || {};
  const layout = narrow ? overridden(figure.layout, meta.narrow) : Object.assign({}, figure.layout);
  layout.paper_bgcolor = "rgba(0,0,0,0)";
  layout.plot_bgcolor = "rgba(0,0,0,0)";
  layout.font = Object.assign({}, layout.font, { color: fg, family });
  layout.autosize = true;
  delete layout.width;
  for (const name of Object.keys(layout)) {
    if (/^[xy]axis\d*$/.test(name)) {
      layout[name] = Object.assign({ gridcolor: grid, linecolor: light, zerolinecolor: light }, layout[name]);
    }
  }
  if (layout.legend) layout.legend = Object.assign({ bgcolor: "rgba(0,0,0,0)" }, layout.legend);
  return { data: figure.data, layout };
}

// Plotly follows the window's size, not its container's: a column that changes width on its own
// (controls wrapping, math typeset late, a sidebar) gets its charts refitted.
const resized = typeof ResizeObserver === "function"
  ? new ResizeObserver((entries) => {
    for (const { target } of entries) {
      if (target._fullLayout && Math.abs(target._fullLayout.width - target.clientWidth) >= 1) {
        window.Plotly.relayout(target, { autosize: true });
      }
    }
  })
  : null;

export function draw(el, figure) {
  if (!el.__scFigure && resized) resized.observe(el);
  el.__scFigure = figure; // kept for redrawing in the other palette or layout
  const f = themed(figure);
  return window.Plotly.react(el, f.data, f.layout, plotConfig()).then(() => {
    quietChart(el);
    // A counter of finished draws: benchmarks and tests wait on it.
    el.dataset.renders = String(Number(el.dataset.renders || 0) + 1);
  });
}

function redrawAll() {
  for (const el of document.querySelectorAll(".js-plotly-plot")) {
    if (el.__scFigure) draw(el, el.__scFigure);
  }
}

// Print lays the column out at the paper's width: each chart is fitted to it while the print layout
// is in force, and back to the screen's afterwards. Plotly's own resize waits 100 ms, too late for a
// print, so the relayout is asked for at once.
function fitToColumn() {
  for (const el of document.querySelectorAll(".js-plotly-plot")) {
    if (el.__scFigure && el._fullLayout) window.Plotly.relayout(el, { autosize: true });
  }
}

let watching = false;
export function followPalette() {
  if (watching) return;
  watching = true;
  new MutationObserver(redrawAll).observe(document.body, {
    attributes: true,
    attributeFilter: ["data-md-color-scheme"],
  });
  window.matchMedia(NARROW).addEventListener("change", redrawAll);
  window.matchMedia("print").addEventListener("change", fitToColumn);
  window.addEventListener("beforeprint", fitToColumn);
  window.addEventListener("afterprint", fitToColumn);
}
