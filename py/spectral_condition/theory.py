"""The theory's exponents: how each size in the training figures should scale with the width n.

Powers-of-n bookkeeping from the parameterization table alone (nothing is measured here): the
dashed lines of the figures and the expected values of the exponent checks come from it.
"""

from __future__ import annotations

import math

from .network import D_IN, D_OUT
from .parameterizations import UPDATE_SCALES, layer_kinds, layer_scaling


def _width_exponent(parameterization: str, kind: str, quantity: str, optimizer: str) -> float:
    """Exponent of σ_l (quantity "std") or η_l ("lr") in the width n, read off the table."""
    def value(n: float) -> float:
        fan_in = D_IN if kind == "input" else n
        fan_out = D_OUT if kind == "output" else n
        s = layer_scaling(parameterization, kind, fan_in, fan_out, 1.0, optimizer)
        return s.std if quantity == "std" else s.lr
    n = 2.0 ** 20  # far above d and d_out, where min(1, √(n_l/n_{l-1})) has settled
    return round(math.log2(value(2 * n) / value(n)), 9)


def _update_norm_exponent(kind: str, scale: str) -> float:
    """Exponent in n of spectral steepest descent's ε_l = ‖ΔW_l‖_* (per unit η) for a layer kind."""
    fan_in = (lambda n: D_IN) if kind == "input" else (lambda n: n)
    fan_out = (lambda n: D_OUT) if kind == "output" else (lambda n: n)
    n = 2.0 ** 20
    rule = UPDATE_SCALES[scale].fn
    return round(math.log2(rule(fan_in(2 * n), fan_out(2 * n)) / rule(fan_in(n), fan_out(n))), 9)


def theory_exponents(parameterization: str, optimizer: str = "sgd", depth: int = 3,
                     update_scale: str | None = None,
                     steepest_kinds: tuple[str, ...] = ("input", "hidden", "output")) -> dict[str, list[float]]:
    """Predicted exponents in n of each layer's sizes, at init and after one small step.

    Bookkeeping of powers of n, per layer l with fan-in and fan-out exponents e_in, e_out ∈ {0, 1}
    (1 when that side is the width n), σ_l ∝ n^{s_l}, η_l ∝ n^{r_l} from the parameterization table:
    - forward at init: ‖h_l‖ ≈ σ_l √n_l ‖a_{l-1}‖ (a Gaussian matrix on an independent vector), and
      a_l = φ(h_l) keeps a fixed fraction of it;
    - backward at init: ‖g_{l-1}‖ ≈ σ_l √n_{l-1} ‖g_l‖, from ‖g_L‖ = Θ(1) (loss gradient);
    - one SGD step: ΔW_l = −η_l g_l a_{l-1}ᵀ (rank ≤ B), so ‖ΔW_l‖_* ≈ ‖ΔW_l‖_F ≈ η_l‖g_l‖‖a_{l-1}‖;
      one Adam step is sign descent, ‖ΔW_l‖_* ≈ ‖ΔW_l‖_F ≈ η_l √(n_l n_{l-1});
    - Δh_l = ΔW_l a_{l-1} + W_l Δa_{l-1} to first order in the step. The first term is aligned:
      ‖ΔW_l a_{l-1}‖ ≈ ‖ΔW_l‖_*‖a_{l-1}‖. The second is *not* a random matrix on an unrelated vector:
      the backward pass builds Δa_{l-1} out of W_lᵀ g_l (linearly under SGD, through a sign under
      Adam), so W_l adds up its n_{l-1} columns coherently, ‖W_l Δa_{l-1}‖ ≈ σ_l n_{l-1} RMS(Δa_{l-1})
      (for SGD, W_l W_lᵀ ≈ σ_l² n_{l-1} on its range). This is what makes SP's readout under Adam
      move like n^{3/2}. The larger exponent of the two terms wins;
    - ‖W_l‖_* ≈ σ_l(√n_l + √n_{l-1}) and ‖W_l‖_F ≈ σ_l √(n_l n_{l-1}).
    - spectral steepest descent (``update_scale`` given, on the layers of ``steepest_kinds``; the
      others follow ``optimizer``) sets
      ‖ΔW_l‖_* = ε_l itself, and its update UVᵀ has the layer's inputs in its row space, so the
      aligned term is ε_l‖a_{l-1}‖ as for SGD; the backward pass builds it, so the coherent term stays.
    RMS divides a norm by √n_l. The second-order term ΔW_l Δa_{l-1} is left out (smaller by a factor
    of the step size; with its row space spanned by the inputs a_{l-1}, it sees Δa_{l-1} only through
    an unrelated-input overlap ~1/√n_{l-1}, which keeps it at or below the two terms above here).
    Where two terms of different exponents are close at the widths measured (NTP's readout under
    Adam: ½ from the aligned term, 1 from the coherent one), the measured slope lies in between.
    """
    kinds = layer_kinds(depth)
    e_in = [0.0 if k == "input" else 1.0 for k in kinds]
    e_out = [0.0 if k == "output" else 1.0 for k in kinds]
    s = [_width_exponent(parameterization, k, "std", optimizer) for k in kinds]
    r = [_width_exponent(parameterization, k, "lr", optimizer) for k in kinds]
    a = [0.0]  # ‖a_0‖ = ‖x‖, fixed
    h = []
    for l in range(depth):
        h.append(s[l] + 0.5 * e_out[l] + a[l])
        a.append(h[l])
    g = [0.0] * depth
    for l in range(depth - 1, 0, -1):
        g[l - 1] = s[l] + 0.5 * e_in[l] + g[l]
    if optimizer == "sgd":
        dw = [r[l] + g[l] + a[l] for l in range(depth)]
    else:
        dw = [r[l] + 0.5 * (e_in[l] + e_out[l]) for l in range(depth)]
    if update_scale is not None:
        dw = [_update_norm_exponent(k, update_scale) if k in steepest_kinds else dw[l] for l, k in enumerate(kinds)]
    dh: list[float] = []
    for l in range(depth):
        terms = [dw[l] + a[l]] + ([s[l] + 0.5 * e_in[l] + dh[l - 1]] if l > 0 else [])
        dh.append(max(terms))
    return {
        "rms_h": [h[l] - 0.5 * e_out[l] for l in range(depth)],
        "dh": [dh[l] - 0.5 * e_out[l] for l in range(depth)],
        "dw": [dw[l] - 0.5 * (e_out[l] - e_in[l]) for l in range(depth)],
        "rel_frobenius": [dw[l] - s[l] - 0.5 * (e_in[l] + e_out[l]) for l in range(depth)],
        "rel_spectral": [dw[l] - s[l] - 0.5 * max(e_in[l], e_out[l]) for l in range(depth)],
    }
