"""Likelihoods of CEvNS data: binned Poisson models with named nuisances, joint data sets.

* :mod:`~cevns_core.likelihood.components` — nuisances, shape effects, components;
* :mod:`~cevns_core.likelihood.model` — :class:`BinnedPoissonModel`: Baker–Cousins χ² with
  normalisation and shape nuisances, profiled for many signal vectors at once (its per-data-set
  blocks in :mod:`~cevns_core.likelihood.blocks`);
* :mod:`~cevns_core.likelihood.tables` — the energy × time data sets (CsI 2021, CsI 2017);
* :mod:`~cevns_core.likelihood.analyses` — :class:`DataSetLikelihood`: a data set with the
  experiment that predicts its signal, its templates and nuisances;
* :mod:`~cevns_core.likelihood.cells` — :class:`CellDataSetLikelihood`: a data set in analysis
  cells (XENONnT ⁸B) with the release's response matrix (``DataSetLikelihood("xenonnt_b8_2024")``
  builds one);
* :mod:`~cevns_core.likelihood.joint` — :class:`Likelihood`: several data sets with shared
  physics and shared nuisances (the SNS flux);
* :mod:`~cevns_core.likelihood.fitting` — fits on a Likelihood, the fitted signal count, and
  :func:`profile_chi2`, the hook for parameter scans;
* :mod:`~cevns_core.likelihood.profiled` — two parameters at once (sin²θ_W with R_n free,
  R_n(Cs) and R_n(I)), one profiled: :class:`Profile2D`;
* :mod:`~cevns_core.likelihood.overview` — :func:`fit_overview`: data, errors, best-fit and
  nominal predictions, residuals, pulls and goodness of fit for a data-versus-prediction view;
* :mod:`~cevns_core.likelihood.comparison` — :func:`data_fit`: the same per axis of each data
  set (projections), with totals, labelled nuisances and APV/PVES terms, for the dashboard;
* :mod:`~cevns_core.likelihood.published` — :func:`named_results`: our fits beside the
  published ones (COHERENT, CDG, PKK) with argued tolerances.
"""

from .analyses import SHARED_NUISANCES, DataSetLikelihood, likelihood_names
from .cells import CellDataSetLikelihood
from .comparison import (
    component_label,
    data_fit,
    experiment_likelihoods,
    likelihood_title,
    nuisance_label,
)
from .components import Component, Nuisance, ShapeEffect
from .fitting import fit_signal_count, profile_chi2
from .joint import Likelihood, as_likelihood
from .model import BinnedPoissonModel
from .overview import fit_overview
from .profiled import Profile2D, likelihood_neutron_radii, likelihood_sin2_theta_w_radius
from .published import named_results, published_results
from .tables import EnergyTimeData, energy_time_names, load_energy_time

__all__ = [
    "SHARED_NUISANCES",
    "BinnedPoissonModel",
    "CellDataSetLikelihood",
    "Component",
    "DataSetLikelihood",
    "EnergyTimeData",
    "Likelihood",
    "Nuisance",
    "Profile2D",
    "ShapeEffect",
    "as_likelihood",
    "component_label",
    "data_fit",
    "energy_time_names",
    "experiment_likelihoods",
    "fit_overview",
    "fit_signal_count",
    "likelihood_names",
    "likelihood_neutron_radii",
    "likelihood_sin2_theta_w_radius",
    "likelihood_title",
    "load_energy_time",
    "named_results",
    "nuisance_label",
    "profile_chi2",
    "published_results",
]
