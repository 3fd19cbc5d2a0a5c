"""Quenching: nuclear-recoil energy T (keVnr) → electron-equivalent energy T_ee (keVee).

PHYSICS.md §6.3. A :class:`QuenchingModel` gives the quenching factor Q(T), T_ee(T) = Q(T)·T (or a
direct parameterisation of T_ee(T)), the Jacobian dT_ee/dT = Q(T) + T·Q'(T) used to transform
spectra (dN/dT_ee = dN/dT / (dT_ee/dT)), and the inverse T(T_ee).

Models (registry :data:`QUENCHING_MODELS`, factory :func:`quenching_model`):

* ``"lindhard"`` — PKK Eq. (30), Lindhard 1963: Q = k g(ε)/(1 + k g(ε)),
  g = 3ε^0.15 + 0.7ε^0.6 + ε, ε = 11.5 Z^(−7/3) T[keV], k = 0.133 Z^(2/3) A^(−1/2) unless given;
* ``"constant"`` — Q(T) = Q₀ (COHERENT CsI[Na] 2017: 0.0878);
* ``"polynomial"`` — Q(T) = Σᵢ aᵢ Tⁱ, T in keVnr (COHERENT LAr 2020: 0.246 + 0.00078 T);
* ``"electron_equivalent_polynomial"`` — T_ee(T) = Σ_{i≥1} cᵢ Tⁱ with T and T_ee in keV or MeV
  (COHERENT CsI[Na] 2021: cubic-quartic fit in MeV);
* ``"tabulated"`` — Q at points T_keV, linearly interpolated; outside the table a CevnsError is
  raised (the package never extrapolates silently).

Named presets with the published numbers (and their ±1σ variants) come from
:func:`quenching_preset`; the numbers live in ``data/detectors/*.txt`` (see ``data/SOURCES.md``).

Conventions: all energies are keV (``T_keV`` nuclear recoil, ``Tee_keV`` electron equivalent);
functions are vectorised and return float arrays with the shape of the input.
"""

from __future__ import annotations

import math
from functools import cache
from importlib.resources import files
from typing import Any, ClassVar

import numpy as np
import param
import periodictable
from numpy.typing import ArrayLike, NDArray

from ._validation import ValidatedParameters, as_array, as_float, check_choice, check_parameters
from .errors import CevnsError
from .nuclei import Isotope, isotope

__all__ = [
    "QUENCHING_MODELS",
    "QUENCHING_PRESETS",
    "ConstantQuenching",
    "ElectronEquivalentPolynomialQuenching",
    "LindhardQuenching",
    "PolynomialQuenching",
    "QuenchingModel",
    "TabulatedQuenching",
    "lindhard_quenching_factor",
    "quenching_model",
    "quenching_preset",
    "quenching_preset_variants",
]

Array = NDArray[np.float64]

#: Points of the grid used to invert T_ee(T) (log-spaced, plus T = 0 or the table's lower end).
_INVERSE_GRID_POINTS = 2048
#: Newton polishing steps after the grid interpolation of the inverse.
_NEWTON_STEPS = 4
#: Largest recoil energy (keV) the inverse searches for an analytic model.
_INVERSE_T_LIMIT_KEV = 1.0e7


# --------------------------------------------------------------------------- shared helpers
def _check_init_params(cls: type[param.Parameterized], params: dict[str, Any]) -> None:
    """Raise a CevnsError for unknown keywords or out-of-range numbers before param sees them."""
    check_parameters(cls, params)


def _coefficients(values: Any, name: str, *, minimum_length: int = 1) -> tuple[float, ...]:
    arr = as_array(values, name)
    if arr.ndim != 1 or arr.size < minimum_length:
        raise CevnsError(
            f"{name} must be a sequence of at least {minimum_length} number(s), got {values!r}"
        )
    return tuple(float(v) for v in arr)


def _T(T_keV: ArrayLike) -> Array:
    return as_array(T_keV, "T_keV", minimum=0.0)


# ------------------------------------------------------------------------------- base class
class QuenchingModel(ValidatedParameters):
    """Base class of the quenching models (PHYSICS.md §6.3).

    Subclasses implement :meth:`_electron_equivalent` and :meth:`_derivative` (dT_ee/dT) on
    validated arrays (keV); :meth:`quenching_factor` defaults to T_ee/T with the limit T → 0 taken
    from :meth:`_q_at_zero`. The public methods validate their input (finite, T ≥ 0, inside the
    model's :meth:`domain_keV`) and raise :class:`CevnsError` otherwise.
    """

    #: Registry name of the model.
    model_name: ClassVar[str] = ""

    def __init__(self, **params: Any) -> None:
        _check_init_params(type(self), params)
        try:
            super().__init__(**params)
        except ValueError as exc:  # param's own checks (types, bounds)
            raise CevnsError(str(exc)) from exc
        self._check_model()

    # -- hooks for subclasses -------------------------------------------------------------
    def _check_model(self) -> None:
        """Raise CevnsError when the parameters cannot describe a quenching curve."""

    def _electron_equivalent(self, T: Array) -> Array:
        return self._quenching(T) * T

    def _quenching(self, T: Array) -> Array:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    def _derivative(self, T: Array) -> Array:
        raise TypeError(f"{type(self).__name__} is abstract: a model subclass defines this method")

    # -- public interface ------------------------------------------------------------------
    def domain_keV(self) -> tuple[float, float]:
        """Recoil energies (keVnr) where the model is defined, ``(T_min, T_max)``."""
        return (0.0, math.inf)

    def _checked(self, T_keV: ArrayLike) -> Array:
        T = _T(T_keV)
        lo, hi = self.domain_keV()
        if T.size and (T.min() < lo or T.max() > hi):
            bad = T[(T < lo) | (T > hi)].flat[0]
            raise CevnsError(
                f"T_keV = {bad:g} is outside the range of the {self.model_name!r} quenching "
                f"model, [{lo:g}, {hi:g}] keVnr (no extrapolation)"
            )
        return T

    def quenching_factor(self, T_keV: ArrayLike) -> Array:
        """Quenching factor Q(T) = T_ee/T (dimensionless) for recoil energies ``T_keV`` (keVnr)."""
        return self._quenching(self._checked(T_keV))

    def electron_equivalent_keV(self, T_keV: ArrayLike) -> Array:
        """Electron-equivalent energy T_ee(T) in keVee for recoil energies ``T_keV`` (keVnr)."""
        return self._electron_equivalent(self._checked(T_keV))

    def d_electron_equivalent_dT(self, T_keV: ArrayLike) -> Array:
        """Jacobian dT_ee/dT = Q(T) + T Q'(T) (keVee per keVnr), PHYSICS.md §6.3."""
        return self._derivative(self._checked(T_keV))

    def recoil_from_electron_equivalent_keV(self, Tee_keV: ArrayLike) -> Array:
        """Invert T_ee(T): the recoil energy (keVnr) that gives ``Tee_keV`` (keVee).

        Monotone interpolation of T(T_ee) on a fine grid, polished by safeguarded Newton steps
        with the analytic (or, for tables, piecewise) Jacobian; vectorised.

        Raises
        ------
        CevnsError
            For negative or non-finite input, or for a T_ee the model does not reach while
            T_ee(T) is strictly increasing (the message gives the monotone range).
        """
        Tee = as_array(Tee_keV, "Tee_keV", minimum=0.0)
        if Tee.size == 0:
            return Tee.copy()
        T_grid, E_grid = self._inverse_grid(float(Tee.max()))
        if Tee.min() < E_grid[0] or Tee.max() > E_grid[-1]:
            bad = Tee[(Tee < E_grid[0]) | (Tee > E_grid[-1])].flat[0]
            raise CevnsError(
                f"Tee_keV = {bad:g} is outside the electron-equivalent range "
                f"[{E_grid[0]:g}, {E_grid[-1]:g}] keVee in which the {self.model_name!r} "
                f"quenching model is monotone (T in [{T_grid[0]:g}, {T_grid[-1]:g}] keVnr)"
            )
        flat = Tee.ravel()
        k = np.clip(np.searchsorted(E_grid, flat, side="right") - 1, 0, E_grid.size - 2)
        T_lo, T_hi = T_grid[k], T_grid[k + 1]
        T = np.interp(flat, E_grid, T_grid)
        for _ in range(_NEWTON_STEPS):
            slope = self._derivative(T)
            ok = slope > 0
            step = np.where(ok, (self._electron_equivalent(T) - flat) / np.where(ok, slope, 1), 0)
            T = np.clip(T - step, T_lo, T_hi)
        return T.reshape(Tee.shape)

    def _inverse_grid(self, Tee_max: float) -> tuple[Array, Array]:
        """(T, T_ee) on a grid where T_ee is strictly increasing, covering ``Tee_max`` if it can.

        For an unbounded domain the grid's upper end grows until T_ee reaches ``Tee_max`` or
        stops increasing; the caller reports a T_ee outside the returned range.
        """
        lo, hi = self.domain_keV()
        bounded = not math.isinf(hi)
        if not bounded:
            hi = max(1.0, 10.0 * Tee_max)
        while True:
            T_grid, E_grid, turned = self._monotone_grid(lo, hi)
            if bounded or turned or E_grid[-1] >= Tee_max:
                return T_grid, E_grid
            hi *= 4.0
            if hi > _INVERSE_T_LIMIT_KEV:
                raise CevnsError(
                    f"Tee_keV = {Tee_max:g} is not reached by the {self.model_name!r} "
                    f"quenching model below T = {_INVERSE_T_LIMIT_KEV:g} keVnr"
                )

    def _monotone_grid(self, lo: float, hi: float) -> tuple[Array, Array, bool]:
        start = lo if lo > 0 else hi * 1e-9
        T_grid = np.geomspace(start, hi, _INVERSE_GRID_POINTS)
        if lo == 0:
            T_grid = np.concatenate(([0.0], T_grid))
        knots = self._knots()
        T_grid = np.union1d(T_grid, knots[(knots >= lo) & (knots <= hi)])
        E_grid = self._electron_equivalent(T_grid)
        rising = np.diff(E_grid) > 0
        if rising.all():
            return T_grid, E_grid, False
        stop = int(np.argmin(rising))  # first index after which T_ee stops increasing
        if stop == 0:
            raise CevnsError(
                f"the {self.model_name!r} quenching model's T_ee(T) is not increasing at "
                f"T = {T_grid[0]:g} keVnr; it cannot be inverted"
            )
        return T_grid[: stop + 1], E_grid[: stop + 1], True

    def _knots(self) -> Array:
        return np.empty(0)

    def scaled(self, factor: float) -> QuenchingModel:
        """A copy with the quenching (T_ee) scaled by ``factor`` (e.g. 1 ± u for a band).

        Constant: Q₀·f; Lindhard: k·f (of the k in use); polynomial Q(T) and T_ee(T): every
        coefficient ·f; table: every Q·f. Values are capped at 1 where the model requires Q ≤ 1.

        Raises
        ------
        CevnsError
            For a factor that is not a positive finite number, or a model without a rule.

        Examples
        --------
        >>> ConstantQuenching(value=0.1).scaled(1.2).value
        0.12
        """
        f = as_float(factor, "factor", minimum=0.0, inclusive=False)
        values = {k: v for k, v in self.param.values().items() if k != "name"}
        if isinstance(self, ConstantQuenching):
            values["value"] = min(float(self.value) * f, 1.0)
        elif isinstance(self, LindhardQuenching):
            values["k"] = min(self.k_effective * f, 1.0)
        elif isinstance(self, PolynomialQuenching | ElectronEquivalentPolynomialQuenching):
            values["coefficients"] = tuple(float(c) * f for c in self.coefficients)
        elif isinstance(self, TabulatedQuenching):
            values["Q"] = tuple(min(float(q) * f, 1.0) for q in self.Q)
        else:
            raise CevnsError(f"cannot scale the {self.model_name!r} quenching model")
        return type(self)(**values)


# ----------------------------------------------------------------------------------- models
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

    Z = param.Number(32.0, bounds=(1.0, 120.0), doc="Atomic number Z of the recoiling nucleus.")
    A = param.Number(
        72.63,
        bounds=(1.0, 300.0),
        doc="Mass number A (or standard atomic weight for a natural element).",
    )
    k = param.Number(
        None,
        allow_None=True,
        bounds=(0.0, 1.0),
        inclusive_bounds=(False, True),
        softbounds=(0.05, 0.3),
        doc="Lindhard k; None uses 0.133 Z^(2/3) A^(-1/2) (Ge: 0.157; CONUS-type fits 0.162).",
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
        from .materials import Material, target_material

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
    )

    def _quenching(self, T: Array) -> Array:
        return np.full_like(T, float(self.value))

    def _derivative(self, T: Array) -> Array:
        return np.full_like(T, float(self.value))

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


class TabulatedQuenching(QuenchingModel):
    """Measured quenching factor Q at points ``T_keV``, linearly interpolated in Q.

    Outside [T_keV[0], T_keV[-1]] every method raises :class:`CevnsError` (no silent
    extrapolation, PHYSICS.md §6.3). dT_ee/dT is the exact derivative of the interpolant,
    Q + T·(slope of the segment); at a knot the segment to its right is used (to its left at the
    last knot).

    Examples
    --------
    >>> q = TabulatedQuenching(T_keV=(5.0, 10.0, 20.0), Q=(0.08, 0.09, 0.10))
    >>> round(float(q.quenching_factor(7.5)), 4)
    0.085
    """

    model_name: ClassVar[str] = "tabulated"

    T_keV = param.Parameter((1.0, 100.0), doc="Recoil energies of the table (keVnr), increasing.")
    Q = param.Parameter((0.1, 0.1), doc="Quenching factors at T_keV, in (0, 1].")

    def _check_model(self) -> None:
        T = _coefficients(self.T_keV, "T_keV", minimum_length=2)
        Q = _coefficients(self.Q, "Q", minimum_length=2)
        if len(T) != len(Q):
            raise CevnsError(f"T_keV and Q must have the same length, got {len(T)} and {len(Q)}")
        if T[0] < 0 or np.any(np.diff(T) <= 0):
            raise CevnsError("T_keV must be non-negative and strictly increasing")
        if min(Q) <= 0 or max(Q) > 1:
            raise CevnsError(f"Q values must lie in (0, 1], got min {min(Q):g}, max {max(Q):g}")

    def _table(self) -> tuple[Array, Array]:
        return np.asarray(self.T_keV, dtype=float), np.asarray(self.Q, dtype=float)

    def domain_keV(self) -> tuple[float, float]:
        T, _ = self._table()
        return float(T[0]), float(T[-1])

    def _knots(self) -> Array:
        return self._table()[0]

    def _quenching(self, T: Array) -> Array:
        x, y = self._table()
        return np.interp(T, x, y)

    def _derivative(self, T: Array) -> Array:
        x, y = self._table()
        slopes = np.diff(y) / np.diff(x)
        seg = np.clip(np.searchsorted(x, T, side="right") - 1, 0, slopes.size - 1)
        return np.interp(T, x, y) + T * slopes[seg]


#: Registry: model name → class.
QUENCHING_MODELS: dict[str, type[QuenchingModel]] = {
    cls.model_name: cls
    for cls in (
        LindhardQuenching,
        ConstantQuenching,
        PolynomialQuenching,
        ElectronEquivalentPolynomialQuenching,
        TabulatedQuenching,
    )
}


def quenching_model(name: str, **params: Any) -> QuenchingModel:
    """Build a registry quenching model by name.

    ``"lindhard"`` also accepts ``target="Ge"`` (element: standard atomic weight) or
    ``target="Ge72"`` (isotope: mass number) instead of ``Z`` and ``A``.

    Raises
    ------
    CevnsError
        Unknown model name, unknown or out-of-range parameter.

    Examples
    --------
    >>> round(float(quenching_model("lindhard", target="Si").quenching_factor(1.0)), 4)
    0.2095
    """
    cls = QUENCHING_MODELS[check_choice(name, "quenching model", QUENCHING_MODELS)]
    if cls is LindhardQuenching and "target" in params:
        target = params.pop("target")
        if "Z" in params or "A" in params:
            raise CevnsError("give either target or Z and A for the 'lindhard' model, not both")
        extra = set(params) - {"k"}
        if extra:
            raise CevnsError(
                f"unknown parameter {sorted(extra)[0]!r} for 'lindhard'; allowed: target, Z, A, k"
            )
        return LindhardQuenching.for_target(target, k=params.get("k"))
    return cls(**params)


# ------------------------------------------------------------------------------------ presets
#: Presets shipped in ``data/detectors/`` (one parameter file per data release).
QUENCHING_PRESETS: tuple[str, ...] = ("coherent_csi_2017", "coherent_csi_2021", "coherent_lar_2020")


@cache
def _preset_file(name: str) -> dict[str, tuple[str, ...]]:
    """Read ``data/detectors/<name>.txt``: ``key = v1 v2 ...`` lines, '#' comments."""
    text = files("cevns_core").joinpath("data", "detectors", f"{name}.txt").read_text("utf-8")
    values: dict[str, tuple[str, ...]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, rest = line.partition("=")
        if not sep or not key.strip() or not rest.split():
            raise CevnsError(f"malformed line {number} in data/detectors/{name}.txt: {raw!r}")
        values[key.strip()] = tuple(rest.split())
    return values


def _preset_values(name: str) -> dict[str, tuple[str, ...]]:
    return _preset_file(check_choice(name, "detector preset", QUENCHING_PRESETS))


def _preset_numbers(name: str, key: str) -> tuple[float, ...]:
    """The numbers stored under ``key`` in a preset file."""
    return tuple(float(v) for v in _preset_values(name)[key])


def _variants(name: str, prefix: str) -> tuple[str, ...]:
    keys = _preset_values(name)
    return tuple(k[len(prefix) :] for k in keys if k.startswith(prefix))


def quenching_preset_variants(name: str) -> tuple[str, ...]:
    """Variant names of a quenching preset (``"nominal"`` first, then the ±1σ variations).

    Examples
    --------
    >>> quenching_preset_variants("coherent_lar_2020")
    ('nominal', 'a_plus_1sigma', 'a_minus_1sigma', 'b_plus_1sigma', 'b_minus_1sigma')
    """
    return _variants(name, "quenching.")


def quenching_preset(name: str, variant: str = "nominal") -> QuenchingModel:
    """The published quenching model of a data release.

    * ``"coherent_csi_2017"`` — constant 0.0878 ± 0.0166 (``coherent_parameters.yaml`` of the
      arXiv:1708.01294 data release); variants ``plus_1sigma`` / ``minus_1sigma``;
    * ``"coherent_csi_2021"`` — T_ee(T) polynomial in MeV (``scintRespCoefficients.txt`` of
      arXiv:2110.07730); variants ``syst0_plus_1sigma``, ``syst0_minus_1sigma``,
      ``syst1_plus_1sigma``, ``syst1_minus_1sigma`` (the two systematic models of the release);
    * ``"coherent_lar_2020"`` — Q = 0.246(6) + 0.00078(9)·T[keVnr] (``LArParametersAnlA.yaml``
      of arXiv:2006.12659); variants move a or b by ±1σ, one at a time (the release gives no
      correlation).

    Raises
    ------
    CevnsError
        Unknown preset or variant.

    Examples
    --------
    >>> round(float(quenching_preset("coherent_csi_2017").quenching_factor(10.0)), 4)
    0.0878
    """
    kind = _preset_values(name)["quenching_model"][0]
    label = f"variant of quenching preset {name!r}"
    variant = check_choice(variant, label, quenching_preset_variants(name))
    coeffs = _preset_numbers(name, f"quenching.{variant}")
    if kind == "constant":
        return ConstantQuenching(value=coeffs[0])
    if kind == "polynomial":
        return PolynomialQuenching(coefficients=coeffs)
    return ElectronEquivalentPolynomialQuenching(coefficients=coeffs, energy_unit="MeV")
