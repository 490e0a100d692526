/* One live figure on a page: its controls, its status line, its notes and messages, and its chart.
 * It draws the figure the build computed at once, then asks the worker for every change and draws
 * each answer as it streams in: first what is already computed, then one more width at a time, the
 * busy line naming the widths still pending. Values a shared link gives go to the Python package as
 * raw text, with the first request once the worker is ready; the package's final answer sets the
 * controls, and its notes say in the "Link adjusted" line what it changed.
 */
import { buildControl } from "./controls.js";
import { draw } from "./theme.js";
import { linkValues, scheduleWrite } from "./url-state.js";
import { progressText, runtime, send } from "./worker-client.js";

let uid = 0;

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
    this.params = Object.assign({}, payload.params);
    this.controlled = payload.schema.params.filter((p) => payload.controls.includes(p.name));
    // Raw link values the package has not answered yet; a control the reader moves drops its own.
    this.link = linkValues(key, this.controlled.map((p) => p.name));
    this.linkId = 0; // the request that carried them
    this.latest = 0;
    this.queued = null;
    this.uid = ++uid;
    this.chart = root.querySelector(".sc-demo__chart");
    this.status = root.querySelector(".sc-demo__status");
    draw(this.chart, payload.figure);
    this.buildControls(root.querySelector(".sc-demo__controls"));
  }

  buildControls(container) {
    // A <form> per demo scopes its radio groups: several demos on a page each have a group named
    // after the same parameter, and one document-wide group would uncheck the others.
    const form = document.createElement("form");
    form.className = "sc-demo__form";
    form.addEventListener("submit", (e) => e.preventDefault());
    this.controls = {};
    for (const p of this.controlled) {
      const control = buildControl(p, this.params[p.name], `sc-${this.uid}-${p.name}`, (v) => this.set(p, v));
      this.controls[p.name] = control;
      form.appendChild(control.element);
    }
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
    this.messageEl.hidden = true;
    form.append(busy, this.noteEl, this.messageEl);
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
  // link's own text.
  linkEntries() {
    return this.controlled
      .filter((p) => !(p.name in this.link))
      .map((p) => [`${this.key}.${p.name}`, this.params[p.name] === p.default ? null : String(this.params[p.name])]);
  }

  onReady(sent) {
    if (!sent && Object.keys(this.link).length) this.ask(Object.assign({}, this.params));
    this.setState("live");
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
      this.showPending(answer.pending);
    }
    if (answer.ok) {
      if (msg.final) {
        // The controls show what the finished figure shows: the package's values, which for a link
        // may differ from what it asked. A partial figure stops at a smaller width; the controls keep
        // the value being computed.
        this.params = Object.assign({}, answer.params);
        for (const p of this.controlled) this.controls[p.name].show(this.params[p.name]);
      }
      this.root.dataset.params = JSON.stringify(answer.params);
      this.root.dataset.pending = JSON.stringify(answer.pending);
      this.messageEl.hidden = true;
      if (fromLink) this.showNotes(answer.notes);
      draw(this.chart, answer.figure);
    } else {
      this.showMessage(answer.message, "error");
    }
    if (fromLink && msg.final) scheduleWrite(linkEntries);
  }

  onFailed(reason) {
    this.setBusy(false);
    this.setState("error");
    this.showMessage(`Live figures unavailable: ${reason}. The figure shows the parameters it was built with.`, "error");
  }

  setState(state) {
    this.root.dataset.state = state;
    if (state === "loading") this.showProgress(progressText(), runtime.progress.percent);
    else this.status.textContent = "";
  }

  setBusy(on) {
    this.root.classList.toggle("sc-demo--busy", on);
    this.root.setAttribute("aria-busy", on ? "true" : "false");
    if (on) this.busyEl.textContent = "computing…";
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
