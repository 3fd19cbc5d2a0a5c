"""Millicharge (PHYSICS.md §7.8; cevns_core.physics.millicharge)."""

import math

import numpy as np
import pytest

import cevns_core as cc
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
    SM_Q,
    T0_KEV,
    dsigma,
    q2_of,
    vector_term,
)


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
