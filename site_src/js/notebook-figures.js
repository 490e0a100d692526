/* Draws the figures that notebooks (or any page) embed as Plotly JSON in .sc-figure[data-figure]:
 * computed when the site was built, so they need no Python in the browser.
 */
import { draw } from "./theme.js";

export function drawEmbeddedFigures(root) {
  for (const el of root.querySelectorAll(".sc-figure[data-figure]")) {
    if (el.__scFigure) continue;
    try {
      el.replaceChildren(); // the title line shown where no Plotly draws the figure
      draw(el, JSON.parse(el.dataset.figure));
    } catch (e) {
      el.textContent = `This figure could not be drawn (${e.message}).`;
    }
  }
}
