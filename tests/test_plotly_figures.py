"""Every figure the package draws is a figure the plotly package accepts.

``plotly.graph_objects.Figure(dict)`` checks every property against Plotly's schema and rejects an
unknown or misspelled one, which Plotly.js in the page would silently ignore. Each experiment is
drawn natively at its defaults, at each choice of each choice parameter, and at the bounds of each
number: its minimum and the largest value a browser tab is offered (the native maximum of the sizes
takes minutes; the figure code does not depend on the size beyond the browser's largest).
"""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

import spectral_condition as sc
from spectral_condition.experiments import get


def cases():
    for name in sc.names():
        base = sc.defaults(name)
        yield name, "defaults", base
        for p in get(name).params:
            if p.kind == "choice":
                for c in p.choices:
                    yield name, f"{p.name}={c}", {**base, p.name: c}
            else:
                for value in dict.fromkeys((p.min, p.upper(live=True))):
                    yield name, f"{p.name}={value:g}", {**base, p.name: int(value) if p.kind == "int" else value}


CASES = list(cases())


@pytest.mark.parametrize("name,label,params", CASES, ids=[f"{n}[{label}]" for n, label, _ in CASES])
def test_figure_is_valid_for_plotly(name, label, params):
    figure = sc.run_figure(name, params)["figure"]
    checked = go.Figure(figure)  # raises ValueError naming any property Plotly does not know
    assert len(checked.data) == len(figure["data"]) > 0
