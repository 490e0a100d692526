"""Section 2, preliminaries: the spectral norm as the largest stretch (the ellipse), power iteration,
the singular values of a Gaussian matrix (Marchenko–Pastur) and the stable rank.

Each experiment sits beside the figure that draws it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import matrices, norms, products, sweeps
from ..constants import MATRIX_SWEEP_START, NORM_TOL
from ..fit import powers_of_two
from ..params import ASPECT, SEED, matrix_width, sweep_width
from ..figure_layout import Panel, grid_layout
from ..plot import (PALETTE, axis, figure, line, log_axis, reference_slope, slope_label, span_axis,
                    theory, width_axis)
from ..registry import experiment
from ..schema import Param


ENTRY = dict(kind="float", min=-2.0, max=2.0, step=0.05)


def _bars(edges: list[float], heights: list[float], name: str, color: str) -> dict[str, Any]:
    """A histogram as a bar trace (the basic Plotly bundle has no histogram type; NumPy binned it)."""
    centers = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:])]
    widths = [b - a for a, b in zip(edges[:-1], edges[1:])]
    return {"type": "bar", "x": centers, "y": heights, "width": widths, "name": name,
            "marker": {"color": color, "opacity": 0.55, "line": {"width": 0}}}


def ellipse_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    (cx, cy), (ix, iy) = d["circle"], d["image"]
    s1, s2 = d["sigma"]
    traces = [line(cx, cy, "unit circle", PALETTE[7], markers=False, dash="dot"),
              line(ix, iy, "its image under A", PALETTE[0], markers=False)]
    for k, (sig, u, color) in enumerate([(s1, d["u"][0], PALETTE[5]), (s2, d["u"][1], PALETTE[2])]):
        traces.append(line([0, sig * u[0]], [0, sig * u[1]], f"s{'₁₂'[k]} u{'₁₂'[k]}", color))
    # The box holds the circle and its image; one unit is as long on both axes, the x axis giving up
    # width (a wide chart) and the y axis adding range (a wide ellipse on a narrow one).
    xr, yr = _padded(cx + ix), _padded(cy + iy)
    x = axis("x₁", range=xr, scaleanchor="y", scaleratio=1, constrain="domain")
    y = axis("x₂", range=yr, constrain="range")
    lay = grid_layout("A maps the unit circle to an ellipse",
                      [f"‖A‖_* = s₁ = {s1:.3f}, the longest semi-axis", f"s₂ = {s2:.3f}",
                       "sᵢ uᵢ: the semi-axes (uᵢ the left singular vectors)"],
                      [Panel(x, y)], [t["name"] for t in traces])
    return figure(traces, lay)


def _padded(values: list[float], pad: float = 0.08) -> list[float]:
    lo, hi = min(values), max(values)
    margin = pad * (hi - lo)
    return [lo - margin, hi + margin]


@experiment("ellipse", title="A 2×2 matrix maps the unit circle to an ellipse", section=2,
            params=(Param("a11", default=1.2, label="$A_{11}$",
                          help="the entry in row 1, column 1 of the $2 \\times 2$ matrix $A$", **ENTRY),
                    Param("a12", default=0.6, label="$A_{12}$",
                          help="the entry in row 1, column 2 of the $2 \\times 2$ matrix $A$", **ENTRY),
                    Param("a21", default=-0.3, label="$A_{21}$",
                          help="the entry in row 2, column 1 of the $2 \\times 2$ matrix $A$", **ENTRY),
                    Param("a22", default=0.8, label="$A_{22}$",
                          help="the entry in row 2, column 2 of the $2 \\times 2$ matrix $A$", **ENTRY)),
            figure=ellipse_figure)
def ellipse(a11: float, a12: float, a21: float, a22: float) -> dict:
    """The image of the unit circle under A, with the singular values and vectors of A."""
    a = np.array([[a11, a12], [a21, a22]])
    t = np.linspace(0.0, 2.0 * np.pi, 181)
    circle = np.stack([np.cos(t), np.sin(t)])
    image = a @ circle
    u, s, vt = np.linalg.svd(a)  # a 2×2 SVD is exact and cheap; power iteration is shown elsewhere
    return {"matrix": a, "circle": circle, "image": image, "sigma": s,
            "u": u.T, "v": vt, "spectral_norm": s[0], "frobenius_norm": norms.frobenius_norm(a)}


# Below this relative size an error is rounding in sums of up to 512 terms, not iteration error:
# smaller errors are drawn at this floor (an exact 0 has no place on a log axis).
ROUNDING_FLOOR = 1e-14
# The reference σ₁ is certified this close (its actual error is near rounding): seven decades below
# where the rate lines are anchored, so the reference is never what the reader sees.
REFERENCE_TOL = 1e-12


def power_iteration_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    k = d["k"]
    traces = [
        line(k, d["value_error"], "value |ŝ_{k} − s₁|/s₁", PALETTE[0], markers=False),
        theory(line(k, d["value_rate"], "rate (s₂/s₁)^{4k}", PALETTE[0], dash="dash", markers=False,
                    hoverinfo="skip"), True, "theory rates"),
        line(k, d["angle_error"], "vector sin∠(v_k, v₁)", PALETTE[1], markers=False),
        theory(line(k, d["angle_rate"], "rate (s₂/s₁)^{2k}", PALETTE[1], dash="dash", markers=False,
                    hoverinfo="skip"), False),
    ]
    subtitle = [f"A is {d['n_out']}×{d['n_in']}, s₂/s₁ = {d['ratio']:.4f}",
                f"after k = {d['k'][-1]} steps: relative error {d['final_error']:.1e}",
                f"s₁ = {d['sigma1']:.9g} by Krylov, certified to {d['reference_tol']:g}",
                "dashed: rates (s₂/s₁)^{4k} (value) and (s₂/s₁)^{2k} (vector)",
                f"errors at rounding are drawn at {d['rounding_floor']:g}"]
    errors = d["value_error"] + d["angle_error"] + d["value_rate"] + d["angle_rate"]
    lay = grid_layout("Power iteration: error against step k", subtitle,
                      [Panel(axis("power step k"), span_axis("relative error", errors))],
                      [t["name"] for t in traces if t["showlegend"]])
    return figure(traces, lay)


@experiment("power_iteration", title="Power iteration converges to ‖A‖_*", section=2, width_points=True,
            params=(matrix_width(128, 8, 512), ASPECT,
                    Param("spike", "float", 0.0, label=r"spike $\theta$", min=0.0, max=4.0, step=0.25,
                          help=r"adds $\theta\, x y^\top$ (unit $x$, $y$): above $\theta \approx \gamma^{1/4}$ "
                               r"it opens a gap $s_2/s_1 < 1$"),
                    Param("steps", "int", 100, label="power steps $k$", min=10, max=400, step=10,
                          help=r"how many steps $v \mapsto A^\top A v/\lVert A^\top A v\rVert$ to show"),
                    SEED),
            figure=power_iteration_figure)
def power_iteration(width: int, aspect: str, spike: float, steps: int, seed: int) -> dict:
    """Error of power iteration against step k: the vector at rate (s₂/s₁)^{2k}, the value at (s₂/s₁)^{4k}.

    A = W + θ x yᵀ with W_ij ~ N(0, 1/n_in). After k steps on AᵀA the iterate is Σ cᵢ sᵢ^{2k} vᵢ, so
    its angle to v₁ falls like (s₂/s₁)^{2k}; the estimate ‖Aᵀu‖ is a Rayleigh quotient, whose error
    is quadratic in that angle. A Gaussian matrix has s₂/s₁ = 1 − O(n^{-2/3}), so convergence is
    slow and, before the top two directions separate, faster than the asymptotic rate (the many
    singular values just below the edge die out first); a spike θ above the BBP threshold opens a
    gap and makes the rate plain.
    """
    n_out, n_in = matrices.shape(width, aspect)
    (sigma1, _, sigma2), = sweeps.points(_reference, [width], aspect=aspect, spike=spike, seed=seed)
    (history, angle), = sweeps.points(_power_run, [width], aspect=aspect, spike=spike, steps=steps, seed=seed)
    ratio = sigma2 / sigma1
    k = np.arange(1, len(history) + 1)
    value_error = np.abs(sigma1 - history) / sigma1
    return {"n_out": n_out, "n_in": n_in, "spike": spike, "k": k,
            "value_error": np.maximum(value_error, ROUNDING_FLOOR), "angle_error": np.maximum(angle, ROUNDING_FLOOR),
            "rounding_floor": ROUNDING_FLOOR,
            "final_error": max(float(value_error[-1]), ROUNDING_FLOOR),
            # σ₁ is certified to REFERENCE_TOL, v₁ only to about that over the gap: anchor the angle higher.
            "value_rate": _rate_line(k, value_error, ratio ** 4, anchor_floor=1e-5),
            "angle_rate": _rate_line(k, angle, ratio ** 2, anchor_floor=1e-3),
            "sigma1": sigma1, "sigma2": sigma2, "ratio": ratio, "reference_tol": REFERENCE_TOL}


# The figure's two parts are points of the width cache, so that the site's build computes them at
# every notch of the slider, and a change of the steps shown reuses the reference.

def _reference(width: int, aspect: str, spike: float, seed: int) -> tuple[float, np.ndarray, float]:
    """σ₁, v₁ and σ₂ of the figure's matrix, which its errors are measured against, by the certified
    Krylov method (σ₂ as the top of A with σ₁'s pair removed): a dense SVD or a long power run costs
    5–20 times more. Three quarters of the figure's time at the widest width."""
    a = spiked_matrix(width, aspect, spike, seed)
    top = norms.spectral_norm(a, tol=REFERENCE_TOL, seed=seed)
    sigma2 = norms.spectral_norm(a - top.value * np.outer(top.u, top.v), tol=REFERENCE_TOL, seed=seed).value
    v1 = top.v.copy()
    v1.setflags(write=False)  # shared through the width cache
    return top.value, v1, sigma2


def _power_run(width: int, aspect: str, spike: float, steps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``steps`` power steps on the figure's matrix: the estimate ŝ_k after each, and sin∠(v_k, v₁)."""
    a = spiked_matrix(width, aspect, spike, seed)
    (_, v1, _), = sweeps.points(_reference, [width], aspect=aspect, spike=spike, seed=seed)
    trace = norms.spectral_norm(a, tol=None, max_iter=steps, seed=seed, keep_vectors=True)
    history = np.array(trace.history)
    angle = np.array([np.linalg.norm(v - (v @ v1) * v1) for v in trace.vectors])
    for array in (history, angle):
        array.setflags(write=False)
    return history, angle


def spiked_matrix(width: int, aspect: str, spike: float, seed: int) -> np.ndarray:
    """A = W + θ x yᵀ with W_ij ~ N(0, 1/n_in) and unit x, y, drawn from the figure's own stream."""
    n_out, n_in = matrices.shape(width, aspect)
    rng = matrices.rng(seed, n_out, n_in, matrices.POWER_ITERATION)
    a = matrices.gaussian(rng, n_out, n_in, 1.0 / np.sqrt(n_in))
    x, y = rng.standard_normal(n_out), rng.standard_normal(n_in)
    a += spike * np.outer(x / np.linalg.norm(x), y / np.linalg.norm(y))
    return a


def _rate_line(k: np.ndarray, err: np.ndarray, rate: float, anchor_floor: float) -> list:
    """err_j · rate^{k − k_j} through the last point j with err_j ≥ anchor_floor.

    The anchor sits far enough above rounding that it, and so the whole line, agrees to ~1e-10
    between platforms (native NumPy, Pyodide): a line through a point at rounding level would not.
    """
    ok = np.nonzero(err >= anchor_floor)[0]
    j = int(ok[-1]) if ok.size else 0
    line = float(err[j]) * rate ** (k - k[j]).astype(float)
    return [float(v) if ROUNDING_FLOOR / 100 <= v <= 10.0 else None for v in line]


def mp_singular_density(s: np.ndarray, lam: float) -> np.ndarray:
    """Marchenko–Pastur density of the nonzero singular values of W (n_out × n_in, W_ij ~ N(0, 1/n_in)).

    The eigenvalues x of WWᵀ have density √((b − x)(x − a))/(2πγx) on [a, b] = [(1 − √γ)², (1 + √γ)²]
    (plus an atom at 0 when γ > 1). A singular value is s = √x, so q(s) = 2s·p(s²); conditioning on
    the min(n_in, n_out) nonzero ones divides by min(1, 1/γ), giving
    q(s) = √((s₊² − s²)(s² − s₋²)) / (π · min(γ, 1) · s) with s± = |1 ± √γ|. For γ = 1 this is the
    quarter circle √(4 − s²)/π on [0, 2].
    """
    s = np.asarray(s, dtype=float)
    lo, hi = abs(1.0 - np.sqrt(lam)), 1.0 + np.sqrt(lam)
    inside = (s >= lo) & (s <= hi)
    # √(s² − s₋²)/s written as √(1 − (s₋/s)²) stays finite as s → 0 when s₋ = 0 (then q(0) = 2/π).
    ratio = np.divide(lo, s, out=np.zeros_like(s), where=s > 0)
    q = np.sqrt(np.clip(hi * hi - s * s, 0.0, None)) * np.sqrt(np.clip(1.0 - ratio * ratio, 0.0, None))
    return np.where(inside, q / (np.pi * min(lam, 1.0)), 0.0)


def mp_spectrum_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    lam = d["lambda"]
    traces = [
        _bars(d["bin_edges"], d["density"], "singular values of W", PALETTE[0]),
        line(d["mp_s"], d["mp_density"], "Marchenko–Pastur", PALETTE[5], markers=False),
        line([d["spectral"]], [0.0], "‖W‖_* = s₁", PALETTE[2], mode="markers",
             marker={"color": PALETTE[2], "size": 10, "symbol": "triangle-up"}),
    ]
    subtitle = [f"W is {d['n_out']}×{d['n_in']}", "W_ij ~ N(0, 1/n_in)", f"γ = n_out/n_in = {lam:g}",
                f"{len(d['singular_values'])} singular values",
                f"‖W‖_* = {d['spectral']:.3f}, edge 1 + √γ = {d['edge_high']:.3f}",
                f"‖W‖_F/‖W‖_* = {d['ratio']:.2f} = √(stable rank {d['stable_rank']:.1f}), "
                f"theory √{d['stable_rank_theory']:.1f}",
                f"a rank-one g xᵀ has stable rank {d['rank_one_stable_rank']:.3f}"]
    lay = grid_layout("Singular values of a Gaussian W", subtitle,
                      [Panel(axis("singular value s"), axis("density"))], [t["name"] for t in traces], bargap=0)
    return figure(traces, lay)


@experiment("mp_spectrum", title="Singular values of a Gaussian matrix: the Marchenko–Pastur law",
            section=2, width_points=True, params=(matrix_width(256, 16, 256), ASPECT, SEED),
            figure=mp_spectrum_figure)
def mp_spectrum(width: int, aspect: str, seed: int) -> dict:
    """Histogram of the singular values of W (W_ij ~ N(0, 1/n_in)) against the Marchenko–Pastur density.

    They fill [|1 − √γ|, 1 + √γ], so ‖W‖_* ≈ 1 + √γ while ‖W‖_F² = Σ W_ij² ≈ n_out: the stable rank
    ‖W‖_F²/‖W‖_*² ≈ n_out/(1 + √γ)² grows with width, unlike a rank-one g xᵀ whose stable rank is 1.
    The singular values come from the eigenvalues of the Gram matrix of the shorter side (a
    symmetric eigenproblem, cheaper in the browser than an SVD; the squaring only costs accuracy
    in the smallest values, far below a histogram bin). Each width's answer is kept in the width
    cache, so the site's build computes the figure as its page shows it at every width.
    """
    out = dict(sweeps.points(_spectrum, [width], aspect=aspect, seed=seed)[0])
    grid = np.linspace(out["edge_low"], out["edge_high"], 201)
    return {**out, "mp_s": grid, "mp_density": mp_singular_density(grid, out["lambda"])}


def _spectrum(width: int, aspect: str, seed: int) -> dict:
    """:func:`mp_spectrum` at one width but for the density curve, cheaper to compute again than to
    carry in the site's precomputed file (the arrays are read-only: they are shared through the cache)."""
    n_out, n_in = matrices.shape(width, aspect)
    lam = n_out / n_in
    rng = matrices.rng(seed, n_out, n_in, matrices.MP_SPECTRUM)
    w = matrices.gaussian(rng, n_out, n_in, 1.0 / np.sqrt(n_in))
    gram = products.t_matmul(w, w) if n_in <= n_out else products.matmul_t(w, w)
    s = np.sqrt(np.clip(np.linalg.eigvalsh(gram), 0.0, None))[::-1]
    lo, hi = abs(1.0 - np.sqrt(lam)), 1.0 + np.sqrt(lam)
    bins = int(np.clip(2 * np.sqrt(s.size), 10, 40))
    density, edges = np.histogram(s, bins=bins, range=(0.0, 1.05 * max(hi, float(s[0]))), density=True)

    frob, spec = norms.frobenius_norm(w), float(s[0])
    g, x = rng.standard_normal(n_out), rng.standard_normal(n_in)
    for array in (s, edges, density):
        array.setflags(write=False)
    return {"n_out": n_out, "n_in": n_in, "lambda": lam, "singular_values": s,
            "bin_edges": edges, "density": density,
            "edge_low": lo, "edge_high": hi, "frobenius": frob, "spectral": spec,
            "ratio": frob / spec, "stable_rank": (frob / spec) ** 2,
            "stable_rank_theory": n_out / hi ** 2,
            "rank_one_stable_rank": norms.stable_rank(np.outer(g, x), seed=seed)}


def stable_rank_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    n = d["widths"]
    traces = [
        line(n, d["gaussian"], "Gaussian W", PALETTE[0]),
        theory(reference_slope(n, 0.5, (n[0], d["gaussian_theory"][0]),
                               "theory √(n_in n_out)/(√n_in + √n_out) " + slope_label(0.5), PALETTE[0]), True),
        line(n, d["rank_one"], "rank one g xᵀ", PALETTE[5]),
        theory(reference_slope(n, 0.0, (n[0], 1.0), "rank one: exactly 1, " + slope_label(0.0), PALETTE[5]), False),
    ]
    subtitle = [f"γ = n_out/n_in = {d['aspect']:g}",
                "dashed: theory, √(n_in n_out)/(√n_in + √n_out) " + slope_label(0.5) + " and exactly 1"]
    lay = grid_layout("‖W‖_F/‖W‖_* against width", subtitle,
                      [Panel(width_axis(n, "width n = max(n_in, n_out)"),
                             log_axis("‖W‖_F / ‖W‖_*", d["gaussian"] + d["gaussian_theory"] + d["rank_one"]))],
                      [t["name"] for t in traces if t["showlegend"]])
    return figure(traces, lay)


@experiment("stable_rank", sweep=True, title="‖W‖_F/‖W‖_* grows like √n for a Gaussian, stays 1 for rank one",
            section=2, params=(sweep_width(256, MATRIX_SWEEP_START), ASPECT, SEED), figure=stable_rank_figure)
def stable_rank_sweep(width: int, aspect: str, seed: int) -> dict:
    """‖W‖_F/‖W‖_* = √(stable rank) against width, for a Gaussian W and for a rank-one g xᵀ.

    For W_ij ~ N(0, σ²): ‖W‖_F ≈ σ√(n_in n_out) and ‖W‖_* ≈ σ(√n_in + √n_out), so the ratio is
    ≈ √(n_in n_out)/(√n_in + √n_out) = Θ(√n) at fixed aspect (√n/2 when square): the Frobenius norm
    overstates the spectral norm of a random matrix by √n. For g xᵀ both norms equal ‖g‖‖x‖ and the
    ratio is exactly 1, at every width: a gradient's size is the same in either norm.
    """
    widths = powers_of_two(MATRIX_SWEEP_START, width)
    return {"widths": widths, "aspect": float(aspect),
            **sweeps.columns(_stable_rank_point, widths, aspect=aspect, seed=seed)}


def _stable_rank_point(n: int, aspect: str, seed: int) -> dict[str, float]:
    n_out, n_in = matrices.shape(n, aspect)
    rng = matrices.rng(seed, n_out, n_in, matrices.STABLE_RANK)
    w = matrices.gaussian(rng, n_out, n_in, 1.0 / np.sqrt(n_in))
    gauss = norms.frobenius_norm(w) / norms.spectral_norm(w, tol=NORM_TOL, seed=seed).value
    del w
    r1 = np.outer(rng.standard_normal(n_out), rng.standard_normal(n_in))
    return {"gaussian": gauss, "gaussian_theory": float(np.sqrt(n_in * n_out) / (np.sqrt(n_in) + np.sqrt(n_out))),
            "rank_one": norms.frobenius_norm(r1) / norms.spectral_norm(r1, tol=NORM_TOL, seed=seed).value}
