"""Shared fixtures: the site built once per session, served on 127.0.0.1, and a guarded browser.

* ``built_site``: the directory of ``mkdocs build --strict`` (with ``site_url`` set to the address it
  is served from, as Material's instant navigation needs).
* ``site_server``: the base URL of that site, served by a threaded http.server with the MIME types
  Pyodide needs (``.wasm`` as application/wasm, for streaming compilation).
* ``subpath_server``: a second build with ``site_url`` under ``/spectral-condition/``, served there.
* ``page``: a fresh browser context and page in Debian's Chromium. Every request is routed, and the
  test fails on any request that would leave 127.0.0.1/localhost, on any console error and on any
  uncaught page error. ``page.allow_console_error(regex)`` lets a test accept an error it provokes.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The checkout's package, whatever copy is installed: the site build imports this one too.
if str(ROOT / "py") not in sys.path:
    sys.path.insert(0, str(ROOT / "py"))

# Tests call some build jobs in-process (claims, notation). The build's loader drops the package from
# sys.modules and imports it afresh on first use, which in a test session would leave two copies:
# modules the tests imported earlier (web, sweeps) would then work on the other copy's state. The jobs
# use the copy the tests imported instead, which is the checkout's (py/ is first on the path).
import spectral_condition  # noqa: E402

if str(ROOT / "site_src" / "hooks") not in sys.path:
    sys.path.insert(0, str(ROOT / "site_src" / "hooks"))
from sitebuild import package as _build_package  # noqa: E402

_build_package._loaded = spectral_condition
VENV_PY = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PY) if VENV_PY.exists() else sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SUBPATH = "/spectral-condition/"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files, with the MIME types browsers insist on for wasm and modules."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".whl": "application/zip",
        ".zip": "application/zip",
        ".woff2": "font/woff2",
    }
    prefix = "/"

    def translate_path(self, path: str) -> str:
        clean = unquote(urlsplit(path).path)
        if not clean.startswith(self.prefix) and clean + "/" != self.prefix:
            return str(Path(self.directory) / "__outside_the_mount_point__")
        return super().translate_path("/" + clean[len(self.prefix):])

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A browser that closes a tab mid-download resets the connection: not the site's fault.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _bind(prefix: str = "/") -> ThreadingHTTPServer:
    """A server bound to a free port, not serving yet: the build needs its address first."""
    handler = type("Handler", (SiteHandler,), {"prefix": prefix})
    return QuietServer(("127.0.0.1", 0), handler)


def _serve(server: ThreadingHTTPServer, directory: Path) -> None:
    server.RequestHandlerClass = functools.partial(server.RequestHandlerClass, directory=str(directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()


MINIMAL_CONFIG = """\
site_name: test
docs_dir: {docs}
site_dir: {site}
theme:
  name: material
markdown_extensions:
  - pymdownx.superfences
  - pymdownx.arithmatex:
      generic: true
{nav}hooks:
  - {hook}
"""


def build_pages(tmp_path: Path, pages: dict[str, str], nav: bool = False) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of a small site of ``pages`` (file name -> Markdown) with the site's
    hook, in ``tmp_path``; ``nav``: list the pages in the navigation, in the given order. For tests of
    what a build does with a page (a bad fence, a wrong claim): the site is in ``tmp_path / "site"``."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    listed = "nav:\n" + "".join(f"  - {Path(n).stem}: {n}\n" for n in pages) if nav else ""
    config = tmp_path / "mkdocs.yml"
    config.write_text(MINIMAL_CONFIG.format(docs=docs, site=tmp_path / "site", nav=listed,
                                            hook=ROOT / "site_src" / "hooks" / "main.py"), encoding="utf-8")
    return subprocess.run([PYTHON, "-m", "mkdocs", "build", "--strict", "-f", str(config)],
                          capture_output=True, text=True, cwd=tmp_path)


class Build:
    """``mkdocs build --strict``, exactly as `make build` runs it, in a subprocess.

    A build takes a minute or more (the reference page measures exponents, the notebooks run), so
    the sub-path build runs in the background while the first browser tests run.
    """

    def __init__(self, site_dir: Path, site_url: str) -> None:
        self.site_dir = site_dir
        self.log = open(site_dir.parent / "build.log", "w+", encoding="utf-8")
        env = {**os.environ, "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
        self.proc = subprocess.Popen([PYTHON, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
                                     cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True)

    def wait(self) -> Path:
        code = self.proc.wait()
        self.log.seek(0)
        out = self.log.read()
        self.log.close()
        if code != 0:
            pytest.fail(f"mkdocs build --strict failed ({code}):\n{out}", pytrace=False)
        return self.site_dir


_pending: dict[str, tuple] = {}


def pytest_collection_modifyitems(session, config, items):
    config._needs_subpath = any(f in getattr(item, "fixturenames", ()) for item in items
                                for f in ("subpath_server", "subpath_site"))


def _subpath_build(tmp_path_factory):
    if "subpath" not in _pending:
        server = _bind(SUBPATH)
        host, port = server.server_address[:2]
        url = f"http://{host}:{port}{SUBPATH}"
        _pending["subpath"] = (server, url, Build(tmp_path_factory.mktemp("subpath") / "site", url))
    return _pending["subpath"]


@pytest.fixture(scope="session")
def _main_site(request, tmp_path_factory):
    server = _bind()
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}/"
    site = Build(tmp_path_factory.mktemp("site") / "site", url).wait()
    if getattr(request.config, "_needs_subpath", False):
        # After the main build, so its executed notebooks are in mkdocs-jupyter's cache; it then
        # runs while the first browser tests do.
        _subpath_build(tmp_path_factory)
    _serve(server, site)
    yield site, url
    server.shutdown()


@pytest.fixture(scope="session")
def built_site(_main_site) -> Path:
    """The site built with ``mkdocs build --strict`` (served at ``site_server``)."""
    return _main_site[0]


@pytest.fixture(scope="session")
def site_server(_main_site) -> str:
    """Base URL (ending in '/') of the built site, served on 127.0.0.1."""
    return _main_site[1]


@pytest.fixture(scope="session")
def _subpath_site(tmp_path_factory):
    server, url, build = _subpath_build(tmp_path_factory)
    site = build.wait()
    _serve(server, site)
    yield site, url
    server.shutdown()


@pytest.fixture(scope="session")
def subpath_site(_subpath_site) -> Path:
    """The directory of the build whose site_url is under /spectral-condition/."""
    return _subpath_site[0]


@pytest.fixture(scope="session")
def subpath_server(_subpath_site) -> str:
    """Base URL of that build, served only under /spectral-condition/ (ends in '/')."""
    return _subpath_site[1]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Guard:
    """What a page did that a test must not accept: remote requests, console and page errors."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.allowed: list[re.Pattern[str]] = []
        self.requests: list[str] = []

    def _leaves(self, url: str) -> bool:
        """Record a request; True (and a problem) when it leaves localhost."""
        self.requests.append(url)
        scheme = urlsplit(url).scheme
        if scheme in ("data", "blob") or urlsplit(url).hostname in LOCAL_HOSTS:
            return False
        self.problems.append(f"request left localhost: {url}")
        return True

    def route(self, route) -> None:
        if self._leaves(route.request.url):
            route.abort()
        else:
            route.fallback()

    def request(self, request) -> None:
        self._leaves(request.url)

    def console(self, msg) -> None:
        if msg.type == "error":
            text = msg.text
            if not any(p.search(text) for p in self.allowed):
                self.problems.append(f"console error: {text} (at {msg.location})")

    def pageerror(self, error) -> None:
        self.problems.append(f"page error: {error}")


def _guarded_page(browser, routed: bool):
    guard = Guard()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if routed:
        context.route("**/*", guard.route)
    else:
        context.on("request", guard.request)
    pg = context.new_page()
    pg.on("console", guard.console)
    pg.on("pageerror", guard.pageerror)
    pg.guard = guard
    pg.allow_console_error = lambda pattern: guard.allowed.append(re.compile(pattern))
    yield pg
    context.close()
    if guard.problems:
        pytest.fail("the page misbehaved:\n  " + "\n  ".join(guard.problems), pytrace=False)


@pytest.fixture
def page(browser):
    """A fresh context and page; fails the test on remote requests and console/page errors."""
    yield from _guarded_page(browser, routed=True)


@pytest.fixture
def cached_page(browser):
    """As ``page``, with the browser's HTTP cache at work: Playwright turns the cache off in a context
    whose requests it routes, so here a remote request is only recorded (and fails the test), not
    stopped."""
    yield from _guarded_page(browser, routed=False)
