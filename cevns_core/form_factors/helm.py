"""Helm form factor: a uniform sphere of radius R₀ folded with a Gaussian of width s.

F(q) = 3 j₁(qR₀)/(qR₀) · exp(−q²s²/2) (PKK Eqs. (23)–(24); Pandey Eq. (29); PHYSICS.md §4.1),
with R₀ from the Lewin–Smith prescription or fitted to an rms radius; pure vectorised functions
(form factor, density, moments, radius relations) and :class:`HelmModel`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike
from scipy.special import erfc

from ..errors import CevnsError
from ..nuclei import Isotope
from .base import FormFactorModel, _charge_radius, _length_param, _rms_arg
from .lewin_smith import SF_A_FM, lewin_smith_c
from .numerics import (
    _HUGE,
    FloatArray,
    _nonnegative,
    _out,
    _positive,
    _q,
    _r,
    _three_j1_over_x,
)
from .registry import register_form_factor

__all__ = [
    "HELM_S_FM",
    "HelmModel",
    "helm_R0_from_rms",
    "helm_R0_lewin_smith",
    "helm_density",
    "helm_form_factor",
    "helm_moments",
]

#: Default Helm surface thickness s in fm (PKK, Pandey).
HELM_S_FM = 0.9


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


@register_form_factor("helm")
class HelmModel(FormFactorModel):
    """Helm form factor F(q) = 3 j₁(qR₀)/(qR₀) · exp(−q²s²/2).

    PKK Eqs. (23)–(24); Pandey Eq. (29); PHYSICS.md §4.1. R₀ from Lewin–Smith (default;
    R₀² = c² + 7/3 π²a² − 5s², c = 1.23A^{1/3} − 0.60 fm, uses A, s, a) or from an rms radius R
    at fixed s (R₀ = √(5/3 (R² − 3s²))).
    """

    label: ClassVar[str] = "Helm"
    short_label: ClassVar[str] = "Helm"
    equation: ClassVar[str] = "F(q) = 3 j₁(qR₀)/(qR₀) · exp(−q²s²/2)"
    reference: ClassVar[str] = "PKK Eqs. (23)–(24); Pandey Eq. (29); PHYSICS.md §4.1"
    parameter_units: ClassVar[dict[str, str]] = {
        "R0_prescription": "",
        "s_fm": "fm",
        "a_fm": "fm",
        "rms_fm": "fm",
    }
    size_parameters: ClassVar[tuple[str, ...]] = ("R0_prescription", "rms_fm")

    R0_prescription = param.Selector(
        objects=["lewin_smith", "from_rms"],
        default="lewin_smith",
        label="R₀ prescription",
        doc="How R0 is chosen: 'lewin_smith' R0² = c² + 7/3 π²a² − 5s² with c = 1.23A^{1/3} − 0.60 "
        "fm (Pandey after Eq. (29)); 'from_rms' R0 = √(5/3 (R² − 3s²)) from rms_fm (PKK).",
    )
    s_fm = _length_param(
        HELM_S_FM,
        "Helm surface thickness s in fm (PKK, Pandey: 0.9 fm).",
        label="Surface thickness s",
        hi=3.0,
        soft=(0.5, 1.5),
    )
    a_fm = _length_param(
        SF_A_FM,
        "Fermi diffuseness a in fm used by the Lewin–Smith R0 (0.52 fm).",
        label="Diffuseness a",
        hi=3.0,
        soft=(0.3, 0.8),
    )
    rms_fm = _length_param(
        None,
        "rms radius in fm for R0_prescription='from_rms'; None → the isotope's charge radius "
        "(Angeli & Marinova 2013). Ignored by 'lewin_smith'.",
        label="rms radius",
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
