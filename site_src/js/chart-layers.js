/* Splits a figure of several panels into one figure per panel, each drawn by a Plotly instance of its
 * own, stacked over the others at the same size. Plotly redraws a whole figure in one task: a
 * four-panel figure took 50–70 ms of main thread per redraw, in which no input was handled; its
 * panels drawn one per task take 15–20 ms each. Every layer keeps the whole layout's height, margins
 * and its panel's axis domains, so each panel lands where the single figure would have put it.
 *
 * The first layer holds the title, the subtitle, the legend and the annotations tied to no panel: its
 * legend entries are empty copies of the traces, the panels' own traces are drawn without legend.
 * The reader's legend clicks are kept per chart (the keys of `hidden`) and applied to every layer.
 * Every trace carries its index in the whole figure as `uid`, the stand-ins "legend-" and that index.
 */

const AXIS = /^([xy])axis(\d*)$/;

const xOf = (trace) => (trace.xaxis || "x").slice(1);

// The panels, named by their x axis's suffix ("" for the first), in the figure's axis order: those
// the layout sets up and those a trace is drawn on.
function panels(figure) {
  const named = Object.keys(figure.layout).map((k) => AXIS.exec(k)).filter((m) => m && m[1] === "x")
    .map((m) => m[2]);
  return [...new Set([...named, ...figure.data.map(xOf)])].sort((a, b) => Number(a || 1) - Number(b || 1));
}

// The panel a reference belongs to: "x2", "x2 domain", "y2" give "2"; "paper" and "" give null.
function panelOfRef(ref) {
  const m = /^[xy](\d*)( domain)?$/.exec(ref || "");
  return m ? m[1] : null;
}

// What a legend click hides: the trace's legend group, or the trace alone.
export function legendKey(trace, index) {
  return trace.legendgroup ? `group:${trace.legendgroup}` : `trace:${index}`;
}

// The keys of the figure's legend entries.
export function legendKeys(data) {
  return data.map((t, i) => (t.showlegend === false ? null : legendKey(t, i))).filter((k) => k);
}

function withVisibility(trace, index, hidden) {
  return hidden.has(legendKey(trace, index)) ? Object.assign({}, trace, { visible: "legendonly" }) : trace;
}

// The figure's traces with those the reader hid in the legend marked so.
export function withHidden(data, hidden) {
  return data.map((t, i) => withVisibility(t, i, hidden));
}

export function layers(figure, hidden = new Set()) {
  const { data, layout } = figure;
  const names = panels(figure);
  if (names.length < 2) {
    return [{ data: withHidden(data, hidden), layout }];
  }
  const shared = {};
  for (const [key, value] of Object.entries(layout)) {
    if (!AXIS.test(key) && !["title", "legend", "annotations", "shapes"].includes(key)) shared[key] = value;
  }
  // The first layer: title, subtitle, legend and the annotations tied to no panel, over an empty
  // plot area with neither axes nor hover.
  const hiddenAxis = { visible: false, fixedrange: true };
  const header = {
    data: data.map((t, i) => [t, i]).filter(([t]) => t.showlegend !== false).map(([t, i]) => Object.assign(
      {}, withVisibility(t, i, hidden),
      { uid: `legend-${i}`, x: [null], y: [null], xaxis: "x", yaxis: "y", hoverinfo: "skip" })),
    layout: Object.assign({}, shared, {
      title: layout.title, legend: layout.legend, xaxis: hiddenAxis, yaxis: hiddenAxis,
      annotations: (layout.annotations || []).filter((a) => panelOfRef(a.xref) === null),
      hovermode: false, dragmode: false, showlegend: layout.showlegend ?? true,
    }),
  };
  const own = (ref, name) => panelOfRef(ref) === name;
  return [header, ...names.map((name) => {
    const traces = data.map((t, i) => [t, i]).filter(([t]) => xOf(t) === name);
    const axes = {};
    for (const key of [`xaxis${name}`, `yaxis${name}`, ...traces.map(([t]) => `yaxis${(t.yaxis || "y").slice(1)}`)]) {
      if (layout[key]) axes[key] = layout[key];
    }
    return {
      data: traces.map(([t, i]) => Object.assign({}, withVisibility(t, i, hidden), { uid: String(i) })),
      layout: Object.assign({}, shared, axes, {
        annotations: (layout.annotations || []).filter((a) => own(a.xref, name)),
        shapes: (layout.shapes || []).filter((a) => own(a.xref, name)),
        showlegend: false,
      }),
    };
  })];
}
