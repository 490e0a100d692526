"""MkDocs hook: live figures.

What it does, in build order:

* ``on_config`` imports ``spectral_condition`` from ``py/`` (fresh on every ``mkdocs serve`` rebuild),
  adds the ``demo`` fence to pymdownx.superfences, and keys mkdocs-jupyter's execution cache on the
  package's contents (its own key covers only the notebook, so a changed package would otherwise
  leave stale notebook figures).
* The ``demo`` fence runs the experiment natively at build time and embeds its schema and figure JSON
  in the page, so the figure is drawn before (and without) Pyodide; the page's runtime upgrades it to
  a live figure. A bad fence or an unknown experiment stops the build with a message naming the page.
* ``on_files`` adds to the site what the browser needs, all from this origin: the runtime
  (``site_src/js``, ``site_src/css``), Pyodide + NumPy (``build/pyodide``), Plotly.js and KaTeX from
  ``node_modules``, and the package itself as ``assets/py/spectral_condition.zip``: the very files
  CPython imports, never a second copy of the science in JavaScript.
* ``on_page_content`` removes from notebook pages the loaders nbconvert points at CDNs (MathJax,
  Mermaid, widgets); the site's KaTeX typesets notebook math instead.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import importlib.util
import io
import json
import logging
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import markdown
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from pymdownx.superfences import SuperFencesException

log = logging.getLogger("mkdocs.hooks.live_figures")

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "py" / "spectral_condition"
PYODIDE_BUILD = ROOT / "build" / "pyodide"
NODE = ROOT / "node_modules"
SITE_SRC = ROOT / "site_src"

# Where things land in the site (the runtime derives every URL from its own script's URL).
RUNTIME_DIR = "assets/spectral"
VENDOR_DIR = "assets/vendor"
PYODIDE_DIR = "assets/pyodide"
PACKAGE_ZIP = "assets/py/spectral_condition.zip"

FENCE_KEYS = {"experiment", "controls", "caption", "params", "id"}
ALL_DEMOS_MARKER = "<!-- all-demos -->"


class DemoFenceError(SuperFencesException, PluginError):
    """A bad ``demo`` fence. SuperFences re-raises its own exception type instead of silently
    rendering the block as code, and MkDocs reports a PluginError as a build error."""


def _load_static_figure():
    """site_src/hooks/static_figure.py, loaded by path (a hook's folder is not on sys.path later)."""
    spec = importlib.util.spec_from_file_location("spectral_static_figure", Path(__file__).with_name("static_figure.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


static_figure = _load_static_figure()

_state: dict[str, Any] = {"page": "?", "sc": None, "version": "", "zip": b"", "cache": {}}


# ---------------------------------------------------------------------------------------- config

def _import_package():
    """Import spectral_condition from py/, dropping any copy a previous serve rebuild imported."""
    for name in [m for m in sys.modules if m == "spectral_condition" or m.startswith("spectral_condition.")]:
        del sys.modules[name]
    py = str(ROOT / "py")
    if py not in sys.path:
        sys.path.insert(0, py)
    importlib.invalidate_caches()
    return importlib.import_module("spectral_condition")


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def package_zip() -> bytes:
    """The package as a zip with fixed timestamps, so equal sources give byte-equal zips."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in package_files():
            info = zipfile.ZipInfo(str(path.relative_to(PACKAGE_DIR.parent).as_posix()), (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, path.read_bytes())
    return buf.getvalue()


def _runtime_sources() -> list[Path]:
    return sorted((SITE_SRC / "js").glob("*.js")) + sorted((SITE_SRC / "css").glob("*.css"))


def on_config(config, **kwargs):
    global static_figure
    static_figure = _load_static_figure()  # fresh on every `mkdocs serve` rebuild, like the package
    sc = _import_package()
    _state["sc"] = sc
    _state["zip"] = package_zip()
    h = hashlib.sha256(_state["zip"])
    for p in _runtime_sources():
        h.update(p.read_bytes())
    _state["version"] = h.hexdigest()[:12]
    _state["cache"] = {}

    fences = config.mdx_configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
    if not any(f.get("name") == "demo" for f in fences):
        fences.append({"name": "demo", "class": "sc-demo", "format": _format_demo, "validator": _validate_demo})

    # Notebook kernels import this checkout's package too (the one the cache key below hashes).
    paths = [str(ROOT / "py")] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))

    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None and jupyter.config.get("cache"):
        import numpy
        key = hashlib.sha256(_state["zip"] + numpy.__version__.encode()).hexdigest()[:16]
        jupyter.config["cache_dir"] = str(ROOT / "build" / "jupyter-cache" / key)
    return config


def on_serve(server, config, builder, **kwargs):
    for path in (SITE_SRC / "js", SITE_SRC / "css", SITE_SRC / "hooks", PACKAGE_DIR):
        server.watch(str(path))
    return server


# ---------------------------------------------------------------------------------------- pages

def on_page_markdown(markdown_src: str, page, config, files, **kwargs):
    _state["page"] = page.file.src_uri
    if ALL_DEMOS_MARKER in markdown_src:
        markdown_src = markdown_src.replace(ALL_DEMOS_MARKER, _all_demos_markdown())
    return markdown_src


def _all_demos_markdown() -> str:
    """One section per registered experiment, each with every parameter as a control."""
    sc = _state["sc"]
    parts = []
    for name, schema in sc.schemas().items():
        controls = ", ".join(p["name"] for p in schema["params"])
        parts.append(f"## {schema['title']}\n\n"
                     f"`{name}` · section {schema['section']} · cost: {schema['cost']}\n\n"
                     f"```demo\nexperiment: {name}\ncontrols: [{controls}]\n```\n")
    return "\n".join(parts)


def _fail(message: str) -> DemoFenceError:
    return DemoFenceError(f"demo fence in {_state['page']}: {message}")


def _validate_demo(language, inputs, options, attrs, md) -> bool:
    # The fence takes no header options; everything lives in its body.
    return not inputs


def _read_body(source: str) -> dict[str, Any]:
    """Read the fence body: one ``key: value`` per line.

    Not plain YAML, because captions are prose with colons and math (``$\\{x : …\\}$``) that YAML
    would misread. ``controls`` and ``params`` values are YAML flow collections
    (``[width, seed]``, ``{width: 256}``); a caption may continue on indented lines.
    """
    spec: dict[str, Any] = {}
    key = None
    for line in source.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[:1] in (" ", "\t") and key == "caption":
            spec["caption"] += " " + line.strip()
            continue
        m = re.fullmatch(r"([A-Za-z_]+)\s*:\s*(.*?)\s*", line)
        if not m:
            raise _fail(f"cannot read the line {line!r}; write one 'key: value' per line")
        key, value = m.groups()
        if key in spec:
            raise _fail(f"the key {key!r} appears twice")
        if key in ("controls", "params"):
            try:
                spec[key] = yaml.safe_load(value) if value else None
            except yaml.YAMLError as e:
                raise _fail(f"{key!r} is not a YAML list or mapping ({e})") from None
        else:
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            spec[key] = value
    return spec


def _parse_fence(source: str) -> dict[str, Any]:
    sc = _state["sc"]
    spec = _read_body(source)
    unknown = set(spec) - FENCE_KEYS
    if unknown:
        raise _fail(f"unknown key {sorted(unknown)[0]!r}; allowed keys: {', '.join(sorted(FENCE_KEYS))}")
    name = spec.get("experiment")
    if not name:
        raise _fail("missing the line 'experiment: <name>'; known experiments: " + ", ".join(sc.names()))
    if name not in sc.schemas():
        raise _fail(f"unknown experiment {name!r}; known experiments: {', '.join(sc.names())}")
    schema = sc.schemas()[name]
    names = [p["name"] for p in schema["params"]]
    controls = spec.get("controls", names)
    if not isinstance(controls, list) or not all(isinstance(c, str) for c in controls):
        raise _fail(f"'controls' must be a list of parameter names of {name!r}: {names}")
    for c in controls:
        if c not in names:
            raise _fail(f"{name!r} has no parameter {c!r} for 'controls'; its parameters: {names}")
    fixed = spec.get("params") or {}
    if not isinstance(fixed, dict):
        raise _fail("'params' must map parameter names to values")
    params = {**sc.defaults(name), **fixed}
    caption = spec.get("caption", "")
    if not isinstance(caption, str):
        raise _fail("'caption' must be text")
    ident = spec.get("id", "")
    if not isinstance(ident, str) or (ident and not re.fullmatch(r"[A-Za-z][\w-]*", ident)):
        raise _fail("'id' must be a word (letters, digits, - and _) used in the URL")
    return {"name": name, "schema": schema, "controls": controls, "params": params,
            "caption": caption, "id": ident}


def _native_figure(name: str, params: dict[str, Any]) -> dict[str, Any]:
    key = (name, json.dumps(params, sort_keys=True))
    if key not in _state["cache"]:
        try:
            _state["cache"][key] = _state["sc"].run_figure(name, params)
        except ValueError as e:
            raise _fail(str(e)) from None
    return _state["cache"][key]




def _caption_html(text: str) -> str:
    md = markdown.Markdown(extensions=["pymdownx.arithmatex"],
                           extension_configs={"pymdownx.arithmatex": {"generic": True}})
    out = md.convert(text).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", out, flags=re.S)


def _format_demo(source, language, class_name, options, md, **kwargs) -> str:
    spec = _parse_fence(source)
    result = _native_figure(spec["name"], spec["params"])
    payload = {"experiment": spec["name"], "schema": spec["schema"], "controls": spec["controls"],
               "params": result["params"], "figure": result["figure"]}
    caption = spec["caption"] or spec["schema"]["description"]
    title = spec["schema"]["title"]
    attrs = {
        "class": "sc-demo",
        "data-demo": spec["name"],
        "data-state": "static",
        "data-version": _state["version"],
        "data-cost": spec["schema"]["cost"],
        "data-params": json.dumps(result["params"], sort_keys=True),
        # An attribute, not a <script type="application/json">: Material's instant navigation
        # re-creates every inline script of the new page without its type and runs it as JavaScript.
        "data-payload": json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")),
    }
    if spec["id"]:
        attrs["data-demo-id"] = spec["id"]
    attr_text = " ".join(f'{k}="{html.escape(str(v), quote=True)}"' for k, v in attrs.items())
    return (
        f"<figure {attr_text}>"
        f'<div class="sc-demo__controls" aria-label="Controls of the figure: {html.escape(title)}"></div>'
        f'<div class="sc-demo__status" role="status" aria-live="polite"></div>'
        f'<div class="sc-demo__chart" role="img" aria-label="{html.escape(title)}"></div>'
        f'<noscript><img class="sc-demo__static" alt="{html.escape(title)}" '
        f'src="data:image/svg+xml,{quote(static_figure.svg(result["figure"]), safe="=:/,;")}">'
        f'<p class="sc-demo__noscript">A static picture at the default parameters: the live figure '
        f"and its controls need JavaScript.</p></noscript>"
        f"<figcaption>{_caption_html(caption)}</figcaption>"
        f"</figure>"
    )


# ---------------------------------------------------------------------------------------- notebooks

_NB_LOADERS = [
    # nbconvert's MathJax 2 loader and its configuration block
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S),
    # inline loaders that import from a CDN (nbconvert's Mermaid loader, the widget manager)
    re.compile(r"<script\b[^>]*>(?:(?!</script>).)*?(?:cdnjs\.cloudflare\.com|unpkg\.com|cdn\.jsdelivr\.net)"
               r"(?:(?!</script>).)*?</script>", re.S),
    re.compile(r"<script\b[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.S),
]


def on_page_content(html_text: str, page, config, files, **kwargs):
    if page.file.src_uri.endswith(".ipynb"):
        for pattern in _NB_LOADERS:
            html_text = pattern.sub("", html_text)
    return html_text


# ---------------------------------------------------------------------------------------- assets

def _ensure_pyodide() -> Path:
    if not (PYODIDE_BUILD / "pyodide.asm.wasm").is_file():
        spec = importlib.util.spec_from_file_location("assemble_pyodide", SITE_SRC / "assemble_pyodide.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        log.info("assembling Pyodide into %s", PYODIDE_BUILD)
        module.assemble(PYODIDE_BUILD)
    lock = json.loads((PYODIDE_BUILD / "pyodide-lock.json").read_text())
    numpy_wheel = lock["packages"]["numpy"]["file_name"]
    if not (PYODIDE_BUILD / numpy_wheel).is_file():
        raise PluginError(f"{PYODIDE_BUILD / numpy_wheel} is missing: run `make pyodide`")
    return PYODIDE_BUILD


def _static(config, src: Path, uri: str) -> File:
    if not src.is_file():
        raise PluginError(f"{src} is missing: run `make setup` (npm ci, assemble Pyodide)")
    return File.generated(config, uri, abs_src_path=str(src))


def on_files(files: Files, config, **kwargs):
    add = []
    for src in _runtime_sources():
        add.append(_static(config, src, f"{RUNTIME_DIR}/{src.name}"))
    pyodide = _ensure_pyodide()
    for src in sorted(pyodide.iterdir()):
        if src.is_file() and not src.name.startswith("."):
            add.append(_static(config, src, f"{PYODIDE_DIR}/{src.name}"))
    plotly = NODE / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
    add.append(_static(config, plotly, f"{VENDOR_DIR}/plotly/plotly-basic.min.js"))
    katex = NODE / "katex" / "dist"
    for rel in ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js"):
        add.append(_static(config, katex / rel, f"{VENDOR_DIR}/katex/{rel}"))
    for font in sorted((katex / "fonts").iterdir()):
        add.append(_static(config, font, f"{VENDOR_DIR}/katex/fonts/{font.name}"))
    add.append(File.generated(config, PACKAGE_ZIP, content=_state["zip"]))
    for f in add:
        if f.src_uri in files:
            files.remove(files.get_file_from_path(f.src_uri))
        files.append(f)
    return files
