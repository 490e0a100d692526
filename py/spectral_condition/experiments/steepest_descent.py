"""Section 10, steepest descent under the spectral norm: Newton–Schulz on a real gradient, update sizes of
SGD, Adam and spectral steepest descent against width, and the best η of spectral steepest descent
against width, each beside its figure."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import mlp, network, polar, sweeps
from ..constants import DIVERGED, NETWORK_SWEEP_START
from ..fit import loglog_slope, powers_of_two
from ..figure_layout import Panel, grid_layout
from ..params import SEED, lr_grid, parameterization as parameterization_param, sweep_width
from ..parameterizations import UPDATE_SCALES, layer_kinds, update_norms
from ..plot import (CHOSEN, GREY, PALETTE, PARAM_LABELS, axis, figure, layer_legend, layer_panel, line,
                    log_axis, log_range, log_ticks, width_axis)
from ..registry import experiment
from ..schema import Param
from ..theory import theory_exponents
from .transfer import _lr_transfer_point, lr_transfer_figure, teacher_task
from .updates import QUANTITY_LABELS, _update_quantities, _update_sizes_point

METHODS = ("svd", "quintic", "cubic")
METHOD_LABELS = {"svd": "exact (SVD)", "quintic": "Newton–Schulz, quintic", "cubic": "Newton–Schulz, cubic"}
SCALES = tuple(UPDATE_SCALES)
SCALE_LABELS = {"spectral": r"$\sqrt{n_l/n_{l-1}}$", "muon": r"$\sqrt{\max(1,\, n_l/n_{l-1})}$ (Muon)"}

METHOD = Param("method", "choice", "svd", label="polar factor", choices=METHODS,
               choice_labels=tuple(METHOD_LABELS[m] for m in METHODS),
               help="how the update direction UVᵀ is computed")
def ns_steps_param(live_max: int) -> Param:
    return Param("ns_steps", "int", 5, label="Newton–Schulz iterations $k$", min=1, max=12, live_max=live_max,
                 step=1, help="iterations when the polar factor is computed by Newton–Schulz")
SCALE = Param("scale", "choice", "spectral", label=r"update norm $\lVert\Delta W_l\rVert_*/\eta$", choices=SCALES,
              choice_labels=tuple(SCALE_LABELS[s] for s in SCALES),
              help="the per-layer size of the update")
LAYERS = Param("layers", "choice", "all", label="steepest descent on", choices=("all", "hidden"),
               choice_labels=("every layer", "hidden only (as Muon)"),
               help="which layers spectral steepest descent trains: every layer, or the hidden layers only with "
                    "Adam at the parameterization's rates on the input and readout, as Muon is used")
MOMENTUM = Param("momentum", "float", 0.0, label=r"momentum $\beta$", min=0.0, max=0.95, step=0.05,
                 help="0: the gradient's polar factor; above: of the Nesterov momentum, as Muon steps")


def _label(method: str, ns_steps: int) -> str:
    return "exact polar factor (SVD)" if method == "svd" else f"{ns_steps} {method} Newton–Schulz iterations"


# ------------------------------------------------------------------------------------ Newton–Schulz

# The map's y ticks; none at 0, where it would meet the x axis' first label in the corner.
MAP_TICKS = [0.2, 0.4, 0.6, 0.8, 1.0, 1.2]


def newton_schulz_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    k, kind = d["iterations"], d["kind"]
    traces = []
    for j, ys in enumerate(d["maps"], start=1):
        last = j == len(d["maps"])
        color = PALETTE[0] if last else PALETTE[4]
        traces.append(line(d["s"], ys, f"p^{{{k}}}(s)" if last else "earlier iterations", color, markers=False,
                           showlegend=last or j == 1, legendgroup="map" if last else "earlier",
                           line={"color": color, "width": 3 if last else 1}))
    traces.append(line(d["sigma"], d["after"], f"the gradient's σ_i after k = {k}", PALETTE[5], mode="markers",
                       marker={"color": PALETTE[5], "size": 7}, legendgroup="grad"))
    traces.append(line([d["s"][0], d["s"][-1]], [1.0, 1.0], "1 (the polar factor)", GREY, dash="dot", markers=False,
                       hoverinfo="skip", legendgroup="one"))
    idx = list(range(1, len(d["sigma"]) + 1))
    traces.append(line(idx, d["sigma"], "before: σ_i/‖G‖_F", GREY, xaxis="x2", yaxis="y2", legendgroup="before"))
    traces.append(line(idx, d["after"], f"after k = {k}", PALETTE[5], xaxis="x2", yaxis="y2",
                       showlegend=False, legendgroup="grad"))
    traces.append(line(idx, d["predicted"], "p^{k}(σ_i/‖G‖_F)", PALETTE[0], dash="dash", markers=False,
                       xaxis="x2", yaxis="y2", legendgroup="map", showlegend=False))
    traces.append(line([1, idx[-1]], [1.0, 1.0], "1", GREY, dash="dot", markers=False, showlegend=False,
                       hoverinfo="skip", xaxis="x2", yaxis="y2", legendgroup="one"))
    s_axis = axis("singular value s of G/‖G‖_F", log=True, **log_ticks(math.log10(d["s"][0]), 0.0))
    ys = [v for v in d["after"] + d["sigma"] if v > 0] + [1.0]
    map_axis = axis(f"p^{{{k}}}(s)", range=[0, 1.3], tickmode="array", tickvals=MAP_TICKS,
                    ticktext=[f"{v:g}" for v in MAP_TICKS])
    grid = [Panel(s_axis, map_axis, f"the map on singular values, {kind}"),
            Panel(axis("i (largest first)"), log_axis("singular value", ys), f"a gradient's σ_i, n = {d['width']}")]
    sub = [f"{k} iteration{'s' if k != 1 else ''} of X ← aX + b(XXᵀ)X + c(XXᵀ)²X",
           f"{d['rank']} nonzero singular values; after k: {min(d['after']):.3g} to {max(d['after']):.3g}"]
    legend = [t["name"] for t in traces if t.get("showlegend", True)]
    return figure(traces, grid_layout(f"Newton–Schulz, {kind}: a gradient after k iterations", sub, grid,
                                      legend))


@experiment("newton_schulz", title="Newton–Schulz: the map on singular values and a real gradient after k iterations",
            section=9, cost="norm", width_points=True,
            params=(Param("kind", "choice", "quintic", label="iteration", choices=tuple(polar.ITERATIONS),
                          choice_labels=("cubic $p(s) = (3s - s^3)/2$", "quintic (Muon's coefficients)"),
                          help="the odd polynomial applied to every singular value"),
                    Param("iterations", "int", 5, label="iterations $k$", min=0, max=12, step=1,
                          help="how many times the map is applied"),
                    Param("width", "int", 256, label="width $n$", min=64, max=2048, live_max=256, log2=True,
                          help="the gradient is that of the n × n hidden layer"),
                    SEED),
            figure=newton_schulz_figure)
def newton_schulz(kind: str, iterations: int, width: int, seed: int) -> dict:
    """The map p^k on singular values s ∈ [10⁻³, 1], and a real gradient's singular values after k
    Newton–Schulz iterations.

    G is ∂L/∂W_2 of the depth-3 network at width n (spectral init) on the 32 examples of the
    transfer task: rank ≤ 32. ``after`` is measured on the iterated matrix X_k, direction by
    direction, as u_iᵀ X_k v_i with G's own singular vectors (X_k keeps them, so this is X_k's
    singular value along G's i-th direction); ``predicted`` is p^k applied to σ_i/‖G‖_F.
    """
    s = np.logspace(-3, 0, 161)
    maps = [polar.scalar_map(s, j, kind) for j in range(1, iterations + 1)] or [s]
    (sig, after), = sweeps.points(_gradient_iterated, [width], kind=kind, iterations=iterations, seed=seed)
    return {"kind": kind, "iterations": iterations, "width": width, "s": s, "maps": maps, "sigma": sig,
            "after": after, "predicted": polar.scalar_map(sig, iterations, kind), "rank": len(sig)}


def _gradient_iterated(n: int, kind: str, iterations: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The figure's costly part at width n, a point of the width cache (so the site's build computes
    it at every notch, and the worker can compute the next notch ahead): the normalized gradient's
    nonzero singular values σ_i, and u_iᵀ X_k v_i."""
    x, y = teacher_task(seed)
    net = network.dims(n)
    w = network.init("spectral", "sgd", net, network.normals(net, seed)).weights
    _, grads, _ = mlp.loss_and_grads(w, x, y)
    g = grads[1]
    u, sig, vt = np.linalg.svd(polar.normalize(g), full_matrices=False)
    rank = int(np.sum(sig > sig[0] * max(g.shape) * np.finfo(float).eps))
    u, sig, vt = u[:, :rank], sig[:rank], vt[:rank]
    xk = polar.newton_schulz(g, iterations, kind)
    after = np.einsum("ij,ij->j", u, xk @ vt.T)
    sig.setflags(write=False)  # shared through the width cache
    after.setflags(write=False)
    return sig, after


# ------------------------------------------------------------------------------------ update sizes

STEEPEST_QUANTITIES = ("dw", "dh")
OPTIMIZER_PANELS = ("sgd", "adam", network.STEEPEST)
LR_OPTIMIZERS = (network.STEEPEST, "sgd", "adam")
PANEL_TITLES = {"sgd": "SGD", "adam": "Adam", network.STEEPEST: "spectral steepest descent"}


def steepest_update_sizes_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, layers, q = d["widths"], d["layers"], d["quantity"]
    yrange = log_range([v for o in OPTIMIZER_PANELS for ys in d["values"][o] for v in ys])
    ticks = log_ticks(*yrange) if yrange else {}
    traces, annotations, grid = [], [], []
    for i, o in enumerate(OPTIMIZER_PANELS, start=1):
        panel_traces, notes = layer_panel(widths, d["values"][o], layers, d["theory"][o], i)
        traces += panel_traces
        annotations += notes
        grid.append(Panel(width_axis(widths), axis(QUANTITY_LABELS[q], log=True, range=yrange, **ticks),
                          f"<b>{PANEL_TITLES[o]}</b>"))
    steps = d["steps"]
    sub = [f"{PARAM_LABELS[d['parameterization']]} init; SGD and Adam with its learning rates",
           f"steepest descent: {_label(d['method'], d['ns_steps'])}, ‖ΔW_l‖_* per step = η·"
           + ("√(n_l/n_{l−1})" if d["scale"] == "spectral" else "√max(1, n_l/n_{l−1})")
           + (f", momentum {d['momentum']:g}" if d["momentum"] else "")
           + ("; Adam on input and readout" if d["steepest_layers"] == "hidden" else ""),
           "dashed: theory slope", CHOSEN]
    lay = grid_layout(f"{QUANTITY_LABELS[q]} after {steps} step{'s' if steps > 1 else ''}", sub, grid,
                      layer_legend(layers), shared=True, annotations=annotations)
    return figure(traces, lay)


@experiment("steepest_update_sizes", sweep=True,
            title="Update sizes against width: SGD, Adam and spectral steepest descent", section=9, cost="training",
            params=(sweep_width(256, NETWORK_SWEEP_START, live_max=256),
                    Param("steps", "int", 1, label="steps $t$", min=1, max=10, live_max=3, step=1,
                          help="full-batch training steps before measuring"),
                    Param("quantity", "choice", "dw", label="quantity", choices=STEEPEST_QUANTITIES,
                          choice_labels=(r"$\lVert\Delta W_l\rVert_*/\sqrt{n_l/n_{l-1}}$",
                                         r"$\operatorname{RMS}(\Delta h_l)$"),
                          help="which size of the change to plot against width"),
                    parameterization_param("spectral"),
                    METHOD, ns_steps_param(6), SCALE, LAYERS, MOMENTUM, SEED),
            figure=steepest_update_sizes_figure)
def steepest_update_sizes(width: int, steps: int, quantity: str, parameterization: str, method: str, ns_steps: int,
                          scale: str, layers: str, momentum: float, seed: int) -> dict:
    """Sizes of the change after ``steps`` steps, per layer, against width: SGD, Adam, spectral steepest descent.

    SGD and Adam use the parameterization's init and learning rates (the points of ``update_sizes``);
    spectral steepest descent uses its init and the update norms ε_l of ``scale``. ΔW_l = W_l(t) − W_l(0)
    sums t steps, so its spectral norm is at most t·ε_l (equal after one step with the exact polar
    factor); its width exponent is that of ε_l at every t. With ``layers="hidden"`` the input layer and
    the readout train with Adam at the parameterization's rates instead, as the Muon optimizer is used.
    """
    widths = powers_of_two(NETWORK_SWEEP_START, width)
    values, theory = {}, {}
    for o in ("sgd", "adam"):
        pts = sweeps.points(_update_sizes_point, widths, steps=steps, optimizer=o, shown=(parameterization,),
                            seed=seed)
        values[o] = sweeps.by_layer([pt[parameterization][quantity] for pt in pts])
        theory[o] = theory_exponents(parameterization, o)[quantity]
    pts = sweeps.points(_steepest_point, widths, steps=steps, parameterization=parameterization,
                        method=method, ns_steps=ns_steps, scale=scale, layers=layers, momentum=momentum, seed=seed)
    values[network.STEEPEST] = sweeps.by_layer([pt[quantity] for pt in pts])
    kinds = ("hidden",) if layers == "hidden" else ("input", "hidden", "output")
    theory[network.STEEPEST] = theory_exponents(parameterization, "adam", update_scale=scale,
                                                steepest_kinds=kinds)[quantity]
    return {"widths": widths, "steps": steps, "quantity": quantity, "parameterization": parameterization,
            "method": method, "ns_steps": ns_steps, "scale": scale, "momentum": momentum, "layers": layer_kinds(3),
            "steepest_layers": layers,
            "values": values, "theory": theory}


def _steepest_point(n: int, steps: int, parameterization: str, method: str, ns_steps: int,
                    scale: str, layers: str, momentum: float, seed: int) -> dict[str, list[float | None]]:
    """One width: the per-layer value of every quantity after ``steps`` steps of spectral steepest descent."""
    x, y = network.batch(seed)
    net = network.dims(n)
    z = network.normals(net, seed)
    nw = network.init_steepest(parameterization, net, z, scale=scale, method=method, ns_steps=ns_steps,
                               momentum=momentum, hidden_only=layers == "hidden")
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        losses, h0, h1 = mlp.train_between(nw.weights, x, y, nw.optimizer, steps)
        if network.diverged(float(losses[-1]), float(losses[0])):
            return {q: [None] * len(nw.weights) for q in STEEPEST_QUANTITIES}
        return _update_quantities(nw.weights, z, nw.scalings, h0, h1, STEEPEST_QUANTITIES)


# -------------------------------------------------------------------------------- learning-rate transfer

def steepest_lr_transfer_figure(result: dict[str, Any]) -> dict[str, Any]:
    return lr_transfer_figure(result)


# Stacks of networks, one per learning rate, capped like a single matrix (as in the transfer figure).
STACK_ENTRIES = 2 ** 22


@experiment("steepest_lr_transfer", sweep=True,
            title="Learning-rate transfer under spectral steepest descent: final loss against η at several widths",
            section=9, cost="training",
            params=(sweep_width(256, NETWORK_SWEEP_START, live_max=512),
                    parameterization_param("spectral"),
                    Param("optimizer", "choice", network.STEEPEST, label="optimizer", choices=LR_OPTIMIZERS,
                          choice_labels=tuple(PANEL_TITLES[o] for o in LR_OPTIMIZERS),
                          help="spectral steepest descent, or SGD or Adam with the parameterization's rates"),
                    METHOD, ns_steps_param(6), SCALE,
                    Param("steps", "int", 10, label="steps", min=5, max=50, live_max=10, step=1,
                          help="full-batch training steps per run"),
                    *lr_grid(-8, 3, -12),
                    SEED),
            figure=steepest_lr_transfer_figure)
def steepest_lr_transfer(width: int, parameterization: str, optimizer: str, method: str, ns_steps: int, scale: str,
                         steps: int, lr_min: int, lr_max: int, seed: int) -> dict:
    """Final training loss against the base η of spectral steepest descent, one curve per width (depth 2).

    With ``optimizer`` SGD or Adam it is the transfer page's experiment (the same cached points), for
    comparison; ``method``, ``ns_steps`` and ``scale`` then play no part.

    With ε_l = η√(n_l/n_{l-1}) every layer's update meets the spectral condition exactly, so η is the
    same relative step at every width and the best η should not move (theory slope 0). With Muon's
    factor the readout's update is √(n/n_L) too large, its Δh grows like √n, and the best η falls
    like n^{-1/2} (the exponent of the fastest-growing RMS(Δh_l), as on the transfer page).
    """
    widths = powers_of_two(NETWORK_SWEEP_START, width)
    ks = list(range(min(lr_min, lr_max), max(lr_min, lr_max) + 1))
    lrs = np.array([2.0 ** k for k in ks])
    if optimizer == network.STEEPEST:
        pts = sweeps.grid_points(_lr_point, widths, "ks", ks, parameterization=parameterization, method=method,
                                 ns_steps=ns_steps, scale=scale, steps=steps, seed=seed)
        exps = theory_exponents(parameterization, depth=2, update_scale=scale)
    else:
        runs = sweeps.grid_points(_lr_transfer_point, widths, "ks", ks, depth=2, parameterization=parameterization,
                                  optimizer=optimizer, steps=steps, task_seed=seed, seed=seed)
        pts = [[final for _, final in run] for run in runs]
        exps = theory_exponents(parameterization, optimizer, depth=2)
    pts = [np.array(finals) for finals in pts]
    loss = [[network.finite_or_none(v) for v in finals] for finals in pts]
    best = [float(lrs[int(np.nanargmin(f))]) if np.any(np.isfinite(f)) else None for f in pts]
    found = [(n, b) for n, b in zip(widths, best) if b is not None]
    slope = loglog_slope(*zip(*found)) if len(found) >= 2 else None
    theory = 0.0 - max(0.0, max(exps["dh"]))
    return {"widths": widths, "lrs": lrs, "log2_lrs": ks, "loss": loss, "best_lr": best, "best_lr_slope": slope,
            "best_lr_theory": theory, "parameterization": parameterization, "optimizer": optimizer,
            "method": method, "ns_steps": ns_steps, "scale": scale, "depth": 2, "steps": steps}


def _lr_point(n: int, parameterization: str, method: str, ns_steps: int, scale: str, steps: int,
              ks: tuple[int, ...], seed: int) -> list[float]:
    """One width: the final loss for each base rate 2^k (NaN where the run diverged or ended above its
    start). Each rate's network trains on its own in the stack."""
    x, y = teacher_task(seed)
    net = network.dims(n, 2)
    z = network.normals(net, seed)
    unit = network.init_steepest(parameterization, net, z, lr=1.0, scale=scale)
    lrs = np.array([2.0 ** k for k in ks])
    chunk = max(1, STACK_ENTRIES // sum(a * b for a, b in zip(net[:-1], net[1:])))
    out = []
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for start in range(0, len(lrs), chunk):
            k = lrs[start:start + chunk]
            stack = [np.repeat(w[None], len(k), axis=0) for w in unit.weights]
            eps = [e * k[:, None, None] for e in update_norms(scale, net, 1.0)]
            losses = mlp.train(stack, x, y, mlp.SpectralDescent(eps, method=method, ns_steps=ns_steps), steps)
            final = losses[-1]
            bad = ~np.isfinite(final) | (final > losses[0]) | np.any(losses > DIVERGED * losses[0], axis=0)
            out.append(np.where(bad, np.nan, final))
    return [float(f) for f in np.concatenate(out)]
