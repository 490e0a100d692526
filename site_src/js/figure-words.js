/* A live figure in words and numbers for readers who do not see the chart: keeps its description and
 * data table in step with the figure drawn, and puts a short sentence in its polite live region when
 * an answer the reader asked for is complete. The words, numbers and sentence are the package's
 * (figure_text, sent with every answer); this module only places them.
 */

export class FigureWords {
  constructor(root) {
    this.description = root.querySelector(".sc-demo__description");
    this.box = root.querySelector(".sc-demo__data");
    this.live = root.querySelector(".sc-demo__announce");
    this.built = {
      description: this.description ? this.description.textContent : "",
      table: this.box ? this.box.innerHTML : "",
      summary: this.live ? this.live.dataset.summary || "" : "",
    };
  }

  // `text`: {description, summary, table} of the figure now drawn; `announce`: say its summary.
  show(text, announce) {
    if (!text) return;
    if (this.description) this.description.textContent = text.description;
    if (this.box) {
      // The box (a focusable region) stays, so keyboard focus and scroll stay; its table is replaced.
      const parsed = document.createElement("template");
      parsed.innerHTML = text.table;
      const table = parsed.content.querySelector("table");
      if (table) this.box.replaceChildren(table);
    }
    if (announce && this.live) {
      // The same sentence twice is still news (the reader moved back and forth): clear, then set.
      this.live.textContent = "";
      setTimeout(() => { this.live.textContent = text.summary; }, 50);
    }
  }

  // Back to the figure the build computed.
  reset() {
    this.show(this.built, true);
  }
}
