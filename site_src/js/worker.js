/* The site's one Python: Pyodide + NumPy + spectral_condition, in a classic Web Worker.
 *
 * Messages in:  {type: "init", indexURL, packageURL}
 *               {type: "run", id, key, demo, params}      (key: which figure on the page)
 * Messages out: {type: "progress", phase, percent}
 *               {type: "ready", python, numpy, ms}
 *               {type: "fatal", message}                   (the runtime cannot start)
 *               {type: "result", id, key, params, figure, ms}
 *               {type: "error", id, key, message, kind}    (kind "ValueError": bad parameters)
 *
 * Python runs synchronously and blocks this worker, so run requests that arrive meanwhile queue up.
 * Before each run the worker yields once, lets every queued message arrive, and keeps only the
 * newest request per figure: a dragged slider costs one run per result the reader can see.
 */
"use strict";

const PHASES = {
  // [start, end] of each phase on the progress bar. Downloads fill the first part of the
  // runtime phase; compiling and starting CPython the rest, which has no finer signal.
  runtime: [0, 70],
  numpy: [70, 95],
  package: [95, 100],
};

let pyodide = null;
let runPy = null;
let phase = "runtime";
const loads = new Map(); // url -> {loaded, total} of downloads in the current phase
const queue = new Map(); // key -> newest pending run request
let pumping = false;

function progress(fraction, detail = "") {
  const [a, b] = PHASES[phase];
  const f = Math.max(0, Math.min(1, fraction));
  postMessage({ type: "progress", phase, detail, percent: Math.round(a + (b - a) * f) });
}

function phaseFraction() {
  let loaded = 0;
  let total = 0;
  for (const l of loads.values()) {
    loaded += l.loaded;
    total += l.total || l.loaded;
  }
  return total ? loaded / total : 0;
}

function startPhase(name) {
  phase = name;
  loads.clear();
  progress(0);
}

// Pyodide fetches the wasm, the standard library and wheels with the global fetch. Wrapping it
// gives real byte counts for the progress bar, and a failed request becomes an immediate, named
// error (Pyodide itself only logs a failed wasm instantiation and then waits forever).
const realFetch = self.fetch.bind(self);
let failedRequest = null;
let lastActivity = performance.now();
const STALL_MS = 60000; // no byte and no step for this long: a stalled connection, not a slow one
self.fetch = async function (input, init) {
  const url = String(input && input.url ? input.url : input);
  const name = url.split("?")[0].split("/").pop();
  let response;
  try {
    response = await realFetch(input, init);
  } catch (e) {
    failedRequest = failedRequest || `${name}: ${e && e.message ? e.message : e}`;
    throw e;
  }
  if (!response.ok) {
    failedRequest = failedRequest || `${name}: HTTP ${response.status}`;
    return response;
  }
  if (!response.body) return response;
  const entry = { loaded: 0, total: Number(response.headers.get("Content-Length")) || 0 };
  loads.set(url, entry);
  const reader = response.body.getReader();
  const phaseAtStart = phase;
  const counted = new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        if (phase === "runtime" && phase === phaseAtStart && phaseFraction() >= 1) {
          // Downloads are done; compiling the wasm and starting CPython take a few more seconds.
          progress(0.85, "starting Python");
        }
        return;
      }
      entry.loaded += value.byteLength;
      lastActivity = performance.now();
      if (phase === phaseAtStart) progress(phase === "runtime" ? 0.85 * phaseFraction() : phaseFraction());
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
};

function withFailure(promise, what) {
  // Poll for a failed request while Pyodide waits on something that will never arrive.
  return new Promise((resolve, reject) => {
    lastActivity = performance.now();
    const timer = setInterval(() => {
      if (failedRequest) {
        clearInterval(timer);
        reject(new Error(`${what}: request failed (${failedRequest})`));
      } else if (performance.now() - lastActivity > STALL_MS) {
        clearInterval(timer);
        reject(new Error(`${what}: no progress for ${STALL_MS / 1000} s`));
      }
    }, 50);
    promise.then(
      (v) => { clearInterval(timer); resolve(v); },
      (e) => { clearInterval(timer); reject(e); },
    );
  });
}

const PY_SETUP = `
import json, sys
if "/lib/spectral" not in sys.path:
    sys.path.insert(0, "/lib/spectral")
import spectral_condition as _sc

def _sc_run(name, params_json):
    try:
        out = _sc.run_figure(name, json.loads(params_json))
    except ValueError as e:
        return json.dumps({"ok": False, "kind": "ValueError", "message": str(e)})
    except Exception as e:
        return json.dumps({"ok": False, "kind": type(e).__name__, "message": f"{type(e).__name__}: {e}"})
    return json.dumps({"ok": True, "params": out["params"], "figure": out["figure"]}, allow_nan=False)

_sc_run
`;

async function init({ indexURL, packageURL }) {
  const t0 = performance.now();
  startPhase("runtime");
  importScripts(indexURL + "pyodide.js");
  pyodide = await withFailure(
    loadPyodide({ indexURL, stdout: () => {}, stderr: (s) => console.warn("[python]", s) }),
    "could not load the Python runtime",
  );
  progress(1);

  startPhase("numpy");
  const problems = [];
  await withFailure(
    pyodide.loadPackage("numpy", { messageCallback: () => {}, errorCallback: (m) => problems.push(m) }),
    "could not load NumPy",
  );
  try {
    // loadPackage only logs a failure and resolves; importing is the real check.
    pyodide.runPython("import numpy");
  } catch (e) {
    throw new Error(`NumPy did not load (${problems.join("; ") || e.message})`);
  }
  progress(1);

  startPhase("package");
  const response = await fetch(packageURL);
  if (!response.ok) throw new Error(`could not load the spectral_condition package (HTTP ${response.status})`);
  const archive = await response.arrayBuffer();
  pyodide.unpackArchive(archive, "zip", { extractDir: "/lib/spectral" });
  runPy = pyodide.runPython(PY_SETUP);
  const numpyVersion = pyodide.runPython("import numpy; numpy.__version__");
  const pythonVersion = pyodide.runPython("import sys; sys.version.split()[0]");
  progress(1);
  postMessage({ type: "ready", python: pythonVersion, numpy: numpyVersion, ms: performance.now() - t0 });
}

// A macrotask boundary behind every message already posted to this worker (same task source).
function yieldToMessages() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    while (queue.size) {
      await yieldToMessages();
      const [key, req] = queue.entries().next().value;
      queue.delete(key);
      const t0 = performance.now();
      let out;
      try {
        out = JSON.parse(runPy(req.demo, JSON.stringify(req.params)));
      } catch (e) {
        // Python's own exceptions are answered by _sc_run, so this is the runtime itself failing
        // (out of memory, a fatal Pyodide error). Answer the request, then die loudly so the page
        // replaces this worker on the next input.
        postMessage({ type: "error", id: req.id, key, kind: "RuntimeError",
                      message: `the Python runtime failed (${e && e.message ? e.message : e})` });
        setTimeout(() => { throw e; });
        return;
      }
      const ms = performance.now() - t0;
      if (out.ok) {
        postMessage({ type: "result", id: req.id, key, params: out.params, figure: out.figure, ms });
      } else {
        postMessage({ type: "error", id: req.id, key, kind: out.kind, message: out.message, ms });
      }
    }
  } finally {
    pumping = false;
  }
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "run") {
    queue.delete(msg.key); // re-insert so the order of figures follows the newest request
    queue.set(msg.key, msg);
    if (runPy) pump();
  } else if (msg.type === "init") {
    init(msg).then(
      () => pump(),
      (e) => postMessage({ type: "fatal", message: e && e.message ? e.message : String(e) }),
    );
  } else {
    // A message this worker does not understand is a bug in the page: fail loudly, so the page
    // sees the worker die (its onerror) and starts a fresh one on the next input.
    throw new Error(`spectral worker: unknown message type ${JSON.stringify(msg && msg.type)}`);
  }
};
