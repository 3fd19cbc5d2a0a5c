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
from .radioactive import CR51_HALF_LIFE_DAYS, CR51_LINES, Chromium51, CI_Bq, decay_factor
from .reactor import (
    FISSION_ISOTOPES,
    HUBER_MUELLER,
    REACTOR_MODELS,
    ENERGY_PER_FISSION_MeV,
    HUBER_MUELLER_RANGE_MeV,
    Reactor,
    bestiole_spectrum,
    huber_mueller_spectrum,
)
from .solar import (
    B16_GS98_FLUX,
    SOLAR_COMPONENTS,
    Solar,
    SOLAR_ENDPOINTS_MeV,
    SOLAR_LINES_MeV,
    allowed_beta_shape,
)
from .supernova import (
    FD_MEAN_OVER_T,
    SN_SPECIES,
    SN_SPECTRUM_MODELS,
    DiffuseSupernovaBackground,
    SupernovaBurst,
    alpha_fit_spectrum,
    fermi_dirac_integral,
    fermi_dirac_spectrum,
)
from .tabulated import (
    INTERPOLATIONS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    TabulatedSource,
    read_spectrum_csv,
    write_spectrum_csv,
)

#: Source classes by short name (dashboard registry).
SOURCE_TYPES: dict[str, type[Source]] = {
    "pion_dar": PionDecayAtRest,
    "reactor": Reactor,
    "chromium51": Chromium51,
    "solar": Solar,
    "supernova_burst": SupernovaBurst,
    "dsnb": DiffuseSupernovaBackground,
    "tabulated": TabulatedSource,
}

__all__ = [
    "B16_GS98_FLUX",
    "CR51_HALF_LIFE_DAYS",
    "CR51_LINES",
    "FACILITIES",
    "FD_MEAN_OVER_T",
    "FISSION_ISOTOPES",
    "HUBER_MUELLER",
    "INTERPOLATIONS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "NORMALISATIONS",
    "PULSE_SHAPES",
    "REACTOR_MODELS",
    "SN_SPECIES",
    "SN_SPECTRUM_MODELS",
    "SOLAR_COMPONENTS",
    "SOURCE_TYPES",
    "CI_Bq",
    "Chromium51",
    "Continuum",
    "DiffuseSupernovaBackground",
    "ENERGY_PER_FISSION_MeV",
    "E_NU_MU_PROMPT_MeV",
    "FacilityPreset",
    "HUBER_MUELLER_RANGE_MeV",
    "Line",
    "MICHEL_E_MAX_MeV",
    "PionDecayAtRest",
    "ProtonPulse",
    "Reactor",
    "SOLAR_ENDPOINTS_MeV",
    "SOLAR_LINES_MeV",
    "Solar",
    "Source",
    "SupernovaBurst",
    "TabulatedSource",
    "allowed_beta_shape",
    "alpha_fit_spectrum",
    "bestiole_spectrum",
    "decay_factor",
    "delayed_time_cdf",
    "delayed_time_pdf",
    "facility",
    "facility_names",
    "fermi_dirac_integral",
    "fermi_dirac_spectrum",
    "gauss_legendre_segments",
    "huber_mueller_spectrum",
    "michel_nu_e",
    "michel_nubar_mu",
    "pot_rate_per_s",
    "prompt_time_cdf",
    "prompt_time_pdf",
    "read_spectrum_csv",
    "write_spectrum_csv",
]
