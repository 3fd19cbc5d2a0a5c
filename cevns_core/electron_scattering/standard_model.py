"""Standard-Model neutrino–electron elastic scattering on a free electron at rest.

Effective Lagrangian below the W and Z masses (neutral current for every flavour; for ν_e and ν̄_e
the W exchange, after a Fierz rearrangement, has the same form):

    ℒ = −(G_F/√2) [ν̄ γ^μ (1 − γ₅) ν] [ē γ_μ (g_V − g_A γ₅) e],

    g_V = −½ + 2 sin²θ_W + δ_αe,   g_A = −½ + δ_αe,

the same convention as the package's nucleon couplings (g_V^f = T₃ − 2Q_f sin²θ_W, so the electron
has g_V = −½ + 2 sin²θ_W; PHYSICS.md §0, §3.3). With the chiral couplings g_L = (g_V + g_A)/2,
g_R = (g_V − g_A)/2 the recoil spectrum of the electron (kinetic energy T) is ('t Hooft, Phys.
Lett. B 37 (1971) 195; Vogel & Engel, PRD 39 (1989) 3378, Eq. (1); C. Giunti & C. W. Kim,
*Fundamentals of Neutrino Physics and Astrophysics*, OUP 2007)

    dσ/dT = (2 G_F² m_e/π) [g₁² + g₂² (1 − T/E)² − g₁ g₂ m_e T/E²],

with (g₁, g₂) = (g_L, g_R) for neutrinos and (g_R, g_L) for antineutrinos (g_A → −g_A), for
0 ≤ T ≤ T_max = 2E²/(m_e + 2E). At T_max the bracket is (g₁ − g₂ m_e/(m_e + 2E))² ≥ 0.

It is a polynomial in 1/E with T-dependent coefficients, dσ/dT = c₀ + c₁/E + c₂/E² with
c₀ = K(g₁² + g₂²), c₁ = −2Kg₂²T, c₂ = K(g₂²T² − g₁g₂m_eT), K = 2G_F²m_e/π — the form the
package's rate engine integrates over fluxes (``cevns_core.rates.FluxKernel``). The integral over
T ∈ [a, b] is closed:

    ∫_a^b dσ/dT dT = K [g₁²(b − a) + g₂² (E/3)((1 − a/E)³ − (1 − b/E)³) − g₁g₂ m_e (b² − a²)/(2E²)].

Tree level only: the O(α) radiative corrections (Bahcall, Kamionkowski & Sirlin, PRD 51 (1995)
6146; Marciano & Parsa, J. Phys. G 29 (2003) 2629; Tomalak & Hill, PRD 101 (2020) 033006) change
totals by about 1–2 % and are not implemented. Units: natural (MeV), ħ = c = 1; callers convert.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..flavours import is_antineutrino, lepton_of
from ..units import G_F_MeV2, M_E_MeV

__all__ = [
    "WEAK_PREFACTOR_MeV3",
    "chiral_couplings",
    "sm_electron_couplings",
    "t_max_MeV",
    "weak_coefficients",
    "weak_dsigma_dT",
    "weak_integral",
]

Array = NDArray[np.float64]

#: K = 2 G_F² m_e/π in MeV⁻³ (dσ/dT = K × bracket, natural units).
WEAK_PREFACTOR_MeV3 = 2.0 * G_F_MeV2**2 * M_E_MeV / math.pi


def t_max_MeV(E_MeV: ArrayLike) -> Array:
    """Largest electron recoil T_max = 2E²/(m_e + 2E) in MeV (free electron at rest).

    Examples
    --------
    >>> round(float(t_max_MeV(0.8613)), 4)
    0.6643
    """
    E = np.asarray(E_MeV, dtype=float)
    return 2.0 * E * E / (M_E_MeV + 2.0 * E)


def sm_electron_couplings(flavour: str, sin2_theta_W: float) -> tuple[float, float]:
    """Tree-level (g_V, g_A) of ν_α–e scattering, charged current included for ν_e and ν̄_e.

    g_V = −½ + 2 sin²θ_W + δ_αe, g_A = −½ + δ_αe (module docstring). Antineutrinos have the same
    (g_V, g_A); :func:`chiral_couplings` applies g_A → −g_A.

    Examples
    --------
    >>> [round(g, 5) for g in sm_electron_couplings("nu_e", 0.23857)]
    [0.97714, 0.5]
    >>> [round(g, 5) for g in sm_electron_couplings("nubar_mu", 0.23857)]
    [-0.02286, -0.5]
    """
    cc = 1.0 if lepton_of(flavour) == "e" else 0.0
    return -0.5 + 2.0 * sin2_theta_W + cc, -0.5 + cc


def chiral_couplings(g_V: ArrayLike, g_A: ArrayLike, flavour: str) -> tuple[Array, Array]:
    """(g₁, g₂) of the cross section: (g_L, g_R) for ν, (g_R, g_L) for ν̄, g_{L,R} = (g_V ± g_A)/2.

    Examples
    --------
    >>> [float(g) for g in chiral_couplings(0.0, -0.5, "nu_mu")]
    [-0.25, 0.25]
    """
    g_L = 0.5 * (np.asarray(g_V, dtype=float) + np.asarray(g_A, dtype=float))
    g_R = 0.5 * (np.asarray(g_V, dtype=float) - np.asarray(g_A, dtype=float))
    return (g_R, g_L) if is_antineutrino(flavour) else (g_L, g_R)


def weak_coefficients(g1: ArrayLike, g2: ArrayLike, T_MeV: ArrayLike) -> tuple[Array, Array, Array]:
    """(c₀, c₁, c₂) in MeV⁻³·E^k with dσ/dT = c₀ + c₁/E + c₂/E² (module docstring).

    ``g1``, ``g2`` may depend on T (light mediators): they broadcast with ``T_MeV``.
    """
    T = np.asarray(T_MeV, dtype=float)
    a = np.asarray(g1, dtype=float)
    b = np.asarray(g2, dtype=float)
    K = WEAK_PREFACTOR_MeV3
    c0 = K * (a * a + b * b) + 0.0 * T
    c1 = -2.0 * K * b * b * T
    c2 = K * (b * b * T * T - a * b * M_E_MeV * T)
    return c0, c1, c2


def weak_dsigma_dT(E_MeV: ArrayLike, T_MeV: ArrayLike, g1: ArrayLike, g2: ArrayLike) -> Array:
    """dσ/dT in MeV⁻³ (natural units) on a free electron; zero above T_max(E).

    Examples
    --------
    >>> from cevns_core.units import HBARC2_MeV2_cm2
    >>> g1, g2 = chiral_couplings(*sm_electron_couplings("nu_e", 0.23857), "nu_e")
    >>> f"{float(weak_dsigma_dT(1.0, 0.0, g1, g2)) * HBARC2_MeV2_cm2:.4e}"
    '1.0381e-44'
    """
    E = np.asarray(E_MeV, dtype=float)
    T = np.asarray(T_MeV, dtype=float)
    c0, c1, c2 = weak_coefficients(g1, g2, T)
    inverse = 1.0 / E
    value = c0 + c1 * inverse + c2 * inverse * inverse
    return np.where(T <= t_max_MeV(E), value, 0.0)


def weak_integral(
    E_MeV: ArrayLike, T_lo_MeV: ArrayLike, T_hi_MeV: ArrayLike, g1: ArrayLike, g2: ArrayLike
) -> Array:
    """∫ dσ/dT dT over [T_lo, min(T_hi, T_max(E))] in MeV⁻² (closed form, constant couplings).

    Zero where the interval is empty. With T_lo = 0 and T_hi = ∞ this is the total σ(E).
    """
    E = np.asarray(E_MeV, dtype=float)
    a = np.asarray(T_lo_MeV, dtype=float)
    b = np.minimum(np.asarray(T_hi_MeV, dtype=float), t_max_MeV(E))
    b = np.maximum(b, a)
    x = np.asarray(g1, dtype=float)
    y = np.asarray(g2, dtype=float)
    cubes = (1.0 - a / E) ** 3 - (1.0 - b / E) ** 3
    value = (
        x * x * (b - a) + y * y * E / 3.0 * cubes - x * y * M_E_MeV * (b * b - a * a) / (2 * E * E)
    )
    return WEAK_PREFACTOR_MeV3 * value
