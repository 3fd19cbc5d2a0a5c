"""Helpers shared by the source models: parameter checks that raise CevnsError, geometry."""

from __future__ import annotations

import math
from typing import Any

import param

from .._validation import as_float, check_choice
from ..errors import CevnsError
from .base import Source

__all__: list[str] = []


def _check_value(p: param.Parameter, key: str, value: Any) -> None:
    """Check one value against a parameter's declaration; raise CevnsError naming the range."""
    if value is None:
        if not p.allow_None:
            raise CevnsError(f"{key} must not be None")
        return
    if isinstance(p, param.ListSelector):
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            raise CevnsError(f"{key} must be a list, got {value!r}")
        for item in value:
            check_choice(item, key, p.objects)
    elif isinstance(p, param.Selector):
        check_choice(value, key, p.objects)
    elif isinstance(p, param.Number):
        if isinstance(value, bool):
            raise CevnsError(f"{key} must be a number, got {value!r}")
        v = as_float(value, key)
        lo, hi = p.bounds if p.bounds is not None else (None, None)
        inc_lo, inc_hi = p.inclusive_bounds
        too_low = lo is not None and (v < lo or (v == lo and not inc_lo))
        too_high = hi is not None and (v > hi or (v == hi and not inc_hi))
        if too_low or too_high:
            lb = "[" if inc_lo else "("
            rb = "]" if inc_hi else ")"
            lo_txt = "-inf" if lo is None else f"{lo:g}"
            hi_txt = "inf" if hi is None else f"{hi:g}"
            raise CevnsError(f"{key} must lie in {lb}{lo_txt}, {hi_txt}{rb}, got {v:g}")


class ValidatedSource(Source):
    """A :class:`Source` whose constructor turns bad parameters into :class:`CevnsError`.

    Unknown names, values outside a parameter's bounds and unknown selector choices are reported
    with the parameter's name, the value given and what is allowed. Subclasses add cross-parameter
    checks in :meth:`_check` (called after construction and before every spectrum evaluation).
    """

    __abstract = True

    def __init__(self, **params: Any) -> None:
        declared = {k: p for k, p in type(self).param.objects("existing").items() if k != "name"}
        for key, value in params.items():
            if key == "name":
                continue
            if key not in declared:
                names = ", ".join(sorted(declared))
                raise CevnsError(
                    f"unknown parameter {key!r} for {type(self).__name__}; allowed: {names}"
                )
            _check_value(declared[key], key, value)
        try:
            super().__init__(**params)
        except CevnsError:
            raise
        except ValueError as exc:  # param's own checks
            raise CevnsError(str(exc)) from exc
        self._check()

    def _check(self) -> None:
        """Cross-parameter consistency checks (override)."""


def sphere_area_cm2(distance_m: float, name: str = "distance_m") -> float:
    """4πL² in cm² for a distance in metres (must be positive)."""
    L = as_float(distance_m, name, minimum=0.0, inclusive=False)
    return 4.0 * math.pi * (L * 100.0) ** 2
