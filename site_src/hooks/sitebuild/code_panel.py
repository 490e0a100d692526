"""The files behind each figure's Python panel: the experiment's code as the package has it, and the
code editor, all served from the site itself.

For every experiment, ``spectral_condition.source.experiment_source`` (its compute function and the
package functions it calls, read from the package's files at build time, so the panel cannot drift
from the code that drew the figure) becomes assets/code/<name>.py, the text the editor starts from
and Reset brings back, and assets/code/<name>.html, the same text highlighted by Pygments with the
classes Material colours in light and dark mode. The editor (CodeMirror, from node_modules through
package.json and its lock file) is bundled by esbuild into assets/vendor/codemirror/code-editor.js,
which the page imports only when a reader opens the editor.
"""

from __future__ import annotations

import subprocess

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from . import package
from .paths import NODE, ROOT, SITE_SRC

CODE_DIR = "assets/code"
EDITOR_SOURCE = SITE_SRC / "editor" / "editor.js"  # its folder is in paths.bundled_sources
EDITOR_BUNDLE = ROOT / "build" / "editor" / "code-editor.js"
EDITOR_URI = "assets/vendor/codemirror/code-editor.js"


def highlighted(text: str) -> str:
    """``text`` as Material's highlighted code block, with line numbers (errors name their line)."""
    return highlight(text, PythonLexer(), HtmlFormatter(cssclass="highlight", linenos="inline", wrapcode=True))


def bundle_editor() -> str:
    """Bundle the editor with esbuild; returns the bundle's path."""
    esbuild = NODE / ".bin" / "esbuild"
    if not esbuild.exists():
        raise PluginError(f"{esbuild} is missing: run `npm ci`")
    EDITOR_BUNDLE.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([str(esbuild), str(EDITOR_SOURCE), "--bundle", "--format=esm", "--minify",
                           f"--outfile={EDITOR_BUNDLE}", "--log-level=warning"],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise PluginError(f"esbuild could not bundle the code editor:\n{done.stderr}")
    return str(EDITOR_BUNDLE)


def on_files(files: Files, config, **kwargs):
    source = package.get("spectral_condition.source")
    add = []
    for name in package.get("spectral_condition.registry").names():
        text = source.experiment_source(name)
        add.append(File.generated(config, f"{CODE_DIR}/{name}.py", content=text))
        add.append(File.generated(config, f"{CODE_DIR}/{name}.html", content=highlighted(text)))
    add.append(File.generated(config, EDITOR_URI, abs_src_path=bundle_editor()))
    for f in add:
        if f.src_uri in files:
            files.remove(files.get_file_from_path(f.src_uri))
        files.append(f)
    return files
