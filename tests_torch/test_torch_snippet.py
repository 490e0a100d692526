"""The cheat sheet's PyTorch snippet (examples/torch_spectral.py) against the package.

Runs in an environment with PyTorch (`make torch-check`), not in the default test command: the
snippet's init scales and learning rates must be the package's rules, and one step of SGD and of Adam
with them must give updates whose size relative to √(n_l/n_{l-1}) does not change with width.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "py"), str(ROOT / "examples")]

from spectral_condition.fit import loglog_slope  # noqa: E402
from spectral_condition.parameterizations import layer_kinds, layer_scaling  # noqa: E402
from torch_spectral import spectral_init_, spectral_param_groups  # noqa: E402

D_IN, D_OUT = 64, 10
WIDTHS = [128, 256, 512, 1024, 2048]


def mlp(width: int) -> torch.nn.Sequential:
    return torch.nn.Sequential(
        torch.nn.Linear(D_IN, width, bias=False), torch.nn.ReLU(),
        torch.nn.Linear(width, width, bias=False), torch.nn.ReLU(),
        torch.nn.Linear(width, D_OUT, bias=False))


def weights(model):
    return [m.weight for m in model.modules() if isinstance(m, torch.nn.Linear)]


@pytest.mark.parametrize("width", [32, 256, 1024])
def test_init_scales_are_the_packages(width):
    torch.manual_seed(0)
    model = mlp(width)
    spectral_init_(model)
    ws = weights(model)
    for w, kind in zip(ws, layer_kinds(len(ws))):
        fan_out, fan_in = w.shape
        want = layer_scaling("spectral", kind, fan_in, fan_out, 1.0).std
        # A sample standard deviation of ≥ 640 entries: within 6 % (over 4 standard errors).
        assert float(w.detach().std()) == pytest.approx(want, rel=0.06)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("width", [32, 256, 1024])
def test_learning_rates_are_the_packages(optimizer, width):
    model = mlp(width)
    groups = spectral_param_groups(model, lr=0.3, optimizer=optimizer)
    ws = weights(model)
    assert [g["params"][0] for g in groups] == ws
    for g, w, kind in zip(groups, ws, layer_kinds(len(ws))):
        fan_out, fan_in = w.shape
        assert g["lr"] == pytest.approx(layer_scaling("spectral", kind, fan_in, fan_out, 0.3, optimizer).lr,
                                        rel=1e-12)


def one_step_update_sizes(width: int, optimizer: str, seed: int = 0) -> list[float]:
    """‖ΔW_l‖_*/√(n_l/n_{l-1}) after one step on a batch of 8 Gaussian inputs (cross-entropy)."""
    torch.manual_seed(seed)
    model = mlp(width).double()
    spectral_init_(model)
    before = [w.detach().clone() for w in weights(model)]
    groups = spectral_param_groups(model, lr=0.05, optimizer=optimizer)
    opt = torch.optim.SGD(groups) if optimizer == "sgd" else torch.optim.Adam(groups)
    x = torch.randn(8, D_IN, dtype=torch.float64)
    y = torch.randint(0, D_OUT, (8,))
    torch.nn.functional.cross_entropy(model(x), y).backward()
    opt.step()
    out = []
    for w0, w in zip(before, weights(model)):
        fan_out, fan_in = w.shape
        out.append(float(torch.linalg.matrix_norm(w.detach() - w0, ord=2)) / (fan_out / fan_in) ** 0.5)
    return out


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_update_sizes_do_not_change_with_width(optimizer):
    sizes = np.array([one_step_update_sizes(n, optimizer) for n in WIDTHS])  # (width, layer)
    for layer in range(sizes.shape[1]):
        slope = loglog_slope(WIDTHS, sizes[:, layer])
        # Theory: slope 0 for every layer. One seed, five widths from 128 to 2048: the fluctuations of
        # a batch-8 gradient's spectral norm keep the fitted slope within 0.1 of it.
        assert abs(slope) <= 0.1, (optimizer, layer, slope, sizes[:, layer])
