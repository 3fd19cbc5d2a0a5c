"""Symmetrized Fermi form factor and density (PKK Eqs. (25)–(27); PHYSICS.md §4.2).

ρ(r) = 3/(4πc(c² + π²a²)) · sinh(c/a)/(cosh(r/a) + cosh(c/a)) with half-density radius c and
diffuseness a; its Fourier transform F(q) is in closed form and its moments are polynomials in c²
and (πa)². Pure vectorised functions and :class:`SymmetrizedFermiModel`.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike

from ..errors import CevnsError
from .base import _length_param, _RadiusFromAOrRms
from .lewin_smith import SF_A_FM, lewin_smith_c
from .numerics import _HUGE, FloatArray, _out, _positive, _q, _r
from .registry import register_form_factor

__all__ = [
    "SymmetrizedFermiModel",
    "symmetrized_fermi_c_from_rms",
    "symmetrized_fermi_density",
    "symmetrized_fermi_form_factor",
    "symmetrized_fermi_moments",
]


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


@register_form_factor("symmetrized_fermi")
class SymmetrizedFermiModel(_RadiusFromAOrRms):
    """Symmetrized Fermi form factor (PKK Eqs. (25)–(27); PHYSICS.md §4.2).

    F(q) = 3/(qc[(qc)² + (πqa)²]) · πqa/sinh(πqa) · [πqa sin(qc)/tanh(πqa) − qc cos(qc)], with
    c = 1.23A^{1/3} − 0.60 fm (PKK Eq. (26)) or c² = 5/3 (R² − 7/5 π²a²) from an rms radius R.
    """

    label: ClassVar[str] = "Symmetrized Fermi"
    short_label: ClassVar[str] = "SF"
    equation: ClassVar[str] = (
        "F(q) = 3/(qc[(qc)² + (πqa)²]) · πqa/sinh(πqa) · [πqa sin(qc)/tanh(πqa) − qc cos(qc)]"
    )
    reference: ClassVar[str] = "PKK Eqs. (25)–(27); PHYSICS.md §4.2"
    parameter_units: ClassVar[dict[str, str]] = {
        "c_prescription": "",
        "a_fm": "fm",
        "rms_fm": "fm",
    }
    size_parameters: ClassVar[tuple[str, ...]] = ("c_prescription", "rms_fm")

    c_prescription = param.Selector(
        objects=["standard", "from_rms"],
        default="standard",
        label="c prescription",
        doc="How c is chosen: 'standard' c = 1.23A^{1/3} − 0.60 fm (PKK Eq. (26)); 'from_rms' "
        "c² = 5/3 (R² − 7/5 π²a²) from rms_fm.",
    )
    a_fm = _length_param(
        SF_A_FM,
        "Diffuseness a in fm (PKK Eq. (26): 0.52 fm).",
        label="Diffuseness a",
        hi=3.0,
        soft=(0.3, 0.8),
    )
    rms_fm = _length_param(
        None,
        "rms radius in fm for c_prescription='from_rms'; None → the isotope's charge radius. "
        "Ignored by 'standard'.",
        label="rms radius",
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
