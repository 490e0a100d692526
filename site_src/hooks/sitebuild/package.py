"""The one loader of spectral_condition for every job of the build.

It imports the package from this checkout's py/, dropping any copy an earlier `mkdocs serve` build
imported: a rebuild must show the sources as they are now, and every job must use the same copy.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from mkdocs.exceptions import PluginError

from .paths import PACKAGE_DIR, PY_DIR

NAME = "spectral_condition"

_loaded: ModuleType | None = None


def load() -> ModuleType:
    global _loaded
    for name in [m for m in sys.modules if m == NAME or m.startswith(NAME + ".")]:
        del sys.modules[name]
    # First on the path, so an installed copy elsewhere can never shadow the checkout's.
    sys.path[:] = [str(PY_DIR)] + [p for p in sys.path if p != str(PY_DIR)]
    importlib.invalidate_caches()
    module = importlib.import_module(NAME)
    if Path(module.__file__).resolve().parent != PACKAGE_DIR:
        raise PluginError(f"imported {NAME} from {module.__file__}, not from {PACKAGE_DIR}")
    _loaded = module
    return module


def get(name: str = NAME) -> ModuleType:
    """The package, or one of its modules (``spectral_condition.web``), as imported for this build."""
    if _loaded is None:
        load()
    return importlib.import_module(name)


def on_config(config, **kwargs):
    load()
    return config
