"""Magnetic moment (PHYSICS.md §7.5, §11 R30; cevns_core.physics.magnetic_moment)."""

import math

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.physics import (
    NewPhysics,
    effective_magnetic_moments,
)

from ._hand import (
    ALPHA,
    GN,
    GP,
    M_E,
    dsigma,
    per_keV,
    vector_term,
)


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
