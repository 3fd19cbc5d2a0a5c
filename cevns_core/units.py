"""Physical constants and unit conversions (internal unit system: MeV, fm, cm).

Values follow CODATA 2022 via :mod:`scipy.constants` where scipy has them, and PDG 2024 otherwise
(PHYSICS.md §1.2). Natural units ħ = c = 1; energies, momenta and masses are in MeV internally.
"""

from __future__ import annotations

import math

from scipy import constants as _sc

__all__ = [
    "ALPHA",
    "AVOGADRO",
    "SW2_LOW",
    "SW2_MZ",
    "AMU_MeV",
    "DAY_s",
    "ERG_MeV",
    "G_F_MeV2",
    "HBARC2_MeV2_cm2",
    "HBARC_MeV_fm",
    "J_PER_MeV",
    "KPC_cm",
    "MU_B_per_MeV",
    "M_E_MeV",
    "M_MU_MeV",
    "M_N_MeV",
    "M_PI_MeV",
    "M_P_MeV",
    "M_TAU_MeV",
    "M_W_MeV",
    "M_Z_MeV",
    "TAU_MU_ns",
    "TAU_PI_ns",
    "YEAR_s",
    "fm_to_MeV",
    "keV_to_MeV",
]

#: Fermi constant in MeV⁻² (PDG 2024: 1.1663788e-5 GeV⁻²).
G_F_MeV2 = 1.1663788e-11
#: Fine-structure constant (CODATA 2022).
ALPHA = _sc.fine_structure
#: Reduced Planck constant times c in MeV fm (CODATA 2022: 197.3269804).
HBARC_MeV_fm = _sc.hbar * _sc.c / (_sc.e * 1e6) * 1e15
#: (ħc)² in MeV² cm²: converts a cross section in MeV⁻² to cm².
HBARC2_MeV2_cm2 = (HBARC_MeV_fm * 1e-13) ** 2
#: Electron mass in MeV.
M_E_MeV = _sc.physical_constants["electron mass energy equivalent in MeV"][0]
#: Proton and neutron masses in MeV.
M_P_MeV = _sc.physical_constants["proton mass energy equivalent in MeV"][0]
M_N_MeV = _sc.physical_constants["neutron mass energy equivalent in MeV"][0]
#: Atomic mass constant u in MeV.
AMU_MeV = _sc.physical_constants["atomic mass constant energy equivalent in MeV"][0]
#: Muon, tau and charged-pion masses in MeV (PDG 2024).
M_MU_MeV = 105.6583755
M_TAU_MeV = 1776.93
M_PI_MeV = 139.57039
#: W and Z boson masses in MeV (PDG 2024).
M_W_MeV = 80369.2
M_Z_MeV = 91188.0
#: Charged-pion and muon lifetimes in ns (PDG 2024).
TAU_PI_ns = 26.033
TAU_MU_ns = 2196.9811
#: Bohr magneton e/(2 m_e) in Heaviside-Lorentz natural units, MeV⁻¹ (√(4πα)/(2 m_e)).
MU_B_per_MeV = math.sqrt(4.0 * math.pi * ALPHA) / (2.0 * M_E_MeV)
#: Avogadro constant in mol⁻¹ (exact).
AVOGADRO = _sc.Avogadro
#: Joule per MeV (exact: 1 MeV = 1.602176634e-13 J).
J_PER_MeV = _sc.e * 1e6
#: 1 erg in MeV.
ERG_MeV = 1e-7 / J_PER_MeV
#: 1 kiloparsec in cm (IAU).
KPC_cm = 3.0856775814913673e21
#: Day and Julian year in seconds.
DAY_s = 86400.0
YEAR_s = 365.25 * DAY_s

#: Low-energy MS-bar weak mixing angle sin²θ_W(Q→0) (PDG 2018-2020; Pandey Eq. (16)).
SW2_LOW = 0.23857
#: MS-bar ŝ_Z² = sin²θ̂_W(M_Z) (PDG), the input of the PDG νN coupling formula (PHYSICS §3.3).
SW2_MZ = 0.23122


def keV_to_MeV(value_keV: float) -> float:
    """Convert keV to MeV."""
    return value_keV * 1e-3


def fm_to_MeV(q_fm: float) -> float:
    """Convert a momentum in fm⁻¹ to MeV (multiply by ħc)."""
    return q_fm * HBARC_MeV_fm
