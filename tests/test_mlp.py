"""The hand-written MLP: backward pass against finite differences, optimizer steps, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from spectral_condition import mlp, network
from spectral_condition.parameterizations import network_scalings

SHAPES = [[3, 5, 2], [4, 7, 6, 3], [2, 3, 3, 3, 5], [6, 1, 4]]


def _problem(widths, loss, seed):
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal((widths[l + 1], widths[l])) / np.sqrt(widths[l])
               for l in range(len(widths) - 1)]
    x = rng.standard_normal((5, widths[0]))
    if loss == "mse":
        y = rng.standard_normal((5, widths[-1]))
    else:
        y = rng.integers(0, widths[-1], size=5)
    return weights, x, y


def _numerical_grads(weights, x, y, activation, loss, eps=1e-6):
    grads = []
    for W in weights:
        g = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            plus = float(mlp.loss_and_grads(weights, x, y, activation, loss)[0])
            W[idx] = old - eps
            minus = float(mlp.loss_and_grads(weights, x, y, activation, loss)[0])
            W[idx] = old
            g[idx] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("widths", SHAPES, ids=lambda w: "x".join(map(str, w)))
@pytest.mark.parametrize("activation", mlp.ACTIVATIONS)
@pytest.mark.parametrize("loss", mlp.LOSSES)
def test_backward_matches_central_differences(widths, activation, loss):
    weights, x, y = _problem(widths, loss, seed=len(widths) * 10 + widths[1])
    hs = mlp.forward(weights, x, activation)
    # Central differences are only valid away from ReLU's kink: |h| ≫ eps at every unit.
    assert min(np.abs(h).min() for h in hs[:-1]) > 1e-4
    _, grads, _ = mlp.loss_and_grads(weights, x, y, activation, loss)
    numerical = _numerical_grads(weights, x, y, activation, loss)
    for l, (g, n) in enumerate(zip(grads, numerical)):
        assert g.shape == weights[l].shape
        # Central differences with eps = 1e-6 are accurate to ~eps² · (third derivative) + rounding
        # (~1e-16/eps = 1e-10): 1e-7 of the gradient's scale leaves room for both and still catches
        # any wrong term (a missing φ', a transposed product, a factor of B or ½).
        scale = max(np.abs(n).max(), 1e-3)
        assert np.abs(g - n).max() <= 1e-7 * scale, f"layer {l + 1}"


def test_relu_network_is_not_linear():
    # The finite-difference test would pass for a network that ignored φ if every unit were active;
    # check that the problems above do switch units off.
    for widths in SHAPES:
        weights, x, _ = _problem(widths, "mse", seed=len(widths) * 10 + widths[1])
        hs = mlp.forward(weights, x, "relu")
        assert any((h < 0).any() for h in hs[:-1])
        lin = mlp.forward(weights, x, "linear")
        assert not np.allclose(hs[-1], lin[-1])


def test_forward_definition():
    weights, x, _ = _problem([3, 4, 2], "mse", seed=1)
    hs = mlp.forward(weights, x, "relu")
    h1 = x @ weights[0].T
    np.testing.assert_allclose(hs[0], h1)
    np.testing.assert_allclose(hs[1], np.maximum(h1, 0) @ weights[1].T)
    inputs = mlp.layer_inputs(x, hs, "relu")
    np.testing.assert_array_equal(inputs[0], x)
    np.testing.assert_allclose(inputs[1], np.maximum(h1, 0))


def test_losses_match_their_definitions():
    out = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    y = np.array([[0.0, 2.0, 1.0], [1.0, 1.0, 1.0]])
    value, g = mlp.loss_and_output_grad(out, y, "mse")
    assert value == pytest.approx(0.5 * (1 + 0 + 0.25 + 1 + 4 + 4) / 2)
    np.testing.assert_allclose(g, (out - y) / 2)
    labels = np.array([1, 2])
    value, g = mlp.loss_and_output_grad(out, labels, "xent")
    p = np.exp(out) / np.exp(out).sum(axis=1, keepdims=True)
    assert value == pytest.approx(-(np.log(p[0, 1]) + np.log(p[1, 2])) / 2)
    np.testing.assert_allclose(g.sum(axis=1), 0.0, atol=1e-15)


def test_cross_entropy_survives_huge_logits():
    out = np.array([[1000.0, 0.0], [0.0, -1000.0]])
    value, g = mlp.loss_and_output_grad(out, np.array([1, 0]), "xent")
    assert np.isfinite(value) and value == pytest.approx(500.0)
    assert np.all(np.isfinite(g))


def test_stack_of_networks_equals_each_network_alone():
    widths = [3, 6, 5, 2]
    rng = np.random.default_rng(3)
    stack = [rng.standard_normal((4, widths[l + 1], widths[l])) for l in range(3)]
    x = rng.standard_normal((7, 3))
    y = rng.standard_normal((7, 2))
    lrs = np.array([0.01, 0.02, 0.05, 0.1])[:, None, None]
    stacked_losses = mlp.train([W.copy() for W in stack], x, y, mlp.Adam([lrs] * 3), 4)
    for k in range(4):
        single = [W[k].copy() for W in stack]
        losses = mlp.train(single, x, y, mlp.Adam([float(lrs[k, 0, 0])] * 3), 4)
        np.testing.assert_allclose(stacked_losses[:, k], losses, rtol=1e-12)
    value, grads, _ = mlp.loss_and_grads(stack, x, y)
    for k in range(4):
        v1, g1, _ = mlp.loss_and_grads([W[k] for W in stack], x, y)
        assert value[k] == pytest.approx(float(v1), rel=1e-13)
        for a, b in zip(grads, g1):
            np.testing.assert_allclose(a[k], b, rtol=1e-12, atol=1e-14)


def test_sgd_step_is_minus_lr_times_gradient():
    weights, x, y = _problem([3, 5, 2], "mse", seed=2)
    before = [W.copy() for W in weights]
    _, grads, _ = mlp.loss_and_grads(weights, x, y)
    mlp.SGD([0.1, 0.3]).step(weights, grads)
    np.testing.assert_allclose(weights[0], before[0] - 0.1 * grads[0])
    np.testing.assert_allclose(weights[1], before[1] - 0.3 * grads[1])


def test_first_adam_step_is_sign_descent():
    weights, x, y = _problem([4, 6, 3], "mse", seed=4)
    before = [W.copy() for W in weights]
    _, grads, _ = mlp.loss_and_grads(weights, x, y)
    mlp.Adam([0.01, 0.02]).step(weights, grads)
    for W, W0, g, lr in zip(weights, before, grads, [0.01, 0.02]):
        np.testing.assert_allclose(W - W0, -lr * np.sign(g), rtol=1e-9, atol=1e-15)


def _tiny_training(optimizer, seed):
    """A 4 → 16 → 16 → 2 network at spectral init, a batch of 8, and a maker of fresh optimizers for it."""
    widths = [4, 16, 16, 2]
    rng = np.random.default_rng(seed)
    scal = network_scalings("spectral", widths, 0.1, optimizer)
    weights = mlp.init_weights(widths, scal, rng)
    x, y = rng.standard_normal((8, 4)), rng.standard_normal((8, 2))
    return weights, x, y, lambda: mlp.make_optimizer(optimizer, [s.lr for s in scal])


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_training_is_deterministic_for_a_seed(optimizer):
    def run(seed):
        weights, x, y, make = _tiny_training(optimizer, seed)
        return mlp.train(weights, x, y, make(), 5), weights

    (l1, w1), (l2, w2), (l3, _) = run(7), run(7), run(8)
    np.testing.assert_array_equal(l1, l2)
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(l1, l3)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("steps", [1, 3])
def test_train_between_returns_the_forward_passes_at_init_and_at_the_end(optimizer, steps):
    """The pre-activations it hands back are those of a separate forward pass before training and after
    it, exactly, and the losses and weights are train's own."""
    weights, x, y, make = _tiny_training(optimizer, 3)
    twin = [w.copy() for w in weights]
    before = mlp.forward(weights, x)
    losses, first, last = mlp.train_between(weights, x, y, make(), steps)
    after = mlp.forward(weights, x)
    alone = mlp.train(twin, x, y, make(), steps)
    np.testing.assert_array_equal(losses, alone)
    for a, b in zip(weights, twin):
        np.testing.assert_array_equal(a, b)
    assert len(first) == len(last) == len(weights)
    for h, h0 in zip(first, before):
        np.testing.assert_array_equal(h, h0)
    for h, h1 in zip(last, after):
        np.testing.assert_array_equal(h, h1)
    assert not np.array_equal(last[-1], first[-1])


@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.5), ("adam", 0.3)])
@pytest.mark.parametrize("loss", mlp.LOSSES)
def test_loss_decreases_on_a_tiny_task(optimizer, lr, loss):
    # A teacher network's outputs (regression) or their argmax (classification): learnable.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 5))
    teacher = rng.standard_normal((3, 5))
    y = x @ teacher.T if loss == "mse" else np.argmax(x @ teacher.T, axis=1)
    widths = [5, 64, 64, 3]
    scal = network_scalings("spectral", widths, lr, optimizer)
    weights = mlp.init_weights(widths, scal, rng)
    losses = mlp.train(weights, x, y, mlp.make_optimizer(optimizer, [s.lr for s in scal]), 100, loss=loss)
    assert np.all(np.isfinite(losses))
    assert losses[-1] < 0.2 * losses[0]


def test_divergence_is_reported_as_non_finite_loss_per_network():
    widths = [3, 8, 2]
    rng = np.random.default_rng(5)
    stack = [rng.standard_normal((2, widths[l + 1], widths[l])) for l in range(2)]
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    lrs = np.array([0.01, 1e6])[:, None, None]
    # Linear, because a huge step can also kill every ReLU, which leaves a finite, constant loss.
    losses = mlp.train(stack, x, y, mlp.SGD([lrs, lrs]), 30, activation="linear")
    assert np.all(np.isfinite(losses[:, 0])) and losses[-1, 0] < losses[0, 0]
    assert not np.isfinite(losses[-1, 1])


def test_relu_and_its_gradient_are_max_and_the_mask_bit_for_bit():
    # Including the values a diverging run produces: NaN and ±inf must pass through as the plain
    # formulas pass them, or a divergence check downstream would see a different loss.
    h = np.array([-0.0, 0.0, -1.0, 2.0, np.nan, np.inf, -np.inf, 1e-300, -1e-300, 3.0, -2.0])
    g = np.array([1.0, -2.0, np.inf, -np.inf, 5.0, np.nan, -0.0, -3.0, np.inf, np.nan, -np.inf])
    assert mlp.phi(h, "relu").tobytes() == np.maximum(h, 0.0).tobytes()
    with np.errstate(invalid="ignore"):  # inf · 0 is NaN, as it should be here
        assert mlp.times_phi_prime(g, h, "relu").tobytes() == (g * (h > 0.0)).tobytes()
        assert mlp.times_phi_prime(g, h, "linear").tobytes() == (g * np.ones_like(h)).tobytes()
    with pytest.raises(ValueError, match="activation"):
        mlp.times_phi_prime(g, h, "tanh")


def test_unknown_names_raise_value_error():
    with pytest.raises(ValueError, match="activation"):
        mlp.phi(np.zeros(2), "tanh")
    with pytest.raises(ValueError, match="loss"):
        mlp.loss_and_output_grad(np.zeros((1, 2)), np.zeros((1, 2)), "hinge")
    with pytest.raises(ValueError, match="optimizer"):
        mlp.make_optimizer("lion", [1.0])


@pytest.mark.parametrize("n_in", [3, 8, 50])
def test_a_fresh_layers_output_has_the_law_of_its_input_times_a_gaussian_matrix(n_in):
    """Sampled without W, h = a Wᵀ still has its law given a: each of the n_out coordinates (a column of
    h) is N(0, σ² a aᵀ), independently. Checked on 200 000 coordinates, entry by entry of the covariance
    within five standard errors, against the same statistics of a Wᵀ with W drawn whole; for fewer
    inputs than examples (rank 3 of 8), as many, and more, with one example repeated."""
    rng = np.random.default_rng(0)
    a = np.where(rng.standard_normal((8, n_in)) < 0, 0.0, rng.standard_normal((8, n_in)))
    a[5] = a[2]
    sigma, count = 0.7, 200_000
    h = network.fresh_layer_output(a, count, sigma, np.random.default_rng(1))
    whole = a @ (sigma * np.random.default_rng(2).standard_normal((count, n_in))).T
    target = sigma ** 2 * a @ a.T
    se = np.sqrt((np.outer(np.diag(target), np.diag(target)) + target ** 2) / count)
    for sample in (h, whole):
        assert sample.shape == (8, count)
        assert np.all(np.abs(sample @ sample.T / count - target) <= 5 * se + 1e-12)
        assert np.all(np.abs(sample.mean(axis=1)) <= 5 * np.sqrt(np.diag(target) / count) + 1e-12)
        neighbours = np.mean(sample[:, :-1] * sample[:, 1:], axis=1)  # coordinates i and i + 1
        assert np.all(np.abs(neighbours) <= 5 * np.diag(target) / np.sqrt(count) + 1e-12)
        z = sample[0] / np.sqrt(target[0, 0])
        assert abs(np.mean(z ** 4) - 3.0) <= 5 * np.sqrt(96 / count)  # Gaussian: E z⁴ = 3, Var z⁴ = 96
    # Equal up to the square root of a rounding error: a zero eigenvalue of a aᵀ computed as ~1e-16.
    np.testing.assert_allclose(h[5], h[2], rtol=0, atol=1e-7 * np.abs(h[2]).max())
