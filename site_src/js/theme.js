/* Draws Plotly figure dicts in the reader's colour scheme, and redraws every chart when the reader
 * switches between Material's light and dark palettes. The figures themselves come from Python.
 */

const PLOT_CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

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

function themed(figure) {
  const { fg, grid, light, family } = currentPalette();
  const layout = Object.assign({}, figure.layout);
  layout.paper_bgcolor = "rgba(0,0,0,0)";
  layout.plot_bgcolor = "rgba(0,0,0,0)";
  // On a phone the figure's labels would crowd a 350-pixel plot: smaller type, same figure.
  const narrow = window.matchMedia("(max-width: 600px)").matches;
  layout.font = Object.assign({}, layout.font, { color: fg, family }, narrow ? { size: 10 } : {});
  if (narrow && layout.title) {
    layout.title = Object.assign({}, layout.title, { font: Object.assign({}, layout.title.font, { size: 12 }) });
  }
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

export function draw(el, figure) {
  el.__scFigure = figure; // kept for redrawing in the other palette
  const f = themed(figure);
  return window.Plotly.react(el, f.data, f.layout, PLOT_CONFIG).then(() => {
    // A counter of finished draws: benchmarks and tests wait on it.
    el.dataset.renders = String(Number(el.dataset.renders || 0) + 1);
  });
}

let watching = false;
export function followPalette() {
  if (watching) return;
  watching = true;
  new MutationObserver(() => {
    for (const el of document.querySelectorAll(".js-plotly-plot")) {
      if (el.__scFigure) draw(el, el.__scFigure);
    }
  }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
}
