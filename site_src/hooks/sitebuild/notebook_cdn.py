"""Notebook pages load nothing from outside the site.

nbconvert's HTML points at CDNs: a MathJax 2 loader with its configuration, a Mermaid loader, the
widget manager. The site loads nothing from elsewhere, and its own KaTeX already typesets notebook
math, so these loaders are cut from the HTML of every notebook page.
"""

from __future__ import annotations

import re

LOADERS = [
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S),
    # inline scripts that import from a CDN
    re.compile(r"<script\b[^>]*>(?:(?!</script>).)*?(?:cdnjs\.cloudflare\.com|unpkg\.com|cdn\.jsdelivr\.net)"
               r"(?:(?!</script>).)*?</script>", re.S),
    re.compile(r"<script\b[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.S),
]


def on_page_content(html_text: str, page, config, files, **kwargs):
    if page.file.src_uri.endswith(".ipynb"):
        for pattern in LOADERS:
            html_text = pattern.sub("", html_text)
    return html_text
