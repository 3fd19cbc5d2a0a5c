"""Electron NSI, light vector Z′ and light scalar in ν–e scattering.

Reference values and their sources are given next to each test.
"""

import math

import numpy as np
import pytest
from scipy import integrate

from cevns_core import NewPhysics, electron_scattering_cross_section
from cevns_core import electron_scattering_total_cross_section as sigma_total
from cevns_core.electron_scattering import ElectronInteractions
from cevns_core.electron_scattering.standard_model import WEAK_PREFACTOR_MeV3, t_max_MeV
from cevns_core.physics import epsilon_from_zprime, kinetic_mixing_per_coupling
from cevns_core.units import ALPHA, G_F_MeV2, HBARC2_MeV2_cm2, M_E_MeV

E_GRID = np.array([0.4, 2.0, 9.0])[:, None]
T_GRID_keV = np.array([1.0, 30.0, 300.0, 3000.0])[None, :]


def test_nsi_can_switch_the_charged_current_off():
    # g_V → g_V + ε^{eV}, g_A → g_A + ε^{eA} (Barranco, Miranda & Rashba, PRD 76 (2007) 073008):
    # ε^{eV}_ee = ε^{eA}_ee = −1 removes the +1 of the W exchange, so ν_e scatters like ν_μ.
    nsi = {"eps_eV_ee": -1.0, "eps_eA_ee": -1.0}
    for nu, nu_mu in (("nu_e", "nu_mu"), ("nubar_e", "nubar_mu")):
        np.testing.assert_allclose(
            electron_scattering_cross_section(E_GRID, T_GRID_keV, nu, electron_nsi=nsi),
            electron_scattering_cross_section(E_GRID, T_GRID_keV, nu_mu),
            rtol=1e-12,
        )


def test_flavour_changing_nsi_adds_a_channel_not_an_amplitude():
    # A purely left-handed ε^{eL}_{eμ} = ε (ε^V = ε^A = ε) opens ν_μ e → ν_e e with g_L = ε,
    # g_R = 0: Δσ = (2G_F² m_e/π) ε² T_max, independent of the sign of ε.
    E, eps = 3.0, 0.2
    sm = sigma_total(E, "nu_mu")
    for sign in (+1, -1):
        nsi = {"eps_eV_emu": sign * eps, "eps_eA_emu": sign * eps}
        added = float(sigma_total(E, "nu_mu", electron_nsi=nsi) - sm)
        expected = WEAK_PREFACTOR_MeV3 * eps**2 * float(t_max_MeV(E)) * HBARC2_MeV2_cm2
        assert added == pytest.approx(expected, rel=1e-10, abs=0)


def test_vector_zprime_agrees_with_the_vector_axial_literature_form():
    # Bilmis et al., PRD 92 (2015) 033009; Lindner, Rodejohann & Xu, JHEP 03 (2017) 097:
    # dσ/dT = (G_F² m_e/2π)[(g_V + g_A)² + (g_V − g_A)²(1 − T/E)² − (g_V² − g_A²) m_e T/E²]
    # with g_V → g_V + g_ν g_e/(√2 G_F (2 m_e T + M²)) (B − L: g_ν = g_e = −g).
    g, M, s2 = 3e-6, 5.0, 0.23857
    physics = NewPhysics(zprime_model="b_minus_l", zprime_coupling=g, zprime_mass_MeV=M)
    E, T_keV = np.broadcast_arrays(E_GRID, T_GRID_keV)
    T = T_keV * 1e-3
    for flavour, cc in (("nu_mu", 0.0), ("nu_e", 1.0)):
        gV = -0.5 + 2 * s2 + cc + g * g / (math.sqrt(2) * G_F_MeV2 * (2 * M_E_MeV * T + M * M))
        gA = -0.5 + cc
        bracket = (
            (gV + gA) ** 2
            + (gV - gA) ** 2 * (1 - T / E) ** 2
            - (gV**2 - gA**2) * M_E_MeV * T / E**2
        )
        expected = G_F_MeV2**2 * M_E_MeV / (2 * math.pi) * bracket * HBARC2_MeV2_cm2 * 1e-3
        expected = np.where(T <= t_max_MeV(E), expected, 0.0)
        got = electron_scattering_cross_section(E, T_keV, flavour, physics)
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("model", ["universal", "b_minus_l", "le_minus_lmu"])
def test_heavy_zprime_is_a_contact_nsi(model):
    # Contact limit (PHYSICS §7.3, cevns_core.physics.epsilon_from_zprime):
    # ε^{eV} = g_ν g_e/(√2 G_F M²) for M² ≫ 2 m_e T.
    g, M = 2e-3, 1e5
    g_nu, g_e = {"universal": (g, g), "b_minus_l": (-g, -g), "le_minus_lmu": (g, g)}[model]
    eps = epsilon_from_zprime(g_nu, g_e, M)
    physics = NewPhysics(zprime_model=model, zprime_coupling=g, zprime_mass_MeV=M)
    got = electron_scattering_cross_section(E_GRID, T_GRID_keV, "nu_e", physics)
    contact = electron_scattering_cross_section(
        E_GRID, T_GRID_keV, "nu_e", electron_nsi={"eps_eV_ee": eps}
    )
    # the loop-induced electron coupling of L_e − L_μ adds −e ε(Q) ≈ −0.8 % of g at Q → 0
    rtol = 2e-2 if model == "le_minus_lmu" else 1e-6
    np.testing.assert_allclose(got, contact, rtol=rtol)


def test_lmu_minus_ltau_acts_through_the_loop_only():
    # L_μ − L_τ: no tree-level electron charge; the μ, τ loops give the electron −e ε(Q), with
    # ε/g = 0.01443 at Q → 0 (PHYSICS R32). ν_e is untouched; ν_μ and ν_τ get opposite shifts.
    g, M = 1e-4, 10.0
    model = ElectronInteractions.from_physics(
        NewPhysics(zprime_model="lmu_minus_ltau", zprime_coupling=g, zprime_mass_MeV=M)
    )
    sm = ElectronInteractions.from_physics(None)
    T = np.array([1e-6, 1e-3])
    shift = {
        f: model.channel_couplings(f, T)[f.split("_")[1]][0]
        - sm.channel_couplings(f, T)[f.split("_")[1]][0]
        for f in ("nu_e", "nu_mu", "nu_tau")
    }
    np.testing.assert_array_equal(shift["nu_e"], 0.0)
    np.testing.assert_allclose(shift["nu_mu"], -shift["nu_tau"], rtol=1e-12)
    e = math.sqrt(4 * math.pi * ALPHA)
    Q = np.sqrt(2 * M_E_MeV * T)
    expected = (
        g * (-e * g * kinetic_mixing_per_coupling(Q)) / (math.sqrt(2) * G_F_MeV2 * (Q**2 + M**2))
    )
    np.testing.assert_allclose(shift["nu_mu"], expected, rtol=1e-12)
    assert float(kinetic_mixing_per_coupling(0.0)) == pytest.approx(0.01443, rel=1e-3, abs=0)


def test_scalar_adds_without_interference_and_has_the_low_recoil_form():
    # dσ_φ/dT = g⁴ m_e² T (1 + T/2m_e)/(4π E² (2 m_e T + M²)²) (derived in
    # cevns_core.electron_scattering.mediators); for T ≪ m_e the form of Cerdeño et al.,
    # JHEP 05 (2016) 118, g_ν² g_e² m_e² T/(4π E² (2 m_e T + M²)²).
    g, M = 1e-5, 1.0
    physics = NewPhysics(scalar_coupling=g, scalar_mass_MeV=M)
    E = 2.0
    T_keV = np.array([0.01, 0.1, 1.0])  # T ≪ m_e
    T = T_keV * 1e-3
    added = electron_scattering_cross_section(E, T_keV, "nubar_mu", physics) - (
        electron_scattering_cross_section(E, T_keV, "nubar_mu")
    )
    low_recoil = g**4 * M_E_MeV**2 * T / (4 * math.pi * E**2 * (2 * M_E_MeV * T + M**2) ** 2)
    np.testing.assert_allclose(added, low_recoil * HBARC2_MeV2_cm2 * 1e-3, rtol=2e-3)
    # the same for every flavour (no SM interference, universal coupling)
    for flavour in ("nu_e", "nubar_e", "nu_tau"):
        other = electron_scattering_cross_section(E, T_keV, flavour, physics) - (
            electron_scattering_cross_section(E, T_keV, flavour)
        )
        np.testing.assert_allclose(other, added, rtol=1e-9)


@pytest.mark.parametrize(
    "physics",
    [
        NewPhysics(scalar_coupling=3e-6, scalar_mass_MeV=0.05),
        NewPhysics(zprime_model="b_minus_l", zprime_coupling=5e-6, zprime_mass_MeV=0.3),
        NewPhysics(zprime_model="lmu_minus_ltau", zprime_coupling=3e-4, zprime_mass_MeV=20.0),
    ],
)
@pytest.mark.parametrize("E", [0.2, 5.0])
def test_numeric_total_equals_adaptive_quadrature(physics, E):
    # The fixed ln-T Gauss–Legendre rule of the total against scipy's adaptive quadrature of
    # the differential cross section (split at the mediator scale M²/2m_e).
    flavour = "nu_mu"
    T_max_keV = float(t_max_MeV(E)) * 1e3
    M = physics.scalar_mass_MeV if physics.scalar_coupling else physics.zprime_mass_MeV
    scale = min(M * M / (2 * M_E_MeV) * 1e3, 0.5 * T_max_keV)
    f = lambda t: float(electron_scattering_cross_section(E, t, flavour, physics))  # noqa: E731
    numeric = sum(
        integrate.quad(f, a, b, epsabs=0.0, epsrel=1e-11, limit=400)[0]
        for a, b in ((0.0, scale), (scale, T_max_keV))
    )
    assert float(sigma_total(E, flavour, physics)) == pytest.approx(numeric, rel=1e-7, abs=0)
