"""TeX to HTML with the site's own KaTeX (node_modules/katex), at build time, and the same math as
short text for places that cannot hold KaTeX's markup (the table of contents, the search index).

One Node process renders a whole batch (a page's math, every control label of the build), so a build
starts Node a few dozen times, not once per formula. A formula KaTeX rejects stops the build, naming
it: the pages ship with their math already typeset, and nothing in the browser would fix it later.

The text form is made from the MathML KaTeX writes beside its HTML: letters and symbols as Unicode,
sub- and superscripts as <sub>/<sup> (the only markup Material's search index keeps), fractions as
a/b, roots as √. It needs Node and nothing of a running build: the unit tests call it directly.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from mkdocs.exceptions import PluginError

from .paths import NODE

KATEX = NODE / "katex"

# strict: "ignore": Unicode letters in math (σ, λ) are meant, not slips to warn about.
_SCRIPT = r"""
const katex = require(process.argv[1]);
const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = items.map(([tex, display]) => {
  try {
    return {html: katex.renderToString(tex, {displayMode: display, throwOnError: true, strict: 'ignore'})};
  } catch (e) {
    return {error: String(e && e.message || e)};
  }
});
process.stdout.write(JSON.stringify(out));
"""


@dataclass(frozen=True)
class Math:
    html: str  # KaTeX's markup (HTML for the eye, MathML for assistive technology)
    text: str  # the same math as text with <sub>/<sup>, HTML-escaped


class KatexError(PluginError):
    """A formula KaTeX rejects, or no KaTeX to run: MkDocs stops the build with this message."""


# One build's renderings (the sitebuild package is imported afresh for every build).
_cache: dict[tuple[str, bool], Math] = {}


def render(items: list[tuple[str, bool]], where: str = "") -> list[Math]:
    """``[(tex, display)]`` rendered, in order; raises KatexError naming ``where`` and the TeX."""
    todo = list(dict.fromkeys(item for item in items if item not in _cache))
    if todo:
        node = shutil.which("node")
        if node is None:
            raise KatexError("node is not on PATH: the build renders math with node_modules/katex")
        if not (KATEX / "package.json").is_file():
            raise KatexError(f"{KATEX} is missing: run `make setup` (npm ci)")
        proc = subprocess.run([node, "-e", _SCRIPT, str(KATEX)], input=json.dumps(todo), capture_output=True,
                              text=True, encoding="utf-8")
        if proc.returncode != 0:
            raise KatexError(f"KaTeX under node failed: {proc.stderr.strip()[:500]}")
        for (tex, display), result in zip(todo, json.loads(proc.stdout)):
            if "error" in result:
                raise KatexError(f"KaTeX cannot render {tex!r}{f' in {where}' if where else ''}: {result['error']}")
            _cache[(tex, display)] = Math(result["html"], mathml_text(result["html"]))
    return [_cache[item] for item in items]


def one(tex: str, display: bool = False, where: str = "") -> Math:
    return render([(tex, display)], where)[0]


# ---------------------------------------------------------------------------------------- text form

_MATHML = re.compile(r"<math\b.*?</math>", re.S)
_NS = "{http://www.w3.org/1998/Math/MathML}"
_INVISIBLE = dict.fromkeys(map(ord, "\u2061\u2062\u2063\u2064\u200b"), None)
_SPACED = set("=≈≃≅≡≤≥<>∈∉⊂⊆→←↦⇒⇔∝≠∼≪≫+−±×⋅∣") | {"≲", "≳"}
_DOUBLE_STRUCK = dict(zip("RNZQCEP", "ℝℕℤℚℂ𝔼ℙ"))
_ACCENTS = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "¯": "\u0304", "‾": "\u0305",
            "˙": "\u0307", "¨": "\u0308", "→": "\u20d7", "⃗": "\u20d7"}
_LARGE = set("∑∏∫∮⋃⋂⨁⨂")
_OPENING = set("([{")


def _tag(el: ET.Element) -> str:
    return el.tag.removeprefix(_NS)


def _op(el: ET.Element) -> str:
    return (el.text or "").translate(_INVISIBLE).strip()


def _atomic(el: ET.Element) -> bool:
    """One symbol, possibly with scripts (n_l, 2, σ), or already in parentheses: no parentheses needed."""
    tag, kids = _tag(el), list(el)
    if tag in ("mi", "mn", "mtext"):
        return True
    if tag in ("msub", "msup", "msubsup") and kids:
        return _atomic(kids[0])
    if tag in ("mrow", "msqrt") and len(kids) == 1:
        return _atomic(kids[0])
    if tag == "mrow" and len(kids) >= 2 and all(_tag(k) == "mo" for k in (kids[0], kids[-1])):
        return _op(kids[0]) in _OPENING and _op(kids[-1]) in ")]}" and len(kids) > 2
    return False


def _operand(kids: list[ET.Element]) -> str:
    """A fraction's or root's operand, in parentheses unless it is atomic."""
    inner = "".join(_row(kids, True))
    return inner if len(kids) == 1 and _atomic(kids[0]) else f"({inner})"


def _row(kids: list[ET.Element], script: bool) -> list[str]:
    out, prev = [], None
    for k in kids:
        if _tag(k) == "mo":
            op = _op(k)
            # A sign after an opening bracket, an operator or nothing is unary: no space after it.
            unary = prev is None or (_tag(prev) == "mo" and _op(prev) not in ")]}|‖∥")
            text = html.escape(op, quote=False)
            if op in _SPACED and not (script or unary):
                text = f" {text} "
            elif op == "," and not script:
                text = ", "
            elif op in _LARGE and not script:
                text += " "
            out.append(text)
        else:
            out.append(_text(k, script))
        prev = k
    return out


def _scripted(base: ET.Element, script: bool, after: str) -> str:
    text = _text(base, script) + after
    if _tag(base) == "mo" and _op(base) in _LARGE and not script:
        text += " "  # ∑_b g_b: the summand does not run into the limit
    return text


def _text(el: ET.Element, script: bool = False) -> str:
    tag = _tag(el)
    kids = list(el)
    if tag in ("annotation", "mphantom"):
        return ""
    if tag in ("mi", "mn", "mtext", "ms"):
        raw = el.text or ""
        text = raw.translate(_INVISIBLE)
        if not text.strip():
            # KaTeX spells its spaces as text; \! (a negative space) carries an invisible separator.
            return "" if "\u2063" in raw or script else " "
        if el.get("mathvariant") == "double-struck":
            text = "".join(_DOUBLE_STRUCK.get(c, c) for c in text)
        return html.escape(text, quote=False)
    if tag == "mo":
        return "".join(_row([el], True))
    if tag == "mspace":
        return "" if el.get("width", "").startswith("-") or script else " "
    if tag in ("msub", "munder") and len(kids) == 2:
        return _scripted(kids[0], script, f"<sub>{_text(kids[1], True)}</sub>")
    if tag in ("msup", "mover") and len(kids) == 2:
        accent = _op(kids[1]) if _tag(kids[1]) == "mo" else ""
        if tag == "mover" and el.get("accent") == "true" and accent in _ACCENTS:
            return _text(kids[0], script) + _ACCENTS[accent]
        return _scripted(kids[0], script, f"<sup>{_text(kids[1], True)}</sup>")
    if tag in ("msubsup", "munderover") and len(kids) == 3:
        return _scripted(kids[0], script, f"<sub>{_text(kids[1], True)}</sub><sup>{_text(kids[2], True)}</sup>")
    if tag == "mfrac" and len(kids) == 2:
        return f"{_operand([kids[0]])}/{_operand([kids[1]])}"
    if tag == "msqrt":
        return "√" + _operand(kids)
    if tag == "mroot" and len(kids) == 2:
        return f"<sup>{_text(kids[1], True)}</sup>√{_operand([kids[0]])}"
    if tag == "mtable":
        return "; ".join(_text(row, script) for row in kids)
    if tag == "mtr":
        return " ".join(_text(cell, script) for cell in kids)
    if tag == "semantics":
        return _text(kids[0], script) if kids else ""
    # math, mrow, mstyle, mpadded, menclose, mtd, …: their children in a row
    return "".join(_row(kids, script))


def mathml_text(katex_html: str) -> str:
    """The text form of KaTeX output (see the module's docstring); "" if it holds no MathML."""
    m = _MATHML.search(katex_html)
    if not m:
        return ""
    root = ET.fromstring(m.group(0))
    text = re.sub(r"\s+", " ", _text(root)).strip()
    return text.replace("∥", "‖").replace("∗", "*")  # the package's own symbols for norms


# --------------------------------------------------------------------------------- text with $math$

_DOLLARS = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")


def math_of(text: str) -> list[str]:
    """The TeX of each ``$…$`` in ``text``."""
    return _DOLLARS.split(text)[1::2]


def mixed(text: str, where: str = "") -> tuple[str, str]:
    """Prose with ``$…$`` math (a control's label or help) as (HTML with KaTeX, the text form)."""
    parts = _DOLLARS.split(text)
    rendered = iter(render([(tex, False) for tex in parts[1::2]], where))
    markup, plain = [], []
    for i, part in enumerate(parts):
        if i % 2:
            m = next(rendered)
            markup.append(m.html)
            plain.append(m.text)
        else:
            prose = html.escape(part.replace("\\$", "$"), quote=False)
            markup.append(prose)
            plain.append(prose)
    return "".join(markup), "".join(plain)
