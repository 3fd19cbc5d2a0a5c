"""Refinement of 1-D profiles whose minimum the grid does not resolve.

An Asimov sensitivity (or a precise data set) can give an allowed interval narrower than the
grid step: no grid point but the lowest lies inside it, so the interval would come from one
point and its crossings from points far outside. :func:`scan` then evaluates the χ² on a finer
grid across the two steps around the lowest point and scans again on the union of the grids,
until at least :data:`RESOLVED_POINTS` points lie within Δχ² ≤ 1 of the minimum (or the rounds
run out); the crossings of any confidence level are then interpolated between computed points.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "REFINE_POINTS",
    "REFINE_ROUNDS",
    "RESOLVED_POINTS",
    "refine_profile",
    "refined_axis",
    "unresolved",
]

Array = NDArray[np.float64]

#: Points of the minimum's basin within Δχ² ≤ 1 that make it resolved.
RESOLVED_POINTS = 3
#: New points per refinement across the two grid steps around the lowest point.
REFINE_POINTS = 20
#: Largest number of refinements (each divides the local step by ≈ REFINE_POINTS / 2).
REFINE_ROUNDS = 4


def unresolved(x: Array, chi2: Array) -> tuple[float, float] | None:
    """The bracket (x[i−1], x[i+1]) around the lowest point when fewer than
    :data:`RESOLVED_POINTS` contiguous points lie within Δχ² ≤ 1 of it, else None (also when the
    lowest point is at an end of the grid: the interval is open there, not narrow)."""
    d = np.asarray(chi2, dtype=float)
    if x.size < 3 or not np.any(np.isfinite(d)):
        return None
    d = d - np.nanmin(d)
    i = int(np.nanargmin(d))
    if i == 0 or i == x.size - 1:
        return None
    inside = d <= 1.0
    lo = i
    while lo > 0 and inside[lo - 1]:
        lo -= 1
    hi = i
    while hi < x.size - 1 and inside[hi + 1]:
        hi += 1
    if hi - lo + 1 >= RESOLVED_POINTS:
        return None
    return float(x[i - 1]), float(x[i + 1])


def refined_axis(x: Array, lo: float, hi: float, n: int = REFINE_POINTS) -> Array:
    """``x`` with ``n`` evenly spaced points added strictly between ``lo`` and ``hi``.

    Examples
    --------
    >>> refined_axis(np.array([0.0, 1.0, 2.0]), 0.0, 2.0, n=3).tolist()
    [0.0, 0.5, 1.0, 1.5, 2.0]
    """
    new = np.linspace(lo, hi, n + 2)[1:-1]
    return np.unique(np.concatenate([np.asarray(x, dtype=float), new]))


def refine_profile(result: Any, scan: Callable[..., Any], arguments: dict[str, Any]) -> Any:
    """The 1-D ``result`` scanned again (``scan(**arguments)`` with the axis replaced) on grids
    refined around an unresolved minimum; ``info["refined_points"]`` counts the points added."""
    name = next(iter(result.axes))
    given = result.axes[name].size
    call = {k: v for k, v in arguments.items() if k != "axes"}
    for _ in range(REFINE_ROUNDS):
        x = result.axes[name]
        bracket = unresolved(x, result.chi2)
        if bracket is None:
            break
        call.update(refine=False, **{name: refined_axis(x, *bracket)})
        result = scan(**call)
    result.info["refined_points"] = int(result.axes[name].size - given)
    return result
