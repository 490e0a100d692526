"""The package's door for the browser and the build: JSON in, JSON out, links coerced by Python."""

from __future__ import annotations

import json

import pytest

import spectral_condition as sc
from spectral_condition import source, sweeps, web
from spectral_condition.experiments import get


def _ask(name: str, url: dict | None = None, **params) -> dict:
    return json.loads(web.handle(json.dumps({"demo": name, "params": {**sc.defaults(name), **params},
                                             "url": url or {}})))


def test_a_request_answers_with_the_native_figure():
    out = _ask("ellipse", a11=1.5)
    assert out["ok"] and out["notes"] == []
    assert out["figure"] == sc.run_figure("ellipse", {**sc.defaults("ellipse"), "a11": 1.5})["figure"]


@pytest.mark.parametrize("text, value, words", [
    ("0.333", 0.35, "rounded to the step 0.05"),
    ("9", 2.0, "outside -2…2"),
    ("nonsense", 1.2, "is not a number from -2 to 2"),
    ("1.25", 1.25, None),
])
def test_link_values_are_coerced_with_a_truthful_note(text, value, words):
    out = _ask("ellipse", {"a11": text})
    assert out["params"]["a11"] == value
    if words is None:
        assert out["notes"] == []
    else:
        (note,) = out["notes"]
        assert words in note


def test_a_huge_link_value_gives_a_short_note():
    out = _ask("ellipse", {"a11": "7" * 40_000})
    (note,) = out["notes"]
    assert len(note) < 100


def test_widths_snap_to_a_power_of_two_within_the_browser_budget():
    name = next(n for n in sc.names() if any(p.name == "width" for p in get(n).params))
    width = next(p for p in get(name).params if p.name == "width")
    out = _ask(name, {"width": str(3 * width.min)})
    assert out["params"]["width"] in (2 * width.min, 4 * width.min)
    out = _ask(name, {"width": str(10 * width.max)})
    assert out["params"]["width"] == width.upper(live=True)


def test_bad_parameters_answer_a_value_error_and_never_raise():
    out = _ask("ellipse", a11="x")
    assert out == {"ok": False, "kind": "ValueError", "message": out["message"]}
    assert "a11" in out["message"]
    assert json.loads(web.handle("not json"))["ok"] is False
    assert json.loads(web.handle(json.dumps({"demo": "nope", "params": {}})))["kind"] == "ValueError"


def test_live_requests_are_held_to_the_browser_budget_while_the_domain_stays_open_natively():
    budgeted = [(n, p) for n in sc.names() for p in get(n).params if p.live_max is not None and p.live_max < p.max]
    assert budgeted, "no parameter has a browser budget below its domain"
    for name, p in budgeted:
        over = 2 * p.live_max if p.log2 else p.live_max + (p.step or 1)
        out = _ask(name, **{p.name: over})
        assert out["ok"] is False and p.name in out["message"] and str(p.upper(live=True)) in out["message"]
        assert p.validate(over) == over  # natively (command line, notebooks) the value is allowed


def test_the_browser_gets_the_package_without_its_native_only_modules():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(web.__file__).parent
    names = {p.relative_to(root).parts[0] for p in web.browser_files()}
    assert "web.py" in names and "sweeps.py" in names and "experiments" in names
    assert "exponents" not in names and "claims.py" not in names and "cli.py" not in names
    # The browser's door imports and answers without them.
    blocked = "; ".join(f"sys.modules['spectral_condition.{m}'] = None" for m in web.NATIVE_ONLY)
    code = (f"import sys, json; sys.path.insert(0, {str(Path(web.__file__).parents[1])!r}); {blocked}; "
            "from spectral_condition import web; import spectral_condition as sc; "
            "print(json.loads(web.handle(json.dumps({'demo': 'ellipse', 'params': sc.defaults('ellipse')})))['ok'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "True", out.stderr


def test_warming_up_answers_its_request_and_changes_no_later_answer():
    # Both a figure that keeps its widths and the warm-up figure itself, answered before and after.
    name = next(n for n in sc.names() if get(n).sweep and get(n).cost == "norm")
    before = [_ask(name), _ask(web.WARM_UP, a11=1.5)]
    assert web.warm() is True
    assert [_ask(name), _ask(web.WARM_UP, a11=1.5)] == before


def _known(name: str, params: dict) -> bool:
    """Whether every point of the figure of ``params`` is in the width cache."""
    try:
        with sweeps.known_only():
            sc.run(name, params, live=True)
    except sweeps.NotKnown:
        return False
    return True


@pytest.mark.parametrize("kind", ["sweep", "width_points"])
def test_computing_ahead_makes_the_next_notch_up_a_complete_answer_at_once(kind):
    name = next(n for n in sc.names() if getattr(get(n), kind) and any(p.name == "seed" for p in get(n).params)
                and (kind != "sweep" or get(n).cost == "training"))
    widths = get(name).param("width").values(live=True)
    params = {**sc.defaults(name), "seed": 91, "width": widths[1]}
    request = json.dumps({"demo": name, "params": params})
    stream = web.Stream(request)
    while stream.step():
        pass
    up = {**params, "width": widths[2]}
    assert not _known(name, up)
    assert web.compute_ahead(request) is True
    assert _known(name, up)
    if kind == "sweep":
        # The stream of the notch up answers at once, finished.
        answer = json.loads(web.Stream(json.dumps({"demo": name, "params": up})).answer())
        assert answer["pending"] == [] and answer["text"]
        assert answer["figure"] == sc.run_figure(name, up)["figure"]
    # Known already: nothing more to compute, and the next notch is not computed in its stead.
    assert web.compute_ahead(request) is False
    assert not _known(name, {**params, "width": widths[3]})


def test_nothing_is_computed_ahead_at_the_top_for_a_figure_without_points_edited_code_or_a_bad_request():
    sweep = next(n for n in sc.names() if get(n).sweep and get(n).cost == "norm")
    single = next(n for n in sc.names() if not (get(n).sweep or get(n).width_points))
    top = get(sweep).param("width").values(live=True)[-1]
    for request in [{"demo": sweep, "params": {**sc.defaults(sweep), "seed": 92, "width": top}},
                    {"demo": single, "params": sc.defaults(single)},
                    {"demo": sweep, "params": {**sc.defaults(sweep), "seed": 92},
                     "source": source.experiment_source(sweep)},
                    {"demo": sweep, "params": {**sc.defaults(sweep), "width": 3}},
                    {"demo": "no such figure", "params": {}}]:
        before = sweeps.stats()["misses"]
        assert web.compute_ahead(json.dumps(request)) is False, request
        assert sweeps.stats()["misses"] == before, request
    assert web.compute_ahead("not json") is False
