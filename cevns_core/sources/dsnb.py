"""The diffuse supernova neutrino background as published for the neutrino floor (PHYSICS.md §5.5).

:class:`~cevns_core.sources.DiffuseSupernovaBackground` computes the DSNB from a cosmic
core-collapse rate, whose published inputs could not be verified here, so it has no defaults.
:class:`DSNBSpectrum` instead ships the spectrum actually used for the neutrino floor:

* **shape** — ``data/dsnb_ohare2021.csv``: the unit-normalised, all-flavour DSNB spectrum of the
  code and data release of C. A. J. O'Hare, Phys. Rev. Lett. 127 (2021) 251802
  (arXiv:2109.03116), 0.01–91.2 MeV, mean energy 6.6 MeV; linear interpolation between rows (the
  released table is piecewise linear), zero outside;
* **normalisation** — ``total_flux_cm2_s`` = 85.7 cm⁻² s⁻¹ by default, the total of the same
  release (50 % uncertainty there); the neutrino-floor literature quotes 86 ± 43 cm⁻² s⁻¹
  (Billard, Strigari & Figueroa-Feliciano 2014; Baxter et al. 2021).

**Flavour.** The published spectrum is the sum over all species and CEvNS in the Standard Model
is flavour-blind, so the total is shared equally by the six species (``nu_e``, ``nu_mu``,
``nu_tau`` and their antineutrinos), each with the same shape. This is bookkeeping, not a
prediction of the flavour content: per-flavour breakdowns of a DSNB rate, and flavour-dependent
new physics, need :class:`~cevns_core.sources.DiffuseSupernovaBackground` instead.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import ClassVar

import numpy as np
import param
from numpy.typing import NDArray

from ..errors import CevnsError
from ..flavours import FLAVOURS
from ._common import ValidatedSource
from .base import Continuum, Line

__all__ = ["DSNB_OHARE2021_TOTAL_FLUX", "DSNBSpectrum", "dsnb_ohare2021_shape"]

Array = NDArray[np.float64]

#: Total DSNB flux (cm⁻² s⁻¹, all flavours) of the O'Hare 2021 release (``src/Params.py``).
DSNB_OHARE2021_TOTAL_FLUX = 85.7

_SHAPE_FILE = "dsnb_ohare2021.csv"
_BREAK_EVERY = 10


@cache
def _shape() -> tuple[Array, Array]:
    text = files("cevns_core").joinpath("data").joinpath(_SHAPE_FILE).read_text(encoding="utf-8")
    rows = [
        line.split(",")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("E_MeV")
    ]
    data = np.array(rows, dtype=float)
    E, f = data[:, 0], data[:, 1]
    if np.any(np.diff(E) <= 0) or np.any(f < 0):  # pragma: no cover - shipped file
        raise CevnsError(f"{_SHAPE_FILE}: energies must increase and values be non-negative")
    f = f / np.trapezoid(f, E)  # exactly unit-normalised for the linear interpolant
    E.setflags(write=False)
    f.setflags(write=False)
    return E, f


def dsnb_ohare2021_shape() -> tuple[Array, Array]:
    """Energies (MeV) and the unit-normalised all-flavour DSNB shape (MeV⁻¹) shipped.

    Examples
    --------
    >>> E, f = dsnb_ohare2021_shape()
    >>> round(float(np.trapezoid(f, E)), 12), round(float(np.trapezoid(f * E, E)), 2)
    (1.0, 6.62)
    """
    E, f = _shape()
    return E.copy(), f.copy()


class DSNBSpectrum(ValidatedSource):
    """Published all-flavour DSNB spectrum (O'Hare 2021 release), flux mode.

    Examples
    --------
    >>> d = DSNBSpectrum()
    >>> round(d.integrated(), 3), round(d.integrated("nu_e"), 3)
    (85.7, 14.283)
    >>> round(d.mean_energy_MeV(), 2)
    6.62
    """

    title: ClassVar[str] = "Diffuse supernova background (O'Hare 2021)"

    total_flux_cm2_s = param.Number(
        default=DSNB_OHARE2021_TOTAL_FLUX,
        bounds=(0.0, 1e8),
        inclusive_bounds=(False, True),
        softbounds=(40.0, 130.0),
        doc="Total DSNB flux summed over flavours (cm⁻² s⁻¹); default 85.7 from the O'Hare 2021 "
        "release (86 ± 43 in the neutrino-floor literature).",
        label="Total flux",
        metadata={"unit": "cm⁻² s⁻¹"},
    )

    def _check(self) -> None:
        if self.normalisation != "flux":
            raise CevnsError("DSNBSpectrum is a flux (normalisation='flux')")

    def components(self) -> tuple[Continuum | Line, ...]:
        """Six continua (one per species, each 1/6 of the total), cm⁻² s⁻¹ MeV⁻¹."""
        self._check()
        E, f = _shape()
        # every 10th row: GL quadrature between them integrates the kinked interpolant to ~1e-5
        # (all 156 kinks would make rates ~100× slower for no visible gain)
        breaks = tuple(float(x) for x in E[_BREAK_EVERY:-1:_BREAK_EVERY])
        scale = self.total_flux_cm2_s / len(FLAVOURS)
        return tuple(
            Continuum(
                flavour,
                float(E[0]),
                float(E[-1]),
                _density(E, f, scale),
                breakpoints=breaks,
                label=f"DSNB {flavour} (O'Hare 2021 spectrum, 1/6 of the total)",
            )
            for flavour in FLAVOURS
        )


def _density(E_tab: Array, f_tab: Array, scale: float):
    def density(E: Array) -> Array:
        return scale * np.interp(E, E_tab, f_tab, left=0.0, right=0.0)

    return density
