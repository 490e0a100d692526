"""Figure numbers and references: every ```` ```demo ```` fence of the article is numbered in the order of
the navigation (Figure 1, 2, …), its caption starts with its number, and ``{{ fig: KEY }}`` in a page
becomes a link "Figure N" to it, on any page.

KEY is the fence's ``id`` if it has one, else its experiment's name (a second fence of the same
experiment on a page without an id is KEY-2). A reference to a key no fence has stops the build. The
anchor of a figure is ``fig-KEY``.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

FENCE = re.compile(r"^```demo[ \t]*\n(?P<body>.*?)^```", re.M | re.S)
REF = re.compile(r"\{\{\s*fig\s*:\s*(?P<key>[A-Za-z0-9_~-]+)\s*\}\}")
FIGURE_TAG = re.compile(r'<figure class="sc-demo"')
CAPTION = re.compile(r"<figcaption>")

_numbers: dict[str, tuple[int, str]] = {}  # key -> (number, page src path)
_page_keys: dict[str, list[str]] = {}  # page src path -> its figures' keys, in order


class FigureRefError(PluginError):
    """A reference to a figure that no page has: the build stops."""


def _nav_pages(nav) -> list[str]:
    out: list[str] = []
    for item in nav or []:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            out += _nav_pages(value)
        elif isinstance(value, str) and value.endswith(".md"):
            out.append(value)
    return out


def _keys(markdown: str) -> list[str]:
    keys, seen = [], {}
    for m in FENCE.finditer(markdown):
        fields = dict(re.findall(r"^(experiment|id):[ \t]*(\S+)[ \t]*$", m.group("body"), re.M))
        key = fields.get("id") or fields.get("experiment", "figure")
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return keys


def on_config(config, **kwargs):
    _numbers.clear()
    _page_keys.clear()
    docs = Path(config["docs_dir"])
    n = 0
    for page in _nav_pages(config.get("nav")):
        path = docs / page
        if not path.exists():
            continue
        keys = _keys(path.read_text(encoding="utf-8"))
        _page_keys[page] = keys
        for key in keys:
            n += 1
            _numbers.setdefault(key, (n, page))
    return config


def _link(key: str, current: str) -> str:
    if key not in _numbers:
        raise FigureRefError(f"{current}: {{{{ fig: {key} }}}} names no figure (known: {', '.join(sorted(_numbers))})")
    number, target = _numbers[key]
    if target == current:
        return f"[Figure {number}](#fig-{key})"
    return f"[Figure {number}]({posixpath.relpath(target, posixpath.dirname(current) or '.')}#fig-{key})"


def on_page_markdown(markdown_src: str, page, config, files, **kwargs):
    current = page.file.src_uri
    return REF.sub(lambda m: _link(m.group("key"), current), markdown_src)


def on_page_content(html: str, page, config, files, **kwargs):
    keys = iter(_page_keys.get(page.file.src_uri, []))
    out, pos = [], 0
    for fig in FIGURE_TAG.finditer(html):
        key = next(keys, None)
        if key is None or key not in _numbers or _numbers[key][1] != page.file.src_uri:
            continue
        number = _numbers[key][0]
        cap = CAPTION.search(html, fig.end())
        out += [html[pos:fig.start()], f'<figure id="fig-{key}" class="sc-demo"',
                html[fig.end():cap.end()], f'<strong class="sc-figure-number">Figure {number}.</strong> ']
        pos = cap.end()
    return "".join(out) + html[pos:]
