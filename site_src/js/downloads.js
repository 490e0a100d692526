/* A figure's take-home downloads, always of the figure on screen: the command that reproduces it
 * natively, a notebook that does the same, its numbers as CSV and JSON (all composed by the Python
 * package, spectral_condition.take_home, and carried with each figure as `exports`), and its image as
 * PNG or SVG through Plotly's own export.
 *
 * Test hooks: .sc-take inside the demo root; .sc-take__command holds the command; its buttons have
 * data-get = csv | json | notebook | png | svg | copy.
 */

function saveText(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function button(get, text) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "sc-take__button";
  b.dataset.get = get;
  b.textContent = text;
  return b;
}

// The downloads of `demo`, as a <details> element to place under its chart.
export function attachDownloads(demo) {
  const details = document.createElement("details");
  details.className = "sc-take";
  const summary = document.createElement("summary");
  summary.textContent = "Take it home";
  const commandLine = document.createElement("p");
  commandLine.className = "sc-take__line";
  const command = document.createElement("code");
  command.className = "sc-take__command";
  const copy = button("copy", "Copy");
  const copied = document.createElement("span");
  copied.className = "sc-take__copied";
  copied.setAttribute("role", "status");
  commandLine.append("Reproduce it natively: ", command, " ", copy, copied);
  const row = document.createElement("p");
  row.className = "sc-take__row";
  const buttons = {
    csv: button("csv", "Data (CSV)"),
    json: button("json", "Data (JSON)"),
    notebook: button("notebook", "Notebook (.ipynb)"),
    png: button("png", "Image (PNG)"),
    svg: button("svg", "Image (SVG)"),
  };
  row.append(...Object.values(buttons));
  details.append(summary, commandLine, row);

  const stem = () => {
    const p = demo.shown || {};
    return [demo.name, ...Object.keys(p).sort().map((k) => `${k}-${p[k]}`)].join("_").replace(/[^\w.-]+/g, "");
  };

  function refresh() {
    const ex = demo.exports || {};
    demo.root.dataset.code = ex.command ? "package" : "edited";
    command.textContent = ex.command || "(the figure shows your edited code: its Python panel has it)";
    copy.disabled = !ex.command;
    buttons.notebook.disabled = !ex.notebook;
    copied.textContent = "";
  }
  refresh();
  // drawn() writes the parameters of every figure it draws: the downloads follow it.
  new MutationObserver(refresh).observe(demo.root, { attributes: true, attributeFilter: ["data-params"] });

  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(demo.exports.command);
      copied.textContent = " copied";
    } catch (e) {
      // No clipboard (an insecure origin, a refused permission): select it for the reader to copy.
      getSelection().selectAllChildren(command);
      copied.textContent = " selected: press Ctrl+C to copy";
    }
  });
  buttons.csv.addEventListener("click", () => saveText(demo.exports.csv, `${stem()}.csv`, "text/csv"));
  buttons.json.addEventListener("click", () => saveText(demo.exports.json, `${stem()}.json`, "application/json"));
  buttons.notebook.addEventListener("click",
    () => saveText(demo.exports.notebook, `${stem()}.ipynb`, "application/x-ipynb+json"));
  for (const format of ["png", "svg"]) {
    buttons[format].addEventListener("click", () => {
      const { width, height } = demo.chart.getBoundingClientRect();
      window.Plotly.downloadImage(demo.chart, { format, filename: stem(), width: Math.round(width),
                                                height: Math.round(height) });
    });
  }
  return details;
}
