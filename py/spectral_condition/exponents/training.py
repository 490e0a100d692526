"""Rows of the exponent table for the training pages (3, 5–8): activations at init, update sizes,
update alignment, the coordinate check and learning-rate transfer."""

from __future__ import annotations

from functools import partial

from ..plot import OPTIMIZER_LABELS, PARAM_LABELS
from ..theory import theory_exponents
from . import SEEDS3, SEEDS4, SEEDS12, exponent_check, fit_slope, layer_slopes, runs, worst

def _update_slopes(p: str, quantity: str, steps: int, seeds: tuple[int, ...], optimizer: str = "sgd") -> list[float]:
    return layer_slopes("update_sizes", seeds, "values", lambda v: v[p], quantity=quantity, steps=steps,
                         optimizer=optimizer, parameterization=p)


def _theory(p: str, quantity: str, optimizer: str = "sgd") -> list[float]:
    return theory_exponents(p, optimizer)[quantity]


# Section 3: at init every entry of h_l averages n_{l-1} independent terms, so RMS(h_l) is concentrated
# to ~1/√(B n_l). One seed's 64…2048 slope spreads by 0.018 and 0.030 (standard deviations over seeds
# 0–99) for hidden layers 2 and 3 of depth 4, whose fluctuations compound, and by 0.010 for the input
# layer; twelve seeds bring the worst to ±0.009, so 0.05 is over five standard deviations.
@exponent_check("activation_rms_spectral_hidden", section=3, quantity="$\\operatorname{RMS}(h_l)$ at init",
                setting="spectral, hidden layers of a depth-4 MLP (worst layer)", theory=0.0, tolerance=0.05)
def _check_activation_rms_spectral_hidden() -> float:
    slopes = layer_slopes("activation_rms", SEEDS12, "rms", parameterization="spectral", depth=4)
    return worst(slopes[1:-1], [0.0] * (len(slopes) - 2))


# The readout averages only B·d_out = 32 numbers per width, correlated through the features they share:
# one seed's slope spreads by 0.10 (standard deviation over seeds 0–99), twelve seeds' by 0.03, so
# 0.08 is over two and a half.
@exponent_check("activation_rms_mup_readout", section=3, quantity="$\\operatorname{RMS}(h_L)$ at init",
                setting="μP readout ($\\sigma_L = 1/n$)", theory=-0.5, tolerance=0.08)
def _check_activation_rms_mup_readout() -> float:
    return layer_slopes("activation_rms", SEEDS12, "rms", parameterization="mup", depth=4)[-1]


# Section 5. Flat means |slope| ≤ 0.1 for every layer, the article's tolerance for the spectral
# condition; the growth and decay exponents get the same ±0.1 on their theory.
DW_TEX = "$\\lVert\\Delta W_l\\rVert_*/\\sqrt{n_l/n_{l-1}}$"
DH_TEX = "$\\operatorname{RMS}(\\Delta h_l)$"
REL_F_TEX = "$\\lVert\\Delta W_l\\rVert_F/\\lVert W_l\\rVert_F$"
REL_S_TEX = "$\\lVert\\Delta W_l\\rVert_*/\\lVert W_l\\rVert_*$"


def _worst_update_row(p: str, quantity: str, steps: int, quantity_tex: str, optimizer: str = "sgd") -> None:
    """'Flat at every layer' after ``steps`` steps: the worst layer's slope (four seeds) against 0."""
    step_words = f"{steps} {'SGD' if optimizer == 'sgd' else 'Adam'} step{'s' if steps > 1 else ''}"
    opt = "" if optimizer == "sgd" else f"{optimizer}_"
    exponent_check(f"update_sizes_{p}_{opt}{quantity}_{steps}", section=5, quantity=quantity_tex,
                   setting=f"{PARAM_LABELS[p]}, {step_words} (worst layer)", theory=0.0, tolerance=0.1)(
        lambda: worst(_update_slopes(p, quantity, steps, SEEDS4, optimizer), _theory(p, quantity, optimizer)))


for _p, _quantity, _steps, _tex, _opt in (
        ("spectral", "dh", 1, DH_TEX, "sgd"), ("spectral", "dh", 5, DH_TEX, "sgd"),
        ("spectral", "dw", 1, DW_TEX, "sgd"), ("spectral", "dw", 5, DW_TEX, "sgd"),
        ("spectral", "dh", 1, DH_TEX, "adam"), ("spectral", "rel_spectral", 1, REL_S_TEX, "sgd"),
        ("mup", "dh", 1, DH_TEX, "sgd"), ("mup", "dh", 5, DH_TEX, "sgd")):
    _worst_update_row(_p, _quantity, _steps, _tex, _opt)
del _p, _quantity, _steps, _tex, _opt


@exponent_check("update_sizes_spectral_rel_frobenius_hidden", section=5,
                quantity="$\\lVert\\Delta W_l\\rVert_F/\\lVert W_l\\rVert_F$",
                setting="spectral, hidden layer, 1 SGD step", theory=-0.5, tolerance=0.1)
def _check_update_sizes_spectral_rel_frobenius_hidden() -> float:
    return _update_slopes("spectral", "rel_frobenius", 1, SEEDS4)[1]


@exponent_check("update_sizes_sp_dh_output", section=5, quantity="$\\operatorname{RMS}(\\Delta h_L)$",
                setting="SP readout, 1 SGD step", theory=1.0, tolerance=0.1)
def _check_update_sizes_sp_dh_output() -> float:
    return _update_slopes("sp", "dh", 1, SEEDS12)[2]


@exponent_check("update_sizes_ntp_dh_hidden", section=5, quantity="$\\operatorname{RMS}(\\Delta h_l)$",
                setting="NTP hidden layer, 1 SGD step", theory=-0.5, tolerance=0.1)
def _check_update_sizes_ntp_dh_hidden() -> float:
    return _update_slopes("ntp", "dh", 1, SEEDS12)[1]


# Section 6. The ratio is a mean over the B = 8 examples of one seed; three seeds.
@exponent_check("update_alignment_spectral_own", section=6,
                quantity="$\\lVert\\Delta W_l a\\rVert/(\\lVert\\Delta W_l\\rVert_*\\lVert a\\rVert)$",
                setting="spectral, 5 SGD steps, the layer's own inputs (worst layer)", theory=0.0,
                tolerance=0.1)
def _check_update_alignment_spectral_own() -> float:
    return worst(layer_slopes("update_alignment", SEEDS3, "own", parameterization="spectral"), [0.0] * 3)


# 32 unrelated inputs × 3 seeds per width: the RMS of |cos| is good to ~7 % per point, ≈ 0.03 on the slope.
@exponent_check("update_alignment_spectral_unrelated", section=6,
                quantity="$\\lVert\\Delta W_l z\\rVert/(\\lVert\\Delta W_l\\rVert_*\\lVert z\\rVert)$",
                setting="spectral, 5 SGD steps, hidden layer, unrelated Gaussian $z$", theory=-0.5,
                tolerance=0.1)
def _check_update_alignment_spectral_unrelated() -> float:
    return layer_slopes("update_alignment", SEEDS3, "unrelated", parameterization="spectral")[1]


# Section 7: each coord_check run already averages 3 seeds. Worst over layers and steps, leaving out
# the readout at step 1 (init), which falls like n^{-1/2} by design (its own row in section 3).
def _coord_slopes(p: str, optimizer: str = "sgd") -> list[list[float]]:
    (d,) = runs("coord_check", (0,), tuple(sorted({"parameterization": p, "optimizer": optimizer,
                                                    "quantity": "h", "seeds": 3, "steps": 4}.items())))
    return [[fit_slope(d["widths"], [ys]) for ys in panel] for panel in d["values"]]


def _coord_worst(p: str) -> float:
    slopes = _coord_slopes(p)
    flat = [s for t, panel in enumerate(slopes) for l, s in enumerate(panel) if not (t == 0 and l == 2)]
    return worst(flat, [0.0] * len(flat))


@exponent_check("coord_check_mup", section=7, quantity="$\\operatorname{RMS}(h_l)$, steps 1–4",
                setting="μP, SGD, every layer and step but the readout at init (worst)", theory=0.0,
                tolerance=0.1)
def _check_coord_check_mup() -> float:
    return _coord_worst("mup")


@exponent_check("coord_check_spectral", section=7, quantity="$\\operatorname{RMS}(h_l)$, steps 1–4",
                setting="spectral, SGD, every layer and step but the readout at init (worst)", theory=0.0,
                tolerance=0.1)
def _check_coord_check_spectral() -> float:
    return _coord_worst("spectral")


# Section 8: the best η sits on a grid of powers of two, so each width's value is off by up to half an
# octave; over five doublings that moves the fitted slope by up to ~0.15. 0.25 covers it.
# The grids hold every width's best η away from their ends (measured: SP from 2⁻¹ at n = 32 down to
# 2⁻⁹ at n = 2048; μP at 2⁻¹, spectral at 2⁰ (SGD) and 2¹ (Adam), at every width).
LR_GRIDS = {"sp": (-12, 0), "mup": (-5, 3), "spectral": (-5, 3)}


def _best_lr_slope(p: str, optimizer: str) -> float:
    lo, hi = LR_GRIDS[p]
    (d,) = runs("lr_transfer", (0,), tuple(sorted({"parameterization": p, "optimizer": optimizer, "depth": 2,
                                                    "steps": 20, "lr_min": lo, "lr_max": hi,
                                                    "seeds": 1}.items())))
    return fit_slope(d["widths"], [d["best_lr"]])


# The same check for each parameterization and optimizer: under SP the best η falls like 1/n,
# under μP and spectral it stays put (the whole point of the page).
for _opt in ("sgd", "adam"):
    for _p, _drift in (("sp", -1.0), ("mup", 0.0), ("spectral", 0.0)):
        exponent_check(f"lr_transfer_{_p}_{_opt}", section=8, quantity="best base learning rate $\\eta$",
                       setting=f"{PARAM_LABELS[_p]}, {OPTIMIZER_LABELS[_opt]}, 20 steps",
                       theory=_drift, tolerance=0.25)(partial(_best_lr_slope, _p, _opt))
del _opt, _p, _drift


# ------------------------------------------- the paper's rules beyond square layers, SGD and one step
# The rows above test mostly square hidden layers. These test the rest of the rule
# σ_l ∝ (1/√n_{l-1})·min(1, √(n_l/n_{l-1})), η_l as in the table: the input layer (fan-out n > fan-in d,
# where the min is 1) and the readout (fan-out d_out < fan-in n, where it is √(d_out/n) and makes the
# readout's init fall like n^{-1/2}); SP and NTP under Adam; the coordinate check under SP; and μP at
# several steps. Seeds and tolerances follow the arguments above: four seeds under spectral and μP,
# twelve under SP and NTP, ±0.1 on a training slope, and section 3's ±0.05 / ±0.08 for init RMS.

def _init_rms_slopes(p: str) -> list[float]:
    return layer_slopes("activation_rms", SEEDS12, "rms", parameterization=p, depth=4)


@exponent_check("activation_rms_spectral_input", section=3, quantity="$\\operatorname{RMS}(h_1)$ at init",
                setting="spectral input layer, fan-out $n$ > fan-in $d$", theory=0.0, tolerance=0.05)
def _check_activation_rms_spectral_input() -> float:
    return _init_rms_slopes("spectral")[0]


@exponent_check("activation_rms_spectral_readout", section=3, quantity="$\\operatorname{RMS}(h_L)$ at init",
                setting="spectral readout, fan-out $n_L$ < fan-in $n$", theory=-0.5, tolerance=0.08)
def _check_activation_rms_spectral_readout() -> float:
    return _init_rms_slopes("spectral")[-1]


def _update_row(key: str, p: str, quantity: str, layer: int, optimizer: str, steps: int, setting: str,
                quantity_tex: str) -> None:
    seeds = SEEDS4 if p in ("mup", "spectral") else SEEDS12
    exponent_check(key, section=5, quantity=quantity_tex, setting=setting,
                   theory=_theory(p, quantity, optimizer)[layer], tolerance=0.1)(
        lambda: _update_slopes(p, quantity, steps, seeds, optimizer)[layer])


LAYER_WORDS = ("input layer ($d \\to n$)", "hidden layer", "readout ($n \\to n_L$)")

for _p in ("spectral", "sp", "ntp"):
    for _l in range(3):
        _update_row(f"update_sizes_{_p}_dw_{('input', 'hidden', 'readout')[_l]}", _p, "dw", _l, "sgd", 1,
                    f"{PARAM_LABELS[_p]}, {LAYER_WORDS[_l]}, 1 SGD step", DW_TEX)
for _l in (0, 2):
    _update_row(f"update_sizes_spectral_rel_frobenius_{('input', 'hidden', 'readout')[_l]}", "spectral",
                "rel_frobenius", _l, "sgd", 1, f"spectral, {LAYER_WORDS[_l]}, 1 SGD step", REL_F_TEX)
_update_row("update_sizes_sp_dh_input", "sp", "dh", 0, "sgd", 1, "SP input layer, 1 SGD step", DH_TEX)
_update_row("update_sizes_sp_dh_hidden", "sp", "dh", 1, "sgd", 1, "SP hidden layer, 1 SGD step", DH_TEX)
_update_row("update_sizes_sp_adam_dw_hidden", "sp", "dw", 1, "adam", 1, "SP hidden layer, 1 Adam step", DW_TEX)
_update_row("update_sizes_sp_adam_dh_input", "sp", "dh", 0, "adam", 1, "SP input layer, 1 Adam step", DH_TEX)
_update_row("update_sizes_sp_adam_dh_readout", "sp", "dh", 2, "adam", 1, "SP readout, 1 Adam step", DH_TEX)
_update_row("update_sizes_ntp_adam_dw_hidden", "ntp", "dw", 1, "adam", 1, "NTP hidden layer, 1 Adam step", DW_TEX)
_update_row("update_sizes_ntp_adam_dw_readout", "ntp", "dw", 2, "adam", 1, "NTP readout, 1 Adam step", DW_TEX)
del _p, _l


def _coord_slope(p: str, step: int, layer: int) -> float:
    """One layer's RMS(h_l) slope at one step (1 = init) of the coordinate check, SGD, 3 seeds (the
    sweep _coord_slopes fits; fitted alone, since SP's later steps diverge at the largest width)."""
    (d,) = runs("coord_check", (0,), tuple(sorted({"parameterization": p, "optimizer": "sgd",
                                                    "quantity": "h", "seeds": 3, "steps": 4}.items())))
    return fit_slope(d["widths"], [d["values"][step - 1][layer]])


# The SP readout at step 2 is the one step the first-order theory describes (Δh_L ∝ n dominates the
# Θ(1) init). From step 3 on its too-large steps compound and overshoot, and no power law is claimed.
@exponent_check("coord_check_sp_readout_2", section=7, quantity="$\\operatorname{RMS}(h_L)$, step 2",
                setting="SP, SGD, readout after one update", theory=1.0, tolerance=0.1)
def _check_coord_check_sp_readout_2() -> float:
    return _coord_slope("sp", 2, 2)


for _p in ("mup", "spectral"):
    for _t in (2, 3, 4):
        exponent_check(f"coord_check_{_p}_readout_{_t}", section=7,
                       quantity=f"$\\operatorname{{RMS}}(h_L)$, step {_t}",
                       setting=f"{PARAM_LABELS[_p]}, SGD, readout after {_t - 1} update{'s' if _t > 2 else ''}",
                       theory=0.0, tolerance=0.1)(partial(_coord_slope, _p, _t, 2))
del _p, _t
