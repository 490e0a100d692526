"""How init scale and learning rate depend on width: SP, NTP, muP and the spectral parameterization.

Everything here is about the *effective* weight W_l (the matrix that multiplies the layer's input,
h_l = W_l φ(h_{l-1})), with no forward multipliers: a parameterization is then fully described by
two numbers per layer, the init standard deviation σ_l of W_l's entries and the learning rate η_l
of W_l, each a function of the fan-in n_{l-1}, the fan-out n_l and a width-independent base
learning rate η. :data:`RULES` is the one table of those functions; :func:`layer_scaling` reads it
and :func:`table` turns it into plain data for the reference page.

Layer kinds follow Tensor Programs V: the *input* layer maps the fixed input dimension to the width
(fan-in fixed), *hidden* layers map width to width, the *output* layer (readout) maps the width to
the fixed output dimension (fan-out fixed). The spectral rule needs no kinds: one formula in
n_{l-1} and n_l covers all three, which is the point of Yang, Simon & Bernstein (2023).

Why these rules (the argument of the spectral condition, in one paragraph): activations should have
entries of size Θ(1), i.e. ‖h_l‖₂ = Θ(√n_l), and so should their updates. A Gaussian n_l×n_{l-1}
matrix has ‖W‖_* ≈ σ(√n_l + √n_{l-1}), so σ_l = (1/√n_{l-1})·min(1, √(n_l/n_{l-1})) gives
‖W_l‖_* = Θ(√(n_l/n_{l-1})). A gradient step is rank one per example, ΔW_l = −η_l g_l h_{l-1}ᵀ, and
aligned with its own input, so ‖ΔW_l h_{l-1}‖ = ‖ΔW_l‖_*‖h_{l-1}‖; with ‖g_l‖ = Θ(1/√n_l) (the
backward pass of a well-scaled network) SGD needs η_l = Θ(n_l/n_{l-1}) to make ‖ΔW_l‖_* =
Θ(√(n_l/n_{l-1})). Adam's first step is sign descent, ΔW_l = −η_l sign(g_l) sign(h_{l-1})ᵀ with
‖ΔW_l‖_* = η_l √(n_l n_{l-1}), so Adam needs η_l = Θ(1/n_{l-1}).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

PARAMETERIZATIONS = ("sp", "ntp", "mup", "spectral")
KINDS = ("input", "hidden", "output")
OPTIMIZERS = ("sgd", "adam")

# Where each parameterization's rules come from (shown on the reference page).
SOURCES = {
    "sp": "Standard parameterization: PyTorch-style fan-in init σ = 1/√fan-in and one global "
          "learning rate for every layer (what most code does by default).",
    "ntp": "NTK parameterization (Jacot et al. 2018): W = w/√fan-in with w ~ N(0, 1) and the "
           "learning rate on w. For the effective W that is σ = 1/√fan-in, and SGD's step on w, "
           "divided by √fan-in twice (chain rule, then the multiplier), is η/fan-in on W; Adam's "
           "step on w is Θ(η) per entry, so η/√fan-in on W.",
    "mup": "Maximal update parameterization, Tensor Programs V (Yang et al. 2022), Table 3, written "
           "without multipliers: readout init 1/fan-in instead of 1/√fan-in, SGD rates "
           "fan-out / 1 / 1/fan-in for input / hidden / output, Adam rates 1 / 1/fan-in / 1/fan-in.",
    "spectral": "Yang, Simon & Bernstein (2023), A Spectral Condition for Feature Learning, "
                "Parametrization 1: σ_l = Θ((1/√n_{l-1})·min(1, √(n_l/n_{l-1}))), SGD "
                "η_l = Θ(n_l/n_{l-1}), Adam η_l = Θ(1/n_{l-1}); the constants here are 1.",
}


@dataclass(frozen=True)
class Rule:
    """One cell of the table: a formula in fan_in = n_{l-1}, fan_out = n_l (and the base rate).

    ``text`` and ``tex`` are what the page shows; ``fn(fan_in, fan_out)`` is what the code uses, as
    a multiple of 1 (init std) or of the base learning rate η (learning rates).
    """

    text: str
    tex: str
    fn: Callable[[float, float], float]


def _same(rule: Rule) -> dict[str, Rule]:
    return {kind: rule for kind in KINDS}


_SQRT = math.sqrt

# RULES[parameterization][quantity][kind]; quantity is "std" (σ_l), "sgd" or "adam" (η_l / η).
RULES: dict[str, dict[str, dict[str, Rule]]] = {
    "sp": {
        "std": _same(Rule("1/√n_{l-1}", r"1/\sqrt{n_{l-1}}", lambda i, o: 1 / _SQRT(i))),
        "sgd": _same(Rule("η", r"\eta", lambda i, o: 1.0)),
        "adam": _same(Rule("η", r"\eta", lambda i, o: 1.0)),
    },
    "ntp": {
        "std": _same(Rule("1/√n_{l-1}", r"1/\sqrt{n_{l-1}}", lambda i, o: 1 / _SQRT(i))),
        "sgd": _same(Rule("η/n_{l-1}", r"\eta/n_{l-1}", lambda i, o: 1 / i)),
        "adam": _same(Rule("η/√n_{l-1}", r"\eta/\sqrt{n_{l-1}}", lambda i, o: 1 / _SQRT(i))),
    },
    "mup": {
        "std": {"input": Rule("1/√n_{l-1}", r"1/\sqrt{n_{l-1}}", lambda i, o: 1 / _SQRT(i)),
                "hidden": Rule("1/√n_{l-1}", r"1/\sqrt{n_{l-1}}", lambda i, o: 1 / _SQRT(i)),
                # The readout starts small so that its update, not its init, sets the output.
                "output": Rule("1/n_{l-1}", r"1/n_{l-1}", lambda i, o: 1 / i)},
        "sgd": {"input": Rule("η·n_l", r"\eta\, n_l", lambda i, o: o),
                "hidden": Rule("η", r"\eta", lambda i, o: 1.0),
                "output": Rule("η/n_{l-1}", r"\eta/n_{l-1}", lambda i, o: 1 / i)},
        "adam": {"input": Rule("η", r"\eta", lambda i, o: 1.0),
                 "hidden": Rule("η/n_{l-1}", r"\eta/n_{l-1}", lambda i, o: 1 / i),
                 "output": Rule("η/n_{l-1}", r"\eta/n_{l-1}", lambda i, o: 1 / i)},
    },
    "spectral": {
        # ‖W‖_* ≈ σ(√n_l + √n_{l-1}) = Θ(√(n_l/n_{l-1})) exactly with this σ (the min picks the
        # larger of √n_l, √n_{l-1}).
        "std": _same(Rule("(1/√n_{l-1})·min(1, √(n_l/n_{l-1}))",
                          r"\frac{1}{\sqrt{n_{l-1}}}\min\left(1, \sqrt{n_l/n_{l-1}}\right)",
                          lambda i, o: min(1.0, _SQRT(o / i)) / _SQRT(i))),
        # ‖ΔW‖_* = η_l‖g_l‖‖h_{l-1}‖ with ‖g_l‖ = Θ(1/√n_l), ‖h_{l-1}‖ = Θ(√n_{l-1}).
        "sgd": _same(Rule("η·n_l/n_{l-1}", r"\eta\, n_l/n_{l-1}", lambda i, o: o / i)),
        # Sign descent: ‖ΔW‖_* = η_l √(n_l n_{l-1}), which is √(n_l/n_{l-1}) when η_l = 1/n_{l-1}.
        "adam": _same(Rule("η/n_{l-1}", r"\eta/n_{l-1}", lambda i, o: 1 / i)),
    },
}


# Spectral steepest descent (mlp.SpectralDescent) sets the update's spectral norm ε_l itself, so its
# width rule is a rule for ε_l, the same under every parameterization (which then sets only the init):
# the width dependence has moved from the learning rate into the update rule. "spectral" is the
# condition ε_l = η√(n_l/n_{l-1}) exactly (the Linear module of the modula package scales its dualized
# gradient the same way); "muon" is the factor √max(1, n_l/n_{l-1}) of the Muon optimizer's reference
# implementation (KellerJordan/Muon, muon.py), which equals the condition whenever fan-out ≥ fan-in and
# is 1, not √(n_l/n_{l-1}), when fan-out < fan-in (the readout: too large by √(n/n_L)).
UPDATE_SCALES: dict[str, Rule] = {
    "spectral": Rule("η·√(n_l/n_{l-1})", r"\eta\sqrt{n_l/n_{l-1}}", lambda i, o: _SQRT(o / i)),
    "muon": Rule("η·√max(1, n_l/n_{l-1})", r"\eta\sqrt{\max(1,\, n_l/n_{l-1})}", lambda i, o: _SQRT(max(1.0, o / i))),
}


def update_norms(scale: str, widths: list[int], base_lr: float) -> list[float]:
    """ε_l = ‖ΔW_l‖_* of spectral steepest descent for every layer of an MLP with widths [n_0, …, n_L]."""
    _check(scale, tuple(UPDATE_SCALES), "update scale")
    return [base_lr * UPDATE_SCALES[scale].fn(widths[l], widths[l + 1]) for l in range(len(widths) - 1)]


@dataclass(frozen=True)
class LayerScaling:
    """Init standard deviation σ_l of W_l's entries and learning rate η_l of W_l."""

    std: float
    lr: float


def layer_scaling(parameterization: str, kind: str, fan_in: int, fan_out: int, base_lr: float,
                  optimizer: str = "sgd") -> LayerScaling:
    """σ_l and η_l for one layer W_l (shape fan_out × fan_in) under a parameterization.

    ``base_lr`` is the width-independent learning rate η that one tunes once, at small width; the
    parameterization decides how η_l moves away from it as the layer grows.
    """
    _check(parameterization, PARAMETERIZATIONS, "parameterization")
    _check(kind, KINDS, "kind")
    _check(optimizer, OPTIMIZERS, "optimizer")
    if not (fan_in >= 1 and fan_out >= 1):
        raise ValueError(f"fan_in and fan_out must be at least 1, got {fan_in} and {fan_out}")
    rules = RULES[parameterization]
    std = rules["std"][kind].fn(fan_in, fan_out)
    lr = base_lr * rules[optimizer][kind].fn(fan_in, fan_out)
    return LayerScaling(float(std), float(lr))


def layer_kinds(n_layers: int) -> list[str]:
    """Kinds of the layers of an MLP with ``n_layers`` weight matrices: input, hidden…, output."""
    if n_layers < 2:
        raise ValueError("an MLP needs at least two layers (an input and an output layer)")
    return ["input"] + ["hidden"] * (n_layers - 2) + ["output"]


def network_scalings(parameterization: str, widths: list[int], base_lr: float,
                     optimizer: str = "sgd") -> list[LayerScaling]:
    """σ_l and η_l for every layer of an MLP with widths [n_0, n_1, …, n_L]."""
    kinds = layer_kinds(len(widths) - 1)
    return [layer_scaling(parameterization, kind, widths[l], widths[l + 1], base_lr, optimizer)
            for l, kind in enumerate(kinds)]


def table() -> list[dict[str, str]]:
    """The parameterization table as plain data: one row per parameterization and layer kind."""
    rows = []
    for p in PARAMETERIZATIONS:
        for kind in KINDS:
            r = RULES[p]
            rows.append({"parameterization": p, "kind": kind,
                         "std": r["std"][kind].text, "std_tex": r["std"][kind].tex,
                         "lr_sgd": r["sgd"][kind].text, "lr_sgd_tex": r["sgd"][kind].tex,
                         "lr_adam": r["adam"][kind].text, "lr_adam_tex": r["adam"][kind].tex,
                         "source": SOURCES[p]})
    return rows


def width_change(parameterization: str, n_from: int, n_to: int, d_in: int, d_out: int) -> list[dict]:
    """By what factor each layer kind's σ_l and η_l change when the width goes from n_from to n_to.

    The network is d_in → n → … → n → d_out, the input and output dimensions fixed, so the factor of
    a rule f(fan_in, fan_out) is f at the new width over f at the old. One row per layer kind:
    {kind, std, sgd, adam}, each a float (the base learning rate cancels).
    """
    _check(parameterization, PARAMETERIZATIONS, "parameterization")
    if not (n_from >= 1 and n_to >= 1 and d_in >= 1 and d_out >= 1):
        raise ValueError("widths and dimensions must be at least 1")
    shapes = {"input": lambda n: (d_in, n), "hidden": lambda n: (n, n), "output": lambda n: (n, d_out)}
    rows = []
    for kind in KINDS:
        row: dict = {"kind": kind}
        for quantity in ("std", "sgd", "adam"):
            rule = RULES[parameterization][quantity][kind].fn
            row[quantity] = rule(*shapes[kind](n_to)) / rule(*shapes[kind](n_from))
        rows.append(row)
    return rows


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; allowed: {', '.join(allowed)}")
