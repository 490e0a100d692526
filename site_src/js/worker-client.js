/* The tab's one Python worker, seen from the page: starts it for the first demo, shows its loading
 * progress in every waiting demo, posts each demo's requests and hands the answers back. Module
 * state lives as long as the tab, so Material's instant navigation reuses the same worker.
 *
 * A watchdog keeps a figure from waiting forever. A worker that dies (an error event) or goes silent
 * while a request is in flight (a terminated or crashed worker sends no event at all) is replaced,
 * and the newest request of each figure is sent again. Silence is confirmed by a ping first: a
 * worker that was only paused (the computer slept) answers it and is kept. A request that was in
 * flight through two such deaths is not sent a third time, and a worker that dies three times
 * without answering anything makes the live figures unavailable.
 *
 * A demo registered here provides: root, key, latest, queued, request(id, params) (what to
 * send), setState, awaitAnswer (an input waits for its answer), showProgress, showMessage,
 * onReady(sent), onFailed(reason), onRestart(why, resent), onGaveUp(why), onAnswer(msg) (msg: {id,
 * answer, final}; partial answers come first while widths are still being computed).
 *
 * A reader's edited code (runSource) travels the same way, under a key of its own, from a panel that
 * provides root, key, latest, request(id, params), onAnswer(msg) and onStopped(why). It is never sent
 * again after its worker dies (it may be what killed it): a run that goes silent past the watchdog's
 * limit, or that the reader stops (stopRun), ends with its worker, and a fresh worker takes over.
 */


const PHASE_TEXT = {
  runtime: "Loading the Python runtime",
  numpy: "Loading NumPy",
  package: "Loading the spectral_condition package",
};

// Silence while loading that means the worker is gone: past the worker's own stall limit (60 s),
// which it reports itself while it is alive.
const LOAD_SILENCE_MS = 90000;
const PING_GRACE_MS = 2000; // after the silence, how long a ping may take to be answered
const MAX_TRIES = 2; // sends of one request: the first, and one more after its worker died
const MAX_STRIKES = 3; // workers lost in a row without a single answer: the runtime is broken here

// What tests and benchmarks read as window.__spectralRuntime.
export const runtime = {
  starts: 0, // workers created in this tab: stays 1 across instant navigation
  restarts: 0, // workers replaced after dying or falling silent
  worker: null,
  status: "idle", // idle | loading | ready | failed
  failure: "",
  progress: { phase: "runtime", percent: 0 },
  versions: null,
  demos: new Set(),
  seq: 0,
  abandoned: 0, // requests the worker dropped because a newer one for the same figure arrived
  // Whether the worker, once idle, computes the next width notch of the figure the reader moved last,
  // and how many notches it has computed so. Tests that watch a width being streamed turn it off.
  computeAhead: true,
  computedAhead: 0,
  recalled: 0, // inputs drawn from the answers kept on the page, without asking the worker
  // A request in flight with no word from the worker for this long means the worker is gone. One
  // step of a figure (one width) takes about a second at the browser budget on a laptop; this
  // leaves room for a slow phone. Tests may lower it.
  stallMs: 20000,
  // How long an input waits for its answer before its figure shows that it is computing (see
  // Demo.awaitAnswer). With the frame that paints it, the acknowledgement stays within a tenth of a
  // second. Tests may change it.
  ackDelayMs: 40,
};

const inflight = new Map(); // demo key -> {demo, id, params, request, tries, code}: posted, not finally answered
// The last final answers, by figure and request, oldest first. An answer is a function of its request,
// so an input back to a value answered a moment ago (a notch down after overshooting) is drawn from
// here at once, however busy the worker is: with a width it computes ahead, or another figure's.
// Answers to link values (their notes) and to edited code are not kept.
const RECENT_ANSWERS = 16;
const recent = new Map();
const waitingCode = new Map(); // panel key -> {panel, id, params}: edited code asked before the worker was ready
let lastHeard = 0; // when the current worker last posted anything (or was last given work)
let pingedAt = 0; // when the watchdog pinged a silent worker; 0: no ping waiting
let strikes = 0;
let watchdog = null;

export function progressText() {
  const { phase, detail } = runtime.progress;
  return (PHASE_TEXT[phase] || phase) + (detail ? ` (${detail})` : "");
}

function renderProgress() {
  for (const d of runtime.demos) {
    if (d.root.dataset.state === "loading") d.showProgress(progressText(), runtime.progress.percent);
  }
}

function start() {
  runtime.starts += 1;
  runtime.status = "loading";
  runtime.failure = "";
  runtime.progress = { phase: "runtime", percent: 0 };
  // The page's head starts the worker (overrides/partials/worker-start.html): take it over.
  const { worker: w, messages, error } = window.__spectralWorker.take();
  runtime.worker = w;
  lastHeard = performance.now();
  pingedAt = 0;
  const failed = (why) => {
    if (runtime.worker !== w) return;
    if (runtime.status === "ready") replace(`The Python worker stopped (${why})`);
    else fail(`the Python worker could not start (${why})`);
  };
  w.onmessage = (event) => onMessage(w, event.data);
  w.onerror = (event) => {
    event.preventDefault();
    failed(event.message || "the worker stopped");
  };
  for (const d of runtime.demos) d.setState("loading");
  if (!watchdog) watchdog = setInterval(watch, 1000);
  for (const msg of messages) onMessage(w, msg);
  if (error) failed(error);
}

function stop() {
  if (runtime.worker) runtime.worker.terminate();
  runtime.worker = null;
  clearInterval(watchdog);
  watchdog = null;
}

function watch() {
  const now = performance.now();
  const silent = now - lastHeard;
  let limit = Infinity;
  if (runtime.status === "ready" && inflight.size) limit = runtime.stallMs;
  else if (runtime.status === "loading") limit = Math.max(runtime.stallMs, LOAD_SILENCE_MS);
  if (silent <= limit || !runtime.worker) return;
  if (!pingedAt) {
    pingedAt = now;
    runtime.worker.postMessage({ type: "ping" });
  } else if (now - pingedAt > PING_GRACE_MS) {
    const what = runtime.status === "ready" ? "stopped answering" : "stopped while loading";
    // Edited code that runs past the limit is stopped on purpose: not a sign of a broken runtime.
    const code = [...inflight.values()].some((e) => e.code);
    const seconds = Math.round(silent / 1000);
    replace(code ? `Your code ran past the time limit (nothing from Python for ${seconds} s)`
      : `The Python worker ${what} (nothing for ${seconds} s)`, !code);
  }
}

// A worker died or fell silent: start a new one and send each figure's newest request again.
function replace(why, strike = true) {
  stop();
  if (strike) strikes += 1;
  runtime.restarts += 1;
  if (strikes >= MAX_STRIKES) {
    fail(`the Python worker stopped ${strikes} times without answering (last: ${why.replace(/^The /, "the ")})`);
    return;
  }
  const waiting = [...inflight.values()];
  inflight.clear();
  start();
  const resent = new Set();
  for (const entry of waiting) {
    const { demo } = entry;
    if (!demo.root.isConnected || demo.latest !== entry.id) continue;
    if (entry.code) {
      demo.onStopped(why);
      continue;
    }
    if (entry.tries >= MAX_TRIES) {
      demo.onGaveUp(`${why}, twice while computing this figure, so it was not asked again`);
      continue;
    }
    demo.queued = { id: entry.id, params: entry.params, tries: entry.tries };
    resent.add(demo);
  }
  for (const d of runtime.demos) {
    if (d.root.isConnected && !waiting.some((e) => e.demo === d && e.tries >= MAX_TRIES)) {
      d.onRestart(why, resent.has(d));
    }
  }
}

function fail(reason) {
  stop();
  runtime.status = "failed";
  runtime.failure = reason;
  for (const e of [...inflight.values(), ...waitingCode.values()]) {
    if (e.code || e.panel) (e.panel || e.demo).onStopped(`Python is unavailable: ${reason}`);
  }
  inflight.clear();
  waitingCode.clear();
  for (const d of runtime.demos) {
    d.queued = null;
    d.onFailed(reason);
  }
}

function post(demo, id, params, tries = 0, request = demo.request(id, params)) {
  if (!inflight.size) lastHeard = performance.now(); // silence counts from the first request
  inflight.set(demo.key, { demo, id, params, request, tries: tries + 1 });
  runtime.worker.postMessage({ type: "run", id, key: demo.key, request, ahead: runtime.computeAhead });
}

// The same request whatever order its parameters were set in.
function recentKey(demo, request) {
  const names = [...new Set([...Object.keys(request), ...Object.keys(request.params || {})])].sort();
  return `${demo.key} ${JSON.stringify(request, names)}`;
}

function remember(entry, answer) {
  if (entry.code || entry.request.url || !answer.ok) return;
  const key = recentKey(entry.demo, entry.request);
  recent.delete(key);
  recent.set(key, answer);
  if (recent.size > RECENT_ANSWERS) recent.delete(recent.keys().next().value);
}

// The kept answer to `request`, now the newest kept; undefined if none.
function recall(demo, request) {
  if (request.url) return undefined;
  const key = recentKey(demo, request);
  const answer = recent.get(key);
  if (answer) {
    recent.delete(key);
    recent.set(key, answer);
  }
  return answer;
}

function onMessage(w, msg) {
  if (runtime.worker !== w) return;
  lastHeard = performance.now();
  pingedAt = 0;
  if (msg.type === "progress") {
    runtime.progress = { phase: msg.phase, percent: msg.percent, detail: msg.detail };
    renderProgress();
  } else if (msg.type === "ready") {
    runtime.status = "ready";
    runtime.versions = { python: msg.python, numpy: msg.numpy, ms: msg.ms };
    for (const d of runtime.demos) {
      const queued = d.queued;
      d.queued = null;
      if (queued) post(d, queued.id, queued.params, queued.tries || 0);
      d.onReady(Boolean(queued));
    }
    for (const w of waitingCode.values()) postCode(w.panel, w.id, w.params);
    waitingCode.clear();
  } else if (msg.type === "fatal") {
    fail(msg.message);
  } else if (msg.type === "answer") {
    strikes = 0;
    const entry = inflight.get(msg.key);
    if (msg.final && entry && entry.id === msg.id) {
      inflight.delete(msg.key);
      remember(entry, msg.answer);
    }
    if (entry && entry.code) entry.demo.onAnswer(msg);
    for (const d of runtime.demos) if (d.key === msg.key) d.onAnswer(msg);
  } else if (msg.type === "ahead") {
    if (msg.computed) runtime.computedAhead += 1;
  } else if (msg.type === "abandoned") {
    runtime.abandoned += 1;
    const entry = inflight.get(msg.key);
    if (entry && entry.id === msg.id) inflight.delete(msg.key);
  }
}

// Take a demo just set up on the page into the runtime's current state, starting the worker for the
// first one. Demos of pages that instant navigation swapped out are dropped here.
// A page with live figures starts the worker before it draws anything: drawing takes the main thread
// for a while, and the worker's start-up runs beside it on another.
export function prestart() {
  if (runtime.status !== "idle") return;
  start();
}

// A page without live figures starts the worker once the browser has nothing else to do, so that the
// figures of the next page the reader opens are live on arrival instead of after a cold start. Not
// for a reader whose browser asks to save data: the runtime is tens of megabytes.
const WARM_AFTER_MS = 3000; // the latest start when the page never goes idle
export function warmWhenIdle() {
  if (runtime.status !== "idle" || window.__spectralWorker.savesData()) return;
  if (typeof window.requestIdleCallback === "function") {
    window.requestIdleCallback(prestart, { timeout: WARM_AFTER_MS });
  } else {
    setTimeout(prestart, WARM_AFTER_MS);
  }
}

export function adopt(demo) {
  for (const d of runtime.demos) {
    if (d.root.isConnected) continue;
    runtime.demos.delete(d);
    if (inflight.get(d.key)?.demo === d) inflight.delete(d.key);
  }
  runtime.demos.add(demo);
  if (runtime.status === "failed") demo.onFailed(runtime.failure);
  else if (runtime.status === "ready") demo.onReady(false);
  else if (runtime.status === "loading") demo.setState("loading");
  else start();
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
  demo.awaitAnswer();
  if (runtime.status === "ready") {
    const request = demo.request(id, params);
    const known = recall(demo, request);
    if (known) {
      // Whatever the worker still computes for this figure is no longer wanted.
      drop(demo);
      runtime.recalled += 1;
      // Answered after the next frame, as the worker's answers are: a figure whose redraw is slow is
      // marked busy at once (awaitAnswer), and that mark is painted before the redraw starts.
      requestAnimationFrame(() => setTimeout(() => {
        if (demo.latest === id) demo.onAnswer({ type: "answer", id, key: demo.key, answer: known, final: true });
      }));
      return id;
    }
    post(demo, id, params, 0, request);
    return id;
  }
  if (runtime.status === "idle") start();
  demo.queued = { id, params }; // sent when the worker is ready
  return id;
}

// Drop whatever a demo asked for and has not been answered yet (its reader went back to the
// defaults): nothing of it is drawn, and the worker stops computing it.
export function cancel(demo) {
  demo.latest = ++runtime.seq;
  drop(demo);
}

function drop(demo) {
  demo.queued = null;
  const entry = inflight.get(demo.key);
  if (entry && entry.demo === demo) {
    inflight.delete(demo.key);
    if (runtime.worker && runtime.status === "ready") runtime.worker.postMessage({ type: "cancel", key: demo.key });
  }
}

function postCode(panel, id, params) {
  post(panel, id, params, MAX_TRIES - 1);
  inflight.get(panel.key).code = true;
}

// Run a reader's edited code (the panel's request carries it) for `params`; the answer goes to
// panel.onAnswer, a stop or a dead worker to panel.onStopped. Returns the request's id.
export function runSource(panel, params) {
  const id = ++runtime.seq;
  panel.latest = id;
  if (runtime.status === "failed") {
    panel.onStopped(`Python is unavailable: ${runtime.failure}`);
    return id;
  }
  if (runtime.status === "idle") start();
  if (runtime.status === "ready") postCode(panel, id, params);
  else waitingCode.set(panel.key, { panel, id, params });
  return id;
}

// The reader stops the panel's run: the worker is ended (Python in it cannot be interrupted) and a
// fresh one started; the figures' own requests in flight are sent again.
export function stopRun(panel, why) {
  if (waitingCode.delete(panel.key)) {
    panel.onStopped(why);
    return;
  }
  const entry = inflight.get(panel.key);
  if (entry && entry.code && runtime.worker) replace(why, false);
}
