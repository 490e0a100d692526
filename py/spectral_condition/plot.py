"""Building blocks of every figure: palettes, axes over widths, log ticks, the theory's dashed slope,
the panel grid with its two layouts (desktop, and the phone's in ``layout.meta.narrow``), and the one
pass that typesets subscripts. Figures are plain dicts in Plotly's JSON schema; nothing here imports
plotly.

Plotly does not wrap text and keeps a figure's height fixed, so the figure decides both: every size
below is computed in pixels from the text it will show, for the narrowest chart of each kind of screen.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
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
_ADVANCE = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278] + [556] * 10
    + [278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
       722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
       556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556,
       500, 722, 500, 500, 500, 334, 260, 334, 584]))
_ADVANCE.update({"−": 584, "×": 584, "·": 278, "–": 556, "‖": 520, "₁": 400, "₂": 400, "ᵀ": 400, "∝": 713})
_OTHER_ADVANCE = 650
_SAFETY = 1.06  # a little room for fonts wider than Arial
_TAG = re.compile(r"<(/?)(sub|sup|b)>")
_NUMBER = re.compile(r"[0-9][0-9.,]*")
NUMBER_DIGITS = 4  # a number in a subtitle counts as at least this many digits


def text_width(text: str, size: float, numbers: int = 0) -> float:
    """Estimated width in pixels of one line of figure text at font ``size``, typeset as Plotly shows it
    (subscripts at 70 %, bold a little wider).

    With ``numbers`` every number counts as at least that many digits, so that a line whose numbers
    change with the parameters keeps its estimated width, and the figure its line breaks.
    """
    units, scale, bold, pos = 0.0, 1.0, 1.0, 0
    text = _markup(text)
    if numbers:
        text = _NUMBER.sub(lambda m: m.group(0).rjust(numbers, "0"), text)
    for m in [*_TAG.finditer(text), None]:
        chunk = text[pos:m.start() if m else len(text)]
        units += scale * bold * sum(_ADVANCE.get(c, _OTHER_ADVANCE) for c in chunk)
        if m is None:
            break
        closing, tag = m.group(1) == "/", m.group(2)
        if tag == "b":
            bold = 1.0 if closing else 1.08
        else:
            scale = 1.0 if closing else 0.7
        pos = m.end()
    return units / 1000 * size * _SAFETY


def wrap(clauses: Sequence[str], width: float, size: float, sep: str = "; ",
         numbers: int = NUMBER_DIGITS) -> list[str]:
    """Lines of at most ``width`` pixels: whole clauses where they fit, else broken between words."""
    lines: list[str] = []
    cur = ""
    for clause in clauses:
        joined = cur + sep + clause if cur else clause
        if text_width(joined, size, numbers) <= width:
            cur = joined
            continue
        if cur:
            lines.append(cur + sep.rstrip())
            cur = ""
        for word in _words(clause):
            joined = cur + " " + word if cur else word
            if cur and text_width(joined, size, numbers) > width:
                lines.append(cur)
                cur = word
            else:
                cur = joined
    if cur:
        lines.append(cur)
    return lines


_OPERATORS = {"=", "~", "+", "−", "-", "×", "∝", "≈", "<", ">", "≤", "≥"}


def _words(clause: str) -> list[str]:
    """The clause's words, an operator kept with its neighbours: a line never ends in "λ =" ."""
    words: list[str] = []
    glue = False
    for word in clause.split(" "):
        if words and (glue or word in _OPERATORS):
            words[-1] += " " + word
        else:
            words.append(word)
        glue = word in _OPERATORS
    return words


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


def layer_traces(widths: Sequence[int], series: Sequence[Sequence[Any]], layers: Sequence[str],
                 theory_slopes: Sequence[float] | None, i: int, showlegend: bool) -> list[dict[str, Any]]:
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
                                                 layer_color(l), **refs(i)), first))
            first = False
    return traces


def layer_legend(layers: Sequence[str], with_theory: bool = True) -> list[str]:
    return [layer_name(l, kind) for l, kind in enumerate(layers)] + (["theory"] if with_theory else [])


# --- Axes and ticks ---------------------------------------------------------------------------------

def axis(title: str, log: bool = False, **extra: Any) -> dict[str, Any]:
    a: dict[str, Any] = {"title": {"text": title, "standoff": 6}, "type": "log" if log else "linear",
                         "zeroline": False, "automargin": True}
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


# --- The panel grid ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Screen:
    """What a layout is computed for: the narrowest chart (px) and the type sizes of one kind of screen."""

    width: float
    font: int  # ticks, axis titles, legend, panel titles
    title: int
    subtitle: int
    panel: int  # height of every plot area
    cols: int  # panels side by side, at most
    left: int
    right: int


# A desktop column is 551 px wide at its narrowest (a 601-px window); a phone's 270 px (320), and a
# notebook's output area there 248 px.
DESKTOP = Screen(width=550, font=12, title=16, subtitle=12, panel=260, cols=2, left=62, right=14)
PHONE = Screen(width=248, font=10, title=12, subtitle=10, panel=210, cols=1, left=48, right=8)

# Pixel heights of the pieces around the plot areas, per pixel of font size where they scale with it.
TITLE_TOP = 6  # above the title
TITLE_LINE = 1.25  # em per title line
SUBTITLE_GAP = 1.0  # em of subtitle font between the title and the subtitle's first line
SUBTITLE_LINE = 1.3  # em per subtitle line
TITLE_BOTTOM = 10  # below the subtitle, above the first panel title or plot area
PANEL_TITLE = 1.6  # em above a plot area for its panel title
TICKS = 1.8  # em below a plot area for the tick labels
AXIS_TITLE = 1.7  # em for an x-axis title below the tick labels
ROW_GAP = 12  # between a row's x-axis title and the next row's panel titles
LEGEND_GAP = 8  # between the last x-axis title and the legend
LEGEND_ROW = 19  # px per legend row: Plotly's symbols set it for fonts up to 13 px
LEGEND_BOTTOM = 8
LEGEND_SYMBOL = 46  # a legend entry's symbol and gaps, px, beside its text
Y_TICKS = 3.6  # em of tick labels on the left of a plot area (a second column's)
Y_TITLE = 1.8  # em of a y-axis title


@dataclass(frozen=True)
class Panel:
    """One plot area of a grid: its axes (from :func:`axis`), and a title above it."""

    x: dict[str, Any]
    y: dict[str, Any]
    title: str = ""


def grid_layout(title: str, subtitle: Sequence[str], panels: Sequence[Panel], legend: Sequence[str], *,
                shared: bool = False, legend_title: str = "", legend_room: Sequence[str] | None = None,
                annotations: Sequence[dict[str, Any]] = (), **extra: Any) -> dict[str, Any]:
    """The layout of a figure of one or more panels, for a desktop column, with the phone's overrides
    in ``meta.narrow`` (site_src/js/theme.js applies them below 600 px; it copies, never computes).

    ``title`` is one short line and ``subtitle`` the clauses below it (statistics, what dashed and
    dotted lines mean), broken into lines that fit each screen. Panels fill a grid of two columns on a
    desktop and one on a phone, each plot area ``Screen.panel`` pixels tall. ``shared``: the panels
    show the same axes, so only the bottom panel of a column keeps its x-axis title and only the left
    column its y-axis title. ``legend`` lists the names of the legend's entries (``legend_room``, if
    given, those it must have room for, so that the height does not change with the entries): the
    legend lies below the plot, with rows computed from those names.
    """
    desk = _geometry(DESKTOP, title, subtitle, panels, legend_room or legend, shared, legend_title)
    phone = _geometry(PHONE, title, subtitle, panels, legend_room or legend, shared, legend_title)
    lay: dict[str, Any] = {
        "title": desk.pop("title"),
        "legend": {"orientation": "h", "traceorder": "normal", "x": 0, "xref": "container", "xanchor": "left",
                   "yref": "container", "tracegroupgap": 0,
                   **({"title": {"text": legend_title}} if legend_title else {})},
        "annotations": [_panel_title(i, p.title) for i, p in enumerate(panels, start=1) if p.title]
        + list(annotations),
        "uirevision": UIREVISION,
        "hovermode": "closest",
        "meta": {"narrow": phone},
    }
    for i, p in enumerate(panels, start=1):
        lay[f"xaxis{suffix(i)}"] = {**p.x, **({"anchor": f"y{suffix(i)}"} if len(panels) > 1 else {})}
        lay[f"yaxis{suffix(i)}"] = {**p.y, **({"anchor": f"x{suffix(i)}"} if len(panels) > 1 else {})}
    for key, value in desk.items():
        lay[key] = {**lay[key], **value} if isinstance(value, dict) and key in lay else value
    lay.update(extra)
    return lay


def _panel_title(i: int, text: str) -> dict[str, Any]:
    return {"text": text, "xref": f"x{suffix(i)} domain", "yref": f"y{suffix(i)} domain",
            "x": 0.5, "y": 1.0, "xanchor": "center", "yanchor": "bottom", "showarrow": False}


def _geometry(s: Screen, title: str, subtitle: Sequence[str], panels: Sequence[Panel], legend: Sequence[str],
              shared: bool, legend_title: str) -> dict[str, Any]:
    """Height, margins, fonts, title lines and axis domains of the grid on screen ``s``."""
    n = len(panels)
    cols = min(s.cols, n)
    rows = math.ceil(n / cols)
    text_room = s.width - 12

    # A title wider than the screen would be cut by the chart's edge (Plotly does not wrap, and a
    # second title line is pushed upwards): its tail goes to the subtitle.
    head, tail = title, ""
    while text_width(head, s.title) > text_room and " " in head:
        head, word = head.rsplit(" ", 1)
        tail = word + (" " + tail if tail else "")
    clauses = ([tail] if tail else []) + list(subtitle)
    sub = wrap(clauses, text_room, s.subtitle) if clauses else []
    top = TITLE_TOP + TITLE_LINE * s.title
    if sub:
        top += SUBTITLE_GAP * s.subtitle + SUBTITLE_LINE * s.subtitle * len(sub)
    top += TITLE_BOTTOM

    def xtitle(i: int) -> str:
        t = panels[i].x.get("title", {}).get("text", "")
        return t if not shared or i + cols >= n else ""

    def ytitle(i: int) -> str:
        t = panels[i].y.get("title", {}).get("text", "")
        return t if not shared or i % cols == 0 else ""

    # Rows from the top of the paper (the plot-area box) down, in pixels.
    offsets, y = [], 0.0
    below = 0.0
    for r in range(rows):
        members = range(r * cols, min(n, (r + 1) * cols))
        if r:
            y += below + ROW_GAP
        if any(panels[i].title for i in members):
            y += PANEL_TITLE * s.font
        offsets.append(y)
        y += s.panel
        below = TICKS * s.font + (AXIS_TITLE * s.font if any(xtitle(i) for i in members) else 0.0)
    paper = y
    legend_rows = _legend_rows(legend, legend_title, s)
    bottom = below + LEGEND_GAP + LEGEND_ROW * legend_rows + LEGEND_BOTTOM
    height = math.ceil(top + paper + bottom)
    bottom = height - top - paper  # the rounding goes to the legend's side

    # Columns: the second column leaves room for its own tick labels (and y title, when it has one).
    gap = Y_TICKS * s.font + (Y_TITLE * s.font if any(ytitle(i) for i in range(1, n, cols)) else 0.0)
    gap_frac = gap / (s.width - s.left - s.right) if cols > 1 else 0.0
    col_w = (1.0 - gap_frac * (cols - 1)) / cols

    out: dict[str, Any] = {
        "height": height,
        "margin": {"l": s.left, "r": s.right, "t": round(top, 2), "b": round(bottom, 2)},
        "font": {"size": s.font},
        # Right under the last x-axis title; what the estimate over-reserved stays below it.
        "legend": {"y": round((bottom - below - LEGEND_GAP) / height, 5), "yanchor": "top"},
        "title": {"text": head, "x": 0, "xref": "container", "xanchor": "left", "pad": {"l": 6, "t": TITLE_TOP},
                  "y": 1, "yref": "container", "yanchor": "top", "font": {"size": s.title},
                  "subtitle": {"text": "<br>".join(sub), "font": {"size": s.subtitle}}},
    }
    for i in range(n):
        r, c = divmod(i, cols)
        y0 = offsets[r]
        out[f"xaxis{suffix(i + 1)}"] = {"domain": [round(c * (col_w + gap_frac), 4),
                                                   round(c * (col_w + gap_frac) + col_w, 4)],
                                        "title": {**panels[i].x.get("title", {}), "text": xtitle(i)}}
        out[f"yaxis{suffix(i + 1)}"] = {"domain": [round(1 - (y0 + s.panel) / paper, 5), round(1 - y0 / paper, 5)],
                                        "title": {**panels[i].y.get("title", {}), "text": ytitle(i)}}
    return out


def _legend_rows(names: Sequence[str], legend_title: str, s: Screen) -> int:
    """Rows of a horizontal legend of ``names`` on screen ``s``. Plotly keeps a legend that fits on
    one row as it is; one that does not becomes a grid whose every cell is as wide as the widest entry."""
    if not names:
        return 0
    room = s.width - 8 - (text_width(legend_title, s.font) + 10 if legend_title else 0.0)
    widths = [LEGEND_SYMBOL + text_width(name, s.font) for name in names]
    if sum(widths) <= room:
        return 1
    per_row = max(1, int(room // max(widths)))
    return math.ceil(len(names) / per_row)
