"""Chemical formulas such as ``"CaWO4"`` or ``"Ca(OH)2"`` → atoms of each element per formula unit.

Element symbols (capitalised, exact case) with optional integer or decimal counts after them,
parenthesised groups with multipliers, and ``D`` for deuterium. Every malformed formula raises a
:class:`~cevns_core.errors.CevnsError` naming the position and what is allowed.
"""

from __future__ import annotations

import re

import periodictable
import periodictable.core

from ..errors import CevnsError

__all__ = ["check_element_symbol", "parse_formula"]

_DEUTERIUM = "D"
_COUNT = re.compile(r"\d+(?:\.\d+)?")


def parse_formula(text: str) -> dict[str, float]:
    """Parse a formula into ``{symbol: atoms per formula unit}`` in order of first appearance.

    Raises
    ------
    CevnsError
        For an empty or malformed formula, an unknown element or a count that is not positive.

    Examples
    --------
    >>> parse_formula("Ca(OH)2")
    {'Ca': 1.0, 'O': 2.0, 'H': 2.0}
    """
    allowed = "element symbols (capitalised, e.g. 'Cs'), counts after them, '(' and ')'"
    if not text:
        raise CevnsError("material formula is empty; write a chemical formula such as 'CsI'")
    stack: list[dict[str, float]] = [{}]
    opened: list[int] = []
    pos, n = 0, len(text)
    while pos < n:
        char = text[pos]
        if char == "(":
            stack.append({})
            opened.append(pos)
            pos += 1
        elif char == ")":
            if not opened:
                raise CevnsError(
                    f"malformed formula {text!r}: ')' at position {pos} has no matching '('"
                )
            start = opened.pop()
            group = stack.pop()
            if not group:
                raise CevnsError(
                    f"malformed formula {text!r}: empty parentheses at position {start}"
                )
            pos, mult = _read_count(text, pos + 1, f"group '{text[start : pos + 1]}'")
            for sym, count in group.items():
                _add(stack[-1], sym, count * mult)
        elif "A" <= char <= "Z":
            end = pos + 2 if pos + 1 < n and "a" <= text[pos + 1] <= "z" else pos + 1
            sym = text[pos:end]
            check_element_symbol(sym, context=text)
            pos, count = _read_count(text, end, sym)
            _add(stack[-1], sym, count)
        elif char.isdigit() or char == ".":
            where = "at the start" if pos == 0 else f"at position {pos}"
            raise CevnsError(
                f"malformed formula {text!r}: a number {where} does not follow an element or ')'; "
                "counts are written after the symbol, e.g. 'Al2O3' (no leading multiplier)"
            )
        elif "a" <= char <= "z":
            raise CevnsError(
                f"malformed formula {text!r}: lowercase {char!r} at position {pos}; "
                "element symbols start with a capital letter (e.g. 'CsI', not 'csi')"
            )
        else:
            raise CevnsError(
                f"malformed formula {text!r}: unexpected character {char!r} at position {pos}; "
                f"allowed are {allowed}, and a trailing dopant in '[...]'"
            )
    if opened:
        raise CevnsError(f"malformed formula {text!r}: '(' at position {opened[-1]} is not closed")
    return stack[0]


def _read_count(text: str, pos: int, what: str) -> tuple[int, float]:
    match = _COUNT.match(text, pos)
    if match is None:
        if pos < len(text) and text[pos] == ".":
            raise CevnsError(
                f"malformed formula {text!r}: bad count after {what} at position {pos}; "
                "write decimals like 'H0.5'"
            )
        return pos, 1.0
    value = float(match.group())
    if value <= 0:
        raise CevnsError(
            f"malformed formula {text!r}: count {match.group()} for {what} must be positive"
        )
    end = match.end()
    if end < len(text) and text[end] == ".":
        raise CevnsError(f"malformed formula {text!r}: bad count after {what} at position {pos}")
    return end, value


def _add(target: dict[str, float], sym: str, count: float) -> None:
    target[sym] = target.get(sym, 0.0) + count


def check_element_symbol(sym: object, *, context: str | None = None) -> str:
    """Return ``sym`` if it is a chemical element symbol (exact case) or ``D``; else CevnsError.

    ``context`` (the formula being read) is named in the message.
    """
    where = f" in formula {context!r}" if context is not None else ""
    if not isinstance(sym, str):
        raise CevnsError(f"element must be a symbol string such as 'Ar', got {sym!r}")
    if sym == _DEUTERIUM:
        return sym
    if sym == "T":
        raise CevnsError(
            f"'T' (tritium){where} is not a natural target; use "
            "Material.from_isotopes({'H3': 1.0}, by='atoms') for a tritium target"
        )
    try:
        found = periodictable.elements.symbol(sym)
    except ValueError:
        found = None
    if not isinstance(found, periodictable.core.Element) or found.number == 0:
        raise CevnsError(
            f"unknown element symbol {sym!r}{where}; use symbols like 'H', 'Cs', 'W' "
            "(capital first letter, exact case) or 'D' for deuterium"
        )
    return sym
