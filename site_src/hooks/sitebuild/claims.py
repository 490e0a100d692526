"""Scaling claims in the pages' prose, checked against the measured exponent table when the site is built.

A page writes a claim as ``{{ claim: ROW | WORDING }}``, for instance
``the readout line rises (slope {{ claim: coord_check_sp_readout_2 | rises }})``. ROW names a row of
``spectral_condition.exponents`` (the rows of the reference page's table and of the tests) and
WORDING is what the sentence says of it: ``rises``, ``falls``, ``flat`` or a slope such as ``1/2``
(the rule is ``spectral_condition.claims``). The build writes the measured slope, as math, in place
of the claim, and stops with an error naming the page, the claim and the measured value when the
wording disagrees. Rows are measured once per build and shared with the reference table (the
package caches each measurement).
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

from . import package

CLAIM = re.compile(r"\{\{\s*claim\s*:\s*(?P<key>[A-Za-z0-9_]+)\s*\|\s*(?P<wording>[^{}|]+?)\s*\}\}")
ANY_CLAIM = re.compile(r"\{\{\s*claim\b[^}]*\}\}?")


class ClaimError(PluginError):
    """A claim whose wording its measurement contradicts, or that names no row: the build stops."""


def _replace(page: str, match: re.Match) -> str:
    claims = package.get("spectral_condition.claims")
    text = match.group(0)
    try:
        c = claims.check(match.group("key"), match.group("wording"))
    except (KeyError, ValueError) as e:
        raise ClaimError(f"{page}: claim {text}: {e.args[0]}") from None
    if not c["holds"]:
        raise ClaimError(f"{page}: claim {text} says '{c['wording']}' ({c['rule']}), but the measured "
                         f"slope is {c['measured']:+.3f} ({c['setting']})")
    return f"${c['measured']:+.2f}$"


def render(markdown_src: str, page: str) -> str:
    """The page with every claim replaced by its measured slope; ClaimError on a wrong or malformed one."""
    out = CLAIM.sub(lambda m: _replace(page, m), markdown_src)
    stray = ANY_CLAIM.search(out)
    if stray:
        raise ClaimError(f"{page}: malformed claim {stray.group(0)!r}: write {{{{ claim: ROW | WORDING }}}}")
    return out


def on_page_markdown(markdown_src: str, page, config, files, **kwargs):
    return render(markdown_src, page.file.src_uri)
