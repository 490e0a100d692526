"""Matrix products, each in the loop order that is fast where the package runs.

NumPy with a BLAS (natively) multiplies at the same speed whatever the operands' memory layout. NumPy
without one (Pyodide's) runs its own loops, and ``a @ b`` walks ``b`` down its columns: when ``b`` is
large in both dimensions that costs, in WebAssembly, several times what einsum's loops cost, as they
read it along its rows. Measured in Pyodide: g @ W for g of 8 × 1024 and W of 1024², 44 ms against
7 ms by einsum; the same for four stacked networks, 683 ms against 120 ms; two 512² matrices, 451 ms
against 104 ms. With a thin ``b`` (a batch's inputs, a readout of four rows) or a sum over a batch of
examples, ``@`` is the faster one (the weight gradient of a batch of 32: 261 ms against 423 ms), and
with a BLAS ``@`` is always faster, three times over einsum. So each product here takes einsum only in
the browser and only for large operands; the two orders differ only in how their sums are rounded.
Each takes stacks of matrices (leading axes).
"""

from __future__ import annotations

import sys

import numpy as np

_NO_BLAS = sys.platform == "emscripten"
# "Large": at least this many rows and columns.
_LARGE = 64


def _einsum(*operands: np.ndarray) -> bool:
    return _NO_BLAS and all(m.shape[-2] >= _LARGE and m.shape[-1] >= _LARGE for m in operands)


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a b."""
    return np.einsum("...ij,...jk->...ik", a, b) if _einsum(b) else a @ b


def matmul_t(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a bᵀ: each row of ``a`` against each row of ``b`` (a batch of inputs through a weight matrix)."""
    return np.einsum("...ij,...kj->...ik", a, b) if _einsum(b) else a @ b.mT


def t_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """aᵀ b: a Gram matrix, or for a batch the sum over examples of the outer products of their rows
    (a weight gradient, for which ``a`` has a row per example and ``@`` is the faster order)."""
    return np.einsum("...ji,...jk->...ik", a, b) if _einsum(a, b) else a.mT @ b


def transpose_times(u: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Aᵀu for a vector u: einsum's loop adds u_i·A[i, :] row by row. Natively as fast as ``u @ A``,
    so it is the one order for both."""
    return np.einsum("ij,i->j", A, u)
