"""Deep comparison of plain JSON-like data with a relative tolerance (native vs Pyodide vs browser)."""

from __future__ import annotations

import math
from typing import Any


def mismatches(a: Any, b: Any, rel: float = 1e-9, abs_tol: float = 1e-12, where: str = "") -> list[str]:
    """Every place where two nested structures differ: numbers beyond tolerance, keys, lengths, types."""
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or a is None:
        return [] if a == b else [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return [] if math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol) else [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{where}: keys {sorted(set(a) ^ set(b))} differ"]
        return [m for k in a for m in mismatches(a[k], b[k], rel, abs_tol, f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: lengths {len(a)} != {len(b)}"]
        return [m for i, (x, y) in enumerate(zip(a, b)) for m in mismatches(x, y, rel, abs_tol, f"{where}[{i}]")]
    return [f"{where}: {type(a).__name__} vs {type(b).__name__}"]
