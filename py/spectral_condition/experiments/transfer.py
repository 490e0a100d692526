"""Section 8, hyperparameter transfer: final loss against the base learning rate at several widths,
and the best rate against width, beside its figure. The task is a small regression generated here."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import mlp, network, norms, sweeps
from ..constants import DIVERGED, NETWORK_SWEEP_START
from ..fit import loglog_slope, powers_of_two
from ..network import D_IN, D_OUT
from ..params import SEED, lr_grid, optimizer as optimizer_param, parameterization as parameterization_param, sweep_width
from ..parameterizations import network_scalings
from ..figure_layout import Panel, grid_layout
from ..plot import (GREY, OPTIMIZER_LABELS, PALETTE, PARAM_COLORS, PARAM_LABELS, axis, figure, line,
                    pow2_label, reference_slope, slope_label, span_axis, theory, width_axis)
from ..registry import experiment, get
from ..schema import Param
from ..theory import theory_exponents

TASK_SIZE, TEACHER_WIDTH = 32, 32
def lr_transfer_figure(result: dict[str, Any]) -> dict[str, Any]:
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
    best_span = [b for _, b in found]
    if found:
        color = PARAM_COLORS[d["parameterization"]]
        traces.append(line([n for n, _ in found], best_span, "best η", color,
                           xaxis="x2", yaxis="y2", marker={"color": color, "size": 10, "symbol": "star"}))
        slope = d["best_lr_theory"]
        traces.append(theory(reference_slope(widths, slope, found[0], f"theory: best η {slope_label(slope)}", GREY,
                                             xaxis="x2", yaxis="y2"), True))
        best_span += traces[-1]["y"]
    label = PARAM_LABELS[d["parameterization"]]
    opt = OPTIMIZER_LABELS[d["optimizer"]]
    slope = d["best_lr_slope"]
    subtitle = [f"{d['steps']} steps" + ("" if slope is None else
                                         f"; measured best η ∝ n^{{{round(slope, 2) + 0.0:+.2f}}}".replace("-", "−")),
                "★ best η per width; gaps: diverged",
                f"dashed: theory, best η {slope_label(d['best_lr_theory'])}"]
    ks = d["log2_lrs"]
    x = axis("base learning rate η", log=True, **_pow2_ticks(ks, ks))
    shown = [k for k in ks if best_span and min(best_span) / 1.5 <= 2.0 ** k <= max(best_span) * 1.5]
    grid = [Panel(x, span_axis("training loss after the last step", [v for ys in d["loss"] for v in ys]),
                  "loss against η"),
            Panel(width_axis(widths), axis("best η", log=True, **_pow2_ticks(ks, shown or ks)),
                  "best η against width")]
    # Room for a legend entry per width the slider offers, so the figure keeps its height as it moves.
    top = get(result["experiment"]).param("width").live_max
    room = [f"n = {n}" for n in powers_of_two(widths[0], max(widths[-1], top))] + ["best η", "theory"]
    legend = [t["name"] for t in traces if t.get("showlegend", True)]
    lay = grid_layout(f"Learning-rate transfer: {label}, {opt}", subtitle, grid, legend, legend_title="width",
                      legend_room=room)
    return figure(traces, lay)


def _pow2_ticks(ks: list[int], shown: list[int]) -> dict[str, Any]:
    """Ticks at 2^k for every k, labelled at every other (or third…) of those ``shown``, so that at most
    six labels share an axis."""
    every = math.ceil(len(shown) / 6)
    return {"tickmode": "array", "tickvals": [2.0 ** k for k in ks],
            "ticktext": [pow2_label(k) if k % every == 0 else "" for k in ks]}


def teacher_task(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A regression task generated in NumPy: 32 Gaussian inputs, targets of a random tanh teacher.

    y = V tanh(U x) with U (32 × d), V (d_out × 32) Gaussian of fan-in variance, scaled so that
    RMS(y) = 1. A smooth function of the inputs that a student MLP can fit, the same at every width.
    """
    rng = np.random.default_rng([seed, 7])
    x = rng.standard_normal((TASK_SIZE, D_IN))
    u = rng.standard_normal((TEACHER_WIDTH, D_IN)) / math.sqrt(D_IN)
    v = rng.standard_normal((D_OUT, TEACHER_WIDTH)) / math.sqrt(TEACHER_WIDTH)
    y = np.tanh(x @ u.T) @ v.T
    return x, y / norms.rms(y)


# Networks of one learning-rate sweep train as one stack; cap its entries like a single matrix.
STACK_ENTRIES = 2 ** 22


def _final_losses(parameterization: str, optimizer: str, net: list[int], z: list[np.ndarray], lrs: np.ndarray,
                  x: np.ndarray, y: np.ndarray, steps: int) -> np.ndarray:
    """Final training loss for each base learning rate in ``lrs`` (NaN where the run diverged)."""
    unit = network_scalings(parameterization, net, 1.0, optimizer)
    per_network = sum(a * b for a, b in zip(net[:-1], net[1:]))
    chunk = max(1, STACK_ENTRIES // per_network)
    out = []
    for start in range(0, len(lrs), chunk):
        k = lrs[start:start + chunk]
        stack = [np.repeat((s.std * zl)[None], len(k), axis=0) for s, zl in zip(unit, z)]
        opt = mlp.make_optimizer(optimizer, [s.lr * k[:, None, None] for s in unit])
        losses = mlp.train(stack, x, y, opt, steps)
        final = losses[-1]
        # Ending above the starting loss is not training: the step size has lost control.
        bad = ~np.isfinite(final) | (final > losses[0]) | np.any(losses > DIVERGED * losses[0], axis=0)
        out.append(np.where(bad, np.nan, final))
    return np.concatenate(out)


@experiment("lr_transfer", sweep=True, title="Learning-rate transfer: final loss against learning rate at several widths",
            section=8, cost="training",
            params=(sweep_width(256, NETWORK_SWEEP_START, live_max=1024),
                    Param("depth", "int", 2, label="depth $L$", min=2, max=3, live_max=2, step=1,
                          help="weight matrices: 2 (one hidden width) or 3 (two)"),
                    parameterization_param("sp"),
                    optimizer_param("adam"),
                    Param("steps", "int", 20, label="steps", min=5, max=50, live_max=20, step=1,
                          help="full-batch training steps per run"),
                    *lr_grid(-10, 2, -16),
                    Param("seeds", "int", 1, label="seeds", min=1, max=3, live_max=1, step=1,
                          help="each loss is the mean over this many initializations"),
                    SEED),
            figure=lr_transfer_figure)
def lr_transfer(width: int, depth: int, parameterization: str, optimizer: str, steps: int, lr_min: int,
                lr_max: int, seeds: int, seed: int) -> dict:
    """Final training loss against the base learning rate η, one curve per width.

    Under SP the readout's update grows like η·n (its learning rate does not shrink with the width
    while its input grows), so the largest stable η, and with it the best one, falls like 1/n.
    Under μP and spectral every layer's update is Θ(η) at every width, so the best η stays put and
    can be tuned once on a narrow network. None marks a run that diverged or ended above its
    initial loss. ``best_lr_slope`` is the log-log slope of the best η against width, and
    ``best_lr_theory`` its prediction: η must shrink as fast as the fastest-growing update, so the
    exponent is −max_l (exponent of RMS(Δh_l) per unit η), or 0 when no update grows.
    """
    widths = powers_of_two(NETWORK_SWEEP_START, width)
    ks = list(range(min(lr_min, lr_max), max(lr_min, lr_max) + 1))
    lrs = np.array([2.0 ** k for k in ks])
    loss, initial, best = [], [], []
    for n in widths:
        # runs[r][i] = (initial loss, final loss at 2^ks[i]) of seed + r
        runs = [sweeps.grid_points(_lr_transfer_point, [n], "ks", ks, depth=depth, parameterization=parameterization,
                                   optimizer=optimizer, steps=steps, task_seed=seed, seed=seed + r)[0]
                for r in range(seeds)]
        mean = np.mean([[final for _, final in run] for run in runs], axis=0)
        loss.append([network.finite_or_none(v) for v in mean])
        initial.append(float(np.mean([run[0][0] for run in runs])))
        best.append(float(lrs[int(np.nanargmin(mean))]) if np.any(np.isfinite(mean)) else None)
    found = [(n, b) for n, b in zip(widths, best) if b is not None]
    slope = loglog_slope(*zip(*found)) if len(found) >= 2 else None
    theory = 0.0 - max(0.0, max(theory_exponents(parameterization, optimizer, depth)["dh"]))
    return {"widths": widths, "lrs": lrs, "log2_lrs": ks, "loss": loss, "initial_loss": initial,
            "best_lr": best, "best_lr_slope": slope, "best_lr_theory": theory,
            "parameterization": parameterization,
            "optimizer": optimizer, "depth": depth, "steps": steps, "seeds": seeds}


def _lr_transfer_point(n: int, depth: int, parameterization: str, optimizer: str, steps: int,
                       ks: tuple[int, ...], task_seed: int, seed: int) -> list[tuple[float, float]]:
    """One width and network seed: for each base rate 2^k, the initial loss and the final loss (NaN
    where the run diverged), on the task of ``task_seed``. Each rate's network trains on its own in
    the stack, so a rate's losses do not depend on the others in ``ks``."""
    x, y = teacher_task(task_seed)
    net = network.dims(n, depth)
    z = network.normals(net, seed)
    w0 = network.init(parameterization, optimizer, net, z, lr=1.0).weights
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        start = float(mlp.loss_and_output_grad(mlp.forward(w0, x)[-1], y, "mse")[0])
        finals = _final_losses(parameterization, optimizer, net, z, np.array([2.0 ** k for k in ks]), x, y, steps)
    return [(start, float(f)) for f in finals]
