// Which of the browser's Python comes from bytecode: loads Pyodide as the worker does (the site's
// compiled standard library, NumPy's bytecode, the site's package zip), then replaces the source of
// numpy/__init__.py and spectral_condition/web.py with a line that raises. An import that still
// works read the .pyc; one that raises compiled the source.
// Usage: node bytecode.mjs PYODIDE_DIR PACKAGE_ZIP   Prints one JSON line.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadPyodide } from "pyodide";
import { installBytecode, installPackage, runtimeOptions } from "../../site_src/js/python-package.js";

const [pyodideDir, packageZip] = process.argv.slice(2);
const indexURL = resolve(pyodideDir) + "/";
const pyodide = await loadPyodide({ ...runtimeOptions(indexURL), stdout: () => {}, stderr: () => {} });
installBytecode(pyodide, new Uint8Array(readFileSync(indexURL + "numpy.pyc.zip")));
const site = pyodide.runPython("import site; site.getsitepackages()[0]");
pyodide.unpackArchive(new Uint8Array(readFileSync(packageZip)), "zip", { extractDir: site });
for (const path of ["numpy/__init__.py", "spectral_condition/web.py"]) {
  pyodide.FS.writeFile(`${site}/${path}`, "raise ImportError('the source was compiled')\n");
}
console.log(pyodide.runPython(`
import json
def imports(name):
    try:
        __import__(name)
        return "ok"
    except ImportError as e:
        return str(e)
json.dumps({"json": json.__file__, "numpy": imports("numpy"), "web": imports("spectral_condition.web")})
`));
