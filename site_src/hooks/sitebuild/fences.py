"""What the jobs that render fences share: adding a fence to SuperFences, and turning a line of
Markdown with $…$ math into inline HTML the way the pages' own Markdown does."""

from __future__ import annotations

import re

import markdown


def add(config, fence: dict) -> None:
    """Add ``fence`` to pymdownx.superfences, replacing a fence of the same name.

    Replacing rather than skipping: each build imports the jobs afresh, and its fence must run the
    functions of that import.
    """
    fences = config.mdx_configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
    fences[:] = [f for f in fences if f.get("name") != fence["name"]] + [fence]


def inline_html(text: str) -> str:
    """Markdown to inline HTML, math wrapped as pymdownx.arithmatex (generic) wraps it for KaTeX.

    A converter of its own: the page's converter is in the middle of rendering the fence.
    """
    md = markdown.Markdown(extensions=["pymdownx.arithmatex"],
                           extension_configs={"pymdownx.arithmatex": {"generic": True}})
    out = md.convert(text).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", out, flags=re.S)
