"""cevns_core — coherent elastic neutrino-nucleus scattering physics.

The public API (DESIGN.md §4)::

    import cevns_core as cc
    cc.isotope("Cs133")
    cc.material("CsI")
    cc.form_factor("helm", q_fm, "Cs133")
    cc.weak_form_factor(q_fm, "Pb208", skin_fm=0.28)
    cc.differential_cross_section(E_MeV, T_keV, "Cs133")     # cm²/keV
    cc.total_cross_section(E_MeV, "Cs133")                   # cm²
"""

from .cross_sections import (
    differential_cross_section,
    dsigma_dcos_theta_nu,
    dsigma_dOmega_nu,
    dsigma_dOmega_recoil,
    total_cross_section,
)
from .errors import CevnsError, CevnsWarning
from .flavours import FLAVOURS
from .form_factors import form_factor, form_factor_model, form_factor_models, model_parameters
from .materials import Material, material, material_names
from .nuclear_model import NuclearModel, nucleon_form_factors
from .nuclei import Isotope, isotope, isotopes_of, natural_isotopes
from .weak_charges import StandardModel, nucleon_couplings, weak_charge_half, weak_charge_pdg
from .weak_form_factor import weak_form_factor

__version__ = "0.1.0"

__all__ = [
    "FLAVOURS",
    "CevnsError",
    "CevnsWarning",
    "Isotope",
    "Material",
    "NuclearModel",
    "StandardModel",
    "differential_cross_section",
    "dsigma_dOmega_nu",
    "dsigma_dOmega_recoil",
    "dsigma_dcos_theta_nu",
    "form_factor",
    "form_factor_model",
    "form_factor_models",
    "isotope",
    "isotopes_of",
    "material",
    "material_names",
    "model_parameters",
    "natural_isotopes",
    "nucleon_couplings",
    "nucleon_form_factors",
    "total_cross_section",
    "weak_charge_half",
    "weak_charge_pdg",
    "weak_form_factor",
]
