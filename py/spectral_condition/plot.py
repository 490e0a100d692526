"""Building blocks of every figure: palettes, axes over widths, log ranges, the theory's dashed
slope, panels, and the one pass that typesets subscripts. Figures are plain dicts in Plotly's JSON
schema; nothing here imports plotly."""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

# Okabe-Ito: distinguishable with colour-blindness, legible on white and on Material's slate.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]

# One colour per parameterization, the same in every figure and on every page.
PARAM_COLORS = {"sp": "#D55E00", "ntp": "#56B4E9", "mup": "#009E73", "spectral": "#0072B2"}
PARAM_LABELS = {"sp": "SP", "ntp": "NTP", "mup": "μP", "spectral": "spectral"}
OPTIMIZER_LABELS = {"sgd": "SGD", "adam": "Adam"}
GREY = PALETTE[7]  # references and markers that are not data
KIND_WORDS = {"input": "input", "hidden": "hidden", "output": "readout"}

UIREVISION = "keep"  # fixed, so Plotly.react keeps the reader's zoom across updates


def axis(title: str, log: bool = False, **extra: Any) -> dict[str, Any]:
    a: dict[str, Any] = {"title": {"text": title}, "type": "log" if log else "linear",
                         "zeroline": False, "automargin": True}
    a.update(extra)
    return a


def layout(title: str, xaxis: dict[str, Any], yaxis: dict[str, Any], **extra: Any) -> dict[str, Any]:
    lay: dict[str, Any] = {
        "title": {"text": title, "x": 0.02, "xanchor": "left"},
        "xaxis": xaxis,
        "yaxis": yaxis,
        # Legend below the plot, anchored to the figure's bottom edge (not the plot area's), so it
        # never lands on the x-axis title whatever the figure's height; the margin leaves it room.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "bottom",
                   "yref": "container"},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 110},
        "uirevision": UIREVISION,
        "hovermode": "closest",
    }
    lay.update(extra)
    return lay


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


def slope_label(slope: float) -> str:
    """'∝ n^{1/2}' style text for a slope, as legends write it."""
    known = {0.5: "½", -0.5: "−½", 1.0: "1", -1.0: "−1", 0.0: "0", 2.0: "2", 1.5: "3/2", -1.5: "−3/2"}
    return "∝ n" + ("^" + known[slope] if slope in known else f"^{slope:g}") if slope != 0 else "flat (∝ n⁰)"


def figure(data: list[dict[str, Any]], lay: dict[str, Any]) -> dict[str, Any]:
    return {"data": data, "layout": lay}


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


def pow2_label(k: int) -> str:
    """2^k as text: 1, 2, 4, 8, else 2⁻³ style."""
    if 0 <= k <= 3:
        return str(2 ** k)
    return "2" + str(k).replace("-", "⁻").translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def first_point(x: Sequence[float], y: Sequence[Any]) -> tuple[float, float] | None:
    for xi, yi in zip(x, y):
        if yi is not None and yi > 0:
            return xi, yi
    return None


def width_axis(widths: Sequence[int], title: str = "width n", i: int | None = None,
               domain: list[float] | None = None) -> dict[str, Any]:
    """Log x axis ticked at the swept widths (powers of two), not at Plotly's decimal minor ticks."""
    extra: dict[str, Any] = {} if i is None else {"domain": domain, "anchor": f"y{suffix(i)}"}
    return axis(title, log=True, **extra, tickvals=list(widths), ticktext=[str(n) for n in widths])


def log_axis(title: str, values: Sequence[Any], pad: float = 0.05, **extra: Any) -> dict[str, Any]:
    """Log y axis over ``values``, at least a decade tall: a flat line must look flat, not zoomed
    into its noise."""
    return axis(title, log=True, range=log_range(values, pad=pad), exponentformat="power", **extra)


def domains(k: int, gap: float = 0.05) -> list[list[float]]:
    w = (1.0 - gap * (k - 1)) / k
    return [[round(j * (w + gap), 4), round(j * (w + gap) + w, 4)] for j in range(k)]


def panel_title(i: int, text: str) -> dict[str, Any]:
    return {"text": text, "xref": f"x{suffix(i)} domain", "yref": f"y{suffix(i)} domain",
            "x": 0.5, "y": 1.0, "xanchor": "center", "yanchor": "bottom", "showarrow": False}


def chosen_width(width: int, ys: Sequence[float], i: int, showlegend: bool) -> list[dict[str, Any]]:
    ys = positive(ys)
    if not ys:
        return []
    return [line([width, width], [min(ys), max(ys)], f"chosen width n = {width}", GREY, dash="dot",
                 markers=False, showlegend=showlegend, legendgroup="chosen", hoverinfo="skip", **refs(i))]


def layer_traces(widths: Sequence[int], series: Sequence[Sequence[Any]], layers: Sequence[str],
                  theory: Sequence[float] | None, i: int, showlegend: bool) -> list[dict[str, Any]]:
    """One solid line per layer, and its dashed theory slope through its first point."""
    traces = []
    for l, (ys, kind) in enumerate(zip(series, layers)):
        name = layer_name(l, kind)
        traces.append(line(widths, ys, name, layer_color(l), legendgroup=name, showlegend=showlegend,
                           **refs(i)))
    if theory is not None:
        for l, (ys, slope) in enumerate(zip(series, theory)):
            start = first_point(widths, ys)
            if start is None:
                continue
            traces.append(reference_slope(widths, slope, start, f"theory slope ({slope_label(slope)})",
                                          layer_color(l), legendgroup=layer_name(l, layers[l]),
                                          showlegend=False, **refs(i)))
    return traces
