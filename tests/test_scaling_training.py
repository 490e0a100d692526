"""Scaling laws of training, measured as log-log slopes across widths 64…2048 and compared with theory.

Every experiment is called through the public ``spectral_condition.run``; slopes come from
``fit.loglog_slope`` on the geometric mean over seeds of each width's value (``exponents.fit_slope``).
Tolerances are written next to the claims; the seed counts that make them safe are explained with
:data:`spectral_condition.exponents.SEEDS12`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest

import spectral_condition as sc
from spectral_condition import exponents, mlp, network
from spectral_condition import exponents as tr  # fit_slope and the seed sets
from spectral_condition.base_learning_rates import BASE_LR
from spectral_condition.exponents.training import LR_GRIDS
from spectral_condition.parameterizations import network_scalings
from spectral_condition.theory import theory_exponents
from spectral_condition.parameterizations import OPTIMIZERS, PARAMETERIZATIONS


@lru_cache(maxsize=None)
def runs(name: str, seed_list: tuple[int, ...], **params) -> tuple[dict, ...]:
    base = {**sc.defaults(name), "width": 2048, **params}
    return tuple(sc.run(name, {**base, "seed": s})["data"] for s in seed_list)


def layer_slopes(data: tuple[dict, ...], pick) -> list[float]:
    series = [pick(d) for d in data]
    return [tr.fit_slope(data[0]["widths"], [s[l] for s in series]) for l in range(len(series[0]))]


# ------------------------------------------------------------------------------- the exponent table

# The experiments on the network of spectral_condition.network (activation_rms trains nothing, but
# measures that network at init).
TRAINING_EXPERIMENTS = ("activation_rms", "update_sizes", "update_alignment", "coord_check", "lr_transfer")
TRAINING_KEYS = sorted(k for k in exponents.CHECKS if any(k.startswith(n + "_") for n in TRAINING_EXPERIMENTS))


def test_training_exponent_rows_cover_sections_3_to_8():
    assert {exponents.CHECKS[k].section for k in TRAINING_KEYS} == {3, 5, 6, 7, 8}
    for key in ("update_sizes_spectral_dh_1", "update_sizes_spectral_dh_5", "update_sizes_spectral_dw_1",
                "update_sizes_spectral_dw_5", "update_sizes_sp_dh_output", "update_sizes_ntp_dh_hidden",
                "activation_rms_spectral_hidden", "activation_rms_mup_readout", "coord_check_mup",
                "coord_check_spectral", "lr_transfer_sp_sgd", "lr_transfer_mup_sgd"):
        assert key in TRAINING_KEYS


# Each row is asserted against theory in tests/test_exponents.py, with every other row of the table.


# ------------------------------------------------------------------------------ the spectral condition

@pytest.mark.parametrize("steps", [1, 5])
@pytest.mark.parametrize("quantity", ["dh", "dw"])
def test_spectral_updates_are_flat_for_every_layer(quantity, steps):
    """RMS(Δh_l) and ‖ΔW_l‖_*/√(n_l/n_{l-1}) are Θ(1): |slope| ≤ 0.1 for l = 1, 2, 3 (the article's bound for flat).

    Four seeds: one seed's slope wanders by ±0.03 (module docstring of ``training``).
    """
    data = runs("update_sizes", tr.SEEDS4, quantity=quantity, steps=steps, parameterization="spectral")
    slopes = layer_slopes(data, lambda d: d["values"]["spectral"])
    assert all(abs(s) <= 0.1 for s in slopes), slopes


def test_spectral_activations_are_flat_before_and_after_training():
    """RMS(h_l) is Θ(1) for every layer after one and after four steps; at init the readout is the
    deliberate exception, RMS(h_L) ∝ n^{-1/2} (σ_L ∝ 1/n), within ±0.1.

    coord_check's panel t shows the network after t − 1 steps; its points are means over 4 seeds.
    """
    (d,) = runs("coord_check", (0,), parameterization="spectral", steps=5, seeds=4, quantity="h")
    slopes = [[tr.fit_slope(d["widths"], [ys]) for ys in panel] for panel in d["values"]]
    init, after_one, after_four = slopes[0], slopes[1], slopes[4]
    assert all(abs(s) <= 0.1 for s in init[:2]), init
    assert abs(init[2] + 0.5) <= 0.1, init
    assert all(abs(s) <= 0.1 for s in after_one + after_four), (after_one, after_four)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_one_step_theory_for_every_parameterization_and_layer(optimizer):
    """RMS(Δh_l) after one step against ``theory_exponents``, 4 parameterizations × 3 layers.

    Eight seeds: SP's and NTP's per-seed slopes spread by ±0.11 (their initial output is a fresh
    Θ(1) Gaussian at every width), so the mean is good to ±0.04; 0.15 is over three of those.
    Adam gets 0.2: NTP's readout has two terms of exponents ½ and 1 that are still close at these
    widths, and its measured slope (≈ 0.8) lies between them.
    """
    tol = 0.15 if optimizer == "sgd" else 0.2
    data = runs("update_sizes", tuple(range(8)), quantity="dh", steps=1, optimizer=optimizer,
                parameterization="all")
    for p in PARAMETERIZATIONS:
        slopes = layer_slopes(data, lambda d: d["values"][p])
        theory = theory_exponents(p, optimizer)["dh"]
        assert all(abs(s - t) <= tol for s, t in zip(slopes, theory)), (p, slopes, theory)


def test_sp_readout_update_grows_like_n_and_ntp_hidden_update_shrinks():
    """Under SP the readout's update grows with slope ≈ 1 (its learning rate ignores the n-fold
    growth of ‖a_{L-1}‖²); under NTP hidden updates shrink with slope ≈ −½ (lazy training). ±0.1,
    on twelve seeds (mean good to ±0.03). Measured: +1.02 and −0.50."""
    sp = layer_slopes(runs("update_sizes", tr.SEEDS12, quantity="dh", steps=1, parameterization="sp"),
                      lambda d: d["values"]["sp"])
    ntp = layer_slopes(runs("update_sizes", tr.SEEDS12, quantity="dh", steps=1, parameterization="ntp"),
                       lambda d: d["values"]["ntp"])
    assert abs(sp[2] - 1.0) <= 0.1, sp
    assert abs(ntp[1] + 0.5) <= 0.1, ntp


def test_relative_frobenius_update_of_a_hidden_layer_shrinks_under_spectral():
    """‖ΔW‖_F/‖W‖_F ∝ n^{-1/2} for the hidden layer though the update is the right size: a
    Frobenius-norm heuristic would under-update wide layers. Slope −½ ± 0.1 (four seeds)."""
    data = runs("update_sizes", tr.SEEDS4, quantity="rel_frobenius", steps=1, parameterization="spectral")
    slopes = layer_slopes(data, lambda d: d["values"]["spectral"])
    assert abs(slopes[1] + 0.5) <= 0.1, slopes


# ------------------------------------------------------------------------------------- alignment

def test_updates_stay_aligned_with_their_inputs_and_not_with_unrelated_ones():
    """After 5 SGD steps, ‖ΔW_l a‖/(‖ΔW_l‖_*‖a‖) on the layer's own inputs is flat (|slope| ≤ 0.1)
    and of order one (≥ 0.3) for every layer; on unrelated Gaussian inputs it falls like n^{-1/2}
    (±0.1) for the layers whose fan-in is the width. Three seeds."""
    data = runs("update_alignment", tr.SEEDS3, parameterization="spectral")
    own = layer_slopes(data, lambda d: d["own"])
    unrelated = layer_slopes(data, lambda d: d["unrelated"])
    assert all(abs(s) <= 0.1 for s in own), own
    assert all(v >= 0.3 for d in data for ys in d["own"] for v in ys), "own-input ratios are Θ(1)"
    assert all(abs(s + 0.5) <= 0.1 for s in unrelated[1:]), unrelated


# ------------------------------------------------------------------------------- coordinate check

@pytest.mark.parametrize("p", ["mup", "spectral"])
def test_coord_check_is_flat_for_mup_and_spectral(p):
    """Every layer at every step |slope| ≤ 0.1, except the readout at init (−½ ± 0.1, by design)."""
    (d,) = runs("coord_check", (0,), parameterization=p, steps=4, seeds=3, quantity="h")
    for t, panel in zip(d["panels"], d["values"]):
        slopes = [tr.fit_slope(d["widths"], [ys]) for ys in panel]
        if t == 1:
            assert abs(slopes[2] + 0.5) <= 0.1 and all(abs(s) <= 0.1 for s in slopes[:2]), (t, slopes)
        else:
            assert all(abs(s) <= 0.1 for s in slopes), (t, slopes)


def test_coord_check_blows_up_under_sp():
    """SP after one step: readout slope ≈ 1 (measured +1.01), after two the hidden layer too
    (+1.24) and the readout ≈ 2 (+1.95); by step 4 the widest networks have diverged (None).
    Asserted: readout ≥ 0.7 at step 2, hidden ≥ 0.5 at step 3, and a gap at n = 2048 by step 4."""
    (d,) = runs("coord_check", (0,), parameterization="sp", steps=4, seeds=3, quantity="h")
    step2 = [tr.fit_slope(d["widths"], [ys]) for ys in d["values"][1]]
    step3 = [tr.fit_slope(d["widths"], [ys]) for ys in d["values"][2]]
    assert step2[2] >= 0.7, step2
    assert step3[1] >= 0.5, step3
    assert any(ys[-1] is None for ys in d["values"][3])


def test_coord_check_of_ntp_changes_shrinks():
    """NTP's activations look flat (the init dominates), but their changes since init shrink like
    n^{-1/2} in the input and hidden layers (±0.1): lazy training."""
    (d,) = runs("coord_check", (0,), parameterization="ntp", steps=3, seeds=3, quantity="dh")
    for panel in d["values"]:
        slopes = [tr.fit_slope(d["widths"], [ys]) for ys in panel]
        assert all(abs(s + 0.5) <= 0.1 for s in slopes[:2]), slopes


# ---------------------------------------------------------------------------- learning-rate transfer

@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_best_learning_rate_drifts_under_sp_and_not_under_mup_or_spectral(optimizer):
    """Best base η after 20 full-batch steps (depth 2, seed 0), widths 32…2048, measured:

    - SGD: SP 2⁻¹, 2⁻², 2⁻³, 2⁻⁴, 2⁻⁵, 2⁻⁷, 2⁻⁷ (slope −1.09 over 64…2048, theory −1); μP 2⁻¹ and
      spectral 2⁰ at every width (slope 0).
    - Adam: SP 2⁻⁴, 2⁻⁵, 2⁻⁶, 2⁻⁷, 2⁻⁸, 2⁻⁹, 2⁻⁹ (slope −0.86, theory −1); μP 2⁻¹ at every width;
      spectral 2⁰ or 2¹ (slope +0.09).

    Asserted: under SP the best η at n = 2048 is at least 2³ times smaller than at n = 64 (theory:
    2⁵, measured 2⁵ with SGD and 2⁴ with Adam); under μP and spectral it stays within one octave
    (the grid's resolution) from n = 64 to 2048.
    """
    best = {}
    for p in ("sp", "mup", "spectral"):
        lo, hi = LR_GRIDS[p]
        (d,) = runs("lr_transfer", (0,), parameterization=p, optimizer=optimizer, depth=2, steps=20,
                    lr_min=lo, lr_max=hi, seeds=1)
        keep = [i for i, n in enumerate(d["widths"]) if n >= 64]
        best[p] = [math.log2(d["best_lr"][i]) for i in keep]
    assert best["sp"][0] - best["sp"][-1] >= 3, best["sp"]
    for p in ("mup", "spectral"):
        assert max(best[p]) - min(best[p]) <= 1, (p, best[p])


# ---------------------------------------------------------------------------------- the constants

def test_tuned_learning_rates_are_near_the_best_at_width_64():
    """The base learning rates claim: one octave below the power of two that minimizes the loss after
    five full-batch steps at width 64, averaged over seeds 0–2. The minimizer sits at the edge of
    stability, where the loss jumps between neighbouring octaves, so which of two neighbours wins
    depends on the draws: with another weight stream (tag 2 instead of 1) it moves by one octave for
    SP and spectral under SGD. Asserted here is what any draws give: the minimizer is within one
    octave of twice the tuned rate, and the tuned rate itself trains (the loss falls below 0.9 of
    its start on every seed; measured at most 0.76, μP under SGD). That the committed table is exactly the
    tuning of these draws is the tuning script's test below."""
    ks = np.arange(-10, 9)
    # SGD and Adam here; steepest descent's rates come from the same script (its --check test below), and
    # its learning-rate transfer rows check that the best rate does not move with width.
    for (p, optimizer), tuned in ((key, v) for key, v in BASE_LR.items() if key[1] in OPTIMIZERS):
        net = network.dims(64)
        mean = np.zeros(len(ks))
        at_tuned = []
        for seed in range(3):
            x, y = network.batch(seed)
            unit = [s.std * z for s, z in zip(network_scalings(p, net, 1.0, optimizer), network.normals(net, seed))]
            stack = [np.repeat(w[None], len(ks), axis=0) for w in unit]
            lrs = [s.lr * 2.0 ** ks[:, None, None] for s in network_scalings(p, net, 1.0, optimizer)]
            losses = mlp.train(stack, x, y, mlp.make_optimizer(optimizer, lrs), 5)
            ratio = losses[-1] / losses[0]
            mean += np.where(np.isfinite(ratio), ratio, np.inf)
            at_tuned.append(ratio[list(ks).index(round(math.log2(tuned)))])
        best = int(ks[int(np.argmin(mean))])
        assert abs(best - (math.log2(tuned) + 1)) <= 1, (p, optimizer, best)
        assert np.all(np.isfinite(at_tuned)) and max(at_tuned) < 0.9, (p, optimizer, at_tuned)


def test_theory_reproduces_the_papers_claims():
    for optimizer in ("sgd", "adam"):
        for p in ("mup", "spectral"):
            th = theory_exponents(p, optimizer)
            assert th["dh"] == [0.0, 0.0, 0.0] and th["dw"] == [0.0, 0.0, 0.0], (p, optimizer)
            assert th["rms_h"] == [0.0, 0.0, -0.5]
            assert th["rel_frobenius"][1] == -0.5 and th["rel_spectral"] == [0.0, 0.0, 0.0]
    assert theory_exponents("sp", "sgd")["dw"][2] == 1.0
    assert theory_exponents("ntp", "sgd")["dw"][1] == -0.5
    for p in PARAMETERIZATIONS:  # at init every hidden layer has entries of size Θ(1)
        assert theory_exponents(p)["rms_h"][:2] == [0.0, 0.0]


def test_the_tuning_script_regenerates_the_committed_base_learning_rates():
    # Pins the random draws on purpose: the table is the script's output for the figures' networks
    # and batches, so a change of random stream must come with a regenerated table (and figures).
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "tune_base_lrs.py"
    proc = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
