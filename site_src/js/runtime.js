/* Live figures: controls, URL state, Plotly, KaTeX, and the one Pyodide worker of the tab.
 *
 * Material's instant navigation swaps the page content without re-running this script, so every
 * widget is set up from `document$.subscribe`, idempotently, and the worker lives in this closure
 * for the whole reading session. No mathematics happens here: parameters go to the worker, where
 * the Python package validates and computes them, and Plotly figure dicts come back.
 *
 * Test hooks (stable): a demo root has data-demo="<experiment>" and
 * data-state = static | loading | live | error; its controls are native input/select elements named
 * after the parameter; its chart is the .js-plotly-plot inside it, whose data-renders counts finished
 * draws; data-params on the root holds the parameters of the figure shown. window.__spectralRuntime
 * exposes `starts` (workers created) and `run(root, params)`.
 */
(function () {
  "use strict";
  if (window.__spectralRuntime) return;

  // assets/spectral/runtime.js -> the site root, wherever the site is mounted (sub-paths too).
  const SCRIPT_URL = new URL(document.currentScript.src, location.href);
  const SITE_ROOT = new URL("../../", SCRIPT_URL);
  const asset = (path) => new URL(path, SITE_ROOT).href;

  const PHASE_TEXT = {
    runtime: "Loading the Python runtime",
    numpy: "Loading NumPy",
    package: "Loading the spectral_condition package",
  };

  const rt = {
    starts: 0, // workers created in this tab: stays 1 across instant navigation
    worker: null,
    status: "idle", // idle | loading | ready | failed
    failure: "",
    progress: { phase: "runtime", percent: 0 },
    versions: null,
    demos: new Set(),
    seq: 0,
    lastResultMs: null,
  };
  window.__spectralRuntime = rt;

  // ------------------------------------------------------------------------------ the worker

  function startWorker(version) {
    rt.starts += 1;
    rt.status = "loading";
    rt.failure = "";
    rt.progress = { phase: "runtime", percent: 0 };
    const w = new Worker(asset(`assets/spectral/worker.js?v=${version}`));
    rt.worker = w;
    w.onmessage = (event) => onWorkerMessage(w, event.data);
    w.onerror = (event) => {
      event.preventDefault();
      if (rt.worker !== w) return;
      w.terminate();
      rt.worker = null;
      const why = event.message || "the worker stopped";
      if (rt.status === "ready") {
        // It ran before: the next input starts a new one.
        rt.status = "idle";
        for (const d of rt.demos) {
          d.pending = false;
          d.setBusy(false);
          d.showMessage(`The Python worker stopped (${why}); change a control to restart it.`, "error");
        }
      } else {
        fail(`the Python worker could not start (${why})`);
      }
    };
    w.postMessage({
      type: "init",
      indexURL: asset("assets/pyodide/"),
      packageURL: asset(`assets/py/spectral_condition.zip?v=${version}`),
    });
    for (const d of rt.demos) d.setState("loading");
    renderProgress();
  }

  function fail(reason) {
    rt.status = "failed";
    rt.failure = reason;
    if (rt.worker) rt.worker.terminate();
    rt.worker = null;
    for (const d of rt.demos) {
      d.pending = false;
      d.setBusy(false);
      d.setState("error");
      d.showMessage(`Live figures unavailable: ${reason}. The figure shows the parameters it was built with.`, "error");
    }
  }

  function onWorkerMessage(w, msg) {
    if (rt.worker !== w) return;
    if (msg.type === "progress") {
      rt.progress = { phase: msg.phase, percent: msg.percent, detail: msg.detail };
      renderProgress();
    } else if (msg.type === "ready") {
      rt.status = "ready";
      rt.versions = { python: msg.python, numpy: msg.numpy, ms: msg.ms };
      for (const d of rt.demos) d.goLive();
    } else if (msg.type === "fatal") {
      fail(msg.message);
    } else if (msg.type === "result" || msg.type === "error") {
      rt.lastResultMs = msg.ms;
      for (const d of rt.demos) if (d.key === msg.key) d.onReply(msg);
    }
  }

  function ensureRuntime(version) {
    if (rt.status === "idle") startWorker(version);
  }

  function send(demo, params) {
    const id = ++rt.seq;
    demo.latest = id;
    if (rt.status === "failed") {
      demo.showMessage(`Live figures unavailable: ${rt.failure}.`, "error");
      return id;
    }
    demo.pending = true;
    demo.setBusy(true);
    if (rt.status === "idle") startWorker(demo.version);
    if (rt.status === "ready") {
      rt.worker.postMessage({ type: "run", id, key: demo.key, demo: demo.name, params });
    } else {
      demo.queued = { id, params }; // sent when the worker is ready
    }
    return id;
  }

  function renderProgress() {
    const { phase, percent, detail } = rt.progress;
    const text = (PHASE_TEXT[phase] || phase) + (detail ? ` (${detail})` : "");
    for (const d of rt.demos) {
      if (d.root.dataset.state === "loading") d.showProgress(text, percent);
    }
  }

  // ------------------------------------------------------------------------------ theme & Plotly

  let probe = null;
  function cssColor(variable) {
    // Resolve Material's colour variables (which nest other variables) to an rgb() Plotly reads.
    if (!probe) {
      probe = document.createElement("span");
      probe.style.display = "none";
      document.body.appendChild(probe);
    } else if (!probe.isConnected) {
      document.body.appendChild(probe);
    }
    probe.style.color = `var(${variable})`;
    return getComputedStyle(probe).color;
  }

  // Colours of the current palette, read once per scheme: reading computed styles on every draw
  // would force a style recalculation in the middle of a drag.
  let theme = null;
  function currentTheme() {
    const scheme = document.body.getAttribute("data-md-color-scheme") || "";
    if (!theme || theme.scheme !== scheme) {
      theme = {
        scheme,
        fg: cssColor("--md-default-fg-color"),
        grid: cssColor("--md-default-fg-color--lightest"),
        light: cssColor("--md-default-fg-color--light"),
        family: getComputedStyle(document.body).fontFamily,
      };
    }
    return theme;
  }

  function themed(figure) {
    const { fg, grid, light, family } = currentTheme();
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

  const PLOT_CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

  function draw(el, figure) {
    el.__scFigure = figure;
    const f = themed(figure);
    return window.Plotly.react(el, f.data, f.layout, PLOT_CONFIG).then(() => {
      // A counter of finished draws: benchmarks and tests wait on it.
      el.dataset.renders = String(Number(el.dataset.renders || 0) + 1);
    });
  }

  function retheme() {
    for (const el of document.querySelectorAll(".js-plotly-plot")) {
      if (el.__scFigure) draw(el, el.__scFigure);
    }
  }

  new MutationObserver(retheme).observe(document.body, {
    attributes: true,
    attributeFilter: ["data-md-color-scheme"],
  });

  // ------------------------------------------------------------------------------ URL state

  // Each demo owns query keys "<key>.<param>", so several figures share one URL.
  function urlValues(key) {
    const out = {};
    for (const [k, v] of new URLSearchParams(location.search)) {
      if (k.startsWith(key + ".")) out[k.slice(key.length + 1)] = v;
    }
    return out;
  }

  let urlTimer = null;
  function writeUrl() {
    // replaceState at most every 100 ms while dragging (browsers throttle faster calls).
    if (urlTimer) return;
    const path = location.pathname;
    urlTimer = setTimeout(() => {
      urlTimer = null;
      if (location.pathname !== path) return; // the reader has moved on to another page
      const q = new URLSearchParams(location.search);
      for (const d of rt.demos) {
        for (const p of d.controlled) {
          const name = `${d.key}.${p.name}`;
          if (d.params[p.name] === p.default) q.delete(name);
          else q.set(name, String(d.params[p.name]));
        }
      }
      const search = q.toString();
      const url = location.pathname + (search ? "?" + search : "") + location.hash;
      // Keep Material's own history state (it stores the scroll position there).
      history.replaceState(history.state, "", url);
    }, 100);
  }

  // Clamp a URL value to the schema's allowed values. Returns [value, note or ""].
  // This is bookkeeping on the declared bounds and choices, not mathematics: the package still
  // validates every value it receives.
  function clampParam(p, raw) {
    const allowed = describeAllowed(p);
    if (p.kind === "choice") {
      if (p.choices.includes(raw)) return [raw, ""];
      return [p.default, `${p.name}=${raw} is not ${allowed}; showing ${p.default}`];
    }
    const x = raw.trim() === "" ? NaN : Number(raw);
    if (!Number.isFinite(x)) return [p.default, `${p.name}=${raw} is not a number; showing ${p.default}`];
    let v;
    if (p.log2) {
      const k = Math.round(Math.log2(Math.min(Math.max(x, p.min), p.max)));
      v = Math.min(Math.max(2 ** k, p.min), p.max);
    } else {
      v = Math.min(Math.max(x, p.min), p.max);
      if (p.kind === "int") v = Math.round(v);
      else if (p.step) v = Math.min(p.max, Math.max(p.min, p.min + Math.round((v - p.min) / p.step) * p.step));
      v = Number(v.toPrecision(12));
    }
    if (v === x) return [v, ""];
    return [v, `${p.name}=${raw} is not ${allowed}; showing ${v}`];
  }

  function describeAllowed(p) {
    if (p.kind === "choice") return "one of " + p.choices.join(", ");
    if (p.log2) return `a power of two from ${p.min} to ${p.max}`;
    return `${p.kind === "int" ? "an integer" : "a number"} from ${p.min} to ${p.max}`;
  }

  // ------------------------------------------------------------------------------ one demo

  let uid = 0;

  function fmt(p, v) {
    if (p.kind === "float") return Number(v).toPrecision(3).replace(/\.?0+$/, "");
    return String(v);
  }

  class Demo {
    constructor(root, key) {
      const payload = JSON.parse(root.dataset.payload);
      this.root = root;
      this.key = key;
      this.name = payload.experiment;
      this.version = root.dataset.version || "0";
      this.schema = payload.schema;
      this.figure = payload.figure;
      this.staticParams = payload.params;
      this.params = Object.assign({}, payload.params);
      this.controlled = this.schema.params.filter((p) => payload.controls.includes(p.name));
      this.inputs = {};
      this.latest = 0;
      this.pending = false;
      this.queued = null;
      this.uid = ++uid;
      this.chart = root.querySelector(".sc-demo__chart");
      this.status = root.querySelector(".sc-demo__status");
      // A <form> per demo scopes its radio groups: several demos on a page each have a group
      // named after the same parameter, and one document-wide group would uncheck the others.
      this.controlsEl = document.createElement("form");
      this.controlsEl.className = "sc-demo__form";
      this.controlsEl.addEventListener("submit", (e) => e.preventDefault());
      root.querySelector(".sc-demo__controls").replaceChildren(this.controlsEl);
    }

    setup() {
      draw(this.chart, this.figure);
      const notes = [];
      const fromUrl = urlValues(this.key);
      for (const p of this.controlled) {
        if (p.name in fromUrl) {
          const [v, note] = clampParam(p, fromUrl[p.name]);
          this.params[p.name] = v;
          if (note) notes.push(note);
        }
      }
      this.buildControls();
      const noteEl = document.createElement("p");
      noteEl.className = "sc-demo__note";
      noteEl.hidden = notes.length === 0;
      noteEl.textContent = notes.length ? `Link adjusted: ${notes.join("; ")}.` : "";
      this.noteEl = noteEl;
      this.controlsEl.appendChild(noteEl);
      const msg = document.createElement("p");
      msg.className = "sc-demo__message";
      msg.hidden = true;
      this.messageEl = msg;
      this.controlsEl.appendChild(msg);
      if (notes.length) writeUrl();
    }

    buildControls() {
      const wrap = this.controlsEl;
      wrap.textContent = "";
      const busy = document.createElement("span");
      busy.className = "sc-demo__busy";
      busy.setAttribute("aria-hidden", "true");
      busy.textContent = "computing…";
      for (const p of this.controlled) {
        const id = `sc-${this.uid}-${p.name}`;
        const label = p.label || p.name;
        if (p.kind === "choice" && p.choices.length <= 5) {
          const fs = document.createElement("fieldset");
          fs.className = "sc-control sc-control--choice";
          const legend = document.createElement("legend");
          legend.textContent = label;
          fs.appendChild(legend);
          const seg = document.createElement("div");
          seg.className = "sc-segmented";
          p.choices.forEach((c, i) => {
            const lab = document.createElement("label");
            const input = document.createElement("input");
            input.type = "radio";
            input.name = p.name;
            input.value = c;
            input.id = `${id}-${i}`;
            input.checked = this.params[p.name] === c;
            input.addEventListener("change", () => input.checked && this.set(p, c));
            const span = document.createElement("span");
            span.textContent = (p.choice_labels && p.choice_labels[i]) || c;
            lab.append(input, span);
            seg.appendChild(lab);
          });
          fs.appendChild(seg);
          if (p.help) fs.title = p.help;
          wrap.appendChild(fs);
          this.inputs[p.name] = fs;
          continue;
        }
        const div = document.createElement("div");
        div.className = "sc-control";
        const lab = document.createElement("label");
        lab.htmlFor = id;
        lab.textContent = label;
        if (p.help) lab.title = p.help;
        div.appendChild(lab);
        if (p.kind === "choice") {
          const sel = document.createElement("select");
          sel.id = id;
          sel.name = p.name;
          p.choices.forEach((c, i) => {
            const o = document.createElement("option");
            o.value = c;
            o.textContent = (p.choice_labels && p.choice_labels[i]) || c;
            sel.appendChild(o);
          });
          sel.value = this.params[p.name];
          sel.addEventListener("change", () => this.set(p, sel.value));
          div.appendChild(sel);
          this.inputs[p.name] = sel;
        } else {
          const input = document.createElement("input");
          input.type = "range";
          input.id = id;
          input.name = p.name;
          const out = document.createElement("output");
          out.htmlFor = id;
          const show = (v) => {
            out.textContent = fmt(p, v);
            input.setAttribute("aria-valuetext", fmt(p, v));
            input.dataset.value = String(v);
          };
          if (p.log2) {
            // The slider moves over exponents: one step doubles the width.
            input.min = String(Math.log2(p.min));
            input.max = String(Math.log2(p.max));
            input.step = "1";
            input.value = String(Math.log2(this.params[p.name]));
            input.addEventListener("input", () => {
              const v = 2 ** Number(input.value);
              show(v);
              this.set(p, v);
            });
          } else {
            input.min = String(p.min);
            input.max = String(p.max);
            input.step = String(p.step || (p.kind === "int" ? 1 : (p.max - p.min) / 100));
            input.value = String(this.params[p.name]);
            input.addEventListener("input", () => {
              const v = p.kind === "int" ? Math.round(Number(input.value)) : Number(input.value);
              show(v);
              this.set(p, v);
            });
          }
          show(this.params[p.name]);
          div.appendChild(input);
          div.appendChild(out);
          this.inputs[p.name] = input;
        }
        wrap.appendChild(div);
      }
      wrap.appendChild(busy);
    }

    set(p, value) {
      this.params[p.name] = value;
      writeUrl();
      this.request(Object.assign({}, this.params));
    }

    request(params) {
      this.messageEl.hidden = true;
      return send(this, params);
    }

    goLive() {
      if (this.queued) {
        const { id, params } = this.queued;
        this.queued = null;
        this.latest = id;
        rt.worker.postMessage({ type: "run", id, key: this.key, demo: this.name, params });
      } else if (JSON.stringify(sortKeys(this.params)) !== JSON.stringify(sortKeys(this.staticParams))) {
        // The URL asked for other values than the figure built into the page.
        send(this, Object.assign({}, this.params));
      }
      this.setState("live");
    }

    onReply(msg) {
      if (msg.id !== this.latest) return; // a newer request is on its way: drop this one
      this.pending = false;
      this.setBusy(false);
      if (msg.type === "result") {
        this.root.dataset.params = JSON.stringify(msg.params);
        this.messageEl.hidden = true;
        draw(this.chart, msg.figure);
      } else {
        this.showMessage(msg.message, "error");
      }
    }

    setState(state) {
      this.root.dataset.state = state;
      if (state === "loading") {
        renderProgress();
      } else {
        this.status.textContent = "";
      }
    }

    setBusy(on) {
      this.root.classList.toggle("sc-demo--busy", on);
      this.root.setAttribute("aria-busy", on ? "true" : "false");
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

    showMessage(text, kind) {
      this.messageEl.textContent = text;
      this.messageEl.dataset.kind = kind;
      this.messageEl.hidden = false;
    }
  }

  function sortKeys(o) {
    const out = {};
    for (const k of Object.keys(o).sort()) out[k] = o[k];
    return out;
  }

  // ------------------------------------------------------------------------------ page setup

  function renderMath(root) {
    if (typeof window.renderMathInElement !== "function") return;
    const inline = [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ];
    for (const el of root.querySelectorAll(".arithmatex")) {
      if (el.dataset.katex) continue;
      el.dataset.katex = "1";
      window.renderMathInElement(el, { delimiters: inline, throwOnError: false });
    }
    // Notebook pages: nbconvert leaves Markdown math as $…$ text.
    for (const el of root.querySelectorAll(".jupyter-wrapper .jp-RenderedMarkdown, .jupyter-wrapper .jp-MarkdownOutput")) {
      if (el.dataset.katex) continue;
      el.dataset.katex = "1";
      window.renderMathInElement(el, {
        delimiters: [
          { left: "$$", right: "$$", display: true },
          { left: "$", right: "$", display: false },
          ...inline,
        ],
        throwOnError: false,
      });
    }
  }

  function setupFigures(root) {
    // Figures that notebooks (and anything else) emit as JSON: no Python needed.
    for (const el of root.querySelectorAll(".sc-figure[data-figure]")) {
      if (el.__scFigure) continue;
      try {
        draw(el, JSON.parse(el.dataset.figure));
      } catch (e) {
        el.textContent = `This figure could not be drawn (${e.message}).`;
      }
    }
  }

  function setupDemos(root) {
    // Forget the demos of the page instant navigation swapped out.
    for (const d of rt.demos) if (!d.root.isConnected) rt.demos.delete(d);
    const taken = new Map();
    const roots = Array.from(root.querySelectorAll("[data-demo]"));
    let version = null;
    for (const el of roots) {
      const base = el.dataset.demoId || el.dataset.demo;
      const n = (taken.get(base) || 0) + 1;
      taken.set(base, n);
      if (el.__scDemo) continue;
      let d;
      try {
        d = new Demo(el, n === 1 ? base : `${base}~${n}`);
        el.__scDemo = d;
        d.setup();
      } catch (e) {
        el.dataset.state = "error";
        const status = el.querySelector(".sc-demo__status");
        if (status) status.textContent = `This figure could not be set up (${e.message}).`;
        continue;
      }
      rt.demos.add(d);
      version = version || d.version;
      if (rt.status === "failed") {
        d.setState("error");
        d.showMessage(`Live figures unavailable: ${rt.failure}. The figure shows the parameters it was built with.`, "error");
      } else if (rt.status === "ready") {
        d.goLive();
      } else if (rt.status === "loading") {
        d.setState("loading");
      }
    }
    if (version) ensureRuntime(version);
  }

  function setup(root) {
    renderMath(root);
    if (!window.Plotly) {
      for (const el of root.querySelectorAll("[data-demo]")) {
        el.dataset.state = "error";
        el.querySelector(".sc-demo__status").textContent = "Figures unavailable: Plotly.js did not load.";
      }
      return;
    }
    setupFigures(root);
    setupDemos(root);
  }

  rt.run = function (root, params) {
    // Send any parameters, even ones the controls cannot produce: the package validates them.
    const d = root.__scDemo;
    if (!d) throw new Error("not a set-up demo root");
    return d.request(Object.assign({}, d.params, params));
  };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(() => setup(document.body));
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => setup(document.body));
  } else {
    setup(document.body);
  }
})();
