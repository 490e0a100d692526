"""Section 4, weights: the spectral norm of a Gaussian matrix against σ(√n_in + √n_out), with σ = 1
or with the spectral init (whose rule comes from :mod:`spectral_condition.parameterizations`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import matrices, norms, sweeps
from ..constants import MATRIX_SWEEP_START, NORM_TOL
from ..fit import powers_of_two
from ..params import ASPECT, SEED, sweep_width
from ..parameterizations import layer_scaling
from ..figure_layout import Panel, grid_layout
from ..plot import PALETTE, figure, line, log_axis, reference_slope, slope_label, width_axis
from ..registry import experiment
from ..schema import Param


INITS = ("unit", "spectral")


def init_scale(init: str, n_out: int, n_in: int) -> float:
    """σ of W_ij ~ N(0, σ²): 1 ("unit"), or the spectral init (1/√n_in)·min(1, √(n_out/n_in)).

    The spectral init divides the prediction ‖W‖_* ≈ σ(√n_in + √n_out) down to
    min(1, √γ)(1 + √γ), which lies between √γ and 2√γ for every aspect γ = n_out/n_in: Θ(√(n_out/n_in)),
    the spectral condition's target, with no dependence on width.
    """
    if init == "unit":
        return 1.0
    # The spectral rule is one formula for every layer kind: ask the table for any of them.
    return layer_scaling("spectral", "hidden", n_in, n_out, 1.0).std


def spectral_norm_scaling_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    n = d["widths"]
    spectral = d["init"] == "spectral"
    slope = 0.0 if spectral else 0.5
    sigma = "σ = min(1, √(n_out/n_in))/√n_in" if spectral else "σ = 1"
    traces = [
        line(n, d["measured"], "measured ‖W‖_*", PALETTE[0]),
        reference_slope(n, slope, (n[0], d["predicted"][0]), "prediction σ(√n_in + √n_out)", PALETTE[0]),
    ]
    if spectral:
        traces.append(reference_slope(n, 0.0, (n[0], d["target"][0]), "target √(n_out/n_in)", PALETTE[2],
                                      line={"color": PALETTE[2], "width": 2, "dash": "dot"}))
    ratio = d["measured"][-1] / d["predicted"][-1]
    subtitle = [f"W is n_out×n_in, γ = n_out/n_in = {d['aspect']:g}, {sigma}",
                f"measured/prediction = {ratio:.2f} at n = {n[-1]}",  # two digits: σ₁ is certified to NORM_TOL
                "dashed: prediction σ(√n_in + √n_out) " + slope_label(slope)
                + (", dotted: target √(n_out/n_in)" if spectral else "")]
    lay = grid_layout("‖W‖_* of a Gaussian W against width", subtitle,
                      [Panel(width_axis(n, "width n = max(n_in, n_out)"),
                             log_axis("‖W‖_*", d["measured"] + d["predicted"] + (d["target"] if spectral else [])))],
                      [t["name"] for t in traces])
    return figure(traces, lay)


@experiment("spectral_norm_scaling", sweep=True, title="‖W‖_* of a Gaussian matrix: σ(√n_in + √n_out)", section=4,
            params=(sweep_width(256, MATRIX_SWEEP_START), ASPECT,
                    Param("init", "choice", "unit", label=r"init scale $\sigma$", choices=INITS,
                          choice_labels=(r"$\sigma = 1$",
                                         r"spectral: $\sigma = \min(1, \sqrt{n_\text{out}/n_\text{in}})/\sqrt{n_\text{in}}$"),
                          help="the standard deviation of the entries"),
                    SEED),
            figure=spectral_norm_scaling_figure)
def spectral_norm_scaling(width: int, aspect: str, init: str, seed: int) -> dict:
    """Measured ‖W‖_* against the prediction σ(√n_in + √n_out) across width.

    For an n_out × n_in matrix of i.i.d. N(0, σ²) entries, E‖W‖_* ≤ σ(√n_in + √n_out) (Gordon's
    inequality; Vershynin, HDP §7.3) and the bound is sharp as n grows, the gap shrinking like
    n^{-2/3} (Tracy–Widom). With σ = 1 the norm grows like √n; with the spectral init it is flat at
    Θ(√(n_out/n_in)).
    """
    widths = powers_of_two(MATRIX_SWEEP_START, width)
    return {"widths": widths, "aspect": float(aspect), "init": init,
            **sweeps.columns(_spectral_norm_point, widths, aspect=aspect, init=init, seed=seed)}


def _spectral_norm_point(n: int, aspect: str, init: str, seed: int) -> dict[str, float]:
    n_out, n_in = matrices.shape(n, aspect)
    sigma = init_scale(init, n_out, n_in)
    w = matrices.gaussian(matrices.rng(seed, n_out, n_in, matrices.SPECTRAL_NORM), n_out, n_in, sigma)
    return {"sigma": sigma, "measured": norms.spectral_norm(w, tol=NORM_TOL, seed=seed).value,
            "predicted": float(sigma * (np.sqrt(n_in) + np.sqrt(n_out))), "target": float(np.sqrt(n_out / n_in))}
