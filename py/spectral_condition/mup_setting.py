"""The package's coordinate check in microsoft/mup's standard setting, as slopes to hold against mup's own.

The setting of mup's coordinate check on an MLP: 64 inputs, 10 classes, no biases, cross-entropy on
one batch of 32, SGD at base rate 0.1, 3 steps (step 1 at initialization), 4 seeds, widths 64 … 2048.
bench/mup_crosscheck.py runs mup itself there and commits its slopes; the test and page 7 compare
these with them. Native only (the browser never loads it).
"""

from __future__ import annotations

from functools import lru_cache

from .exponents import fit_slope
from .registry import EXPERIMENTS, run

SETTING = {"d_in": 64, "d_out": 10, "batch": 32, "loss": "xent", "lr": 0.1, "optimizer": "sgd",
           "steps": 3, "seeds": 4, "seed": 0, "width": 2048, "quantity": "h"}

# mup's μP is the package's μP; mup's SP (plain torch SGD, fan-in init) is the package's SP.
PARAMETERIZATIONS = ("mup", "sp")


@lru_cache(maxsize=None)
def slopes(parameterization: str) -> tuple[tuple[float, ...], ...]:
    """[step][layer] slope of RMS(h_l) (mean over seeds) against n over widths 64 … 2048."""
    params = {**EXPERIMENTS["coord_check"].defaults(), **SETTING, "parameterization": parameterization}
    d = run("coord_check", params)["data"]
    return tuple(tuple(fit_slope(d["widths"], [ys]) for ys in panel) for panel in d["values"])
