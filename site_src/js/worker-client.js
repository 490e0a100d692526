/* The tab's one Python worker, seen from the page: starts it for the first demo, shows its loading
 * progress in every waiting demo, posts each demo's requests and hands the answers back. Module
 * state lives as long as the tab, so Material's instant navigation reuses the same worker.
 *
 * A demo registered here provides: root, key, version, latest, queued, request(id, params) (what to
 * send), setState, setBusy, showProgress, showMessage, onReady(sent), onFailed(reason), onAnswer(msg)
 * (msg: {id, answer, final}; partial answers come first while widths are still being computed).
 */

// assets/spectral/worker-client.js -> the site root, wherever the site is mounted (sub-paths too).
const SITE_ROOT = new URL("../../", import.meta.url);
const asset = (path) => new URL(path, SITE_ROOT).href;

const PHASE_TEXT = {
  runtime: "Loading the Python runtime",
  numpy: "Loading NumPy",
  package: "Loading the spectral_condition package",
};

// What tests and benchmarks read as window.__spectralRuntime.
export const runtime = {
  starts: 0, // workers created in this tab: stays 1 across instant navigation
  worker: null,
  status: "idle", // idle | loading | ready | failed
  failure: "",
  progress: { phase: "runtime", percent: 0 },
  versions: null,
  demos: new Set(),
  seq: 0,
  abandoned: 0, // requests the worker dropped because a newer one for the same figure arrived
};

export function progressText() {
  const { phase, detail } = runtime.progress;
  return (PHASE_TEXT[phase] || phase) + (detail ? ` (${detail})` : "");
}

function renderProgress() {
  for (const d of runtime.demos) {
    if (d.root.dataset.state === "loading") d.showProgress(progressText(), runtime.progress.percent);
  }
}

function start(version) {
  runtime.starts += 1;
  runtime.status = "loading";
  runtime.failure = "";
  runtime.progress = { phase: "runtime", percent: 0 };
  const w = new Worker(asset(`assets/spectral/worker.js?v=${version}`), { type: "module" });
  runtime.worker = w;
  w.onmessage = (event) => onMessage(w, event.data);
  w.onerror = (event) => {
    event.preventDefault();
    if (runtime.worker !== w) return;
    w.terminate();
    runtime.worker = null;
    const why = event.message || "the worker stopped";
    if (runtime.status === "ready") {
      // It ran before: the next input starts a new one.
      runtime.status = "idle";
      for (const d of runtime.demos) {
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
  for (const d of runtime.demos) d.setState("loading");
}

function fail(reason) {
  runtime.status = "failed";
  runtime.failure = reason;
  if (runtime.worker) runtime.worker.terminate();
  runtime.worker = null;
  for (const d of runtime.demos) {
    d.queued = null;
    d.onFailed(reason);
  }
}

function post(demo, id, params) {
  runtime.worker.postMessage({ type: "run", id, key: demo.key, request: demo.request(id, params) });
}

function onMessage(w, msg) {
  if (runtime.worker !== w) return;
  if (msg.type === "progress") {
    runtime.progress = { phase: msg.phase, percent: msg.percent, detail: msg.detail };
    renderProgress();
  } else if (msg.type === "ready") {
    runtime.status = "ready";
    runtime.versions = { python: msg.python, numpy: msg.numpy, ms: msg.ms };
    for (const d of runtime.demos) {
      const queued = d.queued;
      d.queued = null;
      if (queued) post(d, queued.id, queued.params);
      d.onReady(Boolean(queued));
    }
  } else if (msg.type === "fatal") {
    fail(msg.message);
  } else if (msg.type === "answer") {
    for (const d of runtime.demos) if (d.key === msg.key) d.onAnswer(msg);
  } else if (msg.type === "abandoned") {
    runtime.abandoned += 1;
  }
}

// Take a demo just set up on the page into the runtime's current state, starting the worker for the
// first one. Demos of pages that instant navigation swapped out are dropped here.
export function adopt(demo) {
  for (const d of runtime.demos) if (!d.root.isConnected) runtime.demos.delete(d);
  runtime.demos.add(demo);
  if (runtime.status === "failed") demo.onFailed(runtime.failure);
  else if (runtime.status === "ready") demo.onReady(false);
  else if (runtime.status === "loading") demo.setState("loading");
  else start(demo.version);
}

// Ask for a figure; its answers go to demo.onAnswer. Returns the request's id: only the answers to a
// demo's latest request are drawn.
export function send(demo, params) {
  const id = ++runtime.seq;
  demo.latest = id;
  if (runtime.status === "failed") {
    demo.showMessage(`Live figures unavailable: ${runtime.failure}.`, "error");
    return id;
  }
  demo.setBusy(true);
  if (runtime.status === "idle") start(demo.version);
  if (runtime.status === "ready") post(demo, id, params);
  else demo.queued = { id, params }; // sent when the worker is ready
  return id;
}
