"""The site's one MkDocs hook: it runs the build's jobs, the modules of site_src/hooks/sitebuild/
(one job each, listed in its __init__), and makes `mkdocs serve` rebuild with fresh copies of them.

MkDocs imports a hook file once per process, however often `mkdocs serve` rebuilds. So this file only
dispatches: it imports sitebuild anew in on_config, the first event of every build, and hands each
event to every job that defines it, in the order of sitebuild.JOBS. Editing this file itself needs a
restart of `mkdocs serve`; editing a job does not.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

HOOKS_DIR = Path(__file__).resolve().parent
JOBS_PACKAGE = "sitebuild"

_jobs: list[ModuleType] = []


def _import_jobs() -> list[ModuleType]:
    for name in [m for m in sys.modules if m == JOBS_PACKAGE or m.startswith(JOBS_PACKAGE + ".")]:
        del sys.modules[name]
    if str(HOOKS_DIR) not in sys.path:
        sys.path.insert(0, str(HOOKS_DIR))
    importlib.invalidate_caches()
    package = importlib.import_module(JOBS_PACKAGE)
    return [importlib.import_module(f"{JOBS_PACKAGE}.{name}") for name in package.JOBS]


def _run(event: str, item, **kwargs):
    """Like MkDocs' own event chain: each job gets what the previous one returned (None: unchanged)."""
    for job in _jobs:
        handler = getattr(job, event, None)
        if handler is not None:
            result = handler(item, **kwargs)
            if result is not None:
                item = result
    return item


def on_config(config, **kwargs):
    _jobs[:] = _import_jobs()
    return _run("on_config", config, **kwargs)


def on_files(files, config, **kwargs):
    return _run("on_files", files, config=config, **kwargs)


def on_page_markdown(markdown, page, config, files, **kwargs):
    return _run("on_page_markdown", markdown, page=page, config=config, files=files, **kwargs)


def on_page_content(html, page, config, files, **kwargs):
    return _run("on_page_content", html, page=page, config=config, files=files, **kwargs)


def on_post_build(config, **kwargs):
    _run("on_post_build", config, **kwargs)


def on_serve(server, config, builder, **kwargs):
    # MkDocs watches docs/ and mkdocs.yml itself; these are the other sources of the site.
    paths = importlib.import_module(f"{JOBS_PACKAGE}.paths")
    for path in (paths.SITE_SRC / "js", paths.SITE_SRC / "css", HOOKS_DIR, paths.PACKAGE_DIR):
        server.watch(str(path))
    return server
