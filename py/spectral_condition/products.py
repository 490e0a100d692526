"""Matrix products, each in the loop order that is fast where the package runs.

NumPy with a BLAS (natively) multiplies at the same speed whatever the operands' memory layout. NumPy
without one (Pyodide's) runs its own loops, and ``a @ b`` walks ``b`` down its columns: when ``b`` is
large in both dimensions that costs, in WebAssembly, several times what einsum's loops cost, as they
read it along its rows. Measured in Pyodide: g @ W for g of 8 × 1024 and W of 1024², 44 ms against
7 ms by einsum; two 512² matrices, 451 ms against 104 ms. The same holds for a weight gradient Gᵀ A
(G and A with a row per example) whenever the result is long in one direction, however few the
examples: 32 examples at width 1024, 62 ms by ``@`` against 30 ms by einsum; 8 examples, 13.5 against
9 ms. With a BLAS ``@`` is always faster, three times over einsum. So each product here takes einsum
only in the browser and only where it is the faster order there: a large ``b`` for a b and a bᵀ, a
result with a long side for aᵀ b. The two orders differ only in how their sums are rounded.

Each takes stacks of matrices (leading axes, broadcast like ``@``). einsum over a stack is slow in
Pyodide (three weight gradients of 32 × 1024 stacked: 232 ms, against 120 ms by ``@`` and 60 ms by
einsum one matrix at a time), so the browser's einsum runs matrix by matrix, with the same sums.
"""

from __future__ import annotations

import sys

import numpy as np

_NO_BLAS = sys.platform == "emscripten"
# "Large": at least this many rows and columns.
_LARGE = 64


def _large(*shapes: tuple[int, int]) -> bool:
    return _NO_BLAS and all(r >= _LARGE and c >= _LARGE for r, c in shapes)


def _per_matrix(spec: str, a: np.ndarray, b: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """einsum ``spec`` (of two matrices) over the broadcast leading axes, one matrix at a time."""
    lead = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    if not lead:
        return np.einsum(spec, a, b)
    a, b = np.broadcast_to(a, lead + a.shape[-2:]), np.broadcast_to(b, lead + b.shape[-2:])
    out = np.empty(lead + shape, dtype=np.result_type(a, b))
    for i in np.ndindex(lead):
        np.einsum(spec, a[i], b[i], out=out[i])
    return out


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a b."""
    if _large(b.shape[-2:]):
        return _per_matrix("ij,jk->ik", a, b, (a.shape[-2], b.shape[-1]))
    return a @ b


def matmul_t(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a bᵀ: each row of ``a`` against each row of ``b`` (a batch of inputs through a weight matrix)."""
    if _large(b.shape[-2:]):
        return _per_matrix("ij,kj->ik", a, b, (a.shape[-2], b.shape[-2]))
    return a @ b.mT


def t_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """aᵀ b: a Gram matrix, or for a batch the sum over examples of the outer products of their rows
    (a weight gradient, ``a`` and ``b`` with a row per example).

    In the browser einsum's inner loop runs along the result's last axis, so a result that is long in
    one direction only is computed with that direction last: (bᵀ a)ᵀ for a tall one (the first layer's
    gradient, 1024 × 8 for 13 stacked rates: 3.9 ms against 18 ms by ``@``), aᵀ b for a wide one (the
    readout's, 4 × 1024: 3.4 ms against 7.1 ms)."""
    p, q = a.shape[-1], b.shape[-1]
    if _NO_BLAS and q >= _LARGE:
        return _per_matrix("ji,jk->ik", a, b, (p, q))
    if _NO_BLAS and p >= _LARGE:
        return _per_matrix("jk,ji->ki", b, a, (q, p)).mT
    return a.mT @ b


def times(A: np.ndarray, v: np.ndarray) -> np.ndarray:
    """A v for a vector v: in the browser by einsum's loop, faster there than ``@`` (2048²: 2.1 ms
    against 3.0 ms, measured in Pyodide; the same sums, rounded in another order); natively ``@``."""
    return np.einsum("ij,j->i", A, v) if _NO_BLAS else A @ v


def transpose_times(u: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Aᵀu for a vector u: einsum's loop adds u_i·A[i, :] row by row. Natively as fast as ``u @ A``,
    so it is the one order for both."""
    return np.einsum("ij,i->j", A, u)
