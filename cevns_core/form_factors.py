"""Nuclear form factors, densities and radial moments of every model (PHYSICS.md §4).

Conventions (PHYSICS.md §4, PKK Eqs. (16)–(18), Pandey Eqs. (27)–(28)):

* ``q_fm`` is the three-momentum transfer in fm⁻¹, ``r_fm`` a radius in fm.
* Every form factor is normalised to F(0) = 1; every density ``rho(r)`` is normalised to 1
  (∫ρ d³r = 1, units fm⁻³; multiply by Z or N for number densities), and
  F(q) = 4π ∫ρ(r) j₀(qr) r² dr.
* ⟨r^k⟩ = ∫ρ r^k d³r; closed forms are used where PHYSICS.md §4 gives them.

Two layers are provided:

1. pure, vectorised functions of arrays (``helm_form_factor``, ``symmetrized_fermi_density``, ...),
   whose shape parameters broadcast against ``q_fm``/``r_fm``;
2. :class:`FormFactorModel` subclasses (``param.Parameterized``; the parameter bounds and docs
   drive the dashboard widgets) collected in :data:`FORM_FACTOR_MODELS`, with the public contract
   function :func:`form_factor`.

The harmonic-oscillator model implements PKK Eqs. (A25)–(A28) in exact rational arithmetic. Fitted
oscillator lengths and fractional occupations of Papoulias & Kosmas 2015 are **not** shipped: the
user supplies the oscillator length ``b_fm`` or an rms radius (default: the charge radius).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any, ClassVar, NamedTuple

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray
from scipy.special import erfc

from ._validation import ValidatedParameters, as_array, as_float, check_choice, check_parameters
from .errors import CevnsError, CevnsWarning
from .nuclei import Isotope, isotope

__all__ = [
    "DEFAULT_SHELL_ORDER",
    "FORM_FACTOR_MODELS",
    "FormFactorModel",
    "HarmonicOscillatorModel",
    "HelmModel",
    "KleinNystrandAdaptedModel",
    "KleinNystrandModel",
    "MomentExpansionModel",
    "ParameterInfo",
    "PointModel",
    "ShellLevel",
    "SymmetrizedFermiModel",
    "density_moment",
    "form_factor",
    "form_factor_model",
    "form_factor_models",
    "harmonic_oscillator_b_from_rms",
    "harmonic_oscillator_density",
    "harmonic_oscillator_form_factor",
    "harmonic_oscillator_moments",
    "helm_R0_from_rms",
    "helm_R0_lewin_smith",
    "helm_density",
    "helm_form_factor",
    "helm_moments",
    "ho_c_coefficient",
    "ho_coefficients",
    "ho_lambda_coefficient",
    "klein_nystrand_R_A_adapted",
    "klein_nystrand_R_A_coherent",
    "klein_nystrand_density",
    "klein_nystrand_form_factor",
    "klein_nystrand_moments",
    "lewin_smith_c",
    "model_parameters",
    "moment_expansion_form_factor",
    "point_form_factor",
    "shell_occupations",
    "spherical_bessel_j1_over_x",
    "symmetrized_fermi_c_from_rms",
    "symmetrized_fermi_density",
    "symmetrized_fermi_form_factor",
    "symmetrized_fermi_moments",
]

FloatArray = NDArray[np.float64]

#: Default Helm surface thickness s in fm (PKK, Pandey).
HELM_S_FM = 0.9
#: Default symmetrized-Fermi diffuseness a in fm (PKK Eq. (26); Lewin & Smith).
SF_A_FM = 0.52
#: Default Klein–Nystrand Yukawa range a_k in fm (PKK Eq. (28)).
KN_AK_FM = 0.7

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


# ---------------------------------------------------------------------------------------------
# Spherical Bessel helper and numerical moments
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Helm (PKK Eqs. (23)–(24); Pandey Eq. (29); PHYSICS.md §4.1)
# ---------------------------------------------------------------------------------------------


def lewin_smith_c(A: ArrayLike) -> float | FloatArray:
    """Lewin–Smith half-density radius c = 1.23 A^{1/3} − 0.60 fm (PKK Eq. (26); Pandey Eq. (29)).

    Examples
    --------
    >>> round(lewin_smith_c(133), 4)
    5.6785
    """
    A = as_array(A, "A", minimum=1.0)
    return _out(1.23 * np.cbrt(A) - 0.60)


def _helm_ff(q: FloatArray, R0: ArrayLike, s: ArrayLike) -> FloatArray:
    q = np.minimum(q, _HUGE)
    return _three_j1_over_x(q * R0) * np.exp(-0.5 * (q * s) ** 2)


def helm_form_factor(q_fm: ArrayLike, R0_fm: ArrayLike, s_fm: ArrayLike = HELM_S_FM) -> FloatArray:
    """Helm form factor F(q) = 3 j₁(qR₀)/(qR₀) · exp(−q²s²/2).

    PKK Eq. (23), Pandey Eq. (29), PHYSICS.md §4.1.

    Parameters
    ----------
    q_fm : array_like
        Momentum transfer in fm⁻¹ (≥ 0).
    R0_fm : array_like
        Diffraction radius R₀ in fm (> 0); broadcasts against ``q_fm``.
    s_fm : array_like, optional
        Surface thickness s in fm (≥ 0; 0 gives the hard sphere). Default 0.9 fm.

    Returns
    -------
    ndarray
        F(q), broadcast shape of the inputs; F(0) = 1 exactly.

    Examples
    --------
    >>> round(float(helm_form_factor(0.3, helm_R0_lewin_smith(133))), 5)
    0.69671
    """
    return _helm_ff(_q(q_fm), _positive(R0_fm, "R0_fm"), _nonnegative(s_fm, "s_fm"))


def _helm_rho(r: FloatArray, R0: ArrayLike, s: ArrayLike) -> FloatArray:
    r = np.minimum(r, _HUGE)
    sq2s = np.sqrt(2.0) * s
    # ½[erf((R0−r)/√2s) + erf((R0+r)/√2s)] written with erfc: no cancellation in the tail.
    core = 0.5 * (erfc((r - R0) / sq2s) - erfc((r + R0) / sq2s))
    # s/(r√2π)[e^{−(R0+r)²/2s²} − e^{−(R0−r)²/2s²}] = −(2R0/s)/√2π e^{−(R0−r)²/2s²} g(u),
    # g(u) = (1 − e^{−u})/u, u = 2R0 r/s²: finite at r = 0 and free of cancellation.
    u = 2.0 * R0 * r / s**2
    upos = u > 0.0
    g = np.where(upos, -np.expm1(-u) / np.where(upos, u, 1.0), 1.0)
    surface = -(2.0 * R0 / s) / np.sqrt(2.0 * np.pi) * np.exp(-((R0 - r) ** 2) / (2.0 * s**2)) * g
    rho = 3.0 / (4.0 * np.pi * R0**3) * (core + surface)
    return np.maximum(rho, 0.0)  # rounding may leave −1e-30 far in the tail


def helm_density(r_fm: ArrayLike, R0_fm: ArrayLike, s_fm: ArrayLike = HELM_S_FM) -> FloatArray:
    """Helm density: a uniform sphere of radius R₀ folded with a Gaussian of width s.

    ρ(r) = 3/(4πR₀³) {½[erf((R₀−r)/√2s) + erf((R₀+r)/√2s)]
    + s/(r√2π)[e^{−(R₀+r)²/2s²} − e^{−(R₀−r)²/2s²}]}, normalised to 1 (PHYSICS.md §4.1).

    Parameters
    ----------
    r_fm : array_like
        Radius in fm (≥ 0).
    R0_fm, s_fm : array_like
        Helm R₀ and s in fm (both > 0); broadcast against ``r_fm``.

    Returns
    -------
    ndarray
        ρ(r) in fm⁻³.
    """
    return _helm_rho(_r(r_fm), _positive(R0_fm, "R0_fm"), _positive(s_fm, "s_fm"))


def helm_moments(R0_fm: ArrayLike, s_fm: ArrayLike = HELM_S_FM) -> dict[int, float | FloatArray]:
    """Radial moments of the Helm density (PKK Eq. (24); PHYSICS.md §4.1).

    ⟨r²⟩ = 3/5 R₀² + 3s², ⟨r⁴⟩ = 3/7 R₀⁴ + 6R₀²s² + 15s⁴,
    ⟨r⁶⟩ = 1/3 R₀⁶ + 9R₀⁴s² + 63R₀²s⁴ + 105s⁶.

    Returns
    -------
    dict
        ``{2: ⟨r²⟩ [fm²], 4: ⟨r⁴⟩ [fm⁴], 6: ⟨r⁶⟩ [fm⁶]}``.
    """
    R2 = _positive(R0_fm, "R0_fm") ** 2
    s2 = _nonnegative(s_fm, "s_fm") ** 2
    return {
        2: _out(0.6 * R2 + 3.0 * s2),
        4: _out(3.0 / 7.0 * R2**2 + 6.0 * R2 * s2 + 15.0 * s2**2),
        6: _out(R2**3 / 3.0 + 9.0 * R2**2 * s2 + 63.0 * R2 * s2**2 + 105.0 * s2**3),
    }


def helm_R0_lewin_smith(
    A: ArrayLike, s_fm: ArrayLike = HELM_S_FM, a_fm: ArrayLike = SF_A_FM
) -> float | FloatArray:
    """Lewin–Smith Helm radius R₀² = c² + 7/3 π²a² − 5s², c = 1.23A^{1/3} − 0.60 fm.

    Pandey after Eq. (29); Lewin & Smith 1996; PHYSICS.md §4.1. With this R₀ the Helm rms radius
    equals the symmetrized-Fermi rms radius with the same c and a.

    Raises
    ------
    CevnsError
        If R₀² ≤ 0 (s_fm too large for this A and a_fm).

    Examples
    --------
    >>> round(helm_R0_lewin_smith(133), 4)
    5.8671
    """
    c = np.asarray(lewin_smith_c(A))
    s = _nonnegative(s_fm, "s_fm")
    a = _nonnegative(a_fm, "a_fm")
    R02 = c**2 + 7.0 / 3.0 * np.pi**2 * a**2 - 5.0 * s**2
    if np.any(R02 <= 0.0):
        raise CevnsError(
            f"s_fm = {s_fm} fm is too large for the Lewin–Smith Helm radius with A = {A}, "
            f"a_fm = {a_fm}: R0² = c² + 7/3 π²a² − 5s² must be > 0"
        )
    return _out(np.sqrt(R02))


@lru_cache(maxsize=1024)
def _helm_R0_cached(prescription: str, size: float, s_fm: float, a_fm: float) -> float:
    # R₀ of HelmModel, cached on its scalar inputs: the rate engine asks for it on every
    # form-factor evaluation, and the validated closed forms cost more than the form factor.
    if prescription == "lewin_smith":
        return float(helm_R0_lewin_smith(size, s_fm, a_fm))
    return float(helm_R0_from_rms(size, s_fm))


def helm_R0_from_rms(rms_fm: ArrayLike, s_fm: ArrayLike = HELM_S_FM) -> float | FloatArray:
    """Helm R₀ giving the rms radius R at fixed s: R₀ = √(5/3 (R² − 3s²)) (PHYSICS.md §4.1).

    Raises
    ------
    CevnsError
        If R² ≤ 3s² (no Helm density has such a small rms radius for this s).

    Examples
    --------
    >>> round(helm_R0_from_rms(4.8041), 4)
    5.8665
    """
    R = _positive(rms_fm, "rms_fm")
    s = _nonnegative(s_fm, "s_fm")
    d = R**2 - 3.0 * s**2
    if np.any(d <= 0.0):
        raise CevnsError(
            f"rms_fm = {rms_fm} fm is too small for s_fm = {s_fm} fm: the Helm model needs "
            f"rms_fm² > 3 s_fm², i.e. rms_fm > {float(np.max(np.sqrt(3.0) * s)):.4g} fm"
        )
    return _out(np.sqrt(5.0 / 3.0 * d))


# ---------------------------------------------------------------------------------------------
# Symmetrized Fermi (PKK Eqs. (25)–(27); PHYSICS.md §4.2)
# ---------------------------------------------------------------------------------------------

# Below t = q·√(c² + π²a²) = 0.1 the moment series (to q⁶) is exact to ~1e-14; above it the closed
# form loses at most ~3e-14 to cancellation.
_SF_SERIES_LIMIT = 0.1


def _sf_moments(c: ArrayLike, a: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    c2 = np.asarray(c, dtype=float) ** 2
    p2 = (np.pi * np.asarray(a, dtype=float)) ** 2
    m2 = 0.6 * c2 + 1.4 * p2
    m4 = 3.0 / 7.0 * c2**2 + 18.0 / 7.0 * p2 * c2 + 31.0 / 7.0 * p2**2
    m6 = c2**3 / 3.0 + 11.0 / 3.0 * p2 * c2**2 + 239.0 / 15.0 * p2**2 * c2 + 127.0 / 5.0 * p2**3
    return m2, m4, m6


def _sf_ff(q: FloatArray, c: ArrayLike, a: ArrayLike) -> FloatArray:
    q = np.minimum(q, _HUGE)
    c = np.asarray(c, dtype=float)
    a = np.asarray(a, dtype=float)
    t = q * np.sqrt(c**2 + (np.pi * a) ** 2)
    small = t < _SF_SERIES_LIMIT
    qs = np.where(small, q, 0.0)
    m2, m4, m6 = _sf_moments(c, a)
    q2 = qs * qs
    series = 1.0 - q2 * m2 / 6.0 + q2**2 * m4 / 120.0 - q2**3 * m6 / 5040.0
    ql = np.where(small, 1.0, q)
    x = ql * c
    y = np.pi * ql * a
    # y/sinh y and y/tanh y through exp(−y): no overflow of sinh/cosh for large q·a.
    one_minus_e2 = -np.expm1(-2.0 * y)
    y_over_sinh = 2.0 * y * np.exp(-y) / one_minus_e2
    y_over_tanh = y * (1.0 + np.exp(-2.0 * y)) / one_minus_e2
    direct = 3.0 / (x * (x * x + y * y)) * y_over_sinh * (y_over_tanh * np.sin(x) - x * np.cos(x))
    return np.where(small, series, direct)


def symmetrized_fermi_form_factor(
    q_fm: ArrayLike, c_fm: ArrayLike, a_fm: ArrayLike = SF_A_FM
) -> FloatArray:
    """Symmetrized-Fermi form factor (PKK Eq. (25); PHYSICS.md §4.2).

    F(q) = 3/(qc[(qc)² + (πqa)²]) · πqa/sinh(πqa) · [πqa sin(qc)/tanh(πqa) − qc cos(qc)].

    Evaluated through exp(−πqa) (no overflow for large q·a) and, for q√(c²+π²a²) < 0.1, by the
    series 1 − q²⟨r²⟩/3! + q⁴⟨r⁴⟩/5! − q⁶⟨r⁶⟩/7! with the moments of PKK Eq. (27).

    Parameters
    ----------
    q_fm : array_like
        Momentum transfer in fm⁻¹ (≥ 0).
    c_fm : array_like
        Half-density radius c in fm (> 0).
    a_fm : array_like, optional
        Diffuseness a in fm (> 0), default 0.52 fm.

    Returns
    -------
    ndarray
        F(q), broadcast shape of the inputs; F(0) = 1 exactly.

    Examples
    --------
    >>> round(float(symmetrized_fermi_form_factor(0.3, lewin_smith_c(133))), 5)
    0.6974
    """
    return _sf_ff(_q(q_fm), _positive(c_fm, "c_fm"), _positive(a_fm, "a_fm"))


def _sf_rho(r: FloatArray, c: ArrayLike, a: ArrayLike) -> FloatArray:
    c = np.asarray(c, dtype=float)
    a = np.asarray(a, dtype=float)
    u = c / a
    v = np.minimum(r, _HUGE) / a
    # sinh(u)/(cosh v + cosh u) with numerator and denominator scaled by 2e^{−max(u, v)}.
    m = np.maximum(u, v)
    num = np.exp(u - m) - np.exp(-u - m)
    den = np.exp(v - m) + np.exp(-v - m) + np.exp(u - m) + np.exp(-u - m)
    return 3.0 / (4.0 * np.pi * c * (c**2 + (np.pi * a) ** 2)) * num / den


def symmetrized_fermi_density(
    r_fm: ArrayLike, c_fm: ArrayLike, a_fm: ArrayLike = SF_A_FM
) -> FloatArray:
    """Symmetrized-Fermi density, normalised to 1 (PHYSICS.md §4.2).

    ρ(r) = 3/(4πc(c² + π²a²)) · sinh(c/a)/(cosh(r/a) + cosh(c/a)).

    Parameters
    ----------
    r_fm : array_like
        Radius in fm (≥ 0).
    c_fm, a_fm : array_like
        Half-density radius and diffuseness in fm (> 0).

    Returns
    -------
    ndarray
        ρ(r) in fm⁻³.
    """
    return _sf_rho(_r(r_fm), _positive(c_fm, "c_fm"), _positive(a_fm, "a_fm"))


def symmetrized_fermi_moments(
    c_fm: ArrayLike, a_fm: ArrayLike = SF_A_FM
) -> dict[int, float | FloatArray]:
    """Radial moments of the symmetrized-Fermi density (PKK Eq. (27); PHYSICS.md §4.2).

    ⟨r²⟩ = 3/5 c² + 7/5(πa)², ⟨r⁴⟩ = 3/7 c⁴ + 18/7(πa)²c² + 31/7(πa)⁴,
    ⟨r⁶⟩ = 1/3 c⁶ + 11/3(πa)²c⁴ + 239/15(πa)⁴c² + 127/5(πa)⁶.

    Returns
    -------
    dict
        ``{2: ⟨r²⟩, 4: ⟨r⁴⟩, 6: ⟨r⁶⟩}`` in fm², fm⁴, fm⁶.

    Examples
    --------
    >>> round(symmetrized_fermi_moments(lewin_smith_c(40))[2], 4)
    11.5405
    """
    m2, m4, m6 = _sf_moments(_positive(c_fm, "c_fm"), _positive(a_fm, "a_fm"))
    return {2: _out(m2), 4: _out(m4), 6: _out(m6)}


def symmetrized_fermi_c_from_rms(
    rms_fm: ArrayLike, a_fm: ArrayLike = SF_A_FM
) -> float | FloatArray:
    """Half-density radius giving rms radius R at fixed a: c² = 5/3 (R² − 7/5 π²a²) (PHYSICS §4.2).

    Raises
    ------
    CevnsError
        If R² ≤ 7/5 π²a².
    """
    R = _positive(rms_fm, "rms_fm")
    a = _positive(a_fm, "a_fm")
    d = R**2 - 1.4 * (np.pi * a) ** 2
    if np.any(d <= 0.0):
        raise CevnsError(
            f"rms_fm = {rms_fm} fm is too small for a_fm = {a_fm} fm: the symmetrized Fermi model "
            f"needs rms_fm² > 7/5 π² a_fm², i.e. rms_fm > "
            f"{float(np.max(np.sqrt(1.4) * np.pi * a)):.4g} fm"
        )
    return _out(np.sqrt(5.0 / 3.0 * d))


# ---------------------------------------------------------------------------------------------
# Klein–Nystrand (PKK Eqs. (28)–(29); Pandey Eq. (30); PHYSICS.md §4.3)
# ---------------------------------------------------------------------------------------------


def klein_nystrand_R_A_coherent(A: ArrayLike) -> float | FloatArray:
    """COHERENT choice of the Klein–Nystrand radius, R_A = 1.23 A^{1/3} fm (PHYSICS.md §4.3)."""
    return _out(1.23 * np.cbrt(as_array(A, "A", minimum=1.0)))


def _kn_ff(q: FloatArray, R_A: ArrayLike, a_k: ArrayLike) -> FloatArray:
    q = np.minimum(q, _HUGE)
    return _three_j1_over_x(q * R_A) / (1.0 + (q * a_k) ** 2)


def klein_nystrand_form_factor(
    q_fm: ArrayLike, R_A_fm: ArrayLike, a_k_fm: ArrayLike = KN_AK_FM
) -> FloatArray:
    """Klein–Nystrand form factor F(q) = 3j₁(qR_A)/(qR_A) · 1/(1 + q²a_k²).

    PKK Eq. (28), Pandey Eq. (30), PHYSICS.md §4.3.

    Parameters
    ----------
    q_fm : array_like
        Momentum transfer in fm⁻¹ (≥ 0).
    R_A_fm : array_like
        Hard-sphere radius R_A in fm (> 0).
    a_k_fm : array_like, optional
        Yukawa range a_k in fm (≥ 0), default 0.7 fm.

    Returns
    -------
    ndarray
        F(q); F(0) = 1 exactly.

    Examples
    --------
    >>> round(float(klein_nystrand_form_factor(0.3, klein_nystrand_R_A_coherent(133))), 5)
    0.65831
    """
    return _kn_ff(_q(q_fm), _positive(R_A_fm, "R_A_fm"), _nonnegative(a_k_fm, "a_k_fm"))


def _kn_rho(r: FloatArray, R_A: ArrayLike, a_k: ArrayLike) -> FloatArray:
    R_A = np.asarray(R_A, dtype=float)
    a_k = np.asarray(a_k, dtype=float)
    X = R_A / a_k
    x = np.minimum(r, _HUGE) / a_k
    # Inside (x < X): 1 − (1+X) e^{−X} sinh(x)/x.  e^{−X} sinh(x)/x is evaluated as
    # (e^{x−X} − e^{−x−X})/(2x) for x > 1 and as e^{−X}·sinh(x)/x below, so neither large X nor
    # small x over- or underflows badly; x is clipped to X so the unused branch stays finite.
    xi = np.minimum(x, X)
    big = xi > 1.0
    xb = np.where(big, xi, 1.0)
    xsm = np.where(big, 1.0, xi)
    sinhc = np.where(xsm > 0.0, np.sinh(xsm) / np.where(xsm > 0.0, xsm, 1.0), 1.0)
    e_sinhc = np.where(big, (np.exp(xb - X) - np.exp(-xb - X)) / (2.0 * xb), np.exp(-X) * sinhc)
    inside = 1.0 - (1.0 + X) * e_sinhc
    # Outside: (X cosh X − sinh X) e^{−x}/x = [(X−1)e^{X−x} + (X+1)e^{−X−x}]/(2x).
    xo = np.maximum(x, X)
    outside = ((X - 1.0) * np.exp(X - xo) + (X + 1.0) * np.exp(-X - xo)) / (2.0 * xo)
    return 3.0 / (4.0 * np.pi * R_A**3) * np.where(x < X, inside, outside)


def klein_nystrand_density(
    r_fm: ArrayLike, R_A_fm: ArrayLike, a_k_fm: ArrayLike = KN_AK_FM
) -> FloatArray:
    """Klein–Nystrand density: hard sphere ⊗ normalised Yukawa e^{−r/a_k}/(4πa_k² r).

    With x = r/a_k, X = R_A/a_k (PHYSICS.md §4.3):
    ρ = 3/(4πR_A³)·[1 − (1+X)e^{−X} sinh(x)/x] for r < R_A and
    ρ = 3/(4πR_A³)·(X cosh X − sinh X) e^{−x}/x for r ≥ R_A; normalised to 1.

    Parameters
    ----------
    r_fm : array_like
        Radius in fm (≥ 0).
    R_A_fm, a_k_fm : array_like
        Hard-sphere radius and Yukawa range in fm (> 0).

    Returns
    -------
    ndarray
        ρ(r) in fm⁻³.
    """
    return _kn_rho(_r(r_fm), _positive(R_A_fm, "R_A_fm"), _positive(a_k_fm, "a_k_fm"))


def klein_nystrand_moments(
    R_A_fm: ArrayLike, a_k_fm: ArrayLike = KN_AK_FM
) -> dict[int, float | FloatArray]:
    """Radial moments of the Klein–Nystrand density (PKK Eq. (29); PHYSICS.md §4.3).

    ⟨r²⟩ = 3/5 R_A² + 6a_k², ⟨r⁴⟩ = 3/7 R_A⁴ + 12R_A²a_k² + 120a_k⁴,
    ⟨r⁶⟩ = 1/3 R_A⁶ + 18R_A⁴a_k² + 504R_A²a_k⁴ + 5040a_k⁶.

    Examples
    --------
    >>> round(klein_nystrand_moments(klein_nystrand_R_A_coherent(133))[2], 3)
    26.592
    """
    R2 = _positive(R_A_fm, "R_A_fm") ** 2
    a2 = _nonnegative(a_k_fm, "a_k_fm") ** 2
    return {
        2: _out(0.6 * R2 + 6.0 * a2),
        4: _out(3.0 / 7.0 * R2**2 + 12.0 * R2 * a2 + 120.0 * a2**2),
        6: _out(R2**3 / 3.0 + 18.0 * R2**2 * a2 + 504.0 * R2 * a2**2 + 5040.0 * a2**3),
    }


def klein_nystrand_R_A_adapted(
    rms_fm: ArrayLike, a_k_fm: ArrayLike = KN_AK_FM
) -> float | FloatArray:
    """Adapted Klein–Nystrand radius R_A = √(5/3 r₀² − 10a_k²) (Pandey after Eq. (30)).

    With this R_A the KN rms radius equals r₀ (PHYSICS.md §4.3).

    Raises
    ------
    CevnsError
        If 5/3 r₀² ≤ 10 a_k².

    Examples
    --------
    >>> round(klein_nystrand_R_A_adapted(3.427), 3)
    3.831
    """
    R = _positive(rms_fm, "rms_fm")
    a = _nonnegative(a_k_fm, "a_k_fm")
    d = 5.0 / 3.0 * R**2 - 10.0 * a**2
    if np.any(d <= 0.0):
        raise CevnsError(
            f"rms_fm = {rms_fm} fm is too small for a_k_fm = {a_k_fm} fm: the adapted "
            f"Klein–Nystrand radius needs rms_fm² > 6 a_k_fm², i.e. rms_fm > "
            f"{float(np.max(np.sqrt(6.0) * a)):.4g} fm"
        )
    return _out(np.sqrt(d))


# ---------------------------------------------------------------------------------------------
# Harmonic oscillator / shell model (PKK Eqs. (19)–(21), (A25)–(A28), Table III; PHYSICS §4.4)
# ---------------------------------------------------------------------------------------------


class ShellLevel(NamedTuple):
    """One single-particle level n l_j and its occupation w (2j+1 when full; may be fractional)."""

    n: int
    l: int  # noqa: E741 — the orbital quantum number is called l in every source
    j: Fraction
    occupation: Fraction

    @property
    def capacity(self) -> int:
        """2j + 1."""
        return int(2 * self.j + 1)

    @property
    def label(self) -> str:
        """Spectroscopic label, e.g. ``"0g9/2"``."""
        return f"{self.n}{'spdfghijklm'[self.l]}{self.j.numerator}/{self.j.denominator}"


def _levels(spec: str) -> tuple[tuple[int, int, Fraction], ...]:
    letters = "spdfghijklm"
    out = []
    for item in spec.split():
        out.append((int(item[0]), letters.index(item[1]), Fraction(item[2:])))
    return tuple(out)


#: Default filling order: PKK Table III for the first 50 nucleons (including its non-standard
#: 0d3/2 before 1s1/2 and 1p1/2 before 0f7/2), continued with the standard spin-orbit ordering
#: up to 184 nucleons.  Items are (n, l, j).
DEFAULT_SHELL_ORDER: tuple[tuple[int, int, Fraction], ...] = _levels(
    "0s1/2 0p3/2 0p1/2 0d5/2 0d3/2 1s1/2 1p1/2 0f7/2 1p3/2 0f5/2 0g9/2"
    " 0g7/2 1d5/2 1d3/2 2s1/2 0h11/2 0h9/2 1f7/2 1f5/2 2p3/2 2p1/2 0i13/2"
    " 1g9/2 0i11/2 0j15/2 2d5/2 3s1/2 1g7/2 2d3/2"
)


def _fraction(value: Any, name: str) -> Fraction:
    if isinstance(value, bool):
        raise CevnsError(f"{name} must be a number, got {value!r}")
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            raise CevnsError(f"{name} must be finite, got {value!r}")
        return Fraction(str(float(value)))  # decimal reading: 0.1 -> 1/10
    if isinstance(value, str | np.integer):
        try:
            return Fraction(str(value))
        except ValueError as exc:
            raise CevnsError(f"{name} must be a number such as '3/2', got {value!r}") from exc
    raise CevnsError(f"{name} must be a number, got {value!r}")


def _level_key(n: Any, l: Any, j: Any) -> tuple[int, int, Fraction]:  # noqa: E741
    nf, lf, jf = _fraction(n, "n"), _fraction(l, "l"), _fraction(j, "j")
    if nf.denominator != 1 or nf < 0:
        raise CevnsError(f"radial quantum number n must be an integer ≥ 0, got {n!r}")
    if lf.denominator != 1 or lf < 0:
        raise CevnsError(f"orbital quantum number l must be an integer ≥ 0, got {l!r}")
    if jf <= 0 or abs(jf - lf) != Fraction(1, 2):
        raise CevnsError(f"j must be l ± 1/2 (> 0) for l = {int(lf)}, got j = {j!r}")
    return int(nf), int(lf), jf


def shell_occupations(
    n_nucleons: int, order: Iterable[Sequence[Any]] | None = None
) -> list[ShellLevel]:
    """Fill single-particle levels in order, the last one partially (PKK Table III ordering).

    Parameters
    ----------
    n_nucleons : int
        Number of protons (Z) or neutrons (N) to place, ≥ 1.
    order : iterable of (n, l, j), optional
        Filling order; ``j`` may be a Fraction, a float or a string like ``"3/2"``. Default
        :data:`DEFAULT_SHELL_ORDER` (PKK Table III up to 50, then the standard order up to 184).

    Returns
    -------
    list of ShellLevel
        The occupied levels with occupations (2j+1 except possibly the last).

    Raises
    ------
    CevnsError
        If ``n_nucleons`` exceeds the capacity of ``order``.

    Examples
    --------
    >>> [lev.label for lev in shell_occupations(22)][-2:]
    ['1s1/2', '1p1/2']
    """
    count = as_float(n_nucleons, "n_nucleons", minimum=1.0)
    if count != int(count):
        raise CevnsError(f"n_nucleons must be an integer ≥ 1, got {n_nucleons!r}")
    left = int(count)
    levels = DEFAULT_SHELL_ORDER if order is None else [_level_key(*item) for item in order]
    out: list[ShellLevel] = []
    for n, l, j in levels:  # noqa: E741
        if left == 0:
            break
        capacity = int(2 * j + 1)
        take = min(capacity, left)
        out.append(ShellLevel(n, l, j, Fraction(take)))
        left -= take
    if left:
        capacity = sum(int(2 * j + 1) for _, _, j in levels)
        raise CevnsError(
            f"n_nucleons = {int(count)} exceeds the capacity {capacity} of the filling order; "
            "pass a longer order"
        )
    return out


@lru_cache(maxsize=256)
def _default_levels(count: int) -> tuple[ShellLevel, ...]:
    return tuple(shell_occupations(count))


def _normalise_occupations(occupations: Any) -> tuple[ShellLevel, ...]:
    """Validate a user list of (n, l, j, occupation) (or a nucleon count) as ShellLevels."""
    if isinstance(occupations, int | np.integer) and not isinstance(occupations, bool):
        return tuple(shell_occupations(int(occupations)))
    try:
        items = list(occupations)
    except TypeError as exc:
        raise CevnsError(
            "occupations must be a nucleon count or a list of (n, l, j, occupation), "
            f"got {occupations!r}"
        ) from exc
    out: list[ShellLevel] = []
    seen: set[tuple[int, int, Fraction]] = set()
    for item in items:
        try:
            n, l, j, w = item  # noqa: E741
        except (TypeError, ValueError) as exc:
            raise CevnsError(
                f"each occupation must be (n, l, j, occupation), got {item!r}"
            ) from exc
        key = _level_key(n, l, j)
        if key in seen:
            raise CevnsError(f"level {ShellLevel(*key, Fraction(0)).label} is listed twice")
        seen.add(key)
        wf = _fraction(w, "occupation")
        if not 0 <= wf <= 2 * key[2] + 1:
            raise CevnsError(
                f"occupation of {ShellLevel(*key, wf).label} must lie in "
                f"[0, {int(2 * key[2] + 1)}], got {w!r}"
            )
        out.append(ShellLevel(*key, wf))
    if not out or sum(level.occupation for level in out) <= 0:
        raise CevnsError("occupations must place at least one nucleon")
    return tuple(out)


def _gen_binom(alpha: Fraction, m: int) -> Fraction:
    """Generalised binomial coefficient (alpha over m) for integer m (0 for m < 0)."""
    if m < 0:
        return Fraction(0)
    out = Fraction(1)
    for i in range(m):
        out = out * (alpha - i) / (i + 1)
    return out


@cache
def ho_lambda_coefficient(k: int, n: int, l: int) -> Fraction:  # noqa: E741
    """Λ_k(n, l) = (−1)^k/k! · binom(n + l + 1/2, n − k) (PKK Eq. (A26)), exact.

    Zero for k < 0 or k > n.

    Examples
    --------
    >>> ho_lambda_coefficient(1, 1, 0)
    Fraction(-1, 1)
    """
    if k < 0:
        return Fraction(0)
    return Fraction((-1) ** k, math.factorial(k)) * _gen_binom(Fraction(2 * (n + l) + 1, 2), n - k)


@cache
def ho_c_coefficient(m: int, n: int, l: int) -> Fraction:  # noqa: E741
    """C^m_{nl} = Σ_{k=0}^{m} Λ_{m−k}(n,l) Λ_k(n,l) (PKK Eq. (A27)); 0 for m < 0 or m > 2n."""
    if m < 0 or m > 2 * n:
        return Fraction(0)
    return sum(
        (ho_lambda_coefficient(m - k, n, l) * ho_lambda_coefficient(k, n, l) for k in range(m + 1)),
        Fraction(0),
    )


def _sqrt_pi_over_2gamma(n: int, l: int) -> Fraction:  # noqa: E741
    # √π / (2Γ(n+l+3/2)) with Γ(K+1/2) = √π (2K)!/(4^K K!), K = n+l+1: the √π cancels exactly.
    K = n + l + 1
    return Fraction(4**K * math.factorial(K), 2 * math.factorial(2 * K))


@lru_cache(maxsize=256)
def _ho_coefficients(levels: tuple[ShellLevel, ...]) -> tuple[tuple[Fraction, ...], ...]:
    occupied = [lev for lev in levels if lev.occupation > 0]
    n_max = max(2 * lev.n + lev.l for lev in occupied)
    f = []
    theta = []
    for lam in range(n_max + 1):
        # PKK Eq. (A25); the printed condition "2n+l > λ" must read "2n+l ≥ λ" (PHYSICS §4.4).
        contributing = [lev for lev in occupied if 2 * lev.n + lev.l >= lam]
        f.append(
            sum(
                (
                    lev.occupation
                    * math.factorial(lev.n)
                    * ho_c_coefficient(lam - lev.l, lev.n, lev.l)
                    * _sqrt_pi_over_2gamma(lev.n, lev.l)
                    for lev in contributing
                ),
                Fraction(0),
            )
        )
        # PKK Eq. (A28), m from s = max(0, λ − l) to 2n.
        total = Fraction(0)
        for lev in contributing:
            inner = sum(
                (
                    ho_c_coefficient(m, lev.n, lev.l)
                    * ho_lambda_coefficient(lam, m + lev.l, 0)
                    * math.factorial(lev.l + m)
                    for m in range(max(0, lam - lev.l), 2 * lev.n + 1)
                ),
                Fraction(0),
            )
            total += (
                lev.occupation * math.factorial(lev.n) * inner * _sqrt_pi_over_2gamma(lev.n, lev.l)
            )
        theta.append(total / 4**lam)
    return tuple(f), tuple(theta)


def ho_coefficients(occupations: Any) -> tuple[list[Fraction], list[Fraction]]:
    """Exact harmonic-oscillator coefficients f_λ and θ_λ (PKK Eqs. (A25)–(A28), Table III).

    ρ(r) ∝ e^{−(r/b)²} Σ_λ f_λ (r/b)^{2λ} (normalised to the nucleon number) and
    F(q) = e^{−(qb)²/4} Σ_λ θ_λ (qb)^{2λ} / (nucleon number), λ = 0 … N_max = max(2n + l).

    Parameters
    ----------
    occupations : int or iterable of (n, l, j, occupation)
        A nucleon count (filled with :func:`shell_occupations`) or explicit levels.

    Returns
    -------
    (list of Fraction, list of Fraction)
        (f_λ, θ_λ), λ = 0 … N_max. θ₀ equals the nucleon number.

    Examples
    --------
    >>> f, theta = ho_coefficients(22)
    >>> str(theta[2])
    '13/30'
    """
    f, theta = _ho_coefficients(_normalise_occupations(occupations))
    return list(f), list(theta)


@lru_cache(maxsize=256)
def _ho_arrays(levels: tuple[ShellLevel, ...]) -> tuple[FloatArray, FloatArray, Fraction]:
    f, theta = _ho_coefficients(levels)
    total = sum(lev.occupation for lev in levels)
    return (
        np.array([float(x / total) for x in f]),
        np.array([float(x / total) for x in theta]),
        total,
    )


@lru_cache(maxsize=256)
def _ho_moment_ratio(levels: tuple[ShellLevel, ...], k: int) -> Fraction:
    """⟨r^{2k}⟩/b^{2k} exactly: Σ_λ f_λ (2λ+2k+1)!!/2^{λ+k} / (nucleon number)."""
    f, _ = _ho_coefficients(levels)
    total = sum(lev.occupation for lev in levels)

    def double_factorial(m: int) -> int:
        return math.prod(range(m, 0, -2))

    return (
        sum(
            (
                fl * Fraction(double_factorial(2 * lam + 2 * k + 1), 2 ** (lam + k))
                for lam, fl in enumerate(f)
            ),
            Fraction(0),
        )
        / total
    )


# Beyond qb (or r/b) = 60 the Gaussian factor e^{−60²/4} underflows to 0 for any polynomial degree
# reached here; zeroing explicitly avoids inf·0 for absurd arguments.
_HO_ARG_MAX = 60.0


def _ho_ff(q: FloatArray, b: ArrayLike, levels: tuple[ShellLevel, ...]) -> FloatArray:
    _, theta, _ = _ho_arrays(levels)
    y = np.minimum(q, _HUGE) * b
    inside = y <= _HO_ARG_MAX
    y2 = np.where(inside, y, 0.0) ** 2
    value = np.exp(-0.25 * y2) * np.polynomial.polynomial.polyval(y2, theta)
    return np.where(inside, value, 0.0)


def _ho_rho(r: FloatArray, b: ArrayLike, levels: tuple[ShellLevel, ...]) -> FloatArray:
    f, _, _ = _ho_arrays(levels)
    b = np.asarray(b, dtype=float)
    x = np.minimum(r, _HUGE) / b
    inside = x <= _HO_ARG_MAX
    x2 = np.where(inside, x, 0.0) ** 2
    value = np.exp(-x2) * np.polynomial.polynomial.polyval(x2, f) / (np.pi**1.5 * b**3)
    return np.where(inside, value, 0.0)


def harmonic_oscillator_form_factor(
    q_fm: ArrayLike, b_fm: ArrayLike, occupations: Any
) -> FloatArray:
    """Harmonic-oscillator (shell-model) form factor (PKK Eq. (19), (A28); PHYSICS.md §4.4).

    F(q) = e^{−(qb)²/4} Σ_λ θ_λ (qb)^{2λ} / Σ w, normalised to F(0) = 1.

    Parameters
    ----------
    q_fm : array_like
        Momentum transfer in fm⁻¹ (≥ 0).
    b_fm : array_like
        Oscillator length b in fm (> 0).
    occupations : int or iterable of (n, l, j, occupation)
        Nucleon count (default filling, :func:`shell_occupations`) or explicit levels
        (fractional occupations as in the FOP model are allowed).

    Returns
    -------
    ndarray
        F(q).

    Examples
    --------
    >>> round(float(harmonic_oscillator_form_factor(0.5, 1.8, 8)), 6)
    0.733997
    """
    levels = _normalise_occupations(occupations)
    return _ho_ff(_q(q_fm), _positive(b_fm, "b_fm"), levels)


def harmonic_oscillator_density(r_fm: ArrayLike, b_fm: ArrayLike, occupations: Any) -> FloatArray:
    """Harmonic-oscillator density normalised to 1 (PKK Eq. (20), (A25); PHYSICS.md §4.4).

    ρ(r) = e^{−(r/b)²} Σ_λ f_λ (r/b)^{2λ} / (π^{3/2} b³ Σ w).

    Parameters
    ----------
    r_fm : array_like
        Radius in fm (≥ 0).
    b_fm : array_like
        Oscillator length in fm (> 0).
    occupations : int or iterable of (n, l, j, occupation)
        As in :func:`harmonic_oscillator_form_factor`.
    """
    levels = _normalise_occupations(occupations)
    return _ho_rho(_r(r_fm), _positive(b_fm, "b_fm"), levels)


def harmonic_oscillator_moments(b_fm: ArrayLike, occupations: Any) -> dict[int, float | FloatArray]:
    """Moments ⟨r^{2k}⟩ = b^{2k} Σ_λ f_λ (2λ+2k+1)!!/2^{λ+k} / Σ w (Gaussian integrals of Eq. (20)).

    Returns
    -------
    dict
        ``{2: ⟨r²⟩, 4: ⟨r⁴⟩, 6: ⟨r⁶⟩}`` in fm², fm⁴, fm⁶.
    """
    levels = _normalise_occupations(occupations)
    b = _positive(b_fm, "b_fm")
    return {2 * k: _out(float(_ho_moment_ratio(levels, k)) * b ** (2 * k)) for k in (1, 2, 3)}


def harmonic_oscillator_b_from_rms(rms_fm: ArrayLike, occupations: Any) -> float | FloatArray:
    """Oscillator length b giving the rms radius R: b = R / √(⟨r²⟩/b²) (PHYSICS.md §4.4).

    Examples
    --------
    >>> round(harmonic_oscillator_b_from_rms(2.0, 2), 6)  # ⁴He-like: ⟨r²⟩ = 3/2 b²
    1.632993
    """
    levels = _normalise_occupations(occupations)
    R = _positive(rms_fm, "rms_fm")
    return _out(R / math.sqrt(_ho_moment_ratio(levels, 1)))


# ---------------------------------------------------------------------------------------------
# Moment expansion (PKK Eqs. (32)–(33); PHYSICS.md §4.5) and point nucleus
# ---------------------------------------------------------------------------------------------


def _moment_expansion(
    q: FloatArray, r2: Any, r4: Any, r6: Any, *, stacklevel: int = 3
) -> FloatArray:
    r2, r4, r6 = (np.asarray(v, dtype=float) for v in (r2, r4, r6))
    # Far outside its range the truncated series overflows (±inf, or nan beyond q ~ 1e154 fm⁻¹):
    # that is a CevnsError below, never a numpy RuntimeWarning or a non-finite result.
    with np.errstate(over="ignore", invalid="ignore"):
        q2 = q * q
        total = 1.0 + q2 * (-r2 / 6.0 + q2 * (r4 / 120.0 - q2 * r6 / 5040.0))  # Horner in q²
        last = np.where(
            r6 != 0.0,
            q2**3 * r6 / 5040.0,
            np.where(r4 != 0.0, q2**2 * r4 / 120.0, q2 * r2 / 6.0),
        )
        bad = ~(np.abs(last) <= 0.1 * np.abs(total))  # nan counts as bad
    overflow = ~np.isfinite(total)
    if np.any(overflow):
        q_over = float(np.min(np.broadcast_to(q, overflow.shape)[overflow]))
        raise CevnsError(
            f"the moment expansion of F(q) overflows at q_fm = {q_over:.4g} fm⁻¹: the truncated "
            "series is meaningless there (it is reliable only where q²⟨r²⟩ ≪ 1, PHYSICS.md "
            "§4.5); use a model with a density, e.g. 'helm', for large q"
        )
    if np.any(bad):
        q_bad = float(np.min(np.broadcast_to(q, bad.shape)[bad]))
        warnings.warn(
            f"moment expansion of F(q) is unreliable from q_fm = {q_bad:.4g} fm⁻¹: its last "
            "retained term exceeds 10 % of the sum (PHYSICS.md §4.5)",
            CevnsWarning,
            stacklevel=stacklevel,  # the user's call, through the public wrappers
        )
    return total


def moment_expansion_form_factor(
    q_fm: ArrayLike, r2: ArrayLike, r4: ArrayLike = 0.0, r6: ArrayLike = 0.0
) -> FloatArray:
    """Model-independent expansion F ≈ 1 − q²⟨r²⟩/3! + q⁴⟨r⁴⟩/5! − q⁶⟨r⁶⟩/7!.

    PKK Eqs. (32)–(33), PHYSICS.md §4.5. A :class:`CevnsWarning` is issued when the last
    retained (highest non-zero) term exceeds 10 % of the sum in magnitude.

    Parameters
    ----------
    q_fm : array_like
        Momentum transfer in fm⁻¹ (≥ 0).
    r2, r4, r6 : array_like
        ⟨r²⟩ [fm²], ⟨r⁴⟩ [fm⁴], ⟨r⁶⟩ [fm⁶] (≥ 0); r4 and r6 default to 0 (truncation).

    Returns
    -------
    ndarray
        The truncated series (not bounded by 1 in magnitude outside its range of validity).

    Examples
    --------
    >>> round(float(moment_expansion_form_factor(0.1, 23.0, 700.0, 25000.0)), 6)
    0.962245
    """
    q = _q(q_fm)
    return _moment_expansion(
        q, _nonnegative(r2, "r2"), _nonnegative(r4, "r4"), _nonnegative(r6, "r6")
    )


def point_form_factor(q_fm: ArrayLike) -> FloatArray:
    """Point nucleus: F(q) = 1 for every q (PHYSICS.md §4)."""
    return np.ones_like(_q(q_fm))


# ---------------------------------------------------------------------------------------------
# Parameterised models and the registry
# ---------------------------------------------------------------------------------------------


class ParameterInfo(NamedTuple):
    """Description of one user-facing model parameter (for widgets): default, bounds, doc.

    ``bounds`` is a (low, high) pair for numbers (None = open) and the tuple of allowed values for
    choices.
    """

    default: Any
    bounds: Any
    doc: str


def _is_user_parameter(p: param.Parameter, name: str) -> bool:
    return name != "name" and (p.precedence is None or p.precedence >= 0)


def _user_parameters(cls: type[param.Parameterized]) -> dict[str, param.Parameter]:
    return {k: p for k, p in cls.param.objects("existing").items() if _is_user_parameter(p, k)}


def _check_parameter_values(
    cls: type[param.Parameterized], params: dict[str, Any], *, user_only: bool
) -> None:
    """Turn unknown or out-of-range parameters into a CevnsError naming what is allowed."""
    check_parameters(cls, params, allowed=_user_parameters(cls) if user_only else None)


def _length_param(default: float | None, doc: str, *, hi: float, soft: tuple[float, float]):
    return param.Number(
        default,
        allow_None=default is None,
        bounds=(0.0, hi),
        inclusive_bounds=(False, True),
        softbounds=soft,
        doc=doc,
    )


class FormFactorModel(ValidatedParameters):
    """Base class of the nuclear form-factor models (PHYSICS.md §4).

    A model gives F(q) (F(0) = 1), the matching density ρ(r) normalised to 1 and the radial moments
    ⟨r²⟩, ⟨r⁴⟩, ⟨r⁶⟩. Build one for a nucleus with :meth:`for_isotope` or
    :func:`form_factor_model`. Parameters with negative precedence (mass number, Z, N) are set from
    the isotope and are not shown as widgets.
    """

    #: Registry name of the model.
    model_name: ClassVar[str] = ""

    def __init__(self, **params: Any) -> None:
        _check_parameter_values(type(self), params, user_only=False)
        try:
            super().__init__(**params)
        except ValueError as exc:  # param's own checks (e.g. an integer parameter given 1.5)
            raise CevnsError(str(exc)) from exc
        self._check_geometry()

    # -- to be provided by subclasses ---------------------------------------------------------
    def _check_geometry(self) -> None:
        """Raise CevnsError early if the parameters cannot describe a nucleus."""

    def _form_factor(self, q: FloatArray) -> FloatArray:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _density(self, r: FloatArray) -> FloatArray:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _moments(self) -> dict[int, float] | None:
        return None

    def _r_max(self) -> float:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _breakpoints(self) -> tuple[float, ...]:
        return ()

    @classmethod
    def _resolve(cls, iso: Isotope, params: dict[str, Any]) -> dict[str, Any]:
        return params

    # -- public interface ---------------------------------------------------------------------
    def form_factor(self, q_fm: ArrayLike) -> FloatArray:
        """F(q) for ``q_fm`` in fm⁻¹ (≥ 0, any shape); F(0) = 1."""
        return self._form_factor(_q(q_fm))

    def density(self, r_fm: ArrayLike) -> FloatArray:
        """ρ(r) in fm⁻³ normalised to 1, for ``r_fm`` in fm (≥ 0, any shape)."""
        return self._density(_r(r_fm))

    def moment(self, k: int) -> float:
        """⟨r^k⟩ in fm^k for k ∈ {2, 4, 6} (closed form where known, else quadrature of ρ)."""
        k = check_choice(k, "k", (2, 4, 6))
        closed = self._moments()
        return float(closed[k]) if closed is not None else self.numeric_moment(k)

    def numeric_moment(self, k: float) -> float:
        """⟨r^k⟩ from fixed Gauss–Legendre quadrature of the density (k = 0: normalisation)."""
        return density_moment(self.density, k, self._r_max(), breakpoints=self._breakpoints())

    @property
    def rms_radius_fm(self) -> float:
        """rms radius √⟨r²⟩ in fm."""
        return math.sqrt(self.moment(2))

    def with_rms(self, rms_fm: float) -> FormFactorModel:
        """A new model of the same kind and shape parameters, rescaled to rms radius ``rms_fm``."""
        raise CevnsError(f"model {self.model_name!r} cannot be rescaled to an rms radius")

    def _replace(self, **changes: Any) -> FormFactorModel:
        values = {k: v for k, v in self.param.values().items() if k != "name"}
        values.update(changes)
        return type(self)(**values)

    @classmethod
    def for_isotope(cls, iso: str | Isotope, **params: Any) -> FormFactorModel:
        """Build the model for an isotope (name or :class:`Isotope`) with user parameters.

        Raises
        ------
        CevnsError
            For an unknown isotope, an unknown or out-of-range parameter, or a missing radius.
        """
        iso = isotope(iso)
        _check_parameter_values(cls, params, user_only=True)
        return cls(**cls._resolve(iso, dict(params)))


def _rms_arg(rms_fm: Any) -> float:
    return as_float(rms_fm, "rms_fm", minimum=0.0, inclusive=False)


def _charge_radius(iso: Isotope, model: str) -> float:
    if iso.charge_radius_fm is None:
        raise CevnsError(
            f"{iso.name} has no tabulated charge radius; give rms_fm=... (in fm) "
            f"for model {model!r}"
        )
    return iso.charge_radius_fm


class HelmModel(FormFactorModel):
    """Helm form factor (PKK Eqs. (23)–(24); Pandey Eq. (29); PHYSICS.md §4.1).

    R₀ from Lewin–Smith (default; uses A, s, a) or from an rms radius at fixed s.
    """

    model_name: ClassVar[str] = "helm"

    R0_prescription = param.Selector(
        objects=["lewin_smith", "from_rms"],
        default="lewin_smith",
        doc="How R0 is chosen: 'lewin_smith' R0² = c² + 7/3 π²a² − 5s² with c = 1.23A^{1/3} − 0.60 "
        "fm (Pandey after Eq. (29)); 'from_rms' R0 = √(5/3 (R² − 3s²)) from rms_fm (PKK).",
    )
    s_fm = _length_param(
        HELM_S_FM, "Helm surface thickness s in fm (PKK, Pandey: 0.9 fm).", hi=3.0, soft=(0.5, 1.5)
    )
    a_fm = _length_param(
        SF_A_FM,
        "Fermi diffuseness a in fm used by the Lewin–Smith R0 (0.52 fm).",
        hi=3.0,
        soft=(0.3, 0.8),
    )
    rms_fm = _length_param(
        None,
        "rms radius in fm for R0_prescription='from_rms'; None → the isotope's charge radius "
        "(Angeli & Marinova 2013). Ignored by 'lewin_smith'.",
        hi=15.0,
        soft=(1.5, 7.0),
    )
    A = param.Integer(None, allow_None=True, bounds=(1, 400), precedence=-1, doc="Mass number A.")

    @property
    def R0_fm(self) -> float:
        """The Helm diffraction radius R₀ in fm."""
        if self.R0_prescription == "lewin_smith":
            if self.A is None:
                raise CevnsError("HelmModel with R0_prescription='lewin_smith' needs A")
            return _helm_R0_cached("lewin_smith", self.A, self.s_fm, self.a_fm)
        if self.rms_fm is None:
            raise CevnsError("HelmModel with R0_prescription='from_rms' needs rms_fm")
        return _helm_R0_cached("from_rms", self.rms_fm, self.s_fm, 0.0)

    def _check_geometry(self) -> None:
        if (self.R0_prescription == "lewin_smith" and self.A is not None) or (
            self.R0_prescription == "from_rms" and self.rms_fm is not None
        ):
            self.R0_fm  # noqa: B018 — raises CevnsError for an impossible geometry

    @classmethod
    def _resolve(cls, iso: Isotope, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("rms_fm") is not None:
            params.setdefault("R0_prescription", "from_rms")
        if params.get("R0_prescription") == "from_rms" and params.get("rms_fm") is None:
            params["rms_fm"] = _charge_radius(iso, cls.model_name)
        params["A"] = iso.A
        return params

    def _form_factor(self, q: FloatArray) -> FloatArray:
        return _helm_ff(q, self.R0_fm, self.s_fm)

    def _density(self, r: FloatArray) -> FloatArray:
        return _helm_rho(r, self.R0_fm, self.s_fm)

    def _moments(self) -> dict[int, float]:
        return helm_moments(self.R0_fm, self.s_fm)

    def _r_max(self) -> float:
        return self.R0_fm + 16.0 * self.s_fm

    def with_rms(self, rms_fm: float) -> HelmModel:
        """Helm with R₀ from ``rms_fm`` at the same s."""
        return self._replace(R0_prescription="from_rms", rms_fm=_rms_arg(rms_fm))


class _RadiusFromAOrRms(FormFactorModel):
    """A model whose size is set from the mass number A or fitted to an rms radius.

    Subclasses name the selector parameter (``_prescription``), its two values (``_from_A``,
    ``_from_rms``) and the two formulas (:meth:`_radius_from_A`, :meth:`_radius_from_rms`).
    """

    __abstract = True
    A = param.Integer(None, allow_None=True, bounds=(1, 400), precedence=-1, doc="Mass number A.")
    _prescription: ClassVar[str] = ""
    _from_A: ClassVar[str] = ""
    _from_rms: ClassVar[str] = ""

    def _radius_from_A(self, A: int) -> float:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _radius_from_rms(self, rms_fm: float) -> float:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _radius(self) -> float:
        prescription = getattr(self, self._prescription)
        label = f"{type(self).__name__} with {self._prescription}={prescription!r}"
        if prescription == self._from_A:
            if self.A is None:
                raise CevnsError(f"{label} needs A")
            return float(self._radius_from_A(self.A))
        if self.rms_fm is None:
            raise CevnsError(f"{label} needs rms_fm")
        return float(self._radius_from_rms(self.rms_fm))

    def _check_geometry(self) -> None:
        prescription = getattr(self, self._prescription)
        if (prescription == self._from_A and self.A is not None) or (
            prescription == self._from_rms and self.rms_fm is not None
        ):
            self._radius()  # raises CevnsError for an impossible geometry

    @classmethod
    def _resolve(cls, iso: Isotope, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("rms_fm") is not None:
            params.setdefault(cls._prescription, cls._from_rms)
        prescription = params.get(cls._prescription, cls.param[cls._prescription].default)
        if prescription == cls._from_rms and params.get("rms_fm") is None:
            params["rms_fm"] = _charge_radius(iso, cls.model_name)
        params["A"] = iso.A
        return params

    def with_rms(self, rms_fm: float) -> _RadiusFromAOrRms:
        """The same model with its size from ``rms_fm`` at the same shape parameters."""
        return self._replace(**{self._prescription: self._from_rms, "rms_fm": _rms_arg(rms_fm)})


class SymmetrizedFermiModel(_RadiusFromAOrRms):
    """Symmetrized Fermi form factor (PKK Eqs. (25)–(27); PHYSICS.md §4.2)."""

    model_name: ClassVar[str] = "symmetrized_fermi"

    c_prescription = param.Selector(
        objects=["standard", "from_rms"],
        default="standard",
        doc="How c is chosen: 'standard' c = 1.23A^{1/3} − 0.60 fm (PKK Eq. (26)); 'from_rms' "
        "c² = 5/3 (R² − 7/5 π²a²) from rms_fm.",
    )
    a_fm = _length_param(
        SF_A_FM, "Diffuseness a in fm (PKK Eq. (26): 0.52 fm).", hi=3.0, soft=(0.3, 0.8)
    )
    rms_fm = _length_param(
        None,
        "rms radius in fm for c_prescription='from_rms'; None → the isotope's charge radius. "
        "Ignored by 'standard'.",
        hi=15.0,
        soft=(1.5, 7.0),
    )

    _prescription: ClassVar[str] = "c_prescription"
    _from_A: ClassVar[str] = "standard"
    _from_rms: ClassVar[str] = "from_rms"

    def _radius_from_A(self, A: int) -> float:
        return lewin_smith_c(A)

    def _radius_from_rms(self, rms_fm: float) -> float:
        return symmetrized_fermi_c_from_rms(rms_fm, self.a_fm)

    @property
    def c_fm(self) -> float:
        """The half-density radius c in fm."""
        return self._radius()

    def _form_factor(self, q: FloatArray) -> FloatArray:
        return _sf_ff(q, self.c_fm, self.a_fm)

    def _density(self, r: FloatArray) -> FloatArray:
        return _sf_rho(r, self.c_fm, self.a_fm)

    def _moments(self) -> dict[int, float]:
        m2, m4, m6 = _sf_moments(self.c_fm, self.a_fm)
        return {2: float(m2), 4: float(m4), 6: float(m6)}

    def _r_max(self) -> float:
        return self.c_fm + 70.0 * self.a_fm


class KleinNystrandModel(_RadiusFromAOrRms):
    """Klein–Nystrand form factor (PKK Eqs. (28)–(29); Pandey Eq. (30); PHYSICS.md §4.3).

    R_A = 1.23 A^{1/3} fm (COHERENT choice) or adapted to an rms radius (Pandey after Eq. (30)).
    """

    model_name: ClassVar[str] = "klein_nystrand"

    R_A_prescription = param.Selector(
        objects=["coherent", "adapted"],
        default="coherent",
        doc="How R_A is chosen: 'coherent' R_A = 1.23A^{1/3} fm; 'adapted' "
        "R_A = √(5/3 r0² − 10 a_k²) so that the rms radius is rms_fm (Pandey after Eq. (30)).",
    )
    a_k_fm = _length_param(
        KN_AK_FM, "Yukawa range a_k in fm (PKK Eq. (28): 0.7 fm).", hi=3.0, soft=(0.3, 1.2)
    )
    rms_fm = _length_param(
        None,
        "rms radius r0 in fm for R_A_prescription='adapted'; None → the isotope's charge radius. "
        "Ignored by 'coherent'.",
        hi=15.0,
        soft=(1.5, 7.0),
    )

    _prescription: ClassVar[str] = "R_A_prescription"
    _from_A: ClassVar[str] = "coherent"
    _from_rms: ClassVar[str] = "adapted"

    def _radius_from_A(self, A: int) -> float:
        return klein_nystrand_R_A_coherent(A)

    def _radius_from_rms(self, rms_fm: float) -> float:
        return klein_nystrand_R_A_adapted(rms_fm, self.a_k_fm)

    @property
    def R_A_fm(self) -> float:
        """The hard-sphere radius R_A in fm."""
        return self._radius()

    def _form_factor(self, q: FloatArray) -> FloatArray:
        return _kn_ff(q, self.R_A_fm, self.a_k_fm)

    def _density(self, r: FloatArray) -> FloatArray:
        return _kn_rho(r, self.R_A_fm, self.a_k_fm)

    def _moments(self) -> dict[int, float]:
        return klein_nystrand_moments(self.R_A_fm, self.a_k_fm)

    def _r_max(self) -> float:
        return self.R_A_fm + 70.0 * self.a_k_fm

    def _breakpoints(self) -> tuple[float, ...]:
        return (self.R_A_fm,)


class KleinNystrandAdaptedModel(KleinNystrandModel):
    """Adapted Klein–Nystrand: R_A from the charge (or given) rms radius (Pandey after Eq. (30))."""

    model_name: ClassVar[str] = "klein_nystrand_adapted"

    R_A_prescription = param.Selector(
        objects=["coherent", "adapted"],
        default="adapted",
        doc=KleinNystrandModel.param["R_A_prescription"].doc,
    )


class HarmonicOscillatorModel(FormFactorModel):
    """Harmonic-oscillator shell model (PKK Eqs. (19)–(21), (A25)–(A28); PHYSICS.md §4.4).

    Occupations default to the filling of Z protons (or N neutrons) in PKK Table III order with the
    last level partially filled, i.e. the FOP model with default occupations. Fitted b and α of
    Papoulias & Kosmas 2015 are not shipped: give ``b_fm`` or an rms radius (default: charge
    radius). Fractional occupations α(2j+1) can be passed explicitly in ``occupations``; the
    closed-shell interpolation Π(χ, Z, α_i) of PKK Eq. (22) is not implemented.
    """

    model_name: ClassVar[str] = "harmonic_oscillator"

    nucleons = param.Selector(
        objects=["protons", "neutrons"],
        default="protons",
        doc="Fill the default levels with Z protons or N neutrons.",
    )
    b_fm = _length_param(
        None,
        "Oscillator length b in fm; None → from rms_fm.",
        hi=10.0,
        soft=(1.0, 3.0),
    )
    rms_fm = _length_param(
        None,
        "rms radius in fm that fixes b when b_fm is None; None → the isotope's charge radius.",
        hi=15.0,
        soft=(1.5, 7.0),
    )
    occupations = param.Parameter(
        None,
        allow_None=True,
        doc="Ordered levels (n, l, j, occupation); None → shell_occupations(Z or N) "
        "(PKK Table III order, then standard).",
    )
    Z = param.Integer(None, allow_None=True, bounds=(1, 184), precedence=-1, doc="Proton number.")
    N = param.Integer(None, allow_None=True, bounds=(0, 184), precedence=-1, doc="Neutron number.")

    @property
    def levels(self) -> tuple[ShellLevel, ...]:
        """The occupied levels actually used."""
        if self.occupations is not None:
            return _normalise_occupations(self.occupations)
        count = self.Z if self.nucleons == "protons" else self.N
        if count is None or count == 0:
            raise CevnsError(
                f"HarmonicOscillatorModel needs occupations or a {self.nucleons} number"
            )
        return _default_levels(count)

    @property
    def b(self) -> float:
        """Oscillator length b in fm."""
        if self.b_fm is not None:
            return float(self.b_fm)
        if self.rms_fm is None:
            raise CevnsError("HarmonicOscillatorModel needs b_fm or rms_fm")
        return float(self.rms_fm) / math.sqrt(_ho_moment_ratio(self.levels, 1))

    def _check_geometry(self) -> None:
        if self.b_fm is not None and self.rms_fm is not None:
            raise CevnsError("give either b_fm or rms_fm to HarmonicOscillatorModel, not both")
        if self.occupations is not None or (self.Z is not None and self.N is not None):
            self.levels  # noqa: B018 — validates the occupations

    @classmethod
    def _resolve(cls, iso: Isotope, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("b_fm") is None and params.get("rms_fm") is None:
            params["rms_fm"] = _charge_radius(iso, cls.model_name)
        if params.get("occupations") is not None:
            params["occupations"] = _normalise_occupations(params["occupations"])
        params["Z"] = iso.Z
        params["N"] = iso.N
        return params

    def _form_factor(self, q: FloatArray) -> FloatArray:
        return _ho_ff(q, self.b, self.levels)

    def _density(self, r: FloatArray) -> FloatArray:
        return _ho_rho(r, self.b, self.levels)

    def _moments(self) -> dict[int, float]:
        levels = self.levels
        b = self.b
        return {2 * k: float(_ho_moment_ratio(levels, k)) * b ** (2 * k) for k in (1, 2, 3)}

    def _r_max(self) -> float:
        return 14.0 * self.b

    def with_rms(self, rms_fm: float) -> HarmonicOscillatorModel:
        """Same occupations with b scaled so that the rms radius is ``rms_fm``."""
        return self._replace(rms_fm=_rms_arg(rms_fm), b_fm=None)


class MomentExpansionModel(FormFactorModel):
    """Model-independent moment expansion (PKK Eqs. (32)–(33); PHYSICS.md §4.5).

    Has no density. For an isotope, unspecified moments default to those of the Lewin–Smith Helm
    density; if only r2 is given, r4 and r6 are the Helm-LS ones scaled by (R'/R)^k.
    """

    model_name: ClassVar[str] = "moment_expansion"

    r2_fm2 = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 100.0),
        softbounds=(0.0, 36.0),
        doc="⟨r²⟩ in fm² (PKK Fig. 8: ⟨R²⟩^{1/2} ∈ [0, 6] fm); None → Helm-LS value.",
    )
    r4_fm4 = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 1.0e4),
        softbounds=(0.0, 1296.0),
        doc="⟨r⁴⟩ in fm⁴ (PKK Fig. 8: ⟨R⁴⟩^{1/4} ∈ [0, 6] fm); None → Helm-LS value (0 without "
        "an isotope).",
    )
    r6_fm6 = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 1.0e6),
        softbounds=(0.0, 46656.0),
        doc="⟨r⁶⟩ in fm⁶; None → Helm-LS value (0 without an isotope).",
    )

    def _values(self) -> tuple[float, float, float]:
        if self.r2_fm2 is None:
            raise CevnsError("MomentExpansionModel needs r2_fm2 (⟨r²⟩ in fm²)")
        return (
            float(self.r2_fm2),
            float(self.r4_fm4 or 0.0),
            float(self.r6_fm6 or 0.0),
        )

    @classmethod
    def _resolve(cls, iso: Isotope, params: dict[str, Any]) -> dict[str, Any]:
        helm = helm_moments(helm_R0_lewin_smith(iso.A), HELM_S_FM)
        scale = 1.0
        if params.get("r2_fm2") is None:
            params["r2_fm2"] = helm[2]
        else:
            scale = params["r2_fm2"] / helm[2]
        if params.get("r4_fm4") is None:
            params["r4_fm4"] = helm[4] * scale**2
        if params.get("r6_fm6") is None:
            params["r6_fm6"] = helm[6] * scale**3
        return params

    def _form_factor(self, q: FloatArray) -> FloatArray:
        r2, r4, r6 = self._values()
        return _moment_expansion(q, r2, r4, r6, stacklevel=4)

    def _density(self, r: FloatArray) -> FloatArray:
        raise CevnsError(
            "the moment expansion is model-independent: it fixes moments of the density, not the "
            "density itself, so it has no rho(r); choose a model such as 'helm'"
        )

    def _moments(self) -> dict[int, float]:
        r2, r4, r6 = self._values()
        return {2: r2, 4: r4, 6: r6}

    def with_rms(self, rms_fm: float) -> MomentExpansionModel:
        """⟨r²⟩ = rms_fm², higher moments scaled by (R'/R)^k."""
        new = _rms_arg(rms_fm)
        r2, r4, r6 = self._values()
        if r2 <= 0.0:
            raise CevnsError("cannot rescale a moment expansion with ⟨r²⟩ = 0 to an rms radius")
        ratio2 = new**2 / r2
        return self._replace(r2_fm2=new**2, r4_fm4=r4 * ratio2**2, r6_fm6=r6 * ratio2**3)


class PointModel(FormFactorModel):
    """Point nucleus: F(q) = 1, all moments 0, no (regular) density."""

    model_name: ClassVar[str] = "point"

    def _form_factor(self, q: FloatArray) -> FloatArray:
        return np.ones_like(q)

    def _density(self, r: FloatArray) -> FloatArray:
        raise CevnsError(
            "the point nucleus has density δ³(r), which cannot be evaluated on a grid of r"
        )

    def _moments(self) -> dict[int, float]:
        return {2: 0.0, 4: 0.0, 6: 0.0}

    def with_rms(self, rms_fm: float) -> FormFactorModel:
        """Always raises: a point nucleus has no size to rescale."""
        raise CevnsError(
            f"the point nucleus has rms radius 0 and cannot be rescaled to rms_fm = {rms_fm}; "
            "choose a finite-size model such as 'helm'"
        )


#: The form-factor models by registry name.
FORM_FACTOR_MODELS: dict[str, type[FormFactorModel]] = {
    cls.model_name: cls
    for cls in (
        HelmModel,
        SymmetrizedFermiModel,
        KleinNystrandModel,
        KleinNystrandAdaptedModel,
        HarmonicOscillatorModel,
        MomentExpansionModel,
        PointModel,
    )
}


def form_factor_models() -> list[str]:
    """Names of the registered form-factor models."""
    return list(FORM_FACTOR_MODELS)


def _model_class(name: str) -> type[FormFactorModel]:
    return FORM_FACTOR_MODELS[check_choice(name, "form-factor model", FORM_FACTOR_MODELS)]


def form_factor_model(name: str, iso: str | Isotope, **params: Any) -> FormFactorModel:
    """Build the registry model ``name`` for isotope ``iso`` with the given user parameters.

    Raises
    ------
    CevnsError
        Unknown model name, unknown isotope, unknown or out-of-range parameter (the message lists
        what is allowed), or a geometry that cannot be realised.

    Examples
    --------
    >>> round(form_factor_model("helm", "Cs133").R0_fm, 4)
    5.8671
    """
    return _model_class(name).for_isotope(iso, **params)


def model_parameters(name: str) -> dict[str, ParameterInfo]:
    """User-facing parameters of model ``name``: {parameter: (default, bounds, doc)}."""
    out = {}
    for key, p in _user_parameters(_model_class(name)).items():
        bounds = tuple(p.objects) if isinstance(p, param.Selector) else getattr(p, "bounds", None)
        out[key] = ParameterInfo(p.default, bounds, p.doc or "")
    return out


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


@lru_cache(maxsize=512)
def _cached_model(name: str, iso: Isotope, frozen: tuple[tuple[str, Any], ...]) -> FormFactorModel:
    return form_factor_model(name, iso, **dict(frozen))


def _shared_model(name: str, iso: str | Isotope, params: dict[str, Any]) -> FormFactorModel:
    """A cached model instance; internal use only (never hand it out: models are mutable)."""
    iso = isotope(iso)
    try:
        key = tuple(sorted((k, _freeze(v)) for k, v in params.items()))
        hash(key)
    except TypeError:  # e.g. a numpy array among the parameters: build without the cache
        return form_factor_model(name, iso, **params)
    return _cached_model(name, iso, key)


def form_factor(model: str, q_fm: ArrayLike, iso: str | Isotope, **model_params: Any) -> FloatArray:
    """Nuclear form factor F(q) of a registry model for an isotope (**contract**; PHYSICS §4).

    Parameters
    ----------
    model : str
        One of :func:`form_factor_models` ("helm", "symmetrized_fermi", "klein_nystrand",
        "klein_nystrand_adapted", "harmonic_oscillator", "moment_expansion", "point").
    q_fm : array_like
        Three-momentum transfer |q| in fm⁻¹ (finite, ≥ 0, any shape).
    iso : str or Isotope
        The nucleus, e.g. "Cs133".
    **model_params
        Model parameters, see :func:`model_parameters`.

    Returns
    -------
    ndarray
        F(q) with the shape of ``q_fm``; F(0) = 1.

    Raises
    ------
    CevnsError
        Negative or non-finite q_fm, unknown model/isotope/parameter.

    Examples
    --------
    >>> round(float(form_factor("helm", 0.1, "Cs133")), 5)
    0.96209
    """
    q = _q(q_fm)
    return _shared_model(model, iso, model_params)._form_factor(q)
