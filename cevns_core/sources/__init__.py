"""Neutrino sources (PHYSICS.md §5).

Every source is a :class:`Source` (a ``param.Parameterized`` model) whose components — continua
and lines per flavour — are normalised at the detector, as a fluence (counts) or a flux (per s).

========================  =====================================================================
``PionDecayAtRest``       π-DAR: prompt ν_μ line, delayed ν_e/ν̄_μ Michel spectra, timing
``Reactor``               ν̄_e from fission (Huber–Mueller, BESTIOLE 2023) + neutron capture
``Chromium51``            ⁵¹Cr electron-capture ν_e lines
``Solar``                 B16-GS98 solar components (allowed β shapes; lines for pep, ⁷Be)
``SupernovaBurst``        time-integrated burst fluence per species (alpha-fit or Fermi–Dirac)
``DiffuseSupernovaBackground``  DSNB flux from a cosmic core-collapse rate (inputs required)
``TabulatedSource``       user-supplied spectra (arrays or a CSV file); atmospheric fluxes too
========================  =====================================================================

Atmospheric neutrinos (PHYSICS §5.5: tabulated input only) have no dedicated class and no shipped
table: load a FLUKA/HKKM table with :class:`TabulatedSource`.

:data:`SOURCE_TYPES` maps a short name to each class (used by the dashboard).
"""

from .base import NORMALISATIONS, Continuum, Line, Source, gauss_legendre_segments
from .pion_dar import (
    FACILITIES,
    PULSE_SHAPES,
    E_NU_MU_PROMPT_MeV,
    FacilityPreset,
    MICHEL_E_MAX_MeV,
    PionDecayAtRest,
    ProtonPulse,
    delayed_time_cdf,
    delayed_time_pdf,
    facility,
    facility_names,
    michel_nu_e,
    michel_nubar_mu,
    pot_rate_per_s,
    prompt_time_cdf,
    prompt_time_pdf,
)

#: Source classes by short name (dashboard registry).
SOURCE_TYPES: dict[str, type[Source]] = {
    "pion_dar": PionDecayAtRest,
}

__all__ = [
    "FACILITIES",
    "NORMALISATIONS",
    "PULSE_SHAPES",
    "SOURCE_TYPES",
    "Continuum",
    "E_NU_MU_PROMPT_MeV",
    "FacilityPreset",
    "Line",
    "MICHEL_E_MAX_MeV",
    "PionDecayAtRest",
    "ProtonPulse",
    "Source",
    "delayed_time_cdf",
    "delayed_time_pdf",
    "facility",
    "facility_names",
    "gauss_legendre_segments",
    "michel_nu_e",
    "michel_nubar_mu",
    "pot_rate_per_s",
    "prompt_time_cdf",
    "prompt_time_pdf",
]
