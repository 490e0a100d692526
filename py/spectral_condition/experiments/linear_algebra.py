"""Experiments of the preliminaries and of the norm questions (CONTENT.md sections 2, 4 and 6)."""

from __future__ import annotations

import numpy as np

from ..figures import linear_algebra as figs
from ..schema import Param
from .registry import experiment

ENTRY = dict(kind="float", min=-2.0, max=2.0, step=0.05)


@experiment("ellipse", title="A 2×2 matrix maps the unit circle to an ellipse", section=2,
            params=(Param("a11", default=1.2, label="A₁₁", **ENTRY),
                    Param("a12", default=0.6, label="A₁₂", **ENTRY),
                    Param("a21", default=-0.3, label="A₂₁", **ENTRY),
                    Param("a22", default=0.8, label="A₂₂", **ENTRY)),
            figure=figs.ellipse)
def ellipse(a11: float, a12: float, a21: float, a22: float) -> dict:
    """The image of the unit circle under A, with the singular values and vectors of A."""
    a = np.array([[a11, a12], [a21, a22]])
    t = np.linspace(0.0, 2.0 * np.pi, 181)
    circle = np.stack([np.cos(t), np.sin(t)])
    image = a @ circle
    u, s, vt = np.linalg.svd(a)  # a 2×2 SVD is exact and cheap; power iteration is shown elsewhere
    return {"matrix": a, "circle": circle, "image": image, "sigma": s,
            "u": u.T, "v": vt, "spectral_norm": s[0], "frobenius_norm": float(np.sqrt(np.sum(a * a)))}
