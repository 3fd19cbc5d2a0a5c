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

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_array, as_float
from .caching import LRUCache, fingerprint
from .cross_sections import CrossSectionConfig, MAX_RECOIL_keV
from .errors import CevnsError, DivergentCountsError
from .flux_kernels import (
    FluxKernel,
    _flux_kernel,  # noqa: F401 (re-exported: tests and benchmarks import it from here)
    cached_moments,
    flux_kernel,
    source_components,
)
from .materials import Material, material
from .nuclei import Isotope, isotope
from .sources.base import Source, gauss_legendre_segments
from .units import HBARC2_MeV2_cm2
from .weak_charges import StandardModel

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

#: Largest number of recoil energies of one spectrum (the flux integral per point costs ~4 kB).
MAX_RECOIL_POINTS = 100_000
#: Largest number of observable bins of :func:`binned_counts` (its response matrix grows as the
#: square: 1000 bins take ~130 MB).
MAX_BINS = 1000
#: Largest detector mass (kg) and number of nuclei of a target, as the Detector's bounds.
MAX_MASS_kg = 1e9
MAX_NUCLEI = 1e40
#: Largest exposure factor of :func:`binned_counts` (a live time in s: 10⁶ days ≈ 8.6e10 s).
MAX_EXPOSURE = 1e12

Array = NDArray[np.float64]


def target_nuclei(target: str | Material | Mapping[str, float], mass_kg: float = 1.0) -> dict:
    """Numbers of target nuclei per isotope.

    Parameters
    ----------
    target : str, Material or mapping
        A material name/formula (natural composition), a :class:`Material`, or an explicit
        mapping isotope name → number of nuclei (then ``mass_kg`` is ignored).
    mass_kg : float
        Detector mass for a material.
    """
    if isinstance(target, Mapping):
        nuclei = {
            isotope(k).name: as_float(v, f"number of {k} nuclei", minimum=0.0, maximum=MAX_NUCLEI)
            for k, v in target.items()
        }
        if not nuclei:
            raise CevnsError("the target mapping is empty: give at least one isotope")
        return nuclei
    mass = as_float(mass_kg, "mass_kg", minimum=0.0, inclusive=False)
    if mass > MAX_MASS_kg:
        raise CevnsError(f"mass_kg must lie in (0, {MAX_MASS_kg:g}], got {mass:g}")
    mat = material(target)
    return {name: n * mass for name, n in mat.nuclei_per_kg_by_isotope().items()}


class Breakdown:
    """Sums of ``parts`` (a mapping (isotope, flavour) → array) over isotopes or flavours."""

    parts: dict[tuple[str, str], Array]

    @property
    def total(self) -> Array:
        """Sum over isotopes and flavours."""
        return np.sum(list(self.parts.values()), axis=0)

    def _sum_by(self, index: int) -> dict[str, Array]:
        out: dict[str, Array] = {}
        for key, values in self.parts.items():
            out[key[index]] = out.get(key[index], 0.0) + values
        return out

    def by_flavour(self) -> dict[str, Array]:
        """Sum over isotopes, per flavour."""
        return self._sum_by(1)

    def by_isotope(self) -> dict[str, Array]:
        """Sum over flavours, per isotope."""
        return self._sum_by(0)


@dataclass
class RecoilSpectrum(Breakdown):
    """dN/dT (nuclear recoil, keV⁻¹) broken down per (isotope, flavour).

    ``unit`` is ``"events/keV"`` for a fluence source and ``"events/keV/s"`` for a flux source.
    """

    T_keV: Array
    parts: dict[tuple[str, str], Array]
    unit: str
    extras: dict[str, Any] = field(default_factory=dict)


def _check_models(source: Any, physics: Any, detector: Any = False) -> None:
    """Refuse a source, physics model or detector of the wrong type (before it is used)."""
    from .detector import Detector

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
    from .arrival import arrival_kernels

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
    from .kinematics import T_max_keV

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
    from .cross_sections import total_cross_section

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


@dataclass
class BinnedCounts(Breakdown):
    """Expected counts per observable bin, per (isotope, flavour).

    ``bin_edges`` are in ``unit`` (the detector's observable); ``parts`` map (isotope, flavour)
    to an array of counts per bin (events over the exposure).
    """

    bin_edges: Array
    unit: str
    parts: dict[tuple[str, str], Array]


_SMEARED_SEGMENTS = 24
_COUNT_NODES = 16


#: Recoil quadrature nodes per (source, nucleus mass, recoil bin edges).
_NODES = LRUCache("recoil nodes", max_entries=256, max_bytes=8 * 2**20)


def _recoil_nodes(
    source: Source,
    detector: Any,
    M_MeV: float,
    recoil_edges: Array | None,
    *,
    source_key: Any = None,
):
    """Quadrature nodes/weights in T covering everything the detector can see (read-only, kept
    per value of the source, the nucleus mass and the recoil edges)."""
    if source_key is None:
        source_key = fingerprint(source)
    key = (source_key, float(M_MeV), fingerprint(recoil_edges))
    return _NODES.get(key, lambda: _compute_recoil_nodes(source, M_MeV, recoil_edges))


def _compute_recoil_nodes(source: Source, M_MeV: float, recoil_edges: Array | None):
    from .kinematics import T_max_keV

    T_top = float(T_max_keV(source.E_max_MeV, M_MeV))
    if recoil_edges is None:  # smeared: the whole kinematic range, finely segmented
        edges = np.linspace(0.0, T_top, _SMEARED_SEGMENTS + 1)
    else:
        edges = np.clip(recoil_edges, 0.0, T_top)
    kinks = [line.energy_MeV for line in source.lines()]
    for c in source.continua():
        kinks.extend(c.edges().tolist())
    T_kinks = np.asarray(T_max_keV(np.array(kinks), M_MeV)) if kinks else np.zeros(0)
    edges = np.unique(
        np.concatenate([edges, T_kinks[(T_kinks > edges[0]) & (T_kinks < edges[-1])]])
    )
    if edges.size < 2:
        return np.zeros(0), np.zeros(0)
    nodes, weights = gauss_legendre_segments(edges, edges[0], _COUNT_NODES)
    keep = weights > 0
    return nodes[keep], weights[keep]


#: A recoil energy (keVnr) that stands for T → 0 in the divergence check (1 meV).
_VANISHING_RECOIL_keV = 1e-9


def _check_finite_count(physics: Any, source: Source, detector: Any, edges: Array) -> None:
    """Refuse a count that is infinite: dσ/dT ∝ 1/T or 1/T² and a detector that counts recoils
    of vanishing energy (no threshold, efficiency or resolution cut at T → 0). A quadrature
    would return a finite number that depends on its nodes."""
    _check_models(source, physics)
    if physics is None:
        return
    reasons = [physics.zero_recoil_divergence(f) for f in source.flavours()]
    reason = next((r for r in reasons if r is not None), None)
    if reason is None:
        return
    counted = detector.response_matrix(np.array([_VANISHING_RECOIL_keV]), edges).sum()
    if counted > 0:
        raise DivergentCountsError(
            f"with {reason} the number of recoils down to T = 0 is infinite, and this detector "
            "counts recoils of vanishing energy: it needs a threshold above 0"
        )


def binned_counts(
    source: Source,
    detector: Any,
    bin_edges: ArrayLike,
    physics: StandardModel | None = None,
    form_factor: Any = "helm",
    *,
    exposure: float = 1.0,
    **options: Any,
) -> BinnedCounts:
    """Expected counts in bins of the detector's observable (keVnr, keVee or PE).

    counts_i = exposure × Σ_j R_ij dN/dT(T_j) w_j with the detector's response matrix R
    (quenching, smearing, efficiency, threshold window) and Gauss–Legendre nodes T_j: inside
    each bin's recoil interval without smearing (exact), over the whole kinematic range with it.

    Parameters
    ----------
    source : Source
    detector : Detector
        Target, mass and response.
    bin_edges : array_like
        Observable bin edges (strictly increasing; integers for PE counting), at most
        ``MAX_BINS`` (1000) bins.
    exposure : float
        Multiplies the result: 1 for a fluence source, the live time in seconds for a flux
        (in [0, 1e12]).
    """
    _check_models(source, physics, detector)
    exposure = as_float(exposure, "exposure", minimum=0.0, maximum=MAX_EXPOSURE)
    edges = as_array(bin_edges, "bin_edges", max_size=MAX_BINS + 1)
    _check_finite_count(physics, source, detector, edges)
    parts: dict[tuple[str, str], Array] = {}
    smeared = detector.resolution is not None
    recoil_edges = None if smeared else detector._cached_recoil_bin_edges(edges)
    keys = _call_keys(source, physics, form_factor, options)
    for name, count in detector.targets().items():
        nucleus = isotope(name)
        T, w = _recoil_nodes(source, detector, nucleus.mass_MeV, recoil_edges, source_key=keys[0])
        if T.size == 0:
            for flavour in source.flavours():
                parts[(name, flavour)] = np.zeros(edges.size - 1)
            continue
        flavours, blocks = spectrum_blocks(
            source, {name: count}, T, physics, form_factor, options, keys=keys
        )
        if name not in blocks:
            continue
        weighted = blocks[name] * w  # dN/dT × quadrature weight, every flavour at once
        if recoil_edges is not None:
            # no smearing: each node lands in one bin, a bincount instead of a dense R @ v
            index, weight = detector.bin_assignment(T, edges)
            keep = index >= 0
            per_bin = exposure * np.array(
                [
                    np.bincount(index[keep], weights=row[keep], minlength=edges.size - 1)
                    for row in weighted * weight
                ]
            )
        else:
            # the response and the flux moments are kept between calls (they do not depend on
            # the physics): an update of the physics recomputes only the cross sections
            R = detector._cached_response_matrix(T, edges)
            per_bin = exposure * (weighted @ R.T)  # R @ (dN/dT w) for every flavour
        for j, flavour in enumerate(flavours):
            parts[(name, flavour)] = per_bin[j]
    return BinnedCounts(edges, detector.observable, parts)
