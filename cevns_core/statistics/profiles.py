"""1-D Δχ² profiles on a grid: best fit with parabolic refinement, intervals from
interpolated crossings, upper limits, :class:`Profile1D` (PHYSICS.md §8.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from .._validation import as_float, to_float_array
from ..errors import CevnsError
from ._constants import CL_1SIGMA, Array
from .levels import _check_cl, delta_chi2_threshold

__all__ = ["Interval", "Profile1D", "best_fit", "confidence_intervals", "upper_limit"]


@dataclass(frozen=True)
class Interval:
    """An allowed interval [lo, hi]; ``lo_open``/``hi_open``: it continues past the scanned grid
    (the end is then the grid end, not a crossing)."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def __contains__(self, x: float) -> bool:
        return self.lo <= x <= self.hi

    def as_dict(self) -> dict[str, Any]:
        """Plain-Python view for JSON output."""
        return {"lo": self.lo, "hi": self.hi, "lo_open": self.lo_open, "hi_open": self.hi_open}


def _profile_arrays(grid: ArrayLike, chi2: ArrayLike) -> tuple[Array, Array]:
    x = to_float_array(grid, "grid")
    y = to_float_array(chi2, "chi2")
    if x.ndim != 1 or x.size < 2:
        raise CevnsError(f"grid must be 1-D with at least 2 points, got shape {x.shape}")
    if y.shape != x.shape:
        raise CevnsError(f"chi2 must have the grid's shape {x.shape}, got {y.shape}")
    if not np.all(np.isfinite(x)) or np.any(np.diff(x) <= 0):
        raise CevnsError("grid must be finite and strictly increasing")
    if np.any(np.isnan(y)) or np.any(y == -np.inf):
        raise CevnsError("chi2 contains NaN or -inf")
    if not np.any(np.isfinite(y)):
        raise CevnsError("chi2 is infinite at every grid point")
    return x, y


def best_fit(grid: ArrayLike, chi2: ArrayLike) -> tuple[float, float]:
    """Best-fit point and χ²_min of a profile on a grid.

    The grid minimum is refined with the parabola through it and its two neighbours (when it is
    interior); the vertex is kept inside the neighbouring grid points.

    Examples
    --------
    >>> x = np.linspace(0.0, 1.0, 11)
    >>> [round(v, 10) for v in best_fit(x, (x - 0.33) ** 2 / 0.01 + 2.0)]
    [0.33, 2.0]
    """
    x, y = _profile_arrays(grid, chi2)
    i = int(np.argmin(y))
    if 0 < i < x.size - 1 and np.all(np.isfinite(y[i - 1 : i + 2])):
        x0, x1, x2 = x[i - 1 : i + 2]
        y0, y1, y2 = y[i - 1 : i + 2]
        d01, d12 = (y1 - y0) / (x1 - x0), (y2 - y1) / (x2 - x1)
        a = (d12 - d01) / (x2 - x0)
        if a > 0:
            # vertex of the interpolating parabola y0 + d01 (x − x0) + a (x − x0)(x − x1)
            xv = float(np.clip(0.5 * (x0 + x1) - d01 / (2.0 * a), x0, x2))
            yv = y0 + d01 * (xv - x0) + a * (xv - x0) * (xv - x1)
            if yv <= y1:
                return xv, float(yv)
    return float(x[i]), float(y[i])


def _crossing(x: Array, d: Array, i: int, level: float) -> float:
    """x in [x_i, x_{i+1}] where the profile d crosses ``level`` (local quadratic, else linear)."""
    xa, xb, ya, yb = x[i], x[i + 1], d[i], d[i + 1]
    if not np.isfinite(yb):  # the outer point is infeasible: keep the last allowed point
        return float(xa)
    if not np.isfinite(ya):
        return float(xb)
    lin = xa + (level - ya) * (xb - xa) / (yb - ya)
    # third point for a quadratic: the neighbour on the side away from the crossing's low end
    j = i - 1 if i - 1 >= 0 else i + 2
    if j >= x.size or not np.isfinite(d[j]):
        return float(lin)
    pts = sorted([(x[j], d[j]), (xa, ya), (xb, yb)])
    (p0, q0), (p1, q1), (p2, q2) = pts
    c = np.polyfit([p0, p1, p2], [q0 - level, q1 - level, q2 - level], 2)
    roots = np.roots(c) if abs(c[0]) > 1e-300 else np.roots(c[1:])
    good = [
        float(r.real)
        for r in np.atleast_1d(roots)
        if abs(r.imag) < 1e-12 and xa - 1e-12 <= r.real <= xb + 1e-12
    ]
    if len(good) == 1:
        return good[0]
    return float(lin)


def _narrow_interval(x: Array, d: Array, level: float) -> Interval:
    """The allowed interval when no grid point lies within ``level``: it is narrower than the grid
    step, so it comes from the parabola through the lowest point and its two neighbours (its
    crossings of the level; the vertex alone when the parabola stays above it)."""
    i = int(np.argmin(d))
    if x.size >= 3:
        j = min(max(i, 1), x.size - 2)
        xs, ys = x[j - 1 : j + 2], d[j - 1 : j + 2]
        if np.all(np.isfinite(ys)):
            t = xs - xs[1]  # centred: no loss of precision for closely spaced grids
            a2, a1, a0 = np.polyfit(t, ys - level, 2)
            if a2 > 0:
                disc = a1 * a1 - 4.0 * a2 * a0
                if disc >= 0:
                    root = math.sqrt(disc)
                    r_lo = xs[1] + (-a1 - root) / (2.0 * a2)
                    r_hi = xs[1] + (-a1 + root) / (2.0 * a2)
                    lo, hi = max(r_lo, x[0]), min(r_hi, x[-1])
                    if lo <= hi:
                        return Interval(
                            float(lo), float(hi), lo_open=r_lo < x[0], hi_open=r_hi > x[-1]
                        )
                vertex = float(np.clip(xs[1] - a1 / (2.0 * a2), xs[0], xs[2]))
                return Interval(vertex, vertex)
    return Interval(float(x[i]), float(x[i]))


def confidence_intervals(
    grid: ArrayLike,
    chi2: ArrayLike,
    *,
    cl: float = 0.9,
    dof: int = 1,
    threshold: float | None = None,
    chi2_min: float | None = None,
) -> list[Interval]:
    """Allowed intervals {x: Δχ²(x) ≤ threshold} of a 1-D profile on a grid.

    Δχ² is measured from ``chi2_min`` (default: the refined minimum of :func:`best_fit`). Each
    end is the crossing of the threshold, interpolated with the local parabola through three grid
    points (linear when that fails); several disjoint intervals are returned in order. An interval
    that reaches the end of the grid is flagged open there. The result is never empty: an
    interval narrower than the grid step (no grid point within the threshold) is taken from the
    parabola through the lowest grid point and its neighbours.

    Parameters
    ----------
    grid : array_like
        Strictly increasing parameter values.
    chi2 : array_like
        χ² at the grid points (``inf`` allowed, NaN not).
    cl, dof : float, int
        Confidence level and degrees of freedom of the threshold (ignored if ``threshold``).
    threshold : float, optional
        Explicit Δχ² level.

    Examples
    --------
    >>> x = np.linspace(-3.0, 3.0, 61)
    >>> iv = confidence_intervals(x, x**2, cl=CL_1SIGMA)
    >>> round(iv[0].lo, 4), round(iv[0].hi, 4)
    (-1.0, 1.0)
    >>> [(round(i.lo, 2), round(i.hi, 2)) for i in confidence_intervals(
    ...     x, (x**2 - 4.0) ** 2 / 4.0, threshold=1.0)]
    [(-2.45, -1.41), (1.41, 2.45)]
    >>> coarse = np.linspace(0.0, 1.0, 11)  # an interval of width 0.02 on a 0.1 grid
    >>> iv = confidence_intervals(coarse, (coarse - 0.33) ** 2 / 0.01**2, threshold=1.0)
    >>> [(round(i.lo, 4), round(i.hi, 4)) for i in iv]
    [(0.32, 0.34)]
    """
    x, y = _profile_arrays(grid, chi2)
    if threshold is None:
        level = delta_chi2_threshold(cl, dof)
    else:
        level = as_float(threshold, "threshold", minimum=0.0, inclusive=False)
    y_min = best_fit(x, y)[1] if chi2_min is None else as_float(chi2_min, "chi2_min")
    d = y - y_min
    inside = d <= level
    out: list[Interval] = []
    i = 0
    while i < x.size:
        if not inside[i]:
            i += 1
            continue
        start = i
        while i + 1 < x.size and inside[i + 1]:
            i += 1
        stop = i
        lo = float(x[0]) if start == 0 else _crossing(x, d, start - 1, level)
        hi = float(x[-1]) if stop == x.size - 1 else _crossing(x, d, stop, level)
        out.append(Interval(lo, hi, lo_open=start == 0, hi_open=stop == x.size - 1))
        i += 1
    if not out:
        out.append(_narrow_interval(x, d, level))
    return out


def upper_limit(
    grid: ArrayLike,
    chi2: ArrayLike,
    *,
    cl: float = 0.9,
    one_sided: bool = False,
    chi2_min: float | None = None,
) -> float:
    """Upper limit: the largest x with Δχ²(x) ≤ threshold (``math.inf`` if past the grid end).

    ``one_sided=False`` uses the two-sided 1-dof level chi2.ppf(cl, 1) (2.706 at 90 %, as in
    PKK Table II); ``one_sided=True`` uses the one-sided Gaussian quantile z²_cl =
    chi2.ppf(2 cl − 1, 1) (1.642 at 90 %), for a parameter whose best fit sits at a physical
    boundary.

    Examples
    --------
    >>> x = np.linspace(0.0, 5.0, 51)
    >>> round(upper_limit(x, x**2, cl=0.9), 4), round(upper_limit(x, x**2, one_sided=True), 4)
    (1.6449, 1.2816)
    """
    c = _check_cl(cl)
    level = float(stats.chi2.ppf(2.0 * c - 1.0, 1)) if one_sided else float(stats.chi2.ppf(c, 1))
    if one_sided and c <= 0.5:
        raise CevnsError("a one-sided limit needs cl > 0.5")
    intervals = confidence_intervals(grid, chi2, threshold=level, chi2_min=chi2_min)
    if not intervals:  # a level below the grid's resolution (cl → 0): the best fit itself
        return best_fit(grid, chi2)[0]
    last = intervals[-1]
    return math.inf if last.hi_open else last.hi


@dataclass(frozen=True)
class Profile1D:
    """A 1-D χ² profile on a grid (nuisances already profiled) and what follows from it.

    Attributes
    ----------
    parameter : str
        Name of the scanned parameter (with its unit).
    grid : ndarray
        Parameter values.
    chi2 : ndarray
        Profiled χ² at the grid points.
    nuisances : ndarray or None
        Profiled nuisances at each grid point, shape (n_grid, n_nuisances).
    info : dict
        Free-form description (dataset, statistic, nuisance names, ...).

    Examples
    --------
    >>> x = np.linspace(0.0, 2.0, 41)
    >>> p = Profile1D("x", x, (x - 1.0) ** 2 / 0.04)
    >>> [round(v, 4) for v in p.errors(CL_1SIGMA)]
    [1.0, 0.2, 0.2]
    """

    parameter: str
    grid: Array
    chi2: Array
    nuisances: Array | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        x, y = _profile_arrays(self.grid, self.chi2)
        object.__setattr__(self, "grid", x)
        object.__setattr__(self, "chi2", y)

    @property
    def best_fit(self) -> float:
        """Parameter value at the (refined) χ² minimum."""
        return best_fit(self.grid, self.chi2)[0]

    @property
    def chi2_min(self) -> float:
        """The (refined) χ² minimum."""
        return best_fit(self.grid, self.chi2)[1]

    @property
    def delta_chi2(self) -> Array:
        """Δχ² = χ² − χ²_min at the grid points."""
        return self.chi2 - self.chi2_min

    def intervals(self, cl: float = 0.9, dof: int = 1) -> list[Interval]:
        """All allowed intervals at ``cl`` (:func:`confidence_intervals`)."""
        return confidence_intervals(self.grid, self.chi2, cl=cl, dof=dof)

    def interval(self, cl: float = 0.9, dof: int = 1) -> Interval:
        """The allowed interval that contains the best fit."""
        best = self.best_fit
        pieces = self.intervals(cl, dof)
        if not pieces:  # a level below the grid's resolution (cl → 0): the best fit itself
            return Interval(best, best)
        for iv in pieces:
            if iv.lo <= best <= iv.hi:
                return iv
        return min(pieces, key=lambda iv: min(abs(iv.lo - best), abs(iv.hi - best)))

    def errors(self, cl: float = 0.9, dof: int = 1) -> tuple[float, float, float]:
        """(best fit, minus error, plus error) from :meth:`interval` (open ends: ``inf``)."""
        best = self.best_fit
        iv = self.interval(cl, dof)
        minus = math.inf if iv.lo_open else best - iv.lo
        plus = math.inf if iv.hi_open else iv.hi - best
        return best, minus, plus

    def upper_limit(self, cl: float = 0.9, *, one_sided: bool = False) -> float:
        """See :func:`upper_limit`."""
        return upper_limit(self.grid, self.chi2, cl=cl, one_sided=one_sided)

    def as_dict(self) -> dict[str, Any]:
        """Plain-Python view for JSON output (grid, χ², Δχ², best fit, 1σ and 90 % intervals)."""
        return {
            "parameter": self.parameter,
            "grid": self.grid.tolist(),
            "chi2": self.chi2.tolist(),
            "delta_chi2": self.delta_chi2.tolist(),
            "best_fit": self.best_fit,
            "chi2_min": self.chi2_min,
            "intervals_1sigma": [iv.as_dict() for iv in self.intervals(CL_1SIGMA)],
            "intervals_90": [iv.as_dict() for iv in self.intervals(0.9)],
            "info": self.info,
        }
