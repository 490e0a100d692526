"""assets/py/precomputed-widths.json: every width a figure's slider reaches in the browser, computed
natively for the parameters each page shows, which the worker holds before its first answer.

A figure as a page shows it then answers every notch of its width slider at once, up to the widest
(where a Gaussian matrix's spectral norm alone takes a certified Krylov run of 30 to 50 steps at
2048², 0.3 to 0.7 s in WebAssembly); any other parameters are computed live. A figure drawn at one
width is covered as far as it keeps points (web.precompute runs it at every notch). The points are the
package's own (spectral_condition.web.precompute), so what the worker shows from them is what it
would compute, to rounding. Written after the pages, which decide which figures and parameters exist.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import demo_html, package

SITE_PATH = "assets/py/precomputed-widths.json"


def on_post_build(config, **kwargs):
    # Pages that show the same figure with different controls share its points.
    figures = {(p["experiment"], json.dumps(p["params"], sort_keys=True)): p["params"]
               for p in demo_html.payloads()}
    web = package.get("spectral_condition.web")
    text = web.precompute([(name, params) for (name, _), params in sorted(figures.items())])
    path = Path(config["site_dir"]) / SITE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
