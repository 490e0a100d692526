"""Whether a sentence's wording agrees with a measured exponent: the rule the article's claims obey.

A page states a scaling claim as a row of the exponent table (``exponents.CHECKS``) and a wording:
"rises", "falls" or "flat" (the sign of the measured slope, with |slope| ≤ FLAT counted as flat),
"negative" or "positive" (the bare sign, for a slight tilt inside the flat band), or a size such as
"1/2", "-1", "0" (the measured slope within the row's own tolerance of that number). Several
wordings joined by commas ("flat, negative") must all hold.
The site's build renders the measured slope in place of the claim and stops when the wording is
wrong, so the text cannot say what its own measurements contradict.
"""

from __future__ import annotations

from fractions import Fraction

from . import exponents

# The article's "flat": the tolerance every flat check of the exponent table allows a training slope.
FLAT = 0.1

SIGNS = ("rises", "falls", "flat", "negative", "positive")


def parse_wording(wording: str) -> str | float:
    """A sign word, or the number a size wording names ("1/2" → 0.5); ValueError otherwise."""
    w = wording.strip()
    if w in SIGNS:
        return w
    try:
        return float(Fraction(w.replace("−", "-")))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"unknown wording {wording!r}: write one of {', '.join(SIGNS)} or a slope "
                         "such as 1/2 or -1") from None


def check(key: str, wording: str) -> dict:
    """The claim that row ``key`` has ``wording``: plain data with the measured slope and whether it holds."""
    if key not in exponents.CHECKS:
        raise KeyError(f"no exponent row {key!r}")
    parts = [_check_one(key, w) for w in wording.split(",")]
    failed = [p for p in parts if not p[0]] or parts
    return {"key": key, "wording": wording.strip(), "measured": exponents.measured(key),
            "holds": all(p[0] for p in parts), "rule": failed[0][1], "setting": exponents.CHECKS[key].setting}


def _check_one(key: str, wording: str) -> tuple[bool, str]:
    want = parse_wording(wording)
    row = exponents.CHECKS[key]
    m = exponents.measured(key)
    if want == "negative":
        holds, rule = m < 0, "slope < 0"
    elif want == "positive":
        holds, rule = m > 0, "slope > 0"
    elif want == "rises":
        holds, rule = m > FLAT, f"slope > +{FLAT}"
    elif want == "falls":
        holds, rule = m < -FLAT, f"slope < −{FLAT}"
    elif want == "flat":
        holds, rule = abs(m) <= FLAT, f"|slope| ≤ {FLAT}"
    else:
        holds, rule = abs(m - want) <= row.tolerance, f"|slope − ({want:g})| ≤ {row.tolerance:g}"
    return holds, rule
