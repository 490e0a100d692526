"""Figures of the training experiments: sizes against width on log-log axes, one panel per setting.

Every width sweep draws the theory's exponent as a dashed line of the layer's colour through the
layer's first point, so a measured line parallel to its dashed line agrees with the theory, and a
dotted vertical line at the width the reader chose.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from .common import PALETTE, PARAM_COLORS, PARAM_LABELS, axis, figure, layout, line, reference_slope, slope_label

SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
KIND_WORDS = {"input": "input", "hidden": "hidden", "output": "readout"}
GREY = PALETTE[7]

QUANTITY_LABELS = {
    "dh": "RMS(Δh_l)",
    "dw": "‖ΔW_l‖_* / √(n_l/n_{l−1})",
    "rel_frobenius": "‖ΔW_l‖_F / ‖W_l‖_F",
    "rel_spectral": "‖ΔW_l‖_* / ‖W_l‖_*",
}
FLAT_TARGET = {"dh": True, "dw": True, "rel_frobenius": False, "rel_spectral": True}


def layer_color(l: int) -> str:
    return PALETTE[l % 7]  # the eighth colour is the grey of references


def layer_name(l: int, kind: str) -> str:
    """'l = 2 (hidden)' for the layer with 0-based index l."""
    return f"l = {l + 1} ({KIND_WORDS.get(kind, kind)})"


def _suffix(i: int) -> str:
    return "" if i == 1 else str(i)


def _refs(i: int) -> dict[str, str]:
    return {"xaxis": f"x{_suffix(i)}", "yaxis": f"y{_suffix(i)}"}


def _positive(values: Sequence[Any]) -> list[float]:
    return [v for v in values if v is not None and v > 0]


def log_range(values: Sequence[Any], min_decades: float = 1.0, pad: float = 0.08) -> list[float] | None:
    """A log axis range (log10 units) holding every positive value, at least ``min_decades`` tall.

    Panels share one range, so a flat line looks flat next to a rising one; the minimum height
    keeps Plotly from blowing finite-width noise of a few percent up to the full panel.
    """
    vals = _positive(values)
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


def _first_point(x: Sequence[float], y: Sequence[Any]) -> tuple[float, float] | None:
    for xi, yi in zip(x, y):
        if yi is not None and yi > 0:
            return xi, yi
    return None


def _width_axis(widths: Sequence[int], i: int, domain: list[float], title: str = "width n") -> dict[str, Any]:
    return axis(title, log=True, domain=domain, anchor=f"y{_suffix(i)}",
                tickvals=list(widths), ticktext=[str(n) for n in widths])


def _domains(k: int, gap: float = 0.05) -> list[list[float]]:
    w = (1.0 - gap * (k - 1)) / k
    return [[round(j * (w + gap), 4), round(j * (w + gap) + w, 4)] for j in range(k)]


def _panel_title(i: int, text: str) -> dict[str, Any]:
    return {"text": text, "xref": f"x{_suffix(i)} domain", "yref": f"y{_suffix(i)} domain",
            "x": 0.5, "y": 1.0, "xanchor": "center", "yanchor": "bottom", "showarrow": False}


def _chosen_width(width: int, ys: Sequence[float], i: int, showlegend: bool) -> list[dict[str, Any]]:
    ys = _positive(ys)
    if not ys:
        return []
    return [line([width, width], [min(ys), max(ys)], f"chosen width n = {width}", GREY, dash="dot",
                 markers=False, showlegend=showlegend, legendgroup="chosen", hoverinfo="skip", **_refs(i))]


def _layer_traces(widths: Sequence[int], series: Sequence[Sequence[Any]], layers: Sequence[str],
                  theory: Sequence[float] | None, i: int, showlegend: bool) -> list[dict[str, Any]]:
    """One solid line per layer, and its dashed theory slope through its first point."""
    traces = []
    for l, (ys, kind) in enumerate(zip(series, layers)):
        name = layer_name(l, kind)
        traces.append(line(widths, ys, name, layer_color(l), legendgroup=name, showlegend=showlegend,
                           **_refs(i)))
    if theory is not None:
        for l, (ys, slope) in enumerate(zip(series, theory)):
            start = _first_point(widths, ys)
            if start is None:
                continue
            traces.append(reference_slope(widths, slope, start, f"theory slope ({slope_label(slope)})",
                                          layer_color(l), legendgroup=layer_name(l, layers[l]),
                                          showlegend=False, **_refs(i)))
    return traces


def _theory_note(theory: Sequence[float], layers: Sequence[str]) -> str:
    return ", ".join(f"{layer_name(l, k)}: {slope_label(s)}" for l, (k, s) in enumerate(zip(layers, theory)))


# ---------------------------------------------------------------------------------------- section 3

def activation_rms(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, layers, theory = d["widths"], d["layers"], d["theory"]
    traces = _layer_traces(widths, d["rms"], layers, theory, 1, True)
    traces += _chosen_width(widths[-1], [v for ys in d["rms"] for v in ys], 1, True)
    label = PARAM_LABELS[d["parameterization"]]
    shrink = theory[-1] < 0
    title = (f"{label} at init: RMS(h_l) flat in n for l < L" +
             (f"; readout RMS(h_L) {slope_label(theory[-1])} by design" if shrink else ", readout too"))
    lay = layout(title, _width_axis(widths, 1, [0.0, 1.0]), axis("RMS(h_l) at initialization", log=True),
                 annotations=[{"text": "dashed: theory slope per layer", "xref": "paper", "yref": "paper",
                               "x": 1.0, "y": 1.02, "xanchor": "right", "yanchor": "bottom",
                               "showarrow": False}])
    return figure(traces, lay)


# ---------------------------------------------------------------------------------------- section 5

def update_sizes(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, layers, q = d["widths"], d["layers"], d["quantity"]
    params = list(d["values"])
    domains = _domains(len(params))
    yrange = log_range([v for p in params for ys in d["values"][p] for v in ys])
    traces, annotations, extra = [], [], {}
    for i, p in enumerate(params, start=1):
        series = d["values"][p]
        traces += _layer_traces(widths, series, layers, d["theory"][p], i, i == 1)
        traces += _chosen_width(widths[-1], [v for ys in series for v in ys], i, i == 1)
        annotations.append(_panel_title(i, f"<b>{PARAM_LABELS[p]}</b>"))
        if all(v is None for ys in series for v in ys):
            annotations.append({"text": "diverged at every width", "xref": f"x{_suffix(i)} domain",
                                "yref": f"y{_suffix(i)} domain", "x": 0.5, "y": 0.5, "showarrow": False})
        extra[f"xaxis{_suffix(i)}"] = _width_axis(widths, i, domains[i - 1])
        extra[f"yaxis{_suffix(i)}"] = axis(QUANTITY_LABELS[q] if i == 1 else "", log=True,
                                           anchor=f"x{_suffix(i)}", range=yrange)
    steps = d["steps"]
    opt = "SGD" if d["optimizer"] == "sgd" else "Adam"
    title = (f"{QUANTITY_LABELS[q]} after {steps} {opt} step{'s' if steps > 1 else ''}"
             " (dashed: theory slope of one small step)")
    lay = layout(title, extra.pop("xaxis"), extra.pop("yaxis"), annotations=annotations, **extra)
    return figure(traces, lay)


# ---------------------------------------------------------------------------------------- section 6

def update_alignment(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, layers = d["widths"], d["layers"]
    traces: list[dict[str, Any]] = []
    for l, kind in enumerate(layers):
        name = layer_name(l, kind)
        traces.append(line(widths, d["own"][l], f"{name}: own inputs", layer_color(l), legendgroup=name))
        traces.append(line(widths, d["unrelated"][l], f"{name}: unrelated inputs", layer_color(l),
                           dash="dot", legendgroup=name, marker={"color": layer_color(l), "size": 6,
                                                                 "symbol": "circle-open"}))
    own_start = _first_point(widths, d["own"][1])
    if own_start:
        traces.append(reference_slope(widths, 0.0, own_start, "theory: own inputs flat", GREY))
    unrel_start = _first_point(widths, d["unrelated"][1])
    if unrel_start:
        traces.append(reference_slope(widths, -0.5, unrel_start, f"theory: unrelated {slope_label(-0.5)}", GREY,
                                      legendgroup="unrelated-theory"))
    traces += _chosen_width(widths[-1], [v for k in ("own", "unrelated") for ys in d[k] for v in ys], 1, True)

    steps = list(range(1, d["steps"] + 1))
    for l, kind in enumerate(layers):
        traces.append(line(steps, d["by_step"][l], layer_name(l, kind), layer_color(l), showlegend=False,
                           legendgroup=layer_name(l, kind), xaxis="x2", yaxis="y2"))
    label = PARAM_LABELS[d["parameterization"]]
    title = f"{label}: ‖ΔW_l a‖ / (‖ΔW_l‖_* ‖a‖) for the layer's inputs a = φ(h_{{l−1}})"
    # The ratio is at most 1; show the same span on both panels, from below the data up to 1.
    vals = _positive([v for k in ("own", "unrelated", "by_step") for ys in d[k] for v in ys]) or [1.0]
    yrange = [math.log10(min(min(vals), 0.1)) - 0.08, 0.04]
    lay = layout(title, _width_axis(widths, 1, [0.0, 0.62]),
                 axis("alignment ratio", log=True, anchor="x", range=yrange),
                 xaxis2=axis("training step t", domain=[0.72, 1.0], anchor="y2", dtick=1),
                 yaxis2=axis("", log=True, anchor="x2", range=yrange),
                 annotations=[_panel_title(1, f"after {d['steps']} steps, against width"),
                              _panel_title(2, f"own inputs at n = {widths[-1]}, against step")])
    return figure(traces, lay)


# ---------------------------------------------------------------------------------------- section 7

def coord_check(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, layers, panels = d["widths"], d["layers"], d["panels"]
    domains = _domains(len(panels), gap=0.03)
    readout_shrinks = d["quantity"] == "h" and panels[0] == 1 and d["theory"][0][-1] < 0
    yrange = log_range([v for series in d["values"] for ys in series for v in ys])
    traces, annotations, extra = [], [], {}
    for i, (t, series, theory) in enumerate(zip(panels, d["values"], d["theory"]), start=1):
        traces += _layer_traces(widths, series, layers, theory, i, i == 1)
        traces += _chosen_width(widths[-1], [v for ys in series for v in ys], i, i == 1)
        annotations.append(_panel_title(i, "step 1 (init)" if t == 1 else f"step {t}"))
        extra[f"xaxis{_suffix(i)}"] = _width_axis(widths, i, domains[i - 1])
        ylabel = ("RMS(h_l)" if d["quantity"] == "h" else "RMS(h_l − h_l at init)") if i == 1 else ""
        extra[f"yaxis{_suffix(i)}"] = axis(ylabel, log=True, anchor=f"x{_suffix(i)}", range=yrange)
    if readout_shrinks:
        annotations.append({"text": f"readout at init {slope_label(d['theory'][0][-1])}:<br>small by design",
                            "xref": "x domain", "yref": "y domain", "x": 0.02, "y": 0.02,
                            "xanchor": "left", "yanchor": "bottom", "showarrow": False})
    label = PARAM_LABELS[d["parameterization"]]
    opt = "SGD" if d["optimizer"] == "sgd" else "Adam"
    seeds = f"{d['seeds']} seed{'s' if d['seeds'] > 1 else ''}"
    title = f"Coordinate check, {label}, {opt}, mean of {seeds}: flat lines pass"
    lay = layout(title, extra.pop("xaxis"), extra.pop("yaxis"), annotations=annotations, **extra)
    return figure(traces, lay)


# ---------------------------------------------------------------------------------------- section 8

def lr_transfer(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, lrs = d["widths"], d["lrs"]
    traces = []
    for j, (n, losses, best) in enumerate(zip(widths, d["loss"], d["best_lr"])):
        color = PALETTE[j % 7]
        chosen = j == len(widths) - 1
        traces.append(line(lrs, losses, f"n = {n}", color, legendgroup=f"n{n}",
                           line={"color": color, "width": 3.5 if chosen else 2}))
        if best is not None:
            k = lrs.index(best)
            traces.append(line([best], [losses[k]], f"best η at n = {n}", color, markers=True,
                               mode="markers", showlegend=False, legendgroup=f"n{n}",
                               marker={"color": color, "size": 14, "symbol": "star"}))
    found = [(n, b) for n, b in zip(widths, d["best_lr"]) if b is not None]
    if found:
        color = PARAM_COLORS[d["parameterization"]]
        traces.append(line([n for n, _ in found], [b for _, b in found],
                           f"best η against width ({PARAM_LABELS[d['parameterization']]})", color,
                           xaxis="x2", yaxis="y2", marker={"color": color, "size": 10, "symbol": "star"}))
        theory = d["best_lr_theory"]
        traces.append(reference_slope(widths, theory, found[0], f"theory: best η {slope_label(theory)}", GREY,
                                      xaxis="x2", yaxis="y2"))
    label = PARAM_LABELS[d["parameterization"]]
    opt = "SGD" if d["optimizer"] == "sgd" else "Adam"
    slope = d["best_lr_slope"]
    drift = "" if slope is None else f": best η ∝ n^{round(slope, 2) + 0.0:+.2f}"
    title = f"{label}, {opt}, {d['steps']} steps{drift} (★ best η; gaps: diverged)"
    ticks = [pow2_label(k) for k in d["log2_lrs"]]
    x = axis("base learning rate η", log=True, tickvals=lrs, ticktext=ticks, domain=[0.0, 0.62])
    lay = layout(title, x, axis("training loss after the last step", log=True),
                 xaxis2=_width_axis(widths, 2, [0.72, 1.0]),
                 yaxis2=axis("best η", log=True, anchor="x2", tickvals=lrs, ticktext=ticks),
                 annotations=[_panel_title(1, "loss against η, one curve per width"),
                              _panel_title(2, "best η against width")])
    lay["legend"]["title"] = {"text": "width"}
    return figure(traces, lay)
