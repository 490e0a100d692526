"""The table of named experiments.

An experiment is a pure function of validated keyword arguments that returns plain data (lists,
floats, strings), a parameter schema, and a figure function that turns that data into a Plotly
figure dict. Modules add theirs with :func:`experiment`; nothing else keeps a list of names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..schema import Param

Figure = dict[str, Any]


@dataclass(frozen=True)
class Experiment:
    name: str
    title: str
    section: int  # the CONTENT.md section (page) the experiment belongs to
    params: tuple[Param, ...]
    compute: Callable[..., dict[str, Any]]
    figure: Callable[[dict[str, Any]], Figure]
    cost: str  # "norm" (must feel instant) or "training" (may take up to a second)
    description: str = ""

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def schema(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "section": self.section, "cost": self.cost,
                "description": self.description, "params": [p.to_dict() for p in self.params]}


EXPERIMENTS: dict[str, Experiment] = {}


def experiment(name: str, *, title: str, section: int, params: tuple[Param, ...],
               figure: Callable[[dict[str, Any]], Figure], cost: str = "norm",
               description: str = "") -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register ``compute`` under ``name``; ``compute(**params)`` returns plain data."""
    if cost not in ("norm", "training"):
        raise TypeError(f"experiment {name!r}: cost must be 'norm' or 'training'")

    def register(compute: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        if name in EXPERIMENTS:
            raise TypeError(f"experiment {name!r} is registered twice")
        EXPERIMENTS[name] = Experiment(name, title, section, tuple(params), compute, figure, cost,
                                       description or (compute.__doc__ or "").strip().split("\n")[0])
        return compute

    return register
