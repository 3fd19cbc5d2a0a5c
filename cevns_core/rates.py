"""The event-rate engine: recoil spectra, flux-averaged cross sections and reusable kernels.

dN/dT = Σ_i N_t,i Σ_α ∫_{E_min(T)}^{E_max} dE Φ_α(E) dσ_α,i/dT(E, T)  (PHYSICS.md §6.1; Pandey
Eq. (50)), lines added as Φ_line dσ/dT(E_line, T) Θ(E_line − E_min(T)).

How it is fast (DESIGN §6). For every model the package has so far, dσ/dT factorises into
a polynomial in 1/E with T-dependent coefficients (:meth:`CrossSectionConfig.coefficients`),

    dσ/dT = c₀(T) + c₁(T)/E + c₂(T)/E²   for E ≥ E_min(T),

so the E-integral reduces to three flux moments per recoil energy and flavour,

    I_k(T) = ∫_{E_min(T)}^{E_max} Φ(E) E^{−k} dE + Σ_lines Φ_line E_line^{−k},  k = 0, 1, 2,

computed once with fixed Gauss–Legendre nodes split at the flux's kinks (a :class:`FluxKernel`)
and reused for any change of couplings, form factor or nuclear radius.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_array, as_float
from .cross_sections import CrossSectionConfig, MAX_RECOIL_keV
from .errors import CevnsError, DivergentCountsError
from .flavours import FLAVOURS
from .kinematics import E_min_MeV
from .materials import Material, material
from .nuclei import Isotope, isotope
from .sources.base import Continuum, Line, Source, gauss_legendre_segments
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


@dataclass(frozen=True)
class FluxKernel:
    """Flux moments I_0, I_1, I_2 (shape of ``T_keV``) of one flavour for a nucleus of mass M.

    Units: I_0 in cm⁻² (× s⁻¹ for a flux source), I_1 in cm⁻² MeV⁻¹, I_2 in cm⁻² MeV⁻².
    """

    T_keV: Array
    M_MeV: float
    flavour: str
    moments: tuple[Array, Array, Array]

    def integrate(self, c0: Array, c1: Array, c2: Array) -> Array:
        """∫ dE Φ dσ/dT for dσ/dT = c₀ + c₁/E + c₂/E² (:meth:`CrossSectionConfig.coefficients`).

        Returns the dσ-weighted fluence per target in keV⁻¹ (× s⁻¹ for a flux source).
        """
        I0, I1, I2 = self.moments
        per_MeV = c0 * I0 + c1 * I1 + c2 * I2
        # The bracket vanishes at E_min(T); clip the rounding residue of the cancellation.
        return np.clip(per_MeV, 0.0, None) * HBARC2_MeV2_cm2 * 1e-3


def flux_kernel(
    source: Source,
    M_MeV: float,
    T_keV: ArrayLike,
    flavour: str,
    physics: StandardModel | None = None,
) -> FluxKernel:
    """Compute the flux moments of one flavour of ``source`` at recoil energies ``T_keV``.

    Continua use Gauss–Legendre nodes between max(E_min(T), E_low) and the end point, split at
    the component's breakpoints; lines enter analytically. A ``physics`` model with neutrino
    oscillations (``survival_probability``) weights the flux by P(E, L) at the source distance.
    """
    T = as_array(T_keV, "T_keV", minimum=0.0)
    return _flux_kernel(source, source.components(), M_MeV, T, flavour, physics)


def _flux_kernel(
    source: Source,
    components: tuple[Any, ...],
    M_MeV: float,
    T: Array,
    flavour: str,
    physics: StandardModel | None,
    *,
    E_low: Array | None = None,
    segments: dict | None = None,
) -> FluxKernel:
    """:func:`flux_kernel` on the source's already computed ``components`` (validated T).

    ``E_low`` (E_min(T) for this M) and ``segments`` (a dict caching the quadrature nodes,
    weights and inverse powers per set of component edges) let the flavours of one nucleus
    share that work.
    """
    survival = physics.survival_probability if physics is not None else None
    distance = getattr(source, "distance_m", None)
    if E_low is None:
        E_low = E_min_MeV(T, M_MeV)
    if segments is None:
        segments = {}
    moments = [np.zeros_like(T) for _ in range(3)]
    for component in components:
        if component.flavour != flavour or not isinstance(component, Continuum):
            continue
        edges = component.edges()
        key = edges.tobytes()
        if key not in segments:
            segments[key] = _SegmentPlan.make(edges, E_low)
        plan = segments[key]
        # whole segments above E_min(T): T-independent, integrated once, summed as tails
        phi_full = plan.full_weights * component.density(plan.full_nodes)
        # the segment that contains E_min(T): its own nodes per T
        phi_part = plan.part_weights * component.density(plan.part_nodes)
        if survival is not None:
            p = survival(flavour, plan.full_nodes, distance)
            phi_full = phi_full if p is None else phi_full * p
            p = survival(flavour, plan.part_nodes, distance)
            phi_part = phi_part if p is None else phi_part * p
        for k in range(3):
            per_segment = (phi_full * plan.full_inverse[k]).sum(axis=-1)
            tails = np.append(np.cumsum(per_segment[::-1])[::-1], 0.0)
            partial = (phi_part * plan.part_inverse[k]).sum(axis=-1)
            moments[k] = moments[k] + partial + tails[plan.tail_index]
    for line in components:
        if line.flavour != flavour or not isinstance(line, Line):
            continue
        reached = line.energy_MeV >= E_low
        intensity = line.intensity
        if survival is not None:
            p = survival(flavour, np.asarray(line.energy_MeV), distance)
            intensity = intensity if p is None else intensity * float(p)
        for k in range(3):
            moments[k] = moments[k] + np.where(reached, intensity * line.energy_MeV**-k, 0.0)
    return FluxKernel(T, float(M_MeV), flavour, (moments[0], moments[1], moments[2]))


_X01, _W01 = gauss_legendre_segments(np.array([0.0, 1.0]), 0.0)  # the rule on [0, 1]


def _inverse_powers(nodes: Array) -> tuple[Array, Array, Array]:
    inverse = 1.0 / np.where(nodes > 0, nodes, np.inf)
    return np.ones_like(nodes), inverse, inverse * inverse


@dataclass(frozen=True)
class _SegmentPlan:
    """Gauss–Legendre nodes for ∫_{E_min(T)}^{e_S} dE over segments e_0 < e_1 < … < e_S.

    The segments wholly above E_min(T) are the same for every T: their nodes (``full_*``,
    shape (S, n)) are evaluated once and summed as tails from segment ``tail_index`` (one per T;
    S means none). Only the segment containing max(E_min, e_0) gets nodes per T (``part_*``,
    shape T + (n,), zero width when E_min ≥ e_S). The same nodes as
    :func:`~cevns_core.sources.base.gauss_legendre_segments` with ``lower = E_min`` (whose
    zero-width segments are simply left out), at a cost ∝ (T + S) instead of T × S.
    """

    full_nodes: Array
    full_weights: Array
    full_inverse: tuple[Array, Array, Array]
    part_nodes: Array
    part_weights: Array
    part_inverse: tuple[Array, Array, Array]
    tail_index: Array

    @classmethod
    def make(cls, edges: Array, E_low: Array) -> _SegmentPlan:
        S = edges.size - 1
        full_nodes, full_weights = gauss_legendre_segments(edges, edges[0])
        full_nodes = full_nodes.reshape(S, -1)
        full_weights = full_weights.reshape(S, -1)
        lo = np.maximum(E_low, edges[0])
        j = np.searchsorted(edges, lo, side="right") - 1  # segment of lo; S when lo ≥ e_S
        upper = edges[np.minimum(j + 1, S)]
        width = np.clip(upper - lo, 0.0, None)
        part_nodes = lo[..., None] + width[..., None] * _X01
        part_weights = width[..., None] * _W01
        return cls(
            full_nodes,
            full_weights,
            _inverse_powers(full_nodes),
            part_nodes,
            part_weights,
            _inverse_powers(part_nodes),
            np.minimum(j + 1, S),
        )


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
    T = as_array(T_keV, "T_keV", minimum=0.0, max_size=MAX_RECOIL_POINTS)
    if np.any(T > MAX_RECOIL_keV):  # 1e308 keV overflowed q² = 2MT + T²
        raise CevnsError(f"T_keV must be ≤ {MAX_RECOIL_keV:g} keV, got {T.max():g}")
    if T.ndim != 1:
        raise CevnsError(f"T_keV must be one-dimensional, got shape {T.shape}")
    nuclei = target_nuclei(target, mass_kg)
    # Everything that does not depend on the flavour is done once (DESIGN §6): the source's
    # components, the physics model, the validated settings, E_min(T), the quadrature nodes and
    # the form factors per nucleus, and the cross-section coefficients too when the physics
    # does not depend on the flavour (``needs_flavour`` is False).
    components = source.components()
    present = {c.flavour for c in components}
    flavours = [f for f in FLAVOURS if f in present]
    if physics is None:
        physics = StandardModel()
    shared_coefficients = not physics.needs_flavour
    T_MeV = T * 1e-3
    parts: dict[tuple[str, str], Array] = {}
    for name, count in nuclei.items():
        nucleus = isotope(name)
        if not flavours:
            continue
        M = nucleus.mass_MeV
        base = CrossSectionConfig.make(
            nucleus, physics, form_factor, {**options, "flavour": flavours[0]}
        )
        q_MeV = np.sqrt(2.0 * M * T_MeV + T_MeV**2)
        form_factors = base.form_factors(q_MeV)
        E_low = 0.5 * (T_MeV + q_MeV)  # E_min(T) = ½(T + √(T² + 2MT))
        segments: dict = {}
        coefficients = None
        for flavour in flavours:
            if coefficients is None or not shared_coefficients:
                config = replace(base, flavour=flavour)
                coefficients = config.coefficients(T_MeV, form_factors=form_factors)
            kernel = _flux_kernel(
                source, components, M, T, flavour, physics, E_low=E_low, segments=segments
            )
            parts[(name, flavour)] = count * kernel.integrate(*coefficients)
    unit = "events/keV" if source.normalisation == "fluence" else "events/keV/s"
    return RecoilSpectrum(T, parts, unit)


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


def _recoil_nodes(source: Source, detector: Any, M_MeV: float, recoil_edges: Array | None):
    """Quadrature nodes/weights in T covering everything the detector can see."""
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
    recoil_edges = None if detector.resolution is not None else detector.recoil_bin_edges(edges)
    for name, count in detector.targets().items():
        nucleus = isotope(name)
        T, w = _recoil_nodes(source, detector, nucleus.mass_MeV, recoil_edges)
        if T.size == 0:
            for flavour in source.flavours():
                parts[(name, flavour)] = np.zeros(edges.size - 1)
            continue
        R = detector.response_matrix(T, edges)
        spectrum = recoil_spectrum(source, {name: count}, T, physics, form_factor, **options)
        for key, values in spectrum.parts.items():
            parts[key] = exposure * (R @ (values * w))
    return BinnedCounts(edges, detector.observable, parts)
