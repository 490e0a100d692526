"""σ₁'s second stop rule: a bound on the error of a Krylov run that holds with probability
1 − ``MISS_PROBABILITY`` over its Gaussian start, whatever the matrix.

The residual of the top Ritz pair falls slowly at the dense edge of a Gaussian spectrum, long after
the value has converged. This bound reads the Lanczos polynomials instead: the Christoffel function
of the start's spectral measure caps the weight a start can have on any singular vector above the
Ritz value, and a Gaussian start has a small weight on v₁ only rarely. It is the idea of
Hochstenbach's probabilistic upper bounds for the two-norm (J. Sci. Comput. 2013). The Krylov
iteration itself is in :mod:`spectral_condition.krylov`, which hands over the tridiagonal
T = BᵀB of its bidiagonal B.
"""

from __future__ import annotations

import math

# The probability, over the Gaussian start, that the rule certifies a value further than ``tol``
# below σ₁, for any matrix (see :func:`christoffel_sum`).
MISS_PROBABILITY = 1e-3
# The Christoffel sum is evaluated at relative distances (sθ − θ)/θ of at least this: its pivots lose
# about kε/(s² − 1) each, 1e-6 here, but at a converged top and s → 1 they are rounding alone.
FLOOR = 1e-8


def threshold(n: int) -> float | None:
    """1/t, where a unit vector uniform on the sphere of ℝⁿ has c² = (its component on a fixed unit
    vector)² < t with probability at most ``MISS_PROBABILITY``; None for n < 3.

    c² ~ Beta(½, (n − 1)/2), whose density is at most x^{−1/2}/B(½, (n − 1)/2) once (n − 1)/2 ≥ 1, so
    P(c² < t) ≤ 2√t/B: t = (δ·B/2)², about πδ²/(2n).
    """
    if n < 3:
        return None
    log_beta = math.lgamma(0.5) + math.lgamma((n - 1) / 2) - math.lgamma(n / 2)
    return 1.0 / (0.5 * MISS_PROBABILITY * math.exp(log_beta)) ** 2


def christoffel_sum(diag: list[float], off: list[float], z: float) -> float:
    """Σ_{j=0}^{k} p_j(z)², p_j the orthonormal polynomials of the start's spectral measure, for z
    above the top eigenvalue of T (k × k, diagonal ``diag``, off-diagonal ``off[:k − 1]``;
    ``off[k − 1]`` couples the last basis vector to the next).

    The Krylov basis of AᵀA from v₁ is v_{j+1} = p_j(AᵀA)v₁, p_j orthonormal for the measure
    ω = Σᵢ (v₁·vᵢ)² δ(σᵢ²), and T is their recurrence. Among measures with these first 2k + 1
    moments, the mass that one can put at a point z is at most 1/Σ_{j≤k} p_j(z)² (the Christoffel
    function), and above the top of T, where every p_j has all its roots below z, the sum grows
    with z. There p_{j+1}(z) = p_j(z)·d_j/b_j, d_j the pivots of the LDLᵀ factorization of zI − T,
    all positive: the three-term recurrence would also give p_j, but rounding makes it grow along
    its other solution wherever p_j decays, as it does at a converged top (an overstated sum, which
    would stop the run too early), while the pivots of a matrix whose eigenvalues are all at least
    z − θ² are accurate to about kε·θ²/(z − θ²) (see ``FLOOR``). So if σ₁² ≥ z, the start's weight
    c² = (v₁·v₁(A))² is at most 1/Σ: when that is below t (:func:`threshold`), a start that leads
    here while σ₁² ≥ z has probability at most ``MISS_PROBABILITY``, whatever the rest of the
    spectrum. A zero coupling means the Krylov space is invariant: then σ₁ is in it unless c = 0,
    and the sum is infinite. The ratios d_j/b_j do not change when T is scaled, so any scale that
    keeps its squares finite will do.
    """
    total, p, d, b_prev = 1.0, 1.0, 1.0, 0.0
    for j, (a, b) in enumerate(zip(diag, off)):
        if b == 0.0:
            return math.inf
        d = z - a - b_prev * b_prev / d if j else z - a
        if d <= 0.0:
            # z is not above the leading block's spectrum, which only rounding can cause above the
            # top (at the top the last pivot is zero): the sum so far is a smaller, safe value.
            return total
        p, b_prev = p * d / b, b
        total += p * p
    return total


def relative_error(diag: list[float], off: list[float], top: float, stop: float,
                   needed: float) -> float | None:
    """With probability 1 − ``MISS_PROBABILITY``, (σ₁ − θ)/σ₁ is at most the value returned, the
    least s − 1 in [``FLOOR``, ``stop``] (to 1 %) at which the Christoffel sum at z = (s·top)² reaches
    ``needed`` (:func:`threshold`); None when it does not reach it at s = 1 + ``stop``. ``top`` is θ
    in the units of ``diag`` and ``off``."""
    def reaches(s: float) -> bool:
        return christoffel_sum(diag, off, (s * top) ** 2) >= needed

    if stop < FLOOR or not reaches(1.0 + stop):
        return None
    lo, hi = 0.0, stop
    while hi - lo > 0.01 * hi and hi > FLOOR:
        mid = 0.5 * (lo + hi)
        if reaches(1.0 + mid):
            hi = mid
        else:
            lo = mid
    return max(hi, FLOOR)
