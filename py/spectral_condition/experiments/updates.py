"""Section 5, updates: the sizes of the change after a few steps, per layer, against width, for SP,
NTP, μP and spectral side by side, beside its figure."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import mlp, network, norms, sweeps
from ..constants import NETWORK_SWEEP_START, NORM_TOL
from ..fit import powers_of_two
from ..params import OPTIMIZER, SEED, parameterization, sweep_width
from ..parameterizations import PARAMETERIZATIONS, layer_kinds
from ..figure_layout import Panel, grid_layout
from ..plot import (CHOSEN, OPTIMIZER_LABELS, PARAM_LABELS, axis, figure, layer_legend, layer_panel,
                    log_range, ONE_STEP_THEORY, log_ticks, width_axis)
from ..registry import experiment
from ..schema import Param
from ..theory import theory_exponents


QUANTITIES = ("dh", "dw", "rel_frobenius", "rel_spectral")


QUANTITY_LABELS = {
    "dh": "RMS(Δh_l)",
    "dw": "‖ΔW_l‖_* / √(n_l/n_{l−1})",
    "rel_frobenius": "‖ΔW_l‖_F / ‖W_l‖_F",
    "rel_spectral": "‖ΔW_l‖_* / ‖W_l‖_*",
}


FLAT_TARGET = {"dh": True, "dw": True, "rel_frobenius": False, "rel_spectral": True}


def update_sizes_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, layers, q = d["widths"], d["layers"], d["quantity"]
    params = list(d["values"])
    yrange = log_range([v for p in params for ys in d["values"][p] for v in ys])
    ticks = log_ticks(*yrange) if yrange else {}
    traces, annotations, grid = [], [], []
    for i, p in enumerate(params, start=1):
        panel_traces, notes = layer_panel(widths, d["values"][p], layers, d["theory"][p], i, ONE_STEP_THEORY)
        traces += panel_traces
        annotations += notes
        grid.append(Panel(width_axis(widths), axis(QUANTITY_LABELS[q], log=True, range=yrange, **ticks),
                          f"<b>{PARAM_LABELS[p]}</b>"))
    steps = d["steps"]
    opt = OPTIMIZER_LABELS[d["optimizer"]]
    lay = grid_layout(f"{QUANTITY_LABELS[q]} after {steps} {opt} step{'s' if steps > 1 else ''}",
                      ["dashed: theory slope of one small step", CHOSEN], grid, layer_legend(layers, theory_name=ONE_STEP_THEORY),
                      shared=True, annotations=annotations)
    return figure(traces, lay)


# What a trained point keeps per layer: the quantities but ‖ΔW_l‖_*/‖W_l‖_*, which is ‖ΔW_l‖_*/σ_l
# ("dw_per_std") divided by ‖Z_l‖_*, a property of the init alone (:func:`_init_spectral_norms`).
MEASURED = ("dh", "dw", "rel_frobenius", "dw_per_std")


def _update_quantities(w: list[np.ndarray], z: list[np.ndarray], scal, h0, h1,
                       quantities: tuple[str, ...] = MEASURED) -> dict[str, list[float | None]]:
    """Each of ``quantities``, per layer, of one trained network: measuring them all costs a little
    over measuring one (‖ΔW_l‖_* serves two), so switching quantities trains nothing."""
    out: dict[str, list[float | None]] = {q: [] for q in quantities}
    for l, (wl, zl, s) in enumerate(zip(w, z, scal)):
        dw = wl - s.std * zl
        top = norms.spectral_norm(dw, tol=NORM_TOL).value if {"dw", "dw_per_std"} & set(quantities) else 0.0
        for q in quantities:
            if q == "dh":
                v = norms.rms(h1[l] - h0[l])
            elif q == "dw":
                v = top / math.sqrt(wl.shape[0] / wl.shape[1])
            elif q == "rel_frobenius":
                v = norms.frobenius_norm(dw) / (s.std * norms.frobenius_norm(zl))
            else:
                v = top / s.std
            out[q].append(network.finite_or_none(v))
    return out


def _init_spectral_norms(n: int, seed: int) -> list[float]:
    """‖Z_l‖_* of each layer's init normals at width n (‖W_l(0)‖_* = σ_l‖Z_l‖_* under every
    parameterization). Only the relative spectral update needs them, and the hidden n × n one is a
    certified Krylov run of about 27 steps at width 1024, a quarter of a training point's time under
    Pyodide: so they are computed when that quantity is shown, once per width and seed."""
    return [norms.spectral_norm(zl, tol=NORM_TOL).value for zl in network.normals(network.dims(n), seed)]


def _values(pts: list[dict], p: str, quantity: str, widths: list[int], seed: int) -> list[list[float | None]]:
    """[layer][width] of one parameterization's ``quantity`` from the trained points."""
    if quantity != "rel_spectral":
        return sweeps.by_layer([pt[p][quantity] for pt in pts])
    inits = sweeps.points(_init_spectral_norms, widths, seed=seed)
    return sweeps.by_layer([[None if v is None else v / zn for v, zn in zip(pt[p]["dw_per_std"], init)]
                            for pt, init in zip(pts, inits)])


@experiment("update_sizes", sweep=True, title="Update sizes after a few steps: SP, NTP, μP and spectral side by side",
            section=5, cost="training",
            params=(sweep_width(256, NETWORK_SWEEP_START, live_max=1024),
                    Param("steps", "int", 1, label="steps $t$", min=1, max=10, live_max=3, step=1,
                          help="full-batch training steps before measuring"),
                    OPTIMIZER,
                    Param("quantity", "choice", "dh", label="quantity", choices=QUANTITIES,
                          choice_labels=(r"$\operatorname{RMS}(\Delta h_l)$",
                                         r"$\lVert\Delta W_l\rVert_*/\sqrt{n_l/n_{l-1}}$",
                                         r"$\lVert\Delta W_l\rVert_F/\lVert W_l\rVert_F$",
                                         r"$\lVert\Delta W_l\rVert_*/\lVert W_l\rVert_*$"),
                          help="which size of the update to plot against width"),
                    parameterization("all", extra=(("all", "all four"),)),
                    SEED),
            figure=update_sizes_figure)
def update_sizes(width: int, steps: int, optimizer: str, quantity: str, parameterization: str,
                 seed: int) -> dict:
    """Sizes of the change after ``steps`` steps, per layer, against width, for SP, NTP, μP, spectral.

    ΔW_l = W_l(t) − W_l(0) and Δh_l = h_l(t) − h_l(0) on the training batch; the relative updates
    divide by the init W_l(0). The spectral condition asks for RMS(Δh_l) = Θ(1) and
    ‖ΔW_l‖_* = Θ(√(n_l/n_{l-1})): flat lines. An SGD step is rank ≤ B, so ‖ΔW_l‖_F ≈ ‖ΔW_l‖_* (an
    Adam step is the sign of such a matrix, with the two norms still within a constant), while a
    random W_l(0) has ‖W_l‖_F ≈ √n ‖W_l‖_*: the right update is Θ(1) relative in spectral norm but
    Θ(1/√n) relative in Frobenius norm for a hidden layer, which is why Frobenius-based heuristics
    under-update wide layers. ``theory`` holds each layer's exponent from :func:`theory_exponents`.
    """
    widths = powers_of_two(NETWORK_SWEEP_START, width)
    shown = PARAMETERIZATIONS if parameterization == "all" else (parameterization,)
    pts = sweeps.points(_update_sizes_point, widths, steps=steps, optimizer=optimizer, shown=shown, seed=seed)
    return {"widths": widths, "steps": steps, "optimizer": optimizer, "quantity": quantity,
            "layers": layer_kinds(3), "values": {p: _values(pts, p, quantity, widths, seed) for p in shown},
            "theory": {p: theory_exponents(p, optimizer)[quantity] for p in shown},
            "base_lr": {p: network.base_lr(p, optimizer) for p in shown}}


def _update_sizes_point(n: int, steps: int, optimizer: str, shown: tuple[str, ...],
                        seed: int) -> dict[str, dict[str, list[float | None]]]:
    """One width: each shown parameterization's per-layer value of every quantity (None where the
    run diverged)."""
    x, y = network.batch(seed)
    net = network.dims(n)
    z = network.normals(net, seed)
    out = {}
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for p in shown:
            net_ = network.init(p, optimizer, net, z)
            w, opt, scal = net_.weights, net_.optimizer, net_.scalings
            losses, h0, h1 = mlp.train_between(w, x, y, opt, steps)
            if network.diverged(float(losses[-1]), float(losses[0])):
                out[p] = {q: [None] * len(w) for q in MEASURED}
                continue
            out[p] = _update_quantities(w, z, scal, h0, h1)
    return out
