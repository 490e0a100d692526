"""Every page's math typeset at build time, so it reads without JavaScript and nothing shifts when a
page loads; and the same math as text wherever KaTeX's markup cannot go.

Math is what pymdownx.arithmatex wrapped (``<span class="arithmatex">\\(…\\)</span>``, display math
in a div with ``\\[…\\]``) and, on notebook pages, the ``$…$`` and ``$$…$$`` that nbconvert leaves in
Markdown cells. Each becomes KaTeX's HTML inside the same element, still class "arithmatex". Beside
it goes the math's text form (katex.py) in a hidden span: Material's search index reads that one
(KaTeX's own markup sits in an ``sc-math`` element with ``data-search-exclude``, which the search
plugin removes once it has indexed the page), so a search result shows "A ∈ ℝ<sup>m×n</sup>" once,
never the TeX nor KaTeX's own text. Headings with math or sub/superscripts get that text form in the
table of contents too. On notebook pages the hidden copy of each code cell (the copy button's text)
stays out of the index, which has the cell already.
"""

from __future__ import annotations

import html
import re

from . import katex

_ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
_NOTEBOOK_MARKDOWN = re.compile(r'<div class="[^"]*\bjp-RenderedMarkdown\b[^"]*"[^>]*>')
_DIV = re.compile(r"<(/?)div\b[^>]*>")
_TAG = re.compile(r"(<[^>]+>)")
_DOLLARS = re.compile(r"(?<![\\$])\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$", re.S)
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_HEADERLINK = re.compile(r'<a class="(?:headerlink|anchor-link)"[^>]*>.*?</a>', re.S)  # the ¶ permalinks
_KEEP = re.compile(r"</?(?:sub|sup)>")
_SLOT = "\x00{}\x00"
_SLOT_RE = re.compile("\x00(\\d+)\x00")


def _unwrap(tex: str) -> tuple[str, bool]:
    tex = html.unescape(tex).strip()
    for left, right, display in (("\\(", "\\)", False), ("\\[", "\\]", True), ("$$", "$$", True)):
        if tex.startswith(left) and tex.endswith(right):
            return tex[len(left):-len(right)].strip(), display
    return tex, False


def _notebook_math(content: str, found: list[tuple[str, bool]]) -> str:
    """``$…$`` in notebook Markdown cells (outside code) replaced by slots; ``found`` gets the TeX."""
    out, pos = [], 0
    for start in _NOTEBOOK_MARKDOWN.finditer(content):
        if start.start() < pos:
            continue
        depth, end = 1, len(content)
        for d in _DIV.finditer(content, start.end()):
            depth += -1 if d.group(1) else 1
            if depth == 0:
                end = d.start()
                break
        out.append(content[pos:start.end()])
        code = 0
        for part in _TAG.split(content[start.end():end]):
            if part.startswith("<"):
                name = re.match(r"</?\s*(\w+)", part)
                if name and name.group(1).lower() in ("code", "pre"):
                    code += -1 if part.startswith("</") else 1
                out.append(part)
            elif code > 0:
                out.append(part)
            else:
                def slot(m: re.Match[str]) -> str:
                    display = m.group(1) is not None
                    found.append((html.unescape(m.group(1) if display else m.group(2)).strip(), display))
                    # A span either way: the math sits in a <p>; KaTeX's display markup is a block.
                    return f'<span class="arithmatex">{_SLOT.format(len(found) - 1)}</span>'
                out.append(_DOLLARS.sub(slot, part))
        pos = end
    out.append(content[pos:])
    return "".join(out)


# The element that keeps KaTeX's markup out of the search index. Material's search parser compares
# elements by tag name only, so an excluded <span> stops being excluded at the first </span> inside it,
# and KaTeX's markup is spans within spans: only a tag that KaTeX never uses holds the exclusion to its
# own end. site.css gives it no box (display: contents), so it changes nothing on the page.
SEARCH_EXCLUDED = "sc-math"


def _markup(m: katex.Math) -> str:
    # The search index takes the text form; KaTeX's markup (MathML with the TeX) is left out of it.
    return (f'<{SEARCH_EXCLUDED} data-search-exclude="1">{m.html}</{SEARCH_EXCLUDED}>'
            f'<span class="sc-search-text" hidden>{m.text}</span>')


def _toc_items(items):
    for item in items:
        yield item
        yield from _toc_items(item.children)


def _retitle_toc(content: str, texts: list[str], toc) -> None:
    """TOC entries of headings with math or <sub>/<sup>: the heading's words with the math's text form."""
    titles = {}
    for level, ident, inner in _HEADING.findall(content):
        if not (_SLOT_RE.search(inner) or _KEEP.search(inner)):
            continue
        inner = _HEADERLINK.sub("", inner)
        inner = _SLOT_RE.sub(lambda m: f"\x01{int(m.group(1))}\x01", inner)
        inner = re.sub(r"(?!</?(?:sub|sup)>)<[^>]+>", "", inner)
        titles[ident] = re.sub("\x01(\\d+)\x01", lambda m: texts[int(m.group(1))], inner).strip()
    for item in _toc_items(toc):
        if item.id in titles:
            item.title = titles[item.id]


def typeset(content: str, where: str, toc=None, notebook: bool = False) -> str:
    """``content`` (a page's HTML) with its math rendered by KaTeX; retitles ``toc`` to match."""
    found: list[tuple[str, bool]] = []
    tags: list[str] = []

    def arithmatex(m: re.Match[str]) -> str:
        found.append(_unwrap(m.group(2)))
        tags.append(m.group(1))
        return f'<{m.group(1)} class="arithmatex">{_SLOT.format(len(found) - 1)}</{m.group(1)}>'

    content = _ARITHMATEX.sub(arithmatex, content)
    if notebook:
        content = _notebook_math(content, found)
    if not found:
        return content
    rendered = katex.render(found, where)
    if toc is not None:
        _retitle_toc(content, [m.text for m in rendered], toc)
    return _SLOT_RE.sub(lambda m: _markup(rendered[int(m.group(1))]), content)


def on_page_content(html_text: str, page, config, files, **kwargs):
    src = page.file.src_uri
    notebook = src.endswith(".ipynb")
    if notebook:
        html_text = html_text.replace('<div class="clipboard-copy-txt"',
                                      '<div class="clipboard-copy-txt" data-search-exclude="1"')
    return typeset(html_text, src, page.toc, notebook=notebook)
