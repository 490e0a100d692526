"""The network every training figure uses: its shape, its data, and its initialization.

Widths [d, n, …, n, d_out] with d = 8 inputs and d_out = 4 outputs, so W₁ (n × d) is the input
layer, the n × n matrices are hidden layers and W_L (d_out × n) the readout; ReLU, no biases, MSE
loss, trained full-batch on a fixed batch of B = 8 Gaussian inputs (entries of size Θ(1), so
‖x‖₂ = Θ(√d)) with Gaussian targets. Only n grows. Those are the defaults; the coordinate check
takes d, d_out, B and the loss as parameters (cross-entropy on integer class labels drawn uniformly
from the d_out classes), to run the standard setting of microsoft/mup's own check.

Randomness: each width n draws its weights from its own generator, seeded by (seed, n, 1), and
every parameterization scales the *same* standard-normal Z_l by its σ_l. The four parameterizations
therefore start from the same random shape and differ only in the scales (the figures compare
scalings, not luck), and a point does not move when the reader changes the largest width of a sweep.
The batch depends on the seed only: it is the same at every width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import mlp
from .base_learning_rates import BASE_LR
from .constants import DIVERGED
from .parameterizations import LayerScaling, network_scalings, update_norms

D_IN, D_OUT, BATCH = 8, 4, 8

# Stream tags of np.random.default_rng([seed, n, tag]): one stream per use, never shared.
WEIGHTS_STREAM, UNRELATED_STREAM, FRESH_OUTPUT_STREAM = 1, 3, 4


def dims(width: int, depth: int = 3, d_in: int = D_IN, d_out: int = D_OUT) -> list[int]:
    """[d, n, …, n, d_out]: ``depth`` weight matrices, so depth − 1 hidden widths n."""
    return [d_in] + [width] * (depth - 1) + [d_out]


def batch(seed: int, size: int = BATCH, d_in: int = D_IN, d_out: int = D_OUT,
          loss: str = "mse") -> tuple[np.ndarray, np.ndarray]:
    """The training batch (inputs, targets) of a seed: the same at every width. Targets are Gaussian
    vectors for MSE and class labels 0 … d_out − 1 for cross-entropy ("xent")."""
    rng = np.random.default_rng([seed, 0])
    x = rng.standard_normal((size, d_in))
    if loss == "xent":
        return x, rng.integers(0, d_out, size=size)
    return x, rng.standard_normal((size, d_out))


def weights_rng(seed: int, widths: list[int]) -> np.random.Generator:
    """The generator of one width's weights (widths[1] is the width n)."""
    return np.random.default_rng([seed, widths[1], WEIGHTS_STREAM])


def normals(widths: list[int], seed: int) -> list[np.ndarray]:
    """Standard-normal Z_l for each layer; W_l = σ_l Z_l under every parameterization."""
    unit = [LayerScaling(1.0, 0.0)] * (len(widths) - 1)
    return mlp.init_weights(widths, unit, weights_rng(seed, widths))


def fresh_layer_output(a: np.ndarray, n_out: int, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """h = a Wᵀ for a fresh W (n_out × n_in, i.i.d. N(0, σ²) entries, independent of a), drawn from its
    exact law given the inputs a (B × n_in) without drawing W.

    Column i of h is a w_i for row w_i of W, a Gaussian vector N(0, σ² a aᵀ), and the n_out rows are
    independent. So h = σ G^½ Z, with G = a aᵀ and Z of B × n_out standard normals, has that law:
    B·n_out draws instead of the n_out·n_in of W (at width 2048 and B = 8, 16 thousand instead of 4
    million). G^½ is the symmetric square root, which is unique, so no eigenvector's sign (a choice
    that differs between LAPACK builds) reaches the numbers, and a repeated example gives equal rows.
    """
    lam, q = np.linalg.eigh(a @ a.T)
    root = (q * np.sqrt(np.clip(lam, 0.0, None))) @ q.T
    return sigma * (root @ rng.standard_normal((a.shape[0], n_out)))


def base_lr(parameterization: str, optimizer: str) -> float:
    """The width-independent base learning rate η, tuned once at width 64 (see base_learning_rates)."""
    return BASE_LR[parameterization, optimizer]


@dataclass
class Network:
    """Weights σ_l Z_l, an optimizer with the per-layer rates η_l, and the layer scalings."""

    weights: list[np.ndarray]
    optimizer: mlp.SGD | mlp.Adam | mlp.SpectralDescent | mlp.Layerwise
    scalings: list[LayerScaling]


def init(parameterization: str, optimizer: str, widths: list[int], z: list[np.ndarray],
         lr: float | None = None) -> Network:
    """A network of ``widths`` from the normals ``z``; ``lr`` defaults to the tuned base rate."""
    base = base_lr(parameterization, optimizer) if lr is None else lr
    scal = network_scalings(parameterization, widths, base, optimizer)
    weights = [s.std * zl for s, zl in zip(scal, z)]
    return Network(weights, mlp.make_optimizer(optimizer, [s.lr for s in scal]), scal)


# The key of spectral steepest descent's base η in BASE_LR (it is not one of the global optimizer choices).
STEEPEST = "steepest"


def init_steepest(parameterization: str, widths: list[int], z: list[np.ndarray], lr: float | None = None,
                  scale: str = "spectral", method: str = "svd", ns_steps: int = 5, momentum: float = 0.0,
                  hidden_only: bool = False) -> Network:
    """A network with the parameterization's init σ_l Z_l, trained by spectral steepest descent with
    ‖ΔW_l‖_* = ε_l from ``scale`` (``lr`` defaults to the tuned base η); ``scalings`` hold σ_l and ε_l.

    ``hidden_only``: steepest descent on the hidden matrices only, and Adam with the parameterization's
    rates (and its tuned base η) on the input layer and the readout, as the Muon optimizer is used;
    their ``scalings`` then hold Adam's η_l.
    """
    base = base_lr(parameterization, STEEPEST) if lr is None else lr
    eps = update_norms(scale, widths, base)
    scal = [LayerScaling(s.std, e) for s, e in zip(network_scalings(parameterization, widths, 1.0), eps)]
    weights = [s.std * zl for s, zl in zip(scal, z)]
    steepest = mlp.SpectralDescent
    if not hidden_only:
        return Network(weights, steepest(eps, method=method, ns_steps=ns_steps, momentum=momentum,
                                         nesterov=momentum > 0), scal)
    adam = network_scalings(parameterization, widths, base_lr(parameterization, "adam"), "adam")
    outer, hidden = [0, len(widths) - 2], list(range(1, len(widths) - 2))
    for l in outer:
        scal[l] = adam[l]
    opt = mlp.Layerwise([(hidden, steepest([eps[l] for l in hidden], method=method, ns_steps=ns_steps,
                                           momentum=momentum, nesterov=momentum > 0)),
                         (outer, mlp.Adam([adam[l].lr for l in outer]))])
    return Network(weights, opt, scal)


def diverged(loss: float, initial: float) -> bool:
    """True once a run's loss is non-finite or far above where it started."""
    return not math.isfinite(loss) or loss > DIVERGED * initial


def finite_or_none(v: float) -> float | None:
    """A measured value, or None (a gap in the figure) where the run produced inf or NaN."""
    return float(v) if math.isfinite(v) else None
