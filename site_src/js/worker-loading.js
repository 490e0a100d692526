/* The worker's start-up as the page sees it: a progress bar by phase with real byte counts, and a
 * download that fails or stalls turned into an immediate error that names it. Importing this module
 * wraps the worker's fetch, so it must come before Pyodide fetches anything (worker.js imports it
 * first).
 */
const PHASES = {
  // [start, end] of each phase on the progress bar. Downloads fill the first part of the
  // runtime phase; compiling and starting CPython the rest, which has no finer signal.
  runtime: [0, 70],
  numpy: [70, 95],
  package: [95, 100],
};

let phase = "runtime";
const loads = new Map(); // url -> {loaded, total} of downloads in the current phase

export function progress(fraction, detail = "") {
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

export function startPhase(name) {
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

// Pyodide leaves the promise of a download that failed unhandled; withFailure already reports that
// request by name, so letting the rejection through would only add a second, vaguer error.
self.addEventListener("unhandledrejection", (event) => {
  if (failedRequest) event.preventDefault();
});

export function withFailure(promise, what) {
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

// The bytes of a small file the worker needs later, fetched now beside the runtime's big files.
export function fetchBytes(url) {
  const bytes = realFetch(url).then(
    (r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))),
  ).then((b) => new Uint8Array(b));
  bytes.catch(() => {}); // reported when it is awaited
  return bytes;
}

export async function awaitBytes(bytes, what) {
  try {
    return await bytes;
  } catch (e) {
    throw new Error(`could not load ${what} (${e && e.message ? e.message : e})`);
  }
}
