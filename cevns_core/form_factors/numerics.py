"""Numerical helpers shared by the form-factor models: input checks, j₁(x)/x, radial moments.

Conventions (PHYSICS.md §4): ``q_fm`` is a momentum transfer in fm⁻¹, ``r_fm`` a radius in fm;
densities are normalised to 1 (∫ρ d³r = 1, fm⁻³) and ⟨r^k⟩ = ∫ρ r^k d³r.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, as_float

__all__ = ["FloatArray", "density_moment", "spherical_bessel_j1_over_x"]

FloatArray = NDArray[np.float64]

# Beyond this q (fm⁻¹) every decaying form factor is exactly 0 in double precision; clipping q
# (and r for densities) there keeps squares like (q s)² from overflowing: huge inputs stay
# warning-free.
_HUGE = 1e100


def _q(q_fm: ArrayLike) -> FloatArray:
    return as_array(q_fm, "q_fm", minimum=0.0)


def _r(r_fm: ArrayLike) -> FloatArray:
    return as_array(r_fm, "r_fm", minimum=0.0)


def _positive(value: ArrayLike, name: str) -> FloatArray:
    return as_array(value, name, minimum=0.0, inclusive=False)


def _nonnegative(value: ArrayLike, name: str) -> FloatArray:
    return as_array(value, name, minimum=0.0)


def _out(value: FloatArray) -> float | FloatArray:
    """Plain float for scalar input, array otherwise (used for radii and moments)."""
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


# Taylor coefficients of j1(x)/x in powers of x²: (-1)^k 2(k+1)/(2k+3)!.  Seven terms are exact to
# machine precision for |x| < 0.5, where the closed form (sin x/x − cos x)/x² loses digits.
_J1X_COEFFS = np.array(
    [(-1) ** k * 2.0 * (k + 1) / math.factorial(2 * k + 3) for k in range(7)], dtype=float
)
_J1X_SERIES_LIMIT = 0.5


def spherical_bessel_j1_over_x(x: ArrayLike) -> FloatArray:
    """j₁(x)/x, accurate for all x (→ 1/3 at x = 0).

    j₁(x) = sin x/x² − cos x/x (PHYSICS.md §4.1). For |x| < 0.5 the Taylor series
    Σ (−1)^k 2(k+1) x^{2k}/(2k+3)! is used, avoiding the cancellation of the closed form.

    Parameters
    ----------
    x : array_like
        Argument (any shape, any sign).

    Returns
    -------
    ndarray
        j₁(x)/x with the shape of ``x``.

    Examples
    --------
    >>> float(spherical_bessel_j1_over_x(0.0)) == 1 / 3
    True
    """
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < _J1X_SERIES_LIMIT
    xs = np.where(small, x, 0.0)
    series = np.polynomial.polynomial.polyval(xs * xs, _J1X_COEFFS)
    xl = np.where(small, 1.0, x)
    # Dividing twice by x (instead of once by x²) keeps huge arguments overflow-free.
    direct = (np.sin(xl) / xl - np.cos(xl)) / xl / xl
    return np.where(small, series, direct)


def _three_j1_over_x(x: FloatArray) -> FloatArray:
    # 3 j1(x)/x with an exact 1 at x = 0 (3 * (1/3) rounds to 1.0 in IEEE arithmetic).
    return 3.0 * spherical_bessel_j1_over_x(x)


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(24)


def density_moment(
    density_fn: Callable[[FloatArray], FloatArray],
    k: float,
    r_max: float,
    *,
    breakpoints: Sequence[float] = (),
    n_panels: int = 96,
) -> float:
    """Radial moment 4π ∫₀^{r_max} ρ(r) r^{k+2} dr by fixed composite Gauss–Legendre quadrature.

    ⟨r^k⟩ = ∫ρ r^k d³r (PHYSICS.md §4); k = 0 gives the normalisation. The interval is split at the
    ``breakpoints`` (put kinks of ρ there, e.g. R_A for Klein–Nystrand) and into ``n_panels``
    panels of 24 nodes; ``density_fn`` is called once on all nodes (no adaptive quadrature).

    Parameters
    ----------
    density_fn : callable
        ρ(r) in fm⁻³, vectorised over an array of radii in fm.
    k : float
        Power of r (≥ 0).
    r_max : float
        Upper integration limit in fm (choose it where ρ r^{k+2} is negligible).
    breakpoints : sequence of float, optional
        Radii in (0, r_max) where panels must start.
    n_panels : int, optional
        Total number of panels (distributed over the sub-intervals by length).

    Returns
    -------
    float
        ⟨r^k⟩ in fm^k (for a density normalised to 1).

    Examples
    --------
    >>> from cevns_core.form_factors import helm_density
    >>> round(density_moment(lambda r: helm_density(r, 5.0, 0.9), 2, 25.0), 10)
    17.43
    """
    k = as_float(k, "k", minimum=0.0)
    r_max = as_float(r_max, "r_max", minimum=0.0, inclusive=False)
    edges = np.unique(np.concatenate(([0.0, r_max], [b for b in breakpoints if 0.0 < b < r_max])))
    lengths = np.diff(edges)
    counts = np.maximum(1, np.round(n_panels * lengths / r_max).astype(int))
    panel_edges = np.concatenate(
        [
            np.linspace(a, b, n + 1)[:-1]
            for a, b, n in zip(edges[:-1], edges[1:], counts, strict=True)
        ]
        + [[r_max]]
    )
    lo, hi = panel_edges[:-1, None], panel_edges[1:, None]
    half = 0.5 * (hi - lo)
    nodes = lo + half * (_GL_NODES[None, :] + 1.0)
    weights = half * _GL_WEIGHTS[None, :]
    values = np.asarray(density_fn(nodes.ravel()), dtype=float).reshape(nodes.shape)
    return float(4.0 * np.pi * np.sum(weights * values * nodes ** (k + 2.0)))
