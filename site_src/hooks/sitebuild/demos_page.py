"""The page of all live figures: ``<!-- all-demos -->`` in a page's Markdown becomes one section per
registered experiment, each a ``demo`` fence with every parameter as a control (except those a browser
tab is offered a single value of), so a new experiment appears there without anyone editing the page.
Its heading is the experiment's title in the package's notation, as notation.py writes it for a page
(sub- and superscripts, nothing Markdown would read as emphasis)."""

from __future__ import annotations

from . import notation, package

MARKER = "<!-- all-demos -->"


def all_demos_markdown() -> str:
    parts = []
    for name, schema in package.get().schemas().items():
        controls = ", ".join(p["name"] for p in schema["params"]
                             if p["kind"] == "choice" or p["live_max"] > p["min"])
        parts.append(f"## {notation.inline_html(schema['title'])}\n\n"
                     f"`{name}` · section {schema['section']} · cost: {schema['cost']}\n\n"
                     f"```demo\nexperiment: {name}\ncontrols: [{controls}]\n```\n")
    return "\n".join(parts)


def on_page_markdown(markdown_src: str, page, config, files, **kwargs):
    if MARKER in markdown_src:
        markdown_src = markdown_src.replace(MARKER, all_demos_markdown())
    return markdown_src
