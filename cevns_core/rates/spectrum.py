"""Recoil spectra dN/dT from the flux moments and the cross-section coefficients (PHYSICS.md
§6.1), the recoil quadrature, and flux-averaged cross sections.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array
from ..caching import LRUCache, fingerprint
from ..cross_sections import CrossSectionConfig, MAX_RECOIL_keV
from ..errors import CevnsError
from ..flux_kernels import (
    _flux_kernel,  # noqa: F401 (re-exported: tests and benchmarks import it from here)
    cached_moments,
    source_components,
)
from ..materials import Material
from ..nuclei import Isotope, isotope
from ..sources.base import Source, gauss_legendre_segments
from ..units import HBARC2_MeV2_cm2
from ..weak_charges import StandardModel
from .results import MAX_RECOIL_POINTS, RecoilSpectrum, target_nuclei

__all__ = ["flux_averaged_cross_section", "recoil_quadrature", "recoil_spectrum"]

Array = NDArray[np.float64]


def _check_models(source: Any, physics: Any, detector: Any = False) -> None:
    """Refuse a source, physics model or detector of the wrong type (before it is used)."""
    from ..detector import Detector

    if not isinstance(source, Source):
        raise CevnsError(f"source must be a Source model, got {type(source).__name__}")
    if physics is not None and not isinstance(physics, StandardModel):
        raise CevnsError(
            "physics must be a StandardModel/NewPhysics model or None, "
            f"got {type(physics).__name__}"
        )
    if detector is not False and not isinstance(detector, Detector):
        raise CevnsError(f"detector must be a Detector, got {type(detector).__name__}")


def recoil_spectrum(
    source: Source,
    target: str | Material | Mapping[str, float],
    T_keV: ArrayLike,
    physics: StandardModel | None = None,
    form_factor: Any = "helm",
    *,
    mass_kg: float = 1.0,
    **options: Any,
) -> RecoilSpectrum:
    """Nuclear-recoil spectrum dN/dT per isotope and flavour (PHYSICS §6.1).

    Parameters
    ----------
    source : Source
        Neutrino source (fluence → events/keV, flux → events/keV/s).
    target : str, Material or mapping
        Material with ``mass_kg`` or explicit numbers of nuclei per isotope (see
        :func:`target_nuclei`).
    T_keV : array_like
        Recoil energies (keV ≥ 0), 1-D.
    physics, form_factor, **options
        As for :func:`cevns_core.differential_cross_section`.

    Returns
    -------
    RecoilSpectrum
    """
    _check_models(source, physics)
    T = check_recoils(T_keV)
    nuclei = target_nuclei(target, mass_kg)
    parts = spectrum_parts(source, nuclei, T, physics, form_factor, options)
    unit = "events/keV" if source.normalisation == "fluence" else "events/keV/s"
    return RecoilSpectrum(T, parts, unit)


def check_recoils(T_keV: ArrayLike) -> Array:
    """Recoil energies of a spectrum as a checked 1-D float array (keV, 0 ≤ T ≤ 10⁹)."""
    T = as_array(T_keV, "T_keV", minimum=0.0, max_size=MAX_RECOIL_POINTS)
    if T.size and T.max() > MAX_RECOIL_keV:  # 1e308 keV overflowed q² = 2MT + T²
        raise CevnsError(f"T_keV must be ≤ {MAX_RECOIL_keV:g} keV, got {T.max():g}")
    if T.ndim != 1:
        raise CevnsError(f"T_keV must be one-dimensional, got shape {T.shape}")
    return T


#: Cross-section coefficients per (nucleus, physics, nuclear model, options, flavours, recoil grid).
_COEFFICIENTS = LRUCache("cross-section coefficients", max_entries=512, max_bytes=32 * 2**20)


#: (F_p, F_n) per (nucleus, nuclear model, options, recoil grid).
_FORM_FACTORS = LRUCache("form factors", max_entries=256, max_bytes=16 * 2**20)


def spectrum_parts(
    source: Source,
    nuclei: Mapping[str, float],
    T: Array,
    physics: StandardModel | None,
    form_factor: Any,
    options: Mapping[str, Any],
) -> dict[tuple[str, str], Array]:
    """dN/dT per (isotope, flavour) at validated recoils ``T`` (keV, 1-D) for validated numbers
    of nuclei (:func:`target_nuclei`); the work of :func:`recoil_spectrum`."""
    flavours, blocks = spectrum_blocks(source, nuclei, T, physics, form_factor, options)
    return {
        (name, flavour): block[j]
        for name, block in blocks.items()
        for j, flavour in enumerate(flavours)
    }


def spectrum_blocks(
    source: Source,
    nuclei: Mapping[str, float],
    T: Array,
    physics: StandardModel | None,
    form_factor: Any,
    options: Mapping[str, Any],
    *,
    keys: tuple[Any, Any, Any, Any] | None = None,
) -> tuple[tuple[str, ...], dict[str, Array]]:
    """The source's flavours and, per isotope, dN/dT of every flavour as one array of shape
    (len(flavours), len(T)) (see :func:`spectrum_parts`).

    Everything that does not depend on the flavour is done once (DESIGN §6): the source's
    components, the validated settings, E_min(T), the quadrature nodes and the form factors per
    nucleus, and the cross-section coefficients too when the physics does not depend on the
    flavour. The flux moments (:func:`~cevns_core.flux_kernels.cached_moments`) and the
    coefficients are kept per value of what determines them, so a call that changes only the
    physics recomputes only the coefficients, and a repeated call only the sums. ``keys`` are
    the fingerprints of (source, physics, form factor, options) when the caller has them.
    """
    flavours, kernels = spectrum_kernels(source, nuclei, T, physics, form_factor, options, keys)
    if isinstance(kernels, dict):  # flavours appearing in flight: computed directly
        return flavours, kernels
    return flavours, {name: combine_kernel(*kernel) for name, kernel in kernels}


def spectrum_kernels(
    source: Source,
    nuclei: Mapping[str, float],
    T: Array,
    physics: StandardModel | None,
    form_factor: Any,
    options: Mapping[str, Any],
    keys: tuple[Any, Any, Any, Any] | None = None,
) -> tuple[tuple[str, ...], Any]:
    """The kernels of :func:`spectrum_blocks`: the flavours and, per isotope, ``(name,
    (count, coefficients, moments))`` — the cross-section coefficients and flux moments found
    in (or added to) their value-keyed caches; :func:`combine_kernel` makes dN/dT of them.
    With flavours appearing in flight (sterile 3+1) the blocks themselves, as a dict."""
    if keys is None:
        keys = _call_keys(source, physics, form_factor, options)
    source_key, physics_key, form_factor_key, options_key = keys
    components, flavours = source_components(source, source_key)
    if not flavours:
        return flavours, []
    T_key = fingerprint(T)
    nuclear_key = (form_factor_key, options_key, T_key)
    settings_key = (physics_key, flavours, nuclear_key)
    T_MeV = T * 1e-3
    if (
        physics is not None
        and physics.needs_flavour
        and any(physics.appeared_flavours(f) for f in flavours)
    ):
        return flavours, _appearance_blocks(
            source, components, flavours, nuclei, T, physics, form_factor, options
        )
    kernels = []
    for name, count in nuclei.items():
        nucleus = isotope(name)
        coefficients = _COEFFICIENTS.get(
            (nucleus.name, settings_key),
            lambda nucleus=nucleus: _coefficients(
                nucleus, physics, form_factor, options, flavours, T_MeV, nuclear_key
            ),
        )
        moments = cached_moments(
            source,
            source_key,
            components,
            flavours,
            nucleus.mass_MeV,
            T,
            T_key,
            physics,
            physics_key,
        )
        kernels.append((name, (count, coefficients, moments)))
    return flavours, kernels


def combine_kernel(count: float, coefficients: Array, moments: Array) -> Array:
    """dN/dT per flavour (len(flavours), len(T)) of one isotope from its kernels."""
    # Σ_k c_k I_k for every flavour at once (the order of FluxKernel.integrate)
    rates = (coefficients * moments).sum(axis=0)
    # The bracket vanishes at E_min(T); clip the rounding residue of the cancellation.
    np.maximum(rates, 0.0, out=rates)
    rates *= HBARC2_MeV2_cm2
    rates *= 1e-3
    rates *= count
    return rates


def _appearance_blocks(
    source: Source,
    components: tuple[Any, ...],
    flavours: tuple[str, ...],
    nuclei: Mapping[str, float],
    T: Array,
    physics: StandardModel,
    form_factor: Any,
    options: Mapping[str, Any],
) -> dict[str, Array]:
    """:func:`spectrum_blocks` when flavours appear in flight (sterile 3+1) and the cross
    section depends on the flavour: a ν_α arriving as ν_β scatters with σ_β, so dN_α/dT =
    Σ_β ∫Φ_α P(ν_α → ν_β) dσ_β/dT (:func:`cevns_core.arrival.arrival_kernels`). Not cached:
    the flux moments depend on the appearance probabilities of this physics."""
    from ..arrival import arrival_kernels

    T_MeV = T * 1e-3
    blocks: dict[str, Array] = {}
    for name, count in nuclei.items():
        nucleus = isotope(name)
        M = nucleus.mass_MeV
        base = CrossSectionConfig.make(
            nucleus, physics, form_factor, {**options, "flavour": flavours[0]}
        )
        q_MeV = np.sqrt(2.0 * M * T_MeV + T_MeV**2)
        form_factors = base.form_factors(q_MeV)
        E_low = 0.5 * (T_MeV + q_MeV)  # E_min(T)
        segments: dict = {}
        rows = []
        for flavour in flavours:
            total = np.zeros_like(T)
            for final, kernel in arrival_kernels(
                source,
                M,
                T,
                flavour,
                physics,
                _components=components,
                _E_low=E_low,
                _segments=segments,
            ):
                config = replace(base, flavour=final)
                total = total + kernel.integrate(
                    *config.coefficients(T_MeV, form_factors=form_factors)
                )
            rows.append(count * total)
        blocks[name] = np.array(rows)
    return blocks


def _call_keys(source: Source, physics: Any, form_factor: Any, options: Any) -> tuple:
    return fingerprint(source), fingerprint(physics), fingerprint(form_factor), fingerprint(options)


def _coefficients(
    nucleus: Isotope,
    physics: StandardModel | None,
    form_factor: Any,
    options: Mapping[str, Any],
    flavours: tuple[str, ...],
    T_MeV: Array,
    nuclear_key: Any,
) -> Array:
    """(c₀, c₁, c₂) of dσ/dT per flavour, shape (3, len(flavours), len(T)); (3, 1, len(T))
    when the physics is flavour-blind (one set shared by every flavour). The form factors do
    not depend on the physics: they are kept per (nucleus, nuclear model, options, recoils)
    value (``nuclear_key``), so a change of the physics does not evaluate them again."""
    if physics is None:
        physics = StandardModel()
    M = nucleus.mass_MeV
    base = CrossSectionConfig.make(
        nucleus, physics, form_factor, {**options, "flavour": flavours[0]}
    )
    q_MeV = np.sqrt(2.0 * M * T_MeV + T_MeV**2)
    form_factors = _FORM_FACTORS.get(
        (nucleus.name, nuclear_key), lambda: tuple(np.array(F) for F in base.form_factors(q_MeV))
    )
    chosen = flavours if physics.needs_flavour else flavours[:1]
    sets = [replace(base, flavour=f).coefficients(T_MeV, form_factors=form_factors) for f in chosen]
    out = np.empty((3, len(chosen), T_MeV.size))
    for j, c in enumerate(sets):
        for k in range(3):
            out[k, j] = c[k]
    return out


def recoil_quadrature(
    source: Source, M_MeV: float, T_lo_keV: float, T_hi_keV: float | None = None, n_nodes: int = 64
) -> tuple[Array, Array]:
    """Gauss–Legendre nodes and weights in T (keV) for integrals of dN/dT.

    The range [T_lo, min(T_hi, T_max(E_max))] is split where dN/dT has kinks: at T_max of every
    line and flux breakpoint.
    """
    from ..kinematics import T_max_keV

    T_top = float(T_max_keV(source.E_max_MeV, M_MeV))
    hi = T_top if T_hi_keV is None else min(float(T_hi_keV), T_top)
    if T_lo_keV >= hi:
        return np.zeros(0), np.zeros(0)
    kinks = [line.energy_MeV for line in source.lines()]
    for c in source.continua():
        kinks.extend(c.edges().tolist())
    T_kinks = T_max_keV(np.array(kinks), M_MeV) if kinks else np.zeros(0)
    edges = np.unique(
        np.concatenate([[T_lo_keV, hi], T_kinks[(T_kinks > T_lo_keV) & (T_kinks < hi)]])
    )
    nodes, weights = gauss_legendre_segments(edges, edges[0], n_nodes)
    keep = weights > 0
    return nodes[keep], weights[keep]


def flux_averaged_cross_section(
    source: Source,
    target: str | Material | Isotope,
    physics: StandardModel | None = None,
    form_factor: Any = "helm",
    *,
    flavour: str | None = None,
    **options: Any,
) -> float:
    """Flux-averaged CEvNS cross section ⟨σ⟩ = ∫Φσ dE / ∫Φ dE in cm² per nucleus.

    For a material the result is averaged over its nuclei (weighted by their numbers); for an
    isotope name it is that nucleus'. ``flavour`` restricts the average to one flavour.
    """
    from ..cross_sections import total_cross_section

    _check_models(source, physics)
    if isinstance(target, Isotope) or (isinstance(target, str) and _is_isotope(target)):
        weights = {isotope(target).name: 1.0}
    else:
        weights = target_nuclei(target, 1.0)
    flavours = [flavour] if flavour is not None else list(source.flavours())
    norm = sum(source.integrated(f) for f in flavours)
    if norm <= 0:
        raise CevnsError(f"the source has no flux of flavour {flavour!r}")
    n_total = sum(weights.values())
    average = 0.0
    for name, count in weights.items():
        for f in flavours:
            opts = {**options, "flavour": f}
            for c in source.continua(f):
                nodes, w = gauss_legendre_segments(c.edges(), c.E_min_MeV)
                sigma = total_cross_section(
                    np.clip(nodes, 1e-9, None), name, physics, form_factor, **opts
                )
                average += count * float(np.sum(w * c.density(nodes) * sigma))
            for line in source.lines(f):
                sigma = total_cross_section(line.energy_MeV, name, physics, form_factor, **opts)
                average += count * line.intensity * float(sigma)
    return average / (norm * n_total)


def _is_isotope(name: str) -> bool:
    try:
        isotope(name)
    except CevnsError:
        return False
    return True
