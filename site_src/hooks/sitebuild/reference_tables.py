"""The reference tables, computed by the package when the site is built.

Two fences, registered with pymdownx.superfences in ``on_config``:

* ```` ```exponents ```` renders the rows of ``spectral_condition.exponents.table()`` that test the
  paper: each scaling exponent the article claims, measured by a log-log fit across widths, against
  theory and its tolerance; ```` ```tool-checks ```` renders the rows that check the tools (exact
  identities and random-matrix facts). The tests assert the very same rows, so the page cannot show
  a number the test suite did not check.
  Each row carries ``data-key`` and ``data-measured`` (the float's repr) so a test can compare the
  built page with the package to the last digit.
* ```` ```parameterizations ```` renders ``spectral_condition.parameterizations.table()``: init scale
  and learning rate per layer kind under SP, NTP, μP and spectral.

Nothing here is typed by hand: change the package and the page changes with it. Math is wrapped the
way pymdownx.arithmatex (generic mode) wraps it, so the site's KaTeX typesets it like the prose.
"""

from __future__ import annotations

import html
import re
from fractions import Fraction

from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesException

from . import fences, package

LAYER_KINDS = {
    "input": ("input", r"n_0 = d \to n"),
    "hidden": ("hidden", r"n \to n"),
    "output": ("output (readout)", r"n \to n_L"),
}


PM = "\\pm "  # KaTeX: ±


class TableFenceError(SuperFencesException, PluginError):
    """Raised from a fence so that SuperFences re-raises it and MkDocs stops the build."""


def _math(tex: str) -> str:
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


def _exponent_tex(x: float) -> str:
    """An exponent as the article writes it: 0, ½, −½, 1 … (a small fraction when it is one)."""
    f = Fraction(x).limit_denominator(8)
    if abs(float(f) - x) > 1e-12:
        return f"{x:+.3f}"
    if f.denominator == 1:
        return f"{f.numerator}" if f.numerator <= 0 else f"+{f.numerator}"
    sign = "-" if f < 0 else "+"
    return f"{sign}\\tfrac{{{abs(f.numerator)}}}{{{f.denominator}}}"


def _number_tex(x: float) -> str:
    """0.03 stays 0.03; 1e-06 becomes 10^{-6} (Python's exponent notation is not math)."""
    text = f"{x:g}"
    if "e" not in text:
        return text
    mantissa, exp = text.split("e")
    power = f"10^{{{int(exp)}}}"
    return power if mantissa == "1" else f"{mantissa}\\times {power}"


_SUB = str.maketrans("0123456789+-l", "₀₁₂₃₄₅₆₇₈₉₊₋ₗ")


def _subscripts(text: str) -> str:
    """The package's plain-text formulas (n_{l-1}, σ_l) with Unicode subscripts, for prose."""
    text = re.sub(r"_\{([0-9l+-]+)\}", lambda m: m.group(1).translate(_SUB), text)
    return re.sub(r"_([0-9l])\b", lambda m: m.group(1).translate(_SUB), text)


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def _validate(language, inputs, options, attrs, md) -> bool:
    return not inputs  # these fences take no options


def format_exponents(source, language, class_name, options, md, **kwargs) -> str:
    tools = language == "tool-checks"
    try:
        rows = [r for r in package.get("spectral_condition.exponents").table() if r["tool"] is tools]
    except Exception as e:  # a broken measurement must stop the build, naming the cause
        raise TableFenceError(f"{language} fence: spectral_condition.exponents.table() failed: {e!r}") from e
    if not rows:
        raise TableFenceError(f"{language} fence: the package registers no such exponent checks")
    head = ("<thead><tr><th>§</th><th>quantity</th><th>setting</th><th>theory</th>"
            '<th>measured</th><th title="accepted |measured − theory|">tolerance</th><th>ok</th></tr></thead>')
    body = []
    for r in rows:
        measured, theory, tol = float(r["measured"]), float(r["theory"]), float(r["tolerance"])
        ok = bool(r["ok"])
        body.append(
            f'<tr data-key="{_attr(r["key"])}" data-section="{int(r["section"])}" '
            f'data-theory="{_attr(repr(theory))}" data-measured="{_attr(repr(measured))}" '
            f'data-tolerance="{_attr(repr(tol))}" data-ok="{str(ok).lower()}">'
            f'<td><a href="{_page_of(int(r["section"]))}">{int(r["section"])}</a></td>'
            f"<td>{fences.inline_html(r['quantity'])}</td>"
            f"<td>{fences.inline_html(r['setting'])}</td>"
            f"<td>{_math(_exponent_tex(theory))}</td>"
            f"<td>{_math(f'{measured:+.3f}')}</td>"
            f"<td>{_math(PM + _number_tex(tol))}</td>"
            f"<td>{'✓' if ok else '✗'}</td></tr>")
    return (f'<table data-exponents="{len(rows)}" data-tools="{str(tools).lower()}">{head}<tbody>{"".join(body)}</tbody></table>')


def _page_of(section: int) -> str:
    pages = {1: "01-motivation", 2: "02-preliminaries", 3: "03-activations", 4: "04-weights",
             5: "05-updates", 6: "06-alignment", 7: "07-coordinate-check", 8: "08-transfer",
             9: "09-steepest-descent"}
    # Relative to the reference page, which sits one directory down under use_directory_urls.
    return f"../{pages[section]}/" if section in pages else "#"


def format_parameterizations(source, language, class_name, options, md, **kwargs) -> str:
    try:
        par = package.get("spectral_condition.parameterizations")
        labels = package.get("spectral_condition.plot").PARAM_LABELS
        rows = par.table()
    except Exception as e:
        raise TableFenceError(f"parameterizations fence: the package's table failed: {e!r}") from e
    sigma, eta = _math(r"\sigma_l"), _math(r"\eta_l")
    head = ("<thead><tr><th>parameterization</th><th>layer</th>"
            f"<th>init std {sigma}</th><th>SGD rate {eta}</th><th>Adam rate {eta}</th></tr></thead>")
    body, seen = [], []
    for r in rows:
        p = r["parameterization"]
        kind, shape = LAYER_KINDS.get(r["kind"], (r["kind"], ""))
        first = p not in seen
        if first:
            seen.append(p)
        name = f"<strong>{html.escape(labels.get(p, p))}</strong>" if first else ""
        body.append(
            f'<tr data-parameterization="{_attr(p)}" data-kind="{_attr(r["kind"])}">'
            f"<td>{name}</td><td>{html.escape(kind)} {_math(shape) if shape else ''}</td>"
            f"<td>{_math(r['std_tex'])}</td><td>{_math(r['lr_sgd_tex'])}</td>"
            f"<td>{_math(r['lr_adam_tex'])}</td></tr>")
    sources = "".join(f"<li><strong>{html.escape(labels.get(p, p))}</strong>: "
                      f"{html.escape(_subscripts(next(r['source'] for r in rows if r['parameterization'] == p)))}</li>"
                      for p in seen)
    return (f'<table data-parameterizations="{len(rows)}">{head}<tbody>{"".join(body)}</tbody></table>'
            f'<ul class="sc-parameterization-sources">{sources}</ul>')


FENCES = [
    {"name": "exponents", "class": "sc-exponents", "format": format_exponents, "validator": _validate},
    {"name": "tool-checks", "class": "sc-exponents", "format": format_exponents, "validator": _validate},
    {"name": "parameterizations", "class": "sc-parameterizations", "format": format_parameterizations,
     "validator": _validate},
]


def on_config(config, **kwargs):
    for fence in FENCES:
        fences.add(config, fence)
    return config
