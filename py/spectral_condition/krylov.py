"""σ₁ by Golub–Kahan–Lanczos bidiagonalization, and the result type of every σ₁ method.

A Krylov method: after k steps the top singular value of a small k×k bidiagonal matrix approximates
σ₁ of A, from products with A and Aᵀ only. It needs several times fewer products than power
iteration on a square Gaussian matrix, whose top gap is only ~n^{-2/3}. The stop rule is the
residual of the top Ritz pair, which a clustered top cannot fool, or else a bound that holds with
high probability over the random start whatever the matrix (:mod:`spectral_condition.probable_bound`),
whichever certifies the tolerance first (see :func:`spectral_norm` in :mod:`spectral_condition.norms`,
the public entry point).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import probable_bound, products, streams

_EPS = float(np.finfo(float).eps)
# Below this relative size a change or a residual is rounding in sums of n terms, not iteration error.
_ROUNDING = 64 * _EPS
# The largest Krylov basis kept. Reorthogonalizing against k vectors costs O(k·(m + n)) per step,
# a small part of the two products while k stays near this; a square Gaussian matrix of size 2048
# reaches 1e-10 in fewer steps.
_MAX_BASIS = 128
# error_estimate is this many times r/θ. r/(2θ) bounds the error only when the Ritz vector holds σ₁ alone;
# a cluster of singular values just below σ₁ that the Krylov space has not yet resolved hides inside
# it, and then the error can reach (r/2θ)·√(1 − c²)/c, c the Ritz vector's component on v₁. A factor
# 2·10 covers c² ≥ 1/401, which a Gaussian start misses with probability about 0.64/20 = 3 % against
# the worst case (two singular values, 2·tol apart, the rest of the spectrum far below); with a factor
# 2 (c² ≥ 1/5) half of all starts would be missed there. Each factor of ten costs a few Krylov steps.
_HIDDEN_MARGIN = 10.0


@dataclass(frozen=True)
class SpectralNorm:
    """The result of :func:`spectral_norm` or :func:`power_iteration`: σ₁ and its vectors, A v ≈ σ₁ u.

    A step costs one product with A and one with Aᵀ. ``history[k]`` is the estimate after k + 1 steps
    (so ``history[-1] == value``; empty for A = 0); ``error_estimate`` bounds the relative error
    (σ₁ − value)/σ₁ at the stop, see :func:`spectral_norm`. ``float(result)`` is σ₁.
    """

    value: float
    u: np.ndarray  # top left singular vector, unit length, shape (n_out,)
    v: np.ndarray  # top right singular vector, unit length, shape (n_in,)
    iterations: int
    converged: bool
    error_estimate: float
    history: tuple[float, ...]
    vectors: tuple[np.ndarray, ...] = field(default=(), repr=False)  # v after each power step, if asked

    def __float__(self) -> float:
        return self.value


def _bidiagonalization(A: np.ndarray, tol: float, max_iter: int, seed: int) -> SpectralNorm:
    """The Krylov method of :func:`spectral_norm` (A checked, ``tol`` a number)."""
    A = np.ascontiguousarray(A)
    m, n = A.shape
    rng = streams.generator(seed)
    v = rng.standard_normal(n)
    v /= np.linalg.norm(v)
    # 1/t for the second stop rule, which needs the start uniform on the sphere and the recurrence of
    # the Krylov space it began: None once either is lost.
    threshold = probable_bound.threshold(n)
    pending = products.times(A, v)
    if not pending.any():
        if not np.any(A):
            return SpectralNorm(0.0, _unit(m), _unit(n), 0, True, 0.0, ())
        # v fell in the null space of A (probability zero); a vector of the row space cannot.
        threshold = None
        v = products.transpose_times(rng.standard_normal(m), A)
        v /= np.linalg.norm(v)
        pending = products.times(A, v)

    size = min(m, n, _MAX_BASIS)
    V = np.zeros((size + 1, n))
    U = np.zeros((size + 1, m))
    V[0] = v
    alphas: list[float] = []  # α₁ … α_k, the diagonal of B_k
    betas: list[float] = []  # β₂ … β_{k+1}: the superdiagonal of B_k, then the coupling to v_{k+1}
    history: list[float] = []
    theta, y = 0.0, np.ones(1)
    stop = max(tol, _ROUNDING)
    error, converged = math.inf, False
    j, beta = 0, 0.0  # j = k − 1: the index of the basis vectors this step adds
    for step in range(1, max_iter + 1):
        if pending is not None:
            p, pending = pending, None
        elif j < m:
            p = products.times(A, V[j])
        else:
            p = None  # U already spans ℝᵐ, so A v_{k} lies in it: α_k = 0
        alpha = 0.0
        if p is not None:
            if j:
                p -= beta * U[j - 1]
                _orthogonalize(p, U[:j])
            alpha = float(np.linalg.norm(p))
        if alpha > 0.0:
            U[j] = p / alpha
            w = products.transpose_times(U[j], A)
            w -= alpha * V[j]
            _orthogonalize(w, V[:j + 1])
            # Once V spans ℝⁿ, what is left of w is rounding.
            beta = float(np.linalg.norm(w)) if j + 1 < n else 0.0
        else:
            # The Krylov space is invariant, so B_k is exact: its top singular value is the largest
            # that the start reaches (σ₁ unless the start is orthogonal to v₁). The last row of B_k
            # is zero, which makes the row of U it multiplies irrelevant.
            U[j] = 0.0
            beta = 0.0
        alphas.append(alpha)
        betas.append(beta)
        scale, diag, off = _gram(alphas, betas)
        theta, y = _top_ritz(scale, diag, off[:-1], theta, y)
        # x_k = α_k y_k/θ, so r = β_{k+1}·|x_k|.
        residual = beta * alpha * abs(float(y[-1])) / theta
        error = _relative_bound(residual, theta)
        if error > stop and threshold is not None:
            bound = probable_bound.relative_error(diag, off, theta / scale, stop, threshold)
            if bound is not None:
                error = bound
        history.append(theta)
        if error <= stop:
            converged = True
            break
        k = j + 1
        if k < size or k == m:  # with U spanning ℝᵐ, the next step has α = 0 and ends the run
            V[k] = w / beta
            j = k
        elif step < max_iter:
            # Restart from the Ritz vectors: with ũ, ṽ as the first basis vectors, α₁ = θ and
            # v₂ ∝ Aᵀũ − θṽ, so B stays bidiagonal and the next step continues from K(AᵀA, ṽ).
            x = _left_vector(alphas, betas, y, theta)
            v_ritz, u_ritz = y @ V[:k], x @ U[:k]
            rho = beta * float(x[-1])
            V[1] = w * (math.copysign(1.0, rho) / beta)
            V[0] = v_ritz / np.linalg.norm(v_ritz)
            U[0] = u_ritz / np.linalg.norm(u_ritz)
            alphas, betas = [theta], [abs(rho)]
            beta, y, j = abs(rho), np.ones(1), 1
            threshold = None

    k = len(alphas)
    x = _left_vector(alphas, betas, y, theta)
    v_out, u_out = y @ V[:k], x @ U[:k]
    return SpectralNorm(theta, u_out / np.linalg.norm(u_out), v_out / np.linalg.norm(v_out),
                        len(history), converged, error, tuple(history))


def _relative_bound(residual: float, sigma: float) -> float:
    """``_HIDDEN_MARGIN``·r/σ for a pair with one exact relation (A v = σu or Aᵀu = σv): see
    :func:`spectral_norm`."""
    return max(_HIDDEN_MARGIN * residual / sigma, _ROUNDING)


def _orthogonalize(w: np.ndarray, basis: np.ndarray) -> None:
    """Remove from w (in place) its components along the orthonormal rows of ``basis``, twice.

    One pass of classical Gram–Schmidt leaves components of size ε·‖w‖/‖result‖; the second pass
    brings them to rounding ("twice is enough"). Both products read ``basis`` along its rows.
    """
    if len(basis):
        for _ in range(2):
            w -= products.transpose_times(basis @ w, basis)


def _gram(alphas: list[float], betas: list[float]) -> tuple[float, list[float], list[float]]:
    """(scale, diag, off): T = BᵀB/scale², B the k×k bidiagonal with diagonal α and superdiagonal β₂…β_k.

    T is tridiagonal with diagonal α_i² + β_i² and off-diagonal α_i β_{i+1}; ``off`` has k entries,
    the last, α_k β_{k+1}, coupling T to the next basis vector. Scaling by the largest entry keeps
    the squares away from overflow (α₁ > 0: the run starts from a vector A does not annihilate).
    """
    scale = max(max(alphas), max(betas))
    al = [a / scale for a in alphas]
    be = [b / scale for b in betas]
    diag = [al[0] ** 2] + [al[i] ** 2 + be[i - 1] ** 2 for i in range(1, len(al))]
    off = [a * b for a, b in zip(al, be)]
    return scale, diag, off


def _top_ritz(scale: float, diag: list[float], off: list[float], lower: float,
              previous: np.ndarray) -> tuple[float, np.ndarray]:
    """(θ, y): the top singular value of B_k and its right singular vector, from the top eigenpair of
    T = BᵀB/scale² (:func:`_gram`, ``off`` without the coupling to the next basis vector).

    ``lower`` is θ of B_{k−1}, whose BᵀB is the leading block (interlacing: the new θ is at least as
    large), and ``previous`` its y.
    """
    if len(diag) == 1:
        return scale * math.sqrt(diag[0]), np.ones(1)
    lo = (lower / scale) ** 2
    # A lower bound to start Newton from: the top eigenvalue of the 2×2 problem that keeps only the
    # coupling of the previous top eigenvector to the new basis vector (the rest can only raise it).
    c = off[-1] * float(previous[-1])
    half = 0.5 * (lo - diag[-1])
    guess = 0.5 * (lo + diag[-1]) + math.hypot(half, c)
    lam = _top_eigenvalue(diag, off, lo, guess)
    return scale * math.sqrt(lam), _top_eigenvector(diag, off, lam)


def _last_pivot(diag: list[float], off: list[float], mu: float) -> tuple[float, float] | None:
    """(d_k, d d_k/dμ) of the LDLᵀ factorization of T − μI; None if an earlier pivot is ≥ 0.

    Every earlier pivot is negative exactly when μ exceeds the top eigenvalue of the leading block.
    Then d_k(μ) = a_k − μ + Σ cⱼ²/(μ − θⱼ) over the block's eigenvalues θⱼ: convex and decreasing,
    with its one zero at the top eigenvalue of T, so Newton converges to it monotonically from
    the left.
    """
    d = diag[0] - mu
    dd = -1.0
    for i in range(1, len(diag)):
        if d >= 0.0:
            return None
        t = off[i - 1] * off[i - 1] / d
        dd = -1.0 + t * dd / d
        d = diag[i] - mu - t
    return d, dd


def _top_eigenvalue(diag: list[float], off: list[float], lo: float, guess: float) -> float:
    """The largest eigenvalue of the unreduced tridiagonal T, given that of its leading block (``lo``).

    Weyl's inequality bounds it by max(lo, a_k) + |b_{k−1}|; inside that bracket, safeguarded Newton
    on the last pivot, bisecting whenever a step would leave the bracket.
    """
    left, right = lo, max(lo, diag[-1]) + abs(off[-1])
    mu = min(max(guess, lo * (1.0 + 4 * _EPS)), right)
    for _ in range(200):
        piv = _last_pivot(diag, off, mu)
        if piv is not None and piv[0] <= 0.0:
            right = mu
        else:
            left = mu
        # Near convergence the pivot is a steep difference of large terms, which pins the root
        # down to about 1e-14 (relative), not to one ulp.
        if right - left <= _ROUNDING * right:
            return right
        if piv is not None:
            step = piv[0] / piv[1]
            nxt = mu - step
            if abs(step) <= 4 * _EPS * mu:
                return nxt if piv[0] > 0.0 else mu
        else:
            nxt = left
        if not left < nxt < right:
            nxt = 0.5 * (left + right)
        mu = nxt
    return right


def _top_eigenvector(diag: list[float], off: list[float], lam: float) -> np.ndarray:
    """The unit eigenvector of T for its top eigenvalue ``lam``, from a twisted factorization.

    With a shift just above ``lam``, T − shift·I is negative definite, so its top-down LDLᵀ and
    bottom-up UDUᵀ factorizations need no pivoting and are backward stable. Twisting them at the
    index r where the diagonal of (T − shift·I)⁻¹ is largest solves (T − shift·I) z = γ_r e_r: one
    step of inverse iteration from the unit vector on which the eigenvector is largest (at least
    1/√k), which leaves other eigenvectors at (a few ulps)/gap. The tiny last component, which
    measures the residual, comes out accurate to that level, which no formula in the pivots achieves
    once the top eigenvalue has converged.
    """
    k = len(diag)
    offset = 8 * _EPS * lam
    while True:
        shift = lam + offset
        down = [diag[0] - shift]  # pivots of LDLᵀ
        for i in range(1, k):
            down.append(diag[i] - shift - off[i - 1] * off[i - 1] / down[-1])
        if max(down) < 0.0:
            break
        offset *= 4.0
    up = [0.0] * k  # pivots of UDUᵀ
    up[-1] = diag[-1] - shift
    for i in range(k - 2, -1, -1):
        up[i] = diag[i] - shift - off[i] * off[i] / up[i + 1]
    # γ_r = 1/[(T − shift·I)⁻¹]_rr, all negative here: the largest is the smallest in size.
    gamma = [down[i] + up[i] - (diag[i] - shift) for i in range(k)]
    r = max(range(k), key=gamma.__getitem__)
    z = [0.0] * k
    z[r] = 1.0
    for i in range(r - 1, -1, -1):
        z[i] = -off[i] / down[i] * z[i + 1]
    for i in range(r + 1, k):
        z[i] = -off[i - 1] / up[i] * z[i - 1]
    norm = math.sqrt(math.fsum(zi * zi for zi in z))
    return np.array(z) / norm


def _left_vector(alphas: list[float], betas: list[float], y: np.ndarray, theta: float) -> np.ndarray:
    """x = B_k y/θ: (B y)_i = α_i y_i + β_{i+1} y_{i+1}, and α_k y_k in the last row."""
    a = np.array(alphas)
    x = a * y
    if len(y) > 1:
        x[:-1] += np.array(betas[:len(y) - 1]) * y[1:]
    return x / theta


def _unit(n: int) -> np.ndarray:
    e = np.zeros(n)
    e[0] = 1.0
    return e
