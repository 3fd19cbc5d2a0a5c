"""Flux kernels: the E-integral of the rate engine as three flux moments per recoil energy.

For every model of the package dσ/dT = c₀(T) + c₁(T)/E + c₂(T)/E² for E ≥ E_min(T)
(:meth:`~cevns_core.cross_sections.CrossSectionConfig.coefficients`), so

    ∫_{E_min(T)}^{E_max} dE Φ(E) dσ/dT = c₀ I₀ + c₁ I₁ + c₂ I₂,
    I_k(T) = ∫_{E_min(T)}^{E_max} Φ(E) E^{−k} dE + Σ_lines Φ_line E_line^{−k}

(PHYSICS.md §6.1; DESIGN §6). :func:`flux_kernel` computes I₀, I₁, I₂ of one flavour with fixed
Gauss–Legendre nodes split at the flux's kinks; :func:`cached_moments` keeps them per (source,
nucleus, recoil grid) so that a change of couplings, form factor or detector reuses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_array
from .caching import LRUCache, fingerprint
from .kinematics import E_min_MeV
from .sources.base import Continuum, Line, Source, gauss_legendre_segments
from .units import HBARC2_MeV2_cm2
from .weak_charges import StandardModel

__all__ = [
    "FluxKernel",
    "cached_moments",
    "flux_kernel",
    "integrate_moments",
    "oscillation_key",
    "source_components",
]

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
        return integrate_moments(self.moments, c0, c1, c2)


def integrate_moments(
    moments: tuple[Array, Array, Array], c0: Array, c1: Array, c2: Array
) -> Array:
    """c₀ I₀ + c₁ I₁ + c₂ I₂ in keV⁻¹ per target (:meth:`FluxKernel.integrate`)."""
    I0, I1, I2 = moments
    per_MeV = c0 * I0 + c1 * I1 + c2 * I2
    # The bracket vanishes at E_min(T); clip the rounding residue of the cancellation.
    return np.maximum(per_MeV, 0.0, out=per_MeV) * HBARC2_MeV2_cm2 * 1e-3


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
    oscillations (``survival_probability``) weights the flux by P(E, L) at the source distance
    (averaged over the source's ``distance_spread_m``, if it has one).
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
    survival = None
    if physics is not None:
        distance = getattr(source, "distance_m", None)
        spread = float(getattr(source, "distance_spread_m", 0.0) or 0.0)

        def survival(flavour: str, E: Array, physics: Any = physics) -> Any:
            # the spread only when there is one: stand-in physics objects may not take it
            if spread:
                return physics.survival_probability(flavour, E, distance, spread_m=spread)
            return physics.survival_probability(flavour, E, distance)

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
            p = survival(flavour, plan.full_nodes)
            phi_full = phi_full if p is None else phi_full * p
            p = survival(flavour, plan.part_nodes)
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
            p = survival(flavour, np.asarray(line.energy_MeV))
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


# ------------------------------------------------------------------------------- cached kernels
#: Flux moments per (source, nucleus mass, recoil grid, oscillation): 3 × n_T floats per flavour.
_MOMENTS = LRUCache("flux moments", max_entries=512, max_bytes=32 * 2**20)
#: Flavours present per source value.
_FLAVOURS = LRUCache("source flavours", max_entries=64)


def source_components(source: Source, key: Any = None) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """The source's components and its flavours (standard order), kept per value of the source.

    ``key`` is the source's :func:`~cevns_core.caching.fingerprint` when the caller has it.
    """
    components = source._components()
    flavours = _FLAVOURS.get(fingerprint(source) if key is None else key, source.flavours)
    return components, flavours


def oscillation_key(
    physics: StandardModel | None, source: Source, flavours: tuple[str, ...], key: Any
) -> Any:
    """What of ``physics`` the flux moments depend on: None when it has no oscillation for any
    of ``flavours`` (``survival_probability`` returns None, which means identically 1), else
    ``key`` (the physics' fingerprint)."""
    if physics is None:
        return None
    if type(physics).survival_probability is StandardModel.survival_probability:
        return None
    distance = getattr(source, "distance_m", None)
    probe = np.ones(1)
    if all(physics.survival_probability(f, probe, distance) is None for f in flavours):
        return None
    return key


def cached_moments(
    source: Source,
    source_key: Any,
    components: tuple[Any, ...],
    flavours: tuple[str, ...],
    M_MeV: float,
    T: Array,
    T_key: Any,
    physics: StandardModel | None,
    physics_key: Any,
) -> Array:
    """Flux moments at validated recoils T (keV) as one read-only array of shape
    (3, len(flavours), len(T)): I_k of flavour j in ``[k, j]``. Kept per (source, M, T,
    oscillation) value (:func:`oscillation_key`). The flavours share E_min(T) and the quadrature
    plans, as in :func:`flux_kernel` called for each in turn."""
    oscillation = oscillation_key(physics, source, flavours, physics_key)

    def compute() -> Array:
        T_MeV = T * 1e-3
        E_low = 0.5 * (T_MeV + np.sqrt(2.0 * M_MeV * T_MeV + T_MeV**2))  # E_min(T)
        segments: dict = {}
        moments = [
            _flux_kernel(
                source, components, M_MeV, T, f, physics, E_low=E_low, segments=segments
            ).moments
            for f in flavours
        ]
        return np.array([[m[k] for m in moments] for k in range(3)], dtype=float)

    return _MOMENTS.get((source_key, float(M_MeV), T_key, flavours, oscillation), compute)
