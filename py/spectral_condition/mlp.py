"""A multilayer perceptron in NumPy with its backward pass written out by hand.

The network has widths [n_0, n_1, …, n_L] (n_0 the input dimension, n_L the output dimension) and
no biases: h_1 = W_1 x, h_l = W_l φ(h_{l-1}), output h_L, with W_l of shape n_l × n_{l-1}. A batch
is a matrix with one example per row, so in code h_l = φ(h_{l-1}) W_lᵀ. φ is ReLU or the identity.

Backward pass: with g_l = ∂L/∂h_l (one row per example), the chain rule gives
    ∂L/∂W_l = g_lᵀ a_{l-1},      g_{l-1} = (g_l W_l) ⊙ φ'(h_{l-1}),
where a_{l-1} = φ(h_{l-1}) is layer l's input (a_0 = x). The first formula is why gradient
descent aligns updates with inputs: for one example ∂L/∂W_l = g_l a_{l-1}ᵀ is an outer product whose
top right singular vector is a_{l-1} itself.

Nothing here knows about widths growing: the parameterization enters only through the per-layer
init scales and learning rates (see :mod:`spectral_condition.parameterizations`).

Weights may carry leading axes: W_l of shape (k, n_l, n_{l-1}) is a stack of k independent networks
trained in lockstep on the same data (one per learning rate of a sweep, say), with learning rates of
shape (k, 1, 1). Every formula below broadcasts, so a stack costs one NumPy call per operation
instead of k, which is what makes a learning-rate sweep fast enough for the browser.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import numpy as np

from . import polar, products, streams
from .parameterizations import LayerScaling

ACTIVATIONS = ("relu", "linear")
LOSSES = ("mse", "xent")


def phi(h: np.ndarray, activation: str) -> np.ndarray:
    if activation == "relu":
        # max(h, 0) bit for bit (NaN stays NaN, −0 becomes 0), by np.where: in the browser's NumPy
        # np.maximum has no fast loop (3.8 ms against 1.5 ms for 13 stacked networks of width 1024).
        return np.where(h <= 0.0, 0.0, h)
    if activation == "linear":
        return h
    raise ValueError(f"unknown activation {activation!r}; allowed: {', '.join(ACTIVATIONS)}")


def times_phi_prime(g: np.ndarray, h: np.ndarray, activation: str) -> np.ndarray:
    """g ⊙ φ'(h): a gradient through the activation. For ReLU the subgradient at h = 0 is 0 (a
    measure-zero event for Gaussian inputs)."""
    if activation == "relu":
        # g times the 0/1 mask bit for bit (g·0 keeps the sign of zero and turns ±inf into NaN), by
        # np.where: in the browser's NumPy a float array times a boolean one goes through a casting
        # loop (3.0 ms against 2.0 ms for 13 stacked networks of width 1024).
        return np.where(h > 0.0, g, g * 0.0)
    if activation == "linear":
        return g
    raise ValueError(f"unknown activation {activation!r}; allowed: {', '.join(ACTIVATIONS)}")


def draw_weights(widths: Sequence[int], scalings: Sequence[LayerScaling],
                 rng: np.random.Generator) -> Iterator[np.ndarray]:
    """W_l with i.i.d. N(0, σ_l²) entries, drawn layer by layer from ``rng``, one at a time.

    Lazily, so that a deep forward pass at large width never holds more than one big matrix.
    """
    if len(scalings) != len(widths) - 1:
        raise ValueError("need one scaling per layer: len(scalings) == len(widths) - 1")
    for l, s in enumerate(scalings):
        yield streams.standard_normal(rng, (widths[l + 1], widths[l]), s.std)


def init_weights(widths: Sequence[int], scalings: Sequence[LayerScaling],
                 rng: np.random.Generator) -> list[np.ndarray]:
    """W_l with i.i.d. N(0, σ_l²) entries, drawn layer by layer from ``rng``."""
    return list(draw_weights(widths, scalings, rng))


def forward(weights: Sequence[np.ndarray], x: np.ndarray, activation: str = "relu") -> list[np.ndarray]:
    """Every pre-activation [h_1, …, h_L] for a batch x of shape (B, n_0)."""
    return _forward(weights, x, activation)[0]


def _forward(weights: Sequence[np.ndarray], x: np.ndarray,
             activation: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Pre-activations [h_1, …, h_L] and layer inputs [a_0 = x, …, a_{L-1}], each computed once."""
    hs, inputs = [], [x]
    for l, W in enumerate(weights):
        hs.append(products.matmul_t(inputs[-1], W))
        if l < len(weights) - 1:
            inputs.append(phi(hs[-1], activation))
    return hs, inputs


def layer_inputs(x: np.ndarray, hs: Sequence[np.ndarray], activation: str = "relu") -> list[np.ndarray]:
    """[a_0, …, a_{L-1}]: what each layer multiplies, a_0 = x and a_l = φ(h_l)."""
    return [x] + [phi(h, activation) for h in hs[:-1]]


def loss_and_output_grad(out: np.ndarray, y: np.ndarray, loss: str) -> tuple[np.ndarray, np.ndarray]:
    """The loss of the batch (one per stacked network) and g_L = ∂L/∂h_L.

    MSE is L = (1/B) Σ_b ½‖h_L − y‖², so g_L = (h_L − y)/B. Softmax cross-entropy with integer
    labels y is L = −(1/B) Σ_b log softmax(h_L)_{y_b}, so g_L = (softmax(h_L) − onehot(y))/B.
    """
    batch = out.shape[-2]
    if loss == "mse":
        diff = out - y
        return 0.5 * np.sum(diff * diff, axis=(-2, -1)) / batch, diff / batch
    if loss == "xent":
        onehot = np.eye(out.shape[-1])[np.asarray(y, dtype=np.intp)]
        # Subtracting the row maximum leaves softmax unchanged and keeps exp from overflowing.
        z = out - out.max(axis=-1, keepdims=True)
        log_p = z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
        value = -np.sum(onehot * log_p, axis=(-2, -1)) / batch
        return value, (np.exp(log_p) - onehot) / batch
    raise ValueError(f"unknown loss {loss!r}; allowed: {', '.join(LOSSES)}")


def backward(weights: Sequence[np.ndarray], x: np.ndarray, hs: Sequence[np.ndarray], g_out: np.ndarray,
             activation: str = "relu", inputs: Sequence[np.ndarray] | None = None) -> list[np.ndarray]:
    """[∂L/∂W_1, …, ∂L/∂W_L] from the forward pass ``hs`` and g_L = ∂L/∂h_L.

    ``inputs`` are the layer inputs [a_0, …, a_{L-1}] if the caller has them (else recomputed).
    """
    a = layer_inputs(x, hs, activation) if inputs is None else inputs
    grads: list[np.ndarray] = [np.empty(0)] * len(weights)
    g = g_out
    for l in range(len(weights) - 1, -1, -1):
        grads[l] = products.t_matmul(g, a[l])
        if l > 0:
            g = times_phi_prime(products.matmul(g, weights[l]), hs[l - 1], activation)
    return grads


def loss_and_grads(weights: Sequence[np.ndarray], x: np.ndarray, y: np.ndarray, activation: str = "relu",
                   loss: str = "mse") -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Loss, gradients of every W_l, and the pre-activations of the forward pass."""
    hs, inputs = _forward(weights, x, activation)
    value, g_out = loss_and_output_grad(hs[-1], y, loss)
    return value, backward(weights, x, hs, g_out, activation, inputs), hs


class SGD:
    """W_l ← W_l − η_l ∂L/∂W_l, with one learning rate per layer (a float, or an array per stack)."""

    def __init__(self, lrs: Sequence[float | np.ndarray]):
        self.lrs = list(lrs)
        self.scratch: list[np.ndarray] = []

    def step(self, weights: list[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        # One scratch array per layer, reused: a fresh 32 MB temporary per step (width 2048) costs
        # more in page faults than the arithmetic does.
        if not self.scratch:
            self.scratch = [np.empty_like(W) for W in weights]
        for W, g, lr, tmp in zip(weights, grads, self.lrs, self.scratch):
            np.multiply(g, lr, out=tmp)
            W -= tmp


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction and one learning rate per layer.

    Its first step is m̂/√v̂ = g/|g| = sign(g) entrywise: sign descent, whose update has entries of
    size η_l whatever the gradient's scale. That is why Adam's width scaling of η_l differs from
    SGD's. ``eps`` is tiny so that this stays true for the small gradients of wide layers.
    """

    def __init__(self, lrs: Sequence[float | np.ndarray], betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-12):
        self.lrs = list(lrs)
        self.b1, self.b2 = betas
        self.eps = eps
        self.t = 0
        self.m: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.scratch: list[np.ndarray] = []

    def step(self, weights: list[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        if not self.m:
            self.m = [np.zeros_like(W) for W in weights]
            self.v = [np.zeros_like(W) for W in weights]
            self.scratch = [np.empty_like(W) for W in weights]
        self.t += 1
        c1 = 1.0 - self.b1 ** self.t
        c2 = 1.0 - self.b2 ** self.t
        for W, g, m, v, lr, tmp in zip(weights, grads, self.m, self.v, self.lrs, self.scratch):
            # In place, through one scratch array per layer: at width 2048 each array is 32 MB, a
            # browser tab is small, and natively fresh temporaries cost page faults.
            m *= self.b1
            np.multiply(g, 1.0 - self.b1, out=tmp)
            m += tmp                                   # m ← β₁m + (1 − β₁)g
            v *= self.b2
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - self.b2
            v += tmp                                   # v ← β₂v + (1 − β₂)g²
            np.divide(v, c2, out=tmp)
            np.sqrt(tmp, out=tmp)
            tmp += self.eps                            # √v̂ + ε
            np.divide(m, tmp, out=tmp)
            tmp *= lr / c1                             # η m̂/(√v̂ + ε)
            W -= tmp


class SpectralDescent:
    """Steepest descent under the spectral norm: W_l ← W_l − ε_l · O(M_l), with ‖O(M_l)‖_* ≈ 1.

    O is the polar factor UVᵀ of M_l, computed exactly (``method="svd"``) or by ``ns_steps``
    Newton–Schulz iterations (``"cubic"`` or ``"quintic"``, :mod:`spectral_condition.polar`). M_l is
    the gradient, or with ``momentum`` β > 0 the running average m ← βm + (1 − β)g (with ``nesterov``,
    (1 − β)g + βm, as the Muon optimizer steps). ε_l is the update's spectral norm, one per layer (a
    float, or an array of shape (k, 1, 1) for a stack): with the exact polar factor of a nonzero M_l,
    ‖ΔW_l‖_* = ε_l exactly, whatever the gradient's scale or rank. Stacks broadcast like the other
    optimizers: the SVD and the matrix products act on the last two axes.
    """

    def __init__(self, lrs: Sequence[float | np.ndarray], method: str = "svd", ns_steps: int = 5,
                 momentum: float = 0.0, nesterov: bool = False):
        if method not in ("svd",) + tuple(polar.ITERATIONS):
            raise ValueError(f"unknown polar method {method!r}; allowed: svd, {', '.join(polar.ITERATIONS)}")
        self.lrs = list(lrs)
        self.method, self.ns_steps = method, ns_steps
        self.beta, self.nesterov = momentum, nesterov
        self.m: list[np.ndarray] = []

    def direction(self, m: np.ndarray) -> np.ndarray:
        """O(m): the exact polar factor, or its Newton–Schulz approximation."""
        if self.method == "svd":
            return polar.polar_factor(m)
        return polar.newton_schulz(m, self.ns_steps, self.method)

    def step(self, weights: list[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        if self.beta and not self.m:
            self.m = [np.zeros_like(W) for W in weights]
        for l, (W, g, lr) in enumerate(zip(weights, grads, self.lrs)):
            if self.beta:
                m = self.m[l]
                m *= self.beta
                m += (1.0 - self.beta) * g
                g = (1.0 - self.beta) * g + self.beta * m if self.nesterov else m
            W -= lr * self.direction(g)


class Layerwise:
    """Each group of layers stepped by its own optimizer: ``parts`` pairs layer indices with an optimizer
    built for exactly those layers (how the Muon optimizer is used: it for the hidden matrices, Adam
    for the others)."""

    def __init__(self, parts: Sequence[tuple[Sequence[int], SGD | Adam | SpectralDescent]]):
        self.parts = [(list(idx), opt) for idx, opt in parts]

    def step(self, weights: list[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        for idx, opt in self.parts:
            # The sublists hold the same arrays, so each optimizer's in-place step lands in ``weights``.
            opt.step([weights[i] for i in idx], [grads[i] for i in idx])


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def make_optimizer(name: str, lrs: Sequence[float | np.ndarray]) -> SGD | Adam:
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; allowed: {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name](lrs)


def train(weights: list[np.ndarray], x: np.ndarray, y: np.ndarray,
          optimizer: SGD | Adam | SpectralDescent | Layerwise, steps: int, activation: str = "relu",
          loss: str = "mse") -> np.ndarray:
    """``steps`` full-batch steps on (x, y), in place; returns the losses, shape (steps + 1, *stack).

    Row t is the loss after t steps (row 0 at initialization). A diverging network overflows to inf
    and then NaN without disturbing the others of its stack (every operation acts per network);
    once every network of the stack has a non-finite loss the remaining rows are NaN.
    """
    return train_between(weights, x, y, optimizer, steps, activation, loss)[0]


def train_between(weights: list[np.ndarray], x: np.ndarray, y: np.ndarray,
                  optimizer: SGD | Adam | SpectralDescent | Layerwise, steps: int, activation: str = "relu",
                  loss: str = "mse") -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """:func:`train`, also returning the pre-activations [h_1, …, h_L] of its first and of its last
    forward pass: those at initialization and at the weights it leaves (the last forward pass is the one
    that scores them; a run stopped early by a non-finite loss does not step after it). Training
    computes both anyway, and an experiment measuring the change Δh_l would otherwise pay for two more
    forward passes, each a product with every n×n matrix.
    """
    losses: list[np.ndarray] = []
    first: list[np.ndarray] = []
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for t in range(steps + 1):
            if t < steps:
                value, grads, hs = loss_and_grads(weights, x, y, activation, loss)
            else:
                hs = forward(weights, x, activation)
                value = loss_and_output_grad(hs[-1], y, loss)[0]
            if t == 0:
                first = hs
            losses.append(np.asarray(value, dtype=float))
            if not np.any(np.isfinite(value)):
                losses.extend([np.full_like(losses[-1], np.nan)] * (steps - t))
                break
            if t < steps:
                optimizer.step(weights, grads)
    return np.array(losses), first, hs
