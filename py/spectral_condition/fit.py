"""Power-law exponents by least squares on log-log axes: how every scaling claim is measured."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def loglog_fit(x: Sequence[float], y: Sequence[float]) -> dict[str, float]:
    """Fit log y = slope · log x + intercept; returns slope, intercept (natural log) and r².

    y must be positive: a power law y = c·x^slope is a straight line of that slope on log-log axes.
    """
    lx, ly = np.log(np.asarray(x, dtype=float)), np.asarray(y, dtype=float)
    if lx.shape != ly.shape or lx.size < 2:
        raise ValueError("loglog_fit needs two equally long sequences of at least two points")
    if np.any(ly <= 0) or not np.all(np.isfinite(ly)):
        raise ValueError("loglog_fit needs finite positive y values")
    ly = np.log(ly)
    slope, intercept = np.polyfit(lx, ly, 1)
    resid = ly - (slope * lx + intercept)
    total = np.sum((ly - ly.mean()) ** 2)
    r2 = 1.0 - float(np.sum(resid ** 2) / total) if total > 0 else 1.0
    return {"slope": float(slope), "intercept": float(intercept), "r2": r2}


def loglog_slope(x: Sequence[float], y: Sequence[float]) -> float:
    """The measured exponent of y against x."""
    return loglog_fit(x, y)["slope"]


def powers_of_two(lo: int, hi: int) -> list[int]:
    """lo, 2·lo, …, up to hi: the widths a sweep visits."""
    out, n = [], int(lo)
    while n <= hi:
        out.append(n)
        n *= 2
    return out
