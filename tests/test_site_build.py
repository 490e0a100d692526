"""The built site: strict build, nothing fetched from elsewhere, assets present, demos embedded right."""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import spectral_condition as sc
from conftest import ROOT, build_pages
from numeric_compare import mismatches
from spectral_condition import figure_text
from spectral_condition.registry import get


LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CDN_HOSTS = re.compile(r"cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|unpkg\.com|cdn\.plot\.ly|"
                       r"fonts\.googleapis\.com|fonts\.gstatic\.com|polyfill\.io|mathjax")


class Tags(HTMLParser):
    """Collect the URL attributes of tags that make the browser fetch, and inline script bodies."""

    FETCHING = {"script": "src", "link": "href", "img": "src", "source": "src", "iframe": "src",
                "video": "src", "audio": "src", "embed": "src", "object": "data"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.FETCHING and a.get(self.FETCHING[tag]):
            self.urls.append((tag, a[self.FETCHING[tag]]))
        if tag == "img" and a.get("srcset"):
            self.urls.extend((tag, part.split()[0]) for part in a["srcset"].split(","))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _remote(url: str) -> bool:
    parts = urlsplit(url)
    if url.startswith("//"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname not in LOCAL_HOSTS


def _html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_strict_build_produced_the_pages(built_site):
    # The fixture ran `mkdocs build --strict`; a warning would have failed it.
    assert (built_site / "index.html").is_file()
    assert (built_site / "demos" / "index.html").is_file()


def test_no_remote_urls_in_the_built_site(built_site):
    problems = []
    for html in _html_files(built_site):
        tags = Tags()
        tags.feed(html.read_text(encoding="utf-8"))
        rel = html.relative_to(built_site)
        problems += [f"{rel}: <{tag}> {url}" for tag, url in tags.urls if _remote(url)]
        problems += [f"{rel}: inline script mentions {m.group(0)}" for s in tags.scripts
                     for m in [CDN_HOSTS.search(s)] if m]
    for css in built_site.rglob("*.css"):
        for url in re.findall(r"(?:url\(\s*['\"]?|@import\s+['\"])([^'\")\s]+)", css.read_text(encoding="utf-8")):
            if _remote(url):
                problems.append(f"{css.relative_to(built_site)}: {url}")
    for js in (built_site / "assets" / "spectral").glob("*.js"):
        problems += [f"{js.name}: {m}" for m in re.findall(r"https?://\S+", js.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems[:20])


def test_the_runtime_assets_are_in_the_site(built_site):
    pyodide = built_site / "assets" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == "0.27.7"
    for name in ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"):
        assert (pyodide / name).stat().st_size > 0, name
    numpy = lock["packages"]["numpy"]
    wheel = pyodide / numpy["file_name"]
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == numpy["sha256"]
    for rel in ("vendor/plotly/plotly-basic.min.js", "vendor/katex/katex.min.js", "vendor/katex/katex.min.css",
                "vendor/katex/contrib/auto-render.min.js", "vendor/katex/fonts/KaTeX_Main-Regular.woff2",
                "spectral/runtime.js", "spectral/worker.js", "spectral/site.css"):
        assert (built_site / "assets" / rel).is_file(), rel


def test_the_package_zip_holds_the_files_cpython_imports(built_site):
    from spectral_condition import web

    package = ROOT / "py" / "spectral_condition"
    sources = {p.relative_to(package.parent).as_posix(): p.read_bytes()
               for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    with zipfile.ZipFile(built_site / "assets" / "py" / "spectral_condition.zip") as z:
        zipped = {n: z.read(n) for n in z.namelist()}
    # Byte for byte the checkout's files, all of them but the native-only modules ...
    py = {k: v for k, v in zipped.items() if k.endswith(".py")}
    assert py == {k: v for k, v in sources.items() if k.split("/")[1].removesuffix(".py") not in web.NATIVE_ONLY}
    assert "spectral_condition/web.py" in zipped and "spectral_condition/exponents/__init__.py" not in zipped
    # ... and beside each, its bytecode for the browser's CPython 3.12 (magic number 3531), as an
    # unchecked hash-based .pyc (flags 0b01: used without reading the source).
    pyc = {k: v for k, v in zipped.items() if not k.endswith(".py")}
    assert set(pyc) == {f"{k.rsplit('/', 1)[0]}/__pycache__/{k.rsplit('/', 1)[1][:-3]}.cpython-312.pyc" for k in py}
    for name, data in pyc.items():
        assert data[:4] == (3531).to_bytes(2, "little") + b"\r\n" and data[4:8] == (1).to_bytes(4, "little"), name


def test_the_browser_gets_the_standard_library_and_numpy_as_bytecode(built_site):
    pyodide = built_site / "assets" / "pyodide"
    with zipfile.ZipFile(pyodide / "python_stdlib.zip") as official, \
            zipfile.ZipFile(pyodide / "python_stdlib.pyc.zip") as compiled:
        modules = {n[:-3] for n in official.namelist() if n.endswith(".py")}
        have = set(compiled.namelist())
    # Every module compiled but source that does not compile (a handful of test inputs, if any).
    assert len({m for m in modules if m + ".pyc" in have}) >= len(modules) - 5
    assert {"os.pyc", "importlib/__init__.pyc", "_pyodide/_importhook.pyc"} <= have
    with zipfile.ZipFile(pyodide / "numpy.pyc.zip") as z:
        names = z.namelist()
    assert "numpy/__pycache__/__init__.cpython-312.pyc" in names and len(names) > 100


def _demo_payloads(html: str) -> list[dict]:
    return [json.loads(unescape(m)) for m in re.findall(r'<figure [^>]*data-payload="([^"]*)"', html)]


def test_every_experiment_is_on_the_demo_page_with_its_native_figure(built_site):
    payloads = _demo_payloads((built_site / "demos" / "index.html").read_text(encoding="utf-8"))
    assert [p["experiment"] for p in payloads] == sc.names()
    for p in payloads:
        assert p["schema"] == sc.schemas()[p["experiment"]]
        # Every parameter is a control, except one a browser tab is offered a single value of.
        assert p["controls"] == [q["name"] for q in p["schema"]["params"]
                                 if q["kind"] == "choice" or q["live_max"] > q["min"]]
        assert any(q["name"] == "depth" and q["name"] not in p["controls"] for q in p["schema"]["params"]) \
            == (p["experiment"] == "lr_transfer")
        want = sc.run_figure(p["experiment"], p["params"])
        assert p["params"] == sc.defaults(p["experiment"])
        bad = mismatches(want["figure"], p["figure"], rel=1e-12)
        assert not bad, f"{p['experiment']}: {bad[:5]}"


class DataTables(HTMLParser):
    """The cells of each demo's data table (in its <details>): per table, per trace, the row header
    and its cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, list[str]]]]] = []
        self._in_details = False
        self._cell: list[str] | None = None
        self._row: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "details" and "sc-demo__details" in (dict(attrs).get("class") or ""):
            self._in_details = True
        elif self._in_details and tag == "table":
            self.tables.append([])
        elif self._in_details and tag == "tbody":
            self.tables[-1].append([])
        elif self._in_details and tag == "tr":
            self._row = []
        elif self._in_details and (tag == "td" or (tag == "th" and dict(attrs).get("scope") == "row")):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "details":
            self._in_details = False
        elif self._cell is not None and tag in ("td", "th"):
            self._row.append("".join(self._cell))
            self._cell = None
        elif self._in_details and tag == "tr":
            self.tables[-1][-1].append((self._row[0], self._row[1:]))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_every_demo_has_a_table_of_its_figure(built_site):
    text = (built_site / "demos" / "index.html").read_text(encoding="utf-8")
    parser = DataTables()
    parser.feed(text)
    payloads = _demo_payloads(text)
    assert len(parser.tables) == len(payloads) == len(sc.names())
    for table, p in zip(parser.tables, payloads):
        traces = p["figure"]["data"]
        assert len(table) == min(len(traces), figure_text.MAX_TRACES), p["experiment"]
        for rows, trace in zip(table, traces):
            want = [(axis, [figure_text.number(v) for v in trace[axis][:figure_text.MAX_POINTS]])
                    for axis in ("x", "y") if axis in trace]
            assert rows == want, p["experiment"]


def test_demo_payloads_carry_no_raw_data(built_site):
    # The runtime draws from the figure; the experiment's raw results stay out of the page. The
    # exports are the figure's own numbers and command, for its downloads.
    for p in _demo_payloads((built_site / "demos" / "index.html").read_text(encoding="utf-8")):
        assert set(p) == {"experiment", "schema", "controls", "params", "figure", "exports"}


def test_every_demo_in_the_article_embeds_the_native_figure(built_site):
    for html in _html_files(built_site):
        text = html.read_text(encoding="utf-8")
        roots = re.findall(r'<figure [^>]*data-demo="([^"]+)"[^>]*data-state="static"', text)
        payloads = _demo_payloads(text)
        assert [p["experiment"] for p in payloads] == roots, html
        for p in payloads:
            want = sc.run_figure(p["experiment"], p["params"])["figure"]
            assert not mismatches(want, p["figure"], rel=1e-12), (html, p["experiment"])


def test_every_figure_a_page_shows_has_its_widths_precomputed(built_site):
    """The worker starts with the build's points: for each figure's parameters as a page shows them,
    every width its slider reaches in the browser is there, and nothing else but such points."""
    from spectral_condition import sweeps, web

    shown = {(p["experiment"], json.dumps(p["params"], sort_keys=True)): p["params"]
             for html in _html_files(built_site)
             for p in _demo_payloads(html.read_text(encoding="utf-8"))}
    assert len({name for name, _ in shown}) == len(sc.names())
    text = (built_site / "assets" / "py" / "precomputed-widths.json").read_text(encoding="utf-8")
    sweeps.clear()
    try:
        held = web.preload(text)
        covered = 0
        for (name, _), params in shown.items():
            schema = sc.schemas()[name]
            width = next((q for q in schema["params"] if q["name"] == "width"), None)
            if width is None:
                continue
            if not schema["sweep"]:
                # A figure drawn at one width: whatever it keeps as points is there at every notch.
                for n in get(name).param("width").values(live=True):
                    assert json.loads(web.handle(json.dumps({"demo": name, "params": {**params, "width": n}})))["ok"]
                continue
            answer = json.loads(web.Stream(json.dumps({"demo": name, "params": {**params, "width": width["live_max"]}})).answer())
            assert answer["ok"] and answer["pending"] == [], (name, params, answer.get("pending"))
            covered += 1
        assert covered >= 8 and sweeps.stats()["misses"] == 0 and sweeps.stats()["held"] == held
    finally:
        sweeps.clear()


def test_the_nav_holds_every_page_in_order(built_site):
    nav_pages = re.findall(r"^\s*- (?:\"[^\"]*\"|[^:\"]+): ([\w./-]+\.(?:md|ipynb))\s*$",
                           (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert nav_pages[-1] == "demos.md"
    written = nav_pages  # a listed page that does not exist fails the strict build before this
    html = (built_site / "demos" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"#]+)" class="md-nav__link', html)

    def url_of(page: str) -> str:
        # use_directory_urls, seen from demos/: index.md is "..", this page "./", others "../<stem>/"
        stem = page.rsplit(".", 1)[0]
        return ".." if stem == "index" else ("./" if stem == "demos" else f"../{stem}/")

    assert list(dict.fromkeys(links)) == [url_of(p) for p in written]


# ---------------------------------------------------------------------------------------- bad fences

@pytest.mark.parametrize("body, message", [
    ("experiment: no_such_experiment", "unknown experiment 'no_such_experiment'"),
    ("controls: [width]", "missing the line 'experiment: <name>'"),
    ("experiment: {name}\ncontrols: [no_such_param]", "has no parameter 'no_such_param'"),
    ("experiment: {name}\ncolour: red", "unknown key 'colour'"),
    ("experiment: {name}\njust some words", "write one 'key: value' per line"),
    ("experiment: {name}\nparams: {{{pname}: BAD}}", "parameter '{pname}'"),
])
def test_a_bad_demo_fence_stops_the_build_with_a_clear_message(tmp_path, body, message):
    name = sc.names()[0]
    pname = sc.schemas()[name]["params"][0]["name"]
    bad_value = "no-such-choice" if sc.schemas()[name]["params"][0]["kind"] == "choice" else 1e9
    body = body.format(name=name, pname=pname).replace("BAD", json.dumps(bad_value))
    message = message.format(pname=pname)
    proc = build_pages(tmp_path, {"index.md": f"# Page\n\n```demo\n{body}\n```\n"})
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "demo fence in index.md" in out and message in out, textwrap.shorten(out, 2000)
