"""The article as built: every page and section the article has, live figures where they belong,
math KaTeX can typeset, references linked where they are used, the build-time tables equal to what
the package computes (and within tolerance of theory), and the executed notebooks with their figures.

Uses the session fixture ``built_site`` from conftest.py (one ``mkdocs build --strict`` per session).
"""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

import spectral_condition as sc
from spectral_condition import exponents, parameterizations

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# The article in reading order (mkdocs.yml's nav), then the pages around it.
ARTICLE = ["index", "01-motivation", "02-preliminaries", "03-activations", "04-weights", "05-updates",
           "06-alignment", "07-coordinate-check", "08-transfer", "09-steepest-descent", "reference"]
NOTEBOOKS = ["notebooks/coord_check", "notebooks/lr_transfer"]
PAGES = ARTICLE + ["appendix"] + NOTEBOOKS + ["run-locally"]

# Headings each page must have (regular expressions, matched case-insensitively against h1-h3 text):
# what the article promises for that section.
REQUIRED_HEADINGS = {
    "index": [r"how the article is organised"],
    "01-motivation": [r"tensor programs", r"feature learning", r"ntk", r"two target equations",
                      r"forward pass"],
    "02-preliminaries": [r"^spectral norm$", r"^singular value decomposition$", r"^frobenius norm$",
                         r"gaussian spectrum|marchenko"],
    "03-activations": [r"entries of size one", r"rms", r"initiali[sz]ation"],
    "04-weights": [r"forward pass forces", r"spectral norm of a gaussian", r"spectral initiali[sz]ation",
                   r"not aligned"],
    "05-updates": [r"three-term expansion", r"spectral condition gives", r"sgd learning rate",
                   r"adam", r"frobenius", r"parameterizations side by side"],
    "06-alignment": [r"rank one", r"batch", r"unrelated input", r"during training"],
    "07-coordinate-check": [r"procedure", r"what each parameterization predicts", r"readout exception"],
    "08-transfer": [r"the experiment", r"drifts under sp", r"stays put"],
    "09-steepest-descent": [r"steepest descent under the spectral norm", r"without an svd", r"against width",
                            r"learning-rate transfer", r"muon"],
    "reference": [r"^parameterizations$", r"measured exponents", r"^references$", r"notation"],
    "appendix": [r"svd exists", r"power iteration", r"marchenko"],
    "run-locally": [r"run it locally"],
}

# Reference links, and the pages that cite each where it is used.
REFERENCES = {
    "https://arxiv.org/abs/2310.17813": ["index", "01-motivation"],
    "https://arxiv.org/abs/2011.14522": ["01-motivation", "08-transfer"],
    "https://arxiv.org/abs/2203.03466": ["01-motivation", "04-weights", "05-updates", "07-coordinate-check",
                                         "08-transfer"],
    "https://github.com/microsoft/mup": ["01-motivation", "07-coordinate-check"],
    "https://github.com/KellerJordan/Muon": ["09-steepest-descent"],
    "https://kellerjordan.github.io/posts/muon/": ["09-steepest-descent"],
    "https://arxiv.org/abs/2409.20325": ["09-steepest-descent"],
    "https://arxiv.org/abs/2410.21265": ["09-steepest-descent"],
    "https://arxiv.org/abs/2405.14813": ["09-steepest-descent"],
    "https://github.com/modula-systems/modula": ["09-steepest-descent"],
    "https://www.math.uci.edu/~rvershyn/papers/HDP-book/HDP-book.html": ["02-preliminaries", "04-weights"],
    "https://en.wikipedia.org/wiki/Marchenko%E2%80%93Pastur_distribution": ["appendix"],
}


class Page(HTMLParser):
    """What a built page holds: headings, links, demos, math, footnotes, tables and loose text."""

    SKIP_TEXT = {"script", "style", "code", "pre"}
    CAPTURE = {"h1", "h2", "h3", "math", "math-display", "caption"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.next_link: str | None = None
        self.demos: list[dict] = []
        self.demo_payloads: list[dict] = []
        self.captions: list[str] = []
        self.math: list[tuple[str, bool]] = []
        self.footnotes = 0
        self.sc_figures: list[str] = []
        self.exponent_rows: list[dict] = []
        self.exponent_tables = 0
        self.parameterization_rows: list[dict] = []
        self.loose_text: list[str] = []
        self.order: list[str] = []  # "demo" and "h2" in document order
        self._stack: list[tuple[str, str, list[str]]] = []  # (tag, role, captured text)

    @staticmethod
    def _role(tag: str, a: dict) -> str:
        cls = (a.get("class") or "").split()
        if tag in ("h1", "h2", "h3"):
            return tag
        if "arithmatex" in cls:
            return "math-display" if tag == "div" else "math"
        if tag == "figcaption":
            return "caption"
        if tag == "a" and "headerlink" in cls:
            return "headerlink"
        return ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if "md-footer__link--next" in cls:
                self.next_link = a["href"]
        if "data-demo" in a:
            self.demos.append(a)
            self.order.append("demo")
            if a.get("data-payload"):  # the build-time figure the page draws before Pyodide is ready
                self.demo_payloads.append(json.loads(a["data-payload"]))
        if tag == "h2":
            self.order.append("h2")
        if tag == "div" and "sc-figure" in cls:
            self.sc_figures.append(a.get("data-figure", ""))
        if tag == "sup" and (a.get("id") or "").startswith("fnref"):
            self.footnotes += 1
        if tag == "table" and "data-exponents" in a:
            self.exponent_tables += 1
        if tag == "tr" and "data-key" in a:
            self.exponent_rows.append(a)
        if tag == "tr" and "data-parameterization" in a:
            self.parameterization_rows.append(a)
        if tag not in self.VOID:
            self._stack.append((tag, self._role(tag, a), []))

    def handle_endtag(self, tag):
        if not any(t == tag for t, _, _ in self._stack):
            return  # a stray end tag
        while self._stack:
            t, role, buf = self._stack.pop()
            text = "".join(buf)
            if role in ("h1", "h2", "h3"):
                self.headings.append((role, text.strip()))
            elif role in ("math", "math-display"):
                self.math.append((text, role == "math-display"))
            elif role == "caption":
                self.captions.append(text.strip())
            if t == tag:
                break

    def handle_data(self, data):
        roles = [r for _, r, _ in self._stack]
        if "headerlink" in roles:
            return
        # Math is rendered at build time: of KaTeX's output only its annotation holds the TeX.
        in_annotation = bool(self._stack) and self._stack[-1][0] == "annotation"
        for _, role, buf in self._stack:
            if role in self.CAPTURE and (role not in ("math", "math-display") or in_annotation):
                buf.append(data)
        if not any(t in self.SKIP_TEXT for t, _, _ in self._stack) and not any(
                r in ("math", "math-display") for r in roles):
            self.loose_text.append(data)


def _html_path(site: Path, page: str) -> Path:
    return site / ("index.html" if page == "index" else f"{page}/index.html")


@pytest.fixture(scope="session")
def site(request) -> Path:
    try:
        return request.getfixturevalue("built_site")
    except pytest.FixtureLookupError:  # no shared fixture: build once here, exactly as `make build`
        out = request.getfixturevalue("tmp_path_factory").mktemp("article") / "site"
        subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "mkdocs", "build", "--strict",
                        "-d", str(out)], cwd=ROOT, check=True, capture_output=True)
        return out


@pytest.fixture(scope="session")
def pages(site) -> dict[str, Page]:
    out = {}
    for name in PAGES:
        path = _html_path(site, name)
        if path.is_file():  # a missing page fails test_every_page_exists…, not every test
            p = Page()
            p.feed(path.read_text(encoding="utf-8"))
            out[name] = p
    return out


# ------------------------------------------------------------------------------ pages and sections

def test_every_page_exists_and_the_article_reads_in_order(pages, site):
    missing = [name for name in PAGES if not _html_path(site, name).is_file()]
    assert not missing, f"the built site lacks {missing}"
    # Material's footer "next" link chains the article pages in the article's order.
    for here, there in zip(ARTICLE, ARTICLE[1:]):
        nxt = pages[here].next_link
        assert nxt is not None, f"{here}: no 'next' link in the footer"
        assert nxt.rstrip("/").endswith(there), f"{here}: 'next' goes to {nxt}, expected {there}"


@pytest.mark.parametrize("name", list(REQUIRED_HEADINGS))
def test_page_has_the_sections_content_md_requires(pages, name):
    heads = [text for _, text in pages[name].headings]
    assert sum(1 for level, _ in pages[name].headings if level == "h1") == 1, f"{name}: needs exactly one h1"
    missing = [pat for pat in REQUIRED_HEADINGS[name]
               if not any(re.search(pat, h, re.I) for h in heads)]
    assert not missing, f"{name}: no heading matches {missing}; headings are {heads}"


def test_sections_2_to_8_and_10_each_have_a_live_figure_with_a_caption_stating_the_prediction(pages):
    known = set(sc.names())
    for name in ARTICLE[2:10]:
        p = pages[name]
        assert p.demos, f"{name}: no live figure (data-demo element)"
        for d in p.demos:
            assert d["data-demo"] in known, f"{name}: demo {d['data-demo']!r} is not a registered experiment"
        assert len(p.captions) >= len(p.demos)
        for cap in p.captions:
            assert re.search(r"look for|predict", cap, re.I), f"{name}: caption does not say what to look for: {cap[:80]}"
            assert re.search(r"predict|theory", cap, re.I), f"{name}: caption does not state the theory: {cap[:80]}"


def test_every_power_law_figure_draws_the_theory_slope(pages):
    # A log-log figure shows a power law; the theory's slope is a dashed reference line in it.
    checked = 0
    for name in ARTICLE:
        for payload in pages[name].demo_payloads:
            fig = payload["figure"]
            lay = fig["layout"]
            if lay.get("xaxis", {}).get("type") == "log" and lay.get("yaxis", {}).get("type") == "log":
                checked += 1
                dashed = [t for t in fig["data"] if (t.get("line") or {}).get("dash") == "dash"]
                assert dashed, f"{name}: log-log figure {payload['experiment']!r} has no dashed theory line"
    assert checked >= 4, f"only {checked} log-log figures in the article"
    assert len([d for n in ARTICLE for d in pages[n].demos]) == sum(len(pages[n].demo_payloads) for n in ARTICLE)


def test_landing_page_states_the_question_with_a_figure_above_the_fold(pages):
    p = pages["index"]
    assert p.order and p.order[0] == "demo", "the landing page's first block after the intro must be a live figure"
    source = (DOCS / "index.md").read_text(encoding="utf-8")
    intro = source.split("```demo")[0]
    assert "?" in intro and "$$" in intro, "the landing page should ask its question and state the condition first"
    for target in ARTICLE[1:]:
        assert any(link.rstrip("/").endswith(target) for link in p.links), f"index: no link to {target}"


def test_math_is_all_typeset_and_katex_accepts_it(pages):
    # A "$" left in the text means arithmatex did not recognise some math, and KaTeX would skip it.
    for name, p in pages.items():
        if name.startswith("notebooks/"):
            continue
        loose = "".join(p.loose_text)
        assert "$" not in loose, f"{name}: raw '$' in the text near {loose[max(0, loose.find('$') - 60):][:120]!r}"
    formulas = []
    for name, p in pages.items():
        for tex, display in p.math:
            body = tex.strip()
            for a, b in (("\\(", "\\)"), ("\\[", "\\]")):
                if body.startswith(a) and body.endswith(b):
                    body = body[2:-2]
            formulas.append({"page": name, "tex": body, "display": display})
    assert len(formulas) > 300, f"only {len(formulas)} formulas found"
    script = """
const katex = require(process.argv[1]);
const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const bad = [];
for (const it of items) {
  try { katex.renderToString(it.tex, {displayMode: it.display, throwOnError: true, strict: 'ignore'}); }
  catch (e) { bad.push({page: it.page, tex: it.tex.slice(0, 120), error: String(e.message).slice(0, 160)}); }
}
process.stdout.write(JSON.stringify(bad));
"""
    proc = subprocess.run(["node", "-e", script, str(ROOT / "node_modules" / "katex")],
                          input=json.dumps(formulas), capture_output=True, text=True, check=True)
    bad = json.loads(proc.stdout)
    assert not bad, "KaTeX cannot render:\n" + "\n".join(f"{b['page']}: {b['tex']!r}: {b['error']}" for b in bad)


def test_article_has_footnotes_and_no_hand_waving():
    sources = {p.stem: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert sum(len(re.findall(r"^\[\^[\w-]+\]:", s, re.M)) for s in sources.values()) >= 2
    for stem, s in sources.items():
        assert not re.search(r"it can be shown|one can show that|it is easy to see", s, re.I), stem
        assert "DEMO-PENDING" not in s, f"{stem}: a figure is still waiting for its experiment"


def test_rendered_footnotes(pages):
    assert sum(p.footnotes for p in pages.values()) >= 2


def test_run_locally_repeats_the_readme_commands_exactly():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    page = (DOCS / "run-locally.md").read_text(encoding="utf-8")
    lines = [ln for ln in readme.splitlines() if re.match(r"make (serve|test)\b", ln)]
    assert len(lines) == 2, f"README.md should give `make serve` and `make test`, found {lines}"
    for ln in lines:
        assert ln in page.splitlines(), f"run-locally.md does not repeat the README line {ln!r}"


# ---------------------------------------------------------------------------------- references

def test_references_are_listed_with_links_and_cited_where_used(pages):
    ref = pages["reference"]
    for url, citing in REFERENCES.items():
        assert url in ref.links, f"reference page: no link to {url}"
        for name in citing:
            assert url in pages[name].links, f"{name}: cites {url} nowhere"


# ----------------------------------------------------------------------------- build-time tables

def test_exponent_table_on_the_page_equals_the_package_and_is_within_tolerance(pages):
    page_rows = pages["reference"].exponent_rows
    assert pages["reference"].exponent_tables == 2  # the paper's claims, then the checks of the tools
    rows = exponents.table()
    assert [r["data-key"] for r in page_rows] == [r["key"] for r in rows]
    for shown, row in zip(page_rows, rows):
        assert abs(float(shown["data-measured"]) - row["measured"]) <= 1e-12, (row["key"], shown, row)
        assert float(shown["data-theory"]) == row["theory"]
        assert float(shown["data-tolerance"]) == row["tolerance"]
        assert abs(row["measured"] - row["theory"]) <= row["tolerance"], (
            f"{row['key']}: measured exponent {row['measured']:+.4f}, theory {row['theory']:+.4f} "
            f"± {row['tolerance']}")
        assert shown["data-ok"] == "true"
    # Every section that states a measurable scaling law has a row.
    assert {r["section"] for r in rows} >= {2, 4, 6}


def test_parameterization_table_on_the_page_is_the_package_table(pages):
    shown = [(r["data-parameterization"], r["data-kind"]) for r in pages["reference"].parameterization_rows]
    assert shown == [(r["parameterization"], r["kind"]) for r in parameterizations.table()]
    assert {p for p, _ in shown} == {"sp", "ntp", "mup", "spectral"}


# ------------------------------------------------------------------------------------ notebooks

@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_has_rendered_figures_and_offers_its_ipynb(pages, site, name):
    p = pages[name]
    assert p.sc_figures, f"{name}: no sc-figure output (was the notebook executed?)"
    for raw in p.sc_figures:
        fig = json.loads(raw)
        assert fig["data"] and "layout" in fig
        assert isinstance(fig["layout"].get("title"), dict)
    stem = name.split("/")[-1]
    downloads = [link for link in p.links if urlsplit(link).path.endswith(f"{stem}.ipynb")]
    assert downloads, f"{name}: no link to {stem}.ipynb"
    page_url = "/" + name + "/"
    for link in downloads:  # each download link must lead to the notebook file the build copied
        target = urljoin(page_url, urlsplit(link).path).lstrip("/")
        assert (site / target).is_file(), f"{name}: the link {link} leads to {target}, which the site lacks"


def test_coordinate_check_notebook_reaches_width_4096(pages):
    widths = set()
    for raw in pages["notebooks/coord_check"].sc_figures:
        for trace in json.loads(raw)["data"]:
            widths.update(x for x in trace.get("x", []) if isinstance(x, (int, float)))
    assert {64, 4096} <= widths, f"coordinate check covers widths {sorted(widths)}"


@pytest.mark.parametrize("notebook", sorted((Path(__file__).resolve().parents[1] / "docs" / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_notebook_text_has_no_control_characters(notebook):
    """A TeX macro written through a JSON escape (\\times as \\t + "imes") turns into a tab and garbles
    the rendered math; markdown cells must hold printable text and newlines only."""
    for i, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8"))["cells"]):
        text = "".join(cell["source"])
        bad = sorted({repr(ch) for ch in text if ord(ch) < 32 and ch != "\n"})
        assert not bad, f"{notebook.name} cell {i}: control characters {bad}"


def test_page_7_shows_mup_slopes_beside_the_packages_and_no_claim_is_left_unrendered(site):
    from spectral_condition import mup_setting
    mup = json.loads((ROOT / "bench" / "mup_slopes.json").read_text(encoding="utf-8"))
    text = _html_path(site, "07-coordinate-check").read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-parameterization="(\w+)" data-step="(\d)" data-layer="(\w+)" '
                      r'data-mup="([^"]+)" data-package="([^"]+)"', text)
    assert len(rows) == 2 * 3 * 3, rows
    for p, t, layer, theirs, ours in rows:
        l = ("input", "hidden", "output").index(layer)
        assert float(theirs) == mup["slopes"][p][int(t) - 1][l]
        assert float(ours) == mup_setting.slopes(p)[int(t) - 1][l]
    for name in PAGES:
        path = _html_path(site, name)
        if path.is_file():
            assert "{{ claim" not in path.read_text(encoding="utf-8"), name


# ------------------------------------------------------------------------------- figures as arguments

def _fences(text: str) -> list[dict[str, str]]:
    out = []
    for body in re.findall(r"^```demo[ \t]*\n(.*?)^```", text, re.M | re.S):
        out.append(dict(re.findall(r"^(experiment|id|caption):[ \t]*(.*?)[ \t]*$", body, re.M)))
    return out


def test_every_figure_is_referenced_and_its_caption_is_short():
    # Captions lead with what to try and predict, in at most 50 words (a formula counts as one);
    # every figure of the article is referred to from the text by {{ fig: KEY }}.
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md"))}
    referenced = set(re.findall(r"\{\{\s*fig\s*:\s*([A-Za-z0-9_~-]+)\s*\}\}", "".join(sources.values())))
    for name, text in sources.items():
        seen: dict[str, int] = {}
        for fence in _fences(text):
            key = fence.get("id") or fence.get("experiment", "")
            seen[key] = seen.get(key, 0) + 1
            words = len(re.sub(r"\$[^$]*\$", "M", fence.get("caption", "")).split())
            assert words <= 50, f"{name}: the caption of {key} has {words} words"
            if name != "index.md" and seen[key] == 1:
                assert key in referenced, f"{name}: figure {key} is not referred to by {{{{ fig: {key} }}}}"
