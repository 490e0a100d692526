"""spectral_norm's Krylov method: honest on clustered tops, few products on Gaussians, exact on rank one."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from spectral_condition import krylov, matrices, norms, probable_bound


def _with_singular_values(s: np.ndarray, m: int, n: int, seed: int) -> np.ndarray:
    """U diag(s) Vᵀ with Haar-random U, V: a matrix whose singular values we choose."""
    rng = np.random.default_rng(seed)
    u, _ = np.linalg.qr(rng.standard_normal((m, len(s))))
    v, _ = np.linalg.qr(rng.standard_normal((n, len(s))))
    return (u * s) @ v.T


# Tops: σ₁ with 1, 2 or 4 more singular values at most 1e-3 below it.
TOPS = {
    "pair 1e-3": [1.0, 0.999],
    "pair 1e-4": [1.0, 0.9999],
    "triple 1e-3": [1.0, 0.9995, 0.999],
    "five 1e-3": list(np.linspace(1.0, 0.999, 5)),
    "five 2e-4": list(np.linspace(1.0, 0.9998, 5)),
}


def _tail(kind: str, count: int) -> np.ndarray:
    x = np.linspace(0.0, 1.0, count)
    if kind == "fast":  # 0.5, 0.25, …: the rest of the spectrum is resolved in a few steps
        return 0.5 ** np.arange(1, count + 1)
    if kind == "slow":  # evenly spread below 0.9
        return 0.9 - 0.89 * x
    return 0.98 * (1.0 - x) ** 2 + 1e-3  # "edge": dense right below the cluster, like a Gaussian's edge


SHAPES = [(40, 30), (30, 40), (200, 120), (120, 300), (500, 400)]
CASES = list(itertools.product(TOPS, ["fast", "slow", "edge"], SHAPES))


@pytest.mark.parametrize("top, tail, shape", CASES)
def test_clustered_top_is_within_tol_when_converged_and_the_estimate_is_honest(top, tail, shape):
    m, n = shape
    head = np.array(TOPS[top])
    s = np.concatenate([head, _tail(tail, min(m, n) - len(head))])
    a = _with_singular_values(s, m, n, seed=CASES.index((top, tail, shape)))
    want = np.linalg.svd(a, compute_uv=False)[0]
    for tol in (1e-6, 1e-8):
        r = norms.spectral_norm(a, tol=tol)
        err = (want - r.value) / want
        assert r.converged, (tol, r.iterations, r.error_estimate)
        assert err <= tol, (tol, err, r.error_estimate, r.iterations)
        assert err <= 10 * r.error_estimate, (tol, err, r.error_estimate, r.iterations)


@pytest.mark.parametrize("seed", range(4))
def test_the_clustered_example_that_fooled_the_extrapolated_stop(seed):
    """σ = 1, 0.999, 0.998, 0.5, 0.25, …: an increment-based stop said 1e-7 after 4 steps, off by 1e-3."""
    s = np.concatenate([[1.0, 0.999, 0.998], 0.5 ** np.arange(1, 28)])
    a = _with_singular_values(s, 40, 30, seed)
    r = norms.spectral_norm(a, tol=1e-6, seed=seed)
    assert r.converged and 1.0 - r.value <= 1e-6, (r.iterations, 1.0 - r.value, r.error_estimate)
    # Power iteration with the same residual bound is honest too, only slow.
    p = norms.power_iteration(a, 20_000, seed=seed, tol=1e-6)
    assert p.converged and 1.0 - p.value <= 1e-6, (p.iterations, 1.0 - p.value, p.error_estimate)


# The clustered top σ = 1, 0.999, 0.998 over a tail that halves, in tall, wide and square shapes.
CLUSTERED_SHAPES = [(40, 30), (30, 40), (40, 40), (300, 60), (60, 300), (200, 200)]


def _clustered(shape: tuple[int, int], seed: int) -> np.ndarray:
    m, n = shape
    head = [1.0, 0.999, 0.998]
    return _with_singular_values(np.concatenate([head, 0.5 ** np.arange(1, min(m, n) - len(head) + 1)]), m, n, seed)


@pytest.mark.parametrize("shape", CLUSTERED_SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("tol", [1e-6, 1e-3])
def test_clustered_top_in_every_shape_is_within_tol_or_not_converged(shape, tol):
    """Asked for ``tol``, the answer is within ``tol`` of σ₁ or says it did not get there: five
    matrices × four starts per shape, at a tolerance far below the cluster (1e-6) and at the
    figures' (1e-3, half the cluster's width, where the pair is the hardest to see)."""
    for matrix_seed in range(5):
        a = _clustered(shape, matrix_seed)
        want = np.linalg.svd(a, compute_uv=False)[0]
        for seed in range(4):
            r = norms.spectral_norm(a, tol=tol, seed=seed)
            err = (want - r.value) / want
            assert not r.converged or err <= tol, (matrix_seed, seed, err, r.error_estimate, r.iterations)
            assert r.converged and r.error_estimate <= tol


@pytest.mark.parametrize("method", ["krylov", "power"])
def test_a_pair_two_tol_apart_fools_few_random_starts(method):
    """The worst case of a one-vector start: σ₁, σ₂ = σ₁(1 − 2·tol) over a tail that halves. A start
    with too little weight on v₁ stops before the pair separates; the margin in error_estimate makes
    that rare (about 3 % of Gaussian starts, see spectral_norm; 1–3 % measured on three such
    matrices). Counted over 200 starts, the fraction stopping more than ``tol`` off stays below 7 %
    (3 standard deviations above 3 %); without the margin it is 13–18 %."""
    tol = 1e-3
    s = np.concatenate([[1.0, 1.0 - 2 * tol], 0.5 ** np.arange(1, 29)])
    a = _with_singular_values(s, 40, 30, seed=11)
    fooled = 0
    for seed in range(200):
        if method == "krylov":
            r = norms.spectral_norm(a, tol=tol, seed=seed)
        else:
            r = norms.power_iteration(a, 20_000, seed=seed, tol=tol)
        assert r.converged
        fooled += (1.0 - r.value) > tol
    assert fooled / 200 <= 0.07, fooled


@pytest.mark.parametrize("delta", [1e-5, 1e-4])
def test_a_near_duplicate_top_planted_in_a_gaussian_is_not_missed(delta):
    """A gap-based stop reads the Ritz gap of a Gaussian (~1%) and stops before the pair separates."""
    g = np.random.default_rng(3).standard_normal((512, 512))
    u, s, vt = np.linalg.svd(g)
    s[1] = s[0] * (1.0 - delta)
    a = (u * s) @ vt
    r = norms.spectral_norm(a, tol=1e-6)
    assert r.converged and (s[0] - r.value) / s[0] <= 1e-6, (r.iterations, r.error_estimate)


def test_square_gaussian_1024_to_1e_6_takes_a_few_dozen_products():
    """Power iteration needs ~300 steps here (σ₂/σ₁ = 1 − O(n^{-2/3})); each step is two products."""
    a = np.random.default_rng(0).standard_normal((1024, 1024))
    want = np.linalg.norm(a, 2)
    r = norms.spectral_norm(a, tol=1e-6)
    products = 2 * r.iterations
    assert r.converged and (want - r.value) / want <= 1e-6
    # The value is at 1e-6 after ~35 steps, but only the residual can certify it, ~50 steps.
    assert products < 120, r.iterations
    power = norms.power_iteration(a, 20_000, tol=1e-6)
    assert power.converged and 2 * power.iterations > 5 * products


def test_error_estimate_is_the_residual_of_the_returned_pair():
    """A v = σu holds exactly; error_estimate is ‖Aᵀu − σv‖/σ times the margin for hidden clusters."""
    a = np.random.default_rng(8).standard_normal((150, 90))
    for max_iter in (3, 10, 1000):
        r = norms.spectral_norm(a, tol=1e-9, max_iter=max_iter)
        assert np.linalg.norm(a @ r.v - r.value * r.u) <= 1e-13 * r.value
        residual = np.linalg.norm(a.T @ r.u - r.value * r.v) / r.value
        assert krylov._HIDDEN_MARGIN * residual == pytest.approx(r.error_estimate, rel=1e-6, abs=1e-13)
        assert r.converged == (max_iter == 1000)


@pytest.mark.parametrize("m, n", [(70, 40), (40, 70), (1, 30), (30, 1), (300, 300)])
def test_rank_one_is_exact_within_two_steps(m, n):
    rng = np.random.default_rng(m * 1000 + n)
    g, h = rng.standard_normal(m), rng.standard_normal(n)
    r = norms.spectral_norm(np.outer(g, h))
    assert r.iterations <= 2 and r.converged
    assert r.value == pytest.approx(np.linalg.norm(g) * np.linalg.norm(h), rel=1e-14)
    assert abs(abs(r.v @ h) / np.linalg.norm(h) - 1.0) < 1e-14


@pytest.mark.parametrize("shape", [(1, 1), (4, 3), (3, 4), (50, 20)])
def test_zero_matrix_is_zero(shape):
    r = norms.spectral_norm(np.zeros(shape), tol=1e-6)
    assert r.value == 0.0 and r.converged and r.iterations == 0 and r.history == ()
    assert r.u.shape == (shape[0],) and r.v.shape == (shape[1],)


def test_same_matrix_and_seed_give_identical_bits():
    a = np.random.default_rng(4).standard_normal((300, 200))
    r1, r2 = norms.spectral_norm(a, tol=1e-6, seed=7), norms.spectral_norm(a, tol=1e-6, seed=7)
    assert r1.history == r2.history and r1.value == r2.value
    assert np.array_equal(r1.u, r2.u) and np.array_equal(r1.v, r2.v)


def test_history_never_decreases():
    """Interlacing: the top singular value of B_k grows with k (to rounding)."""
    a = np.random.default_rng(6).standard_normal((400, 250))
    h = np.array(norms.spectral_norm(a, tol=0.0).history)
    assert np.all(np.diff(h) >= -1e-14 * h[-1])
    assert abs(h[-1] - np.linalg.norm(a, 2)) <= 1e-13 * h[-1]


def test_a_full_basis_restarts_and_still_converges(monkeypatch):
    monkeypatch.setattr(krylov, "_MAX_BASIS", 8)
    a = np.random.default_rng(2).standard_normal((300, 260))
    want = np.linalg.norm(a, 2)
    r = norms.spectral_norm(a, tol=1e-8)
    assert r.converged and r.iterations > 8 and (want - r.value) / want <= 1e-8
    h = np.array(r.history)
    assert np.all(np.diff(h) >= -1e-14 * h[-1])
    assert np.linalg.norm(a @ r.v - r.value * r.u) <= 1e-12 * want


def test_max_iter_stops_the_krylov_method_unconverged():
    a = np.random.default_rng(1).standard_normal((200, 200))
    r = norms.spectral_norm(a, tol=1e-12, max_iter=4)
    assert r.iterations == 4 and not r.converged and r.error_estimate > 1e-12
    with pytest.raises(ValueError):
        norms.spectral_norm(a, tol=1e-6, max_iter=0)


def test_power_iteration_keeps_its_numbers_for_the_figure():
    """tol=None and keep_vectors route to power iteration: v ↦ Aᵀ(Av)/‖·‖ from v₀ ∝ Aᵀx."""
    a = np.random.default_rng(12).standard_normal((60, 45))
    r = norms.spectral_norm(a, tol=None, max_iter=30, seed=5, keep_vectors=True)
    p = norms.power_iteration(a, 30, seed=5, keep_vectors=True)
    assert r.history == p.history and r.iterations == 30 and len(r.vectors) == 30
    v = a.T @ np.random.Generator(np.random.SFC64(5)).standard_normal(60)
    v /= np.linalg.norm(v)
    for k in range(30):
        u = a @ v
        u /= np.linalg.norm(u)
        w = a.T @ u
        sigma = np.linalg.norm(w)
        v = w / sigma
        assert r.history[k] == pytest.approx(sigma, rel=1e-13)
        assert np.allclose(r.vectors[k], v, rtol=0, atol=1e-12)


def test_ritz_value_and_vector_match_numpy_on_the_bidiagonal():
    """The O(k) tridiagonal solver against np.linalg.svd of B_k, also for a nearly split B, tiny y_k."""
    rng = np.random.default_rng(0)
    for trial in range(60):
        k = int(rng.integers(2, 50))
        alphas = list(rng.uniform(0.05, 1.0, k) * (10.0 ** rng.uniform(-3, 0, k) if trial % 3 == 0 else 1.0))
        betas = list(rng.uniform(0.05, 1.0, k))
        if trial % 4 == 0:
            betas[k - 2] *= 1e-9  # the new direction barely couples: θ has converged, y_k is tiny
        theta, y = alphas[0], np.ones(1)
        for i in range(2, k + 1):
            scale, diag, off = krylov._gram(alphas[:i], betas[:i])
            theta, y = krylov._top_ritz(scale, diag, off[:-1], theta, y)
        b = np.diag(alphas) + np.diag(betas[:k - 1], 1)
        _, s, vt = np.linalg.svd(b)
        assert theta == pytest.approx(s[0], rel=1e-13)
        assert abs(abs(y @ vt[0]) - 1.0) < 1e-12
        gap = (s[0] - s[1]) / s[0]
        # The last component measures the residual: accurate to rounding/gap, however small.
        assert abs(abs(y[-1]) - abs(vt[0, -1])) <= 1e-14 / gap + 1e-9 * abs(vt[0, -1])


def test_the_christoffel_sum_matches_a_solve_with_the_tridiagonal_above_its_spectrum():
    """Above θ², p_0…p_{k−1} at z are x/x₀ for x = (zI − T_k)⁻¹e_k, and p_k = 1/(b_k x₀) (the three-term
    relation as a linear system, T_k = B_kᵀB_k): the pivot recurrence against numpy's LU solve, at a
    converged top too (B with tiny entries), where the three-term recurrence itself is off by
    orders of magnitude. And it grows with s."""
    rng = np.random.default_rng(5)
    for trial in range(120):
        k = int(rng.integers(2, 50))
        alphas, betas = list(rng.uniform(0.2, 1.0, k)), list(rng.uniform(0.2, 1.0, k))
        if trial % 3 == 0:
            alphas = list(np.array(alphas) * 10.0 ** rng.uniform(-3, 0, k))
        b = np.diag(alphas) + np.diag(betas[:k - 1], 1)
        t = b.T @ b
        theta = float(np.sqrt(np.linalg.eigvalsh(t)[-1]))
        scale, diag, off = krylov._gram(alphas, betas)
        assert np.allclose(np.diag(diag) + np.diag(off[:-1], 1) + np.diag(off[:-1], -1), t / scale**2,
                           rtol=1e-13, atol=0.0)
        assert off[-1] == pytest.approx(alphas[-1] * betas[-1] / scale**2, rel=1e-14)

        def christoffel(s):
            return probable_bound.christoffel_sum(diag, off, (s * theta / scale) ** 2)

        for s in (1.0 + 1e-3, 1.01, 1.1, 2.0):
            x = np.linalg.solve((s * theta) ** 2 * np.eye(k) - t, np.eye(k)[-1])
            want = float(np.sum((x / x[0]) ** 2)) + (1.0 / (alphas[-1] * betas[-1] * x[0])) ** 2
            assert christoffel(s) == pytest.approx(want, rel=1e-8), (trial, s)
        sums = [christoffel(s) for s in np.linspace(1.001, 1.5, 30)]
        assert np.all(np.diff(sums) > 0.0)


def test_a_square_gaussian_at_the_figures_tolerance_stops_by_the_christoffel_bound():
    """Size 2048 at tol = 1e-2, eight seeds: the residual alone needs up to ~50 steps there, while the
    value has converged long before; the probable bound stops every run within 35, within tol."""
    iterations, residual_only = [], []
    for seed in range(8):
        a = matrices.gaussian(matrices.rng(seed, 2048, 2048, matrices.ALIGNMENT), 2048, 2048, 1.0 / np.sqrt(2048))
        want = norms.spectral_norm(a, tol=1e-12, seed=99).value
        r = norms.spectral_norm(a, tol=1e-2, seed=seed)
        assert r.converged and 0.0 <= (want - r.value) / want <= r.error_estimate <= 1e-2
        iterations.append(r.iterations)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(probable_bound, "threshold", lambda n: None)
        for seed in range(8):
            a = matrices.gaussian(matrices.rng(seed, 2048, 2048, matrices.ALIGNMENT), 2048, 2048, 1.0 / np.sqrt(2048))
            residual_only.append(norms.spectral_norm(a, tol=1e-2, seed=seed).iterations)
    assert max(iterations) <= 35 < max(residual_only), (iterations, residual_only)
    assert all(k <= r for k, r in zip(iterations, residual_only))


@pytest.mark.parametrize("tol", [3e-2, 1e-2])
def test_where_the_christoffel_bound_stops_a_run_it_bounds_the_error(tol):
    """Runs that the probable bound stopped (its estimate below the margined residual) on Gaussians of
    several shapes and on clustered tops: each error is within the estimate, which a wrong sum, a
    threshold from the wrong dimension or a bound taken below θ² would break."""
    stopped = 0
    cases = [(np.random.default_rng(seed).standard_normal(shape), seed)
             for seed in range(6) for shape in [(400, 400), (600, 300), (250, 700), (1000, 1000)]]
    cases += [(_clustered(shape, matrix_seed), matrix_seed) for shape in [(200, 200), (300, 60), (60, 300)]
              for matrix_seed in range(4)]
    for a, seed in cases:
        want = np.linalg.norm(a, 2)
        for start in range(3):
            r = norms.spectral_norm(a, tol=tol, seed=10 * seed + start)
            residual = np.linalg.norm(a.T @ r.u - r.value * r.v) / r.value
            if r.error_estimate < 0.5 * krylov._HIDDEN_MARGIN * residual:
                stopped += 1
                assert (want - r.value) / want <= r.error_estimate <= tol, (a.shape, seed, start)
    assert stopped >= 10, stopped
