"""Atmospheric neutrinos below 1 GeV (PHYSICS.md §5.5), flux mode.

PHYSICS §5.5 allows tabulated input only. The package ships one table,
``data/atmospheric_fluka2005.csv``: the FLUKA low-energy calculation of Battistoni, Ferrari,
Montaruli & Sala, Astropart. Phys. 23 (2005) 526, Tables 2 and 3 — ν_e, ν̄_e, ν_μ, ν̄_μ at the
Super-Kamiokande site, averaged over the solar cycle, without oscillations, integrated over
directions, at 38 energies from 13 to 944 MeV (cm⁻² s⁻¹ MeV⁻¹; where the numbers were read is in
the file header and in ``data/SOURCES.md``). Over 13–944 MeV the four flavours add up to
7.32 cm⁻² s⁻¹.

Between table energies the flux is interpolated log-log (a power law on each interval, the natural
form for these steeply falling spectra); outside 13–944 MeV it is zero — never extrapolated. The
part above 944 MeV (≈ 0.3 cm⁻² s⁻¹ more) and ν_τ are thus left out; for CEvNS on Xe or Ge the
recoils from E_ν < 1 GeV are the ones that matter (the form factor suppresses the rest).

Site dependence: the low-energy flux grows with geomagnetic latitude (lower rigidity cutoff), so
sites such as Gran Sasso or SURF see more than Kamioka below ~100 MeV. No other site is shipped;
load another table with :class:`~cevns_core.sources.TabulatedSource`.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import ClassVar

import numpy as np
import param
from numpy.typing import NDArray

from ..errors import CevnsError
from ._common import ValidatedSource
from .base import Continuum, Line
from .tabulated import read_spectrum_csv

__all__ = [
    "ATMOSPHERIC_FLAVOURS",
    "ATMOSPHERIC_RANGE_MeV",
    "Atmospheric",
    "fluka2005_table",
]

Array = NDArray[np.float64]

#: Flavours in the shipped FLUKA table.
ATMOSPHERIC_FLAVOURS: tuple[str, ...] = ("nu_e", "nubar_e", "nu_mu", "nubar_mu")
#: Energy range of the shipped table (MeV); the flux is zero outside.
ATMOSPHERIC_RANGE_MeV: tuple[float, float] = (13.0, 944.0)

_TABLE_FILE = "atmospheric_fluka2005.csv"
_BREAK_EVERY = 4


@cache
def _table() -> tuple[Array, dict[str, Array]]:
    path = files("cevns_core").joinpath("data").joinpath(_TABLE_FILE)
    data = read_spectrum_csv(str(path))
    if data["normalisation"] != "flux":  # pragma: no cover - shipped file
        raise CevnsError(f"{_TABLE_FILE} must be a flux table")
    E = data["E_MeV"]
    E.setflags(write=False)
    for v in data["spectra"].values():
        v.setflags(write=False)
    return E, data["spectra"]


def fluka2005_table() -> tuple[Array, dict[str, Array]]:
    """The shipped FLUKA 2005 table: energies (MeV) and {flavour: dΦ/dE in cm⁻² s⁻¹ MeV⁻¹}.

    Examples
    --------
    >>> E, flux = fluka2005_table()
    >>> float(E[0]), float(E[-1]), sorted(flux)
    (13.0, 944.0, ['nu_e', 'nu_mu', 'nubar_e', 'nubar_mu'])
    """
    E, spectra = _table()
    return E, dict(spectra)


def _loglog_density(E_tab: Array, v_tab: Array):
    """dΦ/dE interpolated as a power law between table points, zero outside the table."""
    lo, hi = float(E_tab[0]), float(E_tab[-1])
    logE = np.log(E_tab)
    logv = np.log(v_tab)

    def density(E: Array) -> Array:
        x = np.asarray(E, dtype=float)
        inside = (x >= lo) & (x <= hi)
        xs = np.clip(x, lo, hi)
        lx = np.log(xs)
        out = np.exp(np.interp(lx, logE, logv))
        return np.where(inside, out, 0.0)

    return density


class Atmospheric(ValidatedSource):
    """Atmospheric ν_e, ν̄_e, ν_μ, ν̄_μ from the FLUKA 2005 low-energy table (flux mode).

    Examples
    --------
    >>> atm = Atmospheric()
    >>> f"{atm.integrated():.3f}"
    '7.324'
    >>> float(atm.spectrum(10.0))  # below the table: no extrapolation
    0.0
    """

    title: ClassVar[str] = "Atmospheric neutrinos"

    flavours_included = param.ListSelector(
        default=list(ATMOSPHERIC_FLAVOURS),
        objects=list(ATMOSPHERIC_FLAVOURS),
        doc="Flavours of the FLUKA table to include (ν_τ is not in the table).",
        label="Flavours",
        metadata={"unit": ""},
    )

    def _check(self) -> None:
        if self.normalisation != "flux":
            raise CevnsError("Atmospheric is a flux (normalisation='flux')")
        unknown = [f for f in self.flavours_included if f not in ATMOSPHERIC_FLAVOURS]
        if unknown:
            raise CevnsError(
                f"unknown atmospheric flavour(s) {unknown}; choose from "
                f"{', '.join(ATMOSPHERIC_FLAVOURS)}"
            )

    def components(self) -> tuple[Continuum | Line, ...]:
        """One continuum per flavour on 13–944 MeV, cm⁻² s⁻¹ MeV⁻¹."""
        self._check()
        E, spectra = _table()
        # every 4th table energy: the power-law pieces are smooth, GL quadrature across the mild
        # kinks in between is accurate to ~1e-5 and rates stay fast
        breaks = tuple(float(e) for e in E[_BREAK_EVERY:-1:_BREAK_EVERY])
        return tuple(
            Continuum(
                flavour,
                float(E[0]),
                float(E[-1]),
                _loglog_density(E, spectra[flavour]),
                breakpoints=breaks,
                label=f"atmospheric {flavour} (FLUKA 2005, Kamioka, solar average)",
            )
            for flavour in ATMOSPHERIC_FLAVOURS
            if flavour in self.flavours_included
        )
