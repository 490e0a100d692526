"""Spectral steepest descent: the polar factor against NumPy's SVD, Newton–Schulz against its scalar map,
and the exact rule's update norm ‖ΔW_l‖_* = η√(n_l/n_{l-1}) at every width and step."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spectral_condition as sc
from spectral_condition import mlp, network, polar
from spectral_condition.parameterizations import update_norms


def _rng(seed=0):
    return np.random.default_rng([seed, 11])


def _low_rank(m, n, r, seed=0):
    rng = _rng(seed)
    return rng.standard_normal((m, r)) @ rng.standard_normal((r, n))


@pytest.mark.parametrize("shape, rank", [((40, 40), 40), ((60, 25), 25), ((25, 60), 25), ((50, 30), 4),
                                         ((30, 50), 1), ((64, 64), 8)])
def test_polar_factor_is_u_vt_of_the_nonzero_singular_values(shape, rank):
    g = _low_rank(*shape, rank)
    o = polar.polar_factor(g)
    u, s, vt = np.linalg.svd(g)
    r = int(np.sum(s > s[0] * 1e-10))
    assert r == rank
    want = u[:, :r] @ vt[:r]
    assert np.allclose(o, want, atol=1e-10)
    # Its singular values are exactly 1 (r of them) and 0, and it points along g: ⟨g, O⟩ = ‖g‖_nuclear.
    so = np.linalg.svd(o, compute_uv=False)
    assert np.allclose(so[:r], 1.0) and np.allclose(so[r:], 0.0, atol=1e-10)
    assert math.isclose(float(np.sum(g * o)), float(np.sum(s)), rel_tol=1e-10)


def test_polar_factor_of_zero_is_zero_and_stacks_broadcast():
    assert np.all(polar.polar_factor(np.zeros((5, 3))) == 0.0)
    stack = np.stack([_low_rank(20, 30, r, seed=r) for r in (1, 5, 20)])
    got = polar.polar_factor(stack)
    for g, o in zip(stack, got):
        assert np.allclose(o, polar.polar_factor(g), atol=1e-12)


def test_polar_factor_is_the_steepest_unit_spectral_norm_direction():
    """Duality: ⟨G, ΔW⟩ ≤ ‖G‖_nuclear ‖ΔW‖_*, with equality at ΔW = UVᵀ; random unit directions do worse."""
    g = _low_rank(30, 20, 6)
    best = float(np.sum(g * polar.polar_factor(g)))
    rng = _rng(1)
    for _ in range(50):
        d = rng.standard_normal(g.shape)
        d /= np.linalg.norm(d, 2)
        assert float(np.sum(g * d)) < best


@pytest.mark.parametrize("kind", ["cubic", "quintic"])
@pytest.mark.parametrize("shape", [(48, 48), (70, 30), (30, 70)])
@pytest.mark.parametrize("k", [0, 1, 3, 5, 8])
def test_newton_schulz_singular_values_follow_the_scalar_map(kind, shape, k):
    g = _low_rank(*shape, 12, seed=k)
    s = np.linalg.svd(g, compute_uv=False)[:12] / np.linalg.norm(g)
    x = polar.newton_schulz(g, k, kind)
    got = np.sort(np.linalg.svd(x, compute_uv=False)[:12])
    assert np.allclose(got, np.sort(np.abs(polar.scalar_map(s, k, kind))), rtol=1e-9, atol=1e-12)
    # The singular vectors are G's: X_k = U p^k(Σ) Vᵀ exactly, so X_k has G's row and column spaces.
    u, _, vt = np.linalg.svd(g, full_matrices=False)
    assert np.allclose(u[:, :12] @ np.diag(polar.scalar_map(s, k, kind)) @ vt[:12], x, atol=1e-10)


def test_the_cubic_converges_to_the_polar_factor_and_the_quintic_lands_in_a_band():
    g = _low_rank(40, 60, 10)
    assert np.allclose(polar.newton_schulz(g, 40, "cubic"), polar.polar_factor(g), atol=1e-8)
    s = np.linalg.svd(polar.newton_schulz(g, 8, "quintic"), compute_uv=False)[:10]
    assert np.all((s > 0.6) & (s < 1.25)) and np.max(np.abs(s - 1)) > 0.05  # near 1, not on 1


def test_without_normalizing_first_the_iteration_diverges():
    g = 10.0 * polar.normalize(_low_rank(20, 20, 20))
    # Beyond s = √5 the cubic's |p(s)| = (s³ − 3s)/2 exceeds s, so such a singular value grows without bound.
    assert np.linalg.norm(g, 2) > math.sqrt(5)
    a, b, _ = polar.CUBIC
    x = g
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(10):
            x = a * x + b * (x @ x.T) @ x
    assert not np.all(np.isfinite(x)) or np.linalg.norm(x, 2) > 1e6
    assert np.all(np.isfinite(polar.newton_schulz(g, 10, "cubic")))


@pytest.mark.parametrize("width", [32, 64, 128, 256])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_exact_rule_update_has_spectral_norm_eta_sqrt_fan_out_over_fan_in_at_every_step(width, momentum):
    x, y = network.batch(0)
    net = network.dims(width)
    nw = network.init_steepest("spectral", net, network.normals(net, 0), lr=0.1, momentum=momentum)
    eps = update_norms("spectral", net, 0.1)
    for step in range(5):
        before = [w.copy() for w in nw.weights]
        mlp.train(nw.weights, x, y, nw.optimizer, 1)
        for l, (w0, w1) in enumerate(zip(before, nw.weights)):
            target = 0.1 * math.sqrt(net[l + 1] / net[l])
            assert math.isclose(eps[l], target)
            assert math.isclose(np.linalg.norm(w1 - w0, 2), target, rel_tol=1e-9), (step, l)


def test_a_stack_of_learning_rates_trains_like_separate_networks():
    x, y = network.batch(1)
    net = network.dims(48)
    z = network.normals(net, 1)
    lrs = np.array([0.05, 0.2])
    stack = [np.repeat(w[None], 2, axis=0) for w in network.init_steepest("spectral", net, z, lr=1.0).weights]
    eps = [e * lrs[:, None, None] for e in update_norms("spectral", net, 1.0)]
    mlp.train(stack, x, y, mlp.SpectralDescent(eps, method="quintic", ns_steps=5), 3)
    for i, lr in enumerate(lrs):
        one = network.init_steepest("spectral", net, z, lr=float(lr), method="quintic", ns_steps=5)
        mlp.train(one.weights, x, y, one.optimizer, 3)
        for ws, w in zip(stack, one.weights):
            assert np.allclose(ws[i], w, rtol=1e-10, atol=1e-12)


def test_muon_factor_is_one_for_the_readout_and_the_condition_elsewhere():
    net = network.dims(256)
    spectral, muon = update_norms("spectral", net, 1.0), update_norms("muon", net, 1.0)
    assert muon[:2] == spectral[:2] and muon[2] == 1.0 and math.isclose(spectral[2], math.sqrt(4 / 256))


def test_newton_schulz_figure_measures_what_the_map_predicts():
    d = sc.run("newton_schulz", {**sc.defaults("newton_schulz"), "width": 64})["data"]
    assert d["rank"] == 32
    assert np.allclose(d["after"], d["predicted"], rtol=1e-8)


def test_unknown_method_and_scale_are_refused():
    with pytest.raises(ValueError, match="polar method"):
        mlp.SpectralDescent([1.0], method="qr")
    with pytest.raises(ValueError, match="update scale"):
        update_norms("adam", [8, 16, 4], 1.0)
    with pytest.raises(ValueError, match="Newton–Schulz"):
        polar.newton_schulz(np.eye(3), 1, "septic")


def test_muon_as_used_steps_the_hidden_layer_by_its_polar_factor_and_the_others_by_adam():
    x, y = network.batch(2)
    net = network.dims(128)
    z = network.normals(net, 2)
    nw = network.init_steepest("spectral", net, z, lr=0.1, scale="muon", hidden_only=True)
    adam = network.init("spectral", "adam", net, z)
    before = [w.copy() for w in nw.weights]
    mlp.train(nw.weights, x, y, nw.optimizer, 1)
    mlp.train(adam.weights, x, y, adam.optimizer, 1)
    assert math.isclose(np.linalg.norm(nw.weights[1] - before[1], 2), 0.1, rel_tol=1e-9)  # √max(1, n/n) = 1
    for l in (0, 2):  # Adam's first step, with the same rates as an Adam-only network
        assert np.allclose(nw.weights[l], adam.weights[l], rtol=1e-12, atol=1e-15)
    assert not np.allclose(nw.weights[1], adam.weights[1])
