"""WIMP dark matter and the neutrino fog (physics-reach issue, item 2).

======================  ==========================================================================
``halo``                Standard Halo Model (Baxter et al. 2021 conventions), η(v_min) closed form
``wimp``                spin-independent WIMP–nucleus recoil spectra, binned WIMP rates
``backgrounds``         binned CEvNS neutrino backgrounds per component with flux uncertainties
``limits``              median exclusion and discovery limits (binned profile likelihood, Asimov)
``fog``                 the neutrino fog: gradient index n and the floor at n = 2 (O'Hare 2021)
======================  ==========================================================================
"""

from .backgrounds import (
    BACKGROUND_COMPONENTS,
    NeutrinoBackground,
    background_model,
    background_models,
    log_bin_edges,
    neutrino_background,
)
from .fog import NeutrinoFog, gradient_index, neutrino_fog, ohare2021_floor_points
from .halo import HALO_PRESETS, SOLAR_PECULIAR_VELOCITY_KMS, StandardHaloModel, sun_speed_kms
from .limits import LimitResult, discovery_limit, exclusion_limit, limit_from_rates
from .wimp import binned_wimp_rates, target_isotopes, wimp_recoil_spectrum

__all__ = [
    "BACKGROUND_COMPONENTS",
    "HALO_PRESETS",
    "SOLAR_PECULIAR_VELOCITY_KMS",
    "LimitResult",
    "NeutrinoBackground",
    "NeutrinoFog",
    "StandardHaloModel",
    "background_model",
    "background_models",
    "binned_wimp_rates",
    "discovery_limit",
    "exclusion_limit",
    "gradient_index",
    "limit_from_rates",
    "log_bin_edges",
    "neutrino_background",
    "neutrino_fog",
    "ohare2021_floor_points",
    "sun_speed_kms",
    "target_isotopes",
    "wimp_recoil_spectrum",
]
