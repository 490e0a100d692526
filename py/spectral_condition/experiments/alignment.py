"""Section 6, alignment: why an update is aligned with the layer's own inputs. A single matrix
(random init, rank-one and rank-B updates, unrelated inputs) and a trained network's accumulated
updates, each experiment beside its figure."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import matrices, mlp, network, norms, sweeps
from ..constants import MATRIX_SWEEP_START, NETWORK_SWEEP_START, NORM_TOL, UNRELATED_INPUTS
from ..fit import powers_of_two
from ..params import ASPECT, OPTIMIZER, SEED, parameterization, sweep_width
from ..parameterizations import layer_kinds
from ..figure_layout import Panel, grid_layout
from ..plot import (CHOSEN, GREY, ONE_STEP_THEORY, PALETTE, PARAM_LABELS, axis, chosen_width, figure, first_point,
                    layer_color, layer_legend, layer_name, line, log_axis, log_ticks, positive,
                    reference_slope, slope_label, theory, width_axis)
from ..registry import experiment
from ..schema import Param


def alignment_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    n = d["widths"]
    traces = [
        line(n, d["random_init"], "random W, fixed h", PALETTE[0]),
        theory(reference_slope(n, 0.0, (n[0], d["random_init_theory"][0]),
                               "√n_out/(√n_out + √n_in), " + slope_label(0.0), PALETTE[0]), True),
        line(n, d["rank_one_own"], "g hᵀ on its own h", PALETTE[2]),
        line(n, d["rank_b_own"], f"rank B = {d['batch']} on h₁", PALETTE[3]),
        line(n, d["unrelated"], "g hᵀ on unrelated x", PALETTE[5]),
        theory(reference_slope(n, -0.5, (n[0], d["unrelated_theory"][0]), "1/√n_in " + slope_label(-0.5),
                               PALETTE[5]), False),
    ]
    subtitle = [f"γ = n_out/n_in = {d['aspect']:g}",
                "rank B: (1/B)Σ_b g_b h_bᵀ", f"unrelated x: RMS over {d['unrelated_inputs']} inputs",
                "dashed: theory, √n_out/(√n_out + √n_in) and 1/√n_in " + slope_label(-0.5)]
    lay = grid_layout("Alignment ‖A h‖/(‖A‖_*‖h‖) against width", subtitle,
                      [Panel(width_axis(n, "width n = max(n_in, n_out)"),
                             log_axis("‖A h‖ / (‖A‖_* ‖h‖)", d["random_init"] + d["rank_b_own"] + d["unrelated"]
                                      + d["unrelated_theory"] + [1.0]))],
                      [t["name"] for t in traces if t["showlegend"]])
    return figure(traces, lay)


@experiment("alignment", sweep=True, title="Alignment ‖A h‖/(‖A‖_*‖h‖) against width", section=6,
            params=(sweep_width(256, MATRIX_SWEEP_START), ASPECT,
                    Param("batch", "int", 8, label="batch $B$", min=1, max=64, step=1,
                          help=r"rank of the batch update $\sum_b g_b h_b^\top$"),
                    SEED),
            figure=alignment_figure)
def alignment(width: int, aspect: str, batch: int, seed: int) -> dict:
    """‖A h‖/(‖A‖_*‖h‖) for a random init, a rank-one update, a rank-B update and an unrelated input.

    - Random A (i.i.d. entries) on a fixed input h: ‖A h‖ ≈ σ√n_out‖h‖ while ‖A‖_* ≈ σ(√n_out + √n_in),
      so the ratio is ≈ √n_out/(√n_out + √n_in) (½ when square): Θ(1), but below 1, because h has
      no reason to lie in A's top singular direction.
    - A = g hᵀ (the gradient of a linear layer for one example) on its own input h: h is the top
      right singular vector, so the ratio is exactly 1.
    - A = (1/B) Σ_b g_b h_bᵀ (a batch) on h₁: rank ≤ B whatever the width; for independent
      examples the B outer products are nearly orthogonal, so h₁ keeps a width-independent share.
    - g hᵀ on an unrelated x: the ratio is |cos∠(h, x)|, whose mean square is exactly 1/n_in: it
      falls like n^{-1/2}. Shown as the RMS over several unrelated inputs.
    """
    widths = powers_of_two(MATRIX_SWEEP_START, width)
    # The batch only changes the rank-B update, a point of its own: changing it draws no large matrix.
    return {"widths": widths, "aspect": float(aspect), "batch": batch, "unrelated_inputs": UNRELATED_INPUTS,
            **sweeps.columns(_alignment_point, widths, aspect=aspect, seed=seed),
            **sweeps.columns(_rank_b_point, widths, aspect=aspect, batch=batch, seed=seed)}


def _alignment_point(n: int, aspect: str, seed: int) -> dict[str, float]:
    n_out, n_in = matrices.shape(n, aspect)
    rng = matrices.rng(seed, n_out, n_in, matrices.ALIGNMENT)
    out: dict[str, float] = {}
    a = matrices.gaussian(rng, n_out, n_in, 1.0 / np.sqrt(n_in))
    out["random_init"] = norms.alignment_ratio(a, rng.standard_normal(n_in), tol=NORM_TOL, seed=seed)
    out["random_init_theory"] = float(np.sqrt(n_out) / (np.sqrt(n_out) + np.sqrt(n_in)))
    del a

    g, h = rng.standard_normal(n_out), rng.standard_normal(n_in)
    a = np.outer(g, h)
    top = norms.spectral_norm(a, tol=NORM_TOL, seed=seed).value
    out["rank_one_own"] = norms.alignment_ratio(a, h, norm=top)
    xs = rng.standard_normal((UNRELATED_INPUTS, n_in))
    cos = norms.alignment_ratios(a, xs, top)
    out["unrelated"] = float(np.sqrt(np.mean(np.square(cos))))
    out["unrelated_theory"] = float(1.0 / np.sqrt(n_in))
    return out


def _rank_b_point(n: int, aspect: str, batch: int, seed: int) -> dict[str, float]:
    n_out, n_in = matrices.shape(n, aspect)
    rng = matrices.rng(seed, n_out, n_in, matrices.ALIGNMENT_BATCH)
    # A = G Hᵀ/B = Q_G (R_G R_Hᵀ/B) Q_Hᵀ: orthonormal factors change no singular value and no
    # length inside span(H), which holds h₁, so the small core gives the same ratio at O(n B²).
    gs, hs = rng.standard_normal((n_out, batch)), rng.standard_normal((n_in, batch))
    (_, r_g), (q_h, r_h) = np.linalg.qr(gs), np.linalg.qr(hs)
    return {"rank_b_own": norms.alignment_ratio(r_g @ r_h.T / batch, q_h.T @ hs[:, 0], tol=NORM_TOL, seed=seed)}



def update_alignment_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, layers = d["widths"], d["layers"]
    traces: list[dict[str, Any]] = []
    for l, kind in enumerate(layers):
        name = layer_name(l, kind)
        traces.append(line(widths, d["own"][l], name, layer_color(l), legendgroup=name))
        traces.append(line(widths, d["unrelated"][l], f"{name}: unrelated inputs", layer_color(l),
                           dash="dot", legendgroup=name, showlegend=False,
                           marker={"color": layer_color(l), "size": 6, "symbol": "circle-open"}))
    own_start = first_point(widths, d["own"][1])
    if own_start:
        traces.append(theory(reference_slope(widths, 0.0, own_start, "theory: own inputs flat", GREY), True, ONE_STEP_THEORY))
    unrel_start = first_point(widths, d["unrelated"][1])
    if unrel_start:
        traces.append(theory(reference_slope(widths, -0.5, unrel_start, f"theory: unrelated {slope_label(-0.5)}",
                                             GREY), not own_start, ONE_STEP_THEORY))
    traces += chosen_width(widths[-1], [v for k in ("own", "unrelated") for ys in d[k] for v in ys], 1)

    steps = list(range(1, d["steps"] + 1))
    for l, kind in enumerate(layers):
        traces.append(line(steps, d["by_step"][l], layer_name(l, kind), layer_color(l), showlegend=False,
                           legendgroup=layer_name(l, kind), xaxis="x2", yaxis="y2"))
    label = PARAM_LABELS[d["parameterization"]]
    # The ratio is at most 1; show the same span on both panels, from below the data up to 1.
    vals = positive([v for k in ("own", "unrelated", "by_step") for ys in d[k] for v in ys]) or [1.0]
    yrange = [math.log10(min(min(vals), 0.1)) - 0.08, 0.04]
    ticks = log_ticks(*yrange)
    subtitle = ["ratio ‖ΔW_l a‖/(‖ΔW_l‖_* ‖a‖) for the layer's inputs a = φ(h_{l−1})",
                "solid: the layer's own inputs", f"dotted: unrelated inputs (RMS over {d['unrelated_inputs']})",
                f"dashed: theory, flat and {slope_label(-0.5)}", CHOSEN]
    lay = grid_layout(f"{label}: updates align with their inputs", subtitle,
                      [Panel(width_axis(widths), axis("alignment ratio", log=True, range=yrange, **ticks),
                             f"after {d['steps']} step{'s' if d['steps'] > 1 else ''}"),
                       Panel(axis("training step t", dtick=1), axis("alignment ratio", log=True, range=yrange, **ticks),
                             f"own inputs at n = {widths[-1]}")],
                      layer_legend(layers, with_theory=bool(own_start or unrel_start), theory_name=ONE_STEP_THEORY))
    return figure(traces, lay)


def _alignment(dw: np.ndarray, inputs: np.ndarray, top: float) -> float | None:
    """Mean over the rows a_b of ``inputs`` of ‖ΔW a_b‖/(‖ΔW‖_*‖a_b‖), with ``top`` = ‖ΔW‖_*."""
    lengths = np.linalg.norm(inputs, axis=1)
    keep = lengths > 0  # an example whose ReLUs are all off has no direction
    if top == 0.0 or not keep.any():
        return None
    return float(np.mean(norms.alignment_ratios(dw, inputs[keep], top)))


@experiment("update_alignment", sweep=True, title="Updates align with the layer's own inputs during training", section=6,
            cost="training",
            params=(sweep_width(256, NETWORK_SWEEP_START, live_max=1024),
                    Param("steps", "int", 5, label="steps $t$", min=1, max=10, live_max=5, step=1,
                          help="full-batch training steps"),
                    Param("batch", "int", 8, label="batch $B$", min=1, max=32, live_max=16, step=1,
                          help=r"examples in the training batch (each step has rank $\le B$)"),
                    parameterization(), OPTIMIZER, SEED),
            figure=update_alignment_figure)
def update_alignment(width: int, steps: int, batch: int, parameterization: str, optimizer: str,
                     seed: int) -> dict:
    """Alignment ‖ΔW_l a‖/(‖ΔW_l‖_*‖a‖) of the accumulated update with the layer's inputs.

    a = a_{l-1}(t) = φ(h_{l-1}) of the current network on each training example (x itself for
    l = 1). The gradient of one example is g aᵀ, whose top right singular vector is a itself; a
    batch gives rank ≤ B and t steps rank ≤ tB, both fixed as the width grows, and made of the very
    inputs the layer sees. So the ratio stays Θ(1) at every width (Adam's steps are signs of such
    matrices: not low rank, but their top singular directions are still the inputs'). For contrast,
    the same ΔW_l on unrelated Gaussian inputs (RMS over several): their overlap with a fixed
    low-rank row space is ~1/√n_{l-1}, so that ratio falls like n^{-1/2} for the layers whose fan-in
    is the width.
    ``by_step`` follows the ratio over the steps at the chosen (largest) width (each width's point
    keeps its own, so a width computed once serves every sweep it is part of).
    """
    widths = powers_of_two(NETWORK_SWEEP_START, width)
    pts = sweeps.points(_update_alignment_point, widths, steps=steps, batch=batch,
                        parameterization=parameterization, optimizer=optimizer, seed=seed)
    return {"widths": widths, "steps": steps, "batch": batch, "parameterization": parameterization,
            "optimizer": optimizer, "layers": layer_kinds(3),
            "own": sweeps.by_layer([p["own"] for p in pts]),
            "unrelated": sweeps.by_layer([p["unrelated"] for p in pts]),
            "by_step": [list(ys) for ys in pts[-1]["by_step"]], "unrelated_inputs": UNRELATED_INPUTS}


def _update_alignment_point(n: int, steps: int, batch: int, parameterization: str, optimizer: str,
                            seed: int) -> dict[str, list]:
    """One width: the ratio on the own inputs after every step, and on unrelated inputs at the end."""
    x, y = network.batch(seed, batch)
    own, unrelated = [None] * 3, [None] * 3
    by_step = [[None] * steps for _ in range(3)]
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        net = network.dims(n)
        net_ = network.init(parameterization, optimizer, net, network.normals(net, seed))
        w, opt = net_.weights, net_.optimizer
        w0 = [a.copy() for a in w]
        # Each step's forward pass is the previous step's measuring pass: one per step, not two.
        hs = mlp.forward(w, x)
        inputs = mlp.layer_inputs(x, hs)
        loss0, g_out = mlp.loss_and_output_grad(hs[-1], y, "mse")
        for t in range(1, steps + 1):
            opt.step(w, mlp.backward(w, x, hs, g_out, inputs=inputs))
            hs = mlp.forward(w, x)
            loss, g_out = mlp.loss_and_output_grad(hs[-1], y, "mse")
            if network.diverged(float(loss), float(loss0)):
                break
            inputs = mlp.layer_inputs(x, hs)
            rng = np.random.default_rng([seed, n, network.UNRELATED_STREAM])
            for l in range(3):
                dw = w[l] - w0[l]
                top = norms.spectral_norm(dw, tol=NORM_TOL).value
                ratio = _alignment(dw, inputs[l], top)
                by_step[l][t - 1] = ratio
                if t == steps:
                    own[l] = ratio
                    others = rng.standard_normal((UNRELATED_INPUTS, dw.shape[1]))
                    if top > 0.0:
                        cos = norms.alignment_ratios(dw, others, top)
                        unrelated[l] = float(np.sqrt(np.mean(cos * cos)))
    return {"own": own, "unrelated": unrelated, "by_step": by_step}
