"""The exponent table (the reference page's numbers) against theory, one test case per check."""

from __future__ import annotations

import math

import pytest

import spectral_condition  # noqa: F401  (importing the package registers every experiment's checks)
from spectral_condition import exponents

KEYS = sorted(exponents.CHECKS)


def test_checks_are_registered():
    # Seven checks sit beside the linear-algebra experiments alone; others add theirs.
    assert len(KEYS) >= 7


@pytest.mark.parametrize("key", KEYS)
def test_measured_exponent_is_within_tolerance_of_theory(key):
    check = exponents.CHECKS[key]
    measured = exponents.measured(key)
    assert math.isfinite(measured)
    assert abs(measured - check.theory) <= check.tolerance, (
        f"{key}: measured {measured:.4f}, theory {check.theory} ± {check.tolerance} ({check.setting})")


def test_table_rows_are_the_checks_with_their_measurements():
    rows = exponents.table()  # the measurements are cached, so this reuses the cases above
    assert sorted(r["key"] for r in rows) == KEYS
    for r in rows:
        check = exponents.CHECKS[r["key"]]
        assert (r["theory"], r["tolerance"], r["section"]) == (check.theory, check.tolerance, check.section)
        assert r["measured"] == exponents.measured(r["key"])
        assert r["ok"] is (abs(r["measured"] - r["theory"]) <= r["tolerance"])
        assert r["ok"], r
    # The paper's claims first, then the checks of the tools, each in section order.
    order = [(r["tool"], r["section"]) for r in rows]
    assert order == sorted(order) and {r["tool"] for r in rows} == {False, True}
    assert all(r["tool"] is exponents.CHECKS[r["key"]].tool for r in rows)
