"""Detector-response building blocks: efficiencies, energy resolutions, timing acceptance.

PHYSICS.md §6.4. The pieces are small :class:`param.Parameterized` models (their bounds and docs
drive the dashboard widgets) plus two vectorised kernels used by :class:`cevns_core.Detector`:

* :func:`bin_probabilities` — probability that a recoil with mean observable value μ_j is observed
  in bin i, [lo_i, hi_i), with the resolution and (observed-stage) efficiency applied;
* :func:`observed_density` — the smearing kernel K(x_i | μ_j) of a continuous observable.

Observables are in one of three units: ``"keVnr"``, ``"keVee"`` or ``"PE"`` (photo-electrons).

==========================  ===============================================================
:mod:`.efficiency`          ε(x): ``"constant"``, ``"functional"``, ``"logistic_step"``
                            (COHERENT CsI 2017), ``"csi_2021"`` (COHERENT CsI 2021); stage and
                            evaluation rules
:mod:`.tabulated_efficiency`  ``"tabulated"`` ε(x), the user CSV reader, the shipped tables
:mod:`.shipped_efficiency`  ``"shipped_table"``: a table of ``data/detectors/`` named by a preset
:mod:`.matrix`              :class:`ResponseMatrix` M(T, cell) from monoenergetic templates, the
                            fold N_c = ∫ dN/dT M(T, c) dT, shipped matrices
:mod:`.resolution`          ``"gaussian"``, ``"poisson"`` (PE counting), ``"gamma"`` (CsI 2021)
:mod:`.smearing`            :func:`bin_probabilities`, :func:`observed_density`,
                            :func:`node_cells`
:mod:`.timing`              :class:`TimingEfficiency`, :func:`timing_fraction`, time windows
:mod:`.registry`            :data:`EFFICIENCY_MODELS`, :data:`RESOLUTION_MODELS` and factories
==========================  ===============================================================
"""

from __future__ import annotations

from .base import OBSERVABLE_TITLES, OBSERVABLES
from .efficiency import (
    ConstantEfficiency,
    CsI2021Efficiency,
    EfficiencyModel,
    FunctionalEfficiency,
    LogisticStepEfficiency,
)
from .efficiency import _as_efficiency as _as_efficiency  # used by cevns_core.detector
from .matrix import ABOVE_POLICIES, ResponseMatrix, response_matrix, response_matrix_names
from .registry import EFFICIENCY_MODELS, RESOLUTION_MODELS, efficiency_model, resolution_model
from .resolution import GammaResolution, GaussianResolution, PoissonResolution, ResolutionModel
from .shipped_efficiency import ShippedEfficiency, shipped_efficiency_table
from .smearing import bin_probabilities, node_cells, observed_density
from .tabulated_efficiency import (
    MAX_EFFICIENCY_FILE_BYTES,
    MAX_EFFICIENCY_ROWS,
    TabulatedEfficiency,
    efficiency_table,
    read_efficiency_csv,
)
from .timing import TimingEfficiency, timing_fraction

__all__ = [
    "ABOVE_POLICIES",
    "EFFICIENCY_MODELS",
    "MAX_EFFICIENCY_FILE_BYTES",
    "MAX_EFFICIENCY_ROWS",
    "OBSERVABLES",
    "OBSERVABLE_TITLES",
    "RESOLUTION_MODELS",
    "ConstantEfficiency",
    "CsI2021Efficiency",
    "EfficiencyModel",
    "FunctionalEfficiency",
    "GammaResolution",
    "GaussianResolution",
    "LogisticStepEfficiency",
    "PoissonResolution",
    "ResolutionModel",
    "ResponseMatrix",
    "ShippedEfficiency",
    "TabulatedEfficiency",
    "TimingEfficiency",
    "bin_probabilities",
    "efficiency_model",
    "efficiency_table",
    "node_cells",
    "observed_density",
    "read_efficiency_csv",
    "resolution_model",
    "response_matrix",
    "response_matrix_names",
    "shipped_efficiency_table",
    "timing_fraction",
]
