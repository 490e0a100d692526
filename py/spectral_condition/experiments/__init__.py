"""The experiments, one module per article section, each beside the figure that draws it.

Importing this package registers them all in :mod:`spectral_condition.registry`, whose ``run`` is
the one way to call them.
"""

from __future__ import annotations

from ..registry import EXPERIMENTS, Experiment, defaults, experiment, figure, get, names, run, run_figure, schemas

# Importing a section registers its experiments, in the article's order.
from . import (preliminaries, activations, weights, updates, alignment, budget, coordinate_check,  # noqa: F401,E402
               transfer, steepest_descent)

__all__ = ["EXPERIMENTS", "Experiment", "experiment", "get", "names", "schemas", "defaults", "run",
           "figure", "run_figure"]
