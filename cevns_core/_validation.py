"""Boundary checks shared by the public functions: turn bad input into a precise CevnsError."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import CevnsError

__all__ = ["as_array", "as_float", "check_choice"]


def _range_text(minimum: float | None, maximum: float | None, inclusive: bool) -> str:
    lo = "[" if inclusive else "("
    hi = "]" if inclusive else ")"
    a = "-inf" if minimum is None else f"{minimum:g}"
    b = "inf" if maximum is None else f"{maximum:g}"
    return f"{lo}{a}, {b}{hi}"


def as_array(
    value: ArrayLike,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    inclusive: bool = True,
) -> NDArray[np.float64]:
    """Convert ``value`` to a float array, checking it is finite and inside the given range.

    Raises
    ------
    CevnsError
        If the value is not numeric, contains NaN/inf, or lies outside ``[minimum, maximum]``
        (open interval when ``inclusive`` is false).
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise CevnsError(f"{name} must be a number or an array of numbers, got {value!r}") from exc
    if not np.all(np.isfinite(arr)):
        raise CevnsError(f"{name} must be finite, got {value!r}")
    allowed = _range_text(minimum, maximum, inclusive)
    if minimum is not None:
        bad = arr < minimum if inclusive else arr <= minimum
        if np.any(bad):
            raise CevnsError(f"{name} must lie in {allowed}, got {arr[bad].flat[0]:g}")
    if maximum is not None:
        bad = arr > maximum if inclusive else arr >= maximum
        if np.any(bad):
            raise CevnsError(f"{name} must lie in {allowed}, got {arr[bad].flat[0]:g}")
    return arr


def as_float(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    inclusive: bool = True,
) -> float:
    """Like :func:`as_array` for a single number."""
    arr = as_array(value, name, minimum=minimum, maximum=maximum, inclusive=inclusive)
    if arr.ndim != 0:
        raise CevnsError(f"{name} must be a single number, got an array of shape {arr.shape}")
    return float(arr)


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """Check that ``value`` is one of ``choices`` and return it."""
    options = list(choices)
    if value not in options:
        raise CevnsError(f"unknown {name} {value!r}; choose one of: {', '.join(map(str, options))}")
    return value
