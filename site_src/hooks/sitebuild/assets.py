"""Everything the browser loads, served from the site's own origin (nothing is fetched elsewhere):
the runtime (site_src/js, site_src/css), Pyodide with NumPy (build/pyodide, assembled when missing),
Plotly.js and KaTeX from node_modules. The runtime derives each URL from its own script's URL, so
these paths are the only place they are spelled out. (The package zip is package_zip's.)"""

from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from .paths import NODE, PYODIDE_BUILD, SITE_SRC, runtime_sources

RUNTIME_DIR = "assets/spectral"
VENDOR_DIR = "assets/vendor"
PYODIDE_DIR = "assets/pyodide"

log = logging.getLogger("mkdocs.hooks.sitebuild")


def ensure_pyodide() -> Path:
    if not (PYODIDE_BUILD / "pyodide.asm.wasm").is_file():
        spec = importlib.util.spec_from_file_location("assemble_pyodide", SITE_SRC / "assemble_pyodide.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        log.info("assembling Pyodide into %s", PYODIDE_BUILD)
        module.assemble(PYODIDE_BUILD)
    lock = json.loads((PYODIDE_BUILD / "pyodide-lock.json").read_text())
    numpy_wheel = lock["packages"]["numpy"]["file_name"]
    for name in (numpy_wheel, "python_stdlib.pyc.zip", "numpy.pyc.zip"):
        if not (PYODIDE_BUILD / name).is_file():
            raise PluginError(f"{PYODIDE_BUILD / name} is missing: run `make pyodide`")
    return PYODIDE_BUILD


def _static(config, src: Path, uri: str) -> File:
    if not src.is_file():
        raise PluginError(f"{src} is missing: run `make setup` (npm ci, assemble Pyodide)")
    return File.generated(config, uri, abs_src_path=str(src))


def on_files(files: Files, config, **kwargs):
    add = [_static(config, src, f"{RUNTIME_DIR}/{src.name}") for src in runtime_sources()]
    for src in sorted(ensure_pyodide().iterdir()):
        if src.is_file() and not src.name.startswith("."):
            add.append(_static(config, src, f"{PYODIDE_DIR}/{src.name}"))
    plotly = NODE / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
    add.append(_static(config, plotly, f"{VENDOR_DIR}/plotly/plotly-basic.min.js"))
    katex = NODE / "katex" / "dist"
    for rel in ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js"):
        add.append(_static(config, katex / rel, f"{VENDOR_DIR}/katex/{rel}"))
    for font in sorted((katex / "fonts").iterdir()):
        add.append(_static(config, font, f"{VENDOR_DIR}/katex/fonts/{font.name}"))
    for f in add:
        if f.src_uri in files:
            files.remove(files.get_file_from_path(f.src_uri))
        files.append(f)
    return files
