// Answers figure requests under Pyodide 0.27.7 in Node.js through the browser worker's own door:
// site_src/js/python-package.js installs the package zip and calls spectral_condition.web.
// Usage: node run.mjs PYODIDE_DIR PACKAGE_ZIP < ITEMS_JSON
//   items: [{request, stream, fresh}], request as web.handle reads it; stream: answer it step by step,
//   as the worker does, instead of at once; fresh: forget every computed width first.
// Prints one JSON line: {"numpy": version, "results": [...], "ms": [...]}, a result being the answer
// (web.handle), or for a stream the list of its answers: the first one, then one after each step.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadPyodide } from "pyodide";
import { installBytecode, installPackage, runtimeOptions, versions } from "../../site_src/js/python-package.js";

const [pyodideDir, packageZip] = process.argv.slice(2);
const items = JSON.parse(readFileSync(0, "utf-8"));

const indexURL = resolve(pyodideDir) + "/";
const pyodide = await loadPyodide({ ...runtimeOptions(indexURL), stdout: () => {}, stderr: () => {} });
await pyodide.loadPackage("numpy", { messageCallback: () => {}, errorCallback: () => {} });
installBytecode(pyodide, new Uint8Array(readFileSync(indexURL + "numpy.pyc.zip")));
// A plain Uint8Array, as the worker passes: Pyodide cannot unpack a Node.js Buffer.
const door = installPackage(pyodide, new Uint8Array(readFileSync(packageZip)));

function streamed(request) {
  const stream = door.open(request);
  try {
    const answers = [stream.answer()];
    let more = true;
    while (more) {
      more = stream.step();
      answers.push(stream.answer());
    }
    return answers;
  } finally {
    stream.destroy();
  }
}

const results = [];
const ms = [];
for (const { request, stream, fresh } of items) {
  if (fresh) door.forget();
  const t0 = performance.now();
  results.push(stream ? streamed(request) : door.ask(request));
  ms.push(performance.now() - t0);
}
console.log(JSON.stringify({ numpy: versions(pyodide).numpy, results, ms }));
