"""Notation as a reader meets it: math typeset at build time, and no raw TeX or markup anywhere they
look (page text, controls, headings, the table of contents, search results), with or without
JavaScript. Uses the session fixture ``built_site`` (one ``mkdocs build --strict``); the unit tests
of the build's math helpers need no build.
"""

from __future__ import annotations

import json
import re
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

import spectral_condition as sc
from conftest import ROOT

if str(ROOT / "site_src" / "hooks") not in sys.path:
    sys.path.insert(0, str(ROOT / "site_src" / "hooks"))
from sitebuild import katex, notation  # noqa: E402 - the helpers the build itself uses

# What a reader must never see: TeX groups, TeX math delimiters, $…$ math left as text.
RAW = re.compile(r"_\{|\^\{|\\\(|\\\)|\\\[|\\\]|\$[^$\s][^$]*\$")

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Not text a reader sees: code is code, KaTeX's MathML is for assistive technology (it holds the TeX
# as an annotation), hidden elements include the search index's text form of the math.
UNSEEN_TAGS = {"script", "style", "template", "code", "pre", "textarea", "svg"}
UNSEEN_CLASSES = {"katex-mathml", "clipboard-copy-txt"}  # the second: a notebook cell's code, for copying


class Visible(HTMLParser):
    """The text a reader sees in a page (see UNSEEN_*), and the texts of its table of contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.toc: list[str] = []
        self.headings: list[str] = []
        self._stack: list[tuple[str, bool, str]] = []  # (tag, unseen, role)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        unseen = (tag in UNSEEN_TAGS or "hidden" in a or bool(classes & UNSEEN_CLASSES)
                  or bool(self._stack and self._stack[-1][1]))
        role = ""
        if tag == "a" and "md-nav__link" in classes and self._inside("toc"):
            role = "toc-link"
        elif tag == "nav" and "md-nav--secondary" in classes:
            role = "toc"
        elif tag in ("h1", "h2", "h3", "h4") and not self._inside("toc"):
            role = "heading"
        elif tag == "a" and "headerlink" in classes:
            unseen = True  # the ¶ permalink
        self._stack.append((tag, unseen, role))
        if role in ("toc-link", "heading"):
            (self.toc if role == "toc-link" else self.headings).append("")

    def _inside(self, role: str) -> bool:
        return any(r == role for _, _, r in self._stack)

    def handle_endtag(self, tag):
        while self._stack:
            t, _, _ = self._stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if self._stack and self._stack[-1][1]:
            return
        self.text.append(data)
        if self._inside("toc-link"):
            self.toc[-1] += data
        elif self._inside("heading"):
            self.headings[-1] += data


def _visible(html: str) -> Visible:
    v = Visible()
    v.feed(html)
    return v


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.rglob("*.html")) if not p.relative_to(site).parts[0] == "assets"}


def _raw(texts, where: str) -> list[str]:
    out = []
    for t in texts:
        t = " ".join(t.split())
        for m in RAW.finditer(t):
            out.append(f"{where}: …{t[max(0, m.start() - 50):m.end() + 30]}…")
    return out


def _payloads(html: str) -> list[dict]:
    """Each demo's payload, with its controls' words (data-labels) as ``labels``."""
    out = []
    for m in re.finditer(r"<figure [^>]*>", html):
        attrs = dict(re.findall(r'(data-payload|data-labels)="([^"]*)"', m.group(0)))
        if "data-payload" in attrs:
            out.append({**json.loads(unescape(attrs["data-payload"])),
                        "labels": json.loads(unescape(attrs["data-labels"]))})
    return out


# --------------------------------------------------------------------------------- the built site

def test_no_page_shows_raw_tex(built_site):
    bad = []
    for rel, html in _pages(built_site).items():
        bad += _raw(["".join(_visible(html).text)], rel)
    assert not bad, "raw TeX a reader sees:\n" + "\n".join(bad[:20])


def test_headings_and_the_table_of_contents_show_no_tex_and_no_stray_markup(built_site):
    bad, entries = [], 0
    for rel, html in _pages(built_site).items():
        v = _visible(html)
        entries += len(v.toc)
        bad += _raw(v.toc, f"{rel} (table of contents)") + _raw(v.headings, f"{rel} (heading)")
        # Notation written in a title (‖W‖_F/‖W‖_*) must not turn into emphasis on the way.
        for m in re.finditer(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, re.S):
            if re.search(r"<(em|strong)>", m.group(1)):
                bad.append(f"{rel}: emphasis in a heading: {m.group(1)[:120]}")
    assert entries > 50, f"only {entries} table-of-contents entries found: is the parser still right?"
    assert not bad, "\n".join(bad[:20])


def test_the_live_figures_page_headings_are_the_titles_with_their_subscripts(built_site):
    html = (built_site / "demos" / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2 id=\"[^\"]+\">(.*?)<a class=\"headerlink\"", html, re.S)
    assert len(headings) == len(sc.names())
    for heading, schema in zip(headings, sc.schemas().values()):
        text = unescape(re.sub(r"</?su[bp]>", "", heading)).replace("−", "-")
        plain = re.sub(r"[_^]\{([^}]*)\}|[_^]", r"\1", schema["title"])
        assert text == plain, (text, schema["title"])
    stable = next(h for h, s in zip(headings, sc.schemas().values()) if s["title"].startswith("‖W‖_F"))
    assert "‖W‖<sub>F</sub>/‖W‖<sub>&#42;</sub>" in stable


def test_the_search_index_holds_no_raw_tex(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    bad = []
    for doc in index["docs"]:
        for field in ("title", "text"):
            # Code is code (a Python f-string may well hold "^{"); everything else is prose or math.
            text = re.sub(r"<(pre|code)>.*?</\1>", " ", doc[field], flags=re.S)
            bad += _raw([unescape(text)], f"{doc['location']} ({field})")
    assert not bad, "raw TeX in the search index:\n" + "\n".join(bad[:20])
    # The math is there as text: the landing page's condition, with its subscripts.
    assert any("n<sub>l−1</sub>" in doc["text"] for doc in index["docs"])


def test_the_search_index_holds_each_formula_once_as_its_text_form(built_site):
    """Not KaTeX's own text beside it (which reads "O(n3)O(n<sup>3</sup>)" in a result)."""
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    appendix = "".join(d["text"] for d in index["docs"] if d["location"].startswith("appendix/"))
    assert "O(n<sup>3</sup>)" in appendix
    assert "O(n3)" not in appendix and "n×nn × n" not in appendix
    pages = _pages(built_site)
    typeset = sum(html.count('class="katex"') for html in pages.values())
    # Every formula's markup is inside the wrapper, which has no data-search-* attribute left.
    assert sum(html.count('<sc-math><span class="katex') for html in pages.values()) == typeset
    assert not any("<sc-math data-search" in html for html in pages.values())


def test_every_formula_is_typeset_in_the_html(built_site):
    untypeset, formulas = [], 0
    for rel, html in _pages(built_site).items():
        for m in re.finditer(r'<(span|div) class="arithmatex">(.{0,200})', html, re.S):
            formulas += 1
            markup = re.sub(r"^<sc-math>", "", m.group(2))  # the wrapper that keeps it out of search
            if not markup.startswith(('<span class="katex"', '<span class="katex-display"')):
                untypeset.append(f"{rel}: {m.group(2)[:80]}")
    assert formulas > 300, f"only {formulas} formulas found"
    assert not untypeset, "math left as TeX:\n" + "\n".join(untypeset[:10])
    # No page loads KaTeX's script: the math needs only its stylesheet and fonts.
    for rel, html in _pages(built_site).items():
        assert "katex.min.js" not in html and "auto-render" not in html, rel
        if 'class="arithmatex"' in html:
            assert "katex.min.css" in html, rel


def test_controls_carry_typeset_labels_and_no_raw_tex(built_site):
    html = (built_site / "demos" / "index.html").read_text(encoding="utf-8")
    payloads = _payloads(html)
    assert len(payloads) == len(sc.names())
    bad, typeset = [], 0
    for payload in payloads:
        assert set(payload["labels"]) == set(payload["controls"])
        for p in payload["schema"]["params"]:
            if p["name"] not in payload["controls"]:
                continue
            p = {**p, **payload["labels"][p["name"]]}
            where = f"{payload['experiment']}.{p['name']}"
            markup = [p["label_html"], p["help_html"], *p.get("choice_labels_html", [])]
            typeset += sum('class="katex"' in m for m in markup)
            bad += _raw(["".join(_visible(m).text) for m in markup], where)
            bad += _raw([p["label_text"], p["allowed"], *p.get("choice_labels_text", [])], where + " (text)")
            if "$" in (p["label"] or "") and p["label_html"] == p["label"]:
                bad.append(f"{where}: label not typeset")
    assert typeset > 20, f"only {typeset} control strings hold KaTeX output"
    assert not bad, "\n".join(bad[:20])
    quantity = next(pl["labels"]["quantity"] for pl in payloads if pl["experiment"] == "update_sizes")
    assert quantity["choice_labels_text"][1] == "‖ΔWₗ‖*/√(nₗ/nₗ₋₁)"


def test_captions_name_a_parameter_by_its_symbol_not_as_code(built_site):
    html = (built_site / "demos" / "index.html").read_text(encoding="utf-8")
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)
    assert captions and not any("<code>" in c for c in captions)
    assert not any("``" in "".join(_visible(c).text) for c in captions)


# ------------------------------------------------------------------------- the helpers, unit-tested

@pytest.mark.parametrize("tex, text", [
    (r"A \in \mathbb{R}^{m \times n}", "A ∈ ℝ<sup>m×n</sup>"),
    (r"\lVert\Delta W_l\rVert_*/\sqrt{n_l/n_{l-1}}", "‖ΔW<sub>l</sub>‖<sub>*</sub>/√(n<sub>l</sub>/n<sub>l−1</sub>)"),
    (r"\operatorname{RMS}(h_l - h_l^\text{init})", "RMS(h<sub>l</sub> − h<sub>l</sub><sup>init</sup>)"),
    (r"n^{-1/2}", "n<sup>−1/2</sup>"),
    (r"\Theta\!\left(\sqrt{\frac{n_l}{n_{l-1}}}\right)", "Θ(√(n<sub>l</sub>/n<sub>l−1</sub>))"),
    (r"\frac{a+b}{2}", "(a+b)/2"),
    (r"(-1)", "(−1)"),
])
def test_the_text_form_of_math(tex, text):
    assert katex.one(tex).text == text


def test_a_formula_katex_rejects_names_itself():
    with pytest.raises(katex.KatexError, match=r"\\frac\{"):
        katex.one(r"\frac{", where="a test")


def test_plain_notation_becomes_markdown_safe_html():
    assert notation.inline_html("‖W‖_F/‖W‖_* grows like √n") == \
        "‖W‖<sub>F</sub>/‖W‖<sub>&#42;</sub> grows like √n"
    assert notation.inline_html("(σ₂/σ₁)^{2k}, n_{l-1}") == "(σ₂/σ₁)<sup>2k</sup>, n<sub>l−1</sub>"
    params = [{"name": "steps", "label": "steps $t$"}]
    assert notation.inline_html("after ``steps`` steps", params) == "after $t$ steps"


# ------------------------------------------------------------------------- one meaning per symbol

ARTICLE_SOURCES = sorted((ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("pattern, meaning", [
    (r"\\alpha\b", "α: the aspect ratio is γ"),
    (r"\\sigma_(?:1|2|i|r|j)\b|\\sigma_\{?\\?(?:min|max)", "σ with an index: singular values are s_i, σ_l is an init scale"),
    (r"\\rho_\\", "ρ with a symbol subscript: ρ is the alignment ratio, a density is p"),
    (r"\\theta_k", "θ_k: θ is the spike of the power-iteration figure"),
    (r"\bstep 1\b", "'step 1': initialization is 'at initialization', later points count updates"),
])
def test_each_symbol_keeps_one_meaning_in_the_article(pattern, meaning):
    bad = [f"{p.name}: {m.group(0)!r}" for p in ARTICLE_SOURCES
           for m in re.finditer(pattern, p.read_text(encoding="utf-8"))]
    assert not bad, f"{meaning}; found " + ", ".join(bad[:10])


def test_controls_write_the_aspect_ratio_as_gamma_and_singular_values_as_s():
    # The controls' words are what a reader sees next to the text's γ and s_i.
    words = [" ".join(str(p.get(k) or "") for k in ("label", "help"))
             for schema in sc.schemas().values() for p in schema["params"]]
    assert any(r"\gamma = n_\text{out}/n_\text{in}" in w for w in words)
    bad = [w for w in words if re.search(r"\\lambda|λ|\\sigma_[12i]|σ[₁₂ᵢ]", w)]
    assert not bad, bad
