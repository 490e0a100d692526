// Run spectral_condition under Pyodide 0.27.7 in Node.js: the same files CPython imports.
// Usage: node run.mjs PYODIDE_DIR PACKAGE_DIR REQUESTS_JSON   (REQUESTS_JSON: [{name, params}, ...])
// Prints one JSON line: {"numpy": version, "results": [run_figure output or {"error": msg}], "ms": [...]}
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { loadPyodide } from "pyodide";

const [pyodideDir, packageDir, requestsJson] = process.argv.slice(2);
const requests = JSON.parse(requestsJson);

const pyodide = await loadPyodide({ indexURL: resolve(pyodideDir) + "/", stdout: () => {}, stderr: () => {} });
await pyodide.loadPackage("numpy", { messageCallback: () => {}, errorCallback: () => {} });
// loadPackage only logs a failure, so check the import ourselves.
const numpyVersion = pyodide.runPython("import numpy; numpy.__version__");

function copyTree(src, dst) {
  pyodide.FS.mkdirTree(dst);
  for (const name of readdirSync(src)) {
    const path = join(src, name);
    if (statSync(path).isDirectory()) {
      if (name !== "__pycache__") copyTree(path, join(dst, name));
    } else if (name.endsWith(".py")) {
      pyodide.FS.writeFile(join(dst, name), readFileSync(path));
    }
  }
}
copyTree(resolve(packageDir), "/home/pyodide/pkg/" + relative(resolve(packageDir, ".."), resolve(packageDir)));
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/pkg'); import spectral_condition");

const results = [];
const ms = [];
const call = pyodide.runPython(`
import json, spectral_condition
def call(name, params_json):
    try:
        return json.dumps(spectral_condition.run_figure(name, json.loads(params_json)), allow_nan=False)
    except ValueError as e:
        return json.dumps({"error": str(e)})
call`);
for (const { name, params } of requests) {
  const t0 = performance.now();
  const out = call(name, JSON.stringify(params));
  ms.push(performance.now() - t0);
  results.push(JSON.parse(out));
}
call.destroy();
console.log(JSON.stringify({ numpy: numpyVersion, results, ms }));
