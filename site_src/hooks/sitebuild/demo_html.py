"""The HTML of a ```` ```demo ```` fence: the figure computed natively, embedded in the page.

The page's runtime draws the embedded figure at once, before (and without) Pyodide, and then makes it
live. The embedded payload is what ``spectral_condition.web.payload`` returns without its ``data``
(the experiment's raw results): the runtime draws from the figure alone, so the page need not carry
them. Beside it, in data-labels, go the controls' words already typeset (control_labels); a fence
without a caption gets the experiment's description, its notation written for a page (notation).

Every reader gets the figure in words and numbers (the package's figure_text, the same words the
worker sends with each new answer): the figure is named "Figure N: title" (N counts the article's
figures in navigation order, figure_refs; the caption starts with it and the figure's id is its anchor),
described by a visually hidden paragraph, and holds its data table in a disclosure that
works with or without JavaScript. A polite live region, empty at first, is where the runtime puts
the package's one-sentence summary after a control changed the figure.
"""

from __future__ import annotations

import html
import json
from typing import Any

from . import control_labels, demo_fence, fences, figure_refs, notation, package, package_zip

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


def payloads() -> list[dict[str, Any]]:
    """The payloads of every figure this build's pages show."""
    return list(_payloads.values())


def format_demo(source, language, class_name, options, md, **kwargs) -> str:
    spec = demo_fence.parse(source)
    full = payload(spec["name"], spec["params"], spec["controls"])
    embedded = {k: v for k, v in full.items() if k not in ("data", "text")}  # text: in the markup below
    text = full["text"]
    number, anchor = figure_refs.next_figure()
    caption = spec["caption"] or notation.inline_html(spec["schema"]["description"], spec["schema"]["params"])
    # The title in the package's plain notation (‖W‖_F), as text a screen reader speaks (‖W‖_F → ‖W‖F).
    title = package.get("spectral_condition.figure_text").plain(
        package.get("spectral_condition.plot").plotly_markup({"text": spec["schema"]["title"]})["text"])
    attrs = {
        "id": anchor,
        "class": "sc-demo",
        "aria-label": f"Figure {number}: {title}",
        "aria-describedby": f"sc-figure-{number}-description",
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
    name = html.escape(title)
    return (
        f"<figure {attr_text}>"
        f'<div class="sc-demo__controls" role="group" aria-label="Controls of figure {number}: {name}"></div>'
        f'<div class="sc-demo__status" role="status" aria-live="polite"></div>'
        f'<div class="sc-demo__chart"></div>'
        f'<p class="sc-demo__description sc-visually-hidden" id="sc-figure-{number}-description" '
        f'data-search-exclude>'
        f"{html.escape(text['description'])}</p>"
        f'<div class="sc-demo__announce sc-visually-hidden" aria-live="polite" data-search-exclude '
        f'data-summary="{html.escape(text["summary"], quote=True)}"></div>'
        f'<details class="sc-demo__details"><summary>Data table of figure {number}</summary>{text["table"]}</details>'
        f'<figcaption><strong class="sc-figure-number">Figure {number}.</strong> '
        f"{fences.inline_html(caption)}</figcaption>"
        f"</figure>"
    )


def on_config(config, **kwargs):
    fences.add(config, {"name": "demo", "class": "sc-demo", "format": format_demo,
                        "validator": demo_fence.validate})
    return config
