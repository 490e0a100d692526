"""Section 3, activations: RMS(h_l) of every layer against width at initialization, beside its figure."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import mlp, network, norms, sweeps
from ..constants import NETWORK_SWEEP_START
from ..fit import powers_of_two
from ..params import SEED, parameterization, sweep_width
from ..parameterizations import layer_kinds, network_scalings
from ..figure_layout import Panel, grid_layout
from ..plot import (CHOSEN, PARAM_LABELS, chosen_width, figure, layer_legend, layer_traces,
                    log_axis, slope_label, width_axis)
from ..registry import experiment
from ..schema import Param
from ..theory import theory_exponents


def activation_rms_figure(result: dict[str, Any]) -> dict[str, Any]:
    d = result["data"]
    widths, layers, theory = d["widths"], d["layers"], d["theory"]
    values = [v for ys in d["rms"] for v in ys]
    traces = layer_traces(widths, d["rms"], layers, theory, 1, True)
    traces += chosen_width(widths[-1], values, 1)
    label = PARAM_LABELS[d["parameterization"]]
    readout = (f"the readout's RMS(h_L) {slope_label(theory[-1])}, by design" if theory[-1] < 0
               else "the readout's too")
    subtitle = ["flat in n for l < L", readout, "dashed: theory slope per layer", CHOSEN]
    lay = grid_layout(f"{label} at init: RMS(h_l) against width", subtitle,
                      [Panel(width_axis(widths), log_axis("RMS(h_l) at initialization", values))],
                      layer_legend(layers))
    return figure(traces, lay)


@experiment("activation_rms", sweep=True, title="RMS(h_l) of every layer against width, at initialization", section=3,
            params=(sweep_width(512, NETWORK_SWEEP_START),
                    Param("depth", "int", 4, label="depth $L$", min=2, max=6, step=1,
                          help="number of weight matrices ($L - 1$ hidden widths $n$)"),
                    parameterization(), SEED),
            figure=activation_rms_figure)
def activation_rms(width: int, depth: int, parameterization: str, seed: int) -> dict:
    """RMS(h_l) at initialization for every layer l against width n.

    Entries of W_l are N(0, σ_l²) and independent of the layer input a_{l-1}, so each entry of
    h_l = W_l a_{l-1} is Gaussian with variance σ_l²‖a_{l-1}‖²: RMS(h_l) = σ_l ‖a_{l-1}‖ up to a
    law-of-large-numbers error. With σ_l = 1/√n_{l-1} and ‖a_{l-1}‖ = Θ(√n_{l-1}) that is Θ(1), at
    every width: entries of size Θ(1), ‖h_l‖₂ = Θ(√n_l). μP and spectral start the readout smaller
    (σ_L ∝ 1/n), so RMS(h_L) ∝ n^{-1/2} at init, by design: the readout's update, which is Θ(1),
    must dominate it once training starts.

    Each h_l is drawn from its exact law given a_{l-1} (:func:`network.fresh_layer_output`), layer
    after layer: the law of a fresh network's pre-activations, without drawing the n × n matrices.
    """
    widths = powers_of_two(NETWORK_SWEEP_START, width)
    rms = sweeps.points(_activation_rms_point, widths, depth=depth, parameterization=parameterization, seed=seed)
    return {"widths": widths, "parameterization": parameterization, "depth": depth,
            "layers": layer_kinds(depth), "rms": sweeps.by_layer(rms),
            "theory": theory_exponents(parameterization, "sgd", depth)["rms_h"]}


def _activation_rms_point(n: int, depth: int, parameterization: str, seed: int) -> list[float]:
    x, _ = network.batch(seed)
    widths = network.dims(n, depth)
    rng = np.random.default_rng([seed, n, network.FRESH_OUTPUT_STREAM])
    rms, a = [], x
    for l, layer in enumerate(network_scalings(parameterization, widths, 1.0)):
        h = network.fresh_layer_output(a, widths[l + 1], layer.std, rng)
        rms.append(norms.rms(h))
        a = mlp.phi(h, "relu")
    return rms
