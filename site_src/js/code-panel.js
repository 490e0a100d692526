/* A figure's Python panel: the code that computed it (the build's copy of the package's source,
 * highlighted), an editor to change it, Run to draw the figure from the edit, Stop, Reset; and
 * beside it the figure's take-home downloads (downloads.js).
 *
 * Edited code runs only when the reader presses Run (or Ctrl/Cmd-Enter in the editor), in the tab's
 * Python worker (worker-client.runSource), for the parameters the controls show. An error is shown
 * with its line beside the editor and the figure stays as it was; Stop, or the worker's time limit,
 * ends the worker and a fresh one takes over. The editor's bundle is imported when the reader first
 * opens the editor, never before.
 *
 * Test hooks: the panel is .sc-code inside the demo root; its buttons have data-action = edit | run |
 * stop | reset; .sc-code__error holds the last error (data-line: its line); the root's
 * data-code = package | edited says which code drew the figure on screen.
 */
import { attachDownloads } from "./downloads.js";
import { runSource, stopRun } from "./worker-client.js";

// assets/spectral/code-panel.js -> the site root, wherever the site is mounted.
const SITE_ROOT = new URL("../../", import.meta.url);
const asset = (path, version) => new URL(`${path}?v=${version}`, SITE_ROOT).href;

let editorModule = null; // the bundle's promise, shared by every panel of the tab

function addStyles(version) {
  if (document.querySelector("link[data-sc-code-panel]")) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = asset("assets/spectral/code-panel.css", version);
  link.dataset.scCodePanel = "";
  document.head.appendChild(link);
}

function loadEditor(version) {
  if (!editorModule) editorModule = import(asset("assets/vendor/codemirror/code-editor.js", version));
  return editorModule;
}

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

function button(action, text, hidden = false) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `sc-code__button sc-code__button--${action}`;
  b.dataset.action = action;
  b.textContent = text;
  b.hidden = hidden;
  return b;
}

class CodePanel {
  constructor(demo) {
    this.demo = demo;
    this.root = demo.root; // what worker-client reads
    this.key = `${demo.key}#code`;
    this.latest = 0;
    this.editor = null;
    this.original = null; // the package's text, for Reset
    this.element = this.build();
  }

  build() {
    const name = this.demo.name;
    const details = document.createElement("details");
    details.className = "sc-code";
    const summary = document.createElement("summary");
    summary.textContent = "Python";
    const intro = document.createElement("p");
    intro.className = "sc-code__intro";
    intro.append("The code that computed this figure, as the package has it: the experiment and every "
                 + "package function it calls. Edit it and press Run to redraw the figure from your "
                 + "version, with the controls' values. ");
    const file = document.createElement("a");
    file.href = asset(`assets/code/${name}.py`, this.demo.version);
    file.download = `${name}.py`;
    file.textContent = `${name}.py`;
    intro.append(file);
    this.bar = document.createElement("div");
    this.bar.className = "sc-code__bar";
    this.editButton = button("edit", "Edit and run");
    this.runButton = button("run", "Run", true);
    this.stopButton = button("stop", "Stop", true);
    this.resetButton = button("reset", "Reset code", true);
    this.stopButton.disabled = true;
    this.statusEl = document.createElement("span");
    this.statusEl.className = "sc-code__status";
    this.statusEl.setAttribute("role", "status");
    this.bar.append(this.editButton, this.runButton, this.stopButton, this.resetButton, this.statusEl);
    this.errorEl = document.createElement("p");
    this.errorEl.className = "sc-code__error";
    this.errorEl.setAttribute("role", "alert"); // read out as it appears, beside the editor
    this.errorEl.hidden = true;
    this.view = document.createElement("div");
    this.view.className = "sc-code__view";
    this.view.tabIndex = 0; // a keyboard can scroll it
    this.view.setAttribute("role", "region");
    this.view.setAttribute("aria-label", `Python code of the figure: ${name}`);
    this.view.textContent = "Loading the code…";
    this.editorEl = document.createElement("div");
    this.editorEl.className = "sc-code__editor";
    this.editorEl.hidden = true;
    details.append(summary, intro, this.bar, this.errorEl, this.view, this.editorEl);

    details.addEventListener("toggle", () => { if (details.open) this.showCode(); });
    this.editButton.addEventListener("click", () => this.openEditor());
    this.runButton.addEventListener("click", () => this.run());
    this.stopButton.addEventListener("click", () => stopRun(this, "Stopped: the run of your code was ended"));
    this.resetButton.addEventListener("click", () => this.reset());
    return details;
  }

  async showCode() {
    if (this.shown) return;
    this.shown = true;
    try {
      // Highlighted by the build from the package's own files (sitebuild/code_panel.py).
      this.view.innerHTML = await fetchText(asset(`assets/code/${this.demo.name}.html`, this.demo.version));
    } catch (e) {
      this.shown = false;
      this.view.textContent = `The code could not be loaded (${e.message}).`;
    }
  }

  async openEditor() {
    this.editButton.disabled = true;
    this.setStatus("Loading the editor…");
    try {
      const [mod, text] = await Promise.all([
        loadEditor(this.demo.version),
        fetchText(asset(`assets/code/${this.demo.name}.py`, this.demo.version)),
      ]);
      this.original = text;
      this.editor = mod.createEditor(this.editorEl, text, {
        onRun: () => this.run(),
        label: `Python code of the figure ${this.demo.name}, editable`,
      });
    } catch (e) {
      this.editButton.disabled = false;
      this.setStatus(`The editor could not be loaded (${e.message}).`);
      return;
    }
    this.view.hidden = true;
    this.editorEl.hidden = false;
    this.editButton.hidden = true;
    this.runButton.hidden = false;
    this.stopButton.hidden = false;
    this.resetButton.hidden = false;
    this.setStatus("Press Run (or Ctrl+Enter) to draw the figure from this code.");
    this.editor.view.focus();
  }

  // What worker-client posts: web.Stream runs the text instead of the package's code.
  request(id, params) {
    return { demo: this.demo.name, params, source: this.editor.text() };
  }

  run() {
    if (!this.editor) return;
    this.runButton.disabled = true;
    this.stopButton.disabled = false;
    this.setStatus("Running your code…");
    // Busy, not dimmed: the figure on screen stays the package's until the edited code answers.
    this.demo.setBusy(true, false);
    runSource(this, Object.assign({}, this.demo.params));
  }

  finish() {
    this.runButton.disabled = false;
    this.stopButton.disabled = true;
    this.demo.setBusy(false);
  }

  onAnswer(msg) {
    if (msg.id !== this.latest || !msg.final) return;
    this.finish();
    const answer = msg.answer;
    if (answer.ok) {
      this.showError(null, "");
      this.demo.drawn(answer.params, [], answer.figure, answer.exports);
      this.setStatus("The figure shows your code's result. Moving a control draws the package's again.");
    } else {
      const where = answer.line ? `Line ${answer.line}: ` : "";
      this.showError(answer.line, `${where}${answer.message}`);
      this.setStatus("Your code failed; the figure is the last one drawn.");
    }
  }

  onStopped(why) {
    this.finish();
    this.showError(null, `${why}. Python restarts; the figure is the last one drawn.`);
    this.setStatus("");
  }

  reset() {
    if (!this.editor) return;
    this.editor.setText(this.original);
    this.showError(null, "");
    this.setStatus("The package's code is back.");
  }

  showError(line, text) {
    this.errorEl.hidden = !text;
    this.errorEl.textContent = text;
    if (line) this.errorEl.dataset.line = String(line);
    else delete this.errorEl.dataset.line;
    if (this.editor) this.editor.showError(line, text);
  }

  setStatus(text) {
    this.statusEl.textContent = text;
  }
}

// The Python panel and the downloads under a demo's chart (once per demo root).
export function attachCodeTools(demo) {
  if (demo.root.querySelector(".sc-tools")) return;
  addStyles(demo.version);
  const tools = document.createElement("div");
  tools.className = "sc-tools";
  const panel = new CodePanel(demo);
  tools.append(panel.element, attachDownloads(demo));
  demo.chart.after(tools);
}
