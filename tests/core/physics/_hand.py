"""Hand-written constants and formulas shared by the physics tests (nothing from the package
but the nuclear masses, which are input data).

Every model is written out by hand at one parameter point, with the constants typed in, and
compared with ``cevns_core.differential_cross_section(..., physics=NewPhysics(...))``. Unless a
form factor is needed the point nucleus is used (F_p = F_n = 1).
"""

import math

import cevns_core as cc

# Constants typed in (PHYSICS §1.2: PDG 2024 / CODATA 2022).
GF = 1.1663788e-11  # MeV^-2
ALPHA = 7.2973525643e-3
E_CHARGE = math.sqrt(4 * math.pi * ALPHA)
M_E = 0.51099895069  # MeV
M_MU, M_TAU = 105.6583755, 1776.93  # MeV
M_P, M_N = 938.27208943, 939.56542194  # MeV
HBARC_FM = 197.32698045930  # MeV fm (exact SI: h, c, e)
HBARC2_CM2 = (HBARC_FM * 1e-13) ** 2  # MeV^2 cm^2
SW2 = 0.23857  # tree-level default (PHYSICS §3.3)
GP, GN = 0.5 - 2 * SW2, -0.5
SQRT2GF = math.sqrt(2) * GF

CS = {"name": "Cs133", "Z": 55, "N": 78}
E0, T0_KEV = 30.0, 8.0  # the parameter point used throughout


def mass(name):
    return cc.isotope(name).mass_MeV


def per_keV(dsdT_MeV3):
    """MeV^-3 -> cm^2/keV."""
    return dsdT_MeV3 * HBARC2_CM2 * 1e-3


def vector_term(E, T_keV, name, charge_squared):
    """G_F^2 M/pi (1 - T/E - MT/2E^2) Q^2 in cm^2/keV (PHYSICS §3.1)."""
    M, T = mass(name), T_keV * 1e-3
    return per_keV(GF**2 * M / math.pi * (1 - T / E - M * T / (2 * E * E)) * charge_squared)


def q2_of(T_keV, name):
    T = T_keV * 1e-3
    return 2 * mass(name) * T + T * T


def dsigma(physics, flavour="nu_e", E=E0, T_keV=T0_KEV, name="Cs133", form_factor="point"):
    return float(
        cc.differential_cross_section(
            E, T_keV, name, physics=physics, form_factor=form_factor, flavour=flavour
        )
    )


SM_Q = 55 * GP + 78 * GN  # half-normalised Cs133 weak charge, -37.7427


PHASE_COEFF = 1e-12 / (4 * HBARC_FM * 1e-15)  # Delta m^2 L/4E per eV^2 m/MeV (hbar c in MeV m)
