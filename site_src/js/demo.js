/* One live figure on a page: its controls, its status line, its notes and messages, and its chart.
 * It draws the figure the build computed at once, then asks the worker for every change and draws
 * each answer as it streams in: first what is already computed, then one more width at a time, the
 * busy line naming the widths still pending. Values a shared link gives go to the Python package as
 * raw text, with the first request once the worker is ready; the package's final answer sets the
 * controls, and its notes say in the "Link adjusted" line what it changed.
 *
 * The controls never say something the figure does not show for long: when the live figures become
 * unavailable they go back to the figure's values, are switched off and name the reason; "Reset to
 * defaults" brings back the figure the build computed, without asking the worker.
 */
import { buildControl } from "./controls.js";
import { FigureWords } from "./figure-words.js";
import { draw } from "./theme.js";
import { linkValues, scheduleWrite } from "./url-state.js";
import { cancel, progressText, runtime, send } from "./worker-client.js";

let uid = 0;
// How many of a figure's latest draws predict how long its next one will take (see awaitAnswer): the
// last few inputs', each drawn up to twice (a partial answer, then the final one).
const RECENT_DRAWS = 6;

// The parameters of every demo on the page as query entries, for the address bar.
function linkEntries() {
  return [...runtime.demos].filter((d) => d.root.isConnected).flatMap((d) => d.linkEntries());
}

export class Demo {
  constructor(root, key) {
    const payload = JSON.parse(root.dataset.payload);
    this.root = root;
    this.key = key; // its query keys are "<key>.<param>"
    this.name = payload.experiment;
    this.version = root.dataset.version || "0";
    this.initial = Object.assign({}, payload.params); // what the build computed: the defaults
    this.figure = payload.figure;
    this.builtExports = payload.exports; // the command, CSV, JSON and notebook of the built figure
    this.exports = payload.exports; // ... and of the figure on screen
    this.params = Object.assign({}, payload.params);
    this.shown = Object.assign({}, payload.params); // the parameters of the figure on screen
    // Each parameter with its words as the build typeset them (label_html, help_html, …).
    const words = root.dataset.labels ? JSON.parse(root.dataset.labels) : {};
    this.controlled = payload.schema.params.filter((p) => payload.controls.includes(p.name))
      .map((p) => Object.assign({}, p, words[p.name]));
    // Raw link values the package has not answered yet; a control the reader moves drops its own.
    this.link = linkValues(key, this.controlled.map((p) => p.name));
    this.linkId = 0; // the request that carried them
    this.latest = 0;
    this.queued = null;
    this.restarting = false; // its worker died and a new one is loading
    this.uid = ++uid;
    this.chart = root.querySelector(".sc-demo__chart");
    this.status = root.querySelector(".sc-demo__status");
    this.words = new FigureWords(root);
    this.drawMs = []; // how long its last draws took here, from start to last layer (see awaitAnswer)
    this.render(payload.figure);
    this.buildControls(root.querySelector(".sc-demo__controls"));
  }

  buildControls(container) {
    // A <form> per demo scopes its radio groups: several demos on a page each have a group named
    // after the same parameter, and one document-wide group would uncheck the others.
    const form = document.createElement("form");
    form.className = "sc-demo__form";
    form.addEventListener("submit", (e) => e.preventDefault());
    this.controls = {};
    const helps = [];
    for (const p of this.controlled) {
      const control = buildControl(p, this.params[p.name], `sc-${this.uid}-${p.name}`, (v) => this.set(p, v));
      this.controls[p.name] = control;
      form.appendChild(control.element);
      if (control.help) helps.push(control.help);
    }
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "sc-demo__reset";
    reset.textContent = "Reset to defaults";
    reset.addEventListener("click", () => this.reset());
    this.resetEl = reset;
    const busy = document.createElement("span");
    busy.className = "sc-demo__busy";
    busy.setAttribute("aria-hidden", "true");
    busy.textContent = "computing…";
    this.busyEl = busy;
    this.noteEl = document.createElement("p");
    this.noteEl.className = "sc-demo__note";
    this.noteEl.hidden = true;
    this.messageEl = document.createElement("p");
    this.messageEl.className = "sc-demo__message";
    this.messageEl.id = `sc-${this.uid}-message`;
    this.messageEl.hidden = true;
    form.append(reset, busy, ...helps, this.noteEl, this.messageEl);
    container.replaceChildren(form);
  }

  set(p, value) {
    delete this.link[p.name];
    this.params[p.name] = value;
    scheduleWrite(linkEntries);
    this.ask(Object.assign({}, this.params));
  }

  // Ask the worker for the figure of `params`; returns the request's id.
  ask(params) {
    this.messageEl.hidden = true;
    return send(this, params);
  }

  // Back to the figure the build computed: it is in the page already, so nothing is computed.
  reset() {
    cancel(this);
    this.link = {};
    this.linkId = 0;
    this.params = Object.assign({}, this.initial);
    this.showControls(this.params);
    this.setBusy(false);
    this.noteEl.hidden = true;
    this.messageEl.hidden = true;
    this.drawn(this.initial, [], this.figure, this.builtExports);
    this.words.reset();
    scheduleWrite(linkEntries);
  }

  // What web.handle receives for request `id`: unanswered link values ride along until answered.
  request(id, params) {
    const out = { demo: this.name, params };
    if (Object.keys(this.link).length) {
      out.url = Object.assign({}, this.link);
      this.linkId = id;
    }
    return out;
  }

  // [query key, text or null] for each control; a value still waiting for the package keeps the
  // link's own text, and a value equal to the built figure's is left out.
  linkEntries() {
    return this.controlled
      .filter((p) => !(p.name in this.link))
      .map((p) => [`${this.key}.${p.name}`,
                   this.params[p.name] === this.initial[p.name] ? null : String(this.params[p.name])]);
  }

  showControls(params) {
    for (const p of this.controlled) this.controls[p.name].show(params[p.name]);
  }

  // The controls and the link go back to the figure on screen (what was asked will not come). Values
  // a shared link gave stay in the address bar: the link is the reader's, whatever this tab can run.
  revert() {
    this.params = Object.assign({}, this.shown);
    this.showControls(this.params);
    scheduleWrite(linkEntries);
  }

  setDisabled(on) {
    for (const p of this.controlled) this.controls[p.name].setDisabled(on, this.messageEl.id);
    this.resetEl.disabled = on;
    this.root.toggleAttribute("data-off", on);
  }

  onReady(sent) {
    this.setDisabled(false);
    if (this.restarting && !sent) this.messageEl.hidden = true; // the new worker is up
    this.restarting = false;
    if (!sent && Object.keys(this.link).length) this.ask(Object.assign({}, this.params));
    this.setState("live");
  }

  onRestart(why, resent) {
    this.restarting = true;
    this.showMessage(`${why}; restarting it${resent ? " and computing this figure again" : ""}.`, "error");
  }

  onGaveUp(why) {
    this.setBusy(false);
    this.revert();
    this.showMessage(`${why}. The figure shows the last values it finished.`, "error");
  }

  onAnswer(msg) {
    if (msg.id !== this.latest) return; // a newer request is on its way: drop this one
    const answer = msg.answer;
    const fromLink = msg.id === this.linkId;
    if (msg.final) {
      this.setBusy(false);
      if (fromLink) {
        this.link = {};
        this.linkId = 0;
      }
    } else {
      this.setBusy(true, false);
      this.showPending(answer.pending);
    }
    if (answer.ok) {
      if (msg.final) {
        // The controls show what the finished figure shows: the package's values, which for a link
        // may differ from what it asked. A partial figure stops at a smaller width; the controls keep
        // the value being computed.
        this.params = Object.assign({}, answer.params);
        this.showControls(this.params);
      }
      this.messageEl.hidden = true;
      if (fromLink) this.showNotes(answer.notes);
      if (!msg.final && JSON.stringify(answer.params) === JSON.stringify(this.shown)) {
        // The figure on screen (or the one about to be drawn) is this partial answer's already, a
        // figure being a function of its parameters: a notch up shows the known widths it was
        // showing. Only the pending widths change, and the main thread is spared a whole redraw.
        if (this.next) this.next.pending = answer.pending;
        else this.root.dataset.pending = JSON.stringify(answer.pending);
      } else {
        this.drawn(answer.params, answer.pending, answer.figure, answer.exports);
      }
      this.words.show(answer.text, msg.final);
    } else {
      this.showMessage(answer.message, "error");
    }
    if (fromLink && msg.final) scheduleWrite(linkEntries);
  }

  // Draws at the next frame, and only the newest figure by then: answers that stream in while a
  // large figure is being drawn would otherwise each take the main thread for a whole draw.
  drawn(params, pending, figure, exports) {
    if (exports) this.exports = exports; // a partial answer has none: the last complete figure's stay
    this.shown = Object.assign({}, params);
    this.next = { params, pending, figure };
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const next = this.next;
      this.next = null;
      this.root.dataset.params = JSON.stringify(next.params);
      this.root.dataset.pending = JSON.stringify(next.pending);
      this.render(next.figure);
    });
  }

  render(figure) {
    return draw(this.chart, figure).then((ms) => { this.drawMs = [...this.drawMs, ms].slice(-RECENT_DRAWS); });
  }

  onFailed(reason) {
    this.setBusy(false);
    this.revert();
    this.setState("error");
    this.setDisabled(true);
    const built = Object.keys(this.initial).every((k) => this.shown[k] === this.initial[k]);
    this.showMessage(`Live figures unavailable: ${reason}. The controls are off; the figure shows `
                     + (built ? "the parameters it was built with." : "the last values computed."), "error");
  }

  setState(state) {
    this.root.dataset.state = state;
    if (state === "loading") this.showProgress(progressText(), runtime.progress.percent);
    else this.status.textContent = "";
  }

  // Busy from the input to the final answer; stale (the chart dimmed) until the first answer, so the
  // figure acknowledges every input, also where nothing can be redrawn before the worker answers.
  // Both wait runtime.ackDelayMs for that answer first: most notches are answered from widths the
  // worker holds, in a few milliseconds, and their figure is then simply redrawn, instead of being
  // restyled and repainted busy and then not busy around its redraw (that cost 15–25 ms of main
  // thread per notch, which the answer waited behind). A figure whose recent draws took longer than
  // that wait cannot acknowledge by its redraw within a tenth of a second: it is marked at once. The
  // slowest of the last few, not the last: a control can switch a figure between a light and a heavy
  // shape (update_sizes, one parameterization or all four: 35 against 100 ms), and after a light draw
  // the heavy one back was acknowledged only by its redraw, after 100–160 ms.
  awaitAnswer() {
    // Still busy with an older request: its pending widths are no longer what is being computed.
    if (this.root.getAttribute("aria-busy") === "true") this.busyEl.textContent = "computing…";
    if (Math.max(0, ...this.drawMs) > runtime.ackDelayMs) {
      this.setBusy(true);
      return;
    }
    clearTimeout(this.ackTimer);
    this.ackTimer = setTimeout(() => this.setBusy(true), runtime.ackDelayMs);
  }

  setBusy(on, stale = on) {
    clearTimeout(this.ackTimer);
    this.ackTimer = 0;
    // Attributes, not classes, and only real changes: in Chromium a class change on the root restyled
    // the whole figure, its charts included (the trace blamed Material's table:not([class]) rules),
    // and an attribute written with its own value still restyles what reads it.
    const root = this.root;
    if ((root.getAttribute("aria-busy") === "true") !== on) {
      root.setAttribute("aria-busy", on ? "true" : "false");
      if (on) this.busyEl.textContent = "computing…";
    }
    if (root.hasAttribute("data-stale") !== stale) root.toggleAttribute("data-stale", stale);
  }

  // The widths a partial answer still waits for, as the package lists them.
  showPending(pending) {
    const widths = (pending || []).filter((w) => w !== null);
    this.busyEl.textContent = widths.length ? `computing n = ${widths.join(", ")}…` : "computing…";
  }

  showProgress(text, percent) {
    let bar = this.status.querySelector("progress");
    if (!bar) {
      this.status.textContent = "";
      const label = document.createElement("span");
      label.className = "sc-demo__progress-label";
      bar = document.createElement("progress");
      bar.max = 100;
      this.status.append(label, bar);
    }
    bar.value = percent;
    this.status.querySelector(".sc-demo__progress-label").textContent = `${text}… ${percent}%`;
  }

  showNotes(notes) {
    this.noteEl.hidden = notes.length === 0;
    this.noteEl.textContent = notes.length ? `Link adjusted: ${notes.join("; ")}.` : "";
  }

  showMessage(text, kind) {
    this.messageEl.textContent = text;
    this.messageEl.dataset.kind = kind;
    this.messageEl.hidden = false;
  }
}
