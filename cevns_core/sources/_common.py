"""Helpers shared by the source models: parameter checks that raise CevnsError, geometry."""

from __future__ import annotations

import math
from typing import Any

from .._validation import as_float, check_parameters
from ..errors import CevnsError
from .base import Source

__all__: list[str] = []


class ValidatedSource(Source):
    """A :class:`Source` whose constructor turns bad parameters into :class:`CevnsError`.

    Unknown names, values outside a parameter's bounds and unknown selector choices are reported
    with the parameter's name, the value given and what is allowed. Subclasses add cross-parameter
    checks in :meth:`_check` (called after construction and before every spectrum evaluation).
    """

    __abstract = True

    def __init__(self, **params: Any) -> None:
        check_parameters(type(self), params)
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
