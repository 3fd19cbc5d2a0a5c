"""Building blocks of a binned likelihood: nuisances, shape effects, components.

A :class:`Component` is one contribution to the expected counts per cell: a template (or the
signal, given at every call), the normalisation nuisances that multiply it and the
:class:`ShapeEffect` s that re-weight it cell by cell; every nuisance is a :class:`Nuisance` with
its Gaussian prior. :class:`~cevns_core.likelihood.model.BinnedPoissonModel` combines them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import CubicSpline

from ..errors import CevnsError

__all__ = ["Component", "Nuisance", "ShapeEffect"]

Array = NDArray[np.float64]

_F_FLOOR = 1e-9


@dataclass(frozen=True)
class Nuisance:
    """A nuisance parameter with a Gaussian prior of width ``sigma`` (inf: free; 0: fixed at 0).

    ``kind`` is "normalisation" (θ is a fractional change of the counts it multiplies) or
    "shape" (θ in units of the variation's 1σ, unless ``unit`` says otherwise).
    """

    name: str
    sigma: float
    kind: str = "normalisation"
    unit: str = ""
    doc: str = ""

    def __post_init__(self) -> None:
        if not (self.sigma >= 0) or math.isnan(self.sigma):
            raise CevnsError(f"nuisance {self.name}: sigma must be ≥ 0 or inf, got {self.sigma}")
        if self.kind not in ("normalisation", "shape"):
            raise CevnsError(f"nuisance {self.name}: kind must be 'normalisation' or 'shape'")


@dataclass(frozen=True)
class ShapeEffect:
    """Relative factors f_i(θ) of one shape nuisance on one component, per cell.

    ``nodes`` (m,) values of θ (including 0) and ``factors`` (m, n_cells) the ratio of the varied
    to the nominal template there. Three nodes −1, 0, 1: the parabola through them (HistFactory's
    quadratic interpolation); otherwise a cubic spline (not-a-knot) through the nodes, continued
    outside them by its end polynomials. Factors are floored at 1e-9 (a template never turns
    negative).
    """

    nuisance: str
    nodes: Array
    factors: Array

    def __post_init__(self) -> None:
        nodes = np.asarray(self.nodes, dtype=float)
        factors = np.asarray(self.factors, dtype=float)
        if nodes.ndim != 1 or nodes.size < 3 or np.any(np.diff(nodes) <= 0):
            raise CevnsError(f"shape effect {self.nuisance}: nodes must be ≥ 3 increasing values")
        if factors.shape[0] != nodes.size or factors.ndim != 2:
            raise CevnsError(f"shape effect {self.nuisance}: factors need shape (nodes, cells)")
        if not np.all(np.isfinite(factors)):
            raise CevnsError(f"shape effect {self.nuisance}: factors must be finite")
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "factors", factors)
        quadratic = nodes.size == 3 and np.allclose(nodes, [-1.0, 0.0, 1.0])
        spline = None if quadratic else CubicSpline(nodes, factors, axis=0)
        object.__setattr__(self, "_spline", spline)

    @property
    def n_cells(self) -> int:
        return int(self.factors.shape[1])

    def evaluate(self, theta: Array) -> tuple[Array, Array, Array]:
        """f, df/dθ, d²f/dθ² at θ (B,) → each (B, n_cells)."""
        th = np.asarray(theta, dtype=float)[:, None]
        spline = self._spline  # type: ignore[attr-defined]
        if spline is None:
            lo, mid, hi = self.factors
            a = 0.5 * (hi - lo)
            b = 0.5 * (hi + lo) - mid
            f = mid + a * th + b * th**2
            df = a + 2.0 * b * th
            d2f = np.broadcast_to(2.0 * b, f.shape)
        else:
            flat = th[:, 0]
            f, df, d2f = (spline(flat, nu) for nu in (0, 1, 2))
        small = f < _F_FLOOR
        if np.any(small):
            f = np.where(small, _F_FLOOR, f)
            df = np.where(small, 0.0, df)
            d2f = np.where(small, 0.0, d2f)
        return f, df, np.asarray(d2f)


@dataclass(frozen=True)
class Component:
    """One contribution to the expected counts.

    ``template`` (n_cells,) — or None for the signal, given at every call; ``norms`` maps a
    normalisation nuisance to the cells it multiplies (a 0/1 mask, or None for all cells);
    ``shapes`` are the component's shape effects.
    """

    name: str
    template: Array | None
    norms: Mapping[str, Array | None] = field(default_factory=dict)
    shapes: tuple[ShapeEffect, ...] = ()
