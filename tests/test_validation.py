"""Every registered experiment refuses bad input with a helpful ValueError, and runs on any valid input.

The cases are generated from ``spectral_condition.schemas()``, so experiments added later are covered
without touching this file. A bad value must raise ValueError whose message names the parameter and
its allowed values; any valid value (drawn by hypothesis from the declared bounds and choices) must
run and give a figure that is plain, finite JSON in the shape the site's Plotly.js expects.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spectral_condition as sc
from spectral_condition.experiments import get

NAMES = sc.names()
PARAMS = [(name, p) for name in NAMES for p in get(name).params]
NUMERIC = [(n, p) for n, p in PARAMS if p.kind != "choice"]
CHOICE = [(n, p) for n, p in PARAMS if p.kind == "choice"]
INTS = [(n, p) for n, p in NUMERIC if p.kind == "int"]
LOG2 = [(n, p) for n, p in NUMERIC if p.log2]


def _id(case) -> str:
    name, p = case
    return f"{name}.{p.name}"


def refused(name, params, param_name: str | None, *fragments: str) -> str:
    with pytest.raises(ValueError) as err:
        sc.run(name, params)
    msg = str(err.value)
    if param_name is not None:
        assert repr(param_name) in msg, msg
    for f in fragments:
        assert f in msg, (f, msg)
    return msg


def with_value(name, p, value) -> dict:
    return {**sc.defaults(name), p.name: value}


# --- experiments and parameter names ----------------------------------------------------------------

@pytest.mark.parametrize("bad", ["no_such_experiment", "", "ELLIPSE", None, 3, ["ellipse"]])
def test_unknown_experiment_lists_the_known_ones(bad):
    with pytest.raises(ValueError) as err:
        sc.run(bad, {})
    msg = str(err.value)
    assert "unknown experiment" in msg and repr(bad) in msg
    assert all(n in msg for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_unknown_parameter_is_named_with_the_known_ones(name):
    msg = refused(name, {**sc.defaults(name), "bogus": 1}, "bogus")
    assert all(p.name in msg for p in get(name).params)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [None, [1, 2], "width=64"])
def test_parameters_must_be_a_dict(name, bad):
    with pytest.raises(ValueError) as err:
        sc.run(name, bad)
    assert "dict" in str(err.value)


@pytest.mark.parametrize("case", PARAMS, ids=_id)
def test_missing_parameter_is_named(case):
    name, p = case
    params = sc.defaults(name)
    del params[p.name]
    msg = refused(name, params, p.name, "missing")
    assert all(q.name in msg for q in get(name).params)


# --- values ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", NUMERIC, ids=_id)
@pytest.mark.parametrize("bad", ["12", None, [1], True, {"v": 1}, complex(1, 0)])
def test_numeric_parameter_refuses_wrong_types(case, bad):
    name, p = case
    refused(name, with_value(name, p, bad), p.name, p.allowed())


@pytest.mark.parametrize("case", NUMERIC, ids=_id)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.nan, np.float64("inf")])
def test_numeric_parameter_refuses_non_finite(case, bad):
    name, p = case
    refused(name, with_value(name, p, bad), p.name, p.allowed(), "finite")


@pytest.mark.parametrize("case", NUMERIC, ids=_id)
def test_numeric_parameter_refuses_out_of_bounds(case):
    name, p = case
    if p.kind == "int":
        below, above = int(p.min) - 1, int(p.max) + 1
    else:  # the nearest floats outside the interval: the bounds themselves are inclusive
        below, above = float(np.nextafter(p.min, -np.inf)), float(np.nextafter(p.max, np.inf))
    for bad in (below, above, -1e300, 1e300):
        refused(name, with_value(name, p, bad), p.name, p.allowed(), "out of bounds")


@pytest.mark.parametrize("case", NUMERIC, ids=_id)
def test_numeric_bounds_are_inclusive(case):
    name, p = case
    for v in (p.min, p.max):
        assert p.validate(v) == v


@pytest.mark.parametrize("case", INTS, ids=_id)
def test_int_parameter_refuses_fractions(case):
    name, p = case
    refused(name, with_value(name, p, p.min + 0.5), p.name, p.allowed(), "not an integer")


@pytest.mark.parametrize("case", LOG2, ids=_id)
def test_width_must_be_a_power_of_two(case):
    name, p = case
    candidates = [v for v in (3 * int(p.min) // 2, int(p.max) - 1, 3 * int(p.max) // 4) if p.min < v < p.max]
    assert candidates
    for bad in candidates:
        refused(name, with_value(name, p, bad), p.name, p.allowed(), "not a power of two")


@pytest.mark.parametrize("case", CHOICE, ids=_id)
@pytest.mark.parametrize("bad", ["not-a-choice", "", 1, None, 1.0])
def test_choice_parameter_refuses_other_values(case, bad):
    name, p = case
    msg = refused(name, with_value(name, p, bad), p.name, p.allowed())
    assert all(repr(c) in msg for c in p.choices)


@pytest.mark.parametrize("case", CHOICE, ids=_id)
def test_choice_is_case_sensitive(case):
    name, p = case
    changed = [c.upper() for c in p.choices if c.upper() not in p.choices]
    for bad in changed[:1]:
        refused(name, with_value(name, p, bad), p.name, p.allowed())


# --- the team's rules for schemas -------------------------------------------------------------------

@pytest.mark.parametrize("name", [n for n in NAMES if n != "ellipse"])
def test_every_experiment_has_a_log2_width_bounded_for_a_browser_tab(name):
    widths = [p for p in get(name).params if p.name == "width"]
    assert len(widths) == 1, "every experiment except ellipse has a parameter named exactly 'width'"
    w = widths[0]
    assert w.kind == "int" and w.log2
    # 2048² ≈ 4.2M float64 entries (34 MB) is the largest matrix a browser request may build.
    assert w.upper(live=True) <= 2048


# --- property: any valid input runs and gives plain, finite, drawable JSON --------------------------

WIDTH_CAP = {"norm": 256, "training": 64}  # widths drawn in the property test, for speed
EXAMPLES = {"norm": 12, "training": 3}
TRACE_TYPES = {"scatter", "bar", "pie"}  # Plotly.js basic bundle


def value_strategy(p, cap: int):
    if p.kind == "choice":
        return st.sampled_from(p.choices)
    if p.log2:
        return st.sampled_from([v for v in p.values() if v <= cap] or [int(p.min)])
    if p.kind == "int":
        ints = st.integers(int(p.min), int(p.max))
        return st.one_of(ints, ints.map(float))  # 128.0 is a valid width too (JSON has one number type)
    return st.floats(p.min, p.max, allow_nan=False, allow_infinity=False)


def assert_drawable(fig: dict) -> None:
    """The figure conventions the site relies on: basic trace types, fixed uirevision, no theme."""
    assert isinstance(fig["data"], list) and fig["data"]
    for trace in fig["data"]:
        assert trace.get("type") in TRACE_TYPES, trace.get("type")
    lay = fig["layout"]
    assert isinstance(lay.get("title"), dict) and "text" in lay["title"]
    assert lay.get("uirevision") is not None
    for key in ("paper_bgcolor", "plot_bgcolor", "template"):
        assert key not in lay, key
    assert "color" not in lay.get("font", {})


@pytest.mark.parametrize("name", NAMES)
def test_any_valid_input_runs_to_finite_json(name):
    exp = get(name)
    strategy = st.fixed_dictionaries({p.name: value_strategy(p, WIDTH_CAP[exp.cost]) for p in exp.params})

    @settings(max_examples=EXAMPLES[exp.cost], deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def check(params):
        out = sc.run_figure(name, params)
        text = json.dumps(out, allow_nan=False)  # raises on NaN or infinity anywhere
        assert json.loads(text) == out  # plain JSON data, nothing lost in the round trip
        assert out["params"] == {p.name: p.validate(params[p.name]) for p in exp.params}
        assert_drawable(out["figure"])

    check()
