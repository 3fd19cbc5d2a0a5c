"""Tensor NSI (PHYSICS.md §7.2; cevns_core.physics.nsi_tensor): by hand at one point."""

import math

import pytest

from cevns_core.physics import (
    NewPhysics,
)

from ._hand import (
    E0,
    GF,
    SM_Q,
    T0_KEV,
    dsigma,
    mass,
    per_keV,
    vector_term,
)


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
