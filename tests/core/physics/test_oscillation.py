"""Mixing and oscillation (cevns_core.physics.oscillation): the PMNS matrix, the 3+1
probabilities with appearance, and the averaging over a distribution of baselines."""

import math

import numpy as np
import pytest
from scipy import integrate

from cevns_core.errors import CevnsError
from cevns_core.physics import (
    PMNS_NUFIT52,
    pmns_matrix,
    sterile_probabilities,
    sterile_transition_probability,
)
from cevns_core.physics.oscillation import STERILE, oscillation_sin2

from ._hand import PHASE_COEFF


# ------------------------------------------------------------------------------ PMNS
def test_pmns_is_unitary_with_the_pdg_moduli_and_jarlskog_invariant():
    s12, s13, s23, delta = 0.31, 0.022, 0.55, 230.0
    U = pmns_matrix(s12, s13, s23, delta)
    np.testing.assert_allclose(U @ U.conj().T, np.eye(3), atol=1e-15)
    c12, c13, c23 = 1 - s12, 1 - s13, 1 - s23  # cosines squared
    # moduli of the standard parametrisation (PDG, Review of Particle Physics, Eq. 14.33)
    assert abs(U[0, 0]) ** 2 == pytest.approx(c12 * c13, rel=1e-14)
    assert abs(U[0, 1]) ** 2 == pytest.approx(s12 * c13, rel=1e-14)
    assert abs(U[0, 2]) ** 2 == pytest.approx(s13, rel=1e-14)
    assert abs(U[1, 2]) ** 2 == pytest.approx(s23 * c13, rel=1e-14)
    assert abs(U[2, 2]) ** 2 == pytest.approx(c23 * c13, rel=1e-14)
    # the phase convention: J = Im(U_e1 U_μ2 U*_e2 U*_μ1) = c12 s12 c23 s23 c13² s13 sin δ
    J = (U[0, 0] * U[1, 1] * U[0, 1].conj() * U[1, 0].conj()).imag
    expected = math.sqrt(c12 * s12 * c23 * s23 * s13) * c13 * math.sin(math.radians(delta))
    assert J == pytest.approx(expected, rel=1e-12)
    # the NuFIT 5.2 defaults (normal ordering, with SK atmospheric data)
    assert abs(pmns_matrix()[0, 2]) ** 2 == pytest.approx(PMNS_NUFIT52["sin2_theta13"])
    with pytest.raises(CevnsError, match="sin2_theta12"):
        pmns_matrix(1.5, 0.02, 0.5, 0.0)


# ------------------------------------------------------------------------------ averaging
@pytest.mark.parametrize("profile", ["gaussian", "uniform"])
@pytest.mark.parametrize(("dm2", "E", "spread"), [(1.0, 3.0, 0.85), (5.0, 2.0, 0.3)])
def test_averaging_over_baselines_against_quadrature(profile, dm2, E, spread):
    L = 20.0
    k = PHASE_COEFF * dm2 / E
    if profile == "gaussian":
        # ∫ N(L'; L, σ) sin²(kL') dL' by adaptive quadrature over ±12σ
        val, _ = integrate.quad(
            lambda x: math.exp(-0.5 * ((x - L) / spread) ** 2) * math.sin(k * x) ** 2,
            L - 12 * spread,
            L + 12 * spread,
            epsabs=1e-13,
            limit=400,
        )
        expected = val / (math.sqrt(2 * math.pi) * spread)
    else:
        w = math.sqrt(12.0) * spread  # a box of RMS σ
        val, _ = integrate.quad(lambda x: math.sin(k * x) ** 2, L - w / 2, L + w / 2, limit=400)
        expected = val / w
    got = float(oscillation_sin2(dm2, L, E, spread, profile))
    assert got == pytest.approx(expected, rel=1e-9)
    assert abs(got - math.sin(k * L) ** 2) > 1e-3  # the averaging does something here


def test_averaging_limits():
    E = np.array([1.0, 3.0, 8.0])
    point = oscillation_sin2(2.0, 20.0, E)
    np.testing.assert_array_equal(oscillation_sin2(2.0, 20.0, E, 0.0), point)  # the same path
    np.testing.assert_allclose(oscillation_sin2(2.0, 20.0, E, 1e-7), point, atol=1e-12)
    np.testing.assert_allclose(oscillation_sin2(2.0, 20.0, E, 9.0), 0.5, atol=1e-6)  # kσ ≫ 1
    with pytest.raises(CevnsError, match="half the baseline"):
        oscillation_sin2(2.0, 20.0, E, 11.0)
    with pytest.raises(CevnsError, match="baseline profile"):
        oscillation_sin2(2.0, 20.0, E, 1.0, "cosine")


# ------------------------------------------------------------------------------ 3+1
E_GRID = np.geomspace(1.0, 60.0, 200)


@pytest.mark.parametrize("flavour", ["nu_e", "nu_mu", "nubar_e", "nubar_tau"])
def test_appearance_disappearance_and_sterile_sum_to_one(flavour):
    U2 = {"e": 0.03, "mu": 0.02, "tau": 0.01}
    p = sterile_probabilities(flavour, E_GRID, 19.3, 1.7, U2)
    assert set(p) == {*(f"{flavour.split('_')[0]}_{lp}" for lp in U2), STERILE}
    np.testing.assert_allclose(sum(p.values()), 1.0, atol=1e-15)
    assert all(np.all((v >= 0) & (v <= 1)) for v in p.values())
    active = sum(v for k, v in p.items() if k != STERILE)
    assert np.all(active <= 1.0 + 1e-15) and np.min(active) < 0.97  # some flux goes sterile
    # the active sum is PKK Eq. (63): 1 − 4|U_α4|²(1 − Σ|U_β4|²) sin²Δ
    a = flavour.split("_")[1]
    s = np.sin(PHASE_COEFF * 1.7 * 19.3 / E_GRID) ** 2
    np.testing.assert_allclose(active, 1 - 4 * U2[a] * (1 - 0.06) * s, rtol=1e-12)
    # appearance by hand: 4|U_α4|²|U_β4|² sin²Δ
    for b in U2:
        if b != a:
            got = sterile_transition_probability(
                flavour, f"{flavour[: -len(a)]}{b}", E_GRID, 19.3, 1.7, U2
            )
            np.testing.assert_allclose(got, 4 * U2[a] * U2[b] * s, rtol=1e-9)


def test_without_sterile_mixing_the_active_probabilities_sum_to_one():
    # |U_s4|² = 1 − Σ|U_β4|² = 0: ν4 has no sterile component, the flavour still changes
    U2 = {"e": 0.5, "mu": 0.3, "tau": 0.2}
    p = sterile_probabilities("nu_mu", E_GRID, 19.3, 2.0, U2)
    np.testing.assert_allclose(p[STERILE], 0.0, atol=1e-15)
    np.testing.assert_allclose(p["nu_e"] + p["nu_mu"] + p["nu_tau"], 1.0, atol=1e-15)
    assert np.max(p["nu_e"]) > 0.5  # large appearance
    # no mixing at all: nothing happens
    none = sterile_probabilities("nu_e", E_GRID, 19.3, 2.0, {})
    np.testing.assert_array_equal(none["nu_e"], 1.0)
    assert not np.any(none["nu_mu"]) and not np.any(none[STERILE])


def test_antineutrinos_oscillate_like_neutrinos_and_bad_final_states():
    U2 = {"e": 0.04, "mu": 0.02}
    nu = sterile_probabilities("nu_e", E_GRID, 28.0, 3.0, U2)
    nubar = sterile_probabilities("nubar_e", E_GRID, 28.0, 3.0, U2)
    for lp in ("e", "mu", "tau"):
        np.testing.assert_array_equal(nu[f"nu_{lp}"], nubar[f"nubar_{lp}"])
    with pytest.raises(CevnsError, match="stays a neutrino"):
        sterile_transition_probability("nu_e", "nubar_mu", 10.0, 20.0, 1.0, U2)
    with pytest.raises(CevnsError, match="unknown flavour_out"):
        sterile_transition_probability("nu_e", "nu_x", 10.0, 20.0, 1.0, U2)
    with pytest.raises(CevnsError, match="unitarity"):
        sterile_probabilities("nu_e", 10.0, 20.0, 1.0, {"e": 0.6, "mu": 0.6})


def test_inputs_out_of_range_or_unknown_are_refused():
    """{"e4": 0.1} meant no mixing at all; Δm² = 1e308 and E = 5e-324 overflowed the phase."""
    from cevns_core.physics.oscillation import (
        oscillation_phase,
        sterile_probabilities,
        sterile_transition_probability,
    )
    from cevns_core.physics.sterile import sterile_survival_probability

    with pytest.raises(CevnsError, match="unknown sterile mixing 'e4'; use the keys: e, mu, tau"):
        sterile_probabilities("nu_e", 30.0, 19.3, 1.0, {"e4": 0.1})
    with pytest.raises(CevnsError, match="sterile mixings must be a mapping"):
        sterile_probabilities("nu_e", 30.0, 19.3, 1.0, None)
    with pytest.raises(CevnsError, match=r"dm2_eV2 must lie in \[0, 1e\+06\]"):
        oscillation_phase(1e308, 19.3, 30.0)
    with pytest.raises(CevnsError, match=r"E_MeV must lie in \[1e-09, 1e\+06\] MeV"):
        sterile_probabilities("nu_e", 5e-324, 19.3, 1.0, {"e": 0.1})
    with pytest.raises(CevnsError, match="shapes do not broadcast"):
        oscillation_phase([1.0, 2.0], [1.0, 2.0, 3.0], 30.0)
    with pytest.raises(CevnsError, match="dm2_eV2 must be a number"):
        sterile_survival_probability("nu_e", 30.0, 19.3, "abc", {"e": 0.1})  # TypeError before
    with pytest.raises(CevnsError, match="dm2_eV2 must be finite"):
        sterile_survival_probability("nu_e", 30.0, 19.3, math.nan, {"e": 0.1})  # NaN before
    with pytest.raises(CevnsError, match="unknown flavour_out"):
        sterile_transition_probability("nu_e", ["nu_mu"], 30.0, 19.3, 1.0, {"e": 0.1})
