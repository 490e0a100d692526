"""Where the build reads its inputs in this checkout. Every job takes its paths from here, so moving
a folder means editing one file."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PY_DIR = ROOT / "py"
PACKAGE_DIR = PY_DIR / "spectral_condition"
SITE_SRC = ROOT / "site_src"
PYODIDE_BUILD = ROOT / "build" / "pyodide"
JUPYTER_CACHE = ROOT / "build" / "jupyter-cache"
NODE = ROOT / "node_modules"
MUP_SLOPES = ROOT / "bench" / "mup_slopes.json"  # microsoft/mup's measured slopes (bench/mup_crosscheck.py)


def runtime_sources() -> list[Path]:
    """The browser runtime's own files: the site serves them and the version hashes them."""
    return sorted((SITE_SRC / "js").glob("*.js")) + sorted((SITE_SRC / "css").glob("*.css"))


def bundled_sources() -> list[Path]:
    """What the code editor's bundle is made of (its source, and the npm lock file that fixes the
    packages it bundles): the version hashes them too, so a changed bundle is fetched anew."""
    return sorted((SITE_SRC / "editor").glob("*.js")) + [ROOT / "package-lock.json"]
