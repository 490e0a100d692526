"""The parameter schema machinery and the log-log fit that every scaling test relies on."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spectral_condition.fit import loglog_fit, loglog_slope, powers_of_two
from spectral_condition.schema import Param, validate_params

WIDTH = Param("width", "int", default=256, min=16, max=2048, log2=True)
MODE = Param("mode", "choice", default="a", choices=("a", "b"))
LR = Param("lr", "float", default=0.5, min=0.0, max=1.0)


def test_log2_values_and_dict():
    assert WIDTH.values() == [16, 32, 64, 128, 256, 512, 1024, 2048]
    d = WIDTH.to_dict()
    assert d["log2"] is True and d["min"] == 16 and d["max"] == 2048 and d["kind"] == "int"
    assert MODE.to_dict()["choices"] == ["a", "b"]


@pytest.mark.parametrize("bad", [dict(name="w", kind="int", default=3, min=1, max=2),
                                 dict(name="w", kind="text", default=1),
                                 dict(name="w", kind="int", default=24, min=16, max=64, log2=True),
                                 dict(name="w", kind="choice", default="z", choices=("a",))])
def test_inconsistent_declarations_are_refused(bad):
    with pytest.raises(TypeError):
        Param(**bad)


@pytest.mark.parametrize("value, canonical", [(256, 256), (256.0, 256), (16, 16), (2048, 2048)])
def test_valid_widths(value, canonical):
    got = WIDTH.validate(value)
    assert got == canonical and type(got) is int


@pytest.mark.parametrize("value, why", [(-3, "out of bounds"), (0, "out of bounds"), (10**9, "out of bounds"),
                                        (float("nan"), "not a finite"), (float("inf"), "not a finite"),
                                        (100, "not a power of two"), (256.5, "not an integer"),
                                        (True, "type bool"), ("256", "type str"), (None, "type NoneType")])
def test_invalid_widths_name_the_parameter_and_the_allowed_values(value, why):
    with pytest.raises(ValueError) as e:
        WIDTH.validate(value)
    msg = str(e.value)
    assert "'width'" in msg and why in msg and "a power of two from 16 to 2048" in msg


def test_parse_from_text():
    assert WIDTH.parse("512") == 512 and LR.parse("0.25") == 0.25 and MODE.parse("b") == "b"
    assert math.isnan(LR.parse("nan"))  # parsed, then refused by validate
    with pytest.raises(ValueError, match="'lr'"):
        LR.parse("fast")


def test_validate_params_whole_dict():
    schema = (WIDTH, MODE, LR)
    assert validate_params(schema, {"width": 64.0, "mode": "b", "lr": 1}, "x") == {"width": 64, "mode": "b", "lr": 1.0}
    with pytest.raises(ValueError, match="unknown parameter 'depth'"):
        validate_params(schema, {"width": 64, "mode": "b", "lr": 1, "depth": 2}, "x")
    with pytest.raises(ValueError, match="missing parameter 'lr'"):
        validate_params(schema, {"width": 64, "mode": "b"}, "x")
    with pytest.raises(ValueError, match="must be a dict"):
        validate_params(schema, [("width", 64)], "x")


@pytest.mark.parametrize("slope", [-1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
def test_loglog_fit_recovers_a_power_law(slope):
    x = np.array(powers_of_two(64, 2048), dtype=float)
    noise = np.exp(np.random.default_rng(0).normal(0, 0.01, x.size))
    fit = loglog_fit(x, 3.0 * x ** slope * noise)
    assert abs(fit["slope"] - slope) < 0.02
    if slope != 0.0:  # r² measures how much of the variation the line explains: none when flat
        assert fit["r2"] > 0.99
    assert abs(loglog_slope(x, 3.0 * x ** slope) - slope) < 1e-9


def test_loglog_fit_refuses_nonpositive_data():
    with pytest.raises(ValueError):
        loglog_fit([1, 2, 3], [1, 0, 2])
    with pytest.raises(ValueError):
        loglog_fit([1], [1])
