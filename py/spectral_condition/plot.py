"""Building blocks of every figure: palettes, axes over widths, log ticks, the theory's dashed slope,
and the one pass that typesets subscripts. The panel grid and the text measuring it needs are in
:mod:`spectral_condition.figure_layout`. Figures are plain dicts in Plotly's JSON schema; nothing here
imports plotly.
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

# Okabe-Ito: distinguishable with colour-blindness, legible on white and on Material's slate.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]

# One colour per parameterization, the same in every figure and on every page.
PARAM_COLORS = {"sp": "#D55E00", "ntp": "#56B4E9", "mup": "#009E73", "spectral": "#0072B2"}
PARAM_LABELS = {"sp": "SP", "ntp": "NTP", "mup": "μP", "spectral": "spectral"}
OPTIMIZER_LABELS = {"sgd": "SGD", "adam": "Adam", "steepest": "spectral steepest descent"}
GREY = PALETTE[7]  # references and markers that are not data
KIND_WORDS = {"input": "input", "hidden": "hidden", "output": "readout"}

UIREVISION = "keep"  # fixed, so Plotly.react keeps the reader's zoom across updates
THEORY = "theory"  # the legend group (and entry) of a figure's dashed theory lines


# --- Text -------------------------------------------------------------------------------------------

_SUB_BRACED = re.compile(r"_\{([^{}]*)\}")
_SUP_BRACED = re.compile(r"\^\{([^{}]*)\}")
_SUB_PLAIN = re.compile(r"(?<=[\w‖)])_(\*|[A-Za-z0-9]+)")
_SUP_PLAIN = re.compile(r"\^([−-]?[0-9½¼⅓¾./]+)")
_MARKUP_KEYS = ("text", "name")


def plotly_markup(fig: Any) -> Any:
    """Turn the TeX-like subscripts of figure text (‖W‖_*, n_{l−1}, n^{1/2}) into Plotly's <sub>/<sup>.

    Figure functions write labels in the article's plain notation; this one pass makes every title,
    axis title and legend entry typeset alike, instead of each figure spelling out HTML.
    """
    if isinstance(fig, dict):
        return {k: (_markup(v) if k in _MARKUP_KEYS and isinstance(v, str) else plotly_markup(v))
                for k, v in fig.items()}
    if isinstance(fig, list):
        return [plotly_markup(v) for v in fig]
    return fig


def _markup(text: str) -> str:
    text = _SUB_BRACED.sub(r"<sub>\1</sub>", text)
    text = _SUP_BRACED.sub(r"<sup>\1</sup>", text)
    text = _SUP_PLAIN.sub(r"<sup>\1</sup>", text)
    return _SUB_PLAIN.sub(r"<sub>\1</sub>", text)


# Advance widths (em/1000) of Helvetica and Arial, whose metrics Liberation Sans and most phones'
# system fonts share closely enough; other characters (Greek, maths) count as a wide 650.
# --- Traces -----------------------------------------------------------------------------------------

def line(x: Sequence[float], y: Sequence[Any], name: str, color: str, *, dash: str | None = None,
         markers: bool = True, showlegend: bool = True, **extra: Any) -> dict[str, Any]:
    tr: dict[str, Any] = {"type": "scatter", "mode": "lines+markers" if markers else "lines",
                          "x": list(x), "y": list(y), "name": name,
                          "line": {"color": color, "width": 2}, "marker": {"color": color, "size": 6},
                          "showlegend": showlegend}
    if dash:
        tr["line"]["dash"] = dash
    tr.update(extra)
    return tr


def reference_slope(x: Sequence[float], slope: float, through: tuple[float, float], name: str,
                    color: str = "#999999", **extra: Any) -> dict[str, Any]:
    """A dashed line y = c x^slope through the point ``through``: the theory's prediction.

    On log-log axes a power law is a straight line and its slope is the exponent, so the reader
    compares the measured points' slope with this line's.
    """
    x0, y0 = through
    xs = [min(x), max(x)]
    ys = [y0 * (xi / x0) ** slope for xi in xs]
    return line(xs, ys, name, color, dash="dash", markers=False, hoverinfo="skip", **extra)


def theory(trace: dict[str, Any], first: bool, name: str = "theory") -> dict[str, Any]:
    """Put a dashed theory line in the figure's one "theory" legend entry (shown by the first)."""
    trace.update(legendgroup=THEORY, showlegend=first, legendrank=2000)  # last in the legend
    if first:
        trace["name"] = name
    return trace


def slope_label(slope: float) -> str:
    """'∝ n^{1/2}' style text for a slope, as legends write it."""
    known = {0.5: "½", -0.5: "−½", 1.0: "1", -1.0: "−1", 0.0: "0", 2.0: "2", 1.5: "3/2", -1.5: "−3/2"}
    return "∝ n" + ("^" + known[slope] if slope in known else f"^{slope:g}") if slope != 0 else "flat (∝ n⁰)"


def figure(data: list[dict[str, Any]], lay: dict[str, Any]) -> dict[str, Any]:
    return {"data": data, "layout": lay}


def layer_color(l: int) -> str:
    return PALETTE[l % 7]  # the eighth colour is the grey of references


def layer_name(l: int, kind: str) -> str:
    """'l = 2 (hidden)' for the layer with 0-based index l."""
    return f"l = {l + 1} ({KIND_WORDS.get(kind, kind)})"


def suffix(i: int) -> str:
    return "" if i == 1 else str(i)


def refs(i: int) -> dict[str, str]:
    return {"xaxis": f"x{suffix(i)}", "yaxis": f"y{suffix(i)}"}


def positive(values: Sequence[Any]) -> list[float]:
    return [v for v in values if v is not None and v > 0]


def first_point(x: Sequence[float], y: Sequence[Any]) -> tuple[float, float] | None:
    for xi, yi in zip(x, y):
        if yi is not None and yi > 0:
            return xi, yi
    return None


def chosen_width(width: int, ys: Sequence[float], i: int) -> list[dict[str, Any]]:
    """A dotted vertical line at the chosen width; the subtitle names it (see CHOSEN)."""
    ys = positive(ys)
    if not ys:
        return []
    return [line([width, width], [min(ys), max(ys)], f"chosen width n = {width}", GREY, dash="dot",
                 markers=False, showlegend=False, legendgroup="chosen", hoverinfo="skip", **refs(i))]


CHOSEN = "dotted: the chosen width"

# The training figures' dashed lines predict one small step, to first order in the learning rate; the
# legend says so, since several or large steps can leave them (pages 5 and 7).
ONE_STEP_THEORY = "theory: 1 step, 1st order"


def layer_traces(widths: Sequence[int], series: Sequence[Sequence[Any]], layers: Sequence[str],
                 theory_slopes: Sequence[float] | None, i: int, showlegend: bool,
                 theory_name: str = "theory") -> list[dict[str, Any]]:
    """One solid line per layer, and its dashed theory slope through its first point (all theory
    lines share one legend entry)."""
    traces = []
    for l, (ys, kind) in enumerate(zip(series, layers)):
        name = layer_name(l, kind)
        traces.append(line(widths, ys, name, layer_color(l), legendgroup=name, showlegend=showlegend,
                           **refs(i)))
    if theory_slopes is not None:
        first = showlegend
        for l, (ys, slope) in enumerate(zip(series, theory_slopes)):
            start = first_point(widths, ys)
            if start is None:
                continue
            traces.append(theory(reference_slope(widths, slope, start, f"theory slope ({slope_label(slope)})",
                                                 layer_color(l), **refs(i)), first, theory_name))
            first = False
    return traces


def layer_panel(widths: Sequence[int], series: Sequence[Sequence[Any]], layers: Sequence[str],
                theory_slopes: Sequence[float] | None, i: int,
                theory_name: str = "theory") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(traces, annotations) of panel ``i`` of a per-layer figure: :func:`layer_traces` (in the
    legend from the first panel), the chosen width, and a note when every run diverged."""
    traces = layer_traces(widths, series, layers, theory_slopes, i, i == 1, theory_name)
    traces += chosen_width(widths[-1], [v for ys in series for v in ys], i)
    notes = []
    if all(v is None for ys in series for v in ys):
        notes.append({"text": "diverged at every width", "xref": f"x{suffix(i)} domain",
                      "yref": f"y{suffix(i)} domain", "x": 0.5, "y": 0.5, "showarrow": False})
    return traces, notes


def layer_legend(layers: Sequence[str], with_theory: bool = True, theory_name: str = "theory") -> list[str]:
    return [layer_name(l, kind) for l, kind in enumerate(layers)] + ([theory_name] if with_theory else [])


# --- Axes and ticks ---------------------------------------------------------------------------------

def axis(title: str, log: bool = False, **extra: Any) -> dict[str, Any]:
    # Plotly's default tick-label overflow ("hide past div") measures every tick label's box on every
    # draw, a forced layout each: a quarter of a four-panel figure's redraw in a Chromium profile. The
    # automatic margins already keep the labels inside the chart, so it would hide nothing.
    a: dict[str, Any] = {"title": {"text": title, "standoff": 6}, "type": "log" if log else "linear",
                         "zeroline": False, "automargin": True, "ticklabeloverflow": "allow"}
    a.update(extra)
    return a


def log_range(values: Sequence[Any], min_decades: float = 1.0, pad: float = 0.08) -> list[float] | None:
    """A log axis range (log10 units) holding every positive value, at least ``min_decades`` tall.

    Panels share one range, so a flat line looks flat next to a rising one; the minimum height
    keeps Plotly from blowing finite-width noise of a few percent up to the full panel.
    """
    vals = positive(values)
    if not vals:
        return None
    lo, hi = math.log10(min(vals)), math.log10(max(vals))
    if hi - lo < min_decades:
        mid = (hi + lo) / 2
        lo, hi = mid - min_decades / 2, mid + min_decades / 2
    return [lo - pad, hi + pad]


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def pow2_label(k: int) -> str:
    """2^k as text: 1, 2, 4, 8, else 2⁻³ style."""
    if 0 <= k <= 3:
        return str(2 ** k)
    return "2" + str(k).translate(_SUPERSCRIPT)


def _number_label(v: float) -> str:
    """A tick label: plain decimals from 0.001 to 10⁴, powers of ten as 10⁻⁶, else 2·10⁻⁶."""
    if 1e-3 <= v < 1e4:
        return f"{v:.4g}"
    k = math.floor(math.log10(v) + 1e-9)
    mantissa = round(v / 10 ** k)
    return ("" if mantissa == 1 else f"{mantissa}·") + "10" + str(k).translate(_SUPERSCRIPT)


MAX_LOG_TICKS = 7  # labels a 200-pixel log axis shows without crowding


def log_ticks(lo: float, hi: float) -> dict[str, Any]:
    """Tick values and labels of a log axis over [lo, hi] (log10 units): the finest of 1-2-5, 1-3 and
    whole decades (every k-th) that keeps to MAX_LOG_TICKS labels; never the crowded minor digits
    Plotly would add over a decade or two."""
    def within(vals: list[float]) -> list[float]:
        return [v for v in vals if lo - 1e-9 <= math.log10(v) <= hi + 1e-9]

    decades = range(math.floor(lo) - 1, math.ceil(hi) + 1)
    vals: list[float] = []
    for steps in ((1, 1.5, 2, 3, 5, 7), (1, 2, 5), (1, 3)):
        vals = within([m * 10.0 ** k for k in decades for m in steps])
        if len(vals) <= MAX_LOG_TICKS:
            break
    else:
        every = math.ceil((hi - lo) / MAX_LOG_TICKS)
        ks = [k for k in decades if k % every == 0 and lo - 1e-9 <= k <= hi + 1e-9]
        # One style along an axis: decimals when they are short, else powers of ten.
        plain = all(-3 < k < 4 for k in ks)
        return {"tickmode": "array", "tickvals": [10.0 ** k for k in ks],
                "ticktext": [_number_label(10.0 ** k) if plain or k == 0 else "10" + str(k).translate(_SUPERSCRIPT)
                             for k in ks]}
    return {"tickmode": "array", "tickvals": vals, "ticktext": [_number_label(v) for v in vals]}


def log_axis(title: str, values: Sequence[Any], pad: float = 0.05, min_decades: float = 1.0,
             **extra: Any) -> dict[str, Any]:
    """Log y axis over ``values``, at least a decade tall (a flat line must look flat, not zoomed into
    its noise), with readable ticks."""
    rng = log_range(values, min_decades=min_decades, pad=pad)
    ticks = log_ticks(*rng) if rng else {}
    return axis(title, log=True, range=rng, **ticks, **extra)


def span_axis(title: str, values: Sequence[Any], **extra: Any) -> dict[str, Any]:
    """Log axis that Plotly ranges itself, ticked over the span of ``values``."""
    vals = positive(values)
    ticks = log_ticks(math.log10(min(vals)) - 0.1, math.log10(max(vals)) + 0.1) if vals else {}
    return axis(title, log=True, **ticks, **extra)


MAX_WIDTH_LABELS = 6  # width labels a 200-pixel panel holds side by side


def width_axis(widths: Sequence[int], title: str = "width n", **extra: Any) -> dict[str, Any]:
    """Log x axis ticked at the swept widths (powers of two), not at Plotly's decimal minor ticks;
    beyond six widths every other (or third) one is labelled, counting from the largest, so that
    labels never touch."""
    every = math.ceil(len(widths) / MAX_WIDTH_LABELS)
    text = [str(n) if (len(widths) - 1 - j) % every == 0 else "" for j, n in enumerate(widths)]
    return axis(title, log=True, tickmode="array", tickvals=list(widths), ticktext=text, **extra)
