"""The site's build, one job per module. site_src/hooks/main.py, the one hook mkdocs.yml registers,
imports this package afresh at the start of every build and runs each event through the modules of
JOBS in order, so `mkdocs serve` rebuilds with the modules as they are now and a module's globals
last one build.

JOBS, in the order their events run:

* package: imports spectral_condition from py/ afresh, the one copy every job uses (first: the
  others read it).
* package_zip: the package as assets/py/spectral_condition.zip, and the version that keys caches.
* kernel_env: PYTHONPATH, so the notebooks' kernels import the same package.
* jupyter_cache: keys mkdocs-jupyter's execution cache on the package.
* claims: ``{{ claim: ROW | WORDING }}`` in the prose becomes the measured slope of an exponent row,
  and a wording the measurement contradicts stops the build.
* figure_refs: numbers the article's figures in navigation order and turns {{ fig: KEY }} into links.
* demo_fence: reads a ```demo fence, with errors naming the page.
* demo_html: renders the fence: the native figure embedded, named, described, with its data table.
* demos_page: ``<!-- all-demos -->`` becomes one demo per registered experiment.
* reference_tables: the ```exponents, ```tool-checks and ```parameterizations fences.
* width_change: the ```width-change fence: each layer's factors when the width grows.
* mup_table: the ```mup-crosscheck fence, microsoft/mup's slopes beside the package's.
* notebook_cdn: cuts nbconvert's CDN loaders from notebook pages.
* math_html: typesets every page's math with KaTeX at build time; its text form for the search index
  and the table of contents.
* code_panel: each experiment's code as the package has it, plain and highlighted, and the bundled
  code editor, for the figures' Python panels.
* assets: the runtime, Pyodide, Plotly.js and KaTeX, served from the site itself.
* precomputed_widths: after the pages, every width the browser reaches for each figure as the pages
  show it, computed natively for the worker to start with.

Helpers without events: paths (where things are), fences (shared by the fence jobs),
katex (TeX to HTML and to text, in Node), control_labels (the controls' words as HTML), notation (the
package's plain-text notation on a page).
"""

JOBS = ("package", "package_zip", "kernel_env", "jupyter_cache", "claims", "figure_refs", "demo_fence", "demo_html",
        "demos_page", "reference_tables", "width_change", "mup_table", "notebook_cdn", "math_html", "code_panel",
        "assets", "precomputed_widths")
