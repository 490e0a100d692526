"""Figure text is typeset once, for every figure: TeX-like subscripts become Plotly <sub>/<sup>. And the
figure's data table shows the figure's traces, safely."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import spectral_condition as sc
from spectral_condition import figure_text
from spectral_condition.plot import plotly_markup, reference_slope



@pytest.mark.parametrize("plain, marked", [
    ("‖W‖_F/‖W‖_*", "‖W‖<sub>F</sub>/‖W‖<sub>*</sub>"),
    ("n_{l−1}", "n<sub>l−1</sub>"),
    ("∝ n^−½", "∝ n<sup>−½</sup>"),
    ("n^{1/2}", "n<sup>1/2</sup>"),
    ("width n", "width n"),
])
def test_markup_of_titles_and_legend_names(plain, marked):
    fig = {"data": [{"name": plain, "x": ["a_b"]}], "layout": {"title": {"text": plain}}}
    out = plotly_markup(fig)
    assert out["data"][0]["name"] == marked and out["layout"]["title"]["text"] == marked
    assert out["data"][0]["x"] == ["a_b"]  # data is never rewritten, only text meant for reading


@pytest.mark.parametrize("name", sc.names())
def test_no_raw_subscripts_reach_the_reader(name):
    fig = sc.run_figure(name, sc.defaults(name))["figure"]
    texts = [t.get("name", "") for t in fig["data"]] + [fig["layout"].get("title", {}).get("text", "")]
    assert not [t for t in texts if "_*" in t or "_{" in t], texts


def test_reference_slope_passes_through_its_anchor_with_the_given_slope():
    tr = reference_slope([64, 2048], -0.5, (64, 3.0), "theory")
    (x0, x1), (y0, y1) = tr["x"], tr["y"]
    assert y0 == 3.0 and abs(y1 / y0 - (x1 / x0) ** -0.5) < 1e-12 and tr["line"]["dash"] == "dash"


class Cells(HTMLParser):
    """Tags opened (to check nothing unexpected is) and the text of each table row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.rows: list[list[str]] = []
        self.caption = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in = "cell"
        elif tag == "caption":
            self._in = "caption"

    def handle_endtag(self, tag):
        if tag in ("td", "th", "caption"):
            self._in = None

    def handle_data(self, data):
        if self._in == "cell":
            self.rows[-1][-1] += data
        elif self._in == "caption":
            self.caption += data


def _parse(html_text: str) -> Cells:
    cells = Cells()
    cells.feed(html_text)
    cells.close()
    return cells


@pytest.mark.parametrize("value, text", [
    (None, "—"), (0.5, "0.5"), (1 / 3, "0.3333"), (-2.0 / 3.0, "-0.6667"), (123456.7, "1.235e5"),
    (1.23456e-7, "1.235e-7"), (2048, "2048"), (16384, "16384"), (0.0, "0"), ("SP", "SP"), ("a<b", "a&lt;b"),
])
def test_table_numbers_have_four_significant_digits(value, text):
    assert figure_text.number(value) == text


def test_table_lists_each_trace_with_missing_values_as_dashes():
    fig = {"data": [{"name": "measured", "x": [1, 2, 4], "y": [0.123456, None, 3.0]},
                    {"y": [5.0]}]}
    cells = _parse(figure_text.table(fig, "Title"))
    assert cells.rows == [["measured", "x", "1", "2", "4"], ["y", "0.1235", "—", "3"],
                          ["trace 1", "y", "5"]]
    assert "x and y values" in cells.caption
    assert "first" not in cells.caption  # nothing was cut


def test_table_cuts_to_the_first_traces_and_points_and_says_so():
    n_traces, n_points = figure_text.MAX_TRACES + 3, figure_text.MAX_POINTS + 10
    fig = {"data": [{"name": f"t{i}", "x": list(range(n_points)), "y": [float(i)] * n_points}
                    for i in range(n_traces)]}
    html_text = figure_text.table(fig, "Title")
    cells = _parse(html_text)
    assert cells.tags.count("tbody") == figure_text.MAX_TRACES
    x_rows = [r for r in cells.rows if len(r) > 1 and r[1] == "x"]
    assert [r[0] for r in x_rows] == [f"t{i} (first {figure_text.MAX_POINTS} of {n_points} points)"
                                      for i in range(figure_text.MAX_TRACES)]
    assert all(r[2:] == [str(k) for k in range(figure_text.MAX_POINTS)] for r in x_rows)
    assert f"first {figure_text.MAX_TRACES} of its {n_traces} traces" in cells.caption
    assert f"first {figure_text.MAX_POINTS}" in cells.caption


def test_table_escapes_names_and_keeps_plotlys_sub_and_sup():
    fig = {"data": [{"name": "a < b & c > d <script>alert(1)</script>", "x": [1], "y": [2]},
                    {"name": "n<sub>out</sub> ∝ n<sup>½</sup>", "x": [1], "y": [2]}]}
    html_text = figure_text.table(fig, 'say "<hi>" & go')
    assert "a &lt; b &amp; c &gt; d &lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "<script" not in html_text
    assert "n<sub>out</sub> ∝ n<sup>½</sup>" in html_text
    assert 'aria-label="Data of the figure: say &quot;&lt;hi&gt;&quot; &amp; go"' in html_text
    cells = _parse(html_text)
    assert set(cells.tags) <= {"div", "table", "caption", "tbody", "tr", "th", "td", "sub", "sup", "span"}
    assert cells.rows[0][0] == "a < b & c > d <script>alert(1)</script>"


def test_table_box_scrolls_sideways_and_is_keyboard_focusable():
    html_text = figure_text.table({"data": [{"x": [1], "y": [1]}]}, "T")
    assert html_text.startswith('<div class="sc-demo__data" role="region" tabindex="0" aria-label="')


def _sweep(y_of, dash=None):
    widths = [16, 32, 64, 128]
    return {"x": widths, "y": [y_of(n) for n in widths], "name": "measured", "line": {"dash": dash}}


def test_summary_gives_each_measured_lines_slope_against_width_and_skips_theory():
    chosen = {"x": [64, 64], "y": [0.1, 10.0], "name": "chosen width", "line": {"dash": "dot"}}
    fig = {"data": [_sweep(lambda n: 3.0 * n ** 0.5), dict(_sweep(lambda n: 1.0 / n), name="theory", line={"dash": "dash"}),
                    chosen, dict(_sweep(lambda n: 2.0 / n), name="falls", line={"dash": "dot"})],
           "layout": {"xaxis": {"type": "log"}, "yaxis": {"type": "log"}, "title": {"text": "T"}}}
    assert figure_text.summary(fig) == ("Widths 16 to 128. Slopes against width on log-log axes: "
                                        "measured 0.50, falls −1.00.")


def test_summary_of_a_figure_without_widths_is_its_subtitles_first_line():
    fig = {"data": [{"x": [0.1, 0.2], "y": [1.0, 2.0], "name": "a"}],
           "layout": {"xaxis": {"type": "log"}, "yaxis": {"type": "log"},
                      "title": {"text": "T", "subtitle": {"text": "σ<sub>1</sub> = 1.347;<br>more"}}}}
    assert figure_text.summary(fig) == "σ₁ = 1.347."


def test_description_names_title_axes_and_legend_entries_as_text():
    fig = {"data": [{"x": [1], "y": [1], "name": "n<sub>out</sub>"}, {"x": [1], "y": [1], "name": "hidden", "showlegend": False}],
           "layout": {"title": {"text": "‖W‖<sub>*</sub> against width"},
                      "xaxis": {"type": "log", "title": {"text": "width n"}}, "yaxis": {"title": {"text": "size"}}}}
    assert figure_text.description(fig) == ("‖W‖_* against width. Horizontal axis: width n (log scale). "
                                            "Vertical axis: size. Lines and points: nₒᵤₜ.")
