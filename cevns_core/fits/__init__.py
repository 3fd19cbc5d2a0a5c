"""Fits of model parameters to the shipped data sets: 1-D Δχ² profiles (PHYSICS.md §8, §9.3–§9.4).

A fit combines an experiment preset (source + detector: :func:`cevns_core.experiment`) that
predicts the signal in the bins of a data set (:func:`cevns_core.datasets.load_dataset`) with the
χ² the data set is meant for (:func:`dataset_chi2`), profiling the normalisation nuisances:

* COHERENT CsI 2017 (``statistic="gaussian_coherent"``, COHERENT 2017 / Papoulias & Kosmas 2018):
  Gaussian χ² of the beam-on residual (coincidence − anticoincidence) against (1+α)S + (1+β)B_on,
  σ_i² = N_obs + 2B_ss + B_on, σ_α = 0.28, σ_β = 0.25 (both **UNSURE**, PHYSICS §8.1; parameters).
  The data have an arrival-time cut t < 6 μs; predictions get the per-flavour fractions of the
  release's arrival-time PDFs (``time_cut=True``, prompt 1.000, delayed 0.915). ``time_cut=False``
  compares the untimed prediction, as PKK's analyses evidently did (it reproduces their Eq. (31)).
* COHERENT LAr 2020 (``statistic="poisson"``): Baker–Cousins χ² of the raw beam-on counts
  against (1+α)S + Σ_k (1+β_k)B_k with the steady-state, prompt-BRN and delayed-BRN predictions
  of the release and their normalisation uncertainties (0.79 %, 32 %, 100 %), σ_α = 13.3 %
  (17/128); Poisson because the 3-D cells hold a few events each. The 3-D set (energy × F90 ×
  t_trig) spreads the predicted energy spectrum over F90 with the released signal's P(F90 | E)
  and over time with the preset's timing per flavour; it reproduces the collaboration's fit of
  the CEvNS normalisation (159 ± 43 events). The energy projection (12 bins) is much weaker (the
  BRN background is not separated without F90 and time).

An energy × time data set ("coherent_csi_2021", "coherent_csi_2017_2d"), a list of data sets
(``["coherent_csi_2021", "coherent_lar_2020_3d"]``) or a :class:`cevns_core.likelihood.Likelihood`
is fitted with the joint Poisson likelihood of :mod:`cevns_core.likelihood` (shared physics, the
SNS flux nuisance shared, every nuisance profiled). Such a list may also hold external terms
(``"apv_cs133"``, ``"prex2"``, ``"crex"`` or :func:`cevns_core.external_term` objects), whose χ²
is added at the fit's sin²θ_W and neutron radii: ``fit_sin2_theta_w(["coherent_csi_2021",
"apv_cs133"], neutron_radius="free")`` profiles a common R_n (CDG's "R_n free"),
``fit_neutron_radius([...], nuclei=["Cs"], profiled=["I"])`` fits R_n(Cs) with R_n(I) profiled.

The generic :func:`profile_1d` scans any parameter: ``make_physics(value)`` returns the physics
model (``StandardModel``/``NewPhysics``) for a grid value, or a mapping with any of ``physics``,
``form_factor`` and ``form_factor_params``. :func:`fit_sin2_theta_w` uses that the counts are an
exact quadratic polynomial in sin²θ_W (𝒬_V is linear in it through g_V^p = ½ − 2 sin²θ_W): three
predictions give the whole scan. :func:`fit_neutron_radius` scans a common neutron rms radius
R_n of all target isotopes (PKK's "average CsI R_n"), proton distributions unchanged.
"""

from .chi2 import dataset_chi2, dataset_chi2_terms
from .new_physics_fits import FIT_PARAMETERS, fit_parameter, published_limits
from .predictions import STATISTICS, predict_signal
from .profile_fits import fit_neutron_radius, fit_sin2_theta_w, profile_1d

__all__ = [
    "FIT_PARAMETERS",
    "STATISTICS",
    "dataset_chi2",
    "dataset_chi2_terms",
    "fit_neutron_radius",
    "fit_parameter",
    "fit_sin2_theta_w",
    "predict_signal",
    "profile_1d",
    "published_limits",
]
