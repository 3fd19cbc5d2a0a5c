"""Smearing kernels: bin probabilities and observed densities of recoils with a known mean.

PHYSICS.md §6.4. Two vectorised kernels used by :class:`cevns_core.Detector`:

* :func:`bin_probabilities` — probability that a recoil with mean observable value μ_j is observed
  in bin i, [lo_i, hi_i), with the resolution and (observed-stage) efficiency applied;
* :func:`observed_density` — the smearing kernel K(x_i | μ_j) of a continuous observable.

Without a resolution, :func:`node_cells` spreads each recoil node over its cell between the
midpoints to its neighbours.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import CevnsError
from .base import Array
from .efficiency import EfficiencyModel
from .resolution import ResolutionModel

__all__ = ["bin_probabilities", "node_cells", "observed_density"]


#: Sub-intervals per bin when an observed-stage efficiency is folded with a continuous resolution
#: (midpoint rule for ε on each sub-interval, exact resolution CDF differences).
_SUB_INTERVALS = 16
#: Largest number of sub-intervals a bin-centre efficiency grid may create.
_MAX_GRID_CELLS = 200_000
#: Poisson outcomes beyond μ + 12√μ + 30 are dropped (probability < 1e-30).
_POISSON_TAIL_SIGMAS = 12.0


def bin_probabilities(
    lo: ArrayLike,
    hi: ArrayLike,
    mean: ArrayLike,
    Tee: ArrayLike | None = None,
    *,
    resolution: ResolutionModel | None = None,
    efficiency: EfficiencyModel | None = None,
    cells: tuple[ArrayLike, ArrayLike] | None = None,
) -> Array:
    """P(lo_i ≤ x < hi_i | μ_j) × ε, shape (n_bins, n_T).

    Parameters
    ----------
    lo, hi : array_like, shape (n_bins,)
        Bin limits in the observable's unit; bins must not overlap (``lo`` increasing, each
        ``hi_i ≤ lo_{i+1}``); a bin with hi ≤ lo is empty.
    mean : array_like, shape (n_T,)
        Mean observable value of each recoil.
    Tee : array_like, shape (n_T,), optional
        Electron-equivalent energies (keVee), needed by the Gamma resolution.
    resolution : ResolutionModel, optional
        ``None``: the observed value is ``mean`` (deterministic).
    efficiency : EfficiencyModel, optional
        Applied to the observed value (its ``stage`` is not looked at here).
    cells : (lower, upper) arrays of shape (n_T,), optional
        Without a resolution: spread recoil j uniformly over [lower_j, upper_j] (see
        :func:`node_cells`) instead of putting it wholly into the bin holding μ_j.

    Returns
    -------
    ndarray
        (n_bins, n_T). Continuous resolutions: exact CDF differences, with ε folded on
        sub-intervals (bin-centre cells, or ``_SUB_INTERVALS`` per bin at their midpoints);
        Poisson: CDF differences over the integers in each bin, ε evaluated at each integer.
    """
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    mu = np.asarray(mean, dtype=float)
    tee = np.zeros_like(mu) if Tee is None else np.asarray(Tee, dtype=float)
    width_ok = hi > lo
    if resolution is None and cells is not None:
        resolution = _NodeCells(
            np.asarray(cells[0], dtype=float), np.asarray(cells[1], dtype=float)
        )
    if resolution is None:
        inside = (lo[:, None] <= mu[None, :]) & (mu[None, :] < hi[:, None]) & width_ok[:, None]
        out = inside.astype(float)
        if efficiency is not None:
            out *= efficiency.applied(mu)[None, :]
        return out
    if resolution.discrete:
        return _discrete_bins(lo, hi, mu, tee, resolution, efficiency)
    if efficiency is None:
        p = _cdf_differences(resolution, lo, hi, mu, tee)
        return np.where(width_ok[:, None], np.maximum(p, 0.0), 0.0)
    a, b, owner = _sub_intervals(lo, hi, efficiency)
    p = _cdf_differences(resolution, a, b, mu, tee)
    mids = 0.5 * (a + b)
    weights = efficiency.applied(mids)
    out = np.zeros((lo.size, mu.size))
    values = np.maximum(p, 0.0, out=p)  # p is a new array: clip and weight it in place
    values *= weights[:, None]
    if owner.size and np.all(owner[1:] >= owner[:-1]):
        # sub-intervals come grouped by bin: one reduceat instead of the slow unbuffered add.at
        starts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
        out[owner[starts]] = np.add.reduceat(values, starts, axis=0)
    else:
        np.add.at(out, owner, values)
    return out


def _cdf_differences(
    resolution: ResolutionModel, a: Array, b: Array, mu: Array, tee: Array
) -> Array:
    """CDF(b_i | μ_j) − CDF(a_i | μ_j), shape (n_intervals, n_T).

    Adjacent intervals share their limits (b_i = a_{i+1}), so the CDF is evaluated once per
    distinct limit: the same numbers at about half the cost.
    """
    points, inverse = np.unique(np.concatenate((a, b)), return_inverse=True)
    cdf = resolution.cdf(points[:, None], mu[None, :], tee[None, :])
    cdf = np.broadcast_to(cdf, (points.size, mu.size))
    lower, upper = inverse[: a.size], inverse[a.size :]
    chain = np.arange(lower.size)
    if (
        lower.size == points.size - 1
        and np.array_equal(lower, chain)
        and np.array_equal(upper, chain + 1)
    ):
        # a gap-free chain of intervals (the sub-intervals of adjacent bins): the differences
        # of consecutive limits, without gathering two copies of the CDF table
        return cdf[1:] - cdf[:-1]
    return cdf[upper] - cdf[lower]


def _sub_intervals(
    lo: Array, hi: Array, efficiency: EfficiencyModel
) -> tuple[Array, Array, NDArray[np.intp]]:
    """Sub-intervals [a_s, b_s) of the (non-empty) bins and the bin each belongs to."""
    keep = np.flatnonzero(hi > lo)
    if efficiency.evaluation == "bin_centre":
        w, o = float(efficiency.bin_width), float(efficiency.bin_origin)
        first = math.floor((lo[keep].min() - o) / w) if keep.size else 0
        last = math.ceil((hi[keep].max() - o) / w) if keep.size else 0
        if last - first > _MAX_GRID_CELLS:
            raise CevnsError(
                f"the bins span {last - first} efficiency cells of width {w:g}; at most "
                f"{_MAX_GRID_CELLS} are supported"
            )
        grid = o + w * np.arange(first, last + 1)
        points = np.union1d(np.concatenate((lo[keep], hi[keep])), grid)
        a, b = points[:-1], points[1:]
        mid = 0.5 * (a + b)
        owner = np.searchsorted(lo, mid, side="right") - 1
        valid = owner >= 0
        valid[valid] &= mid[valid] < hi[owner[valid]]
        return a[valid], b[valid], owner[valid]
    frac = np.linspace(0.0, 1.0, _SUB_INTERVALS + 1)
    edges = lo[keep, None] + (hi[keep] - lo[keep])[:, None] * frac[None, :]
    a = edges[:, :-1].ravel()
    b = edges[:, 1:].ravel()
    owner = np.repeat(keep, _SUB_INTERVALS)
    return a, b, owner


class _NodeCells(ResolutionModel):
    """Pseudo-resolution: node j's observed value is uniform on its cell [lower_j, upper_j]."""

    model_name: ClassVar[str] = "node_cells"

    def __init__(self, lower: Array, upper: Array) -> None:
        super().__init__()
        self._lower = lower
        self._upper = upper

    def cdf(self, x: Array, mean: Array, Tee: Array) -> Array:
        width = self._upper - self._lower
        safe = np.where(width > 0, width, 1.0)
        frac = np.clip((x - self._lower) / safe, 0.0, 1.0)
        return np.where(width > 0, frac, (x > self._lower).astype(float))


def node_cells(T_keV: ArrayLike, mean: ArrayLike) -> tuple[Array, Array]:
    """Cells of recoil nodes in observable space: between the midpoints to their neighbours.

    The nodes are sorted by T; interior cell boundaries are the observable values at the
    T-midpoints (mapped linearly between the nodes' values), the outer cells are symmetric about
    the first/last node (the lowest one not below 0). A single node gets an empty cell.
    """
    T = np.asarray(T_keV, dtype=float)
    mu = np.asarray(mean, dtype=float)
    order = np.argsort(T, kind="stable")
    Ts, ms = T[order], mu[order]
    if T.size < 2:
        return mu.copy(), mu.copy()
    if np.any(np.diff(Ts) == 0):
        raise CevnsError("T_keV must not repeat a recoil energy for node cells")
    mids = 0.5 * (ms[1:] + ms[:-1])
    first = max(ms[0] - 0.5 * (ms[1] - ms[0]), min(0.0, ms[0]))
    last = ms[-1] + 0.5 * (ms[-1] - ms[-2])
    bounds = np.concatenate(([first], mids, [last]))
    lower = np.empty_like(mu)
    upper = np.empty_like(mu)
    lower[order] = bounds[:-1]
    upper[order] = bounds[1:]
    return lower, upper


def _discrete_bins(
    lo: Array,
    hi: Array,
    mu: Array,
    tee: Array,
    resolution: ResolutionModel,
    efficiency: EfficiencyModel | None,
) -> Array:
    """Integer outcomes n with lo ≤ n < hi: first n = ceil(lo), last n = ceil(hi) − 1."""
    n_first = np.ceil(lo)
    n_last = np.ceil(hi) - 1.0
    nonempty = n_last >= np.maximum(n_first, 0.0)
    if efficiency is None:
        upper = resolution.cdf(n_last[:, None], mu[None, :], tee[None, :])
        lower = resolution.cdf(n_first[:, None] - 1.0, mu[None, :], tee[None, :])
        return np.where(nonempty[:, None], np.maximum(upper - lower, 0.0), 0.0)
    out = np.zeros((lo.size, mu.size))
    if not nonempty.any() or mu.size == 0:
        return out
    mu_max = float(mu.max(initial=0.0))
    tail = math.ceil(mu_max + _POISSON_TAIL_SIGMAS * math.sqrt(mu_max) + 30.0)
    n_lo = int(max(0.0, n_first[nonempty].min()))
    n_hi = int(min(n_last[nonempty].max(), tail))
    if n_hi < n_lo:
        return out
    n = np.arange(n_lo, n_hi + 1, dtype=float)
    pmf = resolution.pdf(n[:, None], mu[None, :], tee[None, :]) * efficiency(n)[:, None]
    owner = np.searchsorted(n_first, n, side="right") - 1
    valid = owner >= 0
    valid[valid] &= n[valid] <= n_last[owner[valid]]
    np.add.at(out, owner[valid], pmf[valid])
    return out


def observed_density(
    x: ArrayLike,
    mean: ArrayLike,
    Tee: ArrayLike | None = None,
    *,
    resolution: ResolutionModel,
    efficiency: EfficiencyModel | None = None,
) -> Array:
    """Smearing kernel K(x_i | μ_j) × ε(x_i), shape (n_x, n_T).

    For a continuous resolution K is a density in x (per observable unit); for Poisson it is the
    probability of the integer count x_i (``x`` must hold integers).
    """
    xs = np.asarray(x, dtype=float)
    mu = np.asarray(mean, dtype=float)
    tee = np.zeros_like(mu) if Tee is None else np.asarray(Tee, dtype=float)
    if resolution.discrete and np.any(xs != np.round(xs)):
        bad = xs[xs != np.round(xs)].flat[0]
        raise CevnsError(f"a Poisson (PE-count) density needs integer x, got {bad:g}")
    kernel = resolution.pdf(xs[:, None], mu[None, :], tee[None, :])
    if efficiency is not None:
        values = efficiency(xs) if resolution.discrete else efficiency.applied(xs)
        kernel = kernel * values[:, None]
    return kernel
