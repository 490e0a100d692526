"""Run experiments under Pyodide in Node.js from Python (tests and the benchmark share this).

The package goes in as the zip the site serves (the same files CPython imports), and every request
is answered through the browser worker's own door (site_src/js/python-package.js): at once by
``spectral_condition.web.handle``, or step by step by ``spectral_condition.web.Stream`` as the worker
answers it.
"""

from __future__ import annotations

import io
import json
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("run.mjs")
PYODIDE_DIR = ROOT / "build" / "pyodide"
PACKAGE_DIR = ROOT / "py" / "spectral_condition"


def available() -> str | None:
    """None when Node, the npm pyodide package and the assembled folder are all there, else why not."""
    import shutil

    if shutil.which("node") is None:
        return "node is not installed"
    if not (ROOT / "node_modules" / "pyodide" / "package.json").exists():
        return "node_modules/pyodide is missing (npm ci)"
    if not (PYODIDE_DIR / "pyodide.asm.wasm").exists():
        return "build/pyodide is missing (python site_src/assemble_pyodide.py)"
    return None


def package_zip() -> bytes:
    """The package's browser files under ``spectral_condition/``, the layout of the site's zip."""
    from spectral_condition import web

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in web.browser_files():
            z.write(path, path.relative_to(PACKAGE_DIR.parent).as_posix())
    return buf.getvalue()


def run_in_pyodide(requests: list[dict[str, Any]], timeout: float = 600) -> dict[str, Any]:
    """Run ``[{name, params, url?, stream?}, ...]`` in order in one Pyodide; returns {numpy, results, ms}.

    ``url`` holds raw text from a link, as a page sends it; each result is web.handle's answer,
    ``{"ok": true, "params", "figure", "notes"}`` or ``{"ok": false, "kind", "message"}``. With
    ``stream`` true the request goes through web.Stream as the worker runs it, and its result is the
    list of answers: the first (what was already computed), then one after each step. With ``fresh``
    true every computed width is forgotten first, so the request computes its whole sweep.
    """
    wire = [{"request": {"demo": r["name"], "params": r["params"], **({"url": r["url"]} if "url" in r else {})},
             "stream": bool(r.get("stream")), "fresh": bool(r.get("fresh"))}
            for r in requests]
    with tempfile.NamedTemporaryFile(suffix=".zip") as archive:
        archive.write(package_zip())
        archive.flush()
        proc = subprocess.run(["node", str(SCRIPT), str(PYODIDE_DIR), archive.name], input=json.dumps(wire),
                              cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"Pyodide under Node failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
