"""What a reader takes home from a figure: the command that reproduces it natively, a notebook that
does the same, and the numbers it plots as CSV and JSON, all from the figure as drawn (its
parameters and its own traces).

The numbers come from the figure dict's traces, point by point, exactly as Plotly plots them
(:func:`figure_text.series`, which the page's data table lists too). Standard library only: the
browser's worker composes these too.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
from typing import Any

from .figure_text import AXES, series
from .registry import get


def command(name: str, params: dict[str, Any]) -> str:
    """``python -m spectral_condition run NAME key=value …`` for every parameter, in schema order,
    each value written as the command line parses it back (``Param.parse``)."""
    words = ["python", "-m", "spectral_condition", "run", name]
    for p in get(name).params:
        value = params[p.name]
        text = repr(value) if isinstance(value, float) else str(value)
        words.append(f"{p.name}={text}")
    return " ".join(shlex.quote(w) for w in words)


def csv_text(figure: dict[str, Any]) -> str:
    """One row per plotted point: trace, point index, x, y (empty where a trace has no value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["trace", "point", *AXES])
    for label, values in series(figure):
        points = max((len(v) for v in values.values()), default=0)
        for i in range(points):
            row = [values[k][i] if k in values and i < len(values[k]) else None for k in AXES]
            writer.writerow([label, i, *("" if v is None else repr(v) if isinstance(v, float) else v for v in row)])
    return buffer.getvalue()


def json_text(name: str, params: dict[str, Any], figure: dict[str, Any], edited: bool = False) -> str:
    """The experiment, its parameters, its command (None for edited code: the package's command
    would not run the edit) and every trace's values."""
    doc = {"experiment": name, "params": params, "command": None if edited else command(name, params),
           "edited": edited, "traces": [{"name": label, **values} for label, values in series(figure)]}
    return json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def notebook_text(name: str, params: dict[str, Any]) -> str:
    """A Jupyter notebook (nbformat 4) that runs the experiment with these parameters and shows it."""
    exp = get(name)
    cells = [
        {"cell_type": "markdown", "id": "about", "metadata": {},
         "source": [f"# {exp.title}\n", "\n", f"`{name}` with the parameters of the figure on the site; the same as\n",
                    f"`{command(name, params)}`. Needs `pip install -e \".[notebook]\"` in the repository."]},
        {"cell_type": "code", "id": "figure", "execution_count": None, "metadata": {}, "outputs": [],
         "source": ["from spectral_condition.notebook import show\n", "\n",
                    f"data, fig = show({name!r}, {params!r})\n", "fig"]},
    ]
    doc = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
           "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=1, ensure_ascii=False)


def exports(name: str, params: dict[str, Any], figure: dict[str, Any], edited: bool = False) -> dict[str, Any]:
    """All of them for one figure as drawn: what the page's downloads offer. Edited code has no
    command and no notebook: both run the package's code, not the edit."""
    return {"command": None if edited else command(name, params), "csv": csv_text(figure),
            "json": json_text(name, params, figure, edited),
            "notebook": None if edited else notebook_text(name, params)}
