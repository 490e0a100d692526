"""Claims in the prose against the measured exponent table: the rule, and a build that stops on a wrong one."""

from __future__ import annotations

import re
import sys
import textwrap

import pytest

from conftest import ROOT, build_pages
from spectral_condition import claims, exponents

if str(ROOT / "site_src" / "hooks") not in sys.path:
    sys.path.insert(0, str(ROOT / "site_src" / "hooks"))
from sitebuild import claims as claims_job  # noqa: E402 - the job the build itself runs

# Exact rows (slopes 1/2 of a Gaussian and 0 of a rank-one matrix), measured in well under a second.
RISING, FLAT = "stable_rank_gaussian", "stable_rank_rank_one"


@pytest.mark.parametrize("key, wording, holds", [
    (RISING, "rises", True), (RISING, "falls", False), (RISING, "flat", False),
    (RISING, "1/2", True), (RISING, "1", False), (RISING, "0", False),
    (FLAT, "flat", True), (FLAT, "rises", False), (FLAT, "falls", False), (FLAT, "0", True),
    (FLAT, "-1/2", False), (RISING, "positive", True), (RISING, "negative", False),
    (RISING, "rises, 1/2", True), (RISING, "rises, 1", False), (RISING, "flat, positive", False),
])
def test_a_wording_holds_exactly_when_the_measured_slope_says_so(key, wording, holds):
    c = claims.check(key, wording)
    assert c["measured"] == exponents.measured(key)
    assert c["holds"] is holds, c


def test_unknown_rows_and_wordings_are_refused():
    with pytest.raises(KeyError, match="no exponent row 'no_such_row'"):
        claims.check("no_such_row", "flat")
    with pytest.raises(ValueError, match="unknown wording 'goes up'"):
        claims.check(RISING, "goes up")


def test_a_claim_renders_as_its_measured_slope():
    out = claims_job.render(f"It rises (slope {{{{ claim: {RISING} | rises }}}}).", "p.md")
    assert out == f"It rises (slope ${exponents.measured(RISING):+.2f}$)."


@pytest.mark.parametrize("text, message", [
    ("{{ claim: RISING | falls }}", "p.md: claim {{ claim: RISING | falls }} says 'falls' (slope < −0.1), "
                                    "but the measured slope is MEASURED (square Gaussian)"),
    ("{{ claim: nothing | flat }}", "p.md: claim {{ claim: nothing | flat }}: no exponent row 'nothing'"),
    ("{{ claim RISING }}", "p.md: malformed claim"),
])
def test_a_wrong_or_malformed_claim_names_page_claim_and_measurement(text, message):
    with pytest.raises(claims_job.ClaimError) as e:
        claims_job.render("Some text " + text.replace("RISING", RISING), "p.md")
    measured = f"{exponents.measured(RISING):+.3f}"
    assert message.replace("RISING", RISING).replace("MEASURED", measured) in str(e.value)


def _build(tmp_path, text):
    return build_pages(tmp_path, {"index.md": f"# Page\n\n{text}\n"})


def test_a_page_whose_claim_disagrees_with_its_measurement_fails_the_build(tmp_path):
    proc = _build(tmp_path, f"A Gaussian's stable rank falls with width ({{{{ claim: {RISING} | falls }}}}).")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert re.search(rf"index\.md: claim \{{\{{ claim: {RISING} \| falls \}}\}} says 'falls' .*"
                     rf"measured slope is {re.escape(f'{exponents.measured(RISING):+.3f}')}", out), textwrap.shorten(out, 2000)


def test_a_page_whose_claim_agrees_builds_with_the_measured_slope_in_it(tmp_path):
    proc = _build(tmp_path, f"It rises ({{{{ claim: {RISING} | rises }}}}).")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f"{exponents.measured(RISING):+.2f}" in page and "claim:" not in page
