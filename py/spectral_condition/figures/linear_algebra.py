"""Figures of the linear-algebra experiments."""

from __future__ import annotations

import math
from typing import Any

from .common import PALETTE, axis, figure, layout, line, reference_slope, slope_label


def ellipse(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    (cx, cy), (ix, iy) = d["circle"], d["image"]
    s1, s2 = d["sigma"]
    traces = [line(cx, cy, "unit circle ‖x‖₂ = 1", PALETTE[7], markers=False, dash="dot"),
              line(ix, iy, "image {Ax : ‖x‖₂ = 1}", PALETTE[0], markers=False)]
    for k, (sig, u, color) in enumerate([(s1, d["u"][0], PALETTE[5]), (s2, d["u"][1], PALETTE[2])]):
        traces.append(line([0, sig * u[0]], [0, sig * u[1]], f"σ{'₁₂'[k]} u{'₁₂'[k]}, σ{'₁₂'[k]} = {sig:.3f}",
                           color))
    r = max(1.0, abs(s1)) * 1.1
    lay = layout(f"‖A‖_* = σ₁ = {s1:.3f}, σ₂ = {s2:.3f}",
                 axis("x₁", range=[-r, r], scaleanchor="y", scaleratio=1), axis("x₂", range=[-r, r]))
    return figure(traces, lay)


def _width_axis(widths: list[int]) -> dict[str, Any]:
    """Log x axis ticked at the swept widths (powers of two), not at Plotly's decimal minor ticks."""
    return axis("width n = max(n_in, n_out)", log=True, tickvals=list(widths), ticktext=[str(n) for n in widths])


def _log_axis(title: str, *series: list, decades: float = 1.0) -> dict[str, Any]:
    """Log y axis spanning at least ``decades``: a flat line must look flat, not zoomed into its noise."""
    values = [v for ys in series for v in ys if v is not None and v > 0]
    lo, hi = math.log10(min(values)), math.log10(max(values))
    pad = max(0.0, decades - (hi - lo)) / 2 + 0.05
    return axis(title, log=True, range=[lo - pad, hi + pad], exponentformat="power")


def _bars(edges: list[float], heights: list[float], name: str, color: str) -> dict[str, Any]:
    """A histogram as a bar trace (the basic Plotly bundle has no histogram type; NumPy binned it)."""
    centers = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:])]
    widths = [b - a for a, b in zip(edges[:-1], edges[1:])]
    return {"type": "bar", "x": centers, "y": heights, "width": widths, "name": name,
            "marker": {"color": color, "opacity": 0.55, "line": {"width": 0}}}


def power_iteration(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    k = d["k"]
    traces = [
        line(k, d["value_error"], "value: |σ̂_k − σ₁|/σ₁", PALETTE[0], markers=False),
        line(k, d["value_rate"], "rate (σ₂/σ₁)<sup>4k</sup>", PALETTE[0], dash="dash", markers=False,
             hoverinfo="skip"),
        line(k, d["angle_error"], "vector: sin∠(v_k, v₁)", PALETTE[1], markers=False),
        line(k, d["angle_rate"], "rate (σ₂/σ₁)<sup>2k</sup>", PALETTE[1], dash="dash", markers=False,
             hoverinfo="skip"),
    ]
    title = (f"{d['n_out']}×{d['n_in']}, σ₂/σ₁ = {d['ratio']:.4f}. Power iteration ‖A‖_* = "
             f"{d['power_value']:.9g} after {d['power_iterations']} steps (tol {d['power_tol']:g});"
             f"<br>NumPy's SVD: {d['sigma1']:.9g}, relative difference {d['relative_difference']:.1e}")
    lay = layout(title, axis("power step k"), axis(f"relative error (drawn at {d['rounding_floor']:g} once at rounding)", log=True,
                                                exponentformat="power"),
                 margin={"l": 60, "r": 20, "t": 80, "b": 60})
    return figure(traces, lay)


def mp_spectrum(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    lam = d["lambda"]
    traces = [
        _bars(d["bin_edges"], d["density"], f"singular values of W ({len(d['singular_values'])})", PALETTE[0]),
        line(d["mp_s"], d["mp_density"], f"Marchenko–Pastur, λ = n_out/n_in = {lam:g}", PALETTE[5],
             markers=False),
        line([d["spectral"]], [0.0], f"‖W‖_* = σ₁ = {d['spectral']:.3f} (edge 1 + √λ = {d['edge_high']:.3f})",
             PALETTE[2], mode="markers", marker={"color": PALETTE[2], "size": 10, "symbol": "triangle-up"}),
    ]
    title = (f"W is {d['n_out']}×{d['n_in']}, W_ij ~ N(0, 1/n_in): ‖W‖_F/‖W‖_* = {d['ratio']:.2f} "
             f"= √(stable rank {d['stable_rank']:.1f}), theory √{d['stable_rank_theory']:.1f};"
             f"<br>a rank-one g xᵀ has stable rank {d['rank_one_stable_rank']:.3f}")
    lay = layout(title, axis("singular value s"), axis("density"), bargap=0,
                 margin={"l": 60, "r": 20, "t": 80, "b": 60})
    return figure(traces, lay)


def stable_rank(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    n = d["widths"]
    traces = [
        line(n, d["gaussian"], "Gaussian W", PALETTE[0]),
        reference_slope(n, 0.5, (n[0], d["gaussian_theory"][0]),
                        "theory √(n_in n_out)/(√n_in + √n_out) " + slope_label(0.5), PALETTE[0]),
        line(n, d["rank_one"], "rank one g xᵀ", PALETTE[5]),
        reference_slope(n, 0.0, (n[0], 1.0), "rank one: exactly 1, " + slope_label(0.0), PALETTE[5]),
    ]
    lay = layout(f"‖W‖_F/‖W‖_* = √(stable rank) against width, λ = n_out/n_in = {d['aspect']:g}",
                 _width_axis(n), _log_axis("‖W‖_F / ‖W‖_*", d["gaussian"], d["gaussian_theory"], d["rank_one"]))
    return figure(traces, lay)


def spectral_norm_scaling(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    n = d["widths"]
    spectral = d["init"] == "spectral"
    slope = 0.0 if spectral else 0.5
    sigma = "σ = min(1, √(n_out/n_in))/√n_in" if spectral else "σ = 1"
    traces = [
        line(n, d["measured"], f"measured ‖W‖_*, {sigma}", PALETTE[0]),
        reference_slope(n, slope, (n[0], d["predicted"][0]),
                        "prediction σ(√n_in + √n_out) " + slope_label(slope), PALETTE[0]),
    ]
    if spectral:
        traces.append(reference_slope(n, 0.0, (n[0], d["target"][0]), "target √(n_out/n_in)", PALETTE[2],
                                      line={"color": PALETTE[2], "width": 2, "dash": "dot"}))
    ratio = d["measured"][-1] / d["predicted"][-1]
    lay = layout(f"‖W‖_* of an n_out×n_in Gaussian W, λ = n_out/n_in = {d['aspect']:g}: "
                 f"measured/prediction = {ratio:.3f} at n = {n[-1]}",
                 _width_axis(n), _log_axis("‖W‖_*", d["measured"], d["predicted"], d["target"] if spectral else []))
    return figure(traces, lay)


def alignment(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    n = d["widths"]
    traces = [
        line(n, d["random_init"], "random init W on a fixed input h", PALETTE[0]),
        reference_slope(n, 0.0, (n[0], d["random_init_theory"][0]),
                        "√n_out/(√n_out + √n_in), " + slope_label(0.0), PALETTE[0]),
        line(n, d["rank_one_own"], "rank one g hᵀ on its own input h (exactly 1)", PALETTE[2]),
        line(n, d["rank_b_own"], f"rank B = {d['batch']}: (1/B)Σ_b g_b h_bᵀ on h₁", PALETTE[3]),
        line(n, d["unrelated"], f"rank one g hᵀ on an unrelated x (RMS over {d['unrelated_inputs']} x)",
             PALETTE[5]),
        reference_slope(n, -0.5, (n[0], d["unrelated_theory"][0]), "1/√n_in " + slope_label(-0.5),
                        PALETTE[5]),
    ]
    lay = layout(f"Alignment ‖A h‖/(‖A‖_*‖h‖) against width, λ = n_out/n_in = {d['aspect']:g}",
                 _width_axis(n),
                 _log_axis("‖A h‖ / (‖A‖_* ‖h‖)", d["random_init"], d["rank_b_own"], d["unrelated"],
                           d["unrelated_theory"], [1.0]))
    return figure(traces, lay)
