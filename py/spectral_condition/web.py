"""The one door to the package from outside Python: the browser's worker, the Node.js test of that
worker, and the site's build hooks all call these functions, so no Python hides in JavaScript.

Everything crosses as JSON text. A request for a figure is
``{"demo": name, "params": {...}, "url": {name: text, ...}}``: ``params`` are values the page's
controls produced (validated strictly, against the browser budget), ``url`` optional raw text from
a shared link, coerced to the nearest allowed value with a short note each (the same parsing as the
command line). The answer is ``{"ok": true, "params", "figure", "notes"}`` or
``{"ok": false, "kind", "message"}``; a bad parameter is ``kind: "ValueError"``.
"""

from __future__ import annotations

import json
from typing import Any

from .experiments import get, run_figure, schemas

__all__ = ["handle", "coerce_url", "payload", "schemas_json"]


def coerce_url(name: str, params: dict[str, Any], url: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """``params`` with the values a link gives for them, each coerced to an allowed value.

    Keys that are not parameters of the experiment are ignored (a link may carry other figures'
    keys); returns the parameters and the notes of what was changed.
    """
    by_name = {p.name: p for p in get(name).params}
    out, notes = dict(params), []
    for key, text in url.items():
        p = by_name.get(key)
        if p is None or not isinstance(text, str):
            continue
        out[key], note = p.coerce(text, live=True)
        if note:
            notes.append(note)
    return out, notes


def handle(request_json: str) -> str:
    """Answer one figure request (see the module docstring) with JSON text; never raises."""
    try:
        request = json.loads(request_json)
        name = request["demo"]
        params, notes = coerce_url(name, request.get("params") or {}, request.get("url") or {})
        out = run_figure(name, params, live=True)
    except ValueError as e:
        return json.dumps({"ok": False, "kind": "ValueError", "message": str(e)})
    except Exception as e:  # noqa: BLE001 - the page shows any failure next to the figure
        return json.dumps({"ok": False, "kind": type(e).__name__, "message": f"{type(e).__name__}: {e}"})
    return json.dumps({"ok": True, "params": out["params"], "figure": out["figure"], "notes": notes},
                      allow_nan=False)


def payload(name: str, params: dict[str, Any], controls: list[str]) -> dict[str, Any]:
    """What a page embeds for one figure: its schema, parameters and the figure computed natively."""
    out = run_figure(name, params)
    return {"experiment": name, "schema": schemas()[name], "controls": controls, "params": out["params"],
            "figure": out["figure"], "data": out["data"]}


def schemas_json() -> str:
    """Every experiment's schema (parameters with their allowed values) as JSON text."""
    return json.dumps(schemas(), ensure_ascii=False)
