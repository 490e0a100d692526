"""A Plotly figure dict drawn as a plain SVG, at build time, for readers without JavaScript.

Only what the package's figures use: scatter traces (lines, markers, gaps at None) and bar traces,
linear and log axes with domains (subplots), titles, paper/domain-anchored text annotations and a
legend. Colours are a mid grey for text and axes so the image reads on light and dark pages alike.
Drawing, not mathematics: every number comes from the figure the package computed.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

WIDTH = 760
PLOT_HEIGHT = 400
INK = "#808080"
GRID = "rgba(128,128,128,0.25)"
DASH = {"dash": "6,4", "dot": "2,3", "dashdot": "6,3,2,3", "longdash": "10,4"}


def _text(s: Any) -> str:
    """Plotly text may carry a few HTML tags (<b>, <sub>, <br>); an SVG <text> wants plain text."""
    s = re.sub(r"<br\s*/?>", " ", str(s or ""))
    return html.escape(html.unescape(re.sub(r"<[^>]+>", "", s)))


def _title(obj: Any) -> str:
    if isinstance(obj, dict):
        return _text(obj.get("text", ""))
    return _text(obj)


def _nums(values: list[Any]) -> list[float]:
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
            and math.isfinite(v)]


class Axis:
    def __init__(self, spec: dict[str, Any], values: list[float], lo_px: float, hi_px: float,
                 has_bars: bool = False) -> None:
        self.log = spec.get("type") == "log"
        self.lo_px, self.hi_px = lo_px, hi_px
        self.title = _title(spec.get("title"))
        if spec.get("range") and len(spec["range"]) == 2 and all(isinstance(r, (int, float)) for r in spec["range"]):
            a, b = spec["range"]  # Plotly gives log axes' ranges in log10 units
        else:
            vals = [math.log10(v) for v in values if v > 0] if self.log else list(values)
            if has_bars and not self.log:
                vals.append(0.0)
            if not vals:
                vals = [0.0, 1.0]
            a, b = min(vals), max(vals)
            pad = (b - a) * 0.05 or (abs(a) * 0.1 or 1.0)
            a, b = a - pad, b + pad
        self.a, self.b = a, b

    def px(self, v: float) -> float | None:
        if self.log:
            if v <= 0:
                return None
            v = math.log10(v)
        return self.lo_px + (v - self.a) / (self.b - self.a) * (self.hi_px - self.lo_px)

    def ticks(self) -> list[tuple[float, str]]:
        if self.log:
            lo, hi = math.floor(self.a), math.ceil(self.b)
            out = []
            for k in range(lo, hi + 1):
                for m in ((1,) if hi - lo > 2 else (1, 2, 5)):
                    v = m * 10.0 ** k
                    if self.a <= math.log10(v) <= self.b:
                        out.append((v, f"{v:g}"))
            return out
        span = self.b - self.a
        step = 10 ** math.floor(math.log10(span / 5)) if span > 0 else 1.0
        for m in (1, 2, 5, 10):
            if span / (step * m) <= 6:
                step *= m
                break
        first = math.ceil(self.a / step) * step
        out, v = [], first
        while v <= self.b + 1e-9 * step:
            out.append((v, f"{round(v, 10):g}"))
            v += step
        return out


def svg(figure: dict[str, Any]) -> str:
    data, layout = figure.get("data", []), figure.get("layout", {})
    margin = {"l": 60, "r": 20, "t": 50, "b": 60, **layout.get("margin", {})}
    legend = [t for t in data if t.get("showlegend", True) and t.get("name")]
    legend_rows = math.ceil(len(legend) / 2)
    height = int(layout.get("height", PLOT_HEIGHT + margin["t"] + margin["b"])) + 18 * legend_rows
    plot_w = WIDTH - margin["l"] - margin["r"]
    plot_top, plot_bottom = margin["t"], margin["t"] + PLOT_HEIGHT - 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
           f'font-family="sans-serif" font-size="12" fill="{INK}">']
    title = _title(layout.get("title"))
    if title:
        # Long titles wrap onto a second line at a space (an SVG <text> never wraps by itself).
        lines, line = [], ""
        for word in title.split(" "):
            if line and len(line) + len(word) > 95:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
        spans = "".join(f'<tspan x="{margin["l"]}" dy="{0 if i == 0 else 17}">{t}</tspan>'
                        for i, t in enumerate(lines[:2]))
        out.append(f'<text y="{22 if len(lines) == 1 else 14}" font-size="14">{spans}</text>')

    # One (x, y) axis pair per subplot, as the traces name them ("x2", "y2", ...).
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for t in data:
        pairs.setdefault((t.get("xaxis", "x"), t.get("yaxis", "y")), []).append(t)
    axes: dict[tuple[str, str], tuple[Axis, Axis]] = {}
    for (xr, yr), traces in pairs.items():
        xs = layout.get("xaxis" + xr[1:], {})
        ys = layout.get("yaxis" + yr[1:], {})
        d0, d1 = xs.get("domain", [0.0, 1.0])
        e0, e1 = ys.get("domain", [0.0, 1.0])
        bars = any(t.get("type") == "bar" for t in traces)
        xa = Axis(xs, [v for t in traces for v in _nums(t.get("x", []))],
                  margin["l"] + d0 * plot_w, margin["l"] + d1 * plot_w)
        ya = Axis(ys, [v for t in traces for v in _nums(t.get("y", []))],
                  plot_bottom - e0 * (plot_bottom - plot_top), plot_bottom - e1 * (plot_bottom - plot_top),
                  has_bars=bars)
        axes[(xr, yr)] = (xa, ya)
        clip = f"c{len(axes)}"
        x0, x1, y0, y1 = xa.lo_px, xa.hi_px, ya.hi_px, ya.lo_px
        out.append(f'<clipPath id="{clip}"><rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" '
                   f'height="{y1 - y0:.1f}"/></clipPath>')
        for v, label in xa.ticks():
            p = xa.px(v)
            out.append(f'<line x1="{p:.1f}" x2="{p:.1f}" y1="{y0:.1f}" y2="{y1:.1f}" stroke="{GRID}"/>'
                       f'<text x="{p:.1f}" y="{y1 + 15:.1f}" text-anchor="middle">{label}</text>')
        for v, label in ya.ticks():
            p = ya.px(v)
            out.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{p:.1f}" y2="{p:.1f}" stroke="{GRID}"/>'
                       f'<text x="{x0 - 5:.1f}" y="{p + 4:.1f}" text-anchor="end">{label}</text>')
        out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
                   f'fill="none" stroke="{INK}" stroke-width="0.6"/>')
        if xa.title:
            out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{y1 + 32:.1f}" text-anchor="middle">{xa.title}</text>')
        if ya.title:
            cy = (y0 + y1) / 2
            out.append(f'<text transform="translate({x0 - 45:.1f},{cy:.1f}) rotate(-90)" '
                       f'text-anchor="middle">{ya.title}</text>')
        out.append(f'<g clip-path="url(#{clip})">')
        for t in traces:
            out.extend(_trace(t, xa, ya))
        out.append("</g>")

    for a in layout.get("annotations", []):
        x, y = _annotation_xy(a, axes, margin, plot_w, plot_top, plot_bottom)
        if x is None:
            continue
        anchor = {"left": "start", "right": "end"}.get(a.get("xanchor"), "middle")
        dy = -4 if a.get("yanchor", "bottom") == "bottom" else 12
        out.append(f'<text x="{x:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">{_text(a.get("text"))}</text>')

    top = plot_bottom + 50
    for i, t in enumerate(legend):
        lx, ly = margin["l"] + (i % 2) * (plot_w / 2), top + 18 * (i // 2)
        color = _color(t)
        dash = DASH.get((t.get("line") or {}).get("dash"), "")
        mark = (f'<rect x="{lx:.1f}" y="{ly - 9:.1f}" width="22" height="10" fill="{color}"/>'
                if t.get("type") == "bar" else
                f'<line x1="{lx:.1f}" x2="{lx + 22:.1f}" y1="{ly - 4:.1f}" y2="{ly - 4:.1f}" stroke="{color}" '
                f'stroke-width="2" stroke-dasharray="{dash}"/>')
        out.append(mark + f'<text x="{lx + 28:.1f}" y="{ly:.1f}">{_text(t["name"])}</text>')
    out.append("</svg>")
    return "".join(out)


def _color(t: dict[str, Any]) -> str:
    c = (t.get("line") or {}).get("color") or (t.get("marker") or {}).get("color") or INK
    return c if isinstance(c, str) else INK


def _trace(t: dict[str, Any], xa: Axis, ya: Axis) -> list[str]:
    xs, ys = t.get("x", []), t.get("y", [])
    if not xs:
        xs = list(range(len(ys)))
    color = _color(t)
    out = []
    if t.get("type") == "bar":
        nx = _nums(xs)
        gaps = [b - a for a, b in zip(sorted(nx), sorted(nx)[1:]) if b > a]
        width = 0.8 * (min(gaps) if gaps else 1.0)
        base = ya.px(0.0) if not ya.log else ya.lo_px
        for x, y in zip(xs, ys):
            if not _nums([x, y]):
                continue
            left, right, top = xa.px(x - width / 2), xa.px(x + width / 2), ya.px(y)
            if None in (left, right, top):
                continue
            out.append(f'<rect x="{min(left, right):.1f}" y="{min(top, base):.1f}" width="{abs(right - left):.1f}" '
                       f'height="{abs(base - top):.1f}" fill="{color}" fill-opacity="0.6"/>')
        return out
    mode = t.get("mode", "lines+markers")
    points: list[tuple[float, float] | None] = []
    for x, y in zip(xs, ys):
        px = xa.px(x) if len(_nums([x])) == 1 else None
        py = ya.px(y) if len(_nums([y])) == 1 else None
        points.append(None if px is None or py is None else (px, py))
    if "lines" in mode:
        dash = DASH.get((t.get("line") or {}).get("dash"), "")
        width = (t.get("line") or {}).get("width", 2)
        run: list[tuple[float, float]] = []
        for p in points + [None]:
            if p is None:
                if len(run) > 1:
                    pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in run)
                    out.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="{width}" '
                               f'stroke-dasharray="{dash}"/>')
                run = []
            else:
                run.append(p)
    if "markers" in mode:
        size = (t.get("marker") or {}).get("size", 6)
        size = size if isinstance(size, (int, float)) else 6
        out.extend(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{size / 2:.1f}" fill="{color}"/>'
                   for p in points if p for a, b in [p])
    return out


def _annotation_xy(a, axes, margin, plot_w, plot_top, plot_bottom):
    x, y = a.get("x"), a.get("y")
    if not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
        return None, None
    xref, yref = a.get("xref", "paper"), a.get("yref", "paper")
    pair = next(((xa, ya) for (xr, yr), (xa, ya) in axes.items()
                 if xref.split()[0] == xr or yref.split()[0] == yr), None)
    if xref == "paper" or pair is None:
        px = margin["l"] + x * plot_w
    elif xref.endswith("domain"):
        px = pair[0].lo_px + x * (pair[0].hi_px - pair[0].lo_px)
    else:
        px = pair[0].px(x)
    if yref == "paper" or pair is None:
        py = plot_bottom - y * (plot_bottom - plot_top)
    elif yref.endswith("domain"):
        py = pair[1].lo_px + y * (pair[1].hi_px - pair[1].lo_px)
    else:
        py = pair[1].px(y)
    return px, py
