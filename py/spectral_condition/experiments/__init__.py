"""Named experiments: validate parameters, compute plain data, and draw a figure.

``run(name, params)`` is the one entry point for the command line, the tests, the notebooks, the
build-time static figures and the browser worker, so all of them validate and compute alike.
"""

from __future__ import annotations

import math
from typing import Any

from ..figures.common import plotly_markup
from ..schema import validate_params
from .registry import EXPERIMENTS, Experiment, experiment

# Importing a module registers its experiments.
from . import linear_algebra  # noqa: F401,E402
from . import training  # noqa: F401,E402

__all__ = ["EXPERIMENTS", "Experiment", "experiment", "get", "names", "schemas", "defaults", "run",
           "figure", "run_figure"]


def names() -> list[str]:
    return sorted(EXPERIMENTS, key=lambda n: (EXPERIMENTS[n].section, n))


def get(name: Any) -> Experiment:
    if not isinstance(name, str) or name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; known experiments: {', '.join(names())}")
    return EXPERIMENTS[name]


def schemas() -> dict[str, dict[str, Any]]:
    return {n: EXPERIMENTS[n].schema() for n in names()}


def defaults(name: str) -> dict[str, Any]:
    return get(name).defaults()


def run(name: str, params: dict[str, Any], live: bool = False) -> dict[str, Any]:
    """Validate ``params`` (all of them, no others) and run the experiment.

    ``live`` holds sizes to the browser budget of each parameter (what the page's worker asks).
    Returns ``{"experiment", "params", "data"}`` where ``data`` is plain, finite JSON data.
    Raises ValueError, naming the parameter and its allowed values, on any bad input.
    """
    exp = get(name)
    clean = validate_params(exp.params, params, name, live)
    data = _plain(exp.compute(**clean), f"{name}.data")
    return {"experiment": name, "params": clean, "data": data}


def figure(result: dict[str, Any]) -> dict[str, Any]:
    """The Plotly figure dict (``{"data": [...], "layout": {...}}``) of a result of :func:`run`."""
    fig = get(result["experiment"]).figure(result)
    return _plain(plotly_markup(fig), f"{result['experiment']}.figure")


def run_figure(name: str, params: dict[str, Any], live: bool = False) -> dict[str, Any]:
    """Run and draw in one call: what the browser worker and the build hook use."""
    result = run(name, params, live)
    return {"experiment": name, "params": result["params"], "data": result["data"],
            "figure": figure(result)}


def _plain(value: Any, where: str) -> Any:
    """Convert NumPy scalars and arrays to Python data, refusing NaN and infinities.

    None is allowed: it is JSON's null and Plotly's gap in a line, which is how an experiment
    reports a value it could not measure (a diverged training run, say). Silent NaN is not.
    """
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist(), where)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            raise ArithmeticError(f"{where} is {v}: the experiment produced a non-finite number")
        return v
    if value is None:
        return None
    if isinstance(value, str):
        return value
    raise TypeError(f"{where} has a value of type {type(value).__name__}, which is not plain data")
