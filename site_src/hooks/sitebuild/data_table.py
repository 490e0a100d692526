"""The figure as a table of numbers, for readers without JavaScript.

Made from the figure dict's own traces, so it lists exactly what the chart plots: one row group per
trace, its name, then a row of its x values and a row of its y values, points across. The traces'
names and values are read by the package's ``take_home.series``, which also writes a figure's CSV
and JSON downloads: the table and the downloads list the same numbers. It stays small
on any page (the first MAX_TRACES traces and MAX_POINTS points of each, saying so when it cuts) and
scrolls sideways in a box of its own, focusable so a keyboard can scroll it, instead of widening a
phone's page. No MkDocs: the unit tests call it directly.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

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


def trace_name(label: str) -> str:
    """A trace's label as HTML: Plotly's few markup tags kept, anything else shown as text."""
    text = html.escape(label, quote=False)
    return _BREAK.sub(" ", _MARKUP.sub(r"<\1>", text))


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
    from spectral_condition.take_home import series  # the copy the build imported (sitebuild.package)

    traces = series(figure)
    shown = traces[:MAX_TRACES]
    caption = ("The data of this figure at its default parameters, each trace's x and y values; "
               "the live figure needs JavaScript.")
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
