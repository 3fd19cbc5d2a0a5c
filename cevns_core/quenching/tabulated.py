"""Measured quenching factors, linearly interpolated and never extrapolated (PHYSICS.md §6.3)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import param

from ..errors import CevnsError
from .base import Array, QuenchingModel, _coefficients

__all__ = ["TabulatedQuenching"]


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

    def _scaled_values(self, factor: float) -> dict[str, tuple[float, ...]]:
        return {"Q": tuple(min(float(q) * factor, 1.0) for q in self.Q)}

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
