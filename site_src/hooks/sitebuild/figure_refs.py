"""Figure numbers and references: every ```` ```demo ```` fence of the article is numbered in the order of
the navigation (Figure 1, 2, …), and ``{{ fig: KEY }}`` in a page becomes a link "Figure N" to it, on
any page. demo_html asks :func:`next_figure` for the number and anchor of each fence it renders.

KEY is the fence's ``id`` if it has one, else its experiment's name (a second fence of the same
experiment on a page without an id is KEY-2); a key on several pages refers to its first figure. A reference to a key no fence has stops the build. The
anchor of a figure is ``fig-KEY``. Figures outside the navigation's pages (the page of all live
figures) count on their own page only.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

FENCE = re.compile(r"^```demo[ \t]*\n(?P<body>.*?)^```", re.M | re.S)
REF = re.compile(r"\{\{\s*fig\s*:\s*(?P<key>[A-Za-z0-9_~-]+)\s*\}\}")

_numbers: dict[str, tuple[int, str]] = {}  # key -> (number, page src path) of its first figure
_page_figures: dict[str, list[tuple[int, str]]] = {}  # page src path -> its (number, key), in order
_current = {"page": "", "index": 0}


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
    _page_figures.clear()
    docs = Path(config["docs_dir"])
    n = 0
    for page in _nav_pages(config.get("nav")):
        path = docs / page
        if not path.exists():
            continue
        _page_figures[page] = []
        for key in _keys(path.read_text(encoding="utf-8")):
            n += 1
            _numbers.setdefault(key, (n, page))
            _page_figures[page].append((n, key))
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
    _current.update(page=current, index=0)
    return REF.sub(lambda m: _link(m.group("key"), current), markdown_src)


def next_figure() -> tuple[int, str]:
    """(number, anchor) of the next demo fence rendered on the current page."""
    figures = _page_figures.get(_current["page"], [])
    i = _current["index"]
    _current["index"] = i + 1
    if i < len(figures):
        number, key = figures[i]
        return number, f"fig-{key}"
    return i + 1, f"fig-{i + 1}"
