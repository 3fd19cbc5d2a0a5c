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
``DSNBSpectrum``          published all-flavour DSNB spectrum (O'Hare 2021), 85.7 cm⁻² s⁻¹
``Atmospheric``           FLUKA 2005 low-energy atmospheric table (Kamioka, 13–944 MeV)
``TabulatedSource``       user-supplied spectra (arrays or a CSV file)
``CompositeSource``       sum of sources of one normalisation (e.g. the neutrino floor)
========================  =====================================================================

Atmospheric neutrinos (PHYSICS §5.5: tabulated input only) come from the shipped FLUKA table
(:class:`Atmospheric`); other sites or calculations can be loaded with :class:`TabulatedSource`.

:data:`SOURCE_TYPES` maps a short name to each class (used by the dashboard).
"""

from .atmospheric import ATMOSPHERIC_FLAVOURS, Atmospheric, ATMOSPHERIC_RANGE_MeV, fluka2005_table
from .base import NORMALISATIONS, Continuum, Line, Source, gauss_legendre_segments
from .composite import CompositeSource
from .dsnb import DSNB_OHARE2021_TOTAL_FLUX, DSNBSpectrum, dsnb_ohare2021_shape
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
    B8_SHAPES,
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
    "dsnb_spectrum": DSNBSpectrum,
    "atmospheric": Atmospheric,
    "tabulated": TabulatedSource,
    "composite": CompositeSource,
}

__all__ = [
    "ATMOSPHERIC_FLAVOURS",
    "B8_SHAPES",
    "B16_GS98_FLUX",
    "CR51_HALF_LIFE_DAYS",
    "CR51_LINES",
    "DSNB_OHARE2021_TOTAL_FLUX",
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
    "ATMOSPHERIC_RANGE_MeV",
    "Atmospheric",
    "CI_Bq",
    "Chromium51",
    "CompositeSource",
    "Continuum",
    "DSNBSpectrum",
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
    "dsnb_ohare2021_shape",
    "facility",
    "facility_names",
    "fermi_dirac_integral",
    "fermi_dirac_spectrum",
    "fluka2005_table",
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
