"""The package's plain-text notation on a page: an experiment's title and description, written for
Plotly and the terminal (‖W‖_F, n_in, (σ₂/σ₁)^{2k}, ``steps``), as Markdown-safe inline HTML.

Sub- and superscripts become <sub>/<sup> (what the table of contents and the search index keep too),
a parameter named in double backquotes becomes its symbol from the control's label (``steps`` →
$t$), and every character Markdown would read as markup is written as an entity, so a title such as
‖W‖_F/‖W‖_* reaches the heading as written instead of as emphasis. Plain standard library.
"""

from __future__ import annotations

import re
from typing import Any

_SCRIPT = re.compile(r"(?<=\S)([_^])(\{[^{}]*\}|[A-Za-z0-9*′]+|-?[0-9]+)")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", **{c: f"&#{ord(c)};" for c in "\\`*_[]$#|~"}}
_PARAM = re.compile(r"``(\w+)``")
_SYMBOL = re.compile(r"(\$[^$]+\$)\s*$")


def _escape(text: str) -> str:
    return "".join(_ENTITIES.get(c, c) for c in text)


def inline_html(text: str, params: list[dict[str, Any]] | None = None) -> str:
    """``text`` in the package's notation as inline HTML safe to put in Markdown (see the docstring).

    ``params`` (a schema's) lets ``name`` become the parameter's symbol, written as $…$ math for
    the page's math job to typeset.
    """
    symbols = {}
    for p in params or []:
        m = _SYMBOL.search(p.get("label") or "")
        symbols[p["name"]] = m.group(1) if m else p.get("label") or p["name"]
    out, pos = [], 0
    for m in _PARAM.finditer(text):
        out.append(_scripts(text[pos:m.start()]))
        name = m.group(1)
        out.append(symbols[name] if name in symbols else _escape(name))
        pos = m.end()
    out.append(_scripts(text[pos:]))
    return "".join(out)


def _scripts(text: str) -> str:
    out, pos = [], 0
    for m in _SCRIPT.finditer(text):
        out.append(_escape(text[pos:m.start()]))
        body = m.group(2)[1:-1] if m.group(2).startswith("{") else m.group(2)
        tag = "sub" if m.group(1) == "_" else "sup"
        out.append(f"<{tag}>{_escape(body.replace('-', '−'))}</{tag}>")
        pos = m.end()
    out.append(_escape(text[pos:]))
    return "".join(out)
