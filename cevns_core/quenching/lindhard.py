"""Lindhard quenching (PKK Eq. (30); Lindhard 1963; PHYSICS.md §6.3).

Q = k g(ε)/(1 + k g(ε)), g = 3ε^0.15 + 0.7ε^0.6 + ε, ε = 11.5 Z^(−7/3) T[keV],
k = 0.133 Z^(2/3) A^(−1/2) unless given.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import param
import periodictable
from numpy.typing import ArrayLike

from ..errors import CevnsError
from ..nuclei import Isotope, isotope
from .base import Array, QuenchingModel

__all__ = ["LindhardQuenching", "lindhard_quenching_factor"]


def lindhard_quenching_factor(T_keV: ArrayLike, Z: float, A: float, *, k: float | None = None):
    """Lindhard quenching factor (PKK Eq. (30); Lindhard 1963; PHYSICS.md §6.3).

    Q = k g(ε)/(1 + k g(ε)), g(ε) = 3ε^0.15 + 0.7ε^0.6 + ε, ε = 11.5 Z^(−7/3) T[keV],
    k = 0.133 Z^(2/3) A^(−1/2) unless given.

    Parameters
    ----------
    T_keV : array_like
        Nuclear recoil energy in keV (≥ 0).
    Z, A : float
        Atomic number and mass number (or standard atomic weight for a natural element).
    k : float, optional
        Override of the electronic-stopping constant (e.g. CONUS-type fits, k = 0.162 for Ge).

    Returns
    -------
    ndarray
        Q(T), dimensionless, shape of ``T_keV``.

    Examples
    --------
    >>> round(float(lindhard_quenching_factor(1.0, 32, 72.63, k=0.1573)), 4)
    0.1713
    """
    model = LindhardQuenching(Z=Z, A=A, k=k)
    return model.quenching_factor(T_keV)


class LindhardQuenching(QuenchingModel):
    """Lindhard quenching (PKK Eq. (30); PHYSICS.md §6.3) for one element or isotope.

    Build with ``LindhardQuenching(Z=32, A=72.63)`` or :meth:`for_target` (``"Ge"`` uses the
    standard atomic weight, ``"Ge72"`` the mass number).

    Examples
    --------
    >>> ge = LindhardQuenching.for_target("Ge")
    >>> round(ge.k_effective, 4), round(float(ge.quenching_factor(5.0)), 4)
    (0.1573, 0.2127)
    """

    model_name: ClassVar[str] = "lindhard"

    Z = param.Number(
        32.0,
        bounds=(1.0, 120.0),
        doc="Atomic number Z of the recoiling nucleus.",
        label="Atomic number Z",
        metadata={"unit": ""},
    )
    A = param.Number(
        72.63,
        bounds=(1.0, 300.0),
        doc="Mass number A (or standard atomic weight for a natural element).",
        label="Mass number A",
        metadata={"unit": ""},
    )
    k = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 1.0),
        inclusive_bounds=(False, True),
        softbounds=(0.05, 0.3),
        doc="Lindhard k; None uses 0.133 Z^(2/3) A^(-1/2) (Ge: 0.157; CONUS-type fits 0.162).",
        label="Lindhard k",
        metadata={"unit": ""},
    )

    @classmethod
    def for_target(cls, target: str | Isotope, *, k: float | None = None) -> LindhardQuenching:
        """Lindhard model for an element symbol (``"Ge"``) or an isotope (``"Ge72"``).

        Raises
        ------
        CevnsError
            For an unknown element or isotope.
        """
        if isinstance(target, str) and target.isalpha():
            try:
                el = periodictable.elements.symbol(target)
            except ValueError:
                el = None
            if el is None or el.number == 0 or el.mass is None:
                raise CevnsError(
                    f"unknown element {target!r} for Lindhard quenching; give an element symbol "
                    "such as 'Ge' or an isotope such as 'Ge72'"
                )
            return cls(Z=float(el.number), A=float(el.mass), k=k)
        iso = isotope(target)
        return cls(Z=float(iso.Z), A=float(iso.A), k=k)

    @classmethod
    def for_material(cls, target: Any, *, k: float | None = None) -> LindhardQuenching:
        """Lindhard model of a target's main element: the element with the most nuclei (the
        heavier one, by Z, on a tie), with its standard atomic weight (:meth:`for_target`).

        ``target`` is a :class:`~cevns_core.materials.Material` or a name that
        :func:`~cevns_core.materials.target_material` accepts (formula or isotope).

        Raises
        ------
        CevnsError
            For an unknown material or isotope.

        Examples
        --------
        >>> LindhardQuenching.for_material("CaWO4").Z   # four O per formula unit
        8.0
        >>> LindhardQuenching.for_material("Ge72").A    # the element's atomic weight
        72.63
        """
        from ..materials import Material, target_material

        mat = target if isinstance(target, Material) else target_material(target)
        by_element: dict[str, float] = {}
        Z: dict[str, int] = {}
        for component in mat:
            symbol = component.element
            by_element[symbol] = by_element.get(symbol, 0.0) + component.nuclei_per_kg
            Z[symbol] = component.isotope.Z
        most = max(by_element.values())
        # counts equal up to rounding (CsI: one Cs and one I per formula unit) are a tie
        tied = [s for s, n in by_element.items() if n >= most * (1.0 - 1e-9)]
        return cls.for_target(max(tied, key=lambda s: Z[s]), k=k)

    def _scaled_values(self, factor: float) -> dict[str, float]:
        return {"k": min(self.k_effective * factor, 1.0)}

    @property
    def k_effective(self) -> float:
        """The k used: the parameter, or 0.133 Z^(2/3) A^(−1/2)."""
        if self.k is not None:
            return float(self.k)
        return 0.133 * self.Z ** (2.0 / 3.0) / math.sqrt(self.A)

    def _epsilon(self, T: Array) -> Array:
        return 11.5 * self.Z ** (-7.0 / 3.0) * T

    def _quenching(self, T: Array) -> Array:
        eps = self._epsilon(T)
        kg = self.k_effective * (3.0 * eps**0.15 + 0.7 * eps**0.6 + eps)
        return kg / (1.0 + kg)

    def _derivative(self, T: Array) -> Array:
        # d(QT)/dT = Q + T dQ/dT, with T dQ/dT = ε dQ/dε = k ε g'(ε) / (1 + k g)²; ε g'(ε) is finite
        # at ε = 0, so the expression is safe at T = 0.
        eps = self._epsilon(T)
        k = self.k_effective
        g = 3.0 * eps**0.15 + 0.7 * eps**0.6 + eps
        eps_gprime = 0.45 * eps**0.15 + 0.42 * eps**0.6 + eps
        return k * g / (1.0 + k * g) + k * eps_gprime / (1.0 + k * g) ** 2
