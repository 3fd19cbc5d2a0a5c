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
    cc.electron_scattering_cross_section(E_MeV, T_keV, "nu_e")  # ν–e, cm²/keV(ee)
    exp = cc.experiment("coherent_csi_2017")
    exp.recoil_spectrum(T_keV)                               # events/keVnr
    exp.counts()                                             # events after the response
    spec = exp.to_spec()                                     # JSON-safe; Experiment.from_spec
    cc.uncertainty_band(exp)                                 # flux ⊕ form factor ⊕ quenching
    res = cc.scan(exp, "zprime", coupling=g, mass_MeV=M)     # Δχ² grid, res.contour(0.9)

Dark matter and the neutrino fog (``cevns_core.dark_matter``)::

    cc.wimp_recoil_spectrum("Xe", E_keV, mass_GeV=50, sigma_cm2=1e-45)   # events/keV/kg/yr
    cc.discovery_limit("Xe", masses_GeV, exposures_kg_yr, threshold_keV=1.0).sigma_cm2
    cc.exclusion_limit("Ge", masses_GeV, 1e3, threshold_keV=0.1).sigma_cm2
    fog = cc.neutrino_fog("Xe")          # σ(m, MT), n(m, σ) and the floor at n = 2
"""

# --- end of the neutrino-electron block ---
# --- electroweak observables outside CEvNS: APV, PVES, running sin²θ_W, external χ² terms ---
from . import electroweak
from .cell_datasets import CellDataset, cell_dataset_names, load_cell_dataset
from .cross_sections import (
    differential_cross_section,
    dsigma_dcos_theta_nu,
    dsigma_dOmega_nu,
    dsigma_dOmega_recoil,
    total_cross_section,
)
from .dark_matter import (  # the dark-matter block, see the end of __all__
    LimitResult,
    NeutrinoFog,
    StandardHaloModel,
    discovery_limit,
    exclusion_limit,
    neutrino_fog,
    wimp_recoil_spectrum,
)
from .datasets import Dataset, dataset_names, load_dataset, load_dataset_file
from .detector import Detector, detector_preset

# --- neutrino-electron elastic scattering (block: cevns_core.electron_scattering) ---
from .electron_scattering import (
    ElectronRecoilSpectrum,
    atomic_shells,
    effective_electrons,
    electron_recoil_spectrum,
    electron_scattering_cross_section,
    electron_scattering_total_cross_section,
)
from .electroweak import (
    APV_THEORIES,
    EXTERNAL_TERMS,
    ExternalTerm,
    apv_chi2,
    apv_sin2_theta_w,
    apv_weak_charge_experimental,
    apv_weak_charge_theory,
    crex_chi2,
    external_chi2,
    external_term,
    external_term_names,
    measurement_points,
    prex2_chi2,
    pves_measurement,
    pves_weak_form_factor,
    running_curve,
    sin2_theta_w_measurements,
    sin2_theta_w_msbar,
    workbench_points,
)
from .errors import CevnsError, CevnsWarning, DivergentCountsError
from .experiment import (
    Counts,
    Experiment,
    UncertaintyBand,
    experiment,
    experiment_names,
    uncertainty_band,
)
from .fits import (
    dataset_chi2,
    fit_neutron_radius,
    fit_parameter,
    fit_sin2_theta_w,
    predict_signal,
    profile_1d,
)
from .flavours import FLAVOURS
from .form_factors import (
    FormFactorTable,
    form_factor,
    form_factor_model,
    form_factor_models,
    form_factor_table,
    form_factor_tables,
    load_form_factor_table,
    model_parameters,
)
from .likelihood import (
    DataSetLikelihood,
    Likelihood,
    energy_time_names,
    fit_overview,
    fit_signal_count,
    likelihood_names,
    load_energy_time,
    named_results,
)
from .materials import Material, material, material_names, target_material
from .nuclear_comparison import NuclearModelComparison, compare_nuclear_models
from .nuclear_model import NuclearModel, nucleon_form_factors
from .nuclei import Isotope, isotope, isotopes_of, natural_isotopes
from .physics import NewPhysics
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
    "DataSetLikelihood",
    "Dataset",
    "Detector",
    "DiffuseSupernovaBackground",
    "DivergentCountsError",
    "Experiment",
    "FormFactorTable",
    "Isotope",
    "Likelihood",
    "Material",
    "NewPhysics",
    "NuclearModel",
    "NuclearModelComparison",
    "PionDecayAtRest",
    "Profile1D",
    "Reactor",
    "ScanResult",
    "Solar",
    "Source",
    "StandardModel",
    "SupernovaBurst",
    "TabulatedSource",
    "UncertaintyBand",
    "asimov_data",
    "binned_counts",
    "cell_dataset_names",
    "compare_nuclear_models",
    "confidence_intervals",
    "dataset_chi2",
    "dataset_names",
    "delta_chi2_threshold",
    "detector_preset",
    "differential_cross_section",
    "dsigma_dOmega_nu",
    "dsigma_dOmega_recoil",
    "dsigma_dcos_theta_nu",
    "energy_time_names",
    "experiment",
    "experiment_names",
    "fit_neutron_radius",
    "fit_overview",
    "fit_parameter",
    "fit_signal_count",
    "fit_sin2_theta_w",
    "flux_averaged_cross_section",
    "form_factor",
    "form_factor_model",
    "form_factor_models",
    "form_factor_table",
    "form_factor_tables",
    "gaussian_chi2",
    "isotope",
    "isotopes_of",
    "likelihood_names",
    "load_cell_dataset",
    "load_dataset",
    "load_dataset_file",
    "load_energy_time",
    "load_form_factor_table",
    "material",
    "material_names",
    "model_parameters",
    "named_results",
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
    "target_material",
    "total_cross_section",
    "uncertainty_band",
    "weak_charge_half",
    "weak_charge_pdg",
    "weak_form_factor",
]

# --- neutrino-electron elastic scattering ---
__all__ += [
    "ElectronRecoilSpectrum",
    "atomic_shells",
    "effective_electrons",
    "electron_recoil_spectrum",
    "electron_scattering_cross_section",
    "electron_scattering_total_cross_section",
]

# ---- electroweak observables outside CEvNS: APV, PVES, running sin²θ_W, external χ² terms ----

__all__ += [
    "APV_THEORIES",
    "EXTERNAL_TERMS",
    "ExternalTerm",
    "apv_chi2",
    "apv_sin2_theta_w",
    "apv_weak_charge_experimental",
    "apv_weak_charge_theory",
    "crex_chi2",
    "electroweak",
    "external_chi2",
    "external_term",
    "external_term_names",
    "measurement_points",
    "prex2_chi2",
    "pves_measurement",
    "pves_weak_form_factor",
    "running_curve",
    "sin2_theta_w_measurements",
    "sin2_theta_w_msbar",
    "workbench_points",
]
# ----------------------------------------------------------------------------------------------

# dark matter (cevns_core.dark_matter)
__all__ += [
    "LimitResult",
    "NeutrinoFog",
    "StandardHaloModel",
    "discovery_limit",
    "exclusion_limit",
    "neutrino_fog",
    "wimp_recoil_spectrum",
]
