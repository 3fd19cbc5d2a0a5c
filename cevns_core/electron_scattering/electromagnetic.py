"""Electromagnetic properties of the neutrino in ν–e scattering: magnetic moment, charge radius,
millicharge.

Magnetic moment (Vogel & Engel, PRD 39 (1989) 3378, Eq. (2); Giunti & Studenikin, Rev. Mod.
Phys. 87 (2015) 531, arXiv:1403.6344; PHYSICS.md §7.5 uses the same vertex for nuclei)
    dσ_μ/dT = (π α² μ_ν²/m_e²) (1/T − 1/E),   μ_ν in Bohr magnetons μ_B = e/(2m_e),
exact for a free electron and a massless neutrino; helicity flip, so it adds to the weak cross
section without interference. πα²/m_e² = 2.495×10⁻²⁵ cm² (Vogel & Engel). Integral over
[a, b]: (πα²μ²/m_e²)[ln(b/a) − (b − a)/E] — infinite for a → 0.

Charge radius (PHYSICS §7.7; same convention as the package's CEvNS charge radius, read from
``cevns_core.physics``): the photon vertex −ie F_Q(q²)γ^μ with F_Q = q²⟨r²⟩/6 acting on a
left-handed neutrino, matched to the four-fermion amplitude, shifts the vector coupling of a
target fermion of charge Q_f by −(√2πα/3G_F) Q_f ⟨r²_να⟩. For the electron (Q_f = −1)

    g_V → g_V + (√2πα/3G_F) ⟨r²_να⟩          (``convention="coupling"``, the package default),

which is sin²θ_W → sin²θ_W + (√2πα/6G_F)⟨r²⟩. The reviews (Vogel & Engel 1989; Giunti &
Studenikin 2015; for nuclei PKK Eq. (62), Pandey Eq. (57)) print
sin²θ_W → sin²θ_W + (√2πα/3G_F)⟨r²⟩, i.e. twice the shift: ``convention="review"``.
**UNSURE (factor 2)** as in PHYSICS §7.7. The shift is the same for ν̄_α expressed through
⟨r²_να⟩; transition radii ⟨r²_αβ⟩ give a pure vector coupling of the flavour-changing channel.

Millicharge (PHYSICS §7.8, the same derivation with F_Q = q_ν, spacelike Q² = 2m_eT):
    g_V → g_V − (2√2πα/G_F) q_να / Q²,
a positive q_ν acting on the electron like a negative charge radius. With the SM couplings this
reproduces the known pure term 2πα²q_ν²/(m_eT²)[1 − T/E + T²/2E² − m_eT/2E²] (Giunti &
Studenikin 2015). **UNSURE:** the sign of the interference (as in PHYSICS §7.8).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..units import ALPHA, G_F_MeV2, M_E_MeV
from ..weak_charges import CHARGE_RADIUS_COUPLING_PER_CM2

__all__ = [
    "MAGNETIC_PREFACTOR_MeV2",
    "charge_radius_shift",
    "magnetic_moment_coefficients",
    "magnetic_moment_dsigma_dT",
    "magnetic_moment_integral",
    "millicharge_shift",
]

Array = NDArray[np.float64]

#: πα²/m_e² in MeV⁻² (× μ_ν² [μ_B²] × (1/T − 1/E) gives dσ/dT).
MAGNETIC_PREFACTOR_MeV2 = math.pi * ALPHA**2 / M_E_MeV**2
_MILLICHARGE_MeV2 = 2.0 * math.sqrt(2.0) * math.pi * ALPHA / G_F_MeV2
_Q2_FLOOR_MeV2 = 1e-12  # (1 eV)²: keeps the millicharge shift finite at T = 0


def magnetic_moment_coefficients(mu_muB: float, T_MeV: ArrayLike) -> tuple[Array, Array, Array]:
    """(c₀, c₁, c₂) of dσ_μ/dT = c₀ + c₁/E + c₂/E²: c₀ = K/T (∞ at T = 0), c₁ = −K, c₂ = 0,
    K = πα²μ²/m_e² in MeV⁻²."""
    T = np.asarray(T_MeV, dtype=float)
    K = MAGNETIC_PREFACTOR_MeV2 * mu_muB**2
    c0 = np.divide(K, T, out=np.full(T.shape, np.inf if K > 0 else 0.0), where=T > 0)
    return c0, np.full(T.shape, -K), np.zeros(T.shape)


def magnetic_moment_dsigma_dT(E_MeV: ArrayLike, T_MeV: ArrayLike, mu_muB: float) -> Array:
    """dσ_μ/dT = (πα²μ²/m_e²)(1/T − 1/E) in MeV⁻³, zero above T_max(E).

    Examples
    --------
    >>> from cevns_core.units import HBARC2_MeV2_cm2
    >>> f"{float(magnetic_moment_dsigma_dT(1.0, 0.5, 1.0)) * HBARC2_MeV2_cm2:.4e}"
    '2.4947e-25'
    """
    from .standard_model import t_max_MeV

    E = np.asarray(E_MeV, dtype=float)
    c0, c1, _ = magnetic_moment_coefficients(mu_muB, T_MeV)
    return np.where(np.asarray(T_MeV) <= t_max_MeV(E), c0 + c1 / E, 0.0)


def magnetic_moment_integral(
    E_MeV: ArrayLike, T_lo_MeV: ArrayLike, T_hi_MeV: ArrayLike, mu_muB: float
) -> Array:
    """∫ dσ_μ/dT dT over [T_lo, min(T_hi, T_max(E))] in MeV⁻²: K[ln(b/a) − (b − a)/E].

    Infinite when T_lo = 0 and μ ≠ 0 (the caller decides whether that is an error).
    """
    from .standard_model import t_max_MeV

    E = np.asarray(E_MeV, dtype=float)
    a = np.asarray(T_lo_MeV, dtype=float)
    b = np.maximum(np.minimum(np.asarray(T_hi_MeV, dtype=float), t_max_MeV(E)), a)
    K = MAGNETIC_PREFACTOR_MeV2 * mu_muB**2
    if K == 0.0:
        return np.zeros(np.broadcast_shapes(E.shape, a.shape, b.shape))
    empty = b <= a
    with np.errstate(divide="ignore"):
        log_ratio = np.where(empty, 0.0, np.log(np.where(empty, 1.0, b) / np.where(a > 0, a, 0.0)))
    return K * np.where(empty, 0.0, log_ratio - (b - a) / E)


def charge_radius_shift(r2_cm2: float, convention: str = "coupling") -> float:
    """Shift of the electron vector coupling g_V by a neutrino charge radius ⟨r²⟩ (cm²).

    +(√2πα/3G_F)⟨r²⟩ (``"coupling"``) or twice that (``"review"``); module docstring.

    Examples
    --------
    >>> round(charge_radius_shift(1e-32), 6)
    0.023796
    """
    factor = 2.0 if convention == "review" else 1.0
    return factor * CHARGE_RADIUS_COUPLING_PER_CM2 * r2_cm2


def millicharge_shift(q_e: float, T_MeV: ArrayLike) -> Array:
    """Shift of g_V by a neutrino charge q_ν (units of e): −(2√2πα/G_F) q_ν/(2 m_e T).

    Q² = 2m_eT is floored at (1 eV)² so T = 0 stays finite (the count is refused elsewhere).
    """
    Q2 = np.maximum(2.0 * M_E_MeV * np.asarray(T_MeV, dtype=float), _Q2_FLOOR_MeV2)
    return -_MILLICHARGE_MeV2 * q_e / Q2
