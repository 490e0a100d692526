"""Figures in notebooks: run an experiment through the public API and show its figure.

The figure is returned as an object Jupyter displays by its mime bundle: Plotly's own
``application/vnd.plotly.v1+json`` (which JupyterLab and Jupyter Notebook 7 draw with their Plotly
renderer) beside ``text/html`` (an element that this project's website draws with its own Plotly.js,
and that nbconvert's HTML export picks). No plotly import: the figure is already Plotly's JSON.

The HTML holds the figure in words and numbers too (figure_text): named after its title, described in
a paragraph the website shows to screen readers only, its data table in a disclosure.
"""

from __future__ import annotations

import html
import json
from typing import Any

from . import figure_text
from .registry import run_figure


class NotebookFigure:
    """A Plotly figure dict that Jupyter can display."""

    def __init__(self, figure: dict[str, Any]) -> None:
        self.figure = figure

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        text = json.dumps(self.figure, allow_nan=False)
        words = figure_text.describe(self.figure)
        title = figure_text.plain((self.figure.get("layout", {}).get("title") or {}).get("text")) or "Figure"
        page = (f'<div class="sc-figure-words" role="group" aria-label="{html.escape(title, quote=True)}">'
                f'<div class="sc-figure" data-figure="{html.escape(text)}"></div>'
                f'<p class="sc-visually-hidden" data-search-exclude>{html.escape(words["description"])}</p>'
                f'<details class="sc-demo__details"><summary>Data table of this figure</summary>{words["table"]}'
                f"</details></div>")
        return {"application/vnd.plotly.v1+json": {"data": self.figure["data"], "layout": self.figure["layout"]},
                "text/html": page}


def show(name: str, params: dict[str, Any]) -> tuple[dict[str, Any], NotebookFigure]:
    """Run ``name`` natively with its defaults overridden by ``params``: (data, figure to display).

    Sizes may go up to each parameter's native domain (beyond what a browser tab is offered).
    """
    from .registry import defaults

    out = run_figure(name, {**defaults(name), **params})
    return out["data"], NotebookFigure(out["figure"])
