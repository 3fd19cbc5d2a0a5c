"""Harmonic-oscillator shell-model form factor and density (PKK Eqs. (19)–(21), (A25)–(A28)).

F(q) = e^{−(qb)²/4} Σ_λ θ_λ (qb)^{2λ} / Σ w and ρ(r) = e^{−(r/b)²} Σ_λ f_λ (r/b)^{2λ} /
(π^{3/2} b³ Σ w) with oscillator length b and the exact coefficients of :mod:`.shells`
(PHYSICS.md §4.4). Pure vectorised functions and :class:`HarmonicOscillatorModel`. Fitted
oscillator lengths and fractional occupations of Papoulias & Kosmas 2015 are **not** shipped: the
user supplies ``b_fm`` or an rms radius (default: the charge radius).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike

from ..errors import CevnsError
from ..nuclei import Isotope
from .base import FormFactorModel, _charge_radius, _length_param, _rms_arg
from .numerics import _HUGE, FloatArray, _out, _positive, _q, _r
from .registry import register_form_factor
from .shells import (
    ShellLevel,
    _default_levels,
    _ho_arrays,
    _ho_moment_ratio,
    _normalise_occupations,
)

__all__ = [
    "HarmonicOscillatorModel",
    "harmonic_oscillator_b_from_rms",
    "harmonic_oscillator_density",
    "harmonic_oscillator_form_factor",
    "harmonic_oscillator_moments",
]


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


@register_form_factor("harmonic_oscillator")
class HarmonicOscillatorModel(FormFactorModel):
    """Harmonic-oscillator shell model (PKK Eqs. (19)–(21), (A25)–(A28); PHYSICS.md §4.4).

    F(q) = e^{−(qb)²/4} Σ_λ θ_λ (qb)^{2λ} / Σ w with the exact θ_λ of PKK Eq. (A28).
    Occupations default to the filling of Z protons (or N neutrons) in PKK Table III order with the
    last level partially filled, i.e. the FOP model with default occupations. Fitted b and α of
    Papoulias & Kosmas 2015 are not shipped: give ``b_fm`` or an rms radius (default: charge
    radius). Fractional occupations α(2j+1) can be passed explicitly in ``occupations``; the
    closed-shell interpolation Π(χ, Z, α_i) of PKK Eq. (22) is not implemented.
    """

    label: ClassVar[str] = "Harmonic oscillator"
    short_label: ClassVar[str] = "HO"
    equation: ClassVar[str] = "F(q) = e^{−(qb)²/4} Σ_λ θ_λ (qb)^{2λ} / Σ w"
    reference: ClassVar[str] = "PKK Eqs. (19)–(21), (A25)–(A28), Table III; PHYSICS.md §4.4"
    parameter_units: ClassVar[dict[str, str]] = {
        "nucleons": "",
        "b_fm": "fm",
        "rms_fm": "fm",
        "occupations": "",
    }
    size_parameters: ClassVar[tuple[str, ...]] = ("b_fm", "rms_fm")

    nucleons = param.Selector(
        objects=["protons", "neutrons"],
        default="protons",
        label="Nucleons filled",
        doc="Fill the default levels with Z protons or N neutrons.",
    )
    b_fm = _length_param(
        None,
        "Oscillator length b in fm; None → from rms_fm.",
        label="Oscillator length b",
        hi=10.0,
        soft=(1.0, 3.0),
    )
    rms_fm = _length_param(
        None,
        "rms radius in fm that fixes b when b_fm is None; None → the isotope's charge radius.",
        label="rms radius",
        hi=15.0,
        soft=(1.5, 7.0),
    )
    occupations = param.Parameter(
        None,
        allow_None=True,
        label="Level occupations",
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
