"""The slope budget: RMS(ΔW_l Aᵀ) is exactly update size × alignment × input size, and measured slopes
across widths match the one-step theory, with alignment flat under every parameterization."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spectral_condition as sc
from spectral_condition.experiments.budget import TERMS, budget_theory
from spectral_condition.parameterizations import PARAMETERIZATIONS

WIDTH = 1024  # the fits run over 32 … 1024
SEEDS = (0, 1, 2)


def run(p: str, opt: str, seed: int) -> dict:
    return sc.run("slope_budget", {"width": WIDTH, "optimizer": opt, "parameterization": p, "seed": seed})["data"]


@pytest.fixture(scope="module")
def runs():
    return {(p, opt): run(p, opt, 0) for p in PARAMETERIZATIONS for opt in ("sgd", "adam")}


@pytest.fixture(scope="module")
def mean_slopes(runs):
    """Per (parameterization, optimizer): each factor's slope per layer, averaged over three seeds."""
    out = {}
    for (p, opt), first in runs.items():
        per_seed = [first["slopes"]] + [run(p, opt, s)["slopes"] for s in SEEDS[1:]]
        out[(p, opt)] = {t: np.mean([s[t] for s in per_seed], axis=0) for t in TERMS}
    return out


def test_the_product_is_exactly_the_three_factors(runs):
    for d in runs.values():
        v = d["values"]
        for l in range(len(d["layers"])):
            for size, align, inp, prod in zip(v["size"][l], v["alignment"][l], v["input"][l], v["product"][l]):
                assert prod == pytest.approx(size * align * inp, rel=1e-10)


# The product's fitted slope is exactly the sum of the three factors' (a least-squares slope is linear
# in log y), so its deviations add up: a looser tolerance than any single factor's.
@pytest.mark.parametrize("term, tol", [("size", 0.1), ("alignment", 0.1), ("input", 0.1), ("product", 0.15)])
def test_each_factors_slope_matches_the_one_step_theory(mean_slopes, term, tol):
    # Six widths 32 … 1024: one seed's fitted slope strays up to ≈ 0.1 from the exponent (a batch-8
    # step fluctuates from width to width); the mean over three seeds stays within 0.1 of it.
    for (p, opt), slopes in mean_slopes.items():
        for l, (slope, want) in enumerate(zip(slopes[term], budget_theory(p, opt)[term])):
            assert abs(slope - want) <= tol, (p, opt, term, l, slope, want)


def test_sp_fails_in_the_update_size_and_alignment_never_fails(runs):
    # The figure's argument: SP's hidden and readout updates grow with width (slope ≥ ½), while the
    # alignment of every layer stays Θ(1) (between 0.1 and 1, flat) under all four parameterizations.
    for opt in ("sgd", "adam"):
        assert min(runs[("sp", opt)]["slopes"]["size"][1:]) >= 0.4
    for d in runs.values():
        align = np.array(d["values"]["alignment"], dtype=float)
        assert np.all((align > 0.1) & (align <= 1.0 + 1e-12))


def test_the_figure_reports_the_fitted_slopes_of_each_layer(runs):
    fig = sc.figure(sc.run("slope_budget", {"width": 256, "optimizer": "sgd",
                                                            "parameterization": "spectral", "seed": 0}))
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert len(titles) == 3 and all("slope" in t for t in titles)
    legend = " ".join(t["name"] for t in fig["data"] if t.get("showlegend"))
    assert "update size" in legend and "alignment ρ" in legend and "input RMS" in legend


def test_the_theory_adds_up():
    for p in PARAMETERIZATIONS:
        for opt in ("sgd", "adam"):
            t = budget_theory(p, opt)
            for l in range(3):
                assert t["product"][l] == t["size"][l] + t["alignment"][l] + t["input"][l]
            assert all(math.isclose(a, 0.0) for a in t["alignment"])
