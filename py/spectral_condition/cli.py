"""The command line: list the experiments, run one natively, print its result or write its figure.

    python -m spectral_condition list [--json]
    python -m spectral_condition run NAME [key=value ...] [--json | --html FILE]

Parameters left out take their defaults; values are parsed by the schema and validated by ``run``,
exactly as in the browser, so a bad value gives the same message here (exit status 2, no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from .experiments import get, names, run_figure, schemas

# Where `npm ci` puts the basic Plotly.js bundle, relative to the repository holding py/.
PLOTLY_PACKAGE = Path("node_modules") / "plotly.js-basic-dist-min"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            return _list(args.json)
        return _run(args)
    except ValueError as err:
        # A bad request is the user's to fix: the message names the parameter and what is allowed.
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m spectral_condition",
                                     description="Run the experiments of the spectral-condition site natively.")
    sub = parser.add_subparsers(dest="command", required=True)
    lst = sub.add_parser("list", help="the experiments and their parameters")
    lst.add_argument("--json", action="store_true", help="print the schemas as JSON")
    run = sub.add_parser("run", help="run one experiment",
                         description="Run one experiment; parameters not given take their defaults.")
    run.add_argument("name", help="experiment name (see `list`)")
    run.add_argument("params", nargs="*", metavar="key=value", help="parameter values")
    out = run.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the result and its Plotly figure as JSON")
    out.add_argument("--html", metavar="FILE", help="write a standalone HTML page of the figure")
    return parser


def _list(as_json: bool) -> int:
    if as_json:
        print(json.dumps(schemas(), indent=2, ensure_ascii=False))
        return 0
    for name, sch in schemas().items():
        print(f"{name}: {sch['title']}  [section {sch['section']}, {sch['cost']}]")
        for p in get(name).params:
            label = f" ({p.label})" if p.label and p.label != p.name else ""
            tab = f" (in a browser tab up to {p.live_max:g})" if p.live_max is not None and p.live_max < p.max else ""
            print(f"    {p.name}{label}: {p.allowed()}{tab}; default {p.default!r}")
        print()
    return 0


def parse_params(name: str, tokens: Sequence[str]) -> dict[str, Any]:
    """Defaults overridden by ``key=value`` tokens, each value parsed by its parameter's kind."""
    exp = get(name)
    by_name = {p.name: p for p in exp.params}
    given: dict[str, Any] = {}
    for token in tokens:
        key, sep, text = token.partition("=")
        if not sep or not key:
            raise ValueError(f"expected key=value, got {token!r}; parameters of {name!r}: "
                             f"{', '.join(by_name)}")
        if key in given:
            raise ValueError(f"parameter {key!r} is given twice")
        # An unknown key passes through unparsed so that validation reports it with the known names.
        given[key] = by_name[key].parse(text) if key in by_name else text
    return {**exp.defaults(), **given}


def _run(args: argparse.Namespace) -> int:
    params = parse_params(args.name, args.params)
    result = run_figure(args.name, params)
    if args.json:
        print(json.dumps(result, allow_nan=False, ensure_ascii=False))
    elif args.html:
        _write_html(Path(args.html), result)
    else:
        print(summary(result))
    return 0


def summary(result: dict[str, Any]) -> str:
    """A few readable lines: the parameters, then every number of the data (long lists shortened)."""
    exp = get(result["experiment"])
    lines = [f"{exp.name}: {exp.title}",
             "params: " + ", ".join(f"{k}={v!r}" for k, v in result["params"].items())]
    for key, value in result["data"].items():
        lines.append(f"  {key}: {_short(value)}")
    return "\n".join(lines)


def _short(value: Any, room: int = 6) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        if len(value) > room:
            head = ", ".join(_short(v, 2) for v in value[:room // 2])
            tail = ", ".join(_short(v, 2) for v in value[-(room // 2):])
            return f"[{head}, …, {tail}] ({len(value)} values)"
        return "[" + ", ".join(_short(v, 2) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def plotly_bundle() -> Path | None:
    """The basic Plotly.js bundle from node_modules beside py/ (or the working directory), if installed."""
    for root in (Path(__file__).resolve().parents[2], Path.cwd()):
        package = root / PLOTLY_PACKAGE
        try:
            main_file = json.loads((package / "package.json").read_text(encoding="utf-8"))["main"]
        except (OSError, ValueError, KeyError):
            continue
        bundle = package / main_file
        if bundle.is_file():
            return bundle
    return None


def _write_html(path: Path, result: dict[str, Any]) -> None:
    exp = get(result["experiment"])
    fig = json.dumps(result["figure"], allow_nan=False, ensure_ascii=False).replace("</", "<\\/")
    bundle = plotly_bundle()
    if bundle is not None:
        # Inline, not linked: the page must open offline, from any folder, with no CDN.
        script = bundle.read_text(encoding="utf-8").replace("</script", "<\\/script")
        body = ('<div id="figure" style="width:100%;height:80vh"></div>\n'
                f"<script>{script}</script>\n"
                f"<script>const fig = {fig};\n"
                'Plotly.newPlot("figure", fig.data, fig.layout, {responsive: true});</script>')
    else:
        print(f"warning: Plotly.js not found at {PLOTLY_PACKAGE} (run `npm ci` in the repository); "
              f"{path} holds the figure as JSON only", file=sys.stderr)
        body = (f"<p>Plotly.js was not found (expected {PLOTLY_PACKAGE}; run <code>npm ci</code>), so this "
                "page holds the figure as JSON only: paste it into any Plotly.js page to draw it.</p>\n"
                f'<script type="application/json" id="figure-json">{fig}</script>\n'
                f"<pre>{_escape(json.dumps(result['figure'], indent=1, ensure_ascii=False))}</pre>")
    params = ", ".join(f"{k}={v!r}" for k, v in result["params"].items())
    page = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_escape(exp.title)}</title>\n</head>\n<body>\n"
            f"<h1>{_escape(exp.title)}</h1>\n<p><code>{_escape(exp.name)}</code>: {_escape(params)}</p>\n"
            f"{body}\n</body>\n</html>\n")
    path.write_text(page, encoding="utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


if __name__ == "__main__":
    sys.exit(main())
