"""The single-matrix setting of the linear-algebra figures: shapes by aspect, and seeded draws.

A matrix is n_out × n_in with aspect λ = n_out/n_in; a ``width`` n is the larger side,
max(n_in, n_out), so a request never builds a matrix of more than n² entries. Each shape draws from
its own generator, seeded by (seed, n_out, n_in, tag) with one tag per experiment, so a point of a
sweep does not move when the reader changes the largest width.
"""

from __future__ import annotations

import numpy as np

from . import streams

# Stream tags: one per experiment, never shared.
POWER_ITERATION, MP_SPECTRUM, STABLE_RANK, SPECTRAL_NORM, ALIGNMENT, ALIGNMENT_BATCH = 1, 2, 3, 4, 5, 6


def shape(width: int, aspect: str) -> tuple[int, int]:
    """(n_out, n_in) with max(n_out, n_in) = width and n_out/n_in = aspect."""
    lam = float(aspect)
    if lam >= 1.0:
        return width, int(round(width / lam))
    return int(round(width * lam)), width


def rng(seed: int, n_out: int, n_in: int, tag: int) -> np.random.Generator:
    """The generator of one shape's draws in one experiment."""
    return streams.generator(seed, n_out, n_in, tag)


def gaussian(gen: np.random.Generator, n_out: int, n_in: int, sigma: float = 1.0) -> np.ndarray:
    """An n_out × n_in matrix of i.i.d. N(0, σ²) entries."""
    return streams.standard_normal(gen, (n_out, n_in), sigma)
