"""The notebooks a reader downloads show their figures in plain Jupyter, away from this site.

Each notebook is executed with nbclient (what nbconvert's --execute runs), in a kernel that imports
the checkout's package, and every output that is a figure must carry Plotly's own mime type, which
JupyterLab and Jupyter Notebook 7 draw with the renderer the plotly package installs, with a
text/html fallback; the Plotly JSON must be a figure the plotly package accepts.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_downloaded_notebook_shows_its_figures_in_jupyter(path, monkeypatch, tmp_path):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT / "py"), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    figures = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{path.name}: {out.get('ename')}: {out.get('evalue')}"
            data = out.get("data", {})
            if PLOTLY not in data and "sc-figure" not in data.get("text/html", ""):
                continue
            figures += 1
            assert PLOTLY in data, f"{path.name}: a figure output without {PLOTLY}: {sorted(data)}"
            assert "text/html" in data
            spec = data[PLOTLY]
            go.Figure(spec)  # raises on a property Plotly does not know
            assert spec["data"], f"{path.name}: a figure with no traces"
    assert figures, f"{path.name}: no figure output at all"


def test_a_figures_notebook_download_runs_in_jupyter_and_shows_that_figure(monkeypatch, tmp_path):
    import spectral_condition as sc
    from spectral_condition import take_home

    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT / "py"), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    name = "stable_rank"
    params = {**sc.defaults(name), "width": 128, "seed": 2}
    nb = nbformat.reads(take_home.notebook_text(name, params), as_version=4)
    nbformat.validate(nb)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = [out["data"][PLOTLY] for cell in nb.cells for out in cell.get("outputs", []) if PLOTLY in out.get("data", {})]
    assert len(shown) == 1
    want = sc.run_figure(name, params)["figure"]
    assert shown[0] == {"data": want["data"], "layout": want["layout"]}
