"""microsoft/mup's own coordinate check on its standard MLP, measured as log-log slopes for the package's test.

Runs the `mup` package's `get_coord_data` (CPU PyTorch) on the MLP 64 → n → n → 10 without biases,
ReLU, softmax cross-entropy on one fixed batch of 32 Gaussian inputs with random class labels, SGD at
learning rate 0.1, 3 steps, 4 seeds, widths 64 … 2048, under μP (MuReadout, MuSGD, base width 64)
and under SP (plain torch SGD, no base shapes). Every weight starts Gaussian with standard deviation
1/√fan-in, the package's SP; under μP, mup then rescales the readout to its μP size. For each layer
and step it fits the slope of log(mean |h_l|) (mup's "l1" statistic, averaged over seeds) against
log n, and writes them with the command that made them to a JSON file. Needs torch and mup, which
the site does not: `make mup-crosscheck` installs them in a venv of its own (.venv-torch).

tests/test_mup_crosscheck.py runs the package's coordinate check in the same setting and holds its
slopes against the file, so the test suite needs neither torch nor mup.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from mup import MuReadout, set_base_shapes
from mup.coord_check import get_coord_data
from torch import nn

D_IN, D_OUT, BATCH, LR, STEPS, SEEDS = 64, 10, 32, 0.1, 3, 4
WIDTHS = [64, 128, 256, 512, 1024, 2048]
BASE_WIDTH, DELTA_WIDTH = 64, 128
LAYERS = ("input", "hidden", "output")


class MLP(nn.Module):
    def __init__(self, width: int, mup: bool):
        super().__init__()
        self.input = nn.Linear(D_IN, width, bias=False)
        self.hidden = nn.Linear(width, width, bias=False)
        self.output = (MuReadout if mup else nn.Linear)(width, D_OUT, bias=False)
        for layer in (self.input, self.hidden, self.output):
            nn.init.normal_(layer.weight, std=1 / math.sqrt(layer.in_features))

    def forward(self, x):
        return self.output(F.relu(self.hidden(F.relu(self.input(x)))))


def model_factory(width: int, mup: bool):
    def make():
        model = MLP(width, mup)
        # μP: base shapes from widths 64 and 128 set MuSGD's per-layer rates and rescale the readout.
        set_base_shapes(model, MLP(BASE_WIDTH, True) if mup else None,
                        delta=MLP(DELTA_WIDTH, True) if mup else None)
        return model
    return make


def fixed_batch() -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(BATCH, D_IN, generator=g)
    y = torch.randint(0, D_OUT, (BATCH,), generator=g)
    return [(x, y)]


def slopes(mup: bool) -> list[list[float]]:
    """[step][layer] slope of log(mean over seeds of mean |h_l|) against log n."""
    models = {w: model_factory(w, mup) for w in WIDTHS}
    df = get_coord_data(models, fixed_batch(), optimizer="sgd", lr=LR, mup=mup, lossfn="xent",
                        nsteps=STEPS, nseeds=SEEDS, cuda=False, show_progress=False,
                        filter_module_by_name=lambda name: name in LAYERS)
    out = []
    for t in range(1, STEPS + 1):
        row = []
        for layer in LAYERS:
            sizes = [df[(df.t == t) & (df.module == layer) & (df.width == w)].l1.mean() for w in WIDTHS]
            row.append(float(np.polyfit(np.log(WIDTHS), np.log(sizes), 1)[0]))
        out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    from importlib.metadata import version
    result = {
        "command": "make mup-crosscheck",
        "script": "bench/mup_crosscheck.py",
        "versions": {"torch": torch.__version__, "mup": version("mup"),
                     "python": sys.version.split()[0]},
        "setting": {"d_in": D_IN, "d_out": D_OUT, "batch": BATCH, "loss": "xent", "optimizer": "sgd",
                    "lr": LR, "steps": STEPS, "seeds": SEEDS, "widths": WIDTHS, "bias": False,
                    "activation": "relu", "base_width": BASE_WIDTH},
        "statistic": "slope of log mean |h_l| (mup's l1, mean over seeds) against log n; "
                     "steps 1 … 3, step 1 at initialization; layers input, hidden, output",
        "slopes": {"mup": slopes(True), "sp": slopes(False)},
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["slopes"], indent=1))


if __name__ == "__main__":
    main()
