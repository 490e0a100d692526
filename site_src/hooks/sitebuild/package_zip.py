"""The package as the browser gets it, and the version that keys the browser's caches.

assets/py/spectral_condition.zip holds the very .py files CPython imports here, so Pyodide runs the
same science, never a second copy in JavaScript. The version (a hash of that zip, of the runtime's JS
and CSS, and of what the code editor's bundle is made of) is the ``?v=`` the page appends to the
worker's, the zip's and the editor's URLs: a changed package or runtime is fetched anew instead of
being served from a stale cache.

The zip the site serves also holds each module compiled to bytecode by Pyodide's own CPython
(site_src/compile_bytecode.mjs), so the browser imports the package without compiling its source,
which takes CPython in WebAssembly about 0.4 s. The version is the sources' alone.
"""

from __future__ import annotations

import functools
import hashlib
import io
import subprocess
import tempfile
import zipfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from . import package
from .assets import ensure_pyodide
from .paths import PACKAGE_DIR, ROOT, SITE_SRC, bundled_sources, runtime_sources

SITE_PATH = "assets/py/spectral_condition.zip"


def package_files():
    # The package decides which of its files a browser needs.
    return package.get("spectral_condition.web").browser_files()


# Cached for one build: the whole sitebuild package is imported afresh for the next one.
@functools.cache
def zip_bytes() -> bytes:
    """Fixed timestamps and modes, so equal sources give byte-equal zips (and an equal version)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in package_files():
            info = zipfile.ZipInfo(path.relative_to(PACKAGE_DIR.parent).as_posix(), (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, path.read_bytes())
    return buf.getvalue()


@functools.cache
def site_zip_bytes() -> bytes:
    """zip_bytes() with each module's bytecode added beside it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spectral_condition.zip"
        path.write_bytes(zip_bytes())
        proc = subprocess.run(["node", str(SITE_SRC / "compile_bytecode.mjs"), str(ensure_pyodide()), str(path)],
                              cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise PluginError(f"compiling the package to bytecode failed: {proc.stderr[-2000:]}")
        return path.read_bytes()


@functools.cache
def version() -> str:
    h = hashlib.sha256(zip_bytes())
    for path in runtime_sources() + bundled_sources():
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def on_config(config, **kwargs):
    # Taken when the build starts, like the package import, not midway through the pages; the
    # template that starts the worker reads it from config.extra.
    config.extra["spectral_version"] = version()
    return config


def on_files(files: Files, config, **kwargs):
    if SITE_PATH in files:
        files.remove(files.get_file_from_path(SITE_PATH))
    files.append(File.generated(config, SITE_PATH, content=site_zip_bytes()))
    return files
