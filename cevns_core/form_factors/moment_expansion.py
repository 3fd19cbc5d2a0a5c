"""Model-independent moment expansion of the form factor (PKK Eqs. (32)–(33); PHYSICS.md §4.5).

F(q) ≈ 1 − q²⟨r²⟩/3! + q⁴⟨r⁴⟩/5! − q⁶⟨r⁶⟩/7!: reliable only where q²⟨r²⟩ ≪ 1, so a
:class:`~cevns_core.errors.CevnsWarning` flags a dominant last term and an overflowing series is a
:class:`~cevns_core.errors.CevnsError`. The pure function and :class:`MomentExpansionModel`.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike

from ..errors import CevnsError, CevnsWarning
from ..nuclei import Isotope
from .base import FormFactorModel, _rms_arg
from .helm import HELM_S_FM, helm_moments, helm_R0_lewin_smith
from .numerics import FloatArray, _nonnegative, _q
from .registry import register_form_factor

__all__ = ["MomentExpansionModel", "moment_expansion_form_factor"]


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


@register_form_factor("moment_expansion")
class MomentExpansionModel(FormFactorModel):
    """Model-independent moment expansion (PKK Eqs. (32)–(33); PHYSICS.md §4.5).

    F(q) ≈ 1 − q²⟨r²⟩/3! + q⁴⟨r⁴⟩/5! − q⁶⟨r⁶⟩/7!. Has no density. For an isotope, unspecified
    moments default to those of the Lewin–Smith Helm density; if only r2 is given, r4 and r6 are
    the Helm-LS ones scaled by (R'/R)^k.
    """

    label: ClassVar[str] = "Moment expansion"
    short_label: ClassVar[str] = "Moments"
    equation: ClassVar[str] = "F(q) ≈ 1 − q²⟨r²⟩/3! + q⁴⟨r⁴⟩/5! − q⁶⟨r⁶⟩/7!"
    reference: ClassVar[str] = "PKK Eqs. (32)–(33); PHYSICS.md §4.5"
    parameter_units: ClassVar[dict[str, str]] = {"r2_fm2": "fm²", "r4_fm4": "fm⁴", "r6_fm6": "fm⁶"}
    size_parameters: ClassVar[tuple[str, ...]] = ("r2_fm2",)

    r2_fm2 = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 100.0),
        softbounds=(0.0, 36.0),
        label="⟨r²⟩",
        doc="⟨r²⟩ in fm² (PKK Fig. 8: ⟨R²⟩^{1/2} ∈ [0, 6] fm); None → Helm-LS value.",
    )
    r4_fm4 = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 1.0e4),
        softbounds=(0.0, 1296.0),
        label="⟨r⁴⟩",
        doc="⟨r⁴⟩ in fm⁴ (PKK Fig. 8: ⟨R⁴⟩^{1/4} ∈ [0, 6] fm); None → Helm-LS value (0 without "
        "an isotope).",
    )
    r6_fm6 = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 1.0e6),
        softbounds=(0.0, 46656.0),
        label="⟨r⁶⟩",
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
