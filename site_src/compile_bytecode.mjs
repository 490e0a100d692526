// Compiles the Python the browser imports at start-up to bytecode, with Pyodide's own CPython (the
// browser's version, whose bytecode format the build's CPython may not share).
//
// CPython in WebAssembly spends most of its start-up compiling source: importing the standard
// library's modules while Pyodide boots, then NumPy's. Both are compiled here once, into
//   python_stdlib.pyc.zip  the standard library's zip with every module as an unchecked-hash .pyc
//                          (zipimport reads those directly; the official zip stays beside it)
//   numpy.pyc.zip          NumPy's __pycache__ folders, to unpack into site-packages before the
//                          first import (the verified wheel itself is loaded unchanged)
// Unchecked-hash .pyc files are used as they are, without comparing them with a source file.
// Usage: node compile_bytecode.mjs PYODIDE_DIR
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadPyodide } from "pyodide";

const dir = resolve(process.argv[2]) + "/";
const pyodide = await loadPyodide({ indexURL: dir, stdout: () => {}, stderr: (s) => console.error(s) });
await pyodide.loadPackage("numpy", { messageCallback: () => {}, errorCallback: (m) => console.error(m) });
pyodide.FS.writeFile("/tmp/stdlib.zip", readFileSync(dir + "python_stdlib.zip"));
pyodide.runPython(`
import compileall, importlib.util, importlib._bootstrap_external as external, os, py_compile, site, zipfile

with zipfile.ZipFile("/tmp/stdlib.zip") as src, \\
        zipfile.ZipFile("/tmp/python_stdlib.pyc.zip", "w", zipfile.ZIP_DEFLATED) as out:
    for info in src.infolist():
        data = src.read(info)
        if not info.filename.endswith(".py"):
            out.writestr(info, data)
            continue
        try:
            code = compile(data, info.filename, "exec", dont_inherit=True)
        except SyntaxError:  # test data that is not meant to compile: keep the source
            out.writestr(info, data)
            continue
        pyc = external._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)
        out.writestr(info.filename[:-3] + ".pyc", bytes(pyc))

packages = site.getsitepackages()[0]
numpy_dir = os.path.join(packages, "numpy")
if not compileall.compile_dir(numpy_dir, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH):
    raise SystemExit("compileall failed on NumPy")
with zipfile.ZipFile("/tmp/numpy.pyc.zip", "w", zipfile.ZIP_DEFLATED) as out:
    for root, _, files in os.walk(numpy_dir):
        if os.path.basename(root) == "__pycache__":
            for name in files:
                path = os.path.join(root, name)
                out.write(path, os.path.relpath(path, packages))
`);
for (const name of ["python_stdlib.pyc.zip", "numpy.pyc.zip"]) {
  writeFileSync(dir + name, pyodide.FS.readFile("/tmp/" + name));
}
