"""Inject known bugs into the package one at a time and report which ones the fast tests catch.

    .venv/bin/python scripts/mutation_check.py              # every mutation, prints a table and the score
    .venv/bin/python scripts/mutation_check.py --list       # the mutations, without running anything
    .venv/bin/python scripts/mutation_check.py --only adam_c2 train_one_step_short

Each mutation replaces one snippet of one file of ``py/spectral_condition`` (the snippet must occur
exactly once, so a refactoring that moves it makes the script say so instead of testing nothing).
It runs on a copy of the package and the tests in a temporary directory, never on the checkout;
``tests/conftest.py`` puts the copy's ``py/`` first on the import path. A mutation is caught
("killed") when the chosen tests fail. The tests are the package's fast ones (no site build, no
browser, no Pyodide), run with ``-x`` so a caught mutation costs only the tests up to the first
failure. The mutations are the bugs that matter here: wrong init or learning-rate rules, a broken
backward pass or optimizer, a loose or dishonest norm, shared random streams, theory lines with the
wrong dimension, a short loss history, precomputed points that come back altered.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "py/spectral_condition"

# Fast first: -x stops at the first failure, so the order sets the cost of a caught mutation.
TESTS = ["tests/test_contracts.py", "tests/test_mlp.py", "tests/test_norms.py", "tests/test_norms_krylov.py",
         "tests/test_parameterizations.py", "tests/test_schema_and_fit.py", "tests/test_scaling_norms.py",
         # The theory's exponents without the training sweeps of the rest of that file.
         "tests/test_scaling_training.py::test_theory_reproduces_the_papers_claims",
         "tests/test_streaming.py::test_points_travel_as_text_exactly"]


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  # inside py/spectral_condition
    old: str
    new: str
    what: str


MUTATIONS = [
    # Norms.
    Mutation("norm_margin", "krylov.py", "_HIDDEN_MARGIN = 10.0", "_HIDDEN_MARGIN = 1.0",
             "error_estimate r/θ: a pair of close singular values fools half of all starts"),
    Mutation("norm_loose_stop", "krylov.py", "        if error <= stop:", "        if error <= 100 * stop:",
             "the Krylov method stops at 100·tol"),
    Mutation("christoffel_probability", "probable_bound.py", "MISS_PROBABILITY = 1e-3", "MISS_PROBABILITY = 0.5",
             "the Krylov method's second stop rule accepts starts that miss σ₁ half of the time"),
    Mutation("christoffel_three_term", "probable_bound.py", "        p, b_prev = p * d / b, b",
             "        p, b_prev = p * d / b * (1.0 + 1e-3 * j), b",
             "the Christoffel sum overstated by a drift that grows along the basis"),
    Mutation("christoffel_bisection", "probable_bound.py", "            hi = mid\n        else:\n            lo = mid",
             "            lo = mid\n        else:\n            hi = mid",
             "the probable bound's bisection turned around: it reports a distance where the sum is short"),
    Mutation("power_residual", "norms.py",
             "            error = _relative_bound(float(np.linalg.norm(av - sigma * u)), sigma)\n            if error",
             "            error = 0.01 * _relative_bound(float(np.linalg.norm(av - sigma * u)), sigma)\n            if error",
             "power iteration understates its residual a hundredfold"),
    Mutation("frobenius", "norms.py", "np.sqrt(np.sum(A * A))", "np.sqrt(np.sum(np.abs(A)))",
             "Frobenius norm from |A_ij| instead of A_ij²"),
    Mutation("stable_rank_square", "norms.py", "frobenius_norm(A) ** 2 / s ** 2", "frobenius_norm(A) / s",
             "stable rank without the squares"),
    Mutation("alignment_norm_h", "norms.py", "/ (s * norm_h)", "/ s",
             "alignment ratio not divided by ‖h‖"),
    # Random streams.
    Mutation("matrix_stream_shared", "matrices.py", "streams.generator(seed, n_out, n_in, tag)",
             "streams.generator(seed, tag)", "one stream for every shape of a matrix figure"),
    Mutation("matrix_stream_global", "matrices.py", "    return streams.generator(seed, n_out, n_in, tag)",
             '    return globals().setdefault("_ONE", streams.generator(seed))',
             "one generator for every call: a point depends on what was computed before"),
    Mutation("network_stream_shared", "network.py", "np.random.default_rng([seed, widths[1], WEIGHTS_STREAM])",
             "np.random.default_rng([seed, WEIGHTS_STREAM])", "one stream for every width of the network"),
    Mutation("stream_tags_shared", "matrices.py", "STABLE_RANK, SPECTRAL_NORM, ALIGNMENT = 1, 2, 3, 4, 5",
             "STABLE_RANK, SPECTRAL_NORM, ALIGNMENT = 1, 2, 3, 4, 4", "two matrix experiments share a stream"),
    # Theory lines.
    Mutation("align_theory_dim", "experiments/alignment.py",
             "np.sqrt(n_out) / (np.sqrt(n_out) + np.sqrt(n_in))", "np.sqrt(n_in) / (np.sqrt(n_out) + np.sqrt(n_in))",
             "random-init alignment theory with n_in for n_out"),
    Mutation("unrelated_theory_dim", "experiments/alignment.py", "float(1.0 / np.sqrt(n_in))",
             "float(1.0 / np.sqrt(n_out))", "unrelated-input theory with n_out for n_in"),
    Mutation("norm_prediction_dim", "experiments/weights.py", "sigma * (np.sqrt(n_in) + np.sqrt(n_out))",
             "sigma * 2 * np.sqrt(n_in)", "‖W‖_* prediction 2σ√n_in"),
    Mutation("stable_rank_theory_dim", "experiments/preliminaries.py",
             "np.sqrt(n_in * n_out) / (np.sqrt(n_in) + np.sqrt(n_out))", "np.sqrt(n_out) / 2",
             "stable-rank theory √n_out/2 (right when square only)"),
    Mutation("spectral_init_transposed", "experiments/weights.py",
             'layer_scaling("spectral", "hidden", n_in, n_out, 1.0)', 'layer_scaling("spectral", "hidden", n_out, n_in, 1.0)',
             "spectral init with fan-in and fan-out swapped"),
    Mutation("theory_forward_fan", "theory.py", "h.append(s[l] + 0.5 * e_out[l] + a[l])",
             "h.append(s[l] + 0.5 * e_in[l] + a[l])", "forward-pass exponent with the fan-in"),
    # Training.
    Mutation("train_one_step_short", "mlp.py", "        for t in range(steps + 1):", "        for t in range(steps):",
             "loss history one entry short"),
    Mutation("train_last_step_skipped", "mlp.py", "            if t < steps:\n                optimizer.step",
             "            if t < steps - 1:\n                optimizer.step", "the last optimizer step is not taken"),
    Mutation("adam_c2", "mlp.py", "c2 = 1.0 - self.b2 ** self.t", "c2 = 1.0 - self.b1 ** self.t",
             "Adam's second-moment correction with β₁"),
    Mutation("adam_m_weight", "mlp.py", "np.multiply(g, 1.0 - self.b1, out=tmp)", "np.multiply(g, 1.0 - self.b2, out=tmp)",
             "Adam's first moment weighted by 1 − β₂"),
    Mutation("adam_no_c1", "mlp.py", "tmp *= lr / c1", "tmp *= lr", "Adam without the first-moment correction"),
    Mutation("adam_t_stuck", "mlp.py", "self.t += 1", "self.t = 1", "Adam's step counter stuck at 1"),
    Mutation("sgd_double", "mlp.py", "np.multiply(g, lr, out=tmp)", "np.multiply(g, 2 * lr, out=tmp)",
             "SGD steps twice as far"),
    Mutation("backward_no_relu", "mlp.py", "g = products.matmul(g, weights[l]) * phi_prime(hs[l - 1], activation)",
             "g = g @ weights[l]", "backward pass ignores φ'"),
    Mutation("mse_half", "mlp.py", "0.5 * np.sum(diff * diff, axis=(-2, -1)) / batch",
             "np.sum(diff * diff, axis=(-2, -1)) / batch", "MSE without its ½"),
    # Rules and fits.
    Mutation("sp_adam_lr", "parameterizations.py", '"sgd": _same(Rule("η", r"\\eta", lambda i, o: 1.0)),\n        "adam": _same(Rule("η", r"\\eta", lambda i, o: 1.0)),\n    },\n    "ntp"',
             '"sgd": _same(Rule("η", r"\\eta", lambda i, o: 1.0)),\n        "adam": _same(Rule("η", r"\\eta", lambda i, o: 1.0 / _SQRT(i))),\n    },\n    "ntp"',
             "SP's Adam rate silently divided by √fan-in"),
    Mutation("fit_swapped", "fit.py", "np.polyfit(lx, ly, 1)", "np.polyfit(ly, lx, 1)", "log-log fit of x on y"),
    # The widths the build precomputes for the browser.
    Mutation("preload_tuples_as_lists", "sweeps.py", 'return tuple(_decode(x) for x in v["tuple"])',
             'return [_decode(x) for x in v["tuple"]]', "precomputed points come back with lists for tuples"),
    Mutation("preload_float_arrays", "sweeps.py", 'dtype=np.dtype(v["dtype"])', "dtype=float",
             "precomputed arrays all come back as float64"),
]


def apply(root: Path, m: Mutation) -> None:
    path = root / PACKAGE / m.path
    path.write_text(path.read_text(encoding="utf-8").replace(m.old, m.new, 1), encoding="utf-8")


def run_tests(root: Path, tests: list[str], timeout: float) -> tuple[bool, str]:
    """(passed, the first failing test or the reason)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not browser and not pyodide",
           *tests]
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {timeout:.0f} s"
    if proc.returncode == 0:
        return True, ""
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, re.M)
    return False, failed[0] if failed else proc.stdout.strip().splitlines()[-1]


def copy_tree(dst: Path) -> None:
    shutil.copytree(ROOT / "py", dst / "py", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "tests", dst / "tests", ignore=shutil.ignore_patterns("__pycache__", "browser",
                                                                                 "pyodide_node"))
    shutil.copy(ROOT / "pyproject.toml", dst / "pyproject.toml")  # pytest's configuration (markers)
    # tests/conftest.py hands the build's package loader the package the tests import.
    shutil.copytree(ROOT / "site_src" / "hooks", dst / "site_src" / "hooks",
                    ignore=shutil.ignore_patterns("__pycache__"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutations")
    parser.add_argument("--tests", nargs="+", default=TESTS, help="the test files to run (default: the fast ones)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutation")
    args = parser.parse_args()

    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]
    unknown = set(args.only or ()) - {m.name for m in MUTATIONS}
    if unknown:
        parser.error(f"unknown mutation(s): {', '.join(sorted(unknown))}")
    width = max(len(m.name) for m in MUTATIONS)
    for m in chosen:  # every snippet still in the code, before spending minutes on the tests
        count = (ROOT / PACKAGE / m.path).read_text(encoding="utf-8").count(m.old)
        if count != 1:
            parser.error(f"mutation {m.name}: its snippet occurs {count} times in {m.path}, not once")
    if args.list:
        for m in chosen:
            print(f"{m.name:<{width}}  {m.path}: {m.what}")
        return 0

    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        base = Path(tmp) / "clean"
        copy_tree(base)
        start = time.monotonic()
        ok, why = run_tests(base, args.tests, args.timeout)
        if not ok:
            print(f"the unmutated package fails the tests ({why}); fix that first")
            return 2
        print(f"unmutated: the tests pass ({time.monotonic() - start:.0f} s)")
        killed = []
        for m in chosen:
            work = Path(tmp) / m.name
            shutil.copytree(base, work)
            apply(work, m)
            start = time.monotonic()
            ok, why = run_tests(work, args.tests, args.timeout)
            shutil.rmtree(work)
            status = "SURVIVED" if ok else "killed"
            if not ok:
                killed.append(m.name)
            print(f"{status:<8}  {m.name:<{width}}  {time.monotonic() - start:4.0f} s  {m.what}"
                  + (f"\n{'':<10}{'':<{width}}  caught by {why}" if why else ""), flush=True)
    print(f"\nmutation score: {len(killed)}/{len(chosen)} killed ({100 * len(killed) / len(chosen):.0f} %)")
    return 0 if len(killed) == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
