"""Rows of the exponent table for the single-matrix pages (2, 4, 6): norms, stable rank, alignment."""

from __future__ import annotations

from . import exponent_check, slope

# ‖W‖_* of a Gaussian fluctuates by O(n^{-2/3}) relative (Tracy–Widom), a few 0.1 % at n = 64, so one
# seed suffices; the finite-size bias (‖W‖_* approaches σ(√n_in + √n_out) from below) tilts a
# 64…2048 fit up by about 0.01 (measured 0.005…0.013 over seeds 0…3). 0.03 covers both.
@exponent_check("spectral_norm_gaussian", section=4, quantity="$\\|W\\|_*$",
                setting="square Gaussian, $\\sigma = 1$", theory=0.5, tolerance=0.03, tool=True)
def _check_spectral_norm_gaussian() -> float:
    return slope("spectral_norm_scaling", "measured", (0,), init="unit", aspect="1")


@exponent_check("spectral_norm_spectral_init", section=4, quantity="$\\|W\\|_*$",
                setting="square Gaussian, spectral init $\\sigma = 1/\\sqrt{n_{l-1}}$", theory=0.0,
                tolerance=0.03)
def _check_spectral_norm_spectral_init() -> float:
    return slope("spectral_norm_scaling", "measured", (0,), init="spectral", aspect="1")


# ‖W‖_F is concentrated far better than ‖W‖_*, so the ratio inherits the same ±0.01 tilt, downward.
@exponent_check("stable_rank_gaussian", section=2, quantity="$\\|W\\|_F/\\|W\\|_*$",
                setting="square Gaussian", theory=0.5, tolerance=0.03, tool=True)
def _check_stable_rank_gaussian() -> float:
    return slope("stable_rank", "gaussian", (0,), aspect="1")


# Exactly 1 at every width (up to rounding), so the slope is 0 to rounding.
@exponent_check("stable_rank_rank_one", section=2, quantity="$\\|W\\|_F/\\|W\\|_*$",
                setting="rank one $g x^\\top$", theory=0.0, tolerance=1e-6, tool=True)
def _check_stable_rank_rank_one() -> float:
    return slope("stable_rank", "rank_one", (0,), aspect="1")


ALIGNMENT_SEEDS = (0, 1, 2)


# ≈ √n_out/(√n_out+√n_in) = ½: Θ(1); one input per width fluctuates by O(1/√n) relative, three seeds.
@exponent_check("alignment_random_init", section=4,
                quantity="$\\|W h\\|/(\\|W\\|_*\\|h\\|)$", setting="square Gaussian init, fixed random input",
                theory=0.0, tolerance=0.05, tool=True)
def _check_alignment_random_init() -> float:
    return slope("alignment", "random_init", ALIGNMENT_SEEDS, aspect="1")


@exponent_check("alignment_rank_one_own", section=6,
                quantity="$\\|\\Delta W h\\|/(\\|\\Delta W\\|_*\\|h\\|)$", setting="rank one $g h^\\top$ on its own input $h$",
                theory=0.0, tolerance=1e-6, tool=True)
def _check_alignment_rank_one_own() -> float:
    return slope("alignment", "rank_one_own", ALIGNMENT_SEEDS, aspect="1")


# RMS of |cos| over 32 inputs × 3 seeds per width: relative noise ≈ 1/√(2·96) ≈ 7 % per point, which
# moves a six-point fit over five octaves by ≈ 0.025 (one standard deviation); 0.1 is four of them.
@exponent_check("alignment_unrelated", section=6,
                quantity="$\\|\\Delta W x\\|/(\\|\\Delta W\\|_*\\|x\\|)$",
                setting="rank one $g h^\\top$ on an unrelated input $x$", theory=-0.5, tolerance=0.1, tool=True)
def _check_alignment_unrelated() -> float:
    return slope("alignment", "unrelated", ALIGNMENT_SEEDS, aspect="1")
