"""Figure numbers and references at build time: numbered in navigation order, linked by {{ fig: KEY }},
and a reference to no figure stops the build."""

from __future__ import annotations

import subprocess

import spectral_condition as sc
from conftest import build_pages

def build(tmp_path, one: str, two: str) -> subprocess.CompletedProcess:
    return build_pages(tmp_path, {"one.md": one, "two.md": two}, nav=True)


def demo(name: str, extra: str = "") -> str:
    return f"```demo\nexperiment: {name}\n{extra}```\n"


def test_figures_are_numbered_across_pages_and_references_link_to_them(tmp_path):
    a, b = sc.names()[0], sc.names()[1]
    later = demo(a, "id: later\n")
    proc = build(tmp_path, f"# One\n\nSee {{{{ fig: later }}}}.\n\n{demo(a)}\n{demo(b)}",
                 f"# Two\n\nBack to {{{{ fig: {a} }}}}.\n\n{later}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    one = (tmp_path / "site" / "one" / "index.html").read_text(encoding="utf-8")
    two = (tmp_path / "site" / "two" / "index.html").read_text(encoding="utf-8")
    assert f'id="fig-{a}"' in one and f'id="fig-{b}"' in one and 'id="fig-later"' in two
    assert one.index("Figure 1.</strong>") < one.index("Figure 2.</strong>") and "Figure 3.</strong>" in two
    assert 'aria-label="Figure 3: ' in two
    assert '<a href="../two/#fig-later">Figure 3</a>' in one
    assert f'<a href="../one/#fig-{a}">Figure 1</a>' in two


def test_a_reference_to_no_figure_stops_the_build(tmp_path):
    proc = build(tmp_path, "# One\n\nSee {{ fig: nowhere }}.\n", "# Two\n")
    assert proc.returncode != 0
    assert "one.md: {{ fig: nowhere }} names no figure" in proc.stdout + proc.stderr
