"""Plotly figure dicts, built without importing plotly (it is not in Pyodide's NumPy-only world).

Layouts are theme-neutral: no colours of paper, plot or font, so the page can apply Material's
light or dark palette. Trace colours come from one qualitative palette that reads on both.
"""
