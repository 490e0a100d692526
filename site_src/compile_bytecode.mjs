// Compiles Python that the browser imports to bytecode, with Pyodide's own CPython (the browser's
// version, whose bytecode format the build's CPython may not share).
//
// CPython in WebAssembly spends most of its start-up compiling source: the standard library's modules
// while Pyodide boots, then NumPy's and the package's. Each is compiled here once:
//   node compile_bytecode.mjs PYODIDE_DIR
//     python_stdlib.pyc.zip  the standard library's zip with every module as an unchecked-hash .pyc
//                            (zipimport reads those directly; the official zip stays beside it)
//     numpy.pyc.zip          NumPy's __pycache__ folders, to unpack into site-packages before the
//                            first import (the verified wheel itself is loaded unchanged)
//   node compile_bytecode.mjs PYODIDE_DIR PACKAGE_ZIP
//     adds to the package's zip a __pycache__ entry for each of its .py files, in place
// Unchecked-hash .pyc files are used as they are, without comparing them with their source, so a
// zip and its bytecode must be made together.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadPyodide } from "pyodide";

const [pyodideDir, packageZip] = process.argv.slice(2);
const dir = resolve(pyodideDir) + "/";

const COMPILE = `
import importlib.util, importlib._bootstrap_external as external

def bytecode(source, path):
    """The unchecked-hash .pyc of a module at \`path\`, or None for source that does not compile."""
    try:
        code = compile(source, path, "exec", dont_inherit=True)
    except SyntaxError:  # test data that is not meant to compile: keep the source
        return None
    return bytes(external._code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))
`;

async function runtime(withNumpy) {
  const pyodide = await loadPyodide({
    indexURL: dir,
    ...(withNumpy ? {} : { stdLibURL: dir + "python_stdlib.pyc.zip" }),
    stdout: () => {},
    stderr: (s) => console.error(s),
  });
  if (withNumpy) {
    await pyodide.loadPackage("numpy", { messageCallback: () => {}, errorCallback: (m) => console.error(m) });
  }
  pyodide.runPython(COMPILE);
  return pyodide;
}

if (packageZip) {
  const pyodide = await runtime(false);
  pyodide.FS.writeFile("/tmp/package.zip", readFileSync(packageZip));
  pyodide.runPython(`
import importlib.util, site, zipfile
packages = site.getsitepackages()[0]
with zipfile.ZipFile("/tmp/package.zip", "a", zipfile.ZIP_DEFLATED) as z:
    for info in [i for i in z.infolist() if i.filename.endswith(".py")]:
        path = f"{packages}/{info.filename}"
        pyc = bytecode(z.read(info), path)
        if pyc is not None:
            entry = zipfile.ZipInfo(importlib.util.cache_from_source(path)[len(packages) + 1:], info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            z.writestr(entry, pyc)
`);
  writeFileSync(packageZip, pyodide.FS.readFile("/tmp/package.zip"));
} else {
  const pyodide = await runtime(true);
  pyodide.FS.writeFile("/tmp/stdlib.zip", readFileSync(dir + "python_stdlib.zip"));
  pyodide.runPython(`
import compileall, os, py_compile, site, zipfile

with zipfile.ZipFile("/tmp/stdlib.zip") as src, \\
        zipfile.ZipFile("/tmp/python_stdlib.pyc.zip", "w", zipfile.ZIP_DEFLATED) as out:
    for info in src.infolist():
        data = src.read(info)
        pyc = bytecode(data, info.filename) if info.filename.endswith(".py") else None
        if pyc is None:
            out.writestr(info, data)
        else:
            out.writestr(info.filename[:-3] + ".pyc", pyc)

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
}
