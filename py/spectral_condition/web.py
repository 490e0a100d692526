"""The one door to the package from outside Python: the browser's worker, the Node.js test of that
worker, and the site's build hooks all call these functions, so no Python hides in JavaScript.

Everything crosses as JSON text. A request for a figure is
``{"demo": name, "params": {...}, "url": {name: text, ...}}``: ``params`` are values the page's
controls produced (validated strictly, against the browser budget), ``url`` optional raw text from
a shared link, coerced to the nearest allowed value with a short note each (the same parsing as the
command line). The answer is ``{"ok": true, "params", "figure", "text", "notes"}`` (``text``: the
figure in words and numbers, see :mod:`figure_text`) or
``{"ok": false, "kind", "message"}``; a bad parameter is ``kind: "ValueError"``. An answer with a
figure carries ``exports``: the command, CSV and JSON of that figure as drawn (``take_home``).

A request with ``"source"`` runs a reader's edited text of the experiment's code (``source``) for the
parameters, in one step and with a width cache of its own; a failure names its ``line`` in that text.

:class:`Stream` answers the same request in steps, so that a page shows at once what is already
known and a newer request can stop an older one between steps (Python in the worker cannot be
interrupted otherwise). A sweep over widths is computed one width per step; every step's answer is
a complete figure of the widths done so far, with ``"pending"`` listing the widths still to come.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import figure_text, source, sweeps, take_home
from .experiments import get, run, run_figure, schemas
from .registry import figure, result_of
from .schema import validate_params

__all__ = ["handle", "Stream", "forget", "coerce_url", "payload", "schemas_json", "browser_files", "run_source",
           "precompute", "preload", "warm", "compute_ahead"]

# Modules a browser never imports: the exponent table (minutes of sweeps), the command line and the
# notebook display. Leaving them out of the zip keeps the download small; web imports none of them.
NATIVE_ONLY = ("exponents", "claims", "mup_setting", "cli", "__main__", "notebook")  # modules and packages


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
    stream = Stream(request_json)
    while stream.step():
        pass
    return stream.answer()


def _failure(e: BaseException) -> dict[str, Any]:
    if isinstance(e, ValueError):
        return {"ok": False, "kind": "ValueError", "message": str(e)}
    return {"ok": False, "kind": type(e).__name__, "message": f"{type(e).__name__}: {e}"}


def run_source(name: str, params: dict[str, Any], text: str) -> dict[str, Any]:
    """The answer for experiment ``name`` computed by ``text``, a reader's edit of
    ``source.experiment_source(name)``; ``params`` are validated against the browser budget first.

    A failure of the text is ``{"ok": false, "kind", "message", "line"}``, ``line`` counting from 1
    in ``text`` (None when the error arose outside it). Never raises (but for the worker's own death).
    """
    try:
        clean = validate_params(get(name).params, params, name, live=True)
    except Exception as e:  # noqa: BLE001 - the page shows any failure next to the editor
        return {**_failure(e), "line": None}
    try:
        compute = source.load(name, text)
        # Its own cache: the edit may change what a width's point is, under the package's names.
        with sweeps.isolated():
            result = result_of(name, clean, compute(**clean))
        fig = figure(result)
    except Exception as e:  # noqa: BLE001
        return {**_failure(e), "line": source.error_line(e)}
    return {"ok": True, "params": clean, "figure": fig, "text": figure_text.describe(fig), "notes": [],
            "pending": [], "edited": True, "exports": take_home.exports(name, clean, fig, edited=True)}


class Stream:
    """One figure request, answered in steps; never raises.

    ``step()`` does the next piece of work and returns True while more remain; ``answer()`` is the
    JSON text of the figure as far as it has got. The first step is the answer from what is already
    computed (at once, if anything is), then one width per step up to the requested width. Only the
    final answer carries the figure's words (``text``) and take-home files (``exports``).
    """

    def __init__(self, request_json: str) -> None:
        self._answer: dict[str, Any] | None = None
        self._targets: list[int | None] = []
        self._source: str | None = None
        try:
            request = json.loads(request_json)
            self.name = request["demo"]
            if request.get("source") is not None:
                self._source, self.params = str(request["source"]), request.get("params") or {}
                self._targets = [None]
                return
            exp = get(self.name)
            self.params, self.notes = _live_params(exp, request)
            if exp.sweep:
                self._targets = [w for w in exp.param("width").values(live=True) if w <= self.params["width"]]
            else:
                self._targets = [None]
        except Exception as e:  # noqa: BLE001 - the page shows any failure next to the figure
            self._answer = _failure(e)
            return
        self._known_prefix()

    def _known_prefix(self) -> None:
        """Drop the targets whose answer is already computed, and answer the largest of them."""
        if self._targets == [None]:
            return
        limit = self._targets[-1] + 1
        while True:
            known = [w for w in self._targets if w < limit]
            if not known:
                return
            try:
                with sweeps.known_only():
                    self._run(known[-1])
            except sweeps.NotKnown as e:
                limit = e.width
                continue
            except Exception as e:  # noqa: BLE001
                self._answer, self._targets = _failure(e), []
                return
            self._targets = [w for w in self._targets if w > known[-1]]
            return

    def _run(self, width: int | None) -> None:
        if self._source is not None:
            self._answer = run_source(self.name, self.params, self._source)
            return
        params = self.params if width is None else {**self.params, "width": width}
        out = run_figure(self.name, params, live=True)
        pending = [w for w in self._targets if w is not None and w > (width or 0)]
        # A partial answer is on screen for a moment: its words and take-home files, which cost more
        # than drawing it, come with the final answer only (the page keeps the previous ones meanwhile).
        final = not pending
        self._answer = {"ok": True, "params": out["params"], "figure": out["figure"],
                        "text": figure_text.describe(out["figure"]) if final else None, "notes": self.notes,
                        "pending": pending,
                        "exports": take_home.exports(self.name, out["params"], out["figure"]) if final else None}

    def step(self) -> bool:
        """Compute the next width (or the whole figure); False once the answer is complete."""
        if self._targets:
            width = self._targets.pop(0)
            try:
                self._run(width)
            except Exception as e:  # noqa: BLE001
                self._answer, self._targets = _failure(e), []
        return bool(self._targets)

    def answer(self) -> str:
        """The JSON text of the answer so far (``pending`` lists the widths still to compute)."""
        if self._answer is None:
            return json.dumps({"ok": True, "params": None, "figure": None, "notes": [], "pending": self._targets})
        return json.dumps(self._answer, allow_nan=False)


def _live_params(exp: Any, request: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A request's parameters for experiment ``exp``, link values coerced, all validated against the
    browser budget; and the notes of what a link's values were changed to."""
    params, notes = coerce_url(exp.name, request.get("params") or {}, request.get("url") or {})
    return validate_params(exp.params, params, exp.name, live=True), notes


def compute_ahead(request_json: str) -> bool:
    """Compute the points of the next width notch above a request's, so that the reader's next notch
    up is answered at once; True if it computed a width that was not known yet.

    The worker calls this once it has answered the reader's newest request and has nothing else to
    do: a reader who moves the slider up waits only for what is left of that width, and one who
    stops there has cost one width's work. Nothing for a figure that keeps no points by width (see
    ``Experiment.width_points``), at the browser maximum, for edited code or for a request that is
    not valid. Never raises: it is only a head start, and the request itself reports any failure.
    """
    try:
        request = json.loads(request_json)
        exp = get(request["demo"])
        if request.get("source") is not None or not (exp.sweep or exp.width_points):
            return False
        params = _live_params(exp, request)[0]
        above = [w for w in exp.param("width").values(live=True) if w > params["width"]]
        if not above:
            return False
        nxt = {**params, "width": above[0]}
        try:
            with sweeps.known_only():
                run(exp.name, nxt, live=True)
            return False
        except sweeps.NotKnown:
            run(exp.name, nxt, live=True)
            return True
    except Exception:  # noqa: BLE001
        return False


def payload(name: str, params: dict[str, Any], controls: list[str]) -> dict[str, Any]:
    """What a page embeds for one figure: its schema, parameters and the figure computed natively."""
    out = run_figure(name, params)
    return {"experiment": name, "schema": schemas()[name], "controls": controls, "params": out["params"],
            "figure": out["figure"], "text": figure_text.describe(out["figure"]), "data": out["data"],
            "exports": take_home.exports(name, out["params"], out["figure"])}


def precompute(figures: list[tuple[str, dict[str, Any]]]) -> str:
    """The points of every width the browser can reach for each (name, params) a page shows, as JSON
    text for :func:`preload`: the site's build computes them natively, once.

    Only the width slider is covered, with the other parameters as given; any other value of any
    control is computed live. A sweep is run at the slider's browser maximum, which computes every
    width below it; any other figure at each notch, which keeps only what it stores as points of
    the width cache (nothing, for a figure that stores none).
    """
    entries: dict[tuple[str, int, str], dict[str, Any]] = {}
    for name, params in figures:
        exp = get(name)
        if not any(p.name == "width" for p in exp.params):
            continue
        widths = exp.param("width").values(live=True)
        with sweeps.isolated():
            for width in widths[-1:] if exp.sweep else widths:
                run(name, {**params, "width": width}, live=True)
            for e in sweeps.export():
                entries[(e["fn"], e["n"], json.dumps(e["params"], sort_keys=True))] = e
    return json.dumps(list(entries.values()), separators=(",", ":"))


def preload(text: str) -> int:
    """Start with the points :func:`precompute` wrote; returns how many."""
    return sweeps.preload(json.loads(text))


# A figure that computes next to nothing (a 2×2 matrix) and still takes every step an answer takes.
WARM_UP = "ellipse"


def warm() -> bool:
    """Answer one small request and drop it; True if it was answered.

    In a fresh Pyodide the first answer takes two to three times as long as the next ones (code run
    for the first time: the figure's layout and words, its exports, the JSON), and the worker runs
    this once it is ready so that the reader's first input does not pay for it. Nothing it computes
    changes a later answer.
    """
    return bool(json.loads(handle(json.dumps({"demo": WARM_UP, "params": get(WARM_UP).defaults()})))["ok"])


def schemas_json() -> str:
    """Every experiment's schema (parameters with their allowed values) as JSON text."""
    return json.dumps(schemas(), ensure_ascii=False)


def forget() -> None:
    """Forget every computed width (benchmarks time whole sweeps from a cold cache with it)."""
    sweeps.clear()


def browser_files() -> list[Path]:
    """The package's files that the browser gets (what the site zips and the Node test installs)."""
    root = Path(__file__).resolve().parent
    return sorted(p for p in root.rglob("*.py")
                  if "__pycache__" not in p.parts and p.relative_to(root).parts[0].removesuffix(".py") not in NATIVE_ONLY)
