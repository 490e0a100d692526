"""The notebooks' kernels import this checkout's package.

mkdocs-jupyter runs each notebook in a kernel of its own process, which finds packages through
PYTHONPATH; putting py/ first there makes the notebooks use the same sources as the rest of the build
(the ones the jupyter_cache job hashes), whatever copy is installed.
"""

from __future__ import annotations

import os

from .paths import PY_DIR


def on_config(config, **kwargs):
    paths = [str(PY_DIR)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return config
