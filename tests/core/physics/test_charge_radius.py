"""Charge radius (PHYSICS.md §7.7, §11 R27-R29; cevns_core.physics.charge_radius)."""

import math

import pytest

from cevns_core.physics import (
    NewPhysics,
)

from ._hand import (
    ALPHA,
    E0,
    GF,
    GN,
    GP,
    HBARC2_CM2,
    M_E,
    M_MU,
    M_TAU,
    SM_Q,
    T0_KEV,
    dsigma,
    vector_term,
)


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
