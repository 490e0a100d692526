"""Run experiments under Pyodide in Node.js from Python (tests and the benchmark share this)."""

from __future__ import annotations

import json
import subprocess
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


def run_in_pyodide(requests: list[dict[str, Any]], timeout: float = 600) -> dict[str, Any]:
    """Run ``[{name, params}, ...]`` in one Pyodide; returns {numpy, results, ms}."""
    proc = subprocess.run(["node", str(SCRIPT), str(PYODIDE_DIR), str(PACKAGE_DIR), json.dumps(requests)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"Pyodide under Node failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
