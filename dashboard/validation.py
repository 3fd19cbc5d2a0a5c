"""One validator for every way a value reaches the state: URL, widget, configuration file.

:func:`check_entry` checks a value against its entry of :mod:`dashboard.parameters` — whose
bounds, choices and labels are the core models' — and returns the value to store, or raises
:class:`InvalidValue` whose :attr:`~InvalidValue.message` is the same wherever the value came
from: the human label, what is allowed (the range with its unit, the choices by their titles) and
the value as typed (truncated; JSON, never Python syntax). The URL and file layers prefix it with
where the value was (``thr=…``, ``state.mass_kg``); widgets show it under the input.

``text=True`` parses text first (URL values, text boxes): numbers strictly (no NaN, no ∞, at most
:data:`MAX_TEXT_CHARS` characters), booleans as ``true``/``false``, lists and parameter sets as
JSON. :func:`humanize` turns the core's messages about combinations (``detector: upper_limit
(30 PE) must exceed …``) into the same style.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import param

import cevns_core as cc

from .labels import core_label, core_unit, with_unit
from .parameters import by_name, choices, declaration, editor_model, editor_parameters
from .text import clipped, truncated

__all__ = [
    "MAX_TEXT_CHARS",
    "InvalidValue",
    "allowed_text",
    "check_editor",
    "check_entry",
    "check_value",
    "humanize",
    "parse_json",
    "range_text",
    "shown",
]

#: Longest text accepted for one value (a URL value, a text box); longer ones are refused.
MAX_TEXT_CHARS = 1_000


class InvalidValue(cc.CevnsError):
    """A value the state does not accept; ``message`` is what a person reads."""

    def __init__(self, message: str, *, where: str = "") -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)

    def at(self, where: str) -> InvalidValue:
        """The same problem, located (``thr='abc'``, ``state.mass_kg`` …)."""
        return InvalidValue(self.message, where=f"{where}.{self.where}" if self.where else where)


# ------------------------------------------------------------------------------------ text
def shown(value: Any, limit: int = 60) -> str:
    """A value as a person typed it: quoted text, JSON numbers/lists/objects, truncated."""
    if isinstance(value, str):
        return truncated(f"'{value}'", limit)
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    try:
        return truncated(json.dumps(value, ensure_ascii=False), limit)
    except (TypeError, ValueError):
        return truncated(str(value), limit)


def _num(x: float) -> str:
    return f"{x:g}"


def range_text(p: param.Parameter, unit: str = "") -> str:
    """The allowed range of a number parameter, e.g. ``0 < value ≤ 1e+09 kg`` ("" if open)."""
    lo, hi = getattr(p, "bounds", None) or (None, None)
    if lo is None and hi is None:
        return ""
    inc_lo, inc_hi = p.inclusive_bounds
    left = "" if lo is None else f"{_num(lo)} {'≤' if inc_lo else '<'} "
    right = "" if hi is None else f" {'≤' if inc_hi else '<'} {_num(hi)}"
    return f"{left}value{right}" + (f" {unit}" if unit else "")


def _titles(options: Mapping[str, Any], limit: int = 4) -> str:
    """Some of the choices by title (short: a message, not a catalogue)."""
    names = list(options)
    if len(names) > limit:
        listed = ", ".join(clipped(n, 32) for n in names[:limit])
        return f"{len(names)} choices: {listed}, …"
    return ", ".join(names)


def allowed_text(name: str, values: Mapping[str, Any] | None = None) -> str:
    """What entry ``name`` accepts, for tooltips: its range, choices or kind of value."""
    entry = by_name()[name]
    p = declaration(name)
    if isinstance(p, param.Number):
        text = range_text(p, entry.units)
        empty = " (or empty)" if p.allow_None else ""
        return f"Allowed: {text}{empty}" if text else "Any number"
    if isinstance(p, param.Selector) and entry.widget != "editor":
        return "Choices: " + _titles(choices(name))
    return ""


# ------------------------------------------------------------------------------------ parsing
def _reject_constant(token: str) -> float:
    raise InvalidValue(f"{token} is not a finite number (only finite numbers are allowed)")


def parse_json(text: str, what: str) -> Any:
    """JSON text of a list or an object (no NaN/Infinity); InvalidValue naming ``what``."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except InvalidValue as exc:
        raise InvalidValue(f"{exc.message} in {what}") from None
    except (ValueError, RecursionError):
        raise InvalidValue(f"expected JSON for {what}, got {shown(text)}") from None


def _parse(p: param.Parameter, raw: str, label: str) -> Any:
    """Text (URL, text box) as the value type of ``p``."""
    if len(raw) > MAX_TEXT_CHARS:
        raise InvalidValue(
            f"the value for {label} is too long ({len(raw):,} characters; at most "
            f"{MAX_TEXT_CHARS:,})"
        )
    text = raw.strip()
    if isinstance(p, param.Boolean):
        lowered = text.lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise InvalidValue(f"expected true or false for {label}, got {shown(raw)}")
    if isinstance(p, param.Number):
        if text == "" and p.allow_None:
            return None
        try:
            value = float(text)
        except ValueError:
            raise InvalidValue(f"expected a number for {label}, got {shown(raw)}") from None
        if isinstance(p, param.Integer) and value.is_integer():
            return int(value)
        return value
    if isinstance(p, param.ListSelector):
        if text.startswith("["):
            return parse_json(text, label)
        return [t.strip() for t in text.split(",") if t.strip()]
    if isinstance(p, param.Dict):
        return parse_json(text, label)
    return raw


# ------------------------------------------------------------------------------------ checks
def check_value(
    p: param.Parameter,
    value: Any,
    label: str,
    unit: str = "",
    *,
    text: bool = False,
    options: Mapping[str, Any] | None = None,
) -> Any:
    """``value`` checked against declaration ``p`` (type, finiteness, bounds, choices).

    Returns the value to store (ints for integers, floats for numbers, lists for lists).
    """
    if text and isinstance(value, str) and not isinstance(p, param.String):
        value = _parse(p, value, label)
    if value is None:
        if p.allow_None:
            return None
        raise InvalidValue(f"a value is required for {label}")
    if isinstance(p, param.Boolean):
        if not isinstance(value, bool):
            raise InvalidValue(f"expected true or false for {label}, got {shown(value)}")
        return value
    if isinstance(p, param.Number):
        return _check_number(p, value, label, unit)
    if isinstance(p, param.ListSelector):
        if not isinstance(value, list | tuple):
            raise InvalidValue(f"expected a list for {label}, got {shown(value)}")
        bad = [v for v in value if v not in p.objects]
        if bad:
            names = options or {str(v): v for v in p.objects}
            raise InvalidValue(
                f"{shown(bad[0])} is not one of the choices for {label} ({_titles(names)})"
            )
        return list(value)
    if isinstance(p, param.Selector):
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise InvalidValue(f"expected a name for {label}, got {shown(value)}")
        if value in p.objects:
            return value
        check = getattr(p, "check", None)
        if check is not None and not p.check_on_set:  # an open choice (target): the core decides
            try:
                check(value)
            except cc.CevnsError as exc:
                raise InvalidValue(
                    f"unknown material or isotope {shown(value)} for {label}: {humanize(str(exc))}"
                ) from None
            return value
        names = options or {str(v): v for v in p.objects}
        raise InvalidValue(
            f"{shown(value)} is not one of the choices for {label} ({_titles(names)})"
        )
    if isinstance(p, param.String):
        if not isinstance(value, str):
            raise InvalidValue(f"expected text for {label}, got {shown(value)}")
        if len(value) > MAX_TEXT_CHARS:
            raise InvalidValue(f"the text for {label} is too long (at most {MAX_TEXT_CHARS:,})")
        return value
    if isinstance(p, param.Dict):
        if not isinstance(value, dict):
            raise InvalidValue(
                f"expected a JSON object (named values) for {label}, got {shown(value)}"
            )
        return dict(value)
    raise InvalidValue(f"{label} cannot be set here")  # pragma: no cover


def _check_number(p: param.Number, value: Any, label: str, unit: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"expected a number for {label}, got {shown(value)}")
    if not math.isfinite(value):
        raise InvalidValue(f"expected a finite number for {label}, got {shown(value)}")
    if isinstance(p, param.Integer) and not float(value).is_integer():
        raise InvalidValue(f"expected a whole number for {label}, got {shown(value)}")
    lo, hi = p.bounds or (None, None)
    inc_lo, inc_hi = p.inclusive_bounds
    where = f"{label} ({range_text(p, unit)})"
    if lo is not None and (value < lo or (value == lo and not inc_lo)):
        raise InvalidValue(f"{shown(value)} is below the allowed range of {where}")
    if hi is not None and (value > hi or (value == hi and not inc_hi)):
        raise InvalidValue(f"{shown(value)} is above the allowed range of {where}")
    return int(value) if isinstance(p, param.Integer) else float(value)


def check_entry(
    name: str, value: Any, values: Mapping[str, Any] | None = None, *, text: bool = False
) -> Any:
    """``value`` for state entry ``name`` (``values``: the other entries, for editor sets)."""
    entry = by_name()[name]
    p = declaration(name)
    if entry.widget == "editor":
        if text and isinstance(value, str):
            value = _parse(p, value, entry.human)
        return check_editor(name, value, values or {})
    options = choices(name) if isinstance(p, param.Selector) else None
    return check_value(p, value, entry.human, entry.units, text=text, options=options)


def check_editor(name: str, value: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """A set of a core model's parameters (editor entry ``name``), each checked against the
    model's declaration; unknown names are refused."""
    entry = by_name()[name]
    if not isinstance(value, dict):
        raise InvalidValue(
            f"expected a JSON object (named values) for {entry.human}, got {shown(value)}"
        )
    cls = editor_model(name, values)
    allowed = editor_parameters(name, values)
    unknown = [k for k in value if k not in allowed]
    if unknown:
        listed = ", ".join(shown(k) for k in unknown[:5])
        raise InvalidValue(f"unknown parameter(s) {listed} for {entry.human}")
    out = {}
    for key, item in value.items():
        p = cls.param[key]
        try:
            out[key] = check_value(p, item, core_label(cls, key), core_unit(cls, key))
        except InvalidValue as exc:
            raise exc.at(key) from None
    return out


# ------------------------------------------------------------------------------------ messages
def _core_names() -> dict[str, str]:
    """Identifiers of core parameters that may appear in the core's messages → labels."""
    out = {}
    for cls in (cc.Detector, cc.NuclearModel, *cc.SOURCE_TYPES.values()):
        for key in cls.param:
            if "_" in key:
                out[key] = core_label(cls, key).lower()
    return out


_PATH = re.compile(r"^(?:[a-z_][\w.\[\]]*|[A-Z]\w*\d+): ")


def humanize(message: str) -> str:
    """A core message for a person: without its spec path or Python hints, labels for names."""
    text = str(message)
    while _PATH.match(text):
        text = _PATH.sub("", text, count=1)
    cut = text.find(" (e.g. ")
    if cut > 0 and ("=" in text[cut:] or "(" in text[cut + 7 :]):
        text = text[:cut]
    for key, label in sorted(_core_names().items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"\b{re.escape(key)}\b", label, text)
    return text[:1].upper() + text[1:]


def title_of(name: str) -> str:
    """The label and unit of entry ``name`` (for messages that name an entry)."""
    entry = by_name()[name]
    return with_unit(entry.human, entry.units)
