"""Benchmark every experiment natively and under Pyodide (Node.js), at defaults and at the largest size.

Prints a table; asserts nothing. Target: live experiments at default size ≤ 50 ms natively.
"Largest" sets every size parameter (width, depth, steps, seeds, batch) to the most a browser tab is
offered (its ``live_max``, else its maximum) and widens a learning-rate grid to its full range. Each
run starts from a cold width cache, so it measures a whole sweep, not one new width.
Usage: python bench/experiments.py [--repeats N] [--no-pyodide]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import spectral_condition as sc  # noqa: E402
from spectral_condition import sweeps  # noqa: E402
from spectral_condition.experiments import get  # noqa: E402
from pyodide_node.runner import available, run_in_pyodide  # noqa: E402


SIZE_PARAMS = ("width", "depth", "steps", "seeds", "batch")


def largest(name: str) -> dict:
    params = sc.defaults(name)
    for p in get(name).params:
        if p.name in SIZE_PARAMS or p.name == "lr_max":
            params[p.name] = p.upper(live=True)
        elif p.name == "lr_min":
            params[p.name] = p.min
    return params


def native_ms(name: str, params: dict, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        sweeps.clear()
        t0 = time.perf_counter()
        sc.run_figure(name, params)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def pyodide_ms(cases: list, repeats: int, timeout: float) -> dict:
    """Median Pyodide times: the defaults in one Pyodide, each largest case in its own with a time limit.

    The largest learning-rate sweep can take many minutes in wasm; a limit keeps the benchmark
    finite and the table says which cases ran past it.
    """
    out: dict = {}
    defaults = [(n, p) for n, s, p in cases if s == "default"]
    ms = run_in_pyodide([{"name": n, "params": p, "fresh": True} for n, p in defaults for _ in range(repeats)],
                        timeout=timeout)["ms"]
    for i, (n, _) in enumerate(defaults):
        out[(n, "default")] = statistics.median(ms[i * repeats:(i + 1) * repeats])
    for n, s, p in cases:
        if s == "largest":
            try:
                out[(n, s)] = run_in_pyodide([{"name": n, "params": p, "fresh": True}], timeout=timeout)["ms"][0]
            except subprocess.TimeoutExpired:
                out[(n, s)] = f"> {timeout:.0f} s"
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-pyodide", action="store_true")
    ap.add_argument("--timeout", type=float, default=300, help="seconds allowed for one Pyodide case")
    args = ap.parse_args()
    why = "disabled" if args.no_pyodide else available()
    cases = [(n, size, params) for n in sc.names()
             for size, params in (("default", sc.defaults(n)), ("largest", largest(n)))]
    native = {(n, s): native_ms(n, p, args.repeats if s == "default" else max(1, args.repeats // 2))
              for n, s, p in cases}
    pyo = pyodide_ms(cases, args.repeats, args.timeout) if why is None else {}
    print(f"{'experiment':24} {'cost':8} {'size':8} {'native ms':>10} {'pyodide ms':>11} {'ratio':>6}  target")
    for n, s, _ in cases:
        nat = native[(n, s)]
        py = pyo.get((n, s))
        target = ""
        if s == "default":
            target = "≤ 50 ms native: " + ("met" if nat <= 50 else "MISSED")
        if isinstance(py, float):
            py_txt = f"{py:11.1f} {py / nat:6.1f}"
        else:
            py_txt = f"{py or '–':>11} {'–':>6}"
        print(f"{n:24} {get(n).cost:8} {s:8} {nat:10.1f} {py_txt}  {target}")
    if why is not None:
        print(f"(Pyodide column empty: {why})")
    print(f"NumPy native {__import__('numpy').__version__}; Pyodide 0.27.7 with NumPy 2.0.2 under Node "
          f"{'(not run)' if why else ''}")


if __name__ == "__main__":
    main()
