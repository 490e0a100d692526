"""Experiments that train an MLP (CONTENT.md sections 3, 5, 6, 7 and 8).

One small network serves every page: widths [d, n, n, d_out] with d = 8 inputs, two hidden widths
n and d_out = 4 outputs, so W₁ (n × d) is the input layer, W₂ (n × n) the hidden layer and W₃
(d_out × n) the readout, ReLU, no biases, MSE loss, trained full-batch on a fixed batch of B = 8
Gaussian inputs (entries of size Θ(1), so ‖x‖₂ = Θ(√d)) with Gaussian targets. Only n grows.

Each width n of a sweep draws its own standard-normal matrices Z_l from a generator seeded by
(seed, n), and every parameterization scales the *same* Z_l by its σ_l: the four parameterizations
start from the same random shape and differ only in the scales, so the figures compare scalings,
not luck. A point does not move when the reader changes the largest width.

Base learning rates (:data:`TUNED_LR`) were tuned once at width 64, as a practitioner would: for each
parameterization and optimizer, the power of two that minimizes the loss after five full-batch steps
(mean over seeds 0–2), backed off by one octave. The back-off matters: the minimizer sits at the edge
of stability, where a few steps oscillate and a width sweep measures the oscillation rather than the
scaling. What happens at larger widths is then the parameterization's doing.
"""

from __future__ import annotations

import math
from functools import lru_cache, partial
from typing import Any

import numpy as np

from .. import mlp, norms
from ..exponents import exponent_check
from ..figures import training as figs
from ..figures.common import PARAM_LABELS
from ..fit import loglog_slope, powers_of_two
from ..parameterizations import OPTIMIZERS, PARAMETERIZATIONS, layer_kinds, layer_scaling, network_scalings
from ..schema import Param
from .registry import EXPERIMENTS, experiment

D_IN, D_OUT, BATCH = 8, 4, 8
SWEEP_START = 32
FIT_WIDTHS = (64, 2048)  # the widths every exponent check fits over
# A log-log figure or slope shows three digits at best; tighter costs power steps the browser feels.
NORM_TOL = 1e-6
# A loss this many times its initial value means the run has left any regime a figure can show
# (activations ~1e5 times their start): its numbers are overflow noise and are reported as None.
DIVERGED = 1e10
UNRELATED_INPUTS = 32  # |cos| of one unrelated input varies by a factor of ten: average many

# Base η per (parameterization, optimizer), tuned at width 64 (see the module docstring).
TUNED_LR = {("sp", "sgd"): 2.0 ** -3, ("ntp", "sgd"): 2.0 ** 2, ("mup", "sgd"): 2.0 ** -2,
            ("spectral", "sgd"): 2.0 ** -1,
            ("sp", "adam"): 2.0 ** -6, ("ntp", "adam"): 2.0 ** -4, ("mup", "adam"): 2.0 ** -2,
            ("spectral", "adam"): 2.0 ** -1}

QUANTITIES = ("dh", "dw", "rel_frobenius", "rel_spectral")


# ------------------------------------------------------------------------------- shared parameters

def _width(default: int) -> Param:
    return Param("width", "int", default, label="largest width n", min=64, max=2048, log2=True,
                 help=f"the sweep runs over the powers of two from {SWEEP_START} to this width")


SEED = Param("seed", "int", 0, label="seed", min=0, max=99, step=1,
             help="random seed: the figure is deterministic for a seed")
PARAMETERIZATION = Param("parameterization", "choice", "spectral", label="parameterization",
                         choices=PARAMETERIZATIONS, choice_labels=("SP", "NTP", "μP", "spectral"),
                         help="how init scale and learning rate depend on width")
OPTIMIZER = Param("optimizer", "choice", "sgd", label="optimizer", choices=OPTIMIZERS,
                  choice_labels=("SGD", "Adam"), help="full-batch SGD or Adam")


def _param_choice(default: str) -> Param:
    return Param("parameterization", "choice", default, label=PARAMETERIZATION.label,
                 choices=PARAMETERIZATION.choices, choice_labels=PARAMETERIZATION.choice_labels,
                 help=PARAMETERIZATION.help)


# -------------------------------------------------------------------------------------- the network

def dims(width: int, depth: int = 3) -> list[int]:
    """[d, n, …, n, d_out]: ``depth`` weight matrices, so depth − 1 hidden widths n."""
    return [D_IN] + [width] * (depth - 1) + [D_OUT]


def _batch(seed: int, size: int = BATCH) -> tuple[np.ndarray, np.ndarray]:
    """The training batch of a seed: the same at every width."""
    rng = np.random.default_rng([seed, 0])
    return rng.standard_normal((size, D_IN)), rng.standard_normal((size, D_OUT))


def _normals(widths: list[int], seed: int) -> list[np.ndarray]:
    """Standard-normal Z_l for each layer; W_l = σ_l Z_l under every parameterization."""
    rng = np.random.default_rng([seed, widths[1], 1])
    return [rng.standard_normal((widths[l + 1], widths[l])) for l in range(len(widths) - 1)]


def _network(parameterization: str, optimizer: str, widths: list[int], z: list[np.ndarray]):
    """Weights σ_l Z_l, an optimizer with the tuned per-layer rates, and the layer scalings."""
    scal = network_scalings(parameterization, widths, TUNED_LR[parameterization, optimizer], optimizer)
    weights = [s.std * zl for s, zl in zip(scal, z)]
    return weights, mlp.make_optimizer(optimizer, [s.lr for s in scal]), scal


def _diverged(loss: float, initial: float) -> bool:
    return not math.isfinite(loss) or loss > DIVERGED * initial


def _spectral_norm(a: np.ndarray) -> float:
    return norms.spectral_norm(a, tol=NORM_TOL).value


def _none_if_bad(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None


# ------------------------------------------------------------------------------------------ theory

def _width_exponent(parameterization: str, kind: str, quantity: str, optimizer: str) -> float:
    """Exponent of σ_l (quantity "std") or η_l ("lr") in the width n, read off the table."""
    def value(n: float) -> float:
        fan_in = D_IN if kind == "input" else n
        fan_out = D_OUT if kind == "output" else n
        s = layer_scaling(parameterization, kind, fan_in, fan_out, 1.0, optimizer)
        return s.std if quantity == "std" else s.lr
    n = 2.0 ** 20  # far above d and d_out, where min(1, √(n_l/n_{l-1})) has settled
    return round(math.log2(value(2 * n) / value(n)), 9)


def theory_exponents(parameterization: str, optimizer: str = "sgd", depth: int = 3) -> dict[str, list[float]]:
    """Predicted exponents in n of each layer's sizes, at init and after one small step.

    Bookkeeping of powers of n, per layer l with fan-in and fan-out exponents e_in, e_out ∈ {0, 1}
    (1 when that side is the width n), σ_l ∝ n^{s_l}, η_l ∝ n^{r_l} from the parameterization table:
    - forward at init: ‖h_l‖ ≈ σ_l √n_l ‖a_{l-1}‖ (a Gaussian matrix on an independent vector), and
      a_l = φ(h_l) keeps a fixed fraction of it;
    - backward at init: ‖g_{l-1}‖ ≈ σ_l √n_{l-1} ‖g_l‖, from ‖g_L‖ = Θ(1) (loss gradient);
    - one SGD step: ΔW_l = −η_l g_l a_{l-1}ᵀ (rank ≤ B), so ‖ΔW_l‖_* ≈ ‖ΔW_l‖_F ≈ η_l‖g_l‖‖a_{l-1}‖;
      one Adam step is sign descent, ‖ΔW_l‖_* ≈ ‖ΔW_l‖_F ≈ η_l √(n_l n_{l-1});
    - Δh_l = ΔW_l a_{l-1} + W_l Δa_{l-1} to first order in the step. The first term is aligned:
      ‖ΔW_l a_{l-1}‖ ≈ ‖ΔW_l‖_*‖a_{l-1}‖. The second is *not* a random matrix on an unrelated vector:
      the backward pass builds Δa_{l-1} out of W_lᵀ g_l (linearly under SGD, through a sign under
      Adam), so W_l adds up its n_{l-1} columns coherently, ‖W_l Δa_{l-1}‖ ≈ σ_l n_{l-1} RMS(Δa_{l-1})
      (for SGD, W_l W_lᵀ ≈ σ_l² n_{l-1} on its range). This is what makes SP's readout under Adam
      move like n^{3/2}. The larger exponent of the two terms wins;
    - ‖W_l‖_* ≈ σ_l(√n_l + √n_{l-1}) and ‖W_l‖_F ≈ σ_l √(n_l n_{l-1}).
    RMS divides a norm by √n_l. The second-order term ΔW_l Δa_{l-1} is left out (smaller by a factor
    of the step size; with its row space spanned by the inputs a_{l-1}, it sees Δa_{l-1} only through
    an unrelated-input overlap ~1/√n_{l-1}, which keeps it at or below the two terms above here).
    Where two terms of different exponents are close at the widths measured (NTP's readout under
    Adam: ½ from the aligned term, 1 from the coherent one), the measured slope lies in between.
    """
    kinds = layer_kinds(depth)
    e_in = [0.0 if k == "input" else 1.0 for k in kinds]
    e_out = [0.0 if k == "output" else 1.0 for k in kinds]
    s = [_width_exponent(parameterization, k, "std", optimizer) for k in kinds]
    r = [_width_exponent(parameterization, k, "lr", optimizer) for k in kinds]
    a = [0.0]  # ‖a_0‖ = ‖x‖, fixed
    h = []
    for l in range(depth):
        h.append(s[l] + 0.5 * e_out[l] + a[l])
        a.append(h[l])
    g = [0.0] * depth
    for l in range(depth - 1, 0, -1):
        g[l - 1] = s[l] + 0.5 * e_in[l] + g[l]
    if optimizer == "sgd":
        dw = [r[l] + g[l] + a[l] for l in range(depth)]
    else:
        dw = [r[l] + 0.5 * (e_in[l] + e_out[l]) for l in range(depth)]
    dh: list[float] = []
    for l in range(depth):
        terms = [dw[l] + a[l]] + ([s[l] + 0.5 * e_in[l] + dh[l - 1]] if l > 0 else [])
        dh.append(max(terms))
    return {
        "rms_h": [h[l] - 0.5 * e_out[l] for l in range(depth)],
        "dh": [dh[l] - 0.5 * e_out[l] for l in range(depth)],
        "dw": [dw[l] - 0.5 * (e_out[l] - e_in[l]) for l in range(depth)],
        "rel_frobenius": [dw[l] - s[l] - 0.5 * (e_in[l] + e_out[l]) for l in range(depth)],
        "rel_spectral": [dw[l] - s[l] - 0.5 * max(e_in[l], e_out[l]) for l in range(depth)],
    }


# ------------------------------------------------------------------------------- activation sizes

@experiment("activation_rms", title="RMS(h_l) of every layer against width, at initialization", section=3,
            params=(_width(512),
                    Param("depth", "int", 4, label="depth L", min=2, max=6, step=1,
                          help="number of weight matrices (L − 1 hidden widths n)"),
                    PARAMETERIZATION, SEED),
            figure=figs.activation_rms)
def activation_rms(width: int, depth: int, parameterization: str, seed: int) -> dict:
    """RMS(h_l) at initialization for every layer l against width n.

    Entries of W_l are N(0, σ_l²) and independent of the layer input a_{l-1}, so each entry of
    h_l = W_l a_{l-1} is Gaussian with variance σ_l²‖a_{l-1}‖²: RMS(h_l) = σ_l ‖a_{l-1}‖ up to a
    law-of-large-numbers error. With σ_l = 1/√n_{l-1} and ‖a_{l-1}‖ = Θ(√n_{l-1}) that is Θ(1), at
    every width: entries of size Θ(1), ‖h_l‖₂ = Θ(√n_l). μP and spectral start the readout smaller
    (σ_L ∝ 1/n), so RMS(h_L) ∝ n^{-1/2} at init, by design: the readout's update, which is Θ(1),
    must dominate it once training starts.
    """
    widths = powers_of_two(SWEEP_START, width)
    x, _ = _batch(seed)
    rms = [[0.0] * len(widths) for _ in range(depth)]
    for i, n in enumerate(widths):
        net = dims(n, depth)
        scal = network_scalings(parameterization, net, 1.0)
        rng = np.random.default_rng([seed, n, 1])
        a = x
        # One layer at a time: a deep sweep at n = 2048 never holds more than one big matrix.
        for l, s in enumerate(scal):
            h = a @ (s.std * rng.standard_normal((net[l + 1], net[l]))).T
            rms[l][i] = norms.rms(h)
            a = mlp.phi(h, "relu")
    return {"widths": widths, "parameterization": parameterization, "depth": depth,
            "layers": layer_kinds(depth), "rms": rms,
            "theory": theory_exponents(parameterization, "sgd", depth)["rms_h"]}


# ---------------------------------------------------------------------------------- update sizes

def _update_quantity(quantity: str, w: list[np.ndarray], z: list[np.ndarray], scal, h0, h1,
                     z_norms: dict[int, float]) -> list[float]:
    out = []
    for l, (wl, zl, s) in enumerate(zip(w, z, scal)):
        if quantity == "dh":
            out.append(norms.rms(h1[l] - h0[l]))
            continue
        dw = wl - s.std * zl
        if quantity == "dw":
            out.append(_spectral_norm(dw) / math.sqrt(wl.shape[0] / wl.shape[1]))
        elif quantity == "rel_frobenius":
            out.append(norms.frobenius_norm(dw) / (s.std * norms.frobenius_norm(zl)))
        else:
            if l not in z_norms:
                z_norms[l] = _spectral_norm(zl)  # ‖σZ‖_* = σ‖Z‖_*: once per width for all four
            out.append(_spectral_norm(dw) / (s.std * z_norms[l]))
    return out


@experiment("update_sizes", title="Update sizes after a few steps: SP, NTP, μP and spectral side by side",
            section=5, cost="training",
            params=(_width(256),
                    Param("steps", "int", 1, label="steps t", min=1, max=10, step=1,
                          help="full-batch training steps before measuring"),
                    OPTIMIZER,
                    Param("quantity", "choice", "dh", label="quantity", choices=QUANTITIES,
                          choice_labels=("RMS(Δh_l)", "‖ΔW_l‖_*/√(n_l/n_{l-1})", "‖ΔW_l‖_F/‖W_l‖_F",
                                         "‖ΔW_l‖_*/‖W_l‖_*"),
                          help="which size of the update to plot against width"),
                    Param("parameterization", "choice", "all", label="parameterization",
                          choices=("all",) + PARAMETERIZATIONS,
                          choice_labels=("all four",) + PARAMETERIZATION.choice_labels,
                          help="all four side by side, or one of them"),
                    SEED),
            figure=figs.update_sizes)
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
    widths = powers_of_two(SWEEP_START, width)
    x, y = _batch(seed)
    shown = PARAMETERIZATIONS if parameterization == "all" else (parameterization,)
    values = {p: [[None] * len(widths) for _ in range(3)] for p in shown}
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for i, n in enumerate(widths):
            net = dims(n)
            z = _normals(net, seed)
            z_norms: dict[int, float] = {}
            for p in shown:
                w, opt, scal = _network(p, optimizer, net, z)
                h0 = mlp.forward(w, x)
                losses = mlp.train(w, x, y, opt, steps)
                if _diverged(float(losses[-1]), float(losses[0])):
                    continue
                h1 = mlp.forward(w, x)
                for l, v in enumerate(_update_quantity(quantity, w, z, scal, h0, h1, z_norms)):
                    values[p][l][i] = _none_if_bad(v)
    return {"widths": widths, "steps": steps, "optimizer": optimizer, "quantity": quantity,
            "layers": layer_kinds(3), "values": values,
            "theory": {p: theory_exponents(p, optimizer)[quantity] for p in shown},
            "base_lr": {p: TUNED_LR[p, optimizer] for p in shown}}


# ------------------------------------------------------------------------------------- alignment

def _alignment(dw: np.ndarray, inputs: np.ndarray, top: float) -> float | None:
    """Mean over the rows a_b of ``inputs`` of ‖ΔW a_b‖/(‖ΔW‖_*‖a_b‖), with ``top`` = ‖ΔW‖_*."""
    lengths = np.linalg.norm(inputs, axis=1)
    keep = lengths > 0  # an example whose ReLUs are all off has no direction
    if top == 0.0 or not keep.any():
        return None
    return float(np.mean(np.linalg.norm(inputs[keep] @ dw.T, axis=1) / (top * lengths[keep])))


@experiment("update_alignment", title="Updates align with the layer's own inputs during training", section=6,
            cost="training",
            params=(_width(256),
                    Param("steps", "int", 5, label="steps t", min=1, max=10, step=1,
                          help="full-batch training steps"),
                    Param("batch", "int", 8, label="batch B", min=1, max=32, step=1,
                          help="examples in the training batch (each step has rank ≤ B)"),
                    PARAMETERIZATION, OPTIMIZER, SEED),
            figure=figs.update_alignment)
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
    ``by_step`` follows the ratio over the steps at the chosen (largest) width.
    """
    widths = powers_of_two(SWEEP_START, width)
    x, y = _batch(seed, batch)
    own = [[None] * len(widths) for _ in range(3)]
    unrelated = [[None] * len(widths) for _ in range(3)]
    by_step = [[None] * steps for _ in range(3)]
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for i, n in enumerate(widths):
            net = dims(n)
            w, opt, _ = _network(parameterization, optimizer, net, _normals(net, seed))
            w0 = [a.copy() for a in w]
            loss0 = float(mlp.loss_and_output_grad(mlp.forward(w, x)[-1], y, "mse")[0])
            for t in range(1, steps + 1):
                _, grads, _ = mlp.loss_and_grads(w, x, y)
                opt.step(w, grads)
                if n != width and t < steps:
                    continue  # the ratio against step is only followed at the chosen width
                hs = mlp.forward(w, x)
                if _diverged(float(mlp.loss_and_output_grad(hs[-1], y, "mse")[0]), loss0):
                    break
                inputs = mlp.layer_inputs(x, hs)
                rng = np.random.default_rng([seed, n, 3])
                for l in range(3):
                    dw = w[l] - w0[l]
                    top = _spectral_norm(dw)
                    ratio = _alignment(dw, inputs[l], top)
                    if n == width:
                        by_step[l][t - 1] = ratio
                    if t == steps:
                        own[l][i] = ratio
                        others = rng.standard_normal((UNRELATED_INPUTS, dw.shape[1]))
                        if top > 0.0:
                            cos = (np.linalg.norm(others @ dw.T, axis=1)
                                   / (top * np.linalg.norm(others, axis=1)))
                            unrelated[l][i] = float(np.sqrt(np.mean(cos * cos)))
    return {"widths": widths, "steps": steps, "batch": batch, "parameterization": parameterization,
            "optimizer": optimizer, "layers": layer_kinds(3), "own": own, "unrelated": unrelated,
            "by_step": by_step, "unrelated_inputs": UNRELATED_INPUTS}


# -------------------------------------------------------------------------------- coordinate check

@experiment("coord_check", title="Coordinate check: activation size per layer against width, step by step",
            section=7, cost="training",
            params=(_width(256),
                    Param("steps", "int", 4, label="steps shown", min=2, max=5, step=1,
                          help="panels: step 1 is at initialization, step t after t − 1 updates"),
                    PARAMETERIZATION, OPTIMIZER,
                    Param("quantity", "choice", "h", label="quantity", choices=("h", "dh"),
                          choice_labels=("RMS(h_l)", "RMS(h_l − h_l at init)"),
                          help="the activations (microsoft/mup's check) or their change since init"),
                    Param("seeds", "int", 3, label="seeds", min=1, max=5, step=1,
                          help="each point is the mean over this many seeds (seed, seed + 1, …)"),
                    SEED),
            figure=figs.coord_check)
def coord_check(width: int, steps: int, parameterization: str, optimizer: str, quantity: str, seeds: int,
                seed: int) -> dict:
    """Per-layer RMS of h_l (or of its change since init) against width, one panel per step.

    The procedure of microsoft/mup (Yang et al. 2022, Tensor Programs V, §D.1): train a few steps at
    several widths with a fixed base learning rate and plot the size of each layer's activations;
    a correct parameterization gives flat lines. Under SP they rise with width after the first
    update (the readout's step grows like n), under NTP the changes shrink like n^{-1/2} (lazy).
    The readout at step 1 under μP and spectral falls like n^{-1/2}: it starts small on purpose
    (microsoft/mup zero-initializes it), and its Θ(1) update takes over from step 2.
    Each point is the mean over ``seeds`` seeds (each a fresh batch and init); None if any diverged.
    """
    widths = powers_of_two(SWEEP_START, width)
    panels = list(range(1, steps + 1)) if quantity == "h" else list(range(2, steps + 1))
    runs = np.full((seeds, steps, 3, len(widths)), np.nan)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for r in range(seeds):
            x, y = _batch(seed + r)
            for i, n in enumerate(widths):
                net = dims(n)
                w, opt, _ = _network(parameterization, optimizer, net, _normals(net, seed + r))
                h_init, loss0 = None, None
                for t in range(steps):
                    value, grads, hs = mlp.loss_and_grads(w, x, y)
                    loss0 = float(value) if loss0 is None else loss0
                    h_init = hs if h_init is None else h_init
                    if _diverged(float(value), loss0):
                        break
                    for l in range(3):
                        runs[r, t, l, i] = norms.rms(hs[l] if quantity == "h" else hs[l] - h_init[l])
                    if t < steps - 1:
                        opt.step(w, grads)
    mean = runs.mean(axis=0)  # NaN wherever one seed diverged
    values = [[[_none_if_bad(v) for v in mean[t - 1, l]] for l in range(3)] for t in panels]
    th = theory_exponents(parameterization, optimizer)
    if quantity == "h":
        # After the first step the larger of init size and update size wins.
        theory = [th["rms_h"] if t == 1 else [max(a, b) for a, b in zip(th["rms_h"], th["dh"])] for t in panels]
    else:
        theory = [th["dh"] for _ in panels]
    return {"widths": widths, "panels": panels, "parameterization": parameterization,
            "optimizer": optimizer, "quantity": quantity, "seeds": seeds, "layers": layer_kinds(3),
            "values": values, "theory": theory, "base_lr": TUNED_LR[parameterization, optimizer]}


# ---------------------------------------------------------------------------- learning-rate transfer

TASK_SIZE, TEACHER_WIDTH = 32, 32
# Networks of one learning-rate sweep train as one stack; cap its entries like a single matrix.
STACK_ENTRIES = 2 ** 22


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


@experiment("lr_transfer", title="Learning-rate transfer: final loss against learning rate at several widths",
            section=8, cost="training",
            params=(_width(256),
                    Param("depth", "int", 2, label="depth L", min=2, max=3, step=1,
                          help="weight matrices: 2 (one hidden width) or 3 (two)"),
                    _param_choice("sp"),
                    Param("optimizer", "choice", "adam", label=OPTIMIZER.label, choices=OPTIMIZERS,
                          choice_labels=OPTIMIZER.choice_labels, help=OPTIMIZER.help),
                    Param("steps", "int", 20, label="steps", min=5, max=50, step=1,
                          help="full-batch training steps per run"),
                    Param("lr_min", "int", -10, label="smallest log₂ η", min=-16, max=4, step=1,
                          help="the grid of base learning rates runs over 2^k, k from lr_min to lr_max"),
                    Param("lr_max", "int", 2, label="largest log₂ η", min=-16, max=4, step=1,
                          help="the grid of base learning rates runs over 2^k, k from lr_min to lr_max"),
                    Param("seeds", "int", 1, label="seeds", min=1, max=3, step=1,
                          help="each loss is the mean over this many initializations"),
                    SEED),
            figure=figs.lr_transfer)
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
    widths = powers_of_two(SWEEP_START, width)
    ks = list(range(min(lr_min, lr_max), max(lr_min, lr_max) + 1))
    lrs = np.array([2.0 ** k for k in ks])
    x, y = teacher_task(seed)
    loss, initial, best = [], [], []
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for n in widths:
            net = dims(n, depth)
            finals, starts = [], []
            for r in range(seeds):
                z = _normals(net, seed + r)
                w0 = [s.std * zl for s, zl in zip(network_scalings(parameterization, net, 1.0, optimizer), z)]
                starts.append(float(mlp.loss_and_output_grad(mlp.forward(w0, x)[-1], y, "mse")[0]))
                finals.append(_final_losses(parameterization, optimizer, net, z, lrs, x, y, steps))
            mean = np.mean(finals, axis=0)
            loss.append([_none_if_bad(v) for v in mean])
            initial.append(float(np.mean(starts)))
            best.append(float(lrs[int(np.nanargmin(mean))]) if np.any(np.isfinite(mean)) else None)
    found = [(n, b) for n, b in zip(widths, best) if b is not None]
    slope = loglog_slope(*zip(*found)) if len(found) >= 2 else None
    theory = 0.0 - max(0.0, max(theory_exponents(parameterization, optimizer, depth)["dh"]))
    return {"widths": widths, "lrs": lrs, "log2_lrs": ks, "loss": loss, "initial_loss": initial,
            "best_lr": best, "best_lr_slope": slope, "best_lr_theory": theory,
            "parameterization": parameterization,
            "optimizer": optimizer, "depth": depth, "steps": steps, "seeds": seeds}


# ------------------------------------------------------------------------------- exponent checks

@lru_cache(maxsize=None)
def _runs(name: str, seeds: tuple[int, ...], fixed: tuple[tuple[str, Any], ...]) -> tuple[dict, ...]:
    """The sweeps up to FIT_WIDTHS[1] that the checks fit, run once for all the checks that share them."""
    from . import run  # the package's entry point validates the parameters like any other caller

    base = {**EXPERIMENTS[name].defaults(), "width": FIT_WIDTHS[1], **dict(fixed)}
    return tuple(run(name, {**base, "seed": s})["data"] for s in seeds)


def fit_slope(widths: list[int], series: list[list[Any]]) -> float:
    """Log-log slope over FIT_WIDTHS of the geometric mean over seeds of each width's value."""
    keep = [i for i, n in enumerate(widths) if FIT_WIDTHS[0] <= n <= FIT_WIDTHS[1]]
    values = np.array([[s[i] for i in keep] for s in series], dtype=float)  # None becomes NaN
    return loglog_slope([widths[i] for i in keep], np.exp(np.mean(np.log(values), axis=0)))


def _worst(slopes: list[float], theory: list[float]) -> float:
    """The slope farthest from its theory: a 'for every layer' claim is as good as its worst layer."""
    return max(zip(slopes, theory), key=lambda st: abs(st[0] - st[1]))[0]


def _layer_slopes(name: str, seeds: tuple[int, ...], key: str, pick=lambda d: d, **fixed: Any) -> list[float]:
    runs = _runs(name, seeds, tuple(sorted(fixed.items())))
    per_seed = [pick(r[key]) for r in runs]
    return [fit_slope(runs[0]["widths"], [s[l] for s in per_seed]) for l in range(len(per_seed[0]))]


# Seeds: each seed is a fresh batch and init. Measured spread of one seed's 64…2048 slope (seeds 0–11):
# 0.02–0.03 under spectral and μP, whose readout starts near zero so every seed sees the same loss
# gradient −y/B; 0.07–0.11 under SP and NTP, whose initial output is a Θ(1) Gaussian at every width,
# so the loss gradient, and with it the whole step, is redrawn at each width. Four seeds bring the
# spectral slopes to ±0.015, twelve bring SP and NTP to ±0.03: the ±0.1 tolerances are three or more
# standard deviations.
SEEDS4 = (0, 1, 2, 3)
SEEDS12 = tuple(range(12))
SEEDS3 = (0, 1, 2)


def _update_slopes(p: str, quantity: str, steps: int, seeds: tuple[int, ...], optimizer: str = "sgd") -> list[float]:
    return _layer_slopes("update_sizes", seeds, "values", lambda v: v[p], quantity=quantity, steps=steps,
                         optimizer=optimizer, parameterization=p)


def _theory(p: str, quantity: str, optimizer: str = "sgd") -> list[float]:
    return theory_exponents(p, optimizer)[quantity]


# Section 3: at init every entry of h_l averages n_{l-1} independent terms, so RMS(h_l) is concentrated
# to ~1/√(B n_l); over seeds 0–2 the hidden slopes stay within ±0.03 of 0. 0.05 leaves room.
@exponent_check("activation_rms_spectral_hidden", section=3, quantity="$\\operatorname{RMS}(h_l)$ at init",
                setting="spectral, hidden layers of a depth-4 MLP (worst layer)", theory=0.0, tolerance=0.05)
def _check_activation_rms_spectral_hidden() -> float:
    slopes = _layer_slopes("activation_rms", SEEDS3, "rms", parameterization="spectral", depth=4)
    return _worst(slopes[1:-1], [0.0] * (len(slopes) - 2))


# The readout averages only B·d_out = 32 numbers per width; over seeds 0–2 its slope lands within ±0.04.
@exponent_check("activation_rms_mup_readout", section=3, quantity="$\\operatorname{RMS}(h_L)$ at init",
                setting="μP readout ($\\sigma_L = 1/n$)", theory=-0.5, tolerance=0.08)
def _check_activation_rms_mup_readout() -> float:
    return _layer_slopes("activation_rms", SEEDS3, "rms", parameterization="mup", depth=4)[-1]


# Section 5. Flat means |slope| ≤ 0.1 for every layer, the tolerance the issue sets for the spectral
# condition; the growth and decay exponents get the same ±0.1 on their theory.
@exponent_check("update_sizes_spectral_dh_1", section=5, quantity="$\\operatorname{RMS}(\\Delta h_l)$",
                setting="spectral, 1 SGD step (worst layer)", theory=0.0, tolerance=0.1)
def _check_update_sizes_spectral_dh_1() -> float:
    return _worst(_update_slopes("spectral", "dh", 1, SEEDS4), _theory("spectral", "dh"))


@exponent_check("update_sizes_spectral_dh_5", section=5, quantity="$\\operatorname{RMS}(\\Delta h_l)$",
                setting="spectral, 5 SGD steps (worst layer)", theory=0.0, tolerance=0.1)
def _check_update_sizes_spectral_dh_5() -> float:
    return _worst(_update_slopes("spectral", "dh", 5, SEEDS4), _theory("spectral", "dh"))


@exponent_check("update_sizes_spectral_dw_1", section=5,
                quantity="$\\lVert\\Delta W_l\\rVert_*/\\sqrt{n_l/n_{l-1}}$",
                setting="spectral, 1 SGD step (worst layer)", theory=0.0, tolerance=0.1)
def _check_update_sizes_spectral_dw_1() -> float:
    return _worst(_update_slopes("spectral", "dw", 1, SEEDS4), _theory("spectral", "dw"))


@exponent_check("update_sizes_spectral_dw_5", section=5,
                quantity="$\\lVert\\Delta W_l\\rVert_*/\\sqrt{n_l/n_{l-1}}$",
                setting="spectral, 5 SGD steps (worst layer)", theory=0.0, tolerance=0.1)
def _check_update_sizes_spectral_dw_5() -> float:
    return _worst(_update_slopes("spectral", "dw", 5, SEEDS4), _theory("spectral", "dw"))


@exponent_check("update_sizes_spectral_adam_dh_1", section=5, quantity="$\\operatorname{RMS}(\\Delta h_l)$",
                setting="spectral, 1 Adam step (worst layer)", theory=0.0, tolerance=0.1)
def _check_update_sizes_spectral_adam_dh_1() -> float:
    return _worst(_update_slopes("spectral", "dh", 1, SEEDS4, "adam"), _theory("spectral", "dh", "adam"))


@exponent_check("update_sizes_spectral_rel_frobenius_hidden", section=5,
                quantity="$\\lVert\\Delta W_l\\rVert_F/\\lVert W_l\\rVert_F$",
                setting="spectral, hidden layer, 1 SGD step", theory=-0.5, tolerance=0.1)
def _check_update_sizes_spectral_rel_frobenius_hidden() -> float:
    return _update_slopes("spectral", "rel_frobenius", 1, SEEDS4)[1]


@exponent_check("update_sizes_sp_dh_output", section=5, quantity="$\\operatorname{RMS}(\\Delta h_L)$",
                setting="SP readout, 1 SGD step", theory=1.0, tolerance=0.1)
def _check_update_sizes_sp_dh_output() -> float:
    return _update_slopes("sp", "dh", 1, SEEDS12)[2]


@exponent_check("update_sizes_ntp_dh_hidden", section=5, quantity="$\\operatorname{RMS}(\\Delta h_l)$",
                setting="NTP hidden layer, 1 SGD step", theory=-0.5, tolerance=0.1)
def _check_update_sizes_ntp_dh_hidden() -> float:
    return _update_slopes("ntp", "dh", 1, SEEDS12)[1]


# Section 6. The ratio is a mean over the B = 8 examples of one seed; three seeds.
@exponent_check("update_alignment_spectral_own", section=6,
                quantity="$\\lVert\\Delta W_l a\\rVert/(\\lVert\\Delta W_l\\rVert_*\\lVert a\\rVert)$",
                setting="spectral, 5 SGD steps, the layer's own inputs (worst layer)", theory=0.0,
                tolerance=0.1)
def _check_update_alignment_spectral_own() -> float:
    return _worst(_layer_slopes("update_alignment", SEEDS3, "own", parameterization="spectral"), [0.0] * 3)


# 32 unrelated inputs × 3 seeds per width: the RMS of |cos| is good to ~7 % per point, ≈ 0.03 on the slope.
@exponent_check("update_alignment_spectral_unrelated", section=6,
                quantity="$\\lVert\\Delta W_l z\\rVert/(\\lVert\\Delta W_l\\rVert_*\\lVert z\\rVert)$",
                setting="spectral, 5 SGD steps, hidden layer, unrelated Gaussian $z$", theory=-0.5,
                tolerance=0.1)
def _check_update_alignment_spectral_unrelated() -> float:
    return _layer_slopes("update_alignment", SEEDS3, "unrelated", parameterization="spectral")[1]


# Section 7: each coord_check run already averages 3 seeds. Worst over layers and steps, leaving out
# the readout at step 1 (init), which falls like n^{-1/2} by design (its own row in section 3).
def _coord_slopes(p: str, optimizer: str = "sgd") -> list[list[float]]:
    (d,) = _runs("coord_check", (0,), tuple(sorted({"parameterization": p, "optimizer": optimizer,
                                                    "quantity": "h", "seeds": 3, "steps": 4}.items())))
    return [[fit_slope(d["widths"], [ys]) for ys in panel] for panel in d["values"]]


def _coord_worst(p: str) -> float:
    slopes = _coord_slopes(p)
    flat = [s for t, panel in enumerate(slopes) for l, s in enumerate(panel) if not (t == 0 and l == 2)]
    return _worst(flat, [0.0] * len(flat))


@exponent_check("coord_check_mup", section=7, quantity="$\\operatorname{RMS}(h_l)$, steps 1–4",
                setting="μP, SGD, every layer and step but the readout at init (worst)", theory=0.0,
                tolerance=0.1)
def _check_coord_check_mup() -> float:
    return _coord_worst("mup")


@exponent_check("coord_check_spectral", section=7, quantity="$\\operatorname{RMS}(h_l)$, steps 1–4",
                setting="spectral, SGD, every layer and step but the readout at init (worst)", theory=0.0,
                tolerance=0.1)
def _check_coord_check_spectral() -> float:
    return _coord_worst("spectral")


# Section 8: the best η sits on a grid of powers of two, so each width's value is off by up to half an
# octave; over five doublings that moves the fitted slope by up to ~0.15. 0.25 covers it.
# The grids hold every width's best η away from their ends (measured: SP from 2⁻¹ at n = 32 down to
# 2⁻⁹ at n = 2048; μP at 2⁻¹, spectral at 2⁰ (SGD) and 2¹ (Adam), at every width).
LR_GRIDS = {"sp": (-12, 0), "mup": (-5, 3), "spectral": (-5, 3)}


def _best_lr_slope(p: str, optimizer: str) -> float:
    lo, hi = LR_GRIDS[p]
    (d,) = _runs("lr_transfer", (0,), tuple(sorted({"parameterization": p, "optimizer": optimizer, "depth": 2,
                                                    "steps": 20, "lr_min": lo, "lr_max": hi,
                                                    "seeds": 1}.items())))
    return fit_slope(d["widths"], [d["best_lr"]])


# The same check for each parameterization and optimizer: under SP the best η falls like 1/n,
# under μP and spectral it stays put (the whole point of the page).
for _opt in ("sgd", "adam"):
    for _p, _drift in (("sp", -1.0), ("mup", 0.0), ("spectral", 0.0)):
        exponent_check(f"lr_transfer_{_p}_{_opt}", section=8, quantity="best base learning rate $\\eta$",
                       setting=f"{PARAM_LABELS[_p]}, {'SGD' if _opt == 'sgd' else 'Adam'}, 20 steps",
                       theory=_drift, tolerance=0.25)(partial(_best_lr_slope, _p, _opt))
del _opt, _p, _drift
