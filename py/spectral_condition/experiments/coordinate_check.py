"""Section 7, the coordinate check of microsoft/mup: activation size per layer against width, one panel
per training step, beside its figure."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import mlp, network, norms, sweeps
from ..constants import NETWORK_SWEEP_START
from ..fit import powers_of_two
from ..params import OPTIMIZER, SEED, parameterization, sweep_width
from ..parameterizations import layer_kinds
from ..figure_layout import Panel, grid_layout
from ..plot import (CHOSEN, OPTIMIZER_LABELS, PARAM_LABELS, axis, chosen_width, figure,
                    layer_legend, layer_traces, log_range, ONE_STEP_THEORY, log_ticks, slope_label, width_axis)
from ..registry import experiment
from ..schema import Param
from ..theory import theory_exponents

# What each panel shows: the activations h_l, or their change since init h_l − h_l^init.
QUANTITIES = ("h", "dh")


def coord_check_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, layers, panels = d["widths"], d["layers"], d["panels"]
    readout_shrinks = d["quantity"] == "h" and panels[0] == 1 and d["theory"][0][-1] < 0
    yrange = log_range([v for series in d["values"] for ys in series for v in ys])
    ticks = log_ticks(*yrange) if yrange else {}
    ylabel = "RMS(h_l)" if d["quantity"] == "h" else "RMS(h_l − h_l at init)"
    traces, grid = [], []
    for i, (t, series, theory) in enumerate(zip(panels, d["values"], d["theory"]), start=1):
        traces += layer_traces(widths, series, layers, theory, i, i == 1, ONE_STEP_THEORY)
        traces += chosen_width(widths[-1], [v for ys in series for v in ys], i)
        grid.append(Panel(width_axis(widths), axis(ylabel, log=True, range=yrange, **ticks),
                          "at initialization" if t == 1 else f"after {t - 1} update{'s' if t > 2 else ''}"))
    label = PARAM_LABELS[d["parameterization"]]
    opt = OPTIMIZER_LABELS[d["optimizer"]]
    seeds = f"{d['seeds']} seed{'s' if d['seeds'] > 1 else ''}"
    subtitle = [f"mean of {seeds}; flat lines pass", "dashed: theory slope per layer"] + _setting_note(d)
    if readout_shrinks:
        subtitle.append(f"at initialization the readout is {slope_label(d['theory'][0][-1])}, small by design")
    lay = grid_layout(f"Coordinate check: {label}, {opt}", subtitle + [CHOSEN], grid, layer_legend(layers, theory_name=ONE_STEP_THEORY),
                      shared=True)
    return figure(traces, lay)


def _setting_note(d: dict[str, Any]) -> list[str]:
    """The network's setting in words when it is not the site's default network (else nothing)."""
    s = d.get("setting", {})
    default = {"d_in": network.D_IN, "d_out": network.D_OUT, "batch": network.BATCH, "loss": "mse", "lr": None}
    if not s or s == default:
        return []
    loss = "cross-entropy" if s["loss"] == "xent" else "squared error"
    lr = f"η = {s['lr']:g}" if s["lr"] else "tuned η"
    return [f"d = {s['d_in']}, n_L = {s['d_out']}, B = {s['batch']}, {loss}, {lr}"]


@experiment("coord_check", sweep=True, title="Coordinate check: activation size per layer against width, step by step",
            section=7, cost="training",
            params=(sweep_width(256, NETWORK_SWEEP_START, live_max=1024),
                    Param("steps", "int", 4, label="steps shown", min=2, max=5, live_max=4, step=1,
                          help="panels: at initialization, then after each update"),
                    parameterization(), OPTIMIZER,
                    Param("quantity", "choice", "h", label="quantity", choices=QUANTITIES,
                          choice_labels=(r"$\operatorname{RMS}(h_l)$", r"$\operatorname{RMS}(h_l - h_l^\text{init})$"),
                          help="the activations (microsoft/mup's check) or their change since init"),
                    Param("seeds", "int", 3, label="seeds", min=1, max=5, live_max=3, step=1,
                          help="each point is the mean over this many seeds (seed, seed + 1, …)"),
                    SEED,
                    # The network's setting (defaults: the site's network). microsoft/mup's standard
                    # check is d = 64, d_out = 10, B = 32, cross-entropy, η = 0.1.
                    Param("d_in", "int", network.D_IN, label="input dimension $d$", min=1, max=256,
                          live_max=64, step=1, help="entries of each input, Gaussian of size 1"),
                    Param("d_out", "int", network.D_OUT, label="output dimension $n_L$", min=2, max=64,
                          live_max=16, step=1, help="outputs (classes, for cross-entropy)"),
                    # The browser's budget: at width 1024 the run is about ten products of B × n by
                    # n × n per seed, 3 seeds × 0.34 G multiply-adds at B = 32, and WebAssembly without
                    # SIMD or a BLAS multiplies at about 2 G per second (OpenBLAS built for it: 17 %
                    # faster here), so B = 32 took 1.1–1.4 s in Chromium; B = 16 takes about half.
                    Param("batch", "int", network.BATCH, label="batch $B$", min=1, max=128, live_max=16,
                          step=1, help="examples in the one fixed training batch"),
                    Param("loss", "choice", "mse", label="loss", choices=mlp.LOSSES,
                          choice_labels=("squared error", "cross-entropy"),
                          help="squared error on Gaussian targets, or softmax cross-entropy on class labels"),
                    Param("lr", "float", 0.0, label=r"base rate $\eta$", min=0.0, max=4.0, step=0.05,
                          help="base learning rate; 0 takes the tuned rate of the parameterization")),
            figure=coord_check_figure)
def coord_check(width: int, steps: int, parameterization: str, optimizer: str, quantity: str, seeds: int,
                seed: int, d_in: int = network.D_IN, d_out: int = network.D_OUT, batch: int = network.BATCH,
                loss: str = "mse", lr: float = 0.0) -> dict:
    """Per-layer RMS of h_l (or of its change since init) against width, one panel per step.

    The procedure of microsoft/mup (Yang et al. 2022, Tensor Programs V, §D.1): train a few steps at
    several widths with a fixed base learning rate and plot the size of each layer's activations;
    a correct parameterization gives flat lines. Under SP they rise with width after the first
    update (the readout's step grows like n), under NTP the changes shrink like n^{-1/2} (lazy).
    The readout at step 1 under μP and spectral falls like n^{-1/2}: it starts small on purpose
    (microsoft/mup zero-initializes it), and its Θ(1) update takes over from step 2.
    Each point is the mean over ``seeds`` seeds (each a fresh batch and init); None if any diverged.
    ``d_in``, ``d_out``, ``batch``, ``loss`` and ``lr`` (0: the tuned base rate) set the network's
    setting; their defaults are the site's network, and d = 64, d_out = 10, B = 32, "xent", 0.1 is
    microsoft/mup's standard check (see mup_setting).
    """
    widths = powers_of_two(NETWORK_SWEEP_START, width)
    panels = list(range(1, steps + 1)) if quantity == "h" else list(range(2, steps + 1))
    # [width][seed] → (2, steps, 3) arrays, both quantities; the mean over seeds is NaN wherever one
    # seed diverged.
    setting = {"d_in": d_in, "d_out": d_out, "batch": batch, "loss": loss, "lr": lr or None}
    runs = [sweeps.points(_coord_check_point, widths, steps=steps, parameterization=parameterization,
                          optimizer=optimizer, seed=seed + r, **setting)
            for r in range(seeds)]
    q = QUANTITIES.index(quantity)
    mean = np.stack([np.mean([runs[r][i][q] for r in range(seeds)], axis=0) for i in range(len(widths))], axis=-1)
    values = [[[network.finite_or_none(v) for v in mean[t - 1, l]] for l in range(3)] for t in panels]
    th = theory_exponents(parameterization, optimizer)
    if quantity == "h":
        # After the first step the larger of init size and update size wins.
        theory = [th["rms_h"] if t == 1 else [max(a, b) for a, b in zip(th["rms_h"], th["dh"])] for t in panels]
    else:
        theory = [th["dh"] for _ in panels]
    return {"widths": widths, "panels": panels, "parameterization": parameterization,
            "optimizer": optimizer, "quantity": quantity, "seeds": seeds, "layers": layer_kinds(3),
            "values": values, "theory": theory, "setting": setting,
            "base_lr": lr or network.base_lr(parameterization, optimizer)}


def _coord_check_point(n: int, steps: int, parameterization: str, optimizer: str,
                       seed: int, d_in: int, d_out: int, batch: int, loss: str, lr: float | None) -> np.ndarray:
    """One width and seed: RMS per quantity (``QUANTITIES``), step and layer, shape (2, steps, 3),
    NaN from a diverged step on. Both quantities come from the same run, so switching between them
    trains nothing."""
    out = np.full((len(QUANTITIES), steps, 3), np.nan)
    x, y = network.batch(seed, batch, d_in, d_out, loss)
    net = network.dims(n, 3, d_in, d_out)
    net_ = network.init(parameterization, optimizer, net, network.normals(net, seed), lr)
    w, opt = net_.weights, net_.optimizer
    h_init, loss0 = None, None
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for t in range(steps):
            if t < steps - 1:
                value, grads, hs = mlp.loss_and_grads(w, x, y, loss=loss)
            else:  # the last panel needs the forward pass only
                hs = mlp.forward(w, x)
                value = mlp.loss_and_output_grad(hs[-1], y, loss)[0]
            loss0 = float(value) if loss0 is None else loss0
            h_init = hs if h_init is None else h_init
            if network.diverged(float(value), loss0):
                break
            for l in range(3):
                out[0, t, l] = norms.rms(hs[l])
                out[1, t, l] = norms.rms(hs[l] - h_init[l])
            if t < steps - 1:
                opt.step(w, grads)
    out.setflags(write=False)  # shared through the sweep cache
    return out
