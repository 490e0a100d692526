"""The ```` ```mup-crosscheck ```` fence on page 7: microsoft/mup's measured coordinate-check slopes
(bench/mup_slopes.json, made by bench/mup_crosscheck.py) beside the package's own in the same setting
(``spectral_condition.mup_setting``, computed natively when the site is built), per layer and step.
"""

from __future__ import annotations

import html
import json

from . import fences, package
from .paths import MUP_SLOPES
from .reference_tables import TableFenceError, _math

LAYERS = ("input", "hidden", "output")
LABELS = {"mup": "μP", "sp": "SP"}


def format_table(source, language, class_name, options, md, **kwargs) -> str:
    try:
        theirs = json.loads(MUP_SLOPES.read_text(encoding="utf-8"))
        setting = package.get("spectral_condition.mup_setting")
        ours = {p: setting.slopes(p) for p in setting.PARAMETERIZATIONS}
    except Exception as e:
        raise TableFenceError(f"mup-crosscheck fence: {e!r}") from e
    head = ("<thead><tr><th>parameterization</th><th>updates</th><th>layer</th><th>mup</th>"
            "<th>this package</th><th>difference</th></tr></thead>")
    body = []
    for p, rows in ours.items():
        for t, (mine, mup_row) in enumerate(zip(rows, theirs["slopes"][p]), start=1):
            for layer, a, b in zip(LAYERS, mine, mup_row):
                body.append(f'<tr data-parameterization="{p}" data-step="{t}" data-layer="{layer}" '
                            f'data-mup="{b!r}" data-package="{a!r}">'
                            f"<td>{html.escape(LABELS.get(p, p))}</td><td>{t - 1}</td><td>{layer}</td>"
                            f"<td>{_math(f'{b:+.2f}')}</td><td>{_math(f'{a:+.2f}')}</td>"
                            f"<td>{_math(f'{a - b:+.2f}')}</td></tr>")
    versions = ", ".join(f"{k} {html.escape(str(v))}" for k, v in theirs["versions"].items())
    return (f'<table data-mup-crosscheck="{len(body)}">{head}<tbody>{"".join(body)}</tbody></table>'
            f'<p class="sc-table-note">mup side: <code>{html.escape(theirs["command"])}</code> ({versions}).</p>')


def _validate(language, inputs, options, attrs, md) -> bool:
    return not inputs


def on_config(config, **kwargs):
    fences.add(config, {"name": "mup-crosscheck", "class": "sc-mup-crosscheck", "format": format_table,
                        "validator": _validate})
    return config
