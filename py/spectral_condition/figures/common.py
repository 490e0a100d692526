"""Building blocks shared by every figure: log-log axes, the theory's reference slope, palettes."""

from __future__ import annotations

import re
from typing import Any, Sequence

# Okabe-Ito: distinguishable with colour-blindness, legible on white and on Material's slate.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]

# One colour per parameterization, the same in every figure and on every page.
PARAM_COLORS = {"sp": "#D55E00", "ntp": "#56B4E9", "mup": "#009E73", "spectral": "#0072B2"}
PARAM_LABELS = {"sp": "SP", "ntp": "NTP", "mup": "μP", "spectral": "spectral"}

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
