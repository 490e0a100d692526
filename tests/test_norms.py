"""Each norm of spectral_condition.norms against NumPy's SVD, and power iteration's convergence rates."""

from __future__ import annotations

import numpy as np
import pytest

from spectral_condition import norms

REL = 1e-6  # the agreement asked of ‖A‖_* against np.linalg.norm(A, 2) (what a figure can show)


def _with_singular_values(s: np.ndarray, m: int, n: int, seed: int) -> np.ndarray:
    """U diag(s) Vᵀ with Haar-random U, V: a matrix whose singular values we choose."""
    rng = np.random.default_rng(seed)
    u, _ = np.linalg.qr(rng.standard_normal((m, len(s))))
    v, _ = np.linalg.qr(rng.standard_normal((n, len(s))))
    return (u * s) @ v.T


def _matrices() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(2023)
    return {
        "random 60x50": rng.standard_normal((60, 50)),
        "rank one": np.outer(rng.standard_normal(70), rng.standard_normal(40)),
        "rank three": rng.standard_normal((80, 3)) @ rng.standard_normal((3, 30)),
        "ill-conditioned (1 to 1e-12)": _with_singular_values(np.logspace(0, -12, 40), 50, 40, 1),
        "tall 400x12": rng.standard_normal((400, 12)),
        "wide 12x400": rng.standard_normal((12, 400)),
        "tiny 1x1": np.array([[-3.5]]),
        "column 30x1": rng.standard_normal((30, 1)),
        "row 1x30": rng.standard_normal((1, 30)),
        "huge entries": 1e150 * rng.standard_normal((20, 20)),
        "tiny entries": 1e-150 * rng.standard_normal((20, 20)),
        # σ₁ = σ₂ exactly: the top singular vector is not unique, the value still converges.
        "degenerate top σ1 = σ2": _with_singular_values(np.array([2.0, 2.0, 1.0, 0.5]), 30, 20, 2),
        "near-degenerate gap 1e-9": _with_singular_values(np.array([1.0, 1.0 - 1e-9, 0.3, 0.1]), 30, 20, 3),
        "orthogonal (all σ equal)": np.linalg.qr(rng.standard_normal((25, 25)))[0] * 3.0,
    }


MATRICES = _matrices()


@pytest.mark.parametrize("name", list(MATRICES))
def test_spectral_norm_matches_svd(name):
    a = MATRICES[name]
    r = norms.spectral_norm(a)
    want = np.linalg.norm(a, 2)
    assert r.converged
    assert abs(r.value - want) <= REL * want, (r.value, want, r.iterations)
    assert float(r) == r.value
    # A v = σ u and Aᵀ u = σ v: the returned pair is a singular pair to the accuracy of the value.
    assert np.isclose(np.linalg.norm(r.u), 1.0) and np.isclose(np.linalg.norm(r.v), 1.0)
    assert np.linalg.norm(a @ r.v - r.value * r.u) <= 1e-3 * want
    assert r.iterations == len(r.history) and r.history[-1] == r.value


@pytest.mark.parametrize("name", ["random 60x50", "rank one", "ill-conditioned (1 to 1e-12)", "tall 400x12",
                                  "wide 12x400"])
def test_top_singular_vectors_match_svd_when_the_top_is_separated(name):
    a = MATRICES[name]
    u, s, vt = np.linalg.svd(a)
    r = norms.spectral_norm(a)
    # Singular vectors are defined up to sign; the angle to NumPy's is ~ (value error)^{1/2}.
    assert abs(abs(r.v @ vt[0]) - 1.0) < 1e-6
    assert abs(abs(r.u @ u[:, 0]) - 1.0) < 1e-6


def test_square_gaussian_1024_converges_to_1e_6():
    """The hard case: σ₂/σ₁ = 1 − O(n^{-2/3}) at the top of a Gaussian spectrum."""
    a = np.random.default_rng(0).standard_normal((1024, 1024))
    want = np.linalg.norm(a, 2)
    for tol in (1e-6, 1e-10):
        r = norms.spectral_norm(a, tol=tol)
        assert r.converged and r.error_estimate <= tol
        assert abs(r.value - want) <= max(tol, 1e-12) * 2 * want, (tol, r.value, want, r.iterations)


@pytest.mark.parametrize("seed", range(6))
def test_predicted_error_is_honest_on_gaussians(seed):
    """The stop is a prediction of the remaining error; check it against the truth at tol = 1e-6."""
    rng = np.random.default_rng(100 + seed)
    m, n = rng.choice([64, 128, 256], size=2)
    a = rng.standard_normal((m, n))
    r = norms.spectral_norm(a, tol=1e-6, seed=seed)
    want = np.linalg.norm(a, 2)
    assert r.converged and (want - r.value) / want <= 1e-6


def test_estimates_increase_monotonically():
    """Rayleigh quotients of (AᵀA)^k v₀ never decrease (log-convexity of the moments)."""
    a = np.random.default_rng(5).standard_normal((90, 70))
    h = np.array(norms.power_iteration(a, 200).history)
    assert np.all(np.diff(h) >= -1e-13 * h[-1])
    assert h[-1] <= np.linalg.norm(a, 2) * (1 + 1e-13)


def test_convergence_rates_are_the_documented_ones():
    """Value error shrinks like (σ₂/σ₁)^{4k}, the angle to v₁ like (σ₂/σ₁)^{2k}."""
    s = np.array([1.0, 0.8, 0.5, 0.3, 0.1])
    a = _with_singular_values(s, 40, 30, 7)
    v1 = np.linalg.svd(a)[2][0]
    r = norms.spectral_norm(a, tol=0.0, max_iter=25, keep_vectors=True)
    k = np.arange(1, r.iterations + 1)
    value_err = 1.0 - np.array(r.history)
    angle = np.array([np.linalg.norm(v - (v @ v1) * v1) for v in r.vectors])
    # Per-step ratios in the asymptotic regime (σ₃ terms gone, rounding not yet reached).
    tail = (k >= 5) & (value_err > 1e-13)
    rate_value = np.exp(np.polyfit(k[tail], np.log(value_err[tail]), 1)[0])
    rate_angle = np.exp(np.polyfit(k[5:], np.log(angle[5:]), 1)[0])
    assert rate_value == pytest.approx(0.8 ** 4, rel=0.02)
    assert rate_angle == pytest.approx(0.8 ** 2, rel=0.02)


def test_deterministic_for_a_seed_and_seed_independent_value():
    a = np.random.default_rng(9).standard_normal((50, 50))
    r1, r2 = norms.spectral_norm(a, seed=3), norms.spectral_norm(a, seed=3)
    assert r1.value == r2.value and r1.history == r2.history
    r3 = norms.spectral_norm(a, seed=4)
    assert r3.value == pytest.approx(r1.value, rel=2 * 1e-10)


def test_max_iter_caps_the_work_and_reports_not_converged():
    a = np.random.default_rng(1).standard_normal((200, 200))
    r = norms.spectral_norm(a, tol=1e-14, max_iter=5)
    assert r.iterations == 5 and not r.converged


def test_tol_none_runs_exactly_max_iter_steps_even_past_convergence():
    a = np.outer(np.arange(1.0, 4.0), np.ones(5))  # rank one: exact after one step
    r = norms.spectral_norm(a, tol=None, max_iter=12)
    assert r.iterations == 12 and r.converged
    assert r.history[-1] == pytest.approx(np.linalg.norm(a, 2), rel=1e-14)
    assert norms.spectral_norm(a).iterations < 12


def test_zero_matrix():
    r = norms.spectral_norm(np.zeros((4, 3)))
    assert r.value == 0.0 and r.converged and r.u.shape == (4,) and r.v.shape == (3,)


@pytest.mark.parametrize("bad", [np.zeros(5), np.zeros((0, 3)), np.array([[1.0, np.nan]]),
                                 np.array([[np.inf, 1.0]])])
def test_spectral_norm_refuses_bad_input(bad):
    with pytest.raises(ValueError):
        norms.spectral_norm(bad)


@pytest.mark.parametrize("name", list(MATRICES))
def test_frobenius_norm_is_root_of_sum_of_squared_singular_values(name):
    a = MATRICES[name]
    s = np.linalg.svd(a, compute_uv=False)
    # Computed from the SVD, not from the entries, so the test does not repeat the implementation.
    assert norms.frobenius_norm(a) == pytest.approx(np.sqrt(np.sum(s ** 2)), rel=1e-10)


@pytest.mark.parametrize("name", list(MATRICES))
def test_stable_rank_matches_svd(name):
    a = MATRICES[name]
    s = np.linalg.svd(a, compute_uv=False)
    want = np.sum(s ** 2) / s[0] ** 2
    assert norms.stable_rank(a) == pytest.approx(want, rel=REL)
    assert 1.0 - 1e-9 <= norms.stable_rank(a) <= np.linalg.matrix_rank(a) + 1e-6


def test_stable_rank_extremes():
    assert norms.stable_rank(np.outer(np.arange(1.0, 6.0), np.ones(4))) == pytest.approx(1.0, abs=1e-12)
    assert norms.stable_rank(np.eye(17)) == pytest.approx(17.0, rel=1e-12)
    with pytest.raises(ValueError):
        norms.stable_rank(np.zeros((3, 3)))


def test_rms():
    x = np.random.default_rng(0).standard_normal(1000) * 3.0
    assert norms.rms(x) == pytest.approx(np.linalg.norm(x) / np.sqrt(x.size), rel=1e-12)
    assert norms.rms(np.full(64, -2.0)) == pytest.approx(2.0, rel=1e-15)
    # A batch: root of the mean over examples of each example's RMS².
    batch = np.random.default_rng(1).standard_normal((8, 50))
    per_example = [norms.rms(row) for row in batch]
    assert norms.rms(batch) == pytest.approx(np.sqrt(np.mean(np.square(per_example))), rel=1e-12)
    with pytest.raises(ValueError):
        norms.rms(np.zeros(0))


@pytest.mark.parametrize("name", ["random 60x50", "ill-conditioned (1 to 1e-12)", "tall 400x12", "wide 12x400",
                                  "rank three"])
def test_alignment_ratio_matches_svd(name):
    a = MATRICES[name]
    u, s, vt = np.linalg.svd(a)
    h = np.random.default_rng(4).standard_normal(a.shape[1])
    want = np.linalg.norm(a @ h) / (s[0] * np.linalg.norm(h))
    assert norms.alignment_ratio(a, h) == pytest.approx(want, rel=REL)
    # On its top right singular vector the ratio is 1; on the last one, σ_min/σ₁.
    assert norms.alignment_ratio(a, vt[0]) == pytest.approx(1.0, rel=REL)
    last = min(a.shape) - 1
    assert norms.alignment_ratio(a, vt[last]) == pytest.approx(s[last] / s[0], rel=1e-6, abs=1e-12)


def test_alignment_ratio_rank_one_on_own_input_is_one_and_orthogonal_input_zero():
    rng = np.random.default_rng(11)
    g, h = rng.standard_normal(300), rng.standard_normal(200)
    a = np.outer(g, h)
    assert abs(norms.alignment_ratio(a, h) - 1.0) < 1e-12
    x = rng.standard_normal(200)
    x -= (x @ h) / (h @ h) * h
    assert norms.alignment_ratio(a, x) < 1e-12
    # A known ‖A‖_* is used as given.
    assert norms.alignment_ratio(a, h, norm=2 * np.linalg.norm(g) * np.linalg.norm(h)) == pytest.approx(0.5)


def test_alignment_ratios_of_many_inputs_are_each_inputs_ratio_against_the_svd():
    a = MATRICES["random 60x50"]
    s = np.linalg.svd(a, compute_uv=False)
    hs = np.random.default_rng(5).standard_normal((7, a.shape[1]))
    want = [np.linalg.norm(a @ h) / (s[0] * np.linalg.norm(h)) for h in hs]
    got = norms.alignment_ratios(a, hs, s[0])
    assert got.shape == (7,) and got == pytest.approx(want, rel=1e-12)
    for bad in (np.ones((2, a.shape[1] + 1)), np.ones(a.shape[1]), np.vstack([hs[:1], np.zeros((1, a.shape[1]))])):
        with pytest.raises(ValueError):
            norms.alignment_ratios(a, bad, s[0])
    with pytest.raises(ValueError):
        norms.alignment_ratios(a, hs, 0.0)


@pytest.mark.parametrize("a, h", [(np.ones((3, 4)), np.ones(3)), (np.ones((3, 4)), np.ones((4, 1))),
                                  (np.zeros((3, 4)), np.ones(4)), (np.ones((3, 4)), np.zeros(4))])
def test_alignment_ratio_refuses_bad_or_undefined_input(a, h):
    with pytest.raises(ValueError):
        norms.alignment_ratio(a, h)
