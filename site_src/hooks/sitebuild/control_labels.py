"""The words of a figure's controls as the page shows them: each parameter's label, help and choice
labels, written in the package as prose with $…$ TeX, rendered here to HTML with the site's KaTeX.

A demo carries them beside its payload (the package's schema), in data-labels: for each parameter
``label_html``,
``help_html`` and ``choice_labels_html`` (controls.js inserts them as the build's own output), and
``label_text`` and ``choice_labels_text`` for what holds text only (an accessible name, a <select>'s
options). Every label of every experiment is rendered in one batch, the first time a page asks.
"""

from __future__ import annotations

import re
from typing import Any

from . import katex, package

_SUB = str.maketrans("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP = str.maketrans("0123456789+-−=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁱⁿ")

_done = False


def _texts(schema: dict[str, Any]) -> list[str]:
    return [t for p in schema["params"] for t in (p.get("label"), p.get("help"), *(p.get("choice_labels") or [])) if t]


def _prefetch() -> None:
    """One KaTeX run for the math of every control of the build."""
    global _done
    if not _done:
        maths = [m for s in package.get().schemas().values() for t in _texts(s) for m in katex.math_of(t)]
        katex.render([(m, False) for m in maths], "the controls' labels")
        _done = True


def _plain(text_form: str) -> str:
    """The text form without tags: scripts in Unicode where every character has one."""
    def script(m: re.Match[str]) -> str:
        table = _SUB if m.group(1) == "sub" else _SUP
        body = m.group(2)
        return body.translate(table) if all(ord(c) in table for c in body) else body
    text = re.sub(r"<(sub|sup)>(.*?)</\1>", script, text_form)
    return re.sub(r"<[^>]+>", "", text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def words(schema: dict[str, Any], controls: list[str]) -> dict[str, dict[str, Any]]:
    """The words of each of ``controls`` as HTML and text, by parameter name (see the docstring)."""
    _prefetch()
    where = f"the controls of {schema['name']!r}"
    out = {}
    for p in schema["params"]:
        if p["name"] not in controls:
            continue
        w = out[p["name"]] = {}
        w["label_html"], label_text = katex.mixed(p.get("label") or p["name"], where)
        w["label_text"] = _plain(label_text)
        w["help_html"] = katex.mixed(p["help"], where)[0] if p.get("help") else ""
        if p["kind"] == "choice":
            rendered = [katex.mixed(t, where) for t in p["choice_labels"]]
            w["choice_labels_html"] = [h for h, _ in rendered]
            w["choice_labels_text"] = [_plain(t) for _, t in rendered]
    return out
