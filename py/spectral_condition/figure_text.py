"""A figure in words and numbers, for readers who do not see the chart: a short description, a
one-sentence summary of what it shows now (what a page announces after a control moved), and the
table of its numbers as HTML. All three are made from the Plotly figure dict alone, so they say what
the chart plots, no more; the page shows the table at build time and the browser's worker sends new
ones with every answer.

The table lists one row group per trace, its name, then a row of its x values and a row of its y
values, points across. It stays small (the first MAX_TRACES traces and MAX_POINTS points of each,
saying so when it cuts) and scrolls sideways in a box of its own, focusable so a keyboard can scroll
it, instead of widening a phone's page.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

from .fit import loglog_slope
from .plot import THEORY

MAX_TRACES = 12
MAX_POINTS = 64
MISSING = "—"

# Plotly reads these few tags in a trace name as markup (n<sub>out</sub>), so the table does too;
# anything else in a name, "<" and "&" included, is shown as text.
_MARKUP = re.compile(r"&lt;(/?(?:sub|sup|b|i|em))&gt;")
_BREAK = re.compile(r"&lt;br\s*/?&gt;")


def number(value: Any) -> str:
    """A plotted value as text: floats to 4 significant digits, integers (widths, steps) exactly."""
    if value is None:
        return MISSING
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return html.escape(str(value), quote=False)  # a category on a categorical axis
    if isinstance(value, int) or not math.isfinite(value):
        return str(value)
    text = f"{value:.4g}"
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text  # 1.5e-06 reads better as 1.5e-6


AXES = ("x", "y")  # the coordinates a trace plots, in the order tables and downloads list them


def series(figure: dict[str, Any]) -> list[tuple[str, dict[str, list[Any]]]]:
    """Each trace's label (Plotly's "trace i" when unnamed) and its x and y values that are lists: the
    numbers the chart plots, as the data table, the CSV and the JSON downloads list them."""
    out = []
    for i, trace in enumerate(figure.get("data") or []):
        name = trace.get("name")
        label = f"trace {i}" if name is None or name == "" else str(name)
        out.append((label, {k: trace[k] for k in AXES if isinstance(trace.get(k), list)}))
    return out


def trace_name(label: str) -> str:
    """A trace's label as HTML: Plotly's few markup tags kept, anything else shown as text."""
    return _BREAK.sub(" ", _MARKUP.sub(r"<\1>", html.escape(label, quote=False)))


def _trace_rows(label: str, values: dict[str, list[Any]]) -> str:
    axes = list(values.items())
    points = max((len(v) for _, v in axes), default=0)
    name = trace_name(label)
    if points > MAX_POINTS:
        name += f' <span class="sc-demo__cut">(first {MAX_POINTS} of {points} points)</span>'
    if not axes:
        return f'<tbody><tr><th scope="row">{name}</th><td>no x or y values</td></tr></tbody>'
    rows = []
    for i, (key, values) in enumerate(axes):
        head = f'<th scope="rowgroup" rowspan="{len(axes)}">{name}</th>' if i == 0 else ""
        cells = "".join(f"<td>{number(v)}</td>" for v in values[:MAX_POINTS])
        rows.append(f'<tr>{head}<th scope="row">{key}</th>{cells}</tr>')
    return f"<tbody>{''.join(rows)}</tbody>"


def table(figure: dict[str, Any], title: str) -> str:
    """The HTML of the table of ``figure`` (a Plotly figure dict), labelled with ``title``."""
    traces = series(figure)
    shown = traces[:MAX_TRACES]
    caption = "The numbers this figure plots: each trace's x and y values."
    if len(traces) > len(shown):
        caption += f" Only the first {len(shown)} of its {len(traces)} traces are listed."
    longest = max((len(v) for _, values in shown for v in values.values()), default=0)
    if longest > MAX_POINTS:
        caption += f" Traces of more than {MAX_POINTS} points show their first {MAX_POINTS}."
    body = "".join(_trace_rows(label, values) for label, values in shown)
    label = html.escape(f"Data of the figure: {title}", quote=True)
    # data-search-exclude: Material's search index gets the page's prose, not a few hundred numbers.
    return (f'<div class="sc-demo__data" role="region" tabindex="0" aria-label="{label}" data-search-exclude>'
            f'<table class="sc-demo__table"><caption>{caption}</caption>{body}</table></div>')


# --- Words ------------------------------------------------------------------------------------------

_SUB = str.maketrans("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP = str.maketrans("0123456789+-−=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁱⁿ")
_SCRIPT = re.compile(r"<(sub|sup)>(.*?)</\1>")
_TAG = re.compile(r"<[^>]+>")
_LINE = re.compile(r"<br\s*/?>")
MAX_SLOPES = 12  # a summary names at most this many lines; a screen reader reads it in one go


def plain(text: Any) -> str:
    """Figure text (Plotly markup) as plain text: scripts in Unicode where every character has one."""
    def script(m: re.Match[str]) -> str:
        table = _SUB if m.group(1) == "sub" else _SUP
        body = m.group(2)
        if all(ord(c) in table for c in body):
            return body.translate(table)
        return ("_" if m.group(1) == "sub" else "^") + body
    text = _LINE.sub(" ", str(text or ""))
    text = _TAG.sub("", _SCRIPT.sub(script, text))
    return html.unescape(re.sub(r"\s+", " ", text)).strip()


def _title(figure: dict[str, Any]) -> tuple[str, str]:
    title = figure.get("layout", {}).get("title") or {}
    if isinstance(title, str):
        return plain(title), ""
    return plain(title.get("text")), plain((title.get("subtitle") or {}).get("text"))


def _axes(layout: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return sorted(((k, v) for k, v in layout.items() if re.fullmatch(r"[xy]axis\d*", k) and isinstance(v, dict)),
                  key=lambda kv: (kv[0][0], int(kv[0][5:] or 1)))


def _axis_words(axis: dict[str, Any]) -> str:
    title = plain((axis.get("title") or {}).get("text") if isinstance(axis.get("title"), dict) else axis.get("title"))
    scale = " (log scale)" if axis.get("type") == "log" else ""
    return f"{title}{scale}" if title else ""


def _panels(layout: dict[str, Any]) -> dict[str, str]:
    """Panel titles by x axis name ("x", "x2", …): the annotations placed at a panel's domain."""
    out = {}
    for a in layout.get("annotations") or []:
        ref = str(a.get("xref") or "")
        if ref.endswith(" domain") and a.get("text"):
            out.setdefault(ref.split()[0], plain(a["text"]))
    return out


def description(figure: dict[str, Any]) -> str:
    """What the chart is: its title and subtitle, its panels, its axes and its legend entries."""
    layout = figure.get("layout") or {}
    title, subtitle = _title(figure)
    parts = [f"{title}." if title else "A chart."]
    if subtitle:
        parts.append(subtitle.rstrip(".;") + ".")
    panels = _panels(layout)
    if len(panels) > 1:
        parts.append(f"{len(panels)} panels: {', '.join(panels.values())}.")
    axes = {k[0]: [] for k, _ in _axes(layout)}
    for name, axis in _axes(layout):
        words = _axis_words(axis)
        if words and words not in axes[name[0]]:
            axes[name[0]].append(words)
    for letter in ("x", "y"):
        if axes.get(letter):
            parts.append(f"Horizontal axis: {'; '.join(axes[letter])}." if letter == "x"
                         else f"Vertical axis: {'; '.join(axes[letter])}.")
    names = []
    for trace, (label, _) in zip(figure.get("data") or [], series(figure)):
        name = plain(trace_name(label))
        if trace.get("showlegend", True) is not False and name not in names:
            names.append(name)
    if names:
        parts.append(f"Lines and points: {', '.join(names)}.")
    return " ".join(parts)


def _widths(values: Any) -> bool:
    """Whether x values are widths of a sweep: rising powers of two, at least two of them (a marker
    line at one width, x = [n, n], is not a sweep)."""
    return (isinstance(values, list) and len(values) >= 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 and v & (v - 1) == 0 for v in values)
            and all(a < b for a, b in zip(values, values[1:])))


def _slope_text(slope: float) -> str:
    text = f"{slope:.2f}"
    return "0.00" if text == "-0.00" else text.replace("-", "−")


def summary(figure: dict[str, Any]) -> str:
    """One sentence on what the figure shows now: for a sweep over widths, the widths and each measured
    line's log-log slope against width (the dashed theory lines left out); otherwise the subtitle's first
    line, where every figure states its key numbers."""
    layout = figure.get("layout") or {}
    panels = _panels(layout)
    widths: set[int] = set()
    slopes = []
    for trace, (label, _) in zip(figure.get("data") or [], series(figure)):
        xs, ys = trace.get("x"), trace.get("y")
        xref, yref = trace.get("xaxis") or "x", trace.get("yaxis") or "y"
        x_axis, y_axis = layout.get("xaxis" + xref[1:]) or {}, layout.get("yaxis" + yref[1:]) or {}
        theory = trace.get("legendgroup") == THEORY or (trace.get("line") or {}).get("dash") == "dash"
        if theory or not _widths(xs) or x_axis.get("type") != "log" or y_axis.get("type") != "log":
            continue
        points = [(x, y) for x, y in zip(xs, ys or []) if isinstance(y, (int, float)) and y > 0]
        if len(points) < 2:
            continue
        widths.update(x for x, _ in points)
        panel = panels.get(xref) if len(panels) > 1 else None
        name = plain(trace_name(label))
        slope = loglog_slope([x for x, _ in points], [y for _, y in points])
        slopes.append(f"{panel + ' ' if panel else ''}{name} {_slope_text(slope)}")
    if slopes:
        cut = f" (first {MAX_SLOPES} of {len(slopes)})" if len(slopes) > MAX_SLOPES else ""
        return (f"Widths {min(widths)} to {max(widths)}. Slopes against width on log-log axes{cut}: "
                f"{', '.join(slopes[:MAX_SLOPES])}.")
    title = layout.get("title")
    subtitle = (title.get("subtitle") or {}).get("text") if isinstance(title, dict) else None
    first = plain(_LINE.split(str(subtitle or ""))[0])
    return (first.rstrip(".;,") + ".") if first else "The figure was redrawn."


def describe(figure: dict[str, Any]) -> dict[str, str]:
    """The description, summary and table (HTML, named after the figure's title) of ``figure``."""
    return {"description": description(figure), "summary": summary(figure),
            "table": table(figure, _title(figure)[0] or "this figure")}
