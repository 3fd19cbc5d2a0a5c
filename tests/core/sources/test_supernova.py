"""Supernova burst and diffuse supernova background (PHYSICS.md §5.5)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.special import zeta

from cevns_core.errors import CevnsError
from cevns_core.sources import (
    FD_MEAN_OVER_T,
    DiffuseSupernovaBackground,
    SupernovaBurst,
    alpha_fit_spectrum,
    fermi_dirac_integral,
    fermi_dirac_spectrum,
)
from cevns_core.units import ERG_MeV, KPC_cm, YEAR_s

SPECIES = ("nu_e", "nubar_e", "nu_mu", "nubar_mu", "nu_tau", "nubar_tau")


def test_fermi_dirac_integrals():
    # PHYSICS §5.5: F₂(0) = 3ζ(3)/2 = 1.80309; ⟨E⟩ = T F₃/F₂ = 3.1514 T at η = 0
    assert float(fermi_dirac_integral(2, 0.0)) == pytest.approx(1.5 * zeta(3), rel=1e-12)
    assert float(fermi_dirac_integral(2, 0.0)) == pytest.approx(1.80309, abs=5e-6)
    assert FD_MEAN_OVER_T == pytest.approx(3.1514, abs=5e-5)
    # F₃(0) = 7π⁴/120 exactly; second method for η ≠ 0: adaptive quadrature
    assert float(fermi_dirac_integral(3, 0.0)) == pytest.approx(7 * math.pi**4 / 120, rel=1e-12)
    for eta in (-2.0, 1.5, 4.0):
        ref, _ = integrate.quad(lambda x, e=eta: x**2 / (1 + math.exp(x - e)), 0, 200)
        assert float(fermi_dirac_integral(2, eta)) == pytest.approx(ref, rel=1e-10)
    np.testing.assert_allclose(
        fermi_dirac_integral(2, np.array([0.0, 1.5])),
        [fermi_dirac_integral(2, 0.0), fermi_dirac_integral(2, 1.5)],
    )


@pytest.mark.parametrize("shape", ["alpha", "fd"])
def test_shapes_normalised_with_right_mean(shape):
    if shape == "alpha":
        f = lambda e: float(alpha_fit_spectrum(e, 15.0, 2.3))  # noqa: E731
    else:
        T = 15.0 / FD_MEAN_OVER_T
        f = lambda e: float(fermi_dirac_spectrum(e, T, 0.0))  # noqa: E731
    n, _ = integrate.quad(f, 0, 500, limit=200)
    m, _ = integrate.quad(lambda e: e * f(e), 0, 500, limit=200)
    assert n == pytest.approx(1.0, abs=1e-9)
    assert m == pytest.approx(15.0, rel=1e-8)


@pytest.mark.parametrize("model", ["alpha_fit", "fermi_dirac"])
def test_burst_energy_normalisation(model):
    # ∫ E dF/dE dE · 4πd² = 𝓔_α = 3e53 erg / 6 per species (PHYSICS §5.5 defaults)
    sn = SupernovaBurst(spectrum_model=model, eta=0.0 if model == "alpha_fit" else 1.0)
    assert sn.normalisation == "fluence"
    area = 4 * math.pi * (10.0 * KPC_cm) ** 2
    for flavour in SPECIES:
        energy = sn.integrated(flavour, moment=1) * area
        assert energy == pytest.approx(3e53 / 6 * ERG_MeV, rel=1e-6)
    means = {f: sn.mean_energy_MeV(f) for f in SPECIES}
    assert means["nu_e"] == pytest.approx(12.0, rel=1e-6)
    assert means["nubar_e"] == pytest.approx(15.0, rel=1e-6)
    assert means["nubar_tau"] == pytest.approx(18.0, rel=1e-6)
    # number fluence = 𝓔/(4πd²⟨E⟩)
    assert sn.integrated("nubar_e") == pytest.approx(3e53 / 6 * ERG_MeV / (area * 15), rel=1e-6)


def test_burst_scaling_and_bad_parameters():
    base = SupernovaBurst().integrated()
    assert SupernovaBurst(distance_kpc=20.0).integrated() == pytest.approx(base / 4, rel=1e-12)
    for kwargs in (
        {"distance_kpc": -1.0},
        {"total_energy_erg": 0.0},
        {"alpha": -2.0},
        {"spectrum_model": "garching"},
        {"normalisation": "flux"},
    ):
        with pytest.raises(CevnsError):
            SupernovaBurst(**kwargs)


# Illustrative test inputs for the rate shape, not published values (the package ships none).
RATE = {
    "ccsn_rate_local_per_Mpc3_yr": 1e-4,
    "sfr_a": 3.4,
    "sfr_b": -0.3,
    "sfr_c": -3.5,
    "sfr_B": 5000.0,
    "sfr_C": 9.0,
    "sfr_eta": -10.0,
}


def test_dsnb_requires_rate_inputs():
    with pytest.raises(CevnsError, match="missing"):
        DiffuseSupernovaBackground().integrated()
    with pytest.raises(CevnsError):
        DiffuseSupernovaBackground(**{**RATE, "sfr_eta": 0.0})
    with pytest.raises(CevnsError):
        DiffuseSupernovaBackground(**{**RATE, "ccsn_rate_local_per_Mpc3_yr": -1.0})


def test_dsnb_finite_positive_and_matches_double_integral():
    d = DiffuseSupernovaBackground(**RATE)
    assert d.normalisation == "flux"
    assert float(d.ccsn_rate(0.0)) == pytest.approx(1e-4, rel=1e-12)
    E = np.array([1.0, 5.0, 15.0, 30.0])
    phi = d.spectrum(E, "nubar_e")
    assert np.all(np.isfinite(phi)) and np.all(phi > 0)
    total = d.integrated("nubar_e")
    assert math.isfinite(total) and total > 0
    # second method: scipy quad over z of the same integrand at E = 15 MeV
    mpc = 1e3 * KPC_cm
    T = d.T_nuebar_MeV
    n_sn = 3e53 / 6 * ERG_MeV / (T * FD_MEAN_OVER_T)

    def integrand(z):
        H = 70e5 / mpc * math.sqrt(0.3 * (1 + z) ** 3 + 0.7)
        R = float(d.ccsn_rate(z)) / (mpc**3 * YEAR_s)
        return 2.99792458e10 / H * R * n_sn * float(fermi_dirac_spectrum(15.0 * (1 + z), T))

    ref, _ = integrate.quad(integrand, 0.0, 5.0, points=[1.0, 4.0], limit=200)
    assert float(d.spectrum(15.0, "nubar_e")) == pytest.approx(ref, rel=1e-6)


def test_dsnb_closed_form_number_flux():
    # constant rate (a = b = c = 0) in an Einstein–de Sitter universe: ∫dΦ = c R N/H₀ ∫(1+z)^-5/2 dz
    const = {**RATE, "sfr_a": 0.0, "sfr_b": 0.0, "sfr_c": 0.0}
    d = DiffuseSupernovaBackground(**const, Omega_m=1.0, Omega_L=0.0, z_max=3.0)
    mpc = 1e3 * KPC_cm
    T = d.T_nue_MeV
    N = 3e53 / 6 * ERG_MeV / (T * FD_MEAN_OVER_T)
    H0 = 70e5 / mpc
    R = 1e-4 / (mpc**3 * YEAR_s)
    expect = 2.99792458e10 * R * N / H0 * (2 / 3) * (1 - 4.0**-1.5)
    assert d.integrated("nu_e") == pytest.approx(expect, rel=1e-6)
