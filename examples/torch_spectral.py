"""The spectral parameterization in PyTorch: init scales, per-layer rates.

For each weight W_l of shape n_l × n_{l-1} (fan-out × fan-in, as
nn.Linear stores it):

    init std   σ_l = (1/√n_{l-1}) · min(1, √(n_l/n_{l-1}))
    SGD rate   η_l = η · n_l / n_{l-1}
    Adam rate  η_l = η / n_{l-1}

with the base rate η tuned once, at a small width, and kept as the
network grows. The same rules serve the input layer, the hidden layers
and the readout: their shapes make the difference. Biases keep PyTorch's
defaults (the condition says nothing about them).
"""

import math

import torch


def spectral_init_(model: torch.nn.Module) -> None:
    """Draw every nn.Linear weight with entries N(0, σ_l²)."""
    for layer in model.modules():
        if isinstance(layer, torch.nn.Linear):
            fan_out, fan_in = layer.weight.shape
            std = min(1.0, math.sqrt(fan_out / fan_in)) / math.sqrt(fan_in)
            torch.nn.init.normal_(layer.weight, mean=0.0, std=std)


def spectral_param_groups(model: torch.nn.Module, lr: float,
                          optimizer: str = "adam") -> list[dict]:
    """One parameter group per nn.Linear weight, each with its own rate."""
    if optimizer not in ("sgd", "adam"):
        raise ValueError(f"optimizer: 'sgd' or 'adam', not {optimizer!r}")
    groups = []
    for layer in model.modules():
        if isinstance(layer, torch.nn.Linear):
            fan_out, fan_in = layer.weight.shape
            scale = fan_out / fan_in if optimizer == "sgd" else 1.0 / fan_in
            groups.append({"params": [layer.weight], "lr": lr * scale})
    return groups


if __name__ == "__main__":
    d_in, width, d_out = 64, 1024, 10
    model = torch.nn.Sequential(
        torch.nn.Linear(d_in, width, bias=False), torch.nn.ReLU(),
        torch.nn.Linear(width, width, bias=False), torch.nn.ReLU(),
        torch.nn.Linear(width, d_out, bias=False),
    )
    spectral_init_(model)
    groups = spectral_param_groups(model, lr=1.0, optimizer="adam")
    opt = torch.optim.Adam(groups)
    print([g["lr"] for g in opt.param_groups])
