"""Sterile 3+1 (PHYSICS.md §7.9, §11 R33; cevns_core.physics.sterile)."""

import math

import numpy as np
import pytest

import cevns_core as cc
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


# ------------------------------------------------------------------------------ appearance
def test_model_transitions_appearance_and_the_single_baseline_limit():
    U = {"e": 0.04, "mu": 0.02}
    physics = NewPhysics(dm2_41_eV2=1.3, Ue4_sq=U["e"], Umu4_sq=U["mu"])
    assert physics.appeared_flavours("nu_e") == ("nu_mu",)
    assert physics.appeared_flavours("nubar_mu") == ("nubar_e",)
    assert physics.appeared_flavours("nu_tau") == ()  # |U_τ4| = 0: ν_τ never oscillates
    assert NewPhysics(dm2_41_eV2=1.3, Ue4_sq=0.1).appeared_flavours("nu_e") == ()  # no partner
    E = np.geomspace(2.0, 50.0, 30)
    s = np.sin(PHASE_COEFF * 1.3 * 19.3 / E) ** 2
    stay = physics.transition_probability("nu_e", "nu_e", E, 19.3)
    gone = physics.transition_probability("nu_e", "nu_mu", E, 19.3)
    np.testing.assert_allclose(stay, 1 - 4 * 0.04 * 0.96 * s, rtol=1e-9)
    np.testing.assert_allclose(gone, 4 * 0.04 * 0.02 * s, rtol=1e-9)
    # active conservation: stay + appear = the disappearance-only survival (PKK Eq. (63))
    np.testing.assert_allclose(stay + gone, physics.survival_probability("nu_e", E, 19.3))
    assert physics.transition_probability("nu_tau", "nu_e", E, 19.3) is None
    # a vanishing spread is the point baseline, bit for bit
    np.testing.assert_array_equal(
        physics.survival_probability("nu_e", E, 19.3, spread_m=0.0),
        physics.survival_probability("nu_e", E, 19.3),
    )


def _reactor(**params):
    return cc.Reactor(thermal_power_GW=3.0, distance_m=20.0, **params)


def test_rate_engine_averages_over_the_source_baseline_spread():
    """The spectrum of a source with an RMS baseline spread σ against a Gauss–Hermite sum of
    point-baseline spectra (a second method: the closed-form average is not used)."""
    sigma, T = 1.5, np.array([0.05, 0.2, 0.6, 1.2])  # keVnr on Ge
    params = {"dm2_41_eV2": 2.0, "Ue4_sq": 0.1}
    spread = cc.recoil_spectrum(
        _reactor(distance_spread_m=sigma), "Ge", T, NewPhysics(**params)
    ).total
    x, w = np.polynomial.hermite_e.hermegauss(40)  # ∫ f(x) e^{−x²/2} dx
    summed = sum(
        wi
        / math.sqrt(2 * math.pi)
        * cc.recoil_spectrum(
            _reactor(), "Ge", T, NewPhysics(**params, sterile_baseline_m=20.0 + sigma * xi)
        ).total
        for xi, wi in zip(x, w, strict=True)
    )
    np.testing.assert_allclose(spread, summed, rtol=1e-9)
    point = cc.recoil_spectrum(_reactor(), "Ge", T, NewPhysics(**params)).total
    assert np.max(np.abs(spread / point - 1)) > 1e-3  # the spread matters at Δm² = 2 eV²


@pytest.mark.parametrize("model", ["sterile_emu", "sterile_e"])
def test_sterile_scans_fast_equals_per_point_with_spread_and_flavour_couplings(model):
    """Flavour-dependent SM couplings (Erler–Su): the appeared flux scatters with its own
    charge, (𝒬_β/𝒬_α)² in the fast path; a baseline spread on the source in both paths."""
    from cevns_core.scans import scan

    exp = cc.experiment("coherent_csi_2017")
    source = exp.source.param.values()
    source = type(exp.source)(**{k: v for k, v in source.items() if k != "name"})
    source.distance_spread_m = 0.5
    exp = exp.copy(source=source, physics=cc.StandardModel(couplings="flavour"))
    axis = "sin2_2theta_emu" if model == "sterile_emu" else "sin2_2theta"
    axes = {"dm2_41_eV2": [3.0, 40.0], axis: [0.05, 0.6]}
    fast = scan(exp, model, method="fast", **axes)
    slow = scan(exp, model, method="generic", **axes)
    np.testing.assert_allclose(fast.bin_counts, slow.bin_counts, rtol=1e-10, atol=0.0)
    flavour_blind = scan(exp.copy(physics=None), model, method="fast", **axes)
    assert np.max(np.abs(fast.counts / flavour_blind.counts - 1)) > 1e-4
