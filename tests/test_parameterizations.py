"""The parameterization table: its formulas, its width exponents, and what its rules are for."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from spectral_condition import mlp, norms
from spectral_condition import parameterizations as par

FANS = [(8, 64), (64, 64), (256, 64), (64, 4), (2048, 2048), (3, 1000)]


def _evaluate(text: str, fan_in: float, fan_out: float) -> float:
    """Evaluate a displayed formula ('η·n_l/n_{l-1}', '(1/√n_{l-1})·min(1, √(n_l/n_{l-1}))') with η = 1."""
    expr = text.replace("n_{l-1}", "FI").replace("n_l", "FO").replace("η", "1").replace("·", "*")
    expr = re.sub(r"√\(", "sqrt(", expr)
    expr = re.sub(r"√(FI|FO)", r"sqrt(\1)", expr)
    assert re.fullmatch(r"[0-9FIO+\-*/(), .a-z]*", expr), f"unexpected symbol in {text!r} -> {expr!r}"
    return float(eval(expr, {"__builtins__": {}}, {"sqrt": math.sqrt, "min": min, "FI": fan_in, "FO": fan_out}))


@pytest.mark.parametrize("p", par.PARAMETERIZATIONS)
@pytest.mark.parametrize("quantity", ["std", "sgd", "adam"])
def test_displayed_formula_is_the_one_the_code_uses(p, quantity):
    # The reference page shows `text`; the experiments use `fn`. They must be the same function.
    for kind in par.KINDS:
        rule = par.RULES[p][quantity][kind]
        for fan_in, fan_out in FANS:
            assert _evaluate(rule.text, fan_in, fan_out) == pytest.approx(rule.fn(fan_in, fan_out), rel=1e-12)
        assert rule.tex.strip()


def _exponents(p: str, optimizer: str) -> dict[str, dict[str, float]]:
    """Exponent of σ_l and η_l in the width n, with the input and output dimensions fixed (d = 8, 4)."""
    out: dict[str, dict[str, float]] = {"std": {}, "lr": {}}
    for kind in par.KINDS:
        def at(n: float) -> par.LayerScaling:
            fan_in = 8 if kind == "input" else n
            fan_out = 4 if kind == "output" else n
            return par.layer_scaling(p, kind, fan_in, fan_out, 1.0, optimizer)
        a, b = at(2.0 ** 16), at(2.0 ** 17)
        out["std"][kind] = math.log2(b.std / a.std)
        out["lr"][kind] = math.log2(b.lr / a.lr)
    return out


# The exponents as the papers state them (input, hidden, output), written out independently of the
# table: Yang, Simon & Bernstein (2023) Parametrization 1 for spectral; Tensor Programs V Table 3 for
# μP; the definitions of SP and NTP.
PAPER = {
    ("spectral", "sgd"): {"std": (0, -0.5, -1), "lr": (1, 0, -1)},
    ("spectral", "adam"): {"std": (0, -0.5, -1), "lr": (0, -1, -1)},
    ("mup", "sgd"): {"std": (0, -0.5, -1), "lr": (1, 0, -1)},
    ("mup", "adam"): {"std": (0, -0.5, -1), "lr": (0, -1, -1)},
    ("sp", "sgd"): {"std": (0, -0.5, -0.5), "lr": (0, 0, 0)},
    ("sp", "adam"): {"std": (0, -0.5, -0.5), "lr": (0, 0, 0)},
    ("ntp", "sgd"): {"std": (0, -0.5, -0.5), "lr": (0, -1, -1)},
    ("ntp", "adam"): {"std": (0, -0.5, -0.5), "lr": (0, -0.5, -0.5)},
}


@pytest.mark.parametrize("p,optimizer", sorted(PAPER))
def test_width_exponents_are_the_papers(p, optimizer):
    got = _exponents(p, optimizer)
    for q in ("std", "lr"):
        assert [round(got[q][k], 9) for k in par.KINDS] == list(PAPER[p, optimizer][q]), q


@pytest.mark.parametrize("optimizer", par.OPTIMIZERS)
def test_spectral_and_mup_scale_alike(optimizer):
    # Two rows transcribed from two papers; Yang, Simon & Bernstein show the spectral condition
    # reproduces μP's width scaling, so every exponent must agree (constants may differ).
    spectral, mup = _exponents("spectral", optimizer), _exponents("mup", optimizer)
    for q in ("std", "lr"):
        assert spectral[q] == pytest.approx(mup[q], abs=1e-9), q


@pytest.mark.parametrize("n_out,n_in", [(64, 64), (256, 64), (1024, 64), (64, 256), (64, 1024), (512, 8),
                                        (4, 512), (512, 512)])
def test_spectral_init_has_spectral_norm_of_order_sqrt_fan_out_over_fan_in(n_out, n_in):
    # ‖W‖_* ≈ σ(√n_out + √n_in) with σ = min(1, √λ)/√n_in (λ = n_out/n_in) gives
    # ‖W‖_*/√λ = (1 + √λ)/√λ for λ ≥ 1 and 1 + √λ for λ ≤ 1: between 1 and 2 whatever the shape.
    # The Gaussian edge sits slightly below σ(√n_out + √n_in) at finite size, hence 0.85.
    std = par.layer_scaling("spectral", "hidden", n_in, n_out, 1.0).std
    w = std * np.random.default_rng([n_out, n_in]).standard_normal((n_out, n_in))
    ratio = norms.spectral_norm(w, tol=1e-6).value / math.sqrt(n_out / n_in)
    assert 0.85 <= ratio <= 2.0, ratio


@pytest.mark.parametrize("optimizer", par.OPTIMIZERS)
def test_ntp_rates_are_the_reparameterization_w_over_sqrt_fan_in(optimizer):
    # Train W = w/√fan-in by stepping w with the base rate, and train W directly with the table's
    # effective rates: the two trajectories must coincide.
    widths = [5, 32, 32, 3]
    rng = np.random.default_rng(11)
    x, y = rng.standard_normal((6, 5)), rng.standard_normal((6, 3))
    base = 0.05
    scal = par.network_scalings("ntp", widths, base, optimizer)
    direct = mlp.init_weights(widths, scal, np.random.default_rng(3))
    root = [math.sqrt(widths[l]) for l in range(3)]
    w = [W * r for W, r in zip(direct, root)]  # the NTK parameters, entries ~ N(0, 1)
    opt_w = mlp.make_optimizer(optimizer, [base] * 3)
    opt_direct = mlp.make_optimizer(optimizer, [s.lr for s in scal])
    for _ in range(3):
        _, grads, _ = mlp.loss_and_grads(direct, x, y)
        opt_direct.step(direct, grads)
        effective = [p / r for p, r in zip(w, root)]
        _, grads_w, _ = mlp.loss_and_grads(effective, x, y)
        opt_w.step(w, [g / r for g, r in zip(grads_w, root)])  # chain rule: ∂L/∂w = ∂L/∂W / √fan-in
    # Equal up to Adam's ε = 1e-12, added to √v̂ of gradients √fan-in times smaller in w-space:
    # ε/|g| is ~1e-8 relative, more for the rare tiny gradient. A wrong rate would be off by the
    # size of a step, η/√fan-in ≈ 1e-2, a million times more than the 1e-8 allowed here.
    for W, p, r in zip(direct, w, root):
        np.testing.assert_allclose(W, p / r, rtol=1e-6, atol=1e-7)


def test_base_rate_multiplies_every_learning_rate():
    for p in par.PARAMETERIZATIONS:
        for opt in par.OPTIMIZERS:
            for kind in par.KINDS:
                one = par.layer_scaling(p, kind, 16, 128, 1.0, opt)
                three = par.layer_scaling(p, kind, 16, 128, 3.0, opt)
                assert three.lr == pytest.approx(3.0 * one.lr)
                assert three.std == one.std


def test_network_scalings_assign_kinds_by_position():
    scal = par.network_scalings("mup", [8, 64, 64, 64, 4], 1.0)
    assert par.layer_kinds(4) == ["input", "hidden", "hidden", "output"]
    assert [s.lr for s in scal] == [64.0, 1.0, 1.0, 1.0 / 64]
    assert scal[-1].std == pytest.approx(1.0 / 64)


def test_table_is_plain_data_for_every_parameterization_and_kind():
    rows = par.table()
    assert [(r["parameterization"], r["kind"]) for r in rows] == [
        (p, k) for p in par.PARAMETERIZATIONS for k in par.KINDS]
    for r in rows:
        assert all(isinstance(v, str) and v.strip() for v in r.values())
    assert "Parametrization 1" in par.SOURCES["spectral"] and "Table 3" in par.SOURCES["mup"]


@pytest.mark.parametrize("args,what", [(("xp", "hidden", 4, 4, 1.0), "parameterization"),
                                       (("sp", "middle", 4, 4, 1.0), "kind"),
                                       (("sp", "hidden", 0, 4, 1.0), "fan_in")])
def test_bad_names_and_fans_raise_value_error(args, what):
    with pytest.raises(ValueError, match=what):
        par.layer_scaling(*args)
    with pytest.raises(ValueError, match="optimizer"):
        par.layer_scaling("sp", "hidden", 4, 4, 1.0, optimizer="lion")
    with pytest.raises(ValueError, match="two layers"):
        par.layer_kinds(1)
