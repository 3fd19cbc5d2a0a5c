"""The flux of a flavour split by the flavour it arrives as (oscillations with appearance).

Where the cross section depends on the flavour (ν–e scattering; CEvNS with flavour-dependent
couplings, NSI, moments, radii), a neutrino produced as ν_α that arrives as ν_β scatters with
σ_β: ∫Φ_α Σ_β P(ν_α → ν_β) σ_β dE. :func:`arrival_kernels` gives the flux moments of each term
(:func:`cevns_core.rates.flux_kernel` weighted by P(ν_α → ν_β) of the physics object), used by
the CEvNS rate engine (:func:`cevns_core.rates.recoil_spectrum`) and the electron-recoil spectra.
"""

from __future__ import annotations

from typing import Any

from numpy.typing import ArrayLike, NDArray

from ._validation import as_array
from .rates import FluxKernel, _flux_kernel
from .sources.base import Source
from .weak_charges import StandardModel

__all__ = ["arrival_kernels"]

Array = NDArray[Any]


class _Transition:
    """Stand-in physics for :func:`_flux_kernel`: weights the flux of ν_α by P(ν_α → ν_β)."""

    def __init__(self, physics: Any, final: str) -> None:
        self.physics, self.final = physics, final

    def survival_probability(
        self, flavour: str, E_MeV: Array, distance_m: float | None, spread_m: float = 0.0
    ) -> Array | None:
        return self.physics.transition_probability(flavour, self.final, E_MeV, distance_m, spread_m)


def arrival_kernels(
    source: Source,
    M_MeV: float,
    T_keV: ArrayLike,
    flavour: str,
    physics: StandardModel | None = None,
    *,
    _components: tuple[Any, ...] | None = None,
    _E_low: Array | None = None,
    _segments: dict | None = None,
) -> list[tuple[str, FluxKernel]]:
    """Flux moments of the source's ν_α split by the flavour it arrives as.

    ``[(α, kernel)]`` weighted by P(ν_α → active) when the physics changes no flavour in flight;
    otherwise ``[(α, P(ν_α → ν_α)), (β, P(ν_α → ν_β)) ...]`` over
    ``physics.appeared_flavours(α)`` (sterile 3+1 appearance), for a cross section that depends
    on the flavour: ∫Φ_α Σ_β P_αβ σ_β = Σ_β kernel_β.integrate(coefficients of β).
    """
    T = as_array(T_keV, "T_keV", minimum=0.0)
    components = source.components() if _components is None else _components
    finals = physics.appeared_flavours(flavour) if physics is not None else ()
    common = {"E_low": _E_low, "segments": _segments}
    if not finals:
        return [(flavour, _flux_kernel(source, components, M_MeV, T, flavour, physics, **common))]
    return [
        (
            final,
            _flux_kernel(
                source, components, M_MeV, T, flavour, _Transition(physics, final), **common
            ),
        )
        for final in (flavour, *finals)
    ]
