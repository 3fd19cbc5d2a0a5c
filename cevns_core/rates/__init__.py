"""The event-rate engine: recoil spectra, flux-averaged cross sections and reusable kernels.

dN/dT = Σ_i N_t,i Σ_α ∫_{E_min(T)}^{E_max} dE Φ_α(E) dσ_α,i/dT(E, T)  (PHYSICS.md §6.1; Pandey
Eq. (50)), lines added as Φ_line dσ/dT(E_line, T) Θ(E_line − E_min(T)).

How it is fast (DESIGN §6). For every model the package has so far, dσ/dT factorises into
a polynomial in 1/E with T-dependent coefficients (:meth:`CrossSectionConfig.coefficients`),

    dσ/dT = c₀(T) + c₁(T)/E + c₂(T)/E²   for E ≥ E_min(T),

so the E-integral reduces to three flux moments per recoil energy and flavour,

    I_k(T) = ∫_{E_min(T)}^{E_max} Φ(E) E^{−k} dE + Σ_lines Φ_line E_line^{−k},  k = 0, 1, 2,

computed once with fixed Gauss–Legendre nodes split at the flux's kinks (a :class:`FluxKernel`,
:mod:`cevns_core.flux_kernels`) and reused for any change of couplings, form factor or nuclear
radius. The moments, the form factors, the coefficients, the recoil nodes and the detector's
response are kept between calls per value of what determines them (:mod:`cevns_core.caching`).
"""

# used by other core modules, tests and benchmarks (the names of the single-module engine)
from ..flux_kernels import FluxKernel, flux_kernel
from ..flux_kernels import _flux_kernel as _flux_kernel
from .binned import _check_finite_count as _check_finite_count
from .binned import _compute_recoil_nodes as _compute_recoil_nodes
from .binned import _recoil_nodes as _recoil_nodes
from .binned import binned_counts
from .results import MAX_BINS as MAX_BINS
from .results import MAX_EXPOSURE as MAX_EXPOSURE
from .results import MAX_NUCLEI as MAX_NUCLEI
from .results import MAX_RECOIL_POINTS as MAX_RECOIL_POINTS
from .results import BinnedCounts, Breakdown, RecoilSpectrum, target_nuclei
from .results import MAX_MASS_kg as MAX_MASS_kg
from .spectrum import flux_averaged_cross_section, recoil_quadrature, recoil_spectrum
from .spectrum import spectrum_blocks as spectrum_blocks
from .spectrum import spectrum_parts as spectrum_parts

__all__ = [
    "BinnedCounts",
    "Breakdown",
    "FluxKernel",
    "RecoilSpectrum",
    "binned_counts",
    "flux_averaged_cross_section",
    "flux_kernel",
    "recoil_quadrature",
    "recoil_spectrum",
    "target_nuclei",
]
