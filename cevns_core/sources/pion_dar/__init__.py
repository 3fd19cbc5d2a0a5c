"""Pion decay at rest (π-DAR): energy spectra, normalisation and timing (PHYSICS.md §5.1–5.2).

Per π⁺ → μ⁺ν_μ, μ⁺ → e⁺ν_e ν̄_μ decay chain (Pandey Eqs. (2)–(6)): a prompt ν_μ line at 29.792 MeV
and the delayed ν_e and ν̄_μ Michel spectra up to m_μ/2 (:mod:`.spectra`); the proton pulse and
the arrival-time distributions of prompt and delayed neutrinos (:mod:`.timing`); the beam
parameters of stopped-pion facilities (:mod:`.facilities`); and the source model
:class:`PionDecayAtRest` with its fluence/flux normalisation φ = r·N_POT/(4πL²) (:mod:`.source`).
"""

from __future__ import annotations

from .facilities import FACILITIES, FacilityPreset, facility, facility_names
from .source import PionDecayAtRest
from .spectra import (
    E_NU_MU_PROMPT_MeV,
    MICHEL_E_MAX_MeV,
    michel_nu_e,
    michel_nubar_mu,
    pot_rate_per_s,
)
from .timing import (
    PULSE_SHAPES,
    ProtonPulse,
    delayed_time_cdf,
    delayed_time_pdf,
    prompt_time_cdf,
    prompt_time_pdf,
)

__all__ = [
    "FACILITIES",
    "PULSE_SHAPES",
    "E_NU_MU_PROMPT_MeV",
    "FacilityPreset",
    "MICHEL_E_MAX_MeV",
    "PionDecayAtRest",
    "ProtonPulse",
    "delayed_time_cdf",
    "delayed_time_pdf",
    "facility",
    "facility_names",
    "michel_nu_e",
    "michel_nubar_mu",
    "pot_rate_per_s",
    "prompt_time_cdf",
    "prompt_time_pdf",
]
