"""Section 6, the slope budget: a layer's feature update after one step, split into the update's
size, its alignment with the layer's input and the input's size, per layer against width, beside its
figure.

For layer l with input batch A (one row a_{l-1} per example) and update ΔW_l, exactly

    RMS(ΔW_l A) = [‖ΔW_l‖_* / √(n_l/n_{l-1})] · ρ_l · RMS(A),    ρ_l = ‖ΔW_l Aᵀ‖_F / (‖ΔW_l‖_* ‖A‖_F),

(RMS over every entry of the batch), so on log-log axes the slope of the left side is the sum of the
slopes of the three factors. The spectral condition fixes the first factor's slope at 0; alignment,
a gradient step being built from the layer's own inputs, keeps ρ_l at Θ(1) under every
parameterization; a parameterization that fails does so in the first factor.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import mlp, network, norms, products, sweeps
from ..constants import NETWORK_SWEEP_START, NORM_TOL
from ..figure_layout import Panel, grid_layout
from ..fit import loglog_slope, powers_of_two
from ..params import OPTIMIZER, SEED, parameterization, sweep_width
from ..parameterizations import layer_kinds
from ..plot import (OPTIMIZER_LABELS, PALETTE, PARAM_LABELS, axis, figure, layer_name, line, log_range,
                    log_ticks, reference_slope, refs, suffix, theory, width_axis)
from ..registry import experiment
from ..theory import theory_exponents

TERMS = ("size", "alignment", "input", "product")
TERM_LABELS = {
    "size": "update size ‖ΔW_l‖_* / √(n_l/n_{l−1})",
    "alignment": "alignment ρ_l",
    "input": "input RMS(a_{l−1})",
    "product": "= RMS(ΔW_l a_{l−1})",
}
TERM_COLORS = {"size": PALETTE[5], "alignment": PALETTE[2], "input": PALETTE[7], "product": PALETTE[0]}


def budget_theory(parameterization: str, optimizer: str) -> dict[str, list[float]]:
    """Each factor's exponent in n per layer, from :func:`theory_exponents` (one small step)."""
    t = theory_exponents(parameterization, optimizer)
    depth = len(t["dw"])
    inputs = [0.0] + t["rms_h"][:-1]  # a_0 = x is fixed; a_{l-1} = φ(h_{l-1}) keeps h_{l-1}'s size
    return {"size": list(t["dw"]), "alignment": [0.0] * depth, "input": inputs,
            "product": [t["dw"][l] + inputs[l] for l in range(depth)]}


def slope_budget_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, layers = d["widths"], d["layers"]
    values = [v for term in TERMS for ys in d["values"][term] for v in ys]
    yrange = log_range(values)
    ticks = log_ticks(*yrange) if yrange else {}
    traces, panels = [], []
    first_theory = True
    for l, kind in enumerate(layers):
        i = l + 1
        for term in TERMS:
            ys = d["values"][term][l]
            traces.append(line(widths, ys, TERM_LABELS[term], TERM_COLORS[term], legendgroup=term,
                               showlegend=l == 0, dash=None, **refs(i)))
        start = next(((x, y) for x, y in zip(widths, d["values"]["product"][l]) if y), None)
        if start:
            slope = d["theory"]["product"][l]
            traces.append(theory(reference_slope(widths, slope, start, "theory", TERM_COLORS["product"], **refs(i)),
                                 first_theory, "theory: sum of the factors' slopes"))
            first_theory = False
        s = d["slopes"]
        budget = (" = ".join([_signed(s["product"][l]),
                              " + ".join(_signed(s[t][l]) for t in ("size", "alignment", "input"))])
                  if s["product"][l] is not None else "diverged")
        panels.append(Panel(width_axis(widths), axis("size", log=True, range=yrange, **ticks),
                            f"<b>{layer_name(l, kind)}</b>: slope {budget}"))
    p, opt = d["parameterization"], OPTIMIZER_LABELS[d["optimizer"]]
    lay = grid_layout(f"Slope budget of one {opt} step under {PARAM_LABELS[p]}",
                      ["RMS(ΔW_l a_{l−1}) = update size × alignment × input size",
                       "panel titles: fitted slopes, product = size + alignment + input"],
                      panels, [TERM_LABELS[t] for t in TERMS] + ["theory: sum of the factors' slopes"],
                      shared=True)
    return figure(traces, lay)


def _signed(x: float | None) -> str:
    if x is None:
        return "—"
    text = f"{x:+.2f}"
    return "+0.00" if text == "-0.00" else text.replace("-", "−")


@experiment("slope_budget", sweep=True, title="Slope budget: update size, alignment and input size per layer",
            section=6, cost="training",
            params=(sweep_width(256, NETWORK_SWEEP_START, live_max=1024), OPTIMIZER, parameterization("sp"), SEED),
            figure=slope_budget_figure)
def slope_budget(width: int, optimizer: str, parameterization: str, seed: int) -> dict:
    """The three factors of RMS(ΔW_l a_{l−1}) after one step, per layer, against width, with fitted slopes.

    ``values[term][l]`` lists the factor per width (None where the step diverged); ``slopes[term][l]``
    is its log-log slope over the widths shown (None with fewer than two finite points);
    ``theory[term][l]`` the predicted exponent (:func:`budget_theory`).
    """
    widths = powers_of_two(NETWORK_SWEEP_START, width)
    pts = sweeps.points(_budget_point, widths, optimizer=optimizer, parameterization=parameterization, seed=seed)
    layers = layer_kinds(3)
    values = {t: sweeps.by_layer([pt[t] for pt in pts]) for t in TERMS}
    slopes = {t: [_slope(widths, ys) for ys in values[t]] for t in TERMS}
    return {"widths": widths, "layers": layers, "optimizer": optimizer, "parameterization": parameterization,
            "values": values, "slopes": slopes, "theory": budget_theory(parameterization, optimizer)}


def _slope(widths: list[int], ys: list[float | None]) -> float | None:
    pts = [(w, y) for w, y in zip(widths, ys) if y is not None and y > 0]
    return loglog_slope(*zip(*pts)) if len(pts) >= 2 else None


def _budget_point(n: int, optimizer: str, parameterization: str, seed: int) -> dict[str, list[float | None]]:
    x, y = network.batch(seed)
    dims = network.dims(n)
    z = network.normals(dims, seed)
    net = network.init(parameterization, optimizer, dims, z)
    w = net.weights
    losses, h0, _ = mlp.train_between(w, x, y, net.optimizer, 1)
    inputs = mlp.layer_inputs(x, h0)
    out: dict[str, list[float | None]] = {t: [] for t in TERMS}
    if network.diverged(float(losses[-1]), float(losses[0])):
        return {t: [None] * len(w) for t in TERMS}
    for wl, zl, s, a in zip(w, z, net.scalings, inputs):
        dw = wl - s.std * zl
        top = norms.spectral_norm(dw, tol=NORM_TOL).value
        moved = products.matmul_t(a, dw)  # one row ΔW_l a_{l−1} per example
        values = {"size": top / math.sqrt(wl.shape[0] / wl.shape[1]),
                  "alignment": norms.frobenius_norm(moved) / (top * norms.frobenius_norm(a)),
                  "input": norms.rms(a), "product": norms.rms(moved)}
        for t in TERMS:
            out[t].append(network.finite_or_none(values[t]))
    return out
