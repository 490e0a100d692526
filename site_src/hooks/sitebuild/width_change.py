"""The ```` ```width-change ```` fence: by what factor each layer's init scale and learning rates change
when the network is made wider, computed by ``spectral_condition.parameterizations.width_change``.

The body is YAML: ``from`` and ``to`` (the widths), ``d_in`` and ``d_out`` (the fixed input and output
dimensions), ``parameterizations`` (a list). Each factor is written as a power of the width ratio k
when it is one (×k, ÷k, ÷√k ≈ ÷5.66, ×1), so a reader can check the arithmetic.
"""

from __future__ import annotations

import html
import math
from fractions import Fraction

import yaml
from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesException

from . import fences, package

KIND_WORDS = {"input": "input layer", "hidden": "hidden layers", "output": "readout"}
KEYS = {"from", "to", "d_in", "d_out", "parameterizations"}


class WidthChangeFenceError(SuperFencesException, PluginError):
    """A bad fence stops the build (SuperFences re-raises its own exception type)."""


def _math(tex: str) -> str:
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


def factor_tex(factor: float, k: int) -> str:
    """factor = k^e for a small fraction e: ×k, ÷√k, ×1 …; otherwise the number itself."""
    e = Fraction(math.log(factor) / math.log(k)).limit_denominator(4)
    if not math.isclose(float(k) ** float(e), factor, rel_tol=1e-9):
        return rf"\times {factor:.3g}"
    if e == 0:
        return r"\times 1"
    op = r"\times" if e > 0 else r"\div"
    e = abs(e)
    if e.denominator == 1:
        return f"{op} {k}" + (f"^{{{e.numerator}}}" if e.numerator > 1 else "")
    root = r"\sqrt" if e == Fraction(1, 2) else None
    base = rf"{root}{{{k}}}" if root else f"{k}^{{{e}}}"
    return rf"{op} {base} \approx {op} {float(k) ** float(e):.3g}"


def _settings(source: str) -> dict:
    try:
        opts = yaml.safe_load(source) or {}
    except yaml.YAMLError as e:
        raise WidthChangeFenceError(f"width-change fence: not YAML ({e})") from e
    unknown = set(opts) - KEYS
    missing = KEYS - set(opts)
    if unknown or missing:
        raise WidthChangeFenceError(f"width-change fence: unknown keys {sorted(unknown)}, missing {sorted(missing)}")
    return opts


def format_width_change(source, language, class_name, options, md, **kwargs) -> str:
    opts = _settings(source)
    par = package.get("spectral_condition.parameterizations")
    labels = package.get("spectral_condition.plot").PARAM_LABELS
    n_from, n_to = int(opts["from"]), int(opts["to"])
    k = n_to // n_from
    if k * n_from != n_to or k < 2:
        raise WidthChangeFenceError("width-change fence: 'to' must be a multiple ≥ 2 of 'from'")
    try:
        tables = {p: par.width_change(p, n_from, n_to, int(opts["d_in"]), int(opts["d_out"]))
                  for p in opts["parameterizations"]}
    except ValueError as e:
        raise WidthChangeFenceError(f"width-change fence: {e}") from e
    sigma, eta = _math(r"\sigma_l"), _math(r"\eta_l")
    head = ("<thead><tr><th>parameterization</th><th>layer</th>"
            f"<th>init std {sigma}</th><th>SGD rate {eta}</th><th>Adam rate {eta}</th></tr></thead>")
    body = []
    for p, rows in tables.items():
        for i, r in enumerate(rows):
            name = f"<strong>{html.escape(labels.get(p, p))}</strong>" if i == 0 else ""
            cells = "".join(f'<td data-factor="{r[q]!r}">{_math(factor_tex(r[q], k))}</td>'
                            for q in ("std", "sgd", "adam"))
            body.append(f'<tr data-parameterization="{p}" data-kind="{r["kind"]}"><td>{name}</td>'
                        f"<td>{KIND_WORDS[r['kind']]}</td>{cells}</tr>")
    caption = fences.inline_html(
        f"From width $n = {n_from}$ to $n = {n_to}$ ($\\times {k}$), input dimension "
        f"$d_\\text{{in}} = {opts['d_in']}$ and output dimension $d_\\text{{out}} = {opts['d_out']}$ fixed.")
    # No class on the table: Material styles the tables of a page's Markdown, which have none.
    return (f'<table data-width-change="{k}" data-from="{n_from}" data-to="{n_to}">'
            f"<caption>{caption}</caption>{head}<tbody>{''.join(body)}</tbody></table>")


FENCE = {"name": "width-change", "class": "sc-width-change", "format": format_width_change,
         "validator": lambda language, inputs, options, attrs, md: not inputs}


def on_config(config, **kwargs):
    fences.add(config, FENCE)
    return config
