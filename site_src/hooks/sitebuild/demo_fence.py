r"""Reads a ```` ```demo ```` fence into what the figure needs, or stops the build saying what is wrong.

A fence body is one ``key: value`` per line::

    experiment: activation_rms
    controls: [width, parameterization]
    params: {depth: 3}
    caption: $\operatorname{RMS}(h_l)$ of every layer against width, on log-log axes.
    id: rms

Not plain YAML, because captions are prose with colons and math (``$\{x : …\}$``) that YAML would
misread. ``controls`` and ``params`` values are YAML flow collections; a caption may continue on
indented lines. An error names the page, since a site has many fences.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesException

from . import package

KEYS = {"experiment", "controls", "caption", "params", "id"}

_page = "?"


class DemoFenceError(SuperFencesException, PluginError):
    """A bad ``demo`` fence. SuperFences re-raises its own exception type instead of silently
    rendering the block as code, and MkDocs reports a PluginError as a build error."""


def on_page_markdown(markdown_src: str, page, config, files, **kwargs):
    global _page
    _page = page.file.src_uri
    return markdown_src


def fail(message: str) -> DemoFenceError:
    return DemoFenceError(f"demo fence in {_page}: {message}")


def validate(language, inputs, options, attrs, md) -> bool:
    # The fence takes no header options; everything lives in its body.
    return not inputs


def _read_body(source: str) -> dict[str, Any]:
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
            raise fail(f"cannot read the line {line!r}; write one 'key: value' per line")
        key, value = m.groups()
        if key in spec:
            raise fail(f"the key {key!r} appears twice")
        if key in ("controls", "params"):
            try:
                spec[key] = yaml.safe_load(value) if value else None
            except yaml.YAMLError as e:
                raise fail(f"{key!r} is not a YAML list or mapping ({e})") from None
        else:
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            spec[key] = value
    return spec


def parse(source: str) -> dict[str, Any]:
    """``{"name", "schema", "controls", "params", "caption", "id"}`` of a fence body.

    ``params`` are the experiment's defaults with the fence's ``params`` over them, not yet
    validated: running the experiment validates them.
    """
    sc = package.get()
    spec = _read_body(source)
    unknown = set(spec) - KEYS
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r}; allowed keys: {', '.join(sorted(KEYS))}")
    name = spec.get("experiment")
    if not name:
        raise fail("missing the line 'experiment: <name>'; known experiments: " + ", ".join(sc.names()))
    if name not in sc.schemas():
        raise fail(f"unknown experiment {name!r}; known experiments: {', '.join(sc.names())}")
    schema = sc.schemas()[name]
    names = [p["name"] for p in schema["params"]]
    controls = spec.get("controls", names)
    if not isinstance(controls, list) or not all(isinstance(c, str) for c in controls):
        raise fail(f"'controls' must be a list of parameter names of {name!r}: {names}")
    for c in controls:
        if c not in names:
            raise fail(f"{name!r} has no parameter {c!r} for 'controls'; its parameters: {names}")
    fixed = spec.get("params") or {}
    if not isinstance(fixed, dict):
        raise fail("'params' must map parameter names to values")
    caption = spec.get("caption", "")
    if not isinstance(caption, str):
        raise fail("'caption' must be text")
    ident = spec.get("id", "")
    if not isinstance(ident, str) or (ident and not re.fullmatch(r"[A-Za-z][\w-]*", ident)):
        raise fail("'id' must be a word (letters, digits, - and _) used in the URL")
    return {"name": name, "schema": schema, "controls": controls, "params": {**sc.defaults(name), **fixed},
            "caption": caption, "id": ident}
