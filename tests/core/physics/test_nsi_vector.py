"""Vector NSI (PHYSICS.md §7.1; cevns_core.physics.nsi_vector): by hand at one point."""

import math

import pytest

import cevns_core as cc
from cevns_core.physics import (
    NewPhysics,
)

from ._hand import (
    E0,
    GN,
    GP,
    HBARC_FM,
    SM_Q,
    T0_KEV,
    dsigma,
    mass,
    q2_of,
    vector_term,
)


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
