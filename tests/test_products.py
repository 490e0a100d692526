"""The products' browser order (einsum, one matrix at a time) against ``@``, natively.

Pyodide takes the einsum path and the tests under Node compare whole experiments with native; here
each product's shapes, stacks and broadcasting are checked directly, with the browser's branch forced.
"""

import numpy as np
import pytest

from spectral_condition import products

RNG = np.random.default_rng(3)


def g(*shape):
    return RNG.standard_normal(shape)


CASES = [
    # (function, a, b, reference, takes einsum)
    ("matmul", g(8, 96), g(96, 80), lambda a, b: a @ b, True),
    ("matmul", g(3, 8, 96), g(3, 96, 80), lambda a, b: a @ b, True),
    ("matmul", g(8, 96), g(2, 96, 80), lambda a, b: a @ b, True),  # one input through two stacked weights
    ("matmul", g(8, 96), g(96, 4), lambda a, b: a @ b, False),  # a thin b: ``@``
    ("matmul_t", g(8, 96), g(80, 96), lambda a, b: a @ b.mT, True),
    ("matmul_t", g(2, 3, 8, 96), g(3, 80, 96), lambda a, b: a @ b.mT, True),
    ("matmul_t", g(8, 4), g(5, 96, 4), lambda a, b: a @ b.mT, False),
    ("t_matmul", g(32, 96), g(32, 80), lambda a, b: a.mT @ b, True),  # a weight gradient of 32 examples
    ("t_matmul", g(3, 32, 96), g(3, 32, 80), lambda a, b: a.mT @ b, True),
    ("t_matmul", g(4, 32, 96), g(32, 80), lambda a, b: a.mT @ b, True),
    ("t_matmul", g(3, 32, 4), g(3, 32, 96), lambda a, b: a.mT @ b, True),  # a wide result (a readout's)
    ("t_matmul", g(3, 32, 96), g(32, 4), lambda a, b: a.mT @ b, True),  # a tall one (a first layer's)
    ("t_matmul", g(3, 32, 4), g(3, 32, 8), lambda a, b: a.mT @ b, False),  # short both ways: ``@``
]


@pytest.mark.parametrize("name,a,b,reference,einsum", CASES,
                         ids=[f"{c[0]}-{c[1].shape}-{c[2].shape}" for c in CASES])
def test_the_browser_order_gives_the_product(monkeypatch, name, a, b, reference, einsum):
    calls = []
    real = products._per_matrix
    monkeypatch.setattr(products, "_NO_BLAS", True)
    monkeypatch.setattr(products, "_per_matrix", lambda *args: calls.append(1) or real(*args))
    got = getattr(products, name)(a, b)
    want = reference(a, b)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert bool(calls) == einsum


def test_natively_every_product_is_numpys_own():
    a, b = g(3, 32, 96), g(3, 32, 80)
    assert not products._NO_BLAS
    np.testing.assert_array_equal(products.t_matmul(a, b), a.mT @ b)


@pytest.mark.parametrize("browser", [True, False])
def test_a_matrix_times_a_vector(monkeypatch, browser):
    monkeypatch.setattr(products, "_NO_BLAS", browser)
    A, v = g(70, 90), g(90)
    got = products.times(A, v)
    assert got.shape == (70,)
    np.testing.assert_allclose(got, A @ v, rtol=1e-12, atol=1e-12)
