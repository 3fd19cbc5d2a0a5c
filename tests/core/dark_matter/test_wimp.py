"""Spin-independent WIMP recoil spectra: Lewin & Smith normalisation and shape, form factor,
isotope sums, binning and the kinematic end point."""

import math

import numpy as np
import pytest

import cevns_core as cc
from cevns_core import CevnsError
from cevns_core.dark_matter import StandardHaloModel, binned_wimp_rates, wimp_recoil_spectrum
from cevns_core.units import AVOGADRO, HBARC_MeV_fm, M_P_MeV

C_KMS = 299792.458


def _sigma0_pb(mass_GeV, iso_name, sigma_n_cm2):
    """WIMP–nucleus cross section σ₀ = σ_n A² μ_N²/μ_n² in pb (1 pb = 1e-36 cm²)."""
    iso = cc.isotope(iso_name)
    m_N, m_p = iso.mass_MeV * 1e-3, M_P_MeV * 1e-3
    mu_N, mu_p = mass_GeV * m_N / (mass_GeV + m_N), mass_GeV * m_p / (mass_GeV + m_p)
    return sigma_n_cm2 * iso.A**2 * mu_N**2 / mu_p**2 / 1e-36


@pytest.mark.parametrize("mass_GeV, iso_name", [(50.0, "Xe132"), (100.0, "Ge74"), (10.0, "Ar40")])
def test_total_rate_matches_lewin_smith_eq_3_1(mass_GeV, iso_name):
    # Lewin & Smith, Astropart. Phys. 6 (1996) 87, Eq. (3.1): for a Maxwellian at rest
    # (v_E = 0, no escape cut) and F = 1 the total rate is
    #   R₀ = 503/(M_D M_T) (σ₀/pb)(ρ/0.4 GeV cm⁻³)(v₀/230 km/s) events kg⁻¹ day⁻¹,
    # M_T = 0.932 A GeV, N_T = N_A 1000/A nuclei per kg. Their 503 is rounded (0.1 %).
    A = cc.isotope(iso_name).A
    target = {iso_name: AVOGADRO * 1000.0 / A}
    halo = StandardHaloModel(v_earth_kms=0.0, v_esc_kms=5000.0, v0_kms=230.0, rho_GeV_cm3=0.4)
    sigma_n = 1e-45
    E_top = 60.0 * 2 * (mass_GeV * 0.932 * A / (mass_GeV + 0.932 * A)) ** 2 * (230 / C_KMS) ** 2
    E_top = E_top / (0.932 * A) * 1e6  # 60 E₀r in keV: the exponential is < 1e-26 there
    nodes, weights = np.polynomial.legendre.leggauss(200)
    E = 0.5 * E_top * (nodes + 1)
    rate = wimp_recoil_spectrum(target, E, mass_GeV, sigma_n, halo=halo, form_factor="point")
    total_per_day = 0.5 * E_top * np.sum(weights * rate) / 365.25
    expected = 503.0 / (mass_GeV * 0.932 * A) * _sigma0_pb(mass_GeV, iso_name, sigma_n)
    assert total_per_day == pytest.approx(expected, rel=2e-3)


def test_spectrum_shape_is_lewin_smith_exponential():
    # Lewin & Smith Eq. (3.2)/(3.3): dR/dE = R₀/(E₀ r) exp(−E/(E₀ r)), E₀ r = 2 μ_N² v₀²/m_N,
    # R₀ = (2/√π) N_T (ρ/m_χ) σ₀ v₀ (exact for v_E = 0, no escape, F = 1)
    iso = cc.isotope("Xe131")
    halo = StandardHaloModel(v_earth_kms=0.0, v_esc_kms=5000.0)
    m, sigma_n = 80.0, 2e-46
    m_N = iso.mass_MeV * 1e-3
    mu_N = m * m_N / (m + m_N)
    E0r_keV = 2 * mu_N**2 * (halo.v0_kms / C_KMS) ** 2 / m_N * 1e6
    sigma0_cm2 = _sigma0_pb(m, "Xe131", sigma_n) * 1e-36
    R0_per_yr = (
        (2 / math.sqrt(math.pi) * (halo.rho_GeV_cm3 / m) * sigma0_cm2 * halo.v0_kms * 1e5)
        * 365.25
        * 86400.0
    )
    E = np.array([0.1, 5.0, 20.0, 50.0])
    got = wimp_recoil_spectrum({"Xe131": 1.0}, E, m, sigma_n, halo=halo, form_factor="point")
    np.testing.assert_allclose(got, R0_per_yr / E0r_keV * np.exp(-E / E0r_keV), rtol=1e-9)


def test_form_factor_enters_squared():
    E = np.array([1.0, 10.0, 30.0, 60.0])
    helm = wimp_recoil_spectrum({"Xe131": 1.0}, E, 100.0, 1e-46)
    point = wimp_recoil_spectrum({"Xe131": 1.0}, E, 100.0, 1e-46, form_factor="point")
    T = E * 1e-3
    q_fm = np.sqrt(2 * cc.isotope("Xe131").mass_MeV * T + T**2) / HBARC_MeV_fm
    np.testing.assert_allclose(helm / point, cc.form_factor("helm", q_fm, "Xe131") ** 2, rtol=1e-12)


def test_material_is_the_abundance_weighted_isotope_sum():
    E = np.array([2.0, 20.0])
    nuclei = cc.material("NaI").nuclei_per_kg_by_isotope()
    total = wimp_recoil_spectrum("NaI", E, 30.0, 1e-45)
    parts = sum(wimp_recoil_spectrum({k: v}, E, 30.0, 1e-45) for k, v in nuclei.items())
    np.testing.assert_allclose(total, parts, rtol=1e-13)
    # linear in σ and broadcasting over masses × energies
    grid = wimp_recoil_spectrum("Xe", E[None, :], np.array([[10.0], [100.0]]), 2e-45)
    assert grid.shape == (2, 2)
    np.testing.assert_allclose(grid[1], 2 * wimp_recoil_spectrum("Xe", E, 100.0, 1e-45))


def test_kinematic_end_point():
    # E_max = 2 μ_N² (v_esc + v_E)²/m_N: nothing above, something just below
    halo = StandardHaloModel()
    m_N = cc.isotope("Ge74").mass_MeV * 1e-3
    m = 8.0
    mu = m * m_N / (m + m_N)
    E_max = 2 * mu**2 * (halo.v_max_kms / C_KMS) ** 2 / m_N * 1e6
    below, above = wimp_recoil_spectrum({"Ge74": 1.0}, [0.999 * E_max, 1.001 * E_max], m, 1e-45)
    assert below > 0 and above == 0


@pytest.mark.parametrize("target", ["Xe", "CaWO4", "He"])
def test_binned_rates_match_fine_integration(target):
    edges = np.geomspace(0.01, 200.0, 21)
    masses = np.array([5.0, 40.0, 1000.0])
    binned = binned_wimp_rates(target, edges, masses)
    E = np.geomspace(0.01, 200.0, 400_001)
    for i, m in enumerate(masses):
        dense = wimp_recoil_spectrum(target, E, m, 1.0)
        cumulative = np.concatenate([[0.0], np.cumsum(0.5 * (dense[1:] + dense[:-1]) * np.diff(E))])
        per_bin = np.diff(np.interp(edges, E, cumulative))
        np.testing.assert_allclose(binned[i], per_bin, rtol=2e-4, atol=1e-6 * per_bin.max())


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: wimp_recoil_spectrum("Xe", 1.0, 0.0, 1e-45), "mass_GeV"),
        (lambda: wimp_recoil_spectrum("Xe", -1.0, 10.0, 1e-45), "E_keV"),
        (lambda: wimp_recoil_spectrum("Xe", 1.0, 10.0, -1e-45), "sigma_cm2"),
        (lambda: wimp_recoil_spectrum("Xe", 1.0, 10.0, 1e-45, form_factor="gauss"), "form_factor"),
        (lambda: wimp_recoil_spectrum("Xe", 1.0, 10.0, 1e-45, halo="shm"), "halo"),
        (lambda: wimp_recoil_spectrum("Unobtainium", 1.0, 10.0, 1e-45), "Unobtainium"),
        (lambda: binned_wimp_rates("Xe", [1.0, 1.0], 10.0), "bin_edges_keV"),
        (lambda: binned_wimp_rates("Xe", [1.0, 2.0], [[10.0]]), "masses_GeV"),
    ],
)
def test_bad_inputs_raise(call, match):
    with pytest.raises(CevnsError, match=match):
        call()
