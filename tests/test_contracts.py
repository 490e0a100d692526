"""Contracts that no scaling slope sees: per-width seed streams, theory lines at every aspect, the
loss history of training, and Adam's state over several steps.

A slope or a ratio test passes when every width reuses one random stream, when a dashed line uses
the wrong dimension at aspects other than 1, or when the loss history is one step short. These
tests check each contract directly.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import spectral_condition as sc
from spectral_condition import matrices, mlp, network, registry, sweeps
from spectral_condition.constants import NORM_TOL
from spectral_condition.experiments import weights
from spectral_condition.parameterizations import network_scalings

# --- per-width randomness ---------------------------------------------------------------------------


def test_network_weights_come_from_the_documented_stream_of_their_width():
    """network's docstring: width n draws from default_rng((seed, n, 1)), layer by layer."""
    for n in (32, 64, 128):
        widths = network.dims(n)
        got = network.normals(widths, seed=4)
        rng = np.random.default_rng([4, n, 1])
        for l, z in enumerate(got):
            assert np.array_equal(z, rng.standard_normal((widths[l + 1], widths[l]))), (n, l)


def test_each_width_has_its_own_stream_not_a_prefix_of_another():
    """One stream reused for every width would make the first rows of W₁ at width 2n those at n."""
    small, large = network.normals(network.dims(64), 0), network.normals(network.dims(128), 0)
    assert not np.allclose(small[0], large[0][:64])
    # Independent draws: the overlapping entries are uncorrelated (512 pairs, |r| < 4/√512 ≈ 0.18).
    r = np.corrcoef(small[0].ravel(), large[0][:64].ravel())[0, 1]
    assert abs(r) < 0.18
    for tag in (matrices.SPECTRAL_NORM, matrices.ALIGNMENT):
        a = matrices.gaussian(matrices.rng(0, 64, 16, tag), 64, 16)
        b = matrices.gaussian(matrices.rng(0, 128, 32, tag), 128, 32)
        assert not np.allclose(a.ravel(), b.ravel()[:a.size])
        assert abs(np.corrcoef(a.ravel(), b.ravel()[:a.size])[0, 1]) < 4 / math.sqrt(a.size)


def test_every_use_has_its_own_stream_tag():
    tags = [matrices.POWER_ITERATION, matrices.MP_SPECTRUM, matrices.STABLE_RANK, matrices.SPECTRAL_NORM,
            matrices.ALIGNMENT, matrices.ALIGNMENT_BATCH]
    assert len(set(tags)) == len(tags)
    assert network.WEIGHTS_STREAM != network.UNRELATED_STREAM
    # Two tags of one shape give unrelated matrices.
    a, b = (matrices.gaussian(matrices.rng(1, 40, 40, t), 40, 40) for t in tags[:2])
    assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < 0.1


def test_a_matrix_figure_measures_the_draw_of_its_own_stream():
    """spectral_norm_scaling at width n: ‖W‖_* of the matrix drawn from (seed, n_out, n_in, tag)."""
    sweeps.clear()
    d = sc.run("spectral_norm_scaling", {"width": 128, "aspect": "4", "init": "unit", "seed": 6})["data"]
    for n, measured in zip(d["widths"], d["measured"]):
        n_out, n_in = matrices.shape(n, "4")
        w = np.random.Generator(np.random.SFC64([6, n_out, n_in, matrices.SPECTRAL_NORM])).standard_normal((n_out, n_in))
        assert measured == pytest.approx(np.linalg.norm(w, 2), rel=NORM_TOL), n


@pytest.mark.parametrize("name, params, keys", [
    ("spectral_norm_scaling", {"aspect": "0.25", "init": "unit"}, ["measured"]),
    ("alignment", {"aspect": "4", "batch": 2}, ["random_init", "unrelated", "rank_b_own"]),
    ("update_sizes", {"quantity": "dh"}, ["values"]),
])
def test_a_point_does_not_depend_on_the_other_widths_or_their_order(name, params, keys):
    """Width 64's point: computed alone, as part of a sweep to 256, and again alone after that sweep
    (a generator shared between calls would have moved on): identical each time."""
    base = {**sc.defaults(name), **params, "seed": 2}
    answers = []
    for top in (64, 256, 64):
        sweeps.clear()  # compute, not recall
        d = sc.run(name, {**base, "width": top})["data"]
        i = d["widths"].index(64)
        answers.append({k: _at(d[k], i) for k in keys})
    assert answers[0] == answers[1] == answers[2]


def _at(series, i):
    """A series' value at width index i: series are lists over widths, per layer ([layer][width]) or
    per parameterization ({name: [layer][width]})."""
    if isinstance(series, dict):
        return {k: _at(v, i) for k, v in series.items()}
    return [_at(s, i) for s in series] if isinstance(series[0], list) else series[i]


# --- theory lines at every aspect ---------------------------------------------------------------------

# For each figure with an aspect: its dashed theory lines in drawing order, the measured series each
# one predicts, and the relative agreement required at widths ≥ 64. The measured values fluctuate
# (‖W‖_* by O(n^{-2/3}), an alignment ratio by O(1/√n_out), the unrelated RMS over 32 inputs by
# 12 %), and a line using the wrong dimension (n_in for n_out) is off by 25 % or more at λ = ¼ and 4.
THEORY_LINES = {
    ("spectral_norm_scaling", "unit"): [("measured", 0.05)],
    ("spectral_norm_scaling", "spectral"): [("measured", 0.05)],
    ("stable_rank", None): [("gaussian", 0.06), ("rank_one", 1e-9)],
    ("alignment", None): [("random_init", 0.12), ("unrelated", 0.15)],
}


def _dashed_at(trace: dict, x: float) -> float:
    """The dashed line y = c xᵖ (drawn by its two end points) at x, interpolated on log-log axes."""
    (x0, x1), (y0, y1) = trace["x"], trace["y"]
    p = math.log(y1 / y0) / math.log(x1 / x0)
    return y0 * (x / x0) ** p


@pytest.mark.parametrize("aspect", ["0.25", "4"])
@pytest.mark.parametrize("figure", list(THEORY_LINES), ids=lambda f: "-".join(x for x in f if x))
def test_theory_lines_match_the_measurement_at_non_square_aspects(figure, aspect):
    name, init = figure
    params = {**sc.defaults(name), "width": 512, "aspect": aspect, "seed": 9}
    if init:
        params["init"] = init
    r = sc.run_figure(name, params)
    dashed = [t for t in r["figure"]["data"] if t.get("line", {}).get("dash") == "dash"]
    assert len(dashed) == len(THEORY_LINES[figure])
    widths = np.array(r["data"]["widths"])
    big = widths >= 64
    for trace, (key, tol) in zip(dashed, THEORY_LINES[figure]):
        measured = np.array(r["data"][key])[big]
        line = np.array([_dashed_at(trace, n) for n in widths[big]])
        # The mean log ratio: the line's height against the points' (its slope is checked below).
        ratio = math.exp(np.mean(np.log(measured / line)))
        assert ratio == pytest.approx(1.0, abs=tol), (key, ratio)
        # And the slope: at the largest width the line is still within the tolerance, twice over.
        assert measured[-1] / line[-1] == pytest.approx(1.0, abs=2 * tol), key


def test_spectral_init_scale_uses_fan_in_and_the_aspect():
    """σ = min(1, √(n_out/n_in))/√n_in, the spectral rule, not its transpose."""
    assert weights.init_scale("spectral", 64, 16) == pytest.approx(1 / 4)
    assert weights.init_scale("spectral", 16, 64) == pytest.approx(0.5 / 8)


# --- training's loss history -----------------------------------------------------------------------

@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("steps", [0, 1, 4])
def test_loss_history_has_one_entry_per_step_plus_the_start(optimizer, steps):
    widths = [5, 12, 12, 3]
    rng = np.random.default_rng(17)
    scal = network_scalings("spectral", widths, 0.2, optimizer)
    w0 = mlp.init_weights(widths, scal, rng)
    x, y = rng.standard_normal((6, 5)), rng.standard_normal((6, 3))
    trained = [w.copy() for w in w0]
    losses = mlp.train(trained, x, y, mlp.make_optimizer(optimizer, [s.lr for s in scal]), steps)
    assert losses.shape == (steps + 1,)
    # Row t is the loss after t steps, stepped here one at a time with a fresh optimizer.
    manual = [w.copy() for w in w0]
    opt = mlp.make_optimizer(optimizer, [s.lr for s in scal])
    for t in range(steps + 1):
        value, grads, _ = mlp.loss_and_grads(manual, x, y)
        assert losses[t] == pytest.approx(float(value), rel=1e-12), t
        if t < steps:
            opt.step(manual, grads)
    # The last entry is the loss of the weights train() returns (in place).
    final = float(mlp.loss_and_grads(trained, x, y)[0])
    assert losses[-1] == pytest.approx(final, rel=1e-12)


# --- Adam over several steps -------------------------------------------------------------------------

def test_adam_moments_and_bias_correction_over_several_steps_match_the_direct_formula():
    """m_t = (1 − β₁) Σ_s β₁^{t−s} g_s, v_t = (1 − β₂) Σ_s β₂^{t−s} g_s², and the step
    η (m_t/(1 − β₁ᵗ)) / (√(v_t/(1 − β₂ᵗ)) + ε), for gradients whose scale changes every step (so that
    neither the moments nor the corrections cancel as they do at the first step)."""
    b1, b2, eps = 0.9, 0.999, 1e-12
    rng = np.random.default_rng(21)
    shapes = [(4, 3), (2, 4)]
    lrs = [0.01, 0.03]
    w = [rng.standard_normal(s) for s in shapes]
    w_ref = [a.copy() for a in w]
    opt = mlp.Adam(lrs)
    grads = []
    for t in range(1, 8):
        g = [rng.standard_normal(s) * 10.0 ** rng.uniform(-2, 2) for s in shapes]
        grads.append(g)
        opt.step(w, g)
        for l in range(len(shapes)):
            gs = np.array([gr[l] for gr in grads])  # (t, *shape)
            powers1 = b1 ** np.arange(t - 1, -1, -1)[:, None, None]
            powers2 = b2 ** np.arange(t - 1, -1, -1)[:, None, None]
            m = (1 - b1) * np.sum(powers1 * gs, axis=0)
            v = (1 - b2) * np.sum(powers2 * gs ** 2, axis=0)
            np.testing.assert_allclose(opt.m[l], m, rtol=1e-12, err_msg=f"m, step {t}")
            np.testing.assert_allclose(opt.v[l], v, rtol=1e-12, err_msg=f"v, step {t}")
            w_ref[l] = w_ref[l] - lrs[l] * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
            np.testing.assert_allclose(w[l], w_ref[l], rtol=1e-12, atol=1e-15, err_msg=f"W, step {t}")
    assert opt.t == 7


def test_adam_step_sizes_stay_near_lr_for_a_steady_gradient():
    """With the same g every step, m̂ = g and v̂ = g² exactly: every step is η·sign(g), not only the
    first (a wrong bias correction drifts away from it within a few steps)."""
    g = np.array([[3.0, -1e-4], [0.5, -20.0]])
    w = [np.zeros_like(g)]
    opt = mlp.Adam([0.1])
    for t in range(1, 11):
        before = w[0].copy()
        opt.step(w, [g])
        np.testing.assert_allclose(w[0] - before, -0.1 * np.sign(g), rtol=1e-7, err_msg=f"step {t}")  # ε/|g| ≤ 1e-8


def test_unit_scalings_draw_standard_normals():
    """network.normals draws Z_l with scale 1: the scalings multiply the same Z under every rule."""
    z = network.normals(network.dims(256), 0)
    assert np.std(z[1]) == pytest.approx(1.0, abs=0.01)
    widths = network.dims(256)
    drawn = network.init("spectral", "sgd", widths, z).weights
    for zl, wl, s in zip(z, drawn, network_scalings("spectral", widths, 1.0)):
        np.testing.assert_allclose(wl, s.std * zl, rtol=1e-15)


# --- plain data ------------------------------------------------------------------------------------


@pytest.mark.parametrize("data,where", [
    ({"ys": [1.0, 2.0, float("nan")]}, "demo.data.ys[2]"),
    ({"ys": [[1.0], [2.0, float("inf")]]}, "demo.data.ys[1][1]"),
    ({"ys": np.array([0.5, -np.inf])}, "demo.data.ys[1]"),
    ({"ys": (1.0, np.float64("nan"))}, "demo.data.ys[1]"),
])
def test_a_non_finite_number_is_refused_where_it_is(data, where):
    with pytest.raises(ArithmeticError, match=re.escape(where) + " is"):
        registry.result_of("demo", {}, data)


def test_plain_data_keeps_gaps_and_converts_numpy():
    data = {"ys": [1.0, None, 3.0], "n": np.int64(4), "a": np.array([[1.5, 2.0]]), "t": (1.0, 2.0), "ok": np.bool_(True)}
    got = registry.result_of("demo", {}, data)["data"]
    assert got == {"ys": [1.0, None, 3.0], "n": 4, "a": [[1.5, 2.0]], "t": [1.0, 2.0], "ok": True}
    assert type(got["n"]) is int and type(got["ok"]) is bool and type(got["t"]) is list


@pytest.mark.parametrize("name", [n for n in sc.names() if any(p.name == "width" for p in registry.get(n).params)])
def test_a_figure_declares_whether_it_keeps_points_by_width(name):
    """Computing the next width ahead helps only a figure whose costly part is kept as points of the
    width cache (a sweep, or one drawn at one width that stores its points): what a figure declares
    is what it does, at its smallest width."""
    exp = registry.get(name)
    with sweeps.isolated():
        sc.run(name, {**exp.defaults(), "width": exp.param("width").values(live=True)[0]}, live=True)
        stored = bool(sweeps.export())
    assert stored == (exp.sweep or exp.width_points), (name, stored, exp.sweep, exp.width_points)
