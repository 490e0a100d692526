"""Figures in notebooks: run an experiment through the public API and show its figure.

The figure is returned as an object Jupyter displays by its mime bundle: Plotly's own
``application/vnd.plotly.v1+json`` (which JupyterLab and Jupyter Notebook 7 draw with their Plotly
renderer) beside ``text/html`` (an element that this project's website draws with its own Plotly.js,
and that nbconvert's HTML export picks). No plotly import: the figure is already Plotly's JSON.
"""

from __future__ import annotations

import html
import json
from typing import Any

from .registry import run_figure


class NotebookFigure:
    """A Plotly figure dict that Jupyter can display."""

    def __init__(self, figure: dict[str, Any]) -> None:
        self.figure = figure

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        text = json.dumps(self.figure, allow_nan=False)
        return {"application/vnd.plotly.v1+json": {"data": self.figure["data"], "layout": self.figure["layout"]},
                "text/html": '<div class="sc-figure" data-figure="' + html.escape(text) + '"></div>'}


def show(name: str, params: dict[str, Any]) -> tuple[dict[str, Any], NotebookFigure]:
    """Run ``name`` natively with its defaults overridden by ``params``: (data, figure to display).

    Sizes may go up to each parameter's native domain (beyond what a browser tab is offered).
    """
    from .registry import defaults

    out = run_figure(name, {**defaults(name), **params})
    return out["data"], NotebookFigure(out["figure"])
