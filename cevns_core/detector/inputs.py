"""Input conversion of the detector's parameters: recoil energies, the timing window, the
quenching given as a number or preset name, nuclei per kg of a target.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array
from ..cross_sections import MAX_RECOIL_keV
from ..errors import CevnsError
from ..materials import Material, material
from ..quenching import (
    ConstantQuenching,
    QuenchingModel,
    quenching_preset,
)

__all__ = ["as_quenching", "checked_recoils", "nuclei_per_kg", "time_window"]

Array = NDArray[np.float64]


def nuclei_per_kg(target: str | Material) -> tuple[tuple[str, float], ...]:
    if isinstance(target, str):
        return _nuclei_per_kg_of_name(target)
    return tuple(material(target).nuclei_per_kg_by_isotope().items())


@functools.lru_cache(maxsize=64)
def _nuclei_per_kg_of_name(name: str) -> tuple[tuple[str, float], ...]:
    return tuple(material(name).nuclei_per_kg_by_isotope().items())


def checked_recoils(T_keV: ArrayLike, *, one_d: bool = False) -> Array:
    T = as_array(T_keV, "T_keV", minimum=0.0)
    if np.any(T > MAX_RECOIL_keV):  # 1e308 keV overflowed the quenching polynomials
        raise CevnsError(f"T_keV must be ≤ {MAX_RECOIL_keV:g} keV, got {T.max():g}")
    if one_d and T.ndim != 1:
        raise CevnsError(f"T_keV must be a 1-D array of recoil energies, got shape {T.shape}")
    return T


def time_window(value: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise CevnsError(f"timing_window_us must be a pair (t_min, t_max), got {value!r}") from exc
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        raise CevnsError(f"timing_window_us needs finite t_min < t_max, got ({lo:g}, {hi:g})")
    return lo, hi


def as_quenching(value: Any) -> QuenchingModel | None:
    if value is None or isinstance(value, QuenchingModel):
        return value
    if isinstance(value, str):
        return quenching_preset(value)
    if isinstance(value, bool):
        raise CevnsError(
            f"quenching must be a QuenchingModel, a number or a preset name, got {value!r}"
        )
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise CevnsError(
            f"quenching must be a QuenchingModel, a number or a preset name, got {value!r}"
        ) from exc
    return ConstantQuenching(value=number)
