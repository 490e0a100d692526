/* Keyboard and screen-reader access to what the page scrolls or draws: a region that scrolls sideways
 * (display math wider than the column, a notebook's code cell) becomes a tab stop with a name while it
 * overflows, so a keyboard can scroll it; a chart's SVG, whose tick labels a screen reader would read
 * one by one, is hidden from it, since the figure's description and data table say what it shows.
 *
 * Whether a region overflows depends on the reader's screen, so it is decided here, and again
 * whenever the region's width changes; a region that fits is no tab stop.
 */

// Where the theme, KaTeX or a notebook lets content scroll sideways, and what to call it.
const SCROLLERS = [
  ["div.arithmatex, .katex-display", "Formula, scrolls sideways"],
  [".md-typeset__scrollwrap", "Table, scrolls sideways"],
  [".jupyter-wrapper .highlight-ipynb", "Code cell, scrolls sideways"],
  [".jupyter-wrapper .jp-OutputArea-output, .jupyter-wrapper .jp-OutputArea-output pre", "Cell output, scrolls sideways"],
];

function mark(el) {
  const overflow = getComputedStyle(el).overflowX;
  const overflows = (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1;
  if (overflows && !el.hasAttribute("tabindex")) {
    el.tabIndex = 0;
    el.setAttribute("role", "group");
    el.setAttribute("aria-label", el.__scScrollLabel);
    el.classList.add("sc-scroll");
  } else if (!overflows && el.classList.contains("sc-scroll")) {
    el.removeAttribute("tabindex");
    el.removeAttribute("role");
    el.removeAttribute("aria-label");
    el.classList.remove("sc-scroll");
  }
}

const watched = typeof ResizeObserver === "function"
  ? new ResizeObserver((entries) => entries.forEach((e) => mark(e.target)))
  : null;

export function markScrollers(root) {
  for (const [selector, label] of SCROLLERS) {
    for (const el of root.querySelectorAll(selector)) {
      if (el.__scScrollLabel) continue;
      el.__scScrollLabel = label;
      mark(el);
      if (watched) watched.observe(el);
    }
  }
}

// After each draw: the chart's SVG layers are pictures for the eye (see the module's first lines).
export function quietChart(el) {
  for (const svg of el.querySelectorAll("svg.main-svg")) svg.setAttribute("aria-hidden", "true");
}
