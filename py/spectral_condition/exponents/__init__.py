"""The measured scaling exponents against theory: the reference page's table and the tests' targets.

Each check measures one exponent by a log-log fit across widths at fixed seeds, so the same numbers
come out at build time (the page) and in the tests (which assert them against theory within the
tolerance written here). This package holds the table's machinery (a check, the registry, the shared
sweeps and fits, the seed sets whose spread the tolerances are argued from); its modules hold the rows,
one per group of pages, each check's tolerance argued next to it: ``linear_algebra`` (pages 2, 4, 6),
``training`` (3, 5–8), ``steepest_descent`` (9). It imports the experiments, never the other way
round, and the browser never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import numpy as np

from ..constants import FIT_WIDTHS
from ..fit import loglog_slope
from ..registry import EXPERIMENTS, run
from .. import experiments  # noqa: F401  (registers every experiment)


@dataclass(frozen=True)
class ExponentCheck:
    key: str          # stable identifier, used by the tests and the page
    section: int      # the article page where the claim is made
    quantity: str     # what is measured, in the site's notation (Markdown + $…$ math)
    setting: str      # parameterization / matrix / step, in words
    theory: float     # predicted exponent of the quantity against width n
    tolerance: float  # accepted |measured − theory|, chosen from seed-to-seed spread
    measure: Callable[[], float]
    tool: bool = False  # a fact of linear algebra or random matrices that checks the tools, not the paper


CHECKS: dict[str, ExponentCheck] = {}


def exponent_check(key: str, *, section: int, quantity: str, setting: str, theory: float,
                   tolerance: float, tool: bool = False) -> Callable[[Callable[[], float]], Callable[[], float]]:
    def register(measure: Callable[[], float]) -> Callable[[], float]:
        if key in CHECKS:
            raise TypeError(f"exponent check {key!r} is registered twice")
        CHECKS[key] = ExponentCheck(key, section, quantity, setting, theory, tolerance, measure, tool)
        return measure
    return register


@lru_cache(maxsize=None)
def measured(key: str) -> float:
    """The measured exponent of one check (cached: the page and the tests share one computation)."""
    return float(CHECKS[key].measure())


def table() -> list[dict]:
    """Every check with its measured exponent: the paper's claims in section order, then the checks of
    the tools (``tool``) in section order. Plain data for the page and tests."""
    rows = []
    for c in sorted(CHECKS.values(), key=lambda c: (c.tool, c.section, c.key)):
        m = measured(c.key)
        rows.append({"key": c.key, "section": c.section, "quantity": c.quantity, "setting": c.setting,
                     "theory": c.theory, "tolerance": c.tolerance, "measured": m, "tool": c.tool,
                     "ok": abs(m - c.theory) <= c.tolerance})
    return rows


# ---------------------------------------------------------------------------------- measuring

@lru_cache(maxsize=None)
def runs(name: str, seeds: tuple[int, ...], fixed: tuple[tuple[str, Any], ...]) -> tuple[dict, ...]:
    """The sweeps up to FIT_WIDTHS[1] that the checks fit, run once for all the checks that share them."""
    base = {**EXPERIMENTS[name].defaults(), "width": FIT_WIDTHS[1], **dict(fixed)}
    return tuple(run(name, {**base, "seed": s})["data"] for s in seeds)


def fit_slope(widths: list[int], series: list[list[Any]]) -> float:
    """Log-log slope over FIT_WIDTHS of the geometric mean over seeds of each width's value."""
    keep = [i for i, n in enumerate(widths) if FIT_WIDTHS[0] <= n <= FIT_WIDTHS[1]]
    values = np.array([[s[i] for i in keep] for s in series], dtype=float)  # None becomes NaN
    return loglog_slope([widths[i] for i in keep], np.exp(np.mean(np.log(values), axis=0)))


def slope(name: str, key: str, seeds: tuple[int, ...], **fixed: Any) -> float:
    """The fitted slope of data[key] of one experiment's sweeps (square matrices unless told)."""
    sweeps = runs(name, seeds, tuple(sorted(fixed.items())))
    return fit_slope(sweeps[0]["widths"], [r[key] for r in sweeps])


def worst(slopes: list[float], theory: list[float]) -> float:
    """The slope farthest from its theory: a 'for every layer' claim is as good as its worst layer."""
    return max(zip(slopes, theory), key=lambda st: abs(st[0] - st[1]))[0]


def layer_slopes(name: str, seeds: tuple[int, ...], key: str, pick=lambda d: d, **fixed: Any) -> list[float]:
    sweeps = runs(name, seeds, tuple(sorted(fixed.items())))
    per_seed = [pick(r[key]) for r in sweeps]
    return [fit_slope(sweeps[0]["widths"], [s[l] for s in per_seed]) for l in range(len(per_seed[0]))]


# Seeds: each seed is a fresh batch and init. Measured spread of one seed's 64…2048 slope (seeds 0–11):
# 0.02–0.03 under spectral and μP, whose readout starts near zero so every seed sees the same loss
# gradient −y/B; 0.07–0.11 under SP and NTP, whose initial output is a Θ(1) Gaussian at every width,
# so the loss gradient, and with it the whole step, is redrawn at each width. Four seeds bring the
# spectral slopes to ±0.015, twelve bring SP and NTP to ±0.03: the ±0.1 tolerances are three or more
# standard deviations.
SEEDS4 = (0, 1, 2, 3)
SEEDS12 = tuple(range(12))
SEEDS3 = (0, 1, 2)


# Each module registers its rows when imported.
from . import linear_algebra, steepest_descent, training  # noqa: E402,F401
