"""The panel grid of every figure, with its two layouts (a desktop column, and the phone's carried in
``layout.meta.narrow``), and the text measuring it needs.

Plotly does not wrap text and keeps a figure's height fixed, so the figure decides both: every size
below is computed in pixels from the text it will show, for the narrowest chart of each kind of screen.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from .plot import UIREVISION, _markup, suffix

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


# Memoized: a live figure measures the same titles, legends and subtitles again on every answer, and
# the measuring was a third of a cached answer's time in the browser.
@lru_cache(maxsize=4096)
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
