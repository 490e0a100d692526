"""Figures in notebooks: run an experiment through the public API and show its figure.

The figure is a ``plotly.graph_objects.Figure`` (the reader may restyle it, ``show()`` it or write
it to HTML), built from the package's figure dict, which Plotly validates on the way (a misspelled
property is an error, not a silently ignored key). Its display is Plotly's own mime type
``application/vnd.plotly.v1+json``, which JupyterLab and Jupyter Notebook 7 draw with the renderer
the ``plotly`` package installs, beside ``text/html``: an element that this project's website draws
with its own Plotly.js (nbconvert's HTML export picks it). Native only (the browser's package has no
plotly).

The HTML holds the figure in words and numbers too (figure_text): named after its title, described in
a paragraph the website shows to screen readers only, its data table in a disclosure.
"""

from __future__ import annotations

import html
import json
from typing import Any

import plotly.graph_objects as go

from . import figure_text
from .registry import run_figure


class NotebookFigure(go.Figure):
    """A Plotly figure whose notebook display needs no JavaScript from outside the page.

    ``figure`` is the package's dict as it is: the display shows it as the website does, without
    the default template that ``go.Figure`` adds to its own copy.
    """

    def __init__(self, figure: dict[str, Any]) -> None:
        super().__init__(figure)
        self._package_figure = figure  # go.Figure refuses new public attributes

    @property
    def figure(self) -> dict[str, Any]:
        return self._package_figure

    def _ipython_display_(self) -> None:
        # go.Figure displays itself through plotly's renderers (whose HTML loads Plotly.js from a
        # CDN); this figure publishes its own bundle instead.
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs) -> dict[str, Any]:
        spec = {"data": self.figure["data"], "layout": self.figure["layout"]}
        text = json.dumps(self.figure, allow_nan=False)
        words = figure_text.describe(self.figure)
        title = figure_text.plain((self.figure.get("layout", {}).get("title") or {}).get("text")) or "Figure"
        page = (f'<div class="sc-figure-words" role="group" aria-label="{html.escape(title, quote=True)}">'
                f'<div class="sc-figure" data-figure="{html.escape(text)}"></div>'
                f'<p class="sc-visually-hidden" data-search-exclude>{html.escape(words["description"])}</p>'
                f'<details class="sc-demo__details"><summary>Data table of this figure</summary>{words["table"]}'
                f"</details></div>")
        return {"application/vnd.plotly.v1+json": spec, "text/html": page}


def show(name: str, params: dict[str, Any]) -> tuple[dict[str, Any], NotebookFigure]:
    """Run ``name`` natively with its defaults overridden by ``params``: (data, figure to display).

    Sizes may go up to each parameter's native domain (beyond what a browser tab is offered).
    """
    from .registry import defaults

    out = run_figure(name, {**defaults(name), **params})
    return out["data"], NotebookFigure(out["figure"])
