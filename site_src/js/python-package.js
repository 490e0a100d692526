/* The one way into Python, shared by the browser's worker and the Node.js test of it: install the
 * spectral_condition package (a zip of the files CPython imports) into a running Pyodide, and answer
 * figure requests through spectral_condition.web, JSON text in and out. Validation, link values and
 * error messages all live in that Python module, so nothing here decides anything.
 */

// What loadPyodide needs to start from the standard library compiled to bytecode (see
// site_src/compile_bytecode.mjs): start-up then skips compiling its source.
export function runtimeOptions(indexURL) {
  return { indexURL, stdLibURL: indexURL + "python_stdlib.pyc.zip", packages: ["numpy"] };
}

function sitePackages(pyodide) {
  const site = pyodide.pyimport("site");
  const dirs = site.getsitepackages();
  const dir = dirs.get(0);
  dirs.destroy();
  site.destroy();
  return dir;
}

// NumPy's modules compiled to bytecode (numpy.pyc.zip), unpacked beside its source before NumPy is
// first imported.
export function installBytecode(pyodide, archive) {
  pyodide.unpackArchive(archive, "zip", { extractDir: sitePackages(pyodide) });
}

// Unpack the package zip and return the package's door: {ask, open, forget, preload, warm, computeAhead}.
//   ask(request) -> answer: the whole answer at once (web.handle).
//   open(request) -> {answer(), step(), destroy()}: the same request answered in steps (web.Stream);
//     answer() is the answer so far, step() computes the next width and is true while more remain,
//     destroy() frees the Python object (call it once the stream is done or abandoned).
//   forget() -> drops every computed width (benchmarks time whole sweeps with it).
//   preload(text) -> how many widths: holds the points the site's build computed (web.preload).
//   warm() -> answers one small request and drops it, so that the first real one is not slowed by
//     code running for the first time (web.warm).
//   computeAhead(request) -> true if it computed the next width notch of a sweep's request
//     (web.compute_ahead).
// Requests and answers are plain objects.
export function installPackage(pyodide, archive) {
  // site-packages is on sys.path from the start, so the package needs no path of its own.
  pyodide.unpackArchive(archive, "zip", { extractDir: sitePackages(pyodide) });
  // Python caches directory listings by modification time: files unpacked within the same clock
  // tick as an earlier import (NumPy's) would otherwise stay invisible to the import system.
  const importlib = pyodide.pyimport("importlib");
  importlib.invalidate_caches();
  importlib.destroy();
  const web = pyodide.pyimport("spectral_condition.web");
  return {
    ask: (request) => JSON.parse(web.handle(JSON.stringify(request))),
    forget: () => web.forget(),
    preload: (text) => web.preload(text),
    warm: () => web.warm(),
    computeAhead: (request) => web.compute_ahead(JSON.stringify(request)) === true,
    open(request) {
      const stream = web.Stream(JSON.stringify(request));
      return {
        answer: () => JSON.parse(stream.answer()),
        step: () => stream.step() === true,
        // Also frees the proxies of its methods, which Pyodide caches on the stream's proxy.
        destroy: () => stream.destroy(),
      };
    },
  };
}

// The versions a page reports (and tests check): CPython's and NumPy's.
export function versions(pyodide) {
  const sys = pyodide.pyimport("sys");
  const numpy = pyodide.pyimport("numpy");
  const out = { python: sys.version.split(" ")[0], numpy: numpy.__version__ };
  sys.destroy();
  numpy.destroy();
  return out;
}
