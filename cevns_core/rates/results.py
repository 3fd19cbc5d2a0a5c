"""Limits of the rate engine's inputs, target nuclei per isotope, and its results: breakdowns
of a spectrum or of binned counts per (isotope, flavour).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validation import as_float
from ..errors import CevnsError
from ..flux_kernels import (
    _flux_kernel,  # noqa: F401 (re-exported: tests and benchmarks import it from here)
)
from ..materials import Material, material
from ..nuclei import isotope

__all__ = ["BinnedCounts", "Breakdown", "RecoilSpectrum", "target_nuclei"]

Array = NDArray[np.float64]


#: Largest number of recoil energies of one spectrum (the flux integral per point costs ~4 kB).
MAX_RECOIL_POINTS = 100_000


#: Largest number of observable bins of :func:`binned_counts` (its response matrix grows as the
#: square: 1000 bins take ~130 MB).
MAX_BINS = 1000


#: Largest detector mass (kg) and number of nuclei of a target, as the Detector's bounds.
MAX_MASS_kg = 1e9


MAX_NUCLEI = 1e40


#: Largest exposure factor of :func:`binned_counts` (a live time in s: 10⁶ days ≈ 8.6e10 s).
MAX_EXPOSURE = 1e12


def target_nuclei(target: str | Material | Mapping[str, float], mass_kg: float = 1.0) -> dict:
    """Numbers of target nuclei per isotope.

    Parameters
    ----------
    target : str, Material or mapping
        A material name/formula (natural composition), a :class:`Material`, or an explicit
        mapping isotope name → number of nuclei (then ``mass_kg`` is ignored).
    mass_kg : float
        Detector mass for a material.
    """
    if isinstance(target, Mapping):
        nuclei = {
            isotope(k).name: as_float(v, f"number of {k} nuclei", minimum=0.0, maximum=MAX_NUCLEI)
            for k, v in target.items()
        }
        if not nuclei:
            raise CevnsError("the target mapping is empty: give at least one isotope")
        return nuclei
    mass = as_float(mass_kg, "mass_kg", minimum=0.0, inclusive=False)
    if mass > MAX_MASS_kg:
        raise CevnsError(f"mass_kg must lie in (0, {MAX_MASS_kg:g}], got {mass:g}")
    mat = material(target)
    return {name: n * mass for name, n in mat.nuclei_per_kg_by_isotope().items()}


class Breakdown:
    """Sums of ``parts`` (a mapping (isotope, flavour) → array) over isotopes or flavours."""

    parts: dict[tuple[str, str], Array]

    @property
    def total(self) -> Array:
        """Sum over isotopes and flavours."""
        return np.sum(list(self.parts.values()), axis=0)

    def _sum_by(self, index: int) -> dict[str, Array]:
        out: dict[str, Array] = {}
        for key, values in self.parts.items():
            out[key[index]] = out.get(key[index], 0.0) + values
        return out

    def by_flavour(self) -> dict[str, Array]:
        """Sum over isotopes, per flavour."""
        return self._sum_by(1)

    def by_isotope(self) -> dict[str, Array]:
        """Sum over flavours, per isotope."""
        return self._sum_by(0)


@dataclass
class RecoilSpectrum(Breakdown):
    """dN/dT (nuclear recoil, keV⁻¹) broken down per (isotope, flavour).

    ``unit`` is ``"events/keV"`` for a fluence source and ``"events/keV/s"`` for a flux source.
    """

    T_keV: Array
    parts: dict[tuple[str, str], Array]
    unit: str
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class BinnedCounts(Breakdown):
    """Expected counts per observable bin, per (isotope, flavour).

    ``bin_edges`` are in ``unit`` (the detector's observable); ``parts`` map (isotope, flavour)
    to an array of counts per bin (events over the exposure).
    """

    bin_edges: Array
    unit: str
    parts: dict[tuple[str, str], Array]
