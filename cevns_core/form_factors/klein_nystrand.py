"""Klein–Nystrand form factor: a hard sphere folded with a Yukawa potential of range a_k.

F(q) = 3j₁(qR_A)/(qR_A) · 1/(1 + q²a_k²) (PKK Eqs. (28)–(29); Pandey Eq. (30); PHYSICS.md §4.3),
with R_A = 1.23A^{1/3} fm (the COHERENT choice) or adapted to an rms radius (Pandey after
Eq. (30)). Pure vectorised functions, :class:`KleinNystrandModel` and
:class:`KleinNystrandAdaptedModel`.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike

from .._validation import as_array
from ..errors import CevnsError
from .base import _length_param, _RadiusFromAOrRms
from .numerics import _HUGE, FloatArray, _nonnegative, _out, _positive, _q, _r, _three_j1_over_x
from .registry import register_form_factor

__all__ = [
    "KN_AK_FM",
    "KleinNystrandAdaptedModel",
    "KleinNystrandModel",
    "klein_nystrand_R_A_adapted",
    "klein_nystrand_R_A_coherent",
    "klein_nystrand_density",
    "klein_nystrand_form_factor",
    "klein_nystrand_moments",
]

#: Default Klein–Nystrand Yukawa range a_k in fm (PKK Eq. (28)).
KN_AK_FM = 0.7


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


@register_form_factor("klein_nystrand")
class KleinNystrandModel(_RadiusFromAOrRms):
    """Klein–Nystrand form factor F(q) = 3j₁(qR_A)/(qR_A) · 1/(1 + q²a_k²).

    PKK Eqs. (28)–(29); Pandey Eq. (30); PHYSICS.md §4.3. R_A = 1.23 A^{1/3} fm (COHERENT
    choice) or adapted to an rms radius r₀, R_A = √(5/3 r₀² − 10a_k²) (Pandey after Eq. (30)).
    """

    label: ClassVar[str] = "Klein–Nystrand"
    short_label: ClassVar[str] = "KN"
    equation: ClassVar[str] = "F(q) = 3j₁(qR_A)/(qR_A) · 1/(1 + q²a_k²)"
    reference: ClassVar[str] = "PKK Eqs. (28)–(29); Pandey Eq. (30); PHYSICS.md §4.3"
    parameter_units: ClassVar[dict[str, str]] = {
        "R_A_prescription": "",
        "a_k_fm": "fm",
        "rms_fm": "fm",
    }
    size_parameters: ClassVar[tuple[str, ...]] = ("R_A_prescription", "rms_fm")

    R_A_prescription = param.Selector(
        objects=["coherent", "adapted"],
        default="coherent",
        label="R_A prescription",
        doc="How R_A is chosen: 'coherent' R_A = 1.23A^{1/3} fm; 'adapted' "
        "R_A = √(5/3 r0² − 10 a_k²) so that the rms radius is rms_fm (Pandey after Eq. (30)).",
    )
    a_k_fm = _length_param(
        KN_AK_FM,
        "Yukawa range a_k in fm (PKK Eq. (28): 0.7 fm).",
        label="Yukawa range a_k",
        hi=3.0,
        soft=(0.3, 1.2),
    )
    rms_fm = _length_param(
        None,
        "rms radius r0 in fm for R_A_prescription='adapted'; None → the isotope's charge radius. "
        "Ignored by 'coherent'.",
        label="rms radius",
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


@register_form_factor("klein_nystrand_adapted")
class KleinNystrandAdaptedModel(KleinNystrandModel):
    """Adapted Klein–Nystrand: R_A from the charge (or given) rms radius (Pandey after Eq. (30)).

    The form factor of :class:`KleinNystrandModel` with R_A = √(5/3 r₀² − 10a_k²) by default.
    """

    label: ClassVar[str] = "Klein–Nystrand (adapted)"
    short_label: ClassVar[str] = "KN adapted"
    reference: ClassVar[str] = "PKK Eq. (28); Pandey Eq. (30) and after; PHYSICS.md §4.3"

    R_A_prescription = param.Selector(
        objects=["coherent", "adapted"],
        default="adapted",
        label="R_A prescription",
        doc=KleinNystrandModel.param["R_A_prescription"].doc,
    )
