"""Transition magnetic moments in the mass basis (PKK Eqs. (54)–(61), Fig. 14; PHYSICS.md §7.5;
cevns_core.physics.transition_moment)."""

import math

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.electron_scattering import ElectronInteractions
from cevns_core.physics import NewPhysics, effective_magnetic_moments, pmns_matrix
from cevns_core.physics.transition_moment import (
    effective_moment_squared,
    effective_moment_squared_at,
    mass_basis_moments,
    moment_matrix,
)

from ._hand import ALPHA, M_E, dsigma, per_keV

#: no mixing: U = 1 (every angle and phase zero)
FLAVOUR_BASIS = {
    "pmns_sin2_theta12": 0.0,
    "pmns_sin2_theta13": 0.0,
    "pmns_sin2_theta23": 0.0,
    "pmns_delta_cp_deg": 0.0,
}
#: the point of the hand computations: NuFIT-like angles, complex Λ_i
S12, S13, S23, DELTA = 0.303, 0.02203, 0.572, 197.0
LAM = (2e-10, 1e-10, 0.5e-10)
ZETA = (0.0, 90.0, 45.0)


def _tmm(lam=LAM, zeta=ZETA, **extra):
    params = {f"tmm_Lambda{i}_muB": v for i, v in zip("123", lam, strict=True)}
    params |= {f"tmm_zeta{i}_deg": v for i, v in zip("123", zeta, strict=True)}
    return NewPhysics(**params, **extra)


def test_flavour_basis_limit_recovers_the_per_flavour_moments():
    # U = 1: Λ_1,2,3 are Λ_e,μ,τ and μ²_να = Σ_{β≠α}|Λ_β|² (PKK Eqs. (56)–(58), flavour basis)
    lam = (1e-10, 3e-10, 2e-10)
    physics = _tmm(lam, (0.0, 0.0, 0.0), **FLAVOUR_BASIS)
    expected = effective_magnetic_moments(*lam)
    got = physics.effective_magnetic_moments_muB()
    for lepton in ("e", "mu", "tau"):
        assert got[lepton] == pytest.approx(expected[lepton], rel=1e-14)
    # and the cross section is that of the existing flavour-basis moments
    flavour_basis = NewPhysics(**{f"mu_nu_{a}_muB": expected[a] for a in ("e", "mu", "tau")})
    for flavour in ("nu_e", "nubar_mu", "nu_tau"):
        assert dsigma(physics, flavour, E=3.0, T_keV=0.05, name="Ge72") == pytest.approx(
            dsigma(flavour_basis, flavour, E=3.0, T_keV=0.05, name="Ge72"), rel=1e-12
        )


def test_any_mixing_is_a_change_of_basis():
    # Λ_i = det(U) Σ_α U*_αi Λ_α (from λ̃ = UᵀλU, PKK Eq. (57)): the mass-basis moments of a
    # flavour-basis matrix give back Σ_{β≠α}|Λ_β|² for every flavour, whatever U and phases.
    U = pmns_matrix(S12, S13, S23, DELTA)
    lam_flavour = np.array([1e-10, 2e-10j, (1 + 1j) * 1e-10])
    lam_mass = mass_basis_moments(lam_flavour, U)
    np.testing.assert_allclose(
        moment_matrix(lam_mass), U.T @ moment_matrix(lam_flavour) @ U, atol=1e-25
    )
    expected = effective_magnetic_moments(*lam_flavour)
    for lepton in ("e", "mu", "tau"):
        for kind in ("nu", "nubar"):
            mu2 = effective_moment_squared(
                f"{kind}_{lepton}", np.abs(lam_mass), np.degrees(np.angle(lam_mass)), U
            )
            assert float(mu2) == pytest.approx(expected[lepton] ** 2, rel=1e-12)


@pytest.mark.parametrize("flavour", ["nu_e", "nubar_e", "nu_mu", "nubar_mu"])
def test_closed_form_against_the_matrix_form_of_pkk_eq_56(flavour):
    # (μ^M)² = ã₋†λ̃†λ̃ã₋ + ã₊†λ̃λ̃†ã₊, ã₋ = U†a₋, ã₊ = Uᵀa₊, a₋ (a₊) = e_α for ν_α (ν̄_α)
    U = pmns_matrix(S12, S13, S23, DELTA)
    lam = np.array(LAM) * np.exp(1j * np.radians(ZETA))
    L = moment_matrix(lam)
    e_alpha = np.zeros(3, dtype=complex)
    e_alpha[["e", "mu", "tau"].index(flavour.split("_")[1])] = 1.0
    zero = np.zeros(3, dtype=complex)
    a_minus, a_plus = (zero, e_alpha) if flavour.startswith("nubar") else (e_alpha, zero)
    am, ap = U.conj().T @ a_minus, U.T @ a_plus
    by_matrix = (am.conj() @ L.conj().T @ L @ am + ap.conj() @ L @ L.conj().T @ ap).real
    got = float(effective_moment_squared(flavour, LAM, ZETA, U))
    assert got == pytest.approx(by_matrix, rel=1e-12)


def _reactor_by_hand(lam, zeta, delta):
    """μ²(ν̄_e) written out (module docstring; Miranda et al. 2019 for the reactor case)."""
    c12, s12 = math.sqrt(1 - S12), math.sqrt(S12)
    c13, s13 = math.sqrt(1 - S13), math.sqrt(S13)
    (l1, l2, l3), (z1, z2, z3) = lam, (math.radians(z) for z in zeta)
    d = math.radians(delta)
    return (
        l1**2
        + l2**2
        + l3**2
        - c12**2 * c13**2 * l1**2
        - s12**2 * c13**2 * l2**2
        - s13**2 * l3**2
        - 2 * c12 * s12 * c13**2 * l1 * l2 * math.cos(z1 - z2)
        - 2 * c12 * c13 * s13 * l1 * l3 * math.cos(z1 - z3 + d)
        - 2 * s12 * c13 * s13 * l2 * l3 * math.cos(z2 - z3 + d)
    )


def test_reactor_moment_and_cross_section_by_hand():
    mu2 = _reactor_by_hand(LAM, ZETA, DELTA)
    U = pmns_matrix(S12, S13, S23, DELTA)
    assert float(effective_moment_squared("nubar_e", LAM, ZETA, U)) == pytest.approx(mu2, rel=1e-12)
    physics = _tmm(pmns_sin2_theta12=S12, pmns_sin2_theta13=S13, pmns_sin2_theta23=S23)
    assert physics.pmns_delta_cp_deg == DELTA  # the NuFIT 5.2 default
    assert physics.effective_magnetic_moments_muB()["e"] == pytest.approx(math.sqrt(mu2))
    # dσ/dT − SM = πα²μ²Z²/m_e² (1/T − 1/E) for a point nucleus (PHYSICS §7.5)
    E, T_keV = 3.0, 0.05
    T = T_keV * 1e-3
    extra = per_keV(math.pi * ALPHA**2 * mu2 * 32**2 / M_E**2 * (1 / T - 1 / E))
    got = dsigma(physics, "nubar_e", E=E, T_keV=T_keV, name="Ge72") - dsigma(
        None, "nubar_e", E=E, T_keV=T_keV, name="Ge72"
    )
    assert got == pytest.approx(extra, rel=1e-9)
    # the phases matter: all-real gives another moment
    real = _reactor_by_hand(LAM, (0, 0, 0), 0.0)
    assert abs(real / mu2 - 1) > 0.1


def test_propagation_phases_and_the_two_regimes():
    U = pmns_matrix(S12, S13, S23, DELTA)
    at_source = float(effective_moment_squared("nubar_e", LAM, ZETA, U))
    E = np.array([2.0, 4.0, 8.0])
    np.testing.assert_allclose(
        effective_moment_squared_at("nubar_e", E, 0.0, LAM, ZETA, U), at_source, rtol=1e-13
    )
    # at a reactor CEvNS baseline (≤ 30 m) the phases move μ² by less than 1 %
    near = effective_moment_squared_at("nubar_e", E, 30.0, LAM, ZETA, U)
    assert np.max(np.abs(near / at_source - 1)) < 1e-2
    # averaged over L/E (uniform, ~1000 periods of Δm²₂₁), the interference terms vanish: the
    # incoherent regime
    L_over_E = np.linspace(1e5, 3.25e7, 700001)  # m/MeV
    far = effective_moment_squared_at("nubar_e", 1e7 / L_over_E, 1e7, LAM, ZETA, U).mean()
    incoherent = float(effective_moment_squared("nubar_e", LAM, ZETA, U, "incoherent"))
    assert far == pytest.approx(incoherent, rel=3e-3)
    assert abs(incoherent / at_source - 1) > 0.1  # the two regimes differ here
    # incoherent regime by hand: |Λ|² − Σ_i |U_ei|²|Λ_i|²
    by_hand = sum(x * x for x in LAM) - sum(abs(U[0, i]) ** 2 * LAM[i] ** 2 for i in range(3))
    assert incoherent == pytest.approx(by_hand, rel=1e-13)
    # ν and ν̄ differ only through the propagation phases
    assert float(effective_moment_squared("nu_e", LAM, ZETA, U)) == pytest.approx(at_source)


def test_model_bookkeeping_and_divergence():
    physics = _tmm()
    assert physics.active_groups() == ["transition_moment"]
    assert physics.needs_flavour
    assert "transition magnetic moment" in physics.zero_recoil_divergence("nubar_e")
    # phases or mixing alone switch nothing on
    assert NewPhysics(tmm_zeta1_deg=30.0, pmns_delta_cp_deg=0.0).active_groups() == []
    # flavour-basis and transition moments add their squares
    both = _tmm(mu_nu_e_muB=1e-10)
    assert both.effective_magnetic_moments_muB()["e"] ** 2 == pytest.approx(
        physics.effective_magnetic_moments_muB()["e"] ** 2 + 1e-20, rel=1e-12
    )
    with pytest.raises(cc.CevnsError, match="tmm_regime"):
        NewPhysics(tmm_regime="decoherent")


def test_electron_scattering_reads_the_effective_moment():
    physics = _tmm()
    mu = physics.effective_magnetic_moments_muB()
    assert ElectronInteractions.from_physics(physics).magnetic_moment_muB == pytest.approx(mu)
    same = NewPhysics(mu_nu_e_muB=mu["e"])
    T = np.array([0.1, 1.0, 10.0])
    np.testing.assert_allclose(
        cc.electron_scattering_cross_section(3.0, T, "nubar_e", physics),
        cc.electron_scattering_cross_section(3.0, T, "nubar_e", same),
        rtol=1e-12,
    )


def test_reactor_scan_is_the_quadratic_form_of_the_moment():
    """PKK Fig. 14: on a reactor (ν̄_e only) the excess is ∝ μ²(ν̄_e), a quadratic form in
    (|Λ₁|, |Λ₂|) with the cross term −2 Re(U_e1 U*_e2)|Λ₁||Λ₂| cos(ζ₁ − ζ₂) (ζ = 0 here)."""
    from cevns_core.scans import scan

    exp = cc.experiment("conus")
    a, b = 4e-10, 6e-10
    res = scan(exp, "tmm_12", Lambda1_muB=[0.0, a], Lambda2_muB=[0.0, b])
    excess = res.counts - res.counts[0, 0]
    U = pmns_matrix()
    K = excess[1, 0] / (a * a * (1 - abs(U[0, 0]) ** 2))
    expected_b = K * b * b * (1 - abs(U[0, 1]) ** 2)
    expected_ab = excess[1, 0] + expected_b - 2 * K * a * b * (U[0, 0] * U[0, 1].conj()).real
    assert excess[0, 1] == pytest.approx(expected_b, rel=1e-9)
    assert excess[1, 1] == pytest.approx(expected_ab, rel=1e-9)
    assert excess[1, 1] < excess[1, 0] + excess[0, 1]  # the tilt of the Fig. 14 ellipses
