"""The Python behind a figure, as a reader sees it and may edit it: an experiment's compute function
and every package function it calls, read from the package's own files (never a copy), and the way
to run an edited version of that text against the package.

The text is a sequence of sections, one per module, each opened by a line ``# ── <module> ──``; a
section holds that module's functions in file order. Running edited text executes each section in a
fresh copy of its module's namespace, so the code finds the same names the package's code finds, and
rewires the copies to call each other: an edited function is what the edited experiment calls. Modules
outside the text (the registry, the figure building blocks, NumPy) are the package's own.

Standard library only: the browser's worker runs edited code with this module too.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
import types
from typing import Any, Callable

PACKAGE = "spectral_condition"
FILENAME = "<edited>"

# The plumbing every experiment shares (registration, validation, the width cache, the figure
# layout): not the experiment's own code, and shown on the reference pages instead.
PLUMBING = {"registry", "schema", "plot", "figure_layout", "sweeps", "params", "constants", "web", "source"}

_HEADER = re.compile(r"^# ── ([\w.]+) ──$")


def _package_function(obj: Any) -> bool:
    if not inspect.isfunction(obj):
        return False
    module = obj.__module__ or ""
    return module.startswith(PACKAGE + ".") and module.rsplit(".", 1)[-1] not in PLUMBING


def _called(fn: Callable[..., Any]) -> list[Callable[..., Any]]:
    """The package functions that ``fn``'s body names: ``f(...)`` or ``module.f(...)``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    body = ast.Module(body=tree.body[0].body, type_ignores=[])  # not the decorator's arguments
    names = fn.__globals__
    out = []
    for node in ast.walk(body):
        obj = None
        if isinstance(node, ast.Name):
            obj = names.get(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = names.get(node.value.id)
            if isinstance(owner, types.ModuleType):
                obj = getattr(owner, node.attr, None)
        if _package_function(obj) and obj not in out:
            out.append(obj)
    return out


def functions(name: str) -> list[Callable[..., Any]]:
    """The compute function of experiment ``name`` and every package function it reaches."""
    from .registry import get

    found = [get(name).compute]
    for fn in found:  # grows while it is walked: a breadth-first closure
        found.extend(f for f in _called(fn) if f not in found)
    return found


def experiment_source(name: str) -> str:
    """The text of :func:`functions`, one section per module: the experiment's module first, then
    the others in the order they are first called; functions in each module in file order."""
    by_module: dict[str, list[Callable[..., Any]]] = {}
    for fn in functions(name):
        by_module.setdefault(fn.__module__, []).append(fn)
    sections = []
    for module, fns in by_module.items():
        fns.sort(key=lambda f: f.__code__.co_firstlineno)
        body = "\n\n\n".join(inspect.getsource(f).rstrip("\n") for f in fns)
        sections.append(f"# ── {module} ──\n\n{body}\n")
    return "\n\n".join(sections)


def sections(text: str) -> list[tuple[str, int, str]]:
    """``(module, first line, code)`` of each section of ``text``; lines count from 1 as an editor's."""
    out: list[tuple[str, int, list[str]]] = []
    for i, line in enumerate(text.split("\n"), start=1):
        header = _HEADER.match(line)
        if header:
            out.append((header.group(1), i, []))
        elif out:
            out[-1][2].append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            raise SyntaxError(f"code before the first '# ── module ──' line", (FILENAME, i, 1, line))
    for module, _, _ in out:
        if module not in sys.modules or not module.startswith(PACKAGE + ".") \
                or module.rsplit(".", 1)[-1] in PLUMBING:
            raise ValueError(f"'# ── {module} ──' does not name a module whose code can be edited here")
    return [(module, start, "\n".join(lines)) for module, start, lines in out]


def _no_registration(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    # The experiment is registered already; its edited version is called directly, not registered.
    return lambda fn: fn


def load(name: str, text: str) -> Callable[..., dict[str, Any]]:
    """The compute function of experiment ``name`` as ``text`` defines it (edited or not).

    Raises SyntaxError or what the text raises while it is executed; their line numbers are the
    text's own (the code objects are compiled under the file name ``<edited>``).
    """
    from .registry import get

    compute = get(name).compute
    copies: dict[str, types.ModuleType] = {}
    defined: dict[str, set[str]] = {}
    for module, start, code in sections(text):
        original = sys.modules[module]
        copy = copies.get(module)
        if copy is None:
            copy = types.ModuleType(module)
            copy.__dict__.update(original.__dict__)
            copy.__dict__["experiment"] = _no_registration
            copies[module] = copy
            defined[module] = set()
        before = dict(copy.__dict__)
        # Blank lines in front keep every line number equal to the editor's.
        exec(compile("\n" * start + code, FILENAME, "exec"), copy.__dict__)
        defined[module] |= {k for k, v in copy.__dict__.items() if before.get(k) is not v}
    for copy in copies.values():
        for key, value in list(copy.__dict__.items()):
            if isinstance(value, types.ModuleType) and value.__name__ in copies:
                copy.__dict__[key] = copies[value.__name__]
            elif inspect.isfunction(value) and value.__module__ in copies \
                    and value.__name__ in defined[value.__module__] \
                    and value.__code__.co_filename != FILENAME:
                copy.__dict__[key] = copies[value.__module__].__dict__[value.__name__]
    home = copies.get(compute.__module__)
    edited = home.__dict__.get(compute.__name__) if compute.__name__ in defined.get(compute.__module__, ()) else None
    if not callable(edited):
        raise ValueError(f"the code must define {compute.__name__}() in its '# ── {compute.__module__} ──' "
                         "section: the figure calls it")
    return edited


def error_line(error: BaseException) -> int | None:
    """The line of the edited text where ``error`` was raised (the innermost one), if it was."""
    if isinstance(error, SyntaxError) and error.filename == FILENAME:
        return error.lineno
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
