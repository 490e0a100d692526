"""Random streams: the generator of the linear-algebra figures' matrices and of the σ₁ methods'
start vectors, and Gaussian draws scaled without a copy.

A key is a tuple of integers (a seed, then what the draw is for: a shape, a tag), so a draw never
depends on what was drawn before it. The bit generator is SFC64 rather than NumPy's default PCG64:
PCG64 multiplies 128-bit integers, which WebAssembly has no instruction for, and in Pyodide it draws a
2048² Gaussian matrix in about 140 ms, on every notch of a width slider; SFC64 only adds, shifts and
rotates 64-bit words and draws it in about 75 ms. Natively the two are within 30 % of each other.
Network weights keep PCG64 streams (:mod:`spectral_condition.network`), and section 7's finite-width
numbers are stated for those draws. Drawing them is a few per cent of most training runs but a
quarter of the shortest, the coordinate check's at width 1024 (three fresh networks, four steps:
74 of 256 ms in Pyodide); SFC64 would take about two thirds of that time (16 against 25 ms a
million).
"""

from __future__ import annotations

import numpy as np


def generator(*key: int) -> np.random.Generator:
    """The SFC64 stream of ``key``: the same numbers natively and in the browser."""
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence([int(k) for k in key])))


def standard_normal(gen: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0) -> np.ndarray:
    """``scale`` times i.i.d. N(0, 1) draws from ``gen``, scaled in place: a matrix of 4M entries is
    not copied (the numbers are those of ``scale * gen.standard_normal(shape)``)."""
    z = gen.standard_normal(shape)
    if scale != 1.0:
        z *= scale
    return z
