"""The table of named experiments, and the one way to run them.

An experiment is a pure function of validated keyword arguments that returns plain data (lists,
floats, strings), a parameter schema, and a figure function that turns that data into a Plotly
figure dict. Section modules add theirs with :func:`experiment`; nothing else keeps a list of names.
``run(name, params)`` is the one entry point for the command line, the tests, the notebooks, the
build-time figures and the browser, so all of them validate and compute alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from .plot import plotly_markup
from .schema import Param, validate_params

Figure = dict[str, Any]

EXPERIMENTS: dict[str, "Experiment"] = {}


@dataclass(frozen=True)
class Experiment:
    name: str
    title: str
    section: int  # the article page (01-…, 02-…) the experiment belongs to
    params: tuple[Param, ...]
    compute: Callable[..., dict[str, Any]]
    figure: Callable[[dict[str, Any]], Figure]
    cost: str  # "norm" (must feel instant) or "training" (may take up to a second)
    description: str = ""
    # True when ``width`` is the largest width of a sweep whose points come from spectral_condition.sweeps:
    # the answer for a smaller width is then a prefix of the answer, and can be shown first.
    sweep: bool = False
    # True when a figure drawn at one width keeps its costly part as points of spectral_condition.sweeps,
    # by width: computing the next width ahead (web.compute_ahead) then spares its reader the wait.
    width_points: bool = False

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def param(self, name: str) -> Param:
        """The parameter called ``name``; KeyError if the experiment has none."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(f"experiment {self.name!r} has no parameter {name!r}")

    def schema(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "section": self.section, "cost": self.cost,
                "sweep": self.sweep, "description": self.description, "params": [p.to_dict() for p in self.params]}


def experiment(name: str, *, title: str, section: int, params: tuple[Param, ...],
               figure: Callable[[dict[str, Any]], Figure], cost: str = "norm", sweep: bool = False,
               width_points: bool = False, description: str = ""
               ) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register ``compute`` under ``name``; ``compute(**params)`` returns plain data."""
    if cost not in ("norm", "training"):
        raise TypeError(f"experiment {name!r}: cost must be 'norm' or 'training'")

    def register(compute: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        if name in EXPERIMENTS:
            raise TypeError(f"experiment {name!r} is registered twice")
        EXPERIMENTS[name] = Experiment(name, title, section, tuple(params), compute, figure, cost,
                                       description or (compute.__doc__ or "").strip().split("\n")[0], sweep,
                                       width_points)
        return compute

    return register


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
    return result_of(name, clean, exp.compute(**clean))


def result_of(name: str, params: dict[str, Any], data: Any) -> dict[str, Any]:
    """The result of experiment ``name`` whose compute function returned ``data`` for ``params``
    (already validated): how :func:`run` and a reader's edited compute function are answered alike."""
    return {"experiment": name, "params": params, "data": _plain(data, f"{name}.data")}


def figure(result: dict[str, Any]) -> dict[str, Any]:
    """The Plotly figure dict (``{"data": [...], "layout": {...}}``) of a result of :func:`run`."""
    fig = get(result["experiment"]).figure(result)
    return _plain(plotly_markup(fig), f"{result['experiment']}.figure")


def run_figure(name: str, params: dict[str, Any], live: bool = False) -> dict[str, Any]:
    """Run and draw in one call."""
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
        # Most lists are a figure's or a sweep's numbers: checked in one pass, without building the
        # location of every entry (which cost more than the rest of a small figure in the browser).
        if all(type(v) is float for v in value) and all(map(math.isfinite, value)):
            return list(value)
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
