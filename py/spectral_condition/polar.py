"""The polar factor UVᵀ of a matrix G = UΣVᵀ: exactly, by an SVD, and approximately, by Newton–Schulz
iterations that use matrix products only.

UVᵀ is the direction of steepest descent under the spectral norm (the update of spectral norm one
that lowers a linear loss ⟨G, ·⟩ most), so it is what spectral steepest descent steps along. A
Newton–Schulz iteration X ← aX + b(XXᵀ)X + c(XXᵀ)²X acts on each singular value s of X by the odd
polynomial p(s) = as + bs³ + cs⁵ and leaves the singular vectors alone, so k iterations turn G into
U p^k(Σ) Vᵀ: the figure of the map p^k on [0, 1] says everything about the matrix iteration.

Every function takes a matrix or a stack of them (leading axes), like the MLP's weights.
"""

from __future__ import annotations

import numpy as np

from . import products

# (a, b, c) of p(s) = as + bs³ + cs⁵.
# Cubic: p(s) = (3s − s³)/2, Newton's iteration for the matrix sign. p(1) = 1, p'(1) = 0, so singular
# values in (0, √3) converge to 1 (quadratically near 1), but slowly from small s: p'(0) = 3/2.
CUBIC = (1.5, -0.5, 0.0)
# Quintic of the Muon optimizer (KellerJordan/Muon, muon.py, zeropower_via_newtonschulz5): p'(0) = 3.4445
# pulls small singular values up fast, at the price of no fixed point at 1: after a few iterations
# the singular values of [0, 1] settle in a band around 1 (p maps it into about 0.68 to 1.2) instead of
# converging.
QUINTIC = (3.4445, -4.7750, 2.0315)
ITERATIONS = {"cubic": CUBIC, "quintic": QUINTIC}


def polar_factor(g: np.ndarray) -> np.ndarray:
    """UVᵀ over the nonzero singular values of ``g`` (shape (…, m, n)), by a thin SVD.

    A gradient is often rank-deficient (one example gives rank one); the SVD then returns singular
    values that are rounding noise of zero, with arbitrary singular vectors. They are dropped, so
    that UVᵀ is the polar factor of g's own row and column spaces (and 0 for g = 0).
    """
    u, s, vt = np.linalg.svd(g, full_matrices=False)
    tol = s[..., :1] * (max(g.shape[-2:]) * np.finfo(float).eps)
    keep = (s > tol) & (s > 0)
    return products.matmul(u * keep[..., None, :], vt)


def normalize(g: np.ndarray) -> np.ndarray:
    """g/‖g‖_F: every singular value in [0, 1], as the iteration needs (‖g‖_* ≤ ‖g‖_F); 0 stays 0."""
    f = np.sqrt(np.sum(g * g, axis=(-2, -1), keepdims=True))
    return g / np.where(f > 0, f, 1.0)


def newton_schulz(g: np.ndarray, steps: int, kind: str = "quintic") -> np.ndarray:
    """``steps`` Newton–Schulz iterations of ``kind`` on g/‖g‖_F: U p^steps(Σ/‖g‖_F) Vᵀ.

    The Gram matrix is taken on the shorter side (XXᵀ for a wide X, after transposing a tall one), so
    that one iteration costs O(m n min(m, n)).
    """
    a, b, c = ITERATIONS[_kind(kind)]
    x = normalize(np.asarray(g, dtype=float))
    tall = x.shape[-2] > x.shape[-1]
    if tall:
        x = x.mT
    for _ in range(steps):
        gram = products.matmul_t(x, x)
        poly = b * gram + c * products.matmul(gram, gram) if c else b * gram
        x = a * x + products.matmul(poly, x)
    return x.mT if tall else x


def scalar_map(s: np.ndarray, steps: int, kind: str = "quintic") -> np.ndarray:
    """p^steps(s): what ``steps`` iterations do to a singular value s (of an already normalized matrix)."""
    a, b, c = ITERATIONS[_kind(kind)]
    s = np.asarray(s, dtype=float)
    for _ in range(steps):
        s2 = s * s
        s = s * (a + s2 * (b + c * s2))
    return s


def _kind(kind: str) -> str:
    if kind not in ITERATIONS:
        raise ValueError(f"unknown Newton–Schulz iteration {kind!r}; allowed: {', '.join(ITERATIONS)}")
    return kind
