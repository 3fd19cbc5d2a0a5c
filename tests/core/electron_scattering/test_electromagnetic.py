"""Magnetic moment, charge radius and millicharge in ν–e scattering.

Reference values and their sources are given next to each test.
"""

import math
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import integrate

from cevns_core import NewPhysics, electron_scattering_cross_section
from cevns_core import electron_scattering_total_cross_section as sigma_total
from cevns_core.electron_scattering.electromagnetic import (
    MAGNETIC_PREFACTOR_MeV2,
    charge_radius_shift,
    magnetic_moment_dsigma_dT,
    magnetic_moment_integral,
)
from cevns_core.electron_scattering.standard_model import t_max_MeV
from cevns_core.errors import DivergentCountsError
from cevns_core.units import ALPHA, HBARC2_MeV2_cm2, M_E_MeV
from cevns_core.weak_charges import StandardModel


def test_magnetic_prefactor_is_the_textbook_number():
    # Vogel & Engel, PRD 39 (1989) 3378, Eq. (2): dσ/dT = (πα²μ²/m_e²)(1/T − 1/E) with
    # πα²/m_e² = 2.495 × 10⁻²⁵ cm² (μ in Bohr magnetons).
    assert MAGNETIC_PREFACTOR_MeV2 * HBARC2_MeV2_cm2 == pytest.approx(2.495e-25, rel=2e-4, abs=0)


def test_magnetic_term_is_the_closed_form():
    mu = 3e-11
    E = np.array([0.5, 2.0, 8.0])[:, None]
    T = np.array([1e-4, 1e-2, 0.3])[None, :]
    got = magnetic_moment_dsigma_dT(E, T, mu)
    expected = math.pi * ALPHA**2 * mu**2 / M_E_MeV**2 * (1 / T - 1 / E)
    expected = np.where(T <= t_max_MeV(E), expected, 0.0)
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    # through the public function: SM + magnetic term, in cm²/keV
    physics = NewPhysics(mu_nu_e_muB=mu)
    T_keV = np.array([1.0, 10.0, 100.0])
    diff = electron_scattering_cross_section(2.0, T_keV, "nu_e", physics) - (
        electron_scattering_cross_section(2.0, T_keV, "nu_e")
    )
    closed = 2.495e-25 * mu**2 * (1 / (T_keV * 1e-3) - 1 / 2.0) * 1e-3
    np.testing.assert_allclose(diff, closed, rtol=3e-4)


def test_magnetic_term_matches_the_package_cevns_normalisation():
    # PHYSICS.md §7.5: the nuclear magnetic-moment term πα²μ²Z²/m_e² (1/T − 1/E) F² uses the same
    # vertex; for Z = 1 and F = 1 it is the ν–e formula (c₀ = K/T, c₁ = −K).
    mu = 2e-10
    nucleus = SimpleNamespace(Z=1, N=0, mass_MeV=1e5)
    T = np.array([1e-4, 1e-3])
    c0, c1, _ = NewPhysics(mu_nu_e_muB=mu).incoherent_coefficients(
        nucleus, "nu_e", T, np.sqrt(2e5 * T), np.ones(2), np.ones(2)
    )
    K = MAGNETIC_PREFACTOR_MeV2 * mu**2
    np.testing.assert_allclose(c0, K / T, rtol=1e-12)
    np.testing.assert_allclose(c1, -K, rtol=1e-12)


@pytest.mark.parametrize("E", [0.3, 3.0])
def test_magnetic_integral_equals_quadrature(E):
    mu = 1e-10
    a, b = 1e-4, float(t_max_MeV(E))
    numeric, _ = integrate.quad(
        lambda T: float(magnetic_moment_dsigma_dT(E, T, mu)),
        a,
        b,
        epsrel=1e-12,
        limit=200,
        points=[1e-3, 1e-2],
        epsabs=0.0,
    )
    assert float(magnetic_moment_integral(E, a, np.inf, mu)) == pytest.approx(
        numeric, rel=1e-9, abs=0
    )
    # and in the public total with a threshold: SM + K[ln(b/a) − (b − a)/E]
    physics = NewPhysics(mu_nu_mu_muB=mu)
    total = sigma_total(E, "nu_mu", physics, T_min_keV=a * 1e3)
    sm = sigma_total(E, "nu_mu", T_min_keV=a * 1e3)
    K = 2.495e-25 * mu**2
    assert float(total - sm) == pytest.approx(K * (math.log(b / a) - (b - a) / E), rel=3e-4, abs=0)


def test_magnetic_moment_without_threshold_diverges_on_free_electrons():
    physics = NewPhysics(mu_nu_e_muB=1e-11)
    with pytest.raises(DivergentCountsError, match="magnetic moment"):
        sigma_total(1.0, "nu_e", physics)
    # ν_μ has no moment here: finite
    assert np.isfinite(sigma_total(1.0, "nu_mu", physics))
    # bound electrons cut the 1/T at the outermost binding energy (stepping approximation)
    assert np.isfinite(sigma_total(1.0, "nu_e", physics, target="Xe"))


@pytest.mark.parametrize("flavour", ["nu_e", "nu_mu", "nubar_e", "nubar_tau"])
def test_charge_radius_is_a_shift_of_the_weak_mixing_angle(flavour):
    # PHYSICS.md §7.7 and the CEvNS convention of cevns_core.physics: coupling-level shift
    # δg_V = (√2πα/3G_F)⟨r²⟩ = 0.023796 per 10⁻³² cm² (PHYSICS R27), i.e. sin²θ_W shifted by
    # half of that; convention "review" (Vogel & Engel 1989; Giunti & Studenikin, RMP 87 (2015)
    # 531): sin²θ_W → sin²θ_W + (√2πα/3G_F)⟨r²⟩.
    r2, s2 = -3e-32, 0.23857
    lepton = flavour.split("_")[1]
    E, T = np.array([1.0, 10.0]), np.array([10.0, 1000.0])
    for convention, shift in (("coupling", 0.5 * 0.023796 * -3), ("review", 0.023796 * -3)):
        physics = NewPhysics(
            **{f"r2_{lepton}_cm2": r2}, charge_radius_convention=convention, sin2_theta_W=s2
        )
        shifted = StandardModel(sin2_theta_W=s2 + shift)
        np.testing.assert_allclose(
            electron_scattering_cross_section(E, T, flavour, physics),
            electron_scattering_cross_section(E, T, flavour, shifted),
            rtol=2e-5,
        )
    assert charge_radius_shift(1e-32, "review") == pytest.approx(2 * 0.023796, rel=1e-4, abs=0)


def test_millicharge_pure_term_is_the_known_formula():
    # Giunti & Studenikin, RMP 87 (2015) 531: the millicharge term without interference is
    # dσ/dT = 2πα² q²/(m_e T²) [1 − T/E + T²/(2E²) − m_e T/(2E²)]. The interference is odd in q,
    # so (σ(q) + σ(−q))/2 − σ_SM isolates it.
    q, E = 1e-12, 1.5
    T_keV = np.array([0.5, 5.0, 50.0, 500.0])
    T = T_keV * 1e-3
    plus = electron_scattering_cross_section(E, T_keV, "nu_mu", NewPhysics(millicharge_mu=q))
    minus = electron_scattering_cross_section(E, T_keV, "nu_mu", NewPhysics(millicharge_mu=-q))
    sm = electron_scattering_cross_section(E, T_keV, "nu_mu")
    pure = 0.5 * (plus + minus) - sm
    formula = (
        2
        * math.pi
        * ALPHA**2
        * q**2
        / (M_E_MeV * T**2)
        * (1 - T / E + T**2 / (2 * E**2) - M_E_MeV * T / (2 * E**2))
    )
    np.testing.assert_allclose(pure, formula * HBARC2_MeV2_cm2 * 1e-3, rtol=1e-6)
    with pytest.raises(DivergentCountsError, match="millicharge"):
        sigma_total(E, "nu_mu", NewPhysics(millicharge_mu=q))
