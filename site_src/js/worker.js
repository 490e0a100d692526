/* The tab's one Python: Pyodide, NumPy and spectral_condition in a module Web Worker.
 *
 * Messages in:  {type: "init", indexURL, packageURL, pointsURL}
 *                                                        (pointsURL: the widths the build computed for
 *                                                         the figures as the pages show them)
 *               {type: "run", id, key, request, ahead}   (key: which figure on the page; request:
 *                                                         what spectral_condition.web.Stream reads;
 *                                                         ahead: compute its next width notch once idle)
 *               {type: "cancel", key}                    (the page no longer wants that figure's
 *                                                         request: it is abandoned)
 *               {type: "ping"}                           (the page's watchdog: is this worker alive?)
 * Messages out: {type: "progress", phase, percent, detail}
 *               {type: "ready", python, numpy, ms}
 *               {type: "fatal", message}                   (the runtime cannot start)
 *               {type: "answer", id, key, answer, final}   (answer: a web.Stream answer; partial ones,
 *                                                         final: false, list the widths still pending)
 *               {type: "abandoned", id, key}               (a newer request for the same figure won,
 *                                                         or the page cancelled it)
 *               {type: "ahead", key, computed}             (the next width notch of the newest answered
 *                                                         request, computed while nothing else waited)
 *               {type: "pong"}                             (the answer to a ping, between two steps)
 * Every run request ends in exactly one final answer or one "abandoned".
 *
 * A request is answered by a web.Stream: at once with what is already computed (the widths a sweep
 * knows), then one width per step. Python runs synchronously and blocks this worker, so the worker
 * yields between steps: requests that arrived meanwhile are read then, and a newer request for a
 * figure abandons the older one's stream. Steps go to the most recently requested figure first; the
 * others continue when it is done. With nothing left to answer, the worker computes the next width
 * notch of the newest request it answered (web.compute_ahead): a reader moving a width slider up one
 * notch at a time then finds it computed or under way. Any request drops that plan.
 */
let python = null; // the package's door (python-package.js); null until ready and once broken
const queue = new Map(); // key -> newest run request not opened yet
const streams = new Map(); // key -> {id, stream, request, ahead}, in the order of their requests (newest last)
let nextNotch = null; // {key, request}: the newest request answered, whose next width notch comes next
let pumping = false;

// Progress, and failed or stalled downloads, of the start-up: from the same build, installed before
// Pyodide fetches anything.
const loading = import(`./worker-loading.js${new URL(import.meta.url).search}`);
loading.catch(() => {}); // reported by init, which awaits it

async function init({ indexURL, packageURL, pointsURL }) {
  const t0 = performance.now();
  const { awaitBytes, fetchBytes, progress, startPhase, withFailure } = await loading;
  startPhase("runtime");
  const packageArchive = fetchBytes(packageURL);
  const numpyBytecode = fetchBytes(indexURL + "numpy.pyc.zip");
  const points = fetchBytes(pointsURL);
  let loadPyodide;
  let door;
  try {
    // The helper comes from the same build as this worker: same version query.
    [{ loadPyodide }, door] = await Promise.all([
      import(indexURL + "pyodide.mjs"),
      import(`./python-package.js${new URL(import.meta.url).search}`),
    ]);
  } catch (e) {
    throw new Error(`could not load the Python runtime (pyodide.mjs: ${e && e.message ? e.message : e})`);
  }
  // Asked for at start-up, NumPy downloads and loads while the interpreter is still being set up,
  // instead of after it.
  const pyodide = await withFailure(
    loadPyodide({ ...door.runtimeOptions(indexURL), stdout: () => {}, stderr: (s) => console.warn("[python]", s) }),
    "could not load the Python runtime",
  );
  progress(1);

  startPhase("numpy");
  const problems = [];
  await withFailure(
    pyodide.loadPackage("numpy", { messageCallback: () => {}, errorCallback: (m) => problems.push(m) }),
    "could not load NumPy",
  );
  door.installBytecode(pyodide, await awaitBytes(numpyBytecode, "NumPy's bytecode"));
  try {
    // loadPackage only logs a failure and resolves; importing is the real check.
    pyodide.pyimport("numpy").destroy();
  } catch (e) {
    throw new Error(`NumPy did not load (${problems.join("; ") || e.message})`);
  }
  progress(1);

  startPhase("package");
  const archive = await awaitBytes(packageArchive, "the spectral_condition package");
  const installed = door.installPackage(pyodide, archive);
  const { python: pythonVersion, numpy: numpyVersion } = door.versions(pyodide);
  try {
    installed.preload(new TextDecoder().decode(await points));
  } catch (e) {
    // Without them every width is computed here, as for any other parameters: slower, not wrong.
    console.warn(`the precomputed widths did not load (${e && e.message ? e.message : e})`);
  }
  python = installed;
  progress(1);
  postMessage({ type: "ready", python: pythonVersion, numpy: numpyVersion, ms: performance.now() - t0 });
}

function post(id, key, answer, final) {
  postMessage({ type: "answer", id, key, answer, final });
}

// A web.Stream answers Python's own exceptions, so a throw is the runtime itself failing (out of
// memory, a fatal Pyodide error). Answer the request, then die loudly so the page replaces this
// worker on the next input.
function runtimeFailed(id, key, e) {
  python = null;
  const message = `the Python runtime failed (${e && e.message ? e.message : e})`;
  post(id, key, { ok: false, kind: "RuntimeError", message }, true);
  setTimeout(() => { throw e; });
}

function destroy(stream) {
  try {
    stream.destroy();
  } catch (e) {
    // Already gone with a failed runtime: nothing left to free.
  }
}

// A newer request for `key` arrived: drop the older one, whether still queued or streaming.
function abandon(key) {
  const waiting = queue.get(key);
  if (waiting) {
    queue.delete(key);
    postMessage({ type: "abandoned", id: waiting.id, key });
  }
  const open = streams.get(key);
  if (open) {
    streams.delete(key);
    destroy(open.stream);
    postMessage({ type: "abandoned", id: open.id, key });
  }
}

// Open a stream per queued request and post what is known at once: a sweep whose widths are all
// computed is answered here, without a step.
function openQueued() {
  for (const [key, req] of [...queue]) {
    queue.delete(key);
    let stream = null;
    try {
      stream = python.open(req.request);
      const first = stream.answer();
      const done = !first.ok || (first.figure !== null && first.pending.length === 0);
      if (done) {
        destroy(stream);
        post(req.id, key, first, true);
        answered(key, req.request, req.ahead, first);
        continue;
      }
      if (first.figure !== null) post(req.id, key, first, false);
    } catch (e) {
      if (stream) destroy(stream);
      runtimeFailed(req.id, key, e);
      return;
    }
    streams.set(key, { id: req.id, stream, request: req.request, ahead: req.ahead });
  }
}

// One step of the most recently requested figure's stream.
function stepNewest() {
  const key = [...streams.keys()].pop();
  const { id, stream, request, ahead } = streams.get(key);
  let more;
  let answer;
  try {
    more = stream.step();
    answer = stream.answer();
  } catch (e) {
    streams.delete(key);
    destroy(stream);
    runtimeFailed(id, key, e);
    return;
  }
  if (!more) {
    streams.delete(key);
    destroy(stream);
  }
  post(id, key, answer, !more);
  if (!more) answered(key, request, ahead, answer);
}

// A request finally answered: if it asked for it and was answered without error, its next width
// notch is what the worker computes once nothing else waits.
function answered(key, request, ahead, answer) {
  if (ahead && answer.ok) nextNotch = { key, request };
}

function computeAhead() {
  const { key, request } = nextNotch;
  nextNotch = null;
  let computed = false;
  try {
    computed = python.computeAhead(request);
  } catch (e) {
    // Only a head start: the reader's next request meets the same failure and reports it.
  }
  postMessage({ type: "ahead", key, computed });
}

// A macrotask boundary behind every message already posted to this worker (same task source).
function yieldToMessages() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

// Once the worker is ready and has nothing to answer: a first answer in a fresh runtime takes two to
// three times as long as the next ones, and a throwaway one spares the reader's first input that.
async function warm() {
  await yieldToMessages();
  if (!python || queue.size || streams.size) return;
  try {
    python.warm();
  } catch (e) {
    // Only a head start: a real request will meet the same failure and report it.
  }
}

// No stream is held across an await: onmessage may abandon (destroy) any of them meanwhile.
async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    while (python && (queue.size || streams.size || nextNotch)) {
      await yieldToMessages();
      if (!python) break;
      if (queue.size) openQueued();
      else if (streams.size) stepNewest();
      else if (nextNotch) computeAhead();
    }
  } finally {
    pumping = false;
  }
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "run") {
    nextNotch = null;
    abandon(msg.key);
    queue.set(msg.key, msg);
    if (python) pump();
  } else if (msg.type === "cancel") {
    if (nextNotch && nextNotch.key === msg.key) nextNotch = null;
    abandon(msg.key);
  } else if (msg.type === "ping") {
    postMessage({ type: "pong" });
  } else if (msg.type === "init") {
    init(msg).then(
      () => pump().then(warm),
      (e) => postMessage({ type: "fatal", message: e && e.message ? e.message : String(e) }),
    );
  } else {
    // A message this worker does not understand is a bug in the page: fail loudly, so the page
    // sees the worker die (its onerror) and starts a fresh one on the next input.
    throw new Error(`spectral worker: unknown message type ${JSON.stringify(msg && msg.type)}`);
  }
};
