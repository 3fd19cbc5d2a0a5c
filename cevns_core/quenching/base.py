"""The base of the quenching models: T (keVnr) → T_ee (keVee), its Jacobian and its inverse.

PHYSICS.md §6.3. :class:`QuenchingModel` gives the quenching factor Q(T), T_ee(T) = Q(T)·T (or a
direct parameterisation of T_ee(T)), the Jacobian dT_ee/dT = Q(T) + T·Q'(T) used to transform
spectra (dN/dT_ee = dN/dT / (dT_ee/dT)), and the inverse T(T_ee) by monotone interpolation
polished with Newton steps. Energies are keV; functions are vectorised.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import param
from numpy.typing import ArrayLike, NDArray

from .._validation import ValidatedParameters, as_array, as_float, check_parameters
from ..errors import CevnsError

__all__ = ["QuenchingModel"]


Array = NDArray[np.float64]

#: Points of the grid used to invert T_ee(T) (log-spaced, plus T = 0 or the table's lower end).
_INVERSE_GRID_POINTS = 2048
#: Newton polishing steps after the grid interpolation of the inverse.
_NEWTON_STEPS = 4
#: Largest recoil energy (keV) the inverse searches for an analytic model.
_INVERSE_T_LIMIT_KEV = 1.0e7


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

    def scaled(self, factor: float) -> QuenchingModel:
        """A copy with the quenching (T_ee) scaled by ``factor`` (e.g. 1 ± u for a band).

        Each model says how (:meth:`_scaled_values`): constant Q₀·f; Lindhard k·f (of the k in
        use); polynomial Q(T) and T_ee(T): every coefficient ·f; table: every Q·f. Values are
        capped at 1 where the model requires Q ≤ 1.

        Raises
        ------
        CevnsError
            For a factor that is not a positive finite number, or a model without a rule.

        Examples
        --------
        >>> from cevns_core.quenching import ConstantQuenching
        >>> ConstantQuenching(value=0.1).scaled(1.2).value
        0.12
        """
        f = as_float(factor, "factor", minimum=0.0, inclusive=False)
        values = {k: v for k, v in self.param.values().items() if k != "name"}
        return type(self)(**{**values, **self._scaled_values(f)})

    def _scaled_values(self, factor: float) -> dict[str, Any]:
        """The parameters that change when T_ee is scaled by ``factor`` (hook of :meth:`scaled`)."""
        raise CevnsError(f"cannot scale the {self.model_name!r} quenching model")

    def _knots(self) -> Array:
        return np.empty(0)
