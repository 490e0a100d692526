"""Parameters that several experiments share, declared once: seed, parameterization, optimizer,
matrix aspect, and the width sliders."""

from __future__ import annotations

from .parameterizations import OPTIMIZERS, PARAMETERIZATIONS
from .plot import PARAM_LABELS
from .schema import Param

SEED = Param("seed", "int", 0, label="seed", min=0, max=99, step=1,
             help="random seed: the figure is deterministic for a seed")

OPTIMIZER = Param("optimizer", "choice", "sgd", label="optimizer", choices=OPTIMIZERS,
                  choice_labels=("SGD", "Adam"), help="full-batch SGD or Adam")

ASPECTS = ("0.25", "0.5", "1", "2", "4")
ASPECT = Param("aspect", "choice", "1", label=r"aspect $\gamma = n_\text{out}/n_\text{in}$", choices=ASPECTS,
               choice_labels=("¼", "½", "1", "2", "4"), help="shape of the matrix")


def parameterization(default: str = "spectral", extra: tuple[tuple[str, str], ...] = ()) -> Param:
    """The parameterization choice; ``extra`` adds (value, label) choices before the four."""
    return Param("parameterization", "choice", default, label="parameterization",
                 choices=tuple(v for v, _ in extra) + PARAMETERIZATIONS,
                 choice_labels=tuple(t for _, t in extra) + tuple(PARAM_LABELS[p] for p in PARAMETERIZATIONS),
                 help="how init scale and learning rate depend on width")


def optimizer(default: str = "sgd") -> Param:
    return Param("optimizer", "choice", default, label=OPTIMIZER.label, choices=OPTIMIZER.choices,
                 choice_labels=OPTIMIZER.choice_labels, help=OPTIMIZER.help)


# Widths natively (command line, notebooks, tests) and in a browser tab, where 2048² ≈ 4.2M float64
# entries (34 MB) is the largest matrix a request may build.
NATIVE_MAX_WIDTH, LIVE_MAX_WIDTH = 8192, 2048


def matrix_width(default: int, lo: int, live_max: int) -> Param:
    """The larger side n = max(n_in, n_out) of a single matrix."""
    return Param("width", "int", default, label=r"width $n = \max(n_\text{in}, n_\text{out})$", min=lo,
                 max=NATIVE_MAX_WIDTH,
                 live_max=live_max, log2=True, help="the larger side of the matrix, a power of two")


def sweep_width(default: int, start: int, live_max: int = LIVE_MAX_WIDTH) -> Param:
    """The largest width of a sweep over the powers of two from ``start``."""
    return Param("width", "int", default, label="largest width $n$", min=64, max=NATIVE_MAX_WIDTH,
                 live_max=live_max, log2=True, help=f"the sweep runs over the powers of two from {start} to this width")


def lr_grid(low: int, high: int, bottom: int) -> tuple[Param, Param]:
    """lr_min and lr_max, defaulting to ``low`` and ``high``: the grid of base learning rates 2^k for k
    from lr_min to lr_max, each between ``bottom`` and 4."""
    why = "the grid of base learning rates runs over 2^k, k from lr_min to lr_max"
    return (Param("lr_min", "int", low, label=r"smallest $\log_2 \eta$", min=bottom, max=4, step=1, help=why),
            Param("lr_max", "int", high, label=r"largest $\log_2 \eta$", min=bottom, max=4, step=1, help=why))
