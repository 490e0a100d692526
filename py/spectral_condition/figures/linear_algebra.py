"""Figures of the linear-algebra experiments."""

from __future__ import annotations

from typing import Any

from .common import PALETTE, axis, figure, layout, line


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
