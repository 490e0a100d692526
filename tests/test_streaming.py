"""Answers width by width: each width computed once, what is known shown first, and a cached answer
equal to a fresh one."""

from __future__ import annotations

import json

import pytest

import spectral_condition as sc
from spectral_condition import sweeps, web
from spectral_condition.registry import get

SWEEPS = [n for n in sc.names() if get(n).sweep]


def _request(name: str, **params) -> str:
    return json.dumps({"demo": name, "params": {**sc.defaults(name), **params}})


def _steps(stream: web.Stream) -> list[dict]:
    answers = [json.loads(stream.answer())]
    while stream.step():
        answers.append(json.loads(stream.answer()))
    answers.append(json.loads(stream.answer()))
    return answers


def test_every_experiment_with_a_width_sweep_streams():
    assert set(SWEEPS) >= {"stable_rank", "spectral_norm_scaling", "alignment", "activation_rms",
                           "update_sizes", "update_alignment", "coord_check", "lr_transfer"}


@pytest.mark.parametrize("name", SWEEPS)
def test_a_cold_stream_goes_width_by_width_and_ends_on_the_native_answer(name):
    sweeps.clear()
    answers = _steps(web.Stream(_request(name, width=256)))
    shown = [a["params"]["width"] for a in answers if a["params"]]
    assert shown == sorted(shown) and shown[-1] == 256
    assert [64, 128, 256] == sorted(set(shown))
    pending = [a["pending"] for a in answers]
    assert all(len(p) >= len(q) for p, q in zip(pending, pending[1:])) and pending[-1] == []
    final = answers[-1]
    native = sc.run_figure(name, {**sc.defaults(name), "width": 256})
    assert final["figure"] == native["figure"] and final["params"] == native["params"]


def test_only_the_final_answer_carries_the_figures_words_and_take_home_files():
    from spectral_condition import figure_text, take_home

    name = "stable_rank"
    sweeps.clear()
    answers = [a for a in _steps(web.Stream(_request(name, width=256))) if a["figure"] is not None]
    partial, final = [a for a in answers if a["pending"]], answers[-1]
    assert partial and all(a["text"] is None and a["exports"] is None for a in partial)
    native = sc.run_figure(name, {**sc.defaults(name), "width": 256})
    assert final["text"] == figure_text.describe(native["figure"])
    assert final["exports"] == take_home.exports(name, native["params"], native["figure"])


@pytest.mark.parametrize("name", SWEEPS)
def test_a_cached_answer_equals_a_fresh_one(name):
    sweeps.clear()
    fresh = sc.run_figure(name, {**sc.defaults(name), "width": 128})
    assert sweeps.stats()["misses"] > 0
    # Larger, then back down: the smaller answer comes only from the cache.
    sc.run_figure(name, {**sc.defaults(name), "width": 256})
    before = sweeps.stats()["misses"]
    again = sc.run_figure(name, {**sc.defaults(name), "width": 128})
    assert sweeps.stats()["misses"] == before, "moving down recomputed a width"
    assert again == fresh


def test_moving_up_one_notch_shows_the_known_widths_at_once_and_computes_one_width():
    sweeps.clear()
    web.handle(_request("stable_rank", width=512))
    misses = sweeps.stats()["misses"]
    stream = web.Stream(_request("stable_rank", width=1024))
    first = json.loads(stream.answer())  # before any step: what was already known
    assert first["params"]["width"] == 512 and first["pending"] == [1024]
    assert sweeps.stats()["misses"] == misses
    assert not stream.step()
    assert sweeps.stats()["misses"] == misses + 1
    assert json.loads(stream.answer())["params"]["width"] == 1024


def test_moving_down_is_answered_without_a_step():
    sweeps.clear()
    web.handle(_request("alignment", width=512))
    stream = web.Stream(_request("alignment", width=128))
    answer = json.loads(stream.answer())
    assert answer["params"]["width"] == 128 and answer["pending"] == []
    assert not stream.step()


@pytest.mark.parametrize("name,param,value", [("coord_check", "quantity", "dh"), ("update_sizes", "quantity", "dw"),
                                              ("steepest_update_sizes", "quantity", "dh")])
def test_a_control_that_only_chooses_what_to_show_computes_nothing(name, param, value):
    """The points hold every view; switching views is answered at once, as a fresh run would."""
    sweeps.clear()
    web.handle(_request(name, width=128))
    misses = sweeps.stats()["misses"]
    stream = web.Stream(_request(name, width=128, **{param: value}))
    answer = json.loads(stream.answer())
    assert answer["pending"] == [] and not stream.step()
    assert sweeps.stats()["misses"] == misses, f"switching {param} recomputed a width"
    sweeps.clear()
    assert answer["figure"] == sc.run_figure(name, {**sc.defaults(name), "width": 128, param: value})["figure"]


def test_the_relative_spectral_view_trains_nothing_and_measures_each_init_once():
    """‖ΔW_l‖_*/‖W_l‖_* divides by the init's norms, a point per width and seed of their own: switching
    to it retrains no width, and a later change of steps or optimizer retrains without measuring the
    init again. Each answer equals a fresh run."""
    sweeps.clear()
    web.handle(_request("update_sizes", width=128))
    widths = sc.run("update_sizes", {**sc.defaults("update_sizes"), "width": 128})["data"]["widths"]
    for change, new_points in (({"quantity": "rel_spectral"}, len(widths)),
                               ({"quantity": "rel_spectral", "steps": 2}, len(widths)),
                               ({"quantity": "rel_spectral", "optimizer": "adam"}, len(widths))):
        misses = sweeps.stats()["misses"]
        stream = web.Stream(_request("update_sizes", width=128, **change))
        while stream.step():
            pass
        answer = json.loads(stream.answer())
        assert answer["pending"] == []
        assert sweeps.stats()["misses"] == misses + new_points, change
        with sweeps.isolated():
            fresh = sc.run_figure("update_sizes", {**sc.defaults("update_sizes"), "width": 128, **change})["figure"]
        assert answer["figure"] == fresh


def test_alignments_batch_recomputes_only_the_rank_b_points():
    """Its large random matrices do not depend on the batch: a new batch costs one small point per width."""
    sweeps.clear()
    widths = sc.run("alignment", {**sc.defaults("alignment"), "width": 256})["data"]["widths"]
    misses = sweeps.stats()["misses"]
    answer = sc.run_figure("alignment", {**sc.defaults("alignment"), "width": 256, "batch": 3})
    assert sweeps.stats()["misses"] == misses + len(widths)
    sweeps.clear()
    assert answer == sc.run_figure("alignment", {**sc.defaults("alignment"), "width": 256, "batch": 3})


def _squares(n, ks, offset):
    _squares.calls.append((n, ks))
    return [n * k * k + offset for k in ks]


def test_grid_points_compute_each_widths_missing_values_together_once():
    sweeps.clear()
    _squares.calls = []
    assert sweeps.grid_points(_squares, [2, 4], "ks", [1, 2], offset=0) == [[2, 8], [4, 16]]
    assert sweeps.grid_points(_squares, [2, 4], "ks", [0, 1, 2, 3], offset=0) == [[0, 2, 8, 18], [0, 4, 16, 36]]
    assert _squares.calls == [(2, (1, 2)), (4, (1, 2)), (2, (0, 3)), (4, (0, 3))]
    assert sweeps.grid_points(_squares, [2], "ks", [1], offset=1) == [[3]]  # other parameters: other points
    with sweeps.known_only(), pytest.raises(sweeps.NotKnown) as missing:
        sweeps.grid_points(_squares, [2, 8], "ks", [1], offset=0)
    assert missing.value.width == 8
    assert len(_squares.calls) == 5


def test_grid_points_refuse_a_function_that_drops_values():
    sweeps.clear()
    with pytest.raises(ValueError, match="1 results for 2 values of ks"):
        sweeps.grid_points(lambda n, ks: [0.0], [2], "ks", [1, 2])


@pytest.mark.parametrize("name", ["lr_transfer", "steepest_lr_transfer"])
def test_a_wider_learning_rate_grid_trains_only_the_new_rates(name):
    """Each (width, rate) is a point: widening the grid by two rates trains two networks per width,
    and the answer equals the wider grid computed from nothing."""
    params = {**sc.defaults(name), "width": 128}
    sweeps.clear()
    fresh = sc.run_figure(name, {**params, "lr_min": params["lr_min"] - 2})
    sweeps.clear()
    widths = sc.run(name, params)["data"]["widths"]
    misses = sweeps.stats()["misses"]
    stream = web.Stream(_request(name, width=128, lr_min=params["lr_min"] - 2))
    assert json.loads(stream.answer())["figure"] is None  # no width has every rate yet
    _steps(stream)
    assert sweeps.stats()["misses"] == misses + 2 * len(widths)
    assert json.loads(stream.answer())["figure"] == fresh["figure"]


def test_a_stream_of_bad_parameters_answers_the_error_and_stops():
    stream = web.Stream(_request("stable_rank", width=100))
    assert not stream.step()
    answer = json.loads(stream.answer())
    assert answer["ok"] is False and answer["kind"] == "ValueError" and "width" in answer["message"]


def test_experiments_without_a_sweep_answer_in_one_step():
    stream = web.Stream(_request("ellipse"))
    assert not stream.step()
    assert json.loads(stream.answer())["figure"] == sc.run_figure("ellipse", sc.defaults("ellipse"))["figure"]


def test_the_cache_is_bounded_and_evicts_the_least_recently_used(monkeypatch):
    sweeps.clear()
    monkeypatch.setattr(sweeps, "MAX_POINTS", 4)
    fresh = sc.run("stable_rank", {**sc.defaults("stable_rank"), "width": 1024})  # 16 … 1024: 7 points
    assert sweeps.stats()["held"] == 4
    before = sweeps.stats()["misses"]
    again = sc.run("stable_rank", {**sc.defaults("stable_rank"), "width": 1024})
    assert again == fresh
    assert sweeps.stats()["misses"] == before + 7  # the small widths were evicted, and each evicted the next


# --- Widths the site's build computes for the worker ------------------------------------------------

@pytest.mark.parametrize("name", SWEEPS)
def test_precomputed_widths_answer_every_notch_at_once_as_a_fresh_computation_would(name):
    """The build's points for a figure's parameters, held by a fresh cache, make every width of the
    slider a complete first answer, byte-equal to the answer computed from nothing."""
    params = sc.defaults(name)
    sweeps.clear()
    text = web.precompute([(name, params)])
    widths = get(name).param("width").values(live=True)
    fresh = {}
    for n in widths:
        sweeps.clear()
        fresh[n] = web.handle(_request(name, width=n))
    sweeps.clear()
    assert web.preload(text) > 0
    misses = sweeps.stats()["misses"]
    for n in widths:
        stream = web.Stream(_request(name, width=n))
        assert stream.answer() == fresh[n]
        assert json.loads(stream.answer())["pending"] == [] and not stream.step()
    assert sweeps.stats()["misses"] == misses, "a width was computed although the build had it"
    # Other parameters are not covered: they stream as before.
    other = web.Stream(_request(name, width=widths[-1], seed=params["seed"] + 1))
    assert json.loads(other.answer())["pending"], "a seed the build did not compute came out precomputed"


# Figures drawn at one width that keep their parts as points of the width cache: how many points a
# change of a control other than the width computes (power iteration's reference does not depend on
# the steps shown).
ONE_WIDTH_POINTS = {"power_iteration": {"steps": (400, 1), "seed": (1, 2)}, "mp_spectrum": {"seed": (1, 1)}}


@pytest.mark.parametrize("name", sorted(ONE_WIDTH_POINTS))
def test_a_figure_drawn_at_one_width_is_precomputed_at_every_notch_as_a_fresh_computation_would(name):
    """Such a figure is no sweep: the build runs it at every notch of its slider, and the worker then
    answers each notch, byte-equal to the answer computed from nothing, without computing a point."""
    assert not get(name).sweep
    params = sc.defaults(name)
    sweeps.clear()
    text = web.precompute([(name, params)])
    widths = get(name).param("width").values(live=True)
    fresh = {}
    for n in widths:
        sweeps.clear()
        fresh[n] = web.handle(_request(name, width=n))
    sweeps.clear()
    web.preload(text)
    for n in widths:
        assert web.handle(_request(name, width=n)) == fresh[n]
    assert sweeps.stats()["misses"] == 0, "a width was computed although the build had it"
    for key, (value, new_points) in ONE_WIDTH_POINTS[name].items():
        value = params[key] + value if key == "seed" else value
        misses = sweeps.stats()["misses"]
        changed = web.handle(_request(name, width=widths[-1], **{key: value}))
        assert sweeps.stats()["misses"] == misses + new_points, key
        sweeps.clear()
        assert web.handle(_request(name, width=widths[-1], **{key: value})) == changed
        web.preload(text)


def test_points_travel_as_text_exactly():
    """Arrays keep dtype, shape and every bit; tuples stay tuples; numpy scalars keep their type."""
    import numpy as np

    point = {"a": np.array([[0.1, np.nan], [np.inf, -0.0]]), "b": (1, 2.5, "x"), "c": [np.float64(1 / 3)],
             "d": np.arange(3, dtype=np.int32), "e": None}

    def f(n, shown):
        return point

    sweeps.clear()
    sweeps.points(f, [8], shown=("sp", "mup"))
    text = json.dumps(sweeps.export())
    sweeps.clear()
    assert sweeps.preload(json.loads(text)) == 1
    (back,) = sweeps.points(f, [8], shown=("sp", "mup"))
    assert sweeps.stats()["misses"] == 0
    assert back["a"].dtype == np.float64 and back["a"].shape == (2, 2)
    assert back["a"].tobytes() == point["a"].tobytes()
    assert back["b"] == (1, 2.5, "x") and isinstance(back["b"], tuple)
    assert type(back["c"][0]) is np.float64 and back["c"][0] == 1 / 3
    assert back["d"].dtype == np.int32 and back["d"].tolist() == [0, 1, 2]
    assert back["e"] is None
