"""Scaling laws of single matrices, measured through the public ``spectral_condition.run``.

Each exponent is a log-log slope (fit.loglog_slope) over the widths 64…2048, with the tolerance
written next to the theory it checks. Seeds differ from the exponent table's (which uses 0, 1, 2),
so these are fresh draws, not the same numbers asserted twice.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

import spectral_condition as sc
from spectral_condition import matrices
from spectral_condition.fit import loglog_slope
from spectral_condition.experiments.preliminaries import spiked_matrix

LO, HI = 64, 2048


@lru_cache(maxsize=None)
def sweep(name: str, seed: int, **params) -> dict:
    return sc.run(name, {**sc.defaults(name), "width": HI, "seed": seed, **params})["data"]


def fit(data: dict, key: str) -> float:
    w = np.array(data["widths"])
    keep = (w >= LO) & (w <= HI)
    assert list(w[keep]) == [64, 128, 256, 512, 1024, 2048]
    return loglog_slope(w[keep], np.array(data[key])[keep])


def fit_mean(runs: list[dict], key: str) -> float:
    """Slope of the geometric mean over seeds at each width (averaging logs keeps it a power law)."""
    w = np.array(runs[0]["widths"])
    keep = (w >= LO) & (w <= HI)
    logs = np.mean([np.log(np.array(r[key])[keep]) for r in runs], axis=0)
    return loglog_slope(w[keep], np.exp(logs))


# --- ‖W‖_* of a Gaussian: σ(√n_in + √n_out) -------------------------------------------------------

def test_spectral_norm_of_square_gaussian_grows_like_sqrt_n():
    d = sweep("spectral_norm_scaling", 7, aspect="1", init="unit")
    # Theory: ‖W‖_* ≈ σ(√n_in + √n_out) = 2√n, slope ½. Tracy–Widom fluctuations are O(n^{-2/3})
    # relative and the finite-size bias tilts the fit up by ≈ 0.01: tolerance 0.03.
    assert abs(fit(d, "measured") - 0.5) <= 0.03
    # Gordon: E‖W‖_* ≤ σ(√n_in + √n_out), sharp as n grows; at n = 2048 the gap is O(n^{-2/3}) ≈ 0.6 %.
    ratio = d["measured"][-1] / d["predicted"][-1]
    assert 0.98 <= ratio <= 1.005


@pytest.mark.parametrize("aspect", ["0.25", "4"])
def test_spectral_norm_prediction_holds_for_rectangles(aspect):
    d = sweep("spectral_norm_scaling", 7, aspect=aspect, init="unit")
    # Same law at fixed aspect, same slope ½ and tolerance 0.03; the measured/predicted ratio
    # approaches 1 with an O(n^{-2/3}) gap (≤ 10 % from n = 64, where the short side is only 16).
    assert abs(fit(d, "measured") - 0.5) <= 0.03
    widths = np.array(d["widths"])
    ratios = (np.array(d["measured"]) / np.array(d["predicted"]))[widths >= LO]
    # One draw's σ₁ sits above the mean by Tracy–Widom fluctuations, of relative size
    # (1/√n_in + 1/√n_out)^{1/3}/(2(√n_in + √n_out)) (Johnstone 2001, on λ₁ = σ₁²): 1.2 % at 64 × 256.
    # TW₁ has mean −1.2 and standard deviation 1.3; the largest of 400 draws at 128 × 512 (two random
    # streams) was 3.25, so the upper bound is 1 + 3.5 of that size.
    shapes = [matrices.shape(int(n), aspect) for n in widths[widths >= LO]]
    upper = np.array([1 + 3.5 * (m ** -0.5 + n ** -0.5) ** (1 / 3) / (2 * (m ** 0.5 + n ** 0.5)) for m, n in shapes])
    assert np.all((ratios > 0.9) & (ratios < upper)), (ratios, upper)


# The square case is in the exponent table (spectral_norm_spectral_init); here the rectangles.
@pytest.mark.parametrize("aspect", ["0.25", "4"])
def test_spectral_init_gives_flat_norm_of_order_sqrt_fan_out_over_fan_in(aspect):
    d = sweep("spectral_norm_scaling", 8, aspect=aspect, init="spectral")
    # σ = (1/√n_in)·min(1, √λ) turns σ(√n_in + √n_out) into min(1, √λ)(1 + √λ), width-free: slope 0,
    # tolerance 0.03 as above.
    assert abs(fit(d, "measured")) <= 0.03
    lam = float(aspect)
    # ... and of the target's order: between √λ and 2√λ, up to the finite-size gap (10 % at n = 64).
    target = np.sqrt(lam)
    big = np.array(d["widths"]) >= LO
    assert np.all(np.array(d["measured"])[big] >= 0.9 * target)
    assert np.all(np.array(d["measured"])[big] <= 2.0 * target)


# --- stable rank -----------------------------------------------------------------------------------

def test_frobenius_over_spectral_grows_like_sqrt_n_for_gaussian_and_is_one_for_rank_one():
    d = sweep("stable_rank", 7, aspect="1")
    # ‖W‖_F/‖W‖_* ≈ √(n_in n_out)/(√n_in + √n_out) = √n/2: slope ½, tolerance 0.03 (‖W‖_* tilt).
    assert abs(fit(d, "gaussian") - 0.5) <= 0.03
    big = np.array(d["widths"]) >= LO
    assert np.allclose(np.array(d["gaussian"])[big], np.array(d["gaussian_theory"])[big], rtol=0.1)
    # g xᵀ: ‖·‖_F = ‖·‖_* = ‖g‖‖x‖ exactly, at every width.
    assert np.allclose(d["rank_one"], 1.0, rtol=0, atol=1e-9)


def test_marchenko_pastur_fits_the_spectrum():
    for aspect in ("0.25", "1", "4"):
        d = sc.run("mp_spectrum", {"width": 512, "aspect": aspect, "seed": 3})["data"]
        edges = np.array(d["bin_edges"])
        centers, widths = (edges[1:] + edges[:-1]) / 2, np.diff(edges)
        from spectral_condition.experiments.preliminaries import mp_singular_density
        # L1 distance between the histogram and the density: binning and sampling noise at
        # 128…512 singular values keep it well below 0.15 (a wrong λ or scale gives > 0.5).
        mp = mp_singular_density(centers, d["lambda"])
        assert np.sum(np.abs(np.array(d["density"]) - mp) * widths) < 0.15, aspect
        # ‖W‖_* at the upper edge 1 + √λ, to the finite-size gap O(n^{-2/3}).
        assert d["spectral"] == pytest.approx(d["edge_high"], rel=0.03)
        assert d["stable_rank"] == pytest.approx(d["stable_rank_theory"], rel=0.08)
        assert d["rank_one_stable_rank"] == pytest.approx(1.0, abs=1e-9)


def test_mp_density_integrates_to_one():
    from spectral_condition.experiments.preliminaries import mp_singular_density
    for lam in (0.25, 0.5, 1.0, 2.0, 4.0):
        s = np.linspace(0.0, 3.5, 400_001)
        assert np.trapezoid(mp_singular_density(s, lam), s) == pytest.approx(1.0, abs=2e-3), lam


# --- alignment -------------------------------------------------------------------------------------

ALIGN_SEEDS = (3, 4, 5)


@pytest.fixture(scope="module")
def align_runs():
    return [sweep("alignment", s, aspect="1", batch=8) for s in ALIGN_SEEDS]


def test_rank_one_update_on_its_own_input_has_alignment_one(align_runs):
    # h is the top right singular vector of g hᵀ: exactly 1, to rounding (1e-9).
    for d in align_runs:
        assert np.allclose(d["rank_one_own"], 1.0, rtol=0, atol=1e-9)


def test_square_random_init_on_a_fixed_input_has_alignment_one_half(align_runs):
    # √n_out/(√n_out + √n_in) = ½ when square; ‖Wh‖/‖h‖ fluctuates by O(1/√n) relative, and
    # ‖W‖_* sits O(n^{-2/3}) below its prediction: mean over widths ≥ 64 and 3 seeds within 0.04.
    vals = np.array([np.array(d["random_init"])[np.array(d["widths"]) >= LO] for d in align_runs])
    assert abs(vals.mean() - 0.5) <= 0.04
    # Θ(1): no trend in width (slope 0 within 0.05).
    assert abs(fit_mean(align_runs, "random_init")) <= 0.05


@pytest.mark.parametrize("aspect, theory", [("0.25", 1 / 3), ("4", 2 / 3)])
def test_random_init_alignment_follows_the_aspect(aspect, theory):
    d = sweep("alignment", 3, aspect=aspect, batch=1)
    big = np.array(d["widths"]) >= 256
    # √λ/(√λ + 1): ⅓ for λ = ¼, ⅔ for λ = 4; per-width noise O(1/√n_out), four widths: within 0.06.
    assert np.mean(np.array(d["random_init"])[big]) == pytest.approx(theory, abs=0.06)


def test_update_on_an_unrelated_input_falls_like_inverse_sqrt_n(align_runs):
    # RMS over 32 inputs of |cos∠(h, x)| = 1/√n_in in mean square: slope −½. Per width and seed the
    # RMS has ≈ 12 % noise, so the 3-seed fit has a standard deviation ≈ 0.025: tolerance 0.1.
    assert abs(fit_mean(align_runs, "unrelated") + 0.5) <= 0.1


def test_rank_b_update_keeps_a_width_independent_share(align_runs):
    # B = 8 nearly orthogonal outer products: h₁ keeps Θ(1) of the top stretch at every width. The
    # share approaches 1 from below as the cross terms (O(√(B/n)) relative) fade, so the fitted slope
    # is small and positive: |slope| ≤ 0.15, and every value is between 0.4 and 1.
    assert abs(fit_mean(align_runs, "rank_b_own")) <= 0.15
    for d in align_runs:
        vals = np.array(d["rank_b_own"])[np.array(d["widths"]) >= LO]
        assert np.all((vals > 0.4) & (vals <= 1.0 + 1e-9))


# --- power iteration --------------------------------------------------------------------------------

@pytest.mark.parametrize("aspect,spike", [("0.5", 2.0), ("1", 0.0), ("4", 1.0)])
def test_power_iteration_reference_agrees_with_numpy_svd(aspect, spike):
    params = {"width": 128, "aspect": aspect, "spike": spike, "steps": 100, "seed": 1}
    d = sc.run("power_iteration", params)["data"]
    s = np.linalg.svd(spiked_matrix(128, aspect, spike, 1), compute_uv=False)
    assert (d["n_out"], d["n_in"]) == spiked_matrix(128, aspect, spike, 1).shape
    # Certified to 1e-12 relative; σ₂ comes from the deflated matrix, so it carries σ₁'s error too.
    assert d["sigma1"] == pytest.approx(s[0], rel=1e-12)
    assert d["sigma2"] == pytest.approx(s[1], rel=1e-10)


def test_power_iteration_experiment_converges_at_the_predicted_rate():
    d = sc.run("power_iteration", {"width": 128, "aspect": "0.5", "spike": 2.0, "steps": 100, "seed": 1})["data"]
    k = np.array(d["k"])
    err = np.array([np.nan if e is None else e for e in d["value_error"]])
    tail = (k >= 5) & np.isfinite(err) & (err > 1e-12)
    assert tail.sum() >= 4
    rate = np.exp(np.polyfit(k[tail], np.log(err[tail]), 1)[0])
    # Theory: the value error is a sum over j ≥ 2 of terms shrinking by (σ_j/σ₁)⁴ per step, so the
    # fitted per-step factor is at most (σ₂/σ₁)⁴ (5 % for the fit), and it approaches that factor
    # from below as the terms of the bulk's lower singular values die out. The bulk edge sits right
    # below σ₂, so they die out slowly: over seeds 1–6 the factor is 0.82–0.98 of (σ₂/σ₁)⁴.
    assert 0.75 * d["ratio"] ** 4 <= rate <= 1.05 * d["ratio"] ** 4
