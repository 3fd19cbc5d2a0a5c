"""Electroweak observables outside CEvNS and their likelihood terms (real-data items 4 and 6).

* :mod:`.couplings` — electron–quark couplings and nucleon weak charges (PDG, with r.c.);
* :mod:`.apv` — atomic parity violation in ¹³³Cs: Q_W(sin²θ_W, R_n), experimental Q_W for a
  choice of atomic theory, χ²;
* :mod:`.pves` — PREX-II and CREX weak form factors, predictions and χ²;
* :mod:`.running` — the MS-bar running of sin²θ_W and the measurements drawn with it;
* :mod:`.terms` — the registry of these χ² terms by name ("apv_cs133", "prex2", "crex").
"""

from .apv import (
    APV_THEORIES,
    DEFAULT_APV_THEORY,
    APVSin2,
    APVWeakCharge,
    apv_chi2,
    apv_data,
    apv_sin2_theta_w,
    apv_skin_correction,
    apv_weak_charge_experimental,
    apv_weak_charge_theory,
    pnc_density_overlap,
    pnc_radial_weight,
)
from .couplings import electron_quark_couplings, nuclear_weak_charge, nucleon_weak_charges
from .pves import (
    PVES_EXPERIMENTS,
    PVESMeasurement,
    crex_chi2,
    prex2_chi2,
    pves_asymmetry_born,
    pves_chi2,
    pves_data,
    pves_measurement,
    pves_neutron_skin,
    pves_weak_form_factor,
)
from .running import (
    RUNNING_INPUTS,
    alpha_msbar,
    measurement_points,
    running_curve,
    sin2_theta_w_measurements,
    sin2_theta_w_msbar,
    workbench_points,
)
from .terms import EXTERNAL_TERMS, ExternalTerm, external_chi2, external_term, external_term_names

__all__ = [
    "APV_THEORIES",
    "DEFAULT_APV_THEORY",
    "EXTERNAL_TERMS",
    "PVES_EXPERIMENTS",
    "RUNNING_INPUTS",
    "APVSin2",
    "APVWeakCharge",
    "ExternalTerm",
    "PVESMeasurement",
    "alpha_msbar",
    "apv_chi2",
    "apv_data",
    "apv_sin2_theta_w",
    "apv_skin_correction",
    "apv_weak_charge_experimental",
    "apv_weak_charge_theory",
    "crex_chi2",
    "electron_quark_couplings",
    "external_chi2",
    "external_term",
    "external_term_names",
    "measurement_points",
    "nuclear_weak_charge",
    "nucleon_weak_charges",
    "pnc_density_overlap",
    "pnc_radial_weight",
    "prex2_chi2",
    "pves_asymmetry_born",
    "pves_chi2",
    "pves_data",
    "pves_measurement",
    "pves_neutron_skin",
    "pves_weak_form_factor",
    "running_curve",
    "sin2_theta_w_measurements",
    "sin2_theta_w_msbar",
    "workbench_points",
]
