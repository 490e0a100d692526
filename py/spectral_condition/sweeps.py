"""Sweeps over widths, one width at a time, each width computed once.

A figure's sweep runs over the powers of two up to the width the reader picks, and each width's
point depends only on that width and the other parameters (it draws from its own seeded stream).
So moving the width slider one notch up needs one new point, and moving it down needs none: the
points are kept in a bounded cache shared by every experiment. The browser's worker relies on this
to answer at once with the widths it knows and to stream the new one.

A point function must be pure (same arguments, same result) and return data that nobody mutates
afterwards: tuples, floats, or lists that the caller only reads.

Points also travel as JSON text (:func:`export`, :func:`preload`): the site's build computes, natively,
every width the browser can reach for the parameters each page shows, and the worker starts with them,
so that the figures as the pages show them answer every width at once. The text restores each point
exactly: floats by their shortest repr, arrays with their dtype and shape, tuples as tuples.
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import numpy as np

# Points are a few numbers per layer, or one learning rate's losses: thousands fit in a few MB.
MAX_POINTS = 8192

_points: OrderedDict[tuple, Any] = OrderedDict()
_stats = {"hits": 0, "misses": 0}
_known_only = [False]


class NotKnown(Exception):
    """Raised inside :func:`known_only` at the first point not in the cache; ``width`` names it."""

    def __init__(self, width: int) -> None:
        super().__init__(f"the point at width {width} is not computed yet")
        self.width = width


@contextmanager
def known_only() -> Iterator[None]:
    """Within this block, a sweep that needs a point not yet computed raises :class:`NotKnown`
    instead of computing it: how the worker finds, at once, what it can show without waiting."""
    _known_only[0] = True
    try:
        yield
    finally:
        _known_only[0] = False


@contextmanager
def isolated() -> Iterator[None]:
    """Within this block, sweeps start from an empty cache and leave the shared one as it was: for
    edited code, whose points may differ from the package's under the same function names."""
    global _points
    shared, _points = _points, OrderedDict()
    try:
        yield
    finally:
        _points = shared


def _key(module: str, qualname: str, n: int, params: dict[str, Any]) -> tuple:
    """A point's place in the cache: its function, its width and its other parameters."""
    return (module, qualname, n, tuple(sorted(params.items())))


def _evict() -> None:
    """Drop the least recently used points beyond ``MAX_POINTS``."""
    while len(_points) > MAX_POINTS:
        _points.popitem(last=False)


def points(fn: Callable[..., Any], widths: list[int], **params: Any) -> list[Any]:
    """[fn(n, **params) for n in widths], computing only the points not already known."""
    out = []
    for n in widths:
        key = _key(fn.__module__, fn.__qualname__, n, params)
        if key in _points:
            _points.move_to_end(key)
            _stats["hits"] += 1
        else:
            if _known_only[0]:
                raise NotKnown(n)
            _stats["misses"] += 1
            _points[key] = fn(n, **params)
            _evict()
        out.append(_points[key])
    return out


def grid_points(fn: Callable[..., list[Any]], widths: list[int], grid: str, values: list[Any],
                **params: Any) -> list[list[Any]]:
    """[[the point of (n, v) for v in values] for n in widths], each (width, grid value) a point of its
    own: ``fn(n, **{grid: tuple_of_values}, **params)`` computes several values of one width together
    (a stack of networks, one per learning rate) and returns one result per value. So a grid that grows
    by one value computes that value only. ``fn`` must give each value the result it would give it alone.
    """
    out = []
    for n in widths:
        keys = [_key(fn.__module__, fn.__qualname__, n, {**params, grid: v}) for v in values]
        missing = [v for v, key in zip(values, keys) if key not in _points]
        if missing and _known_only[0]:
            raise NotKnown(n)
        computed = {}
        if missing:
            results = list(fn(n, **{grid: tuple(missing)}, **params))
            if len(results) != len(missing):
                raise ValueError(f"{fn.__qualname__} gave {len(results)} results for {len(missing)} values of {grid}")
            computed = dict(zip(missing, results))
        row = []
        for v, key in zip(values, keys):
            if v in computed:
                _stats["misses"] += 1
                _points[key] = computed[v]
            else:
                _stats["hits"] += 1
                _points.move_to_end(key)
            row.append(_points[key])
        _evict()
        out.append(row)
    return out


def stats() -> dict[str, int]:
    """Cache hits and misses so far, and the points held (for tests and the benchmark)."""
    return {**_stats, "held": len(_points)}


def clear() -> None:
    """Forget every point (tests use it to compare a cached answer with a fresh one)."""
    _points.clear()
    _stats.update(hits=0, misses=0)


def export() -> list[dict[str, Any]]:
    """Every point held, as JSON-ready data for :func:`preload` (oldest first)."""
    out = []
    for (module, qualname, n, fixed), point in _points.items():
        out.append({"fn": f"{module}:{qualname}", "n": n, "params": {k: _encode(v) for k, v in fixed},
                    "point": _encode(point)})
    return out


def preload(entries: list[dict[str, Any]]) -> int:
    """Hold the points of ``entries`` (from :func:`export`) as if computed here; returns how many."""
    for e in entries:
        module, qualname = e["fn"].split(":")
        _points[_key(module, qualname, e["n"], {k: _decode(v) for k, v in e["params"].items()})] = _decode(e["point"])
    _evict()
    return len(entries)


def _encode(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return {"ndarray": v.ravel().tolist(), "dtype": v.dtype.str, "shape": list(v.shape)}
    if isinstance(v, tuple):
        return {"tuple": [_encode(x) for x in v]}
    if isinstance(v, list):
        return [_encode(x) for x in v]
    if isinstance(v, dict):
        if not all(isinstance(k, str) for k in v):
            raise TypeError(f"a point's dict keys must be text: {list(v)!r}")
        return {"dict": {k: _encode(x) for k, x in v.items()}}
    if isinstance(v, np.generic):
        return {"scalar": v.item(), "dtype": v.dtype.str}
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    raise TypeError(f"a point holds {type(v).__name__}, which cannot be exported")


def _decode(v: Any) -> Any:
    if isinstance(v, list):
        return [_decode(x) for x in v]
    if not isinstance(v, dict):
        return v
    if "ndarray" in v:
        return np.array(v["ndarray"], dtype=np.dtype(v["dtype"])).reshape(v["shape"])
    if "tuple" in v:
        return tuple(_decode(x) for x in v["tuple"])
    if "scalar" in v:
        return np.dtype(v["dtype"]).type(v["scalar"])
    return {k: _decode(x) for k, x in v["dict"].items()}


def columns(fn: Callable[..., dict[str, Any]], widths: list[int], **params: Any) -> dict[str, list[Any]]:
    """The points of a sweep whose point is a dict of numbers, as one list per key (index = width)."""
    pts = points(fn, widths, **params)
    return {k: [p[k] for p in pts] for k in pts[0]}


def by_layer(per_width: list[list[Any]]) -> list[list[Any]]:
    """[width][layer] to [layer][width]: the layout the figures plot (one line per layer)."""
    return [list(layer) for layer in zip(*per_width)]
