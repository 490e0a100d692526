"""Rows of the exponent table for spectral steepest descent and Muon (page 9)."""

from __future__ import annotations

from functools import partial

from . import SEEDS4, exponent_check, fit_slope, layer_slopes, runs, worst

# Section 10: spectral steepest descent (exact polar factor, no momentum, spectral init). Its update has
# ‖ΔW_l‖_* = ε_l exactly at each step, so after one step ‖ΔW_l‖_*/√(n_l/n_{l-1}) = η at every width and
# the slope is 0 up to the 0.1 % of the Krylov norm (< 1e-3 on the slope): 0.01. After t > 1 steps ΔW_l
# sums t polar factors whose directions differ, and Δh_l has the second term W_l Δa_{l-1}: flat means
# |slope| ≤ 0.1 for every layer, as on page 5. The fit stops at width 512: the exact polar factor of the
# n × n hidden layer is an O(n³) SVD per step (about 10 s at n = 2048), and four seeds × three step counts
# at 2048 would take the table minutes; over 64…512 the measured spread over seeds 0–3 is below 0.03.
STEEPEST_TOP = 512


def _steepest_slopes(quantity: str, steps: int, scale: str = "spectral") -> list[float]:
    return layer_slopes("steepest_update_sizes", SEEDS4, "values", lambda v: v["steepest"], width=STEEPEST_TOP,
                         quantity=quantity, steps=steps, scale=scale, parameterization="spectral", method="svd",
                         momentum=0.0)


for _steps, _tol in ((1, 0.01), (2, 0.1), (5, 0.1)):
    _setting = f"spectral steepest descent, {_steps} step{'s' if _steps > 1 else ''} (worst layer, widths 64–512)"
    exponent_check(f"steepest_dw_{_steps}", section=9,
                   quantity="$\\lVert\\Delta W_l\\rVert_*/\\sqrt{n_l/n_{l-1}}$", setting=_setting,
                   theory=0.0, tolerance=_tol)(lambda s=_steps: worst(_steepest_slopes("dw", s), [0.0] * 3))
    exponent_check(f"steepest_dh_{_steps}", section=9, quantity="$\\operatorname{RMS}(\\Delta h_l)$",
                   setting=_setting,
                   theory=0.0, tolerance=0.1)(lambda s=_steps: worst(_steepest_slopes("dh", s), [0.0] * 3))
del _steps, _tol, _setting


# Muon as it is used: steepest descent with its factor on the hidden matrix, Adam with the spectral rates
# η/n_{l-1} on the input layer and the readout. Every layer's update is then Θ(√(n_l/n_{l-1})); over seeds
# 0–3 the worst layer's RMS(Δh_l) slope is below 0.04 after 1 and 5 steps.
for _steps in (1, 5):
    exponent_check(f"steepest_muon_hidden_dh_{_steps}", section=9, quantity="$\\operatorname{RMS}(\\Delta h_l)$",
                   setting=f"Muon's factor on the hidden layer, Adam on input and readout, {_steps} "
                           f"step{'s' if _steps > 1 else ''} (worst layer, widths 64–512)", theory=0.0, tolerance=0.1)(
        lambda s=_steps: worst(layer_slopes("steepest_update_sizes", SEEDS4, "values", lambda v: v["steepest"],
                                              width=STEEPEST_TOP, quantity="dh", steps=s, scale="muon", layers="hidden",
                                              parameterization="spectral", method="svd", momentum=0.0), [0.0] * 3))
del _steps


# Muon's factor √max(1, n_l/n_{l-1}) is 1 for the readout (d_out × n), √(n/d_out) times the condition.
@exponent_check("steepest_muon_dw_readout", section=9,
                quantity="$\\lVert\\Delta W_L\\rVert_*/\\sqrt{n_L/n_{L-1}}$",
                setting="steepest descent with Muon's factor, readout, 1 step (widths 64–512)", theory=0.5,
                tolerance=0.01)
def _check_steepest_muon_dw_readout() -> float:
    return _steepest_slopes("dw", 1, "muon")[2]


# Best η on a grid of powers of two, as on page 8 (±0.25), after 10 steps (the figure's default), seed 0,
# widths 64…2048 (depth 2 has no n × n matrix, so the exact polar factor is cheap). Measured over seeds
# 0–2: 0.00 with ε_l = η√(n_l/n_{l-1}), −0.37 to −0.40 with Muon's factor (theory −½, from the readout).
def _steepest_best_lr_slope(scale: str) -> float:
    (d,) = runs("steepest_lr_transfer", (0,), tuple(sorted({"scale": scale, "method": "svd", "steps": 10,
                                                              "lr_min": -12, "lr_max": 4,
                                                              "parameterization": "spectral"}.items())))
    return fit_slope(d["widths"], [d["best_lr"]])


for _scale, _drift, _what in (("spectral", 0.0, "$\\varepsilon_l = \\eta\\sqrt{n_l/n_{l-1}}$"),
                              ("muon", -0.5, "Muon's factor $\\eta\\sqrt{\\max(1, n_l/n_{l-1})}$")):
    exponent_check(f"steepest_lr_transfer_{_scale}", section=9, quantity="best base learning rate $\\eta$",
                   setting=f"spectral steepest descent, {_what}, 10 steps", theory=_drift,
                   tolerance=0.25)(partial(_steepest_best_lr_slope, _scale))
del _scale, _drift, _what
