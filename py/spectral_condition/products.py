"""Matrix products, each in the loop order that is fast where the package runs.

NumPy with a BLAS (natively) multiplies at the same speed whatever the operands' memory layout. NumPy
without one (Pyodide's) runs its own loops, and ``a @ b`` walks ``b`` down its columns, which in
WebAssembly costs four to six times what einsum's loops cost, as they read every operand along its
rows. Measured in Pyodide: g @ W for g of 8 × 1024 and W of 1024², 44 ms against 7 ms by einsum; a
product of two 512² matrices, 451 ms against 104 ms. With a BLAS, einsum is three times slower than
``@``. So each product here is ``@`` natively and einsum in the browser: the two differ only by the
order of their sums, so their results agree to rounding. Each takes stacks of matrices (leading axes).
"""

from __future__ import annotations

import sys

import numpy as np

_NO_BLAS = sys.platform == "emscripten"


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a b."""
    return np.einsum("...ij,...jk->...ik", a, b) if _NO_BLAS else a @ b


def matmul_t(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a bᵀ: each row of ``a`` against each row of ``b`` (a batch of inputs through a weight matrix)."""
    return np.einsum("...ij,...kj->...ik", a, b) if _NO_BLAS else a @ b.mT


def t_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """aᵀ b: for a batch, the sum over examples of the outer products of their rows (a weight gradient)."""
    return np.einsum("...ji,...jk->...ik", a, b) if _NO_BLAS else a.mT @ b


def transpose_times(u: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Aᵀu for a vector u: einsum's loop adds u_i·A[i, :] row by row. Natively as fast as ``u @ A``,
    so it is the one order for both."""
    return np.einsum("ij,i->j", A, u)
