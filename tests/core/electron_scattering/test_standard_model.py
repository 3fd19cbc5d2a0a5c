"""Standard-Model ν–e elastic scattering on a free electron (cevns_core.electron_scattering).

Reference values and their sources are given next to each test; nothing outside the package is read.
"""

import math

import numpy as np
import pytest
from scipy import integrate

from cevns_core import electron_scattering_cross_section, electron_scattering_total_cross_section
from cevns_core.electron_scattering.standard_model import (
    WEAK_PREFACTOR_MeV3,
    chiral_couplings,
    sm_electron_couplings,
    t_max_MeV,
    weak_dsigma_dT,
    weak_integral,
)
from cevns_core.units import G_F_MeV2, HBARC2_MeV2_cm2, M_E_MeV
from cevns_core.weak_charges import StandardModel

FLAVOURS = ("nu_e", "nu_mu", "nu_tau", "nubar_e", "nubar_mu", "nubar_tau")


def couplings(flavour, s2=0.23857):
    return chiral_couplings(*sm_electron_couplings(flavour, s2), flavour)


def test_couplings_follow_the_standard_convention():
    # Vogel & Engel, PRD 39 (1989) 3378, Eq. (1): g_V = 2 sin²θ_W ± 1/2, g_A = ±1/2 (+ for ν_e,
    # − for ν_μ, ν_τ); the package writes the same as g_V = −½ + 2s² + δ_αe, g_A = −½ + δ_αe.
    s2 = 0.2312
    assert sm_electron_couplings("nu_mu", s2) == pytest.approx((2 * s2 - 0.5, -0.5))
    assert sm_electron_couplings("nu_tau", s2) == pytest.approx((2 * s2 - 0.5, -0.5))
    assert sm_electron_couplings("nu_e", s2) == pytest.approx((2 * s2 + 0.5, 0.5))
    # antineutrinos: g_A → −g_A, i.e. g_L ↔ g_R
    gL, gR = couplings("nu_mu", s2)
    assert (float(gL), float(gR)) == pytest.approx((s2 - 0.5, s2))
    g1, g2 = couplings("nubar_e", s2)
    assert (float(g1), float(g2)) == pytest.approx((s2, s2 + 0.5))


def test_t_max_is_the_compton_edge():
    # T_max = 2E²/(m_e + 2E): ⁷Be 862 keV line → 665 keV (Borexino's "Compton-like edge"),
    # E ≫ m_e → E − m_e/2.
    assert float(t_max_MeV(0.8613)) == pytest.approx(0.6643, abs=2e-4)
    E = 1e4
    assert float(t_max_MeV(E)) == pytest.approx(E - M_E_MeV / 2, rel=1e-7, abs=0)


# 't Hooft, Phys. Lett. B 37 (1971) 195 (also Giunti & Kim, Fundamentals of Neutrino Physics and
# Astrophysics, OUP 2007): for E ≫ m_e, σ = (G_F² m_e E/2π) × P(x), x = sin²θ_W, with
# P = 1 + 4x + 16x²/3 (ν_e), 1 − 4x + 16x²/3 (ν_μ, ν_τ), 1/3 + 4x/3 + 16x²/3 (ν̄_e),
# 1/3 − 4x/3 + 16x²/3 (ν̄_μ, ν̄_τ).
HIGH_ENERGY_POLYNOMIAL = {
    "nu_e": lambda x: 1 + 4 * x + 16 * x * x / 3,
    "nu_mu": lambda x: 1 - 4 * x + 16 * x * x / 3,
    "nu_tau": lambda x: 1 - 4 * x + 16 * x * x / 3,
    "nubar_e": lambda x: 1 / 3 + 4 * x / 3 + 16 * x * x / 3,
    "nubar_mu": lambda x: 1 / 3 - 4 * x / 3 + 16 * x * x / 3,
    "nubar_tau": lambda x: 1 / 3 - 4 * x / 3 + 16 * x * x / 3,
}


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("x", [0.2230, 0.2312, 0.23857])
def test_total_cross_section_tends_to_the_textbook_high_energy_limit(flavour, x):
    E = 2e4  # MeV ≫ m_e: corrections O(m_e/E) ~ 3e-5
    sigma = float(
        electron_scattering_total_cross_section(E, flavour, StandardModel(sin2_theta_W=x))
    )
    textbook = G_F_MeV2**2 * M_E_MeV * E / (2 * math.pi) * HIGH_ENERGY_POLYNOMIAL[flavour](x)
    assert sigma == pytest.approx(textbook * HBARC2_MeV2_cm2, rel=2e-4, abs=0)


def test_high_energy_slopes_match_the_quoted_values():
    # The textbook formulas at x = 0.23 give σ/E = 9.49, 3.97, 1.56, 1.33 × 10⁻⁴⁵ cm²/MeV for
    # ν_e, ν̄_e, ν_μ, ν̄_μ (formulas of the test above, 't Hooft 1971 / Giunti & Kim 2007), the
    # slopes usually quoted to two digits as 9.5, 4.0, 1.6, 1.3 × 10⁻⁴² cm² (E/GeV).
    quoted = {"nu_e": 9.49, "nubar_e": 3.97, "nu_mu": 1.56, "nubar_mu": 1.33}
    physics = StandardModel(sin2_theta_W=0.23)
    E = 2e4
    for flavour, slope in quoted.items():
        got = float(electron_scattering_total_cross_section(E, flavour, physics)) / E / 1e-45
        assert got == pytest.approx(slope, abs=0.006), flavour


def test_nu_e_slope_agrees_with_the_lsnd_measurement():
    # LSND, Auerbach et al., PRD 63 (2001) 112001: σ(ν_e e) = [10.1 ± 1.1 (stat) ± 1.0 (syst)]
    # × E_ν[MeV] × 10⁻⁴⁵ cm² (decay-at-rest ν_e, 20–53 MeV). The destructive CC–NC interference
    # matters: with the opposite sign of the CC term the slope would be ≈ 28 × 10⁻⁴⁵.
    E = np.linspace(20.0, 52.8, 12)
    slope = electron_scattering_total_cross_section(E, "nu_e") / E / 1e-45
    assert np.all(np.abs(slope - 10.1) < math.hypot(1.1, 1.0))


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("E", [0.05, 0.8613, 8.0, 50.0])
def test_closed_form_integral_equals_quadrature(flavour, E):
    g1, g2 = couplings(flavour)
    T_max = float(t_max_MeV(E))
    numeric, _ = integrate.quad(
        lambda T: float(weak_dsigma_dT(E, T, g1, g2)), 0.0, T_max, epsabs=0.0, epsrel=1e-12
    )
    closed = float(weak_integral(E, 0.0, np.inf, g1, g2))
    assert closed == pytest.approx(numeric, rel=1e-10, abs=0)
    # a partial window [a, b] as well
    a, b = 0.1 * T_max, 0.7 * T_max
    numeric, _ = integrate.quad(
        lambda T: float(weak_dsigma_dT(E, T, g1, g2)), a, b, epsrel=1e-12, epsabs=0.0
    )
    assert float(weak_integral(E, a, b, g1, g2)) == pytest.approx(numeric, rel=1e-10, abs=0)


def test_spectrum_vanishes_above_the_edge_and_is_a_square_at_the_edge():
    # At T_max the bracket is (g₁ − g₂ m_e/(m_e + 2E))² ≥ 0 (kinematics of the module docstring).
    for flavour in FLAVOURS:
        g1, g2 = couplings(flavour)
        for E in (0.1, 1.0, 10.0):
            T_max = float(t_max_MeV(E))
            at_edge = float(weak_dsigma_dT(E, T_max, g1, g2)) / WEAK_PREFACTOR_MeV3
            square = (float(g1) - float(g2) * M_E_MeV / (M_E_MeV + 2 * E)) ** 2
            assert at_edge == pytest.approx(square, rel=1e-9, abs=1e-15)
            assert float(weak_dsigma_dT(E, T_max * 1.0001, g1, g2)) == 0.0


def test_antineutrino_e_dynamical_zero():
    # Bernabéu, Papavassiliou & Passera, PLB 613 (2005) 162 (hep-ph/0412165): the lowest-order
    # ν̄_e e⁻ dσ/dT vanishes for forward electrons (T = T_max) at E = m_e/(4 sin²θ_W), a
    # destructive interference of the CC and NC amplitudes.
    s2 = 0.23857
    physics = StandardModel(sin2_theta_W=s2)
    E0 = M_E_MeV / (4 * s2)
    T_edge_keV = float(t_max_MeV(E0)) * 1e3
    at_zero = float(
        electron_scattering_cross_section(E0, T_edge_keV * (1 - 1e-12), "nubar_e", physics)
    )
    at_start = float(electron_scattering_cross_section(E0, 0.0, "nubar_e", physics))
    assert at_zero < 1e-10 * at_start
    # away from that energy the forward cross section does not vanish
    for E in (0.5 * E0, 2 * E0):
        T_keV = float(t_max_MeV(E)) * 1e3 * (1 - 1e-12)
        assert (
            float(electron_scattering_cross_section(E, T_keV, "nubar_e", physics)) > 1e-3 * at_start
        )
    # and ν_μ, which has no CC term, shows no such zero
    T_keV = float(t_max_MeV(E0)) * 1e3 * (1 - 1e-12)
    assert float(
        electron_scattering_cross_section(E0, T_keV, "nubar_mu", physics)
    ) > 0.0 + 1e-3 * float(electron_scattering_cross_section(E0, 0.0, "nubar_mu", physics))


def test_charged_current_interferes_destructively():
    # ν_e: g_L = g_L^NC + 1 with g_L^NC = −½ + s² < 0, so at E ≫ m_e
    # σ(ν_e) − σ(ν_μ) − σ_CC = 2 g_L^NC (2G_F² m_e E/π) < 0 (σ_CC: g_L = 1, g_R = 0 alone).
    s2, E = 0.23857, 1e4
    physics = StandardModel(sin2_theta_W=s2)
    sigma_e = float(electron_scattering_total_cross_section(E, "nu_e", physics))
    sigma_mu = float(electron_scattering_total_cross_section(E, "nu_mu", physics))
    sigma_cc = float(weak_integral(E, 0.0, np.inf, 1.0, 0.0)) * HBARC2_MeV2_cm2
    interference = sigma_e - sigma_mu - sigma_cc
    expected = 2 * (s2 - 0.5) * 2 * G_F_MeV2**2 * M_E_MeV * E / math.pi * HBARC2_MeV2_cm2
    assert interference < 0
    assert interference == pytest.approx(expected, rel=1e-3, abs=0)


def test_tau_and_muon_flavours_are_identical_in_the_standard_model():
    E, T = np.array([0.3, 3.0, 30.0]), np.array([0.05, 0.5, 5.0])
    for a, b in (("nu_mu", "nu_tau"), ("nubar_mu", "nubar_tau")):
        np.testing.assert_array_equal(
            electron_scattering_cross_section(E, T, a), electron_scattering_cross_section(E, T, b)
        )
