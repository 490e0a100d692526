/* Draws Plotly figure dicts in the reader's colour scheme and screen size, and redraws every chart
 * when the reader switches between Material's light and dark palettes, crosses the phone breakpoint,
 * or prints. The figures themselves, both of their layouts included, come from Python: a figure's
 * layout is the desktop one, and `layout.meta.narrow` holds the phone's overrides (height, domains,
 * fonts, title lines, legend), which are copied over it on a narrow screen, never computed here.
 */

import { quietChart } from "./a11y.js";
import { layers, legendKey, legendKeys, withHidden } from "./chart-layers.js";

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

// A task of its own for the next layer, so that input is handled between two panels' draws.
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

// The chart's layer elements, as many as `count`: the first in the flow, the others over it.
function layerElements(chart, count) {
  const have = Array.from(chart.children).filter((c) => c.classList.contains("sc-layer"));
  while (have.length > count) {
    const gone = have.pop();
    if (resized) resized.unobserve(gone);
    window.Plotly.purge(gone);
    gone.remove();
  }
  while (have.length < count) {
    const div = document.createElement("div");
    div.className = "sc-layer";
    chart.appendChild(div);
    have.push(div);
    if (resized) resized.observe(div);
  }
  return have;
}

// Legend clicks on a chart of several layers: the first layer's legend stands for all of them, so
// Plotly's own toggling (which would hide the trace in that layer only) gives way to the chart's.
function followLegend(chart, first) {
  if (first.__scLegend) return;
  first.__scLegend = true;
  const keyOf = (ev) => {
    const uid = String(ev.data[ev.curveNumber].uid || "");
    const index = Number(uid.replace("legend-", ""));
    return legendKey(chart.__scFigure.data[index], index);
  };
  const layered = () => chart.querySelectorAll(".sc-layer").length > 1;
  first.on("plotly_legendclick", (ev) => {
    if (!layered()) return true;
    const key = keyOf(ev);
    if (!chart.__scHidden.delete(key)) chart.__scHidden.add(key);
    draw(chart, chart.__scFigure);
    return false;
  });
  first.on("plotly_legenddoubleclick", (ev) => {
    if (!layered()) return true;
    const key = keyOf(ev);
    const others = legendKeys(chart.__scFigure.data).filter((k) => k !== key);
    const isolated = others.every((k) => chart.__scHidden.has(k)) && !chart.__scHidden.has(key);
    chart.__scHidden = new Set(isolated ? [] : others);
    draw(chart, chart.__scFigure);
    return false;
  });
}

// The whole figure as one picture (what the reader hid in the legend left out), for the mode bar's
// download button of a layered chart; made once per chart.
function downloadButton(chart) {
  if (chart.__scDownload) return chart.__scDownload;
  chart.__scDownload = {
    name: "download-whole",
    title: "Download plot as a png",
    icon: window.Plotly.Icons.camera,
    click: () => {
      const f = themed(chart.__scFigure);
      const first = chart.querySelector(".sc-layer");
      const layout = Object.assign({}, f.layout, { width: first._fullLayout.width, height: first._fullLayout.height });
      const name = (chart.closest("[data-demo]") || {}).dataset?.demo || "figure";
      return window.Plotly.downloadImage({ data: withHidden(f.data, chart.__scHidden), layout },
                                         { format: "png", filename: name });
    },
  };
  return chart.__scDownload;
}

function layerConfig(chart, index, count, base) {
  const config = Object.assign({}, base);
  if (count < 2) return config;
  if (index > 0) return Object.assign(config, { displayModeBar: false });
  // Zoom and pan buttons would act on the first panel only; a drag or a double click on any panel
  // still zooms or resets that panel.
  return Object.assign(config, { modeBarButtons: [[downloadButton(chart)]] });
}

// Some values of a control give a figure's title another line, and the figure is that much taller.
// The chart keeps the tallest height it has had at this screen size, so that switching back and forth
// does not move the rest of the page: a shift repainted the whole page, 40-50 ms of main thread per
// switch on a long page here, and moved what the reader was looking at.
function keepTallest(chart, height) {
  if (!(height > 0)) return; // a figure without a height of its own follows Plotly's default
  const size = window.matchMedia(NARROW).matches ? "narrow" : "wide";
  const kept = chart.__scTallest;
  const tallest = kept && kept.size === size ? Math.max(kept.height, height) : height;
  if (!kept || kept.size !== size || kept.height !== tallest) {
    chart.__scTallest = { size, height: tallest };
    chart.style.minHeight = `${tallest}px`;
  }
}

// Draws `figure` into `chart`, one layer per panel, each in a task of its own, the first one too: the
// caller's task (an animation frame, for an answer) is followed by the page's style and layout, and a
// layer drawn in it made that task 50–90 ms long. A newer draw of the same chart stops an older one
// between layers. A layer asked to draw what it shows already (its data, layout and configuration,
// compared as text) is left as it is: a width notch changes every panel but seldom the first layer
// (title and legend), whose redraw cost as much as a panel's, 10–25 ms. Such a layer also keeps a
// zoom of the reader's, which a redraw would have reset.
// Resolves once every layer shows `figure`, with the milliseconds from this call to then: what the
// reader waits for a redraw, the tasks between layers included, not only Plotly's own time.
export function draw(chart, figure) {
  chart.__scFigure = figure; // kept for redrawing in the other palette or layout
  if (!chart.__scHidden) chart.__scHidden = new Set();
  chart.classList.add("sc-chart");
  const token = (chart.__scToken || 0) + 1;
  chart.__scToken = token;
  const parts = layers(themed(figure), chart.__scHidden);
  keepTallest(chart, parts[0].layout.height);
  const elements = layerElements(chart, parts.length);
  const config = plotConfig();
  chart.dataset.drawing = "";
  const start = performance.now();
  let done = nextTask();
  parts.forEach((part, i) => {
    done = done.then(() => {
      if (chart.__scToken !== token) return null;
      const layerConf = layerConfig(chart, i, parts.length, config);
      const spec = JSON.stringify([part.data, part.layout, layerConf]);
      if (elements[i].__scSpec === spec) return null;
      return window.Plotly.react(elements[i], part.data, part.layout, layerConf)
        .then(() => {
          elements[i].__scSpec = spec;
          quietChart(elements[i]);
          if (i === 0) followLegend(chart, elements[0]);
          return i + 1 < parts.length ? nextTask() : null;
        });
    });
  });
  return done.then(() => {
    const ms = performance.now() - start;
    // A counter of finished draws: benchmarks and tests wait on it.
    if (chart.__scToken !== token) return ms;
    delete chart.dataset.drawing;
    chart.dataset.renders = String(Number(chart.dataset.renders || 0) + 1);
    return ms;
  });
}

function redrawAll() {
  for (const el of document.querySelectorAll(".sc-chart")) {
    if (el.__scFigure) draw(el, el.__scFigure);
  }
}

// Print lays the column out at the paper's width: each chart is fitted to it while the print layout
// is in force, and back to the screen's afterwards. Plotly's own resize waits 100 ms, too late for a
// print, so the relayout is asked for at once.
function fitToColumn() {
  for (const el of document.querySelectorAll(".sc-layer")) {
    if (el._fullLayout) window.Plotly.relayout(el, { autosize: true });
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
