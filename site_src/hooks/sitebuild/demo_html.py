"""The HTML of a ```` ```demo ```` fence: the figure computed natively, embedded in the page.

The page's runtime draws the embedded figure at once, before (and without) Pyodide, and then makes it
live. The embedded payload is what ``spectral_condition.web.payload`` returns without its ``data``
(the experiment's raw results): the runtime draws from the figure alone, so the page need not carry
them. Beside it, in data-labels, go the controls' words already typeset (control_labels); a fence
without a caption gets the experiment's description, its notation written for a page (notation).
Readers without JavaScript get the figure's numbers as a table (data_table) inside <noscript>.
"""

from __future__ import annotations

import html
import json
from typing import Any

from . import control_labels, data_table, demo_fence, fences, notation, package, package_zip

# One payload per figure and build, shared by the pages that show the same figure.
_payloads: dict[tuple[str, str, tuple[str, ...]], dict[str, Any]] = {}


def payload(name: str, params: dict[str, Any], controls: list[str]) -> dict[str, Any]:
    key = (name, json.dumps(params, sort_keys=True), tuple(controls))
    if key not in _payloads:
        try:
            _payloads[key] = package.get("spectral_condition.web").payload(name, params, controls)
        except ValueError as e:
            raise demo_fence.fail(str(e)) from None
    return _payloads[key]


def format_demo(source, language, class_name, options, md, **kwargs) -> str:
    spec = demo_fence.parse(source)
    full = payload(spec["name"], spec["params"], spec["controls"])
    embedded = {k: v for k, v in full.items() if k != "data"}
    caption = spec["caption"] or notation.inline_html(spec["schema"]["description"], spec["schema"]["params"])
    title = spec["schema"]["title"]
    attrs = {
        "class": "sc-demo",
        "data-demo": spec["name"],
        "data-state": "static",
        "data-version": package_zip.version(),
        "data-cost": spec["schema"]["cost"],
        "data-params": json.dumps(full["params"], sort_keys=True),
        # An attribute, not a <script type="application/json">: Material's instant navigation
        # re-creates every inline script of the new page without its type and runs it as JavaScript.
        "data-payload": json.dumps(embedded, ensure_ascii=False, allow_nan=False, separators=(",", ":")),
        "data-labels": json.dumps(control_labels.words(spec["schema"], spec["controls"]), ensure_ascii=False,
                                  separators=(",", ":")),
    }
    if spec["id"]:
        attrs["data-demo-id"] = spec["id"]
    attr_text = " ".join(f'{k}="{html.escape(str(v), quote=True)}"' for k, v in attrs.items())
    return (
        f"<figure {attr_text}>"
        f'<div class="sc-demo__controls" aria-label="Controls of the figure: {html.escape(title)}"></div>'
        f'<div class="sc-demo__status" role="status" aria-live="polite"></div>'
        f'<div class="sc-demo__chart" role="img" aria-label="{html.escape(title)}"></div>'
        f"<noscript>{data_table.table(full['figure'], title)}</noscript>"
        f"<figcaption>{fences.inline_html(caption)}</figcaption>"
        f"</figure>"
    )


def on_config(config, **kwargs):
    fences.add(config, {"name": "demo", "class": "sc-demo", "format": format_demo,
                        "validator": demo_fence.validate})
    return config
