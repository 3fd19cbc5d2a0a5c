"""Sterile 3+1 (PHYSICS.md §7.9, §11 R33; cevns_core.physics.sterile)."""

import math

import numpy as np
import pytest

from cevns_core.physics import (
    NewPhysics,
    mixing_from_sin2_2theta,
    oscillation_phase,
    sin2_2theta_from_mixing,
    sterile_survival_probability,
)

from ._hand import (
    PHASE_COEFF,
)


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
