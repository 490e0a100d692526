"""Declared parameters of an experiment, and their validation.

Every experiment declares its parameters as a tuple of :class:`Param`. The same declaration drives
three things: validation in :func:`spectral_condition.experiments.run` (so the browser and the
command line get the same error messages), the controls the site generates (``to_dict`` is what the
page reads), and the property-based tests, which draw values from the declared bounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

KINDS = ("int", "float", "choice")


@dataclass(frozen=True)
class Param:
    """One parameter: its kind, default and allowed values.

    ``log2`` marks an integer that must be a power of two (widths): the site shows it as a slider
    moving in powers of two, and validation accepts nothing else.

    ``min``/``max`` are the parameter's *domain*: what the command line, the notebooks and the tests
    may ask for. ``live_max`` is the *browser budget*, the largest value the page's controls offer and
    the worker accepts, chosen so a figure answers within a second in a browser tab.
    """

    name: str
    kind: str
    default: Any
    label: str = ""
    help: str = ""
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)
    choice_labels: tuple[str, ...] = field(default_factory=tuple)
    log2: bool = False
    live_max: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise TypeError(f"Param {self.name!r}: kind must be one of {KINDS}, not {self.kind!r}")
        if self.kind == "choice":
            if not self.choices or self.default not in self.choices:
                raise TypeError(f"Param {self.name!r}: default must be one of its choices")
        else:
            if self.min is None or self.max is None or not (self.min <= self.default <= self.max):
                raise TypeError(f"Param {self.name!r}: needs min <= default <= max")
        if self.log2 and (self.kind != "int" or not _is_power_of_two(self.min)
                          or not _is_power_of_two(self.max) or not _is_power_of_two(self.default)):
            raise TypeError(f"Param {self.name!r}: a log2 parameter is an int with power-of-two bounds")
        if self.live_max is not None and (self.kind == "choice" or not (self.default <= self.live_max <= self.max)
                                          or (self.log2 and not _is_power_of_two(self.live_max))):
            raise TypeError(f"Param {self.name!r}: needs default <= live_max <= max (a power of two if log2)")

    def upper(self, live: bool = False) -> float | None:
        """The largest allowed value: the domain's, or the browser budget's when ``live``."""
        return self.live_max if live and self.live_max is not None else self.max

    def allowed(self, live: bool = False) -> str:
        """The allowed values in words, for error messages and the page."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        hi = self.upper(live)
        if self.log2:
            return "a power of two from {} to {}".format(int(self.min), int(hi))
        kind = "an integer" if self.kind == "int" else "a number"
        return f"{kind} from {_fmt(self.min)} to {_fmt(hi)}"

    def validate(self, value: Any, live: bool = False) -> Any:
        """Return the value in canonical form, or raise ValueError naming the parameter.

        ``live`` holds numbers to the browser budget (``live_max``) instead of the domain.
        """
        def fail(why: str) -> ValueError:
            return ValueError(f"parameter {self.name!r}: {why}; allowed: {self.allowed(live)}")

        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise fail(f"got {value!r}")
            return value
        # bool is an int in Python, but True as a width is always a mistake.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail(f"got {value!r} of type {type(value).__name__}")
        if not math.isfinite(value):
            raise fail(f"got {value!r}, which is not a finite number")
        if self.kind == "int":
            if value != int(value):
                raise fail(f"got {value!r}, which is not an integer")
            value = int(value)
        else:
            value = float(value)
        if not (self.min <= value <= self.upper(live)):
            raise fail(f"got {value!r}, which is out of bounds")
        if self.log2 and not _is_power_of_two(value):
            raise fail(f"got {value!r}, which is not a power of two")
        return value

    def parse(self, text: str) -> Any:
        """Turn command-line text into a value of this kind (validation happens later)."""
        if self.kind == "choice":
            return text
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"parameter {self.name!r}: {text!r} is not a number; "
                             f"allowed: {self.allowed()}") from None
        if self.kind == "int" and math.isfinite(number) and number == int(number):
            return int(number)
        return number

    def coerce(self, text: str, live: bool = True) -> tuple[Any, str]:
        """A value for text from outside (a shared link): the nearest allowed one, and a short note.

        The note is empty when the text was already an allowed value; otherwise it says what was
        done in a few words (it quotes at most a few dozen characters of the text).
        """
        shown = text if len(text) <= 24 else text[:21] + "…"
        try:
            value = self.parse(text)
        except ValueError:
            return self.default, f"{self.name}={shown} is not {self.allowed(live)}; showing {self.default}"
        if self.kind == "choice":
            if value in self.choices:
                return value, ""
            return self.default, f"{self.name}={shown} is not {self.allowed(live)}; showing {self.default}"
        if not math.isfinite(value):
            return self.default, f"{self.name}={shown} is not a finite number; showing {self.default}"
        lo, hi = self.min, self.upper(live)
        snapped = min(max(value, lo), hi)
        if self.log2:
            snapped = 2 ** round(math.log2(snapped))
        elif self.kind == "int":
            snapped = int(round(snapped))
        elif self.step:
            snapped = round(lo + round((snapped - lo) / self.step) * self.step, 12)
        snapped = self.validate(int(snapped) if self.kind == "int" else float(snapped), live)
        if snapped == value:
            return snapped, ""
        if value < lo or value > hi:
            why = f"outside {_fmt(lo)}…{_fmt(hi)}"
        elif self.log2:
            why = "rounded to a power of two"
        elif self.kind == "int":
            why = "rounded to an integer"
        else:
            why = f"rounded to the step {_fmt(self.step)}"
        return snapped, f"{self.name}={shown} {why}; showing {_fmt(snapped)}"

    def values(self, live: bool = False) -> list[Any] | None:
        """Every allowed value when there are few of them (choices, powers of two), else None."""
        if self.kind == "choice":
            return list(self.choices)
        if self.log2:
            out, v = [], int(self.min)
            while v <= self.upper(live):
                out.append(v)
                v *= 2
            return out
        return None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: what the site needs to build a control."""
        d: dict[str, Any] = {"name": self.name, "kind": self.kind, "default": self.default,
                             "label": self.label or self.name, "help": self.help}
        if self.kind == "choice":
            d["choices"] = list(self.choices)
            d["choice_labels"] = list(self.choice_labels or self.choices)
        else:
            d.update(min=self.min, max=self.max, log2=self.log2, live_max=self.upper(live=True))
            d["step"] = self.step if self.step is not None else (1 if self.kind == "int" else None)
        d["allowed"] = self.allowed(live=True)
        return d


def validate_params(schema: tuple[Param, ...], params: Any, experiment: str, live: bool = False) -> dict[str, Any]:
    """Check a whole parameter dict against a schema: no unknown, no missing, every value valid.

    ``live`` holds each number to its browser budget rather than its domain.
    """
    if not isinstance(params, dict):
        raise ValueError(f"experiment {experiment!r}: parameters must be a dict, got {type(params).__name__}")
    names = [p.name for p in schema]
    unknown = sorted(set(params) - set(names), key=str)
    if unknown:
        raise ValueError(f"experiment {experiment!r}: unknown parameter {unknown[0]!r}; "
                         f"its parameters are {', '.join(names)}")
    missing = [n for n in names if n not in params]
    if missing:
        raise ValueError(f"experiment {experiment!r}: missing parameter {missing[0]!r}; "
                         f"its parameters are {', '.join(names)}")
    return {p.name: p.validate(params[p.name], live) for p in schema}


def _is_power_of_two(x: Any) -> bool:
    return isinstance(x, (int, float)) and x >= 1 and x == int(x) and (int(x) & (int(x) - 1)) == 0


def _fmt(x: float | None) -> str:
    return str(int(x)) if x is not None and x == int(x) else f"{x:.12g}"
