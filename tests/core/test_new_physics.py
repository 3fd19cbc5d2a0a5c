"""New physics (PHYSICS.md §7, §10, §11 R27-R33).

Every model is written out here by hand at one parameter point, with the constants typed in,
and compared with ``cevns_core.differential_cross_section(..., physics=NewPhysics(...))``.
Unless a form factor is needed the point nucleus is used (F_p = F_n = 1), so the hand formulas
contain nothing from the package except the nuclear masses (input data).
"""

import math

import numpy as np
import param
import pytest
from scipy import integrate

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.new_physics import (
    NEW_PHYSICS_GROUPS,
    NewPhysics,
    effective_magnetic_moments,
    epsilon_from_zprime,
    kinetic_mixing_per_coupling,
    mixing_from_sin2_2theta,
    oscillation_phase,
    scalar_charge_per_nucleon,
    sin2_2theta_from_mixing,
    sterile_survival_probability,
)
from cevns_core.rates import recoil_spectrum
from cevns_core.sources.base import Continuum, Line, Source
from cevns_core.weak_charges import StandardModel

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


# ----------------------------------------------------------------------------------------------
# Standard Model limit
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"zprime_model": "lmu_minus_ltau", "zprime_mass_MeV": 5.0},
        {"zprime_model": "b_minus_l", "scalar_charge": "pkk_shortcut", "scalar_mass_MeV": 1.0},
        {"mm_exact": True, "charge_radius_convention": "review", "sterile_baseline_m": 20.0},
        {"dm2_41_eV2": 1.0},  # no mixing: no oscillation
        {"Ue4_sq": 0.1},  # no splitting: no oscillation
        {"couplings": "pdg_nuN"},
    ],
)
def test_zero_couplings_are_the_standard_model_bitwise(params):
    # Everything defaults to zero = SM exactly (issue 4: bitwise or 1e-15).
    physics = NewPhysics(**params)
    sm = StandardModel(couplings=params.get("couplings", "tree"))
    E = np.array([[3.0], [30.0], [50.0]])
    T = np.array([0.0, 0.1, 1.0, 10.0, 30.0])
    for flavour in cc.FLAVOURS:
        for ff in ("helm", "point"):
            new = cc.differential_cross_section(E, T, "Cs133", physics, ff, flavour=flavour)
            old = cc.differential_cross_section(E, T, "Cs133", sm, ff, flavour=flavour)
            assert np.array_equal(new, old)
        assert physics.survival_probability(flavour, np.array([10.0]), 19.3) is None
    assert not physics.needs_flavour
    assert physics.active_groups() == []


# ----------------------------------------------------------------------------------------------
# Vector NSI (PHYSICS §7.1)
# ----------------------------------------------------------------------------------------------


def test_vector_nsi_by_hand_point_nucleus():
    # Proton (uud): 2 eps_u + eps_d; neutron (udd): eps_u + 2 eps_d (PKK Eq. (37) counting).
    eu, ed = 0.2, -0.1
    Q = 55 * (GP + 2 * 0.2 - 0.1) + 78 * (GN + 0.2 - 2 * 0.1)
    expected = vector_term(E0, T0_KEV, "Cs133", Q**2)
    got = dsigma(NewPhysics(eps_uV_ee=eu, eps_dV_ee=ed), "nu_e")
    assert got == pytest.approx(expected, rel=1e-12)
    # The same couplings for nu_mu only touch nu_mu.
    assert dsigma(NewPhysics(eps_uV_mumu=eu, eps_dV_mumu=ed), "nubar_mu") == pytest.approx(
        expected, rel=1e-12
    )
    assert dsigma(NewPhysics(eps_uV_mumu=eu, eps_dV_mumu=ed), "nu_e") == pytest.approx(
        vector_term(E0, T0_KEV, "Cs133", SM_Q**2), rel=1e-12
    )


def test_vector_nsi_with_separate_proton_and_neutron_form_factors():
    # Helm with a 0.3 fm neutron skin: Q = Z g~p F_p + N g~n F_n.
    opts = {"form_factor_params": {"skin_fm": 0.3}}
    physics = NewPhysics(eps_uV_tautau=0.05, eps_dV_tautau=0.15)
    M = mass("Cs133")
    q_fm = math.sqrt(q2_of(T0_KEV, "Cs133")) / HBARC_FM
    F_p, F_n = cc.nucleon_form_factors(q_fm, "Cs133", "helm", skin_fm=0.3)
    Q = 55 * (GP + 0.1 + 0.15) * F_p + 78 * (GN + 0.05 + 0.3) * F_n
    expected = vector_term(E0, T0_KEV, "Cs133", Q**2)
    got = cc.differential_cross_section(E0, T0_KEV, "Cs133", physics, flavour="nu_tau", **opts)
    assert float(got) == pytest.approx(float(expected), rel=1e-12)
    assert M > 0


def test_u_and_d_couplings_set_independently_give_different_correct_charges():
    eps = 0.1
    up = NewPhysics(eps_uV_ee=eps).effective_couplings("nu_e")["e"]
    down = NewPhysics(eps_dV_ee=eps).effective_couplings("nu_e")["e"]
    # u: (g_p + 2eps, g_n + eps); d: (g_p + eps, g_n + 2eps) -- never one reused for the other.
    assert (float(up[0]), float(up[1])) == pytest.approx((GP + 0.2, GN + 0.1), abs=1e-15)
    assert (float(down[0]), float(down[1])) == pytest.approx((GP + 0.1, GN + 0.2), abs=1e-15)
    Q_u = 55 * (GP + 0.2) + 78 * (GN + 0.1)
    Q_d = 55 * (GP + 0.1) + 78 * (GN + 0.2)
    s_u = dsigma(NewPhysics(eps_uV_ee=eps))
    s_d = dsigma(NewPhysics(eps_dV_ee=eps))
    assert s_u == pytest.approx(vector_term(E0, T0_KEV, "Cs133", Q_u**2), rel=1e-12)
    assert s_d == pytest.approx(vector_term(E0, T0_KEV, "Cs133", Q_d**2), rel=1e-12)
    assert abs(s_u / s_d - 1) > 0.1


def test_flavour_changing_nsi_adds_in_quadrature():
    # eps_emu alone increases sigma(nu_e) by exactly |Q_emu|^2/Q_V^2 (PHYSICS §7.1; PKK Eq. (37)
    # adds it linearly, which would give (Q_V + Q_emu)^2 instead).
    eu, ed = 0.03, 0.02
    Q_emu = 55 * (2 * eu + ed) + 78 * (eu + 2 * ed)
    physics = NewPhysics(eps_uV_emu=eu, eps_dV_emu=ed)
    sm = dsigma(None, "nu_e")
    for flavour in ("nu_e", "nu_mu", "nubar_e", "nubar_mu"):  # symmetric: e->mu and mu->e
        ratio = dsigma(physics, flavour) / sm
        assert ratio - 1 == pytest.approx(Q_emu**2 / SM_Q**2, rel=1e-10)
    assert dsigma(physics, "nu_tau") == pytest.approx(sm, rel=1e-14)
    linear = (SM_Q + Q_emu) ** 2 / SM_Q**2
    assert abs(dsigma(physics, "nu_e") / sm - linear) > 0.05
    # Two flavour-changing channels add separately as well.
    both = NewPhysics(eps_uV_emu=eu, eps_dV_emu=ed, eps_uV_etau=eu)
    Q_etau = 55 * 2 * eu + 78 * eu
    assert dsigma(both, "nu_e") / sm - 1 == pytest.approx(
        (Q_emu**2 + Q_etau**2) / SM_Q**2, rel=1e-10
    )


def test_antineutrinos_use_the_same_charges():
    physics = NewPhysics(eps_uV_ee=0.1, eps_dV_mumu=-0.2, mu_nu_e_muB=1e-10, r2_mu_cm2=1e-32)
    for lepton in ("e", "mu", "tau"):
        assert dsigma(physics, f"nu_{lepton}") == dsigma(physics, f"nubar_{lepton}")


# ----------------------------------------------------------------------------------------------
# Tensor NSI (PHYSICS §7.2)
# ----------------------------------------------------------------------------------------------


def test_tensor_nsi_by_hand():
    # dsigma^T/dT = 4 G_F^2 M/pi Q_T^2 (1 - MT/4E^2), Q_T = (2eu+ed)Z + (eu+2ed)N (PKK (38)-(41)).
    eu, ed = 0.01, -0.004
    M, T = mass("Cs133"), T0_KEV * 1e-3
    Q_T = (2 * eu + ed) * 55 + (eu + 2 * ed) * 78
    tensor = per_keV(4 * GF**2 * M / math.pi * Q_T**2 * (1 - M * T / (4 * E0**2)))
    expected = vector_term(E0, T0_KEV, "Cs133", SM_Q**2) + tensor
    got = dsigma(NewPhysics(eps_uT_mumu=eu, eps_dT_mumu=ed), "nu_mu")
    assert got == pytest.approx(expected, rel=1e-12)
    # Same as PKK's multiplicative form (Eq. (41), with the T/E of the full SM bracket).
    bracket = 1 - T / E0 - M * T / (2 * E0**2)
    ratio_form = 1 + 4 * (Q_T / SM_Q) ** 2 * (1 - M * T / (4 * E0**2)) / bracket
    sm = dsigma(None, "nu_mu")
    assert got / sm == pytest.approx(ratio_form, rel=1e-12)
    assert dsigma(NewPhysics(eps_uT_mumu=eu, eps_dT_mumu=ed), "nu_e") == sm


# ----------------------------------------------------------------------------------------------
# Light vector Z' (PHYSICS §7.3)
# ----------------------------------------------------------------------------------------------


def test_universal_zprime_by_hand():
    # Q_V -> Q_V + g_nu Q_Z'/(sqrt2 G_F (q^2 + M^2)), Q_Z' = (2g_u+g_d)Z + (g_u+2g_d)N = 3Ag.
    g, M_Z = 2e-5, 20.0
    shift = g * 3 * 133 * g / (SQRT2GF * (q2_of(T0_KEV, "Cs133") + M_Z**2))
    expected = vector_term(E0, T0_KEV, "Cs133", (SM_Q + shift) ** 2)
    physics = NewPhysics(zprime_coupling=g, zprime_mass_MeV=M_Z)
    assert dsigma(physics, "nu_mu") == pytest.approx(expected, rel=1e-12)
    assert shift > 0 and expected < vector_term(E0, T0_KEV, "Cs133", SM_Q**2)  # destructive
    assert not physics.needs_flavour  # universal: no flavour needed
    assert float(cc.differential_cross_section(E0, T0_KEV, "Cs133", physics, "point")) == (
        pytest.approx(expected, rel=1e-12)
    )


def test_b_minus_l_zprime_by_hand_is_constructive():
    # g_q = g/3, g_nu = -g: shift = -g^2 A/(sqrt2 G_F (q^2 + M^2)).
    g, M_Z = 2e-5, 20.0
    shift = -g * g * 133 / (SQRT2GF * (q2_of(T0_KEV, "Cs133") + M_Z**2))
    expected = vector_term(E0, T0_KEV, "Cs133", (SM_Q + shift) ** 2)
    got = dsigma(NewPhysics(zprime_model="b_minus_l", zprime_coupling=g, zprime_mass_MeV=M_Z))
    assert got == pytest.approx(expected, rel=1e-12)
    assert got > dsigma(None)


def loop_epsilon_over_g(q, m_i, m_j):
    """eps(q)/g = (e/2pi^2) int_0^1 x(1-x) ln[(m_j^2 + x(1-x)q^2)/(m_i^2 + x(1-x)q^2)] dx."""

    def f(x):
        return (
            x * (1 - x) * math.log((m_j**2 + x * (1 - x) * q * q) / (m_i**2 + x * (1 - x) * q * q))
        )

    return E_CHARGE / (2 * math.pi**2) * integrate.quad(f, 0, 1, epsabs=0, epsrel=1e-12)[0]


@pytest.mark.parametrize(("q", "value"), [(0.0, 0.01443), (50.0, 0.01432), (100.0, 0.01402)])
def test_lmu_minus_ltau_kinetic_mixing_R32(q, value):
    # PHYSICS §11 R32: eps/g' = 0.01443, 0.01432, 0.01402 at q = 0, 50, 100 MeV (1e-3 rel).
    got = float(kinetic_mixing_per_coupling(q))
    assert got == pytest.approx(value, rel=1e-3)
    assert got == pytest.approx(loop_epsilon_over_g(q, M_MU, M_TAU), rel=1e-9)
    # q -> 0 limit: e/(12 pi^2) ln(m_tau^2/m_mu^2).
    if q == 0.0:
        assert got == pytest.approx(E_CHARGE / (12 * math.pi**2) * math.log(M_TAU**2 / M_MU**2))


def test_lmu_minus_ltau_zprime_by_hand():
    # Shift +g e eps(q) Z F_p/(sqrt2 G_F (q^2 + M^2)) for nu_mu, the opposite for nu_tau, 0 for
    # nu_e (PHYSICS §7.3; sign convention UNSURE per the spec, documented in the module).
    g, M_Z = 5e-4, 30.0
    q2 = q2_of(T0_KEV, "Cs133")
    e_eps = E_CHARGE * g * loop_epsilon_over_g(math.sqrt(q2), M_MU, M_TAU)
    shift = g * e_eps * 55 / (SQRT2GF * (q2 + M_Z**2))
    physics = NewPhysics(zprime_model="lmu_minus_ltau", zprime_coupling=g, zprime_mass_MeV=M_Z)
    assert physics.needs_flavour
    for flavour, sign in (("nu_mu", 1), ("nubar_tau", -1), ("nu_e", 0)):
        expected = vector_term(E0, T0_KEV, "Cs133", (SM_Q + sign * shift) ** 2)
        assert dsigma(physics, flavour) == pytest.approx(expected, rel=1e-10)
    with pytest.raises(CevnsError, match="flavour"):
        cc.differential_cross_section(E0, T0_KEV, "Cs133", physics)
    # L_e - L_mu: nu_e gets +, nu_mu gets -, with the e/mu loop.
    other = NewPhysics(zprime_model="le_minus_lmu", zprime_coupling=g, zprime_mass_MeV=M_Z)
    e_eps = E_CHARGE * g * loop_epsilon_over_g(math.sqrt(q2), M_E, M_MU)
    shift = g * e_eps * 55 / (SQRT2GF * (q2 + M_Z**2))
    expected = vector_term(E0, T0_KEV, "Cs133", (SM_Q - shift) ** 2)
    assert dsigma(other, "nu_mu") == pytest.approx(expected, rel=1e-10)
    assert dsigma(other, "nu_tau") == dsigma(None, "nu_tau")


def test_heavy_zprime_equals_the_nsi_it_maps_to():
    # Contact limit eps^V = g_nu g_q/(sqrt2 G_F M^2) (PHYSICS §7.3; PKK Eq. (46) prints half).
    g, M_Z = 0.05, 2e5  # MeV
    eps = g * g / (SQRT2GF * M_Z**2)
    assert epsilon_from_zprime(g, g, M_Z) == pytest.approx(eps, rel=1e-14)
    zprime = NewPhysics(zprime_coupling=g, zprime_mass_MeV=M_Z)
    nsi = NewPhysics(
        **{f"eps_{q}V_{ll}": eps for q in "ud" for ll in ("ee", "mumu", "tautau")},
    )
    for flavour in ("nu_e", "nubar_mu"):
        for T_keV in (1.0, 10.0):
            a = dsigma(zprime, flavour, T_keV=T_keV, form_factor="helm")
            b = dsigma(nsi, flavour, T_keV=T_keV, form_factor="helm")
            assert a == pytest.approx(b, rel=1e-6)  # q^2/M^2 < 1e-7
    # PKK's half-size epsilon would not reproduce the Z' cross section.
    half = NewPhysics(**{f"eps_{q}V_ee": eps / 2 for q in "ud"})
    assert abs(dsigma(half) / dsigma(zprime) - 1) > 0.01


def test_zprime_degeneracy_R31():
    # PHYSICS §11 R31: G = -1 with universal couplings, heavy M: g^2/M^2 = 2 sqrt2 G_F |Q_V|/(3A)
    # = 3.12e-6 GeV^-2 for Cs133 (PKK Eq. (52) with the corrected Eq. (44)).
    ratio_GeV = 2 * math.sqrt(2) * 1.1663788e-5 * abs(SM_Q) / (3 * 133)
    assert ratio_GeV == pytest.approx(3.12e-6, rel=0.01)
    M_Z = 1e5  # MeV
    g = math.sqrt(ratio_GeV * 1e-6) * M_Z
    physics = NewPhysics(zprime_coupling=g, zprime_mass_MeV=M_Z)
    T = np.array([0.5, 5.0, 15.0])
    sm = cc.differential_cross_section(E0, T, "Cs133")  # Helm, F_p = F_n
    np.testing.assert_allclose(cc.differential_cross_section(E0, T, "Cs133", physics), sm, 1e-5)
    # The printed PKK Eq. (44) (coefficient -1/(2 sqrt2 G_F)) would need twice g^2/M^2.
    twice = NewPhysics(zprime_coupling=g * math.sqrt(2), zprime_mass_MeV=M_Z)
    assert abs(float(cc.differential_cross_section(E0, 5.0, "Cs133", twice) / sm[1]) - 1) > 0.5


# ----------------------------------------------------------------------------------------------
# Scalar mediator (PHYSICS §7.4)
# ----------------------------------------------------------------------------------------------


def scalar_per_nucleon_by_hand(fu, fd, fs, m_N):
    # sum_q (m_N/m_q) f_Tq + (2/27) f_TG sum_Q m_N/m_Q (m_u, m_d, m_s = 2.16, 4.67, 93.4 MeV at
    # 2 GeV; m_c, m_b = 1273, 4183 MeV; m_t = 172570 MeV -- PDG 2024).
    light = m_N / 2.16 * fu + m_N / 4.67 * fd + m_N / 93.4 * fs
    f_TG = 1 - fu - fd - fs
    return light + 2 / 27 * f_TG * (m_N / 1273 + m_N / 4183 + m_N / 172570)


@pytest.mark.parametrize(
    ("option", "s_p", "s_n"),
    [
        # Ellis, Olive & Savage 2008 f_Tq (PHYSICS §7.4)
        (
            "eos2008",
            scalar_per_nucleon_by_hand(0.020, 0.026, 0.118, M_P),
            scalar_per_nucleon_by_hand(0.014, 0.036, 0.118, M_N),
        ),
        # Hoferichter et al. 2015 f_Tq (PHYSICS §7.4)
        (
            "hoferichter2015",
            scalar_per_nucleon_by_hand(0.0208, 0.0411, 0.043, M_P),
            scalar_per_nucleon_by_hand(0.0189, 0.0451, 0.043, M_N),
        ),
        # PKK Eq. (51): Q_phi = (14A + 1.1Z) g = 15.1 Z + 14 N
        ("pkk_shortcut", 15.1, 14.0),
    ],
)
def test_scalar_mediator_by_hand(option, s_p, s_n):
    # dsigma^S/dT = g_nu^2 Q_phi^2 M^2 T/(4 pi E^2 (q^2 + M_phi^2)^2), g_nu = g_q = g (§7.4).
    assert scalar_charge_per_nucleon(option) == pytest.approx((s_p, s_n), rel=1e-12)
    g, m_phi = 3e-5, 15.0
    M, T = mass("Cs133"), T0_KEV * 1e-3
    Q_phi = g * (55 * s_p + 78 * s_n)
    scalar = per_keV(
        g**2
        * Q_phi**2
        * M**2
        * T
        / (4 * math.pi * E0**2 * (q2_of(T0_KEV, "Cs133") + m_phi**2) ** 2)
    )
    expected = vector_term(E0, T0_KEV, "Cs133", SM_Q**2) + scalar
    physics = NewPhysics(scalar_coupling=g, scalar_mass_MeV=m_phi, scalar_charge=option)
    assert dsigma(physics, "nu_mu") == pytest.approx(expected, rel=1e-12)
    assert scalar / expected > 0.01  # the term is visible at this point


def test_scalar_charge_per_nucleon_eos_values():
    # PHYSICS §7.4 quotes light-quark sums 15.28 (p), 14.70 (n) including (2/27) f_TG * 3; the
    # package keeps m_N/m_Q for the heavy quarks (module docstring), so the sums are 0.8 % lower:
    # the light-quark parts agree with the spec.
    s_p, s_n = scalar_charge_per_nucleon("eos2008")
    heavy_spec_p = 2 / 27 * (1 - 0.020 - 0.026 - 0.118) * 3
    heavy_spec_n = 2 / 27 * (1 - 0.014 - 0.036 - 0.118) * 3
    light_p = s_p - 2 / 27 * 0.836 * (M_P / 1273 + M_P / 4183 + M_P / 172570)
    light_n = s_n - 2 / 27 * 0.832 * (M_N / 1273 + M_N / 4183 + M_N / 172570)
    assert light_p + heavy_spec_p == pytest.approx(15.28, abs=0.01)
    assert light_n + heavy_spec_n == pytest.approx(14.70, abs=0.01)


# ----------------------------------------------------------------------------------------------
# Magnetic moment (PHYSICS §7.5)
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("T_keV", "ratio"), [(0.01, 0.633), (0.1, 0.097)])
def test_magnetic_moment_R30(T_keV, ratio):
    # PHYSICS §11 R30: Ge, E = 3 MeV, T = 10 eV, mu = 1e-10 mu_B: EM/SM = 0.633 (100 eV: 0.097).
    physics = NewPhysics(mu_nu_e_muB=1e-10)
    total = dsigma(physics, "nu_e", E=3.0, T_keV=T_keV, name="Ge72", form_factor="helm")
    sm = dsigma(None, "nu_e", E=3.0, T_keV=T_keV, name="Ge72", form_factor="helm")
    assert total / sm - 1 == pytest.approx(ratio, rel=0.01)


def test_magnetic_moment_by_hand_and_1_over_T_shape():
    # dsigma/dT = pi alpha^2 mu^2 Z^2/m_e^2 (1/T - 1/E) (+ T/4E^2 exact) (PHYSICS §7.5), point F.
    mu, E = 3e-10, 3.0
    T_keV = np.array([0.01, 0.03, 0.1, 0.2])  # T_max(3 MeV) = 0.269 keV
    T = T_keV * 1e-3
    K = math.pi * ALPHA**2 * mu**2 * 32**2 / M_E**2
    SM_Ge = 32 * GP + 40 * GN
    sm = vector_term(E, T_keV, "Ge72", SM_Ge**2)
    for exact, extra in ((False, 0.0), (True, T / (4 * E * E))):
        physics = NewPhysics(mu_nu_mu_muB=mu, mm_exact=exact)
        got = cc.differential_cross_section(E, T_keV, "Ge72", physics, "point", flavour="nu_mu")
        np.testing.assert_allclose(got, sm + per_keV(K * (1 / T - 1 / E + extra)), rtol=1e-12)
    em = got - sm
    # Dominates at low T, and the excess falls like 1/T.
    assert em[0] > sm[0]
    np.testing.assert_allclose(em * T, em[0] * T[0], rtol=1e-2)
    assert float(cc.differential_cross_section(E, 0.0, "Ge72", physics, flavour="nu_mu")) == (
        math.inf
    )


def test_effective_magnetic_moment_from_transition_moments():
    # PKK Eqs. (56)-(58): mu_nue^2 = |L_mu|^2 + |L_tau|^2, etc.
    got = effective_magnetic_moments(1e-10, 2e-10j, 2e-10)
    assert got["e"] == pytest.approx(math.sqrt(8) * 1e-10)
    assert got["mu"] == pytest.approx(math.sqrt(5) * 1e-10)
    assert got["tau"] == pytest.approx(math.sqrt(5) * 1e-10)
    with pytest.raises(CevnsError):
        effective_magnetic_moments(float("nan"))


# ----------------------------------------------------------------------------------------------
# Charge radius (PHYSICS §7.7) and millicharge (§7.8)
# ----------------------------------------------------------------------------------------------


def sm_radius_cm2(m_lepton):
    # <r^2>_SM = -G_F/(2 sqrt2 pi^2)[3 - 2 ln(m_l^2/M_W^2)], M_W = 80369.2 MeV (PHYSICS §7.7).
    value = -GF / (2 * math.sqrt(2) * math.pi**2) * (3 - 2 * math.log(m_lepton**2 / 80369.2**2))
    return value * HBARC2_CM2


def test_charge_radius_constants_R27_R28():
    # R27: sqrt2 pi alpha/(3 G_F) = 926.55 GeV^2 = 0.023796 per 1e-32 cm^2.
    k = math.sqrt(2) * math.pi * ALPHA / (3 * GF) / HBARC2_CM2
    assert k * 1e-6 * HBARC2_CM2 == pytest.approx(926.55, rel=1e-4)
    assert k * 1e-32 == pytest.approx(0.023796, rel=1e-4)
    # R28: SM radii -0.828, -0.481, -0.297 (1e-32 cm^2).
    for m, value in ((M_E, -0.828), (M_MU, -0.481), (M_TAU, -0.297)):
        assert sm_radius_cm2(m) / 1e-32 == pytest.approx(value, rel=0.01)
    r2 = 2e-32
    got = NewPhysics(r2_e_cm2=r2).effective_couplings("nu_e")["e"][0]
    assert float(got) == pytest.approx(GP - k * r2, rel=1e-12)


def test_charge_radius_shift_gives_the_sm_flavour_splitting_R29():
    # R29: with the SM radii the coupling-level shift gives g_V^p(nu_e) - g_V^p(nu_mu) = 0.0083,
    # (alpha/3pi) ln(m_mu^2/m_e^2) = 0.00826; the printed (review) shift gives twice that.
    radii = {"r2_e_cm2": sm_radius_cm2(M_E), "r2_mu_cm2": sm_radius_cm2(M_MU)}
    loop = ALPHA / (3 * math.pi) * math.log(M_MU**2 / M_E**2)
    for convention, factor in (("coupling", 1), ("review", 2)):
        physics = NewPhysics(charge_radius_convention=convention, **radii)
        g_e = float(physics.effective_couplings("nu_e")["e"][0])
        g_mu = float(physics.effective_couplings("nu_mu")["mu"][0])
        assert g_e - g_mu == pytest.approx(factor * 0.0083, rel=0.02)
        assert g_e - g_mu == pytest.approx(factor * loop, rel=1e-3)
        # and the neutron coupling is untouched
        assert float(physics.effective_couplings("nu_e")["e"][1]) == GN


def test_charge_radius_cross_section_and_transition_radius_by_hand():
    k = math.sqrt(2) * math.pi * ALPHA / (3 * GF) / HBARC2_CM2
    r2, r2_mt = -5e-32, 8e-32
    physics = NewPhysics(r2_tau_cm2=r2, r2_mutau_cm2=r2_mt)
    # nu_tau: diagonal shift plus |Z k <r^2_mutau>|^2 in quadrature (PHYSICS §7.7).
    Q2 = (55 * (GP - k * r2) + 78 * GN) ** 2 + (55 * k * r2_mt) ** 2
    assert dsigma(physics, "nu_tau") == pytest.approx(
        vector_term(E0, T0_KEV, "Cs133", Q2), rel=1e-12
    )
    Q2_mu = SM_Q**2 + (55 * k * r2_mt) ** 2
    assert dsigma(physics, "nu_mu") == pytest.approx(
        vector_term(E0, T0_KEV, "Cs133", Q2_mu), rel=1e-12
    )
    assert dsigma(physics, "nu_e") == dsigma(None, "nu_e")


def test_millicharge_by_hand():
    # g_V^p -> g_V^p + (2 sqrt2 pi alpha/G_F) q_nu/|q|^2 (PHYSICS §7.8; sign UNSURE per the spec).
    q_nu = 2e-9
    q2 = q2_of(T0_KEV, "Cs133")
    shift = 2 * math.sqrt(2) * math.pi * ALPHA / GF * q_nu / q2
    expected = vector_term(E0, T0_KEV, "Cs133", (55 * (GP + shift) + 78 * GN) ** 2)
    physics = NewPhysics(millicharge_e=q_nu)
    assert dsigma(physics, "nubar_e") == pytest.approx(expected, rel=1e-12)
    # Acts like a negative charge radius: q_nu <-> -<r^2>|q|^2/6.
    k = math.sqrt(2) * math.pi * ALPHA / (3 * GF)
    r2_cm2 = -6 * q_nu / q2 * HBARC2_CM2
    radius = NewPhysics(r2_e_cm2=r2_cm2)
    assert dsigma(radius, "nu_e") == pytest.approx(dsigma(physics, "nu_e"), rel=1e-10)
    assert k > 0
    # Transition charge: incoherent.
    trans = NewPhysics(millicharge_etau=q_nu)
    Q2 = SM_Q**2 + (55 * shift) ** 2
    assert dsigma(trans, "nu_tau") == pytest.approx(vector_term(E0, T0_KEV, "Cs133", Q2), rel=1e-12)
    # T = 0 stays finite (regulated at |q| = 1 eV).
    assert np.isfinite(cc.differential_cross_section(E0, 0.0, "Cs133", physics, flavour="nu_e"))


# ----------------------------------------------------------------------------------------------
# Several effects at once
# ----------------------------------------------------------------------------------------------


def test_several_effects_switched_on_together():
    eu, g, M_Z, r2, mu, euT = 0.05, 1e-5, 50.0, 3e-32, 2e-10, 0.003
    physics = NewPhysics(
        eps_uV_mumu=eu,
        zprime_coupling=g,
        zprime_mass_MeV=M_Z,
        r2_mu_cm2=r2,
        mu_nu_mu_muB=mu,
        eps_uT_mumu=euT,
        eps_uV_emu=0.01,
    )
    M, T = mass("Cs133"), T0_KEV * 1e-3
    k = math.sqrt(2) * math.pi * ALPHA / (3 * GF) / HBARC2_CM2
    zp = g * 3 * g / (SQRT2GF * (q2_of(T0_KEV, "Cs133") + M_Z**2))
    Q_mm = 55 * (GP + 2 * eu - k * r2 + zp) + 78 * (GN + eu + zp)
    Q_emu = 55 * 0.02 + 78 * 0.01
    Q_T = 2 * euT * 55 + euT * 78
    expected = (
        vector_term(E0, T0_KEV, "Cs133", Q_mm**2 + Q_emu**2)
        + per_keV(4 * GF**2 * M / math.pi * Q_T**2 * (1 - M * T / (4 * E0**2)))
        + per_keV(math.pi * ALPHA**2 * mu**2 * 55**2 / M_E**2 * (1 / T - 1 / E0))
    )
    assert dsigma(physics, "nu_mu") == pytest.approx(expected, rel=1e-12)
    assert physics.active_groups() == [
        "nsi_vector",
        "nsi_tensor",
        "zprime",
        "magnetic_moment",
        "charge_radius",
    ]


# ----------------------------------------------------------------------------------------------
# Sterile 3+1 (PHYSICS §7.9)
# ----------------------------------------------------------------------------------------------


PHASE_COEFF = 1e-12 / (4 * HBARC_FM * 1e-15)  # Delta m^2 L/4E per eV^2 m/MeV (hbar c in MeV m)


def test_sterile_phase_R33():
    # PHYSICS §11 R33: 1 eV^2, 19.3 m, 30 MeV: Delta = 0.8151, sin^2 Delta = 0.5297 (1e-3).
    assert PHASE_COEFF == pytest.approx(1.26693, rel=1e-5)
    phase = float(oscillation_phase(1.0, 19.3, 30.0))
    assert phase == pytest.approx(0.8151, abs=1e-3)
    assert math.sin(phase) ** 2 == pytest.approx(0.5297, abs=1e-3)
    U2 = {"e": 0.04, "mu": 0.01}
    physics = NewPhysics(dm2_41_eV2=1.0, Ue4_sq=0.04, Umu4_sq=0.01)
    expected = 1 - 4 * 0.04 * (1 - 0.05) * math.sin(PHASE_COEFF * 19.3 / 30.0) ** 2
    for flavour in ("nu_e", "nubar_e"):  # antineutrinos: the same
        p = physics.survival_probability(flavour, np.array([30.0]), 19.3)
        assert float(p[0]) == pytest.approx(expected, rel=1e-12)
        assert float(sterile_survival_probability(flavour, 30.0, 19.3, 1.0, U2)) == (
            pytest.approx(expected, rel=1e-12)
        )
    # sin^2, not sin: at this point sin(Delta) = 0.728 would give a different answer.
    assert abs(expected - (1 - 4 * 0.04 * 0.95 * math.sin(PHASE_COEFF * 19.3 / 30))) > 0.01
    # nu_tau has no mixing here: no oscillation (None keeps the SM path).
    assert physics.survival_probability("nu_tau", np.array([30.0]), 19.3) is None
    # Baseline override and averaging without any distance.
    over = NewPhysics(dm2_41_eV2=1.0, Ue4_sq=0.04, sterile_baseline_m=10.0)
    p = float(over.survival_probability("nu_e", np.array([30.0]), 19.3)[0])
    assert p == pytest.approx(1 - 4 * 0.04 * 0.96 * math.sin(PHASE_COEFF * 10 / 30) ** 2)
    averaged = NewPhysics(dm2_41_eV2=1.0, Ue4_sq=0.04).survival_probability(
        "nu_e", np.array([30.0]), None
    )
    assert float(averaged[0]) == pytest.approx(1 - 2 * 0.04 * 0.96)


def test_sterile_with_vanishing_splitting_is_sm():
    small = NewPhysics(dm2_41_eV2=1e-12, Ue4_sq=0.1)
    p = small.survival_probability("nu_e", np.array([5.0, 30.0]), 19.3)
    np.testing.assert_allclose(p, 1.0, atol=1e-15)
    assert NewPhysics(dm2_41_eV2=0.0, Ue4_sq=0.1).survival_probability("nu_e", 30.0, 19.3) is None


def test_sin2_2theta_parameterisation_helpers():
    for s in (1e-3, 0.1, 0.5):
        u = float(mixing_from_sin2_2theta(s))
        assert 4 * u * (1 - u) == pytest.approx(s, rel=1e-12)
        assert float(sin2_2theta_from_mixing(u)) == pytest.approx(s, rel=1e-12)
    assert float(sin2_2theta_from_mixing(0.1, 0.3)) == pytest.approx(4 * 0.1 * 0.7)


# ----------------------------------------------------------------------------------------------
# Rates: the engine against nested adaptive quadrature of the new-physics dsigma/dT
# ----------------------------------------------------------------------------------------------


M_MU_PI, M_PI = 105.6583755, 139.57039
PHI = 0.08 * 1.76e23 / (4 * math.pi * 1930.0**2)  # COHERENT 2017 fluence per flavour (R26)
E_LINE = (M_PI**2 - M_MU_PI**2) / (2 * M_PI)


def michel_nu_e(E):  # Pandey Eqs. (2)-(6)
    return PHI * 192 / M_MU_PI * (E / M_MU_PI) ** 2 * (0.5 - E / M_MU_PI)


def michel_nubar_mu(E):
    return PHI * 64 / M_MU_PI * (E / M_MU_PI) ** 2 * (0.75 - E / M_MU_PI)


class HandPionDARAtDistance(Source):
    """pi-DAR fluence written out by hand, at 19.3 m (the rate engine reads distance_m)."""

    normalisation = param.Selector(default="fluence", objects=["fluence", "flux"], constant=True)
    distance_m = param.Number(default=19.3)

    def components(self):
        return (
            Continuum("nu_e", 0.0, M_MU_PI / 2, michel_nu_e),
            Continuum("nubar_mu", 0.0, M_MU_PI / 2, michel_nubar_mu),
            Line("nu_mu", E_LINE, PHI),
        )


def test_recoil_spectrum_with_magnetic_moment_and_sterile_against_nested_quadrature():
    U = {"e": 0.05, "mu": 0.02}
    physics = NewPhysics(
        mu_nu_e_muB=1e-9, mu_nu_mu_muB=5e-10, dm2_41_eV2=1.0, Ue4_sq=U["e"], Umu4_sq=U["mu"]
    )

    def survival(lepton, E):
        return 1 - 4 * U[lepton] * (1 - 0.07) * math.sin(PHASE_COEFF * 19.3 / E) ** 2

    n = 1e25
    T_keV = np.array([0.5, 2.0, 8.0, 20.0])
    fast = recoil_spectrum(HandPionDARAtDistance(), {"Cs133": n}, T_keV, physics=physics).total
    M = mass("Cs133")
    slow = []
    for t in T_keV:
        T = t * 1e-3
        E_low = 0.5 * (T + math.sqrt(T * T + 2 * M * T))

        def dsdT(E, flavour, t=t):
            return float(cc.differential_cross_section(E, t, "Cs133", physics, flavour=flavour))

        total = 0.0
        for flux, flavour, lepton in (
            (michel_nu_e, "nu_e", "e"),
            (michel_nubar_mu, "nubar_mu", "mu"),
        ):
            val, _ = integrate.quad(
                lambda E, f=flux, fl=flavour, lp=lepton: f(E) * survival(lp, E) * dsdT(E, fl),
                E_low,
                M_MU_PI / 2,
                epsrel=1e-10,
                limit=200,
            )
            total += val
        if E_LINE >= E_low:
            total += PHI * survival("mu", E_LINE) * dsdT(E_LINE, "nu_mu")
        slow.append(n * total)
    np.testing.assert_allclose(fast, slow, rtol=1e-4)
    # Both effects are visible at this point.
    sm = recoil_spectrum(HandPionDARAtDistance(), {"Cs133": n}, T_keV).total
    assert fast[0] / sm[0] > 1.1
    osc_only = NewPhysics(dm2_41_eV2=1.0, Ue4_sq=U["e"], Umu4_sq=U["mu"])
    assert np.all(
        recoil_spectrum(HandPionDARAtDistance(), {"Cs133": n}, T_keV, osc_only).total < sm
    )


# ----------------------------------------------------------------------------------------------
# Flavour bookkeeping, registry, bad input
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "needs"),
    [
        ({}, False),
        ({"mu_nu_e_muB": 1e-10}, True),
        ({"mu_nu_e_muB": 1e-10, "mu_nu_mu_muB": 1e-10, "mu_nu_tau_muB": 1e-10}, False),
        ({"eps_uV_emu": 0.01}, True),
        ({"eps_dT_tautau": 0.01}, True),
        ({"r2_etau_cm2": 1e-32}, True),
        ({"millicharge_mu": 1e-9}, True),
        ({"zprime_coupling": 1e-4}, False),
        ({"zprime_coupling": 1e-4, "zprime_model": "b_minus_l"}, False),
        ({"zprime_coupling": 1e-4, "zprime_model": "le_minus_ltau"}, True),
        ({"zprime_model": "le_minus_ltau"}, False),
        ({"scalar_coupling": 1e-5}, False),
        ({"dm2_41_eV2": 1.0, "Ue4_sq": 0.1}, False),  # only the flux, always per flavour
        ({"flavour_radius": True}, True),
    ],
)
def test_needs_flavour(params, needs):
    assert NewPhysics(**params).needs_flavour is needs


def test_groups_cover_every_new_parameter_once():
    own = set(NewPhysics.param) - set(StandardModel.param)
    listed = [name for names in NEW_PHYSICS_GROUPS.values() for name in names]
    assert len(listed) == len(set(listed))
    assert set(listed) == own
    for name in listed:  # every parameter documented, numbers bounded
        p = NewPhysics.param[name]
        assert p.doc
        if isinstance(p, param.Number):
            assert p.bounds is not None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"zprime_mass_MeV": -1.0}, "zprime_mass_MeV"),
        ({"zprime_mass_MeV": 0.0}, "zprime_mass_MeV"),
        ({"scalar_mass_MeV": -5.0}, "scalar_mass_MeV"),
        ({"zprime_coupling": float("nan")}, "finite"),
        ({"eps_uV_ee": float("inf")}, "finite"),
        ({"mu_nu_e_muB": -1e-10}, "mu_nu_e_muB"),
        ({"Ue4_sq": 1.5}, "Ue4_sq"),
        ({"Ue4_sq": -0.1}, "Ue4_sq"),
        ({"Ue4_sq": 0.6, "Umu4_sq": 0.5}, "unitarity"),
        ({"sterile_baseline_m": float("inf")}, "finite"),
        ({"dm2_41_eV2": -1.0}, "dm2_41_eV2"),
        ({"zprime_model": "dark_photon"}, "zprime_model"),
        ({"scalar_charge": "lattice"}, "scalar_charge"),
        ({"mm_exact": "yes"}, "mm_exact"),
        ({"eps_u_ee": 0.1}, "unknown parameter"),
    ],
)
def test_bad_input_raises_cevns_error(params, message):
    with pytest.raises(CevnsError, match=message):
        NewPhysics(**params)


def test_bad_values_set_after_construction():
    physics = NewPhysics()
    physics.Ue4_sq = 0.7
    physics.Umu4_sq = 0.7  # each inside its bounds; together not unitary
    with pytest.raises(CevnsError, match="unitarity"):
        cc.differential_cross_section(E0, T0_KEV, "Cs133", physics)
    with pytest.raises(ValueError):  # param's own bound check (CevnsError is a ValueError too)
        physics.eps_uV_ee = float("nan")
    with pytest.raises(CevnsError):
        epsilon_from_zprime(1e-3, 1e-3, -10.0)
    with pytest.raises(CevnsError):
        sterile_survival_probability("nu_e", 10.0, 20.0, 1.0, {"e": 0.8, "tau": 0.8})
    with pytest.raises(CevnsError):
        kinetic_mixing_per_coupling(10.0, model="universal")
