"""The naive references of the benchmarks: per-point ``scipy.integrate.quad`` over neutrino energy.

Same physics as the rate engine (the same :class:`~cevns_core.cross_sections.CrossSectionConfig`:
form factor, couplings, new physics, and the source's own spectral components), textbook route:
for every recoil energy T, isotope and flavour, ∫_{E_min(T)}^{E_max} Φ(E) dσ/dT(E, T) dE by
adaptive quadrature, one ``quad`` per continuum split at its breakpoints, lines added
analytically (:func:`naive_dNdT`). Two integrands:

``"textbook"`` (the reference of the targets)
    Φ(E) · dσ/dT(E, T) with the library's cross section evaluated at every quadrature point
    (``CrossSectionConfig.dsigma_dT_MeV``, the unvalidated internal function: no argument
    checks per call).
``"factorised"`` (a conservative second reference)
    The coefficients of dσ/dT = c₀(T) + c₁(T)/E + c₂(T)/E² computed once per T, so the
    integrand is Φ(E) times a polynomial in 1/E with plain floats: this already uses the rate
    engine's factorisation (DESIGN §6) and only leaves the per-point adaptive quadrature.

And the other end, :func:`bare_numpy_floor`: the π-DAR flux integral of the CsI spectrum
benchmark as one numpy expression, the arithmetic no implementation can skip.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import integrate

from cevns_core.cross_sections import CrossSectionConfig
from cevns_core.kinematics import E_min_MeV
from cevns_core.nuclei import isotope
from cevns_core.sources.base import Continuum, Line, Source
from cevns_core.sources.pion_dar import MICHEL_E_MAX_MeV
from cevns_core.units import HBARC2_MeV2_cm2, M_MU_MeV

__all__ = ["bare_numpy_floor", "naive_dNdT"]


def _quad_rate(components, c0, c1, c2, E_low, survival, flavour, distance, dsigma=None) -> float:
    """∫ Φ dσ/dT dE at one T; ``dsigma(E)`` (MeV⁻³) replaces c₀ + c₁/E + c₂/E² when given."""
    rate = 0.0
    for comp in components:
        if isinstance(comp, Line):
            if comp.energy_MeV >= E_low:
                E = comp.energy_MeV
                p = 1.0
                if survival is not None:
                    value = survival(flavour, np.asarray(E), distance)
                    p = 1.0 if value is None else float(value)
                sigma = dsigma(E) if dsigma is not None else c0 + c1 / E + c2 / (E * E)
                rate += p * comp.intensity * sigma
            continue
        lo = max(E_low, comp.E_min_MeV)
        if lo >= comp.E_max_MeV:
            continue

        def integrand(E: float, comp: Continuum = comp) -> float:
            p = 1.0
            if survival is not None:
                value = survival(flavour, np.asarray(E), distance)
                p = 1.0 if value is None else float(value)
            if dsigma is not None:
                return p * float(comp.density(E)) * dsigma(E)
            return p * float(comp.density(E)) * (c0 + c1 / E + c2 / (E * E))

        inner = [b for b in comp.edges()[1:-1] if lo < b < comp.E_max_MeV]
        value, _ = integrate.quad(
            integrand, lo, comp.E_max_MeV, points=inner or None, epsrel=1e-8, limit=200
        )
        rate += value
    return rate


def naive_dNdT(
    source: Source,
    nuclei: Mapping[str, float],
    T_keV: np.ndarray,
    physics: Any = None,
    form_factor: Any = "helm",
    *,
    integrand: str = "textbook",
    **options: Any,
) -> dict[tuple[str, str], np.ndarray]:
    """dN/dT (events/keV, × s⁻¹ for a flux source) per (isotope, flavour), one quad per point.

    The same quantity as :func:`cevns_core.rates.recoil_spectrum` ``.parts``; ``integrand`` is
    ``"textbook"`` or ``"factorised"`` (module docstring).
    """
    if integrand not in ("textbook", "factorised"):
        raise ValueError(f"integrand must be 'textbook' or 'factorised', got {integrand!r}")
    T_keV = np.asarray(T_keV, dtype=float)
    T = T_keV * 1e-3
    survival = physics.survival_probability if physics is not None else None
    distance = getattr(source, "distance_m", None)
    out: dict[tuple[str, str], np.ndarray] = {}
    for name, count in nuclei.items():
        nucleus = isotope(name)
        E_low = E_min_MeV(T_keV, nucleus.mass_MeV)
        for flavour in source.flavours():
            config = CrossSectionConfig.make(
                nucleus, physics, form_factor, {**options, "flavour": flavour}
            )
            c0, c1, c2 = (np.broadcast_to(c, T.shape) for c in config.coefficients(T))
            components = [c for c in source.components() if c.flavour == flavour]
            flavour_survival = survival
            if survival is not None and survival(flavour, np.asarray(10.0), distance) is None:
                flavour_survival = None  # no oscillation: no survival factor per evaluation
            rate = np.zeros(T.size)
            for j in range(T.size):
                dsigma = None
                if integrand == "textbook":

                    def dsigma(E: float, T_j: float = float(T[j]), config=config) -> float:
                        return float(config.dsigma_dT_MeV(np.asarray(E), np.asarray(T_j)))

                rate[j] = _quad_rate(
                    components,
                    float(c0[j]),
                    float(c1[j]),
                    float(c2[j]),
                    float(E_low[j]),
                    flavour_survival,
                    flavour,
                    distance,
                    dsigma,
                )
            out[(name, flavour)] = count * np.clip(rate, 0.0, None) * HBARC2_MeV2_cm2 * 1e-3
    return out


_X, _W = np.polynomial.legendre.leggauss(48)
_X, _W = 0.5 * (_X + 1.0), 0.5 * _W


def bare_numpy_floor(T_keV: np.ndarray, masses_MeV: list[float], phi: float) -> list[np.ndarray]:
    """∫_{E_min(T)}^{m_μ/2} (Φ_νe + Φ_ν̄μ) dE per isotope: the Michel spectra at 48 nodes per
    recoil point and isotope, as one numpy expression (no checks, no cross section)."""
    out = []
    T = T_keV * 1e-3
    for M in masses_MeV:
        lo = 0.5 * (T + np.sqrt(T * T + 2.0 * M * T))
        width = np.clip(MICHEL_E_MAX_MeV - lo, 0.0, None)
        x = (lo[:, None] + width[:, None] * _X) / M_MU_MeV
        density = (192.0 * (0.5 - x) + 64.0 * (0.75 - x)) * x * x / M_MU_MeV
        out.append(phi * (width[:, None] * _W * density).sum(axis=1))
    return out
