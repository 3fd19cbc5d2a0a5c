"""cevns_core — coherent elastic neutrino-nucleus scattering physics.

The public API (DESIGN.md §4)::

    import cevns_core as cc
    cc.isotope("Cs133")
    cc.material("CsI")
    cc.form_factor("helm", q_fm, "Cs133")
    cc.weak_form_factor(q_fm, "Pb208", skin_fm=0.28)
    cc.differential_cross_section(E_MeV, T_keV, "Cs133")     # cm²/keV
    cc.total_cross_section(E_MeV, "Cs133")                   # cm²
    cc.flux_averaged_cross_section(source, "CsI")            # cm² per nucleus
    exp = cc.experiment("coherent_csi_2017")
    exp.recoil_spectrum(T_keV)                               # events/keVnr
    exp.counts()                                             # events after the response
    res = cc.scan(exp, "zprime", coupling=g, mass_MeV=M)     # Δχ² grid, res.contour(0.9)
"""

from .cell_datasets import CellDataset, cell_dataset_names, load_cell_dataset
from .cross_sections import (
    differential_cross_section,
    dsigma_dcos_theta_nu,
    dsigma_dOmega_nu,
    dsigma_dOmega_recoil,
    total_cross_section,
)
from .datasets import Dataset, dataset_names, load_dataset, load_dataset_file
from .detector import Detector, detector_preset
from .errors import CevnsError, CevnsWarning, DivergentCountsError
from .experiments import Counts, Experiment, experiment, experiment_names
from .fits import (
    dataset_chi2,
    fit_neutron_radius,
    fit_sin2_theta_w,
    predict_signal,
    profile_1d,
)
from .flavours import FLAVOURS
from .form_factors import form_factor, form_factor_model, form_factor_models, model_parameters
from .materials import Material, material, material_names
from .new_physics import NewPhysics
from .nuclear_model import NuclearModel, nucleon_form_factors
from .nuclei import Isotope, isotope, isotopes_of, natural_isotopes
from .published import published_comparison, published_results
from .quenching import quenching_model
from .rates import binned_counts, flux_averaged_cross_section, recoil_spectrum
from .scans import ScanResult, scan, scan_models
from .sources import (
    SOURCE_TYPES,
    Chromium51,
    DiffuseSupernovaBackground,
    PionDecayAtRest,
    Reactor,
    Solar,
    Source,
    SupernovaBurst,
    TabulatedSource,
)
from .statistics import (
    Profile1D,
    asimov_data,
    confidence_intervals,
    delta_chi2_threshold,
    gaussian_chi2,
    poisson_chi2,
)
from .weak_charges import StandardModel, nucleon_couplings, weak_charge_half, weak_charge_pdg
from .weak_form_factor import weak_form_factor

__version__ = "0.1.0"

__all__ = [
    "FLAVOURS",
    "SOURCE_TYPES",
    "CellDataset",
    "CevnsError",
    "CevnsWarning",
    "Chromium51",
    "Counts",
    "Dataset",
    "Detector",
    "DiffuseSupernovaBackground",
    "DivergentCountsError",
    "Experiment",
    "Isotope",
    "Material",
    "NewPhysics",
    "NuclearModel",
    "PionDecayAtRest",
    "Profile1D",
    "Reactor",
    "ScanResult",
    "Solar",
    "Source",
    "StandardModel",
    "SupernovaBurst",
    "TabulatedSource",
    "asimov_data",
    "binned_counts",
    "cell_dataset_names",
    "confidence_intervals",
    "dataset_chi2",
    "dataset_names",
    "delta_chi2_threshold",
    "detector_preset",
    "differential_cross_section",
    "dsigma_dOmega_nu",
    "dsigma_dOmega_recoil",
    "dsigma_dcos_theta_nu",
    "experiment",
    "experiment_names",
    "fit_neutron_radius",
    "fit_sin2_theta_w",
    "flux_averaged_cross_section",
    "form_factor",
    "form_factor_model",
    "form_factor_models",
    "gaussian_chi2",
    "isotope",
    "isotopes_of",
    "load_cell_dataset",
    "load_dataset",
    "load_dataset_file",
    "material",
    "material_names",
    "model_parameters",
    "natural_isotopes",
    "nucleon_couplings",
    "nucleon_form_factors",
    "poisson_chi2",
    "predict_signal",
    "profile_1d",
    "published_comparison",
    "published_results",
    "quenching_model",
    "recoil_spectrum",
    "scan",
    "scan_models",
    "total_cross_section",
    "weak_charge_half",
    "weak_charge_pdg",
    "weak_form_factor",
]
