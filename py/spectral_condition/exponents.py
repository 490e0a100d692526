"""The table of measured scaling exponents against theory (the reference page's table).

Each check measures one exponent by a log-log fit across widths at fixed seeds, so the same numbers
come out at build time (the page) and in the tests (which assert them against theory within the
tolerance written here). Modules add checks with :func:`exponent_check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable


@dataclass(frozen=True)
class ExponentCheck:
    key: str          # stable identifier, used by the tests and the page
    section: int      # CONTENT.md section where the claim is made
    quantity: str     # what is measured, in the site's notation (Markdown + $…$ math)
    setting: str      # parameterization / matrix / step, in words
    theory: float     # predicted exponent of the quantity against width n
    tolerance: float  # accepted |measured − theory|, chosen from seed-to-seed spread
    measure: Callable[[], float]


CHECKS: dict[str, ExponentCheck] = {}


def exponent_check(key: str, *, section: int, quantity: str, setting: str, theory: float,
                   tolerance: float) -> Callable[[Callable[[], float]], Callable[[], float]]:
    def register(measure: Callable[[], float]) -> Callable[[], float]:
        if key in CHECKS:
            raise TypeError(f"exponent check {key!r} is registered twice")
        CHECKS[key] = ExponentCheck(key, section, quantity, setting, theory, tolerance, measure)
        return measure
    return register


@lru_cache(maxsize=None)
def measured(key: str) -> float:
    """The measured exponent of one check (cached: the page and the tests share one computation)."""
    _load()
    return float(CHECKS[key].measure())


def table() -> list[dict]:
    """Every check with its measured exponent, in section order: plain data for the page and tests."""
    _load()
    rows = []
    for c in sorted(CHECKS.values(), key=lambda c: (c.section, c.key)):
        m = measured(c.key)
        rows.append({"key": c.key, "section": c.section, "quantity": c.quantity, "setting": c.setting,
                     "theory": c.theory, "tolerance": c.tolerance, "measured": m,
                     "ok": abs(m - c.theory) <= c.tolerance})
    return rows


def _load() -> None:
    from . import experiments  # noqa: F401  (registers the checks beside the experiments)
