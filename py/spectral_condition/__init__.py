"""The spectral condition for feature learning, in NumPy.

Yang, Simon & Bernstein (2023), "A Spectral Condition for Feature Learning", arXiv:2310.17813.
The same files run natively (tests, notebooks, the site's build) and in the browser under Pyodide.
"""

from .experiments import defaults, figure, names, run, run_figure, schemas

__all__ = ["defaults", "figure", "names", "run", "run_figure", "schemas"]
__version__ = "0.1.0"
