"""Constant and polynomial quenching models (PHYSICS.md §6.3).

* ``"constant"`` — Q(T) = Q₀ (COHERENT CsI[Na] 2017: 0.0878);
* ``"polynomial"`` — Q(T) = Σᵢ aᵢ Tⁱ, T in keVnr (COHERENT LAr 2020: 0.246 + 0.00078 T);
* ``"electron_equivalent_polynomial"`` — T_ee(T) = Σ_{i≥1} cᵢ Tⁱ with T and T_ee in keV or MeV
  (COHERENT CsI[Na] 2021: cubic-quartic fit in MeV).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike

from .._validation import as_array
from ..errors import CevnsError
from .base import Array, QuenchingModel, _coefficients

__all__ = ["ConstantQuenching", "ElectronEquivalentPolynomialQuenching", "PolynomialQuenching"]


class ConstantQuenching(QuenchingModel):
    """Energy-independent quenching factor Q(T) = Q₀ (COHERENT CsI[Na] 2017: 0.0878 ± 0.0166).

    Examples
    --------
    >>> round(float(ConstantQuenching(value=0.0878).electron_equivalent_keV(10.0)), 4)
    0.878
    """

    model_name: ClassVar[str] = "constant"

    value = param.Number(
        0.0878,
        bounds=(0.0, 1.0),
        inclusive_bounds=(False, True),
        softbounds=(0.01, 0.5),
        doc="Quenching factor Q₀ (keVee per keVnr).",
        label="Quenching factor Q₀",
        metadata={"unit": ""},
    )

    def _quenching(self, T: Array) -> Array:
        return np.full_like(T, float(self.value))

    def _derivative(self, T: Array) -> Array:
        return np.full_like(T, float(self.value))

    def _scaled_values(self, factor: float) -> dict[str, float]:
        return {"value": min(float(self.value) * factor, 1.0)}

    def recoil_from_electron_equivalent_keV(self, Tee_keV: ArrayLike) -> Array:
        """T = T_ee / Q₀ (exact)."""
        return as_array(Tee_keV, "Tee_keV", minimum=0.0) / float(self.value)


class PolynomialQuenching(QuenchingModel):
    """Polynomial quenching factor Q(T) = Σᵢ aᵢ Tⁱ, T in keVnr (COHERENT LAr 2020 form).

    ``coefficients`` are a₀, a₁, ... (a₀ dimensionless, aᵢ in keV⁻ⁱ). The polynomial is used as
    given (no clipping): Q must stay positive over the recoil range of interest.

    Examples
    --------
    >>> q = PolynomialQuenching(coefficients=(0.246, 0.00078))
    >>> round(float(q.quenching_factor(100.0)), 4)
    0.324
    """

    model_name: ClassVar[str] = "polynomial"

    coefficients = param.Parameter(
        (0.246, 0.00078),
        doc="Coefficients a₀, a₁, ... of Q(T) = Σ aᵢ Tⁱ with T in keVnr.",
    )

    def _check_model(self) -> None:
        coeffs = _coefficients(self.coefficients, "coefficients")
        if coeffs[0] <= 0:
            raise CevnsError(f"coefficients[0] (Q at T = 0) must be positive, got {coeffs[0]:g}")

    def _poly(self) -> np.polynomial.Polynomial:
        return np.polynomial.Polynomial(_coefficients(self.coefficients, "coefficients"))

    def _scaled_values(self, factor: float) -> dict[str, tuple[float, ...]]:
        return {"coefficients": tuple(float(c) * factor for c in self.coefficients)}

    def _quenching(self, T: Array) -> Array:
        return np.asarray(self._poly()(T), dtype=float)

    def _derivative(self, T: Array) -> Array:
        p = self._poly()
        return np.asarray(p(T) + T * p.deriv()(T), dtype=float)


class ElectronEquivalentPolynomialQuenching(QuenchingModel):
    """Direct parameterisation T_ee(T) = Σ_{i≥1} cᵢ Tⁱ (no constant term).

    ``coefficients`` are c₁, c₂, ... with T and T_ee both in ``energy_unit`` (keV or MeV).
    COHERENT CsI[Na] 2021 (arXiv:2110.07730 ancillary ``scintRespCoefficients.txt``):
    E_ee = a x + b x² + c x³ + d x⁴, x in MeVnr, E_ee in MeVee. Q(T) = T_ee/T (→ c₁ at T = 0).

    Examples
    --------
    >>> q = ElectronEquivalentPolynomialQuenching(
    ...     coefficients=(0.0554628, 4.30681, -111.707, 840.384), energy_unit="MeV")
    >>> round(float(q.electron_equivalent_keV(10.0)), 6)
    0.882006
    """

    model_name: ClassVar[str] = "electron_equivalent_polynomial"

    coefficients = param.Parameter(
        (0.0554628, 4.30681, -111.707, 840.384),
        doc="Coefficients c₁, c₂, ... of T_ee = Σ cᵢ Tⁱ (powers from 1), in energy_unit.",
    )
    energy_unit = param.Selector(
        objects=["keV", "MeV"],
        default="MeV",
        doc="Unit of T and T_ee in the polynomial ('MeV' for the COHERENT CsI 2021 release).",
    )

    def _check_model(self) -> None:
        coeffs = _coefficients(self.coefficients, "coefficients")
        if coeffs[0] <= 0:
            raise CevnsError(
                f"coefficients[0] (dT_ee/dT at T = 0) must be positive, got {coeffs[0]:g}"
            )

    def _scale(self) -> float:
        return 1e3 if self.energy_unit == "MeV" else 1.0

    def _scaled_values(self, factor: float) -> dict[str, tuple[float, ...]]:
        return {"coefficients": tuple(float(c) * factor for c in self.coefficients)}

    def _poly(self) -> np.polynomial.Polynomial:
        return np.polynomial.Polynomial((0.0, *_coefficients(self.coefficients, "coefficients")))

    def _electron_equivalent(self, T: Array) -> Array:
        s = self._scale()
        return np.asarray(self._poly()(T / s), dtype=float) * s

    def _quenching(self, T: Array) -> Array:
        s = self._scale()
        # T_ee/T = Σ cᵢ (T/s)^(i−1): a polynomial without the division, exact at T = 0
        reduced = np.polynomial.Polynomial(_coefficients(self.coefficients, "coefficients"))
        return np.asarray(reduced(T / s), dtype=float)

    def _derivative(self, T: Array) -> Array:
        s = self._scale()
        return np.asarray(self._poly().deriv()(T / s), dtype=float)
