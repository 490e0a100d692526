"""Keys mkdocs-jupyter's execution cache on the package too.

mkdocs-jupyter's own cache key covers only the notebook's text, so a changed package would leave the
notebooks' figures stale. Pointing its cache at a folder named after a hash of the package zip and of
NumPy's version makes a changed package, or NumPy, execute the notebooks again.
"""

from __future__ import annotations

import hashlib

from . import package_zip
from .paths import JUPYTER_CACHE


def on_config(config, **kwargs):
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None and jupyter.config.get("cache"):
        import numpy

        key = hashlib.sha256(package_zip.zip_bytes() + numpy.__version__.encode()).hexdigest()[:16]
        jupyter.config["cache_dir"] = str(JUPYTER_CACHE / key)
    return config
