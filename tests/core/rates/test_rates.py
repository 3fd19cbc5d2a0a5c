"""Rate engine (PHYSICS.md §6.1, §6.5) against an independent nested adaptive quadrature and the
spec's reference numbers. The π-DAR spectra are written out here from Pandey Eqs. (2)-(6), not
taken from the package, so the engine is tested on its own."""

import math

import numpy as np
import param
import pytest
from scipy import integrate

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.rates import (
    flux_averaged_cross_section,
    flux_kernel,
    recoil_quadrature,
    recoil_spectrum,
    target_nuclei,
)
from cevns_core.sources.base import Continuum, Line, Source

M_MU, M_PI = 105.6583755, 139.57039
# COHERENT 2017 fluence per flavour: r = 0.08, 1.76e23 POT, L = 19.3 m (PHYSICS §5.1, R26).
PHI = 0.08 * 1.76e23 / (4 * math.pi * 1930.0**2)
E_LINE = (M_PI**2 - M_MU**2) / (2 * M_PI)
# PHYSICS §6.5 values use the reviews' nuclear choice (F_n = F_p, Helm as built), not the default.
REVIEW = {"form_factor_params": dict(cc.REVIEW_NUCLEAR_CHOICE)}


def michel_nu_e(E):
    return PHI * 192 / M_MU * (E / M_MU) ** 2 * (0.5 - E / M_MU)


def michel_nubar_mu(E):
    return PHI * 64 / M_MU * (E / M_MU) ** 2 * (0.75 - E / M_MU)


class HandPionDAR(Source):
    """π-DAR fluence written out by hand for the tests."""

    normalisation = param.Selector(default="fluence", objects=["fluence", "flux"], constant=True)

    def components(self):
        return (
            Continuum("nu_e", 0.0, M_MU / 2, michel_nu_e),
            Continuum("nubar_mu", 0.0, M_MU / 2, michel_nubar_mu),
            Line("nu_mu", E_LINE, PHI),
        )


class LineOnly(Source):
    def components(self):
        return (Line("nu_e", 0.747, 1e10), Line("nu_e", 0.427, 1e9))


SOURCE = HandPionDAR()


def slow_rate(T_keV, name, n_nuclei):
    """dN/dT by nested adaptive quadrature over E (scipy quad), lines added by hand."""
    M = cc.isotope(name).mass_MeV
    T = T_keV * 1e-3
    E_low = 0.5 * (T + math.sqrt(T * T + 2 * M * T))

    def dsdT(E):
        return float(cc.differential_cross_section(E, T_keV, name))

    total = 0.0
    for flux in (michel_nu_e, michel_nubar_mu):
        if E_low < M_MU / 2:
            val, _ = integrate.quad(lambda E, f=flux: f(E) * dsdT(E), E_low, M_MU / 2, epsrel=1e-9)
            total += val
    if E_LINE >= E_low:
        total += PHI * dsdT(E_LINE)
    return n_nuclei * total


@pytest.mark.parametrize("name", ["Cs133", "Ar40"])
def test_recoil_spectrum_against_nested_adaptive_quadrature(name):
    n = 1e25
    T = np.array([0.5, 3.0, 10.0, 14.0, 20.0, 40.0]) * (1 if name == "Cs133" else 3)
    fast = recoil_spectrum(SOURCE, {name: n}, T).total
    slow = np.array([slow_rate(t, name, n) for t in T])
    np.testing.assert_allclose(fast, slow, rtol=5e-3, atol=1e-12 * slow.max())
    # In practice the agreement is much better than the 0.5 % required.
    np.testing.assert_allclose(fast, slow, rtol=1e-6, atol=1e-9 * slow.max())


def test_coherent_csi_2017_counts_without_efficiency():
    # PHYSICS §6.5: 14.57 kg CsI, fluence above, Helm-LS, tree: 1141.9 events (598.8 Cs + 543.1 I)
    # over all recoil energies without efficiency.
    totals = {}
    for name in ("Cs133", "I127"):
        T, w = recoil_quadrature(SOURCE, cc.isotope(name).mass_MeV, 0.0)
        spectrum = recoil_spectrum(SOURCE, "CsI", T, mass_kg=14.57, **REVIEW)
        totals[name] = float(np.sum(spectrum.by_isotope()[name] * w))
    assert totals["Cs133"] == pytest.approx(598.8, rel=1e-3)
    assert totals["I127"] == pytest.approx(543.1, rel=1e-3)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        # PHYSICS §6.5 / R22: flux-averaged σ (ν_μ, ν_e, ν̄_μ), 1e-38 cm² (Ar40: 1e-39), 1 %.
        ("Cs133", (1.702e-38, 1.882e-38, 2.310e-38)),
        ("I127", (1.540e-38, 1.707e-38, 2.100e-38)),
        ("Ar40", (1.494e-39, 1.750e-39, 2.230e-39)),
    ],
)
def test_flux_averaged_cross_sections(name, values):
    got = [
        flux_averaged_cross_section(SOURCE, name, flavour=f, **REVIEW)
        for f in ("nu_mu", "nu_e", "nubar_mu")
    ]
    np.testing.assert_allclose(got, values, rtol=0.01)


def test_flux_averaged_material_is_nuclei_weighted():
    csi = flux_averaged_cross_section(SOURCE, "CsI")
    cs = flux_averaged_cross_section(SOURCE, "Cs133")
    iodine = flux_averaged_cross_section(SOURCE, "I127")
    assert csi == pytest.approx(0.5 * (cs + iodine), rel=1e-10)


def test_breakdowns_sum_to_total_and_line_only_source():
    T = np.linspace(0.1, 30.0, 25)
    spectrum = recoil_spectrum(SOURCE, "CsI", T, mass_kg=2.0)
    np.testing.assert_allclose(sum(spectrum.by_flavour().values()), spectrum.total, rtol=1e-12)
    np.testing.assert_allclose(sum(spectrum.by_isotope().values()), spectrum.total, rtol=1e-12)
    assert set(spectrum.by_flavour()) == {"nu_e", "nu_mu", "nubar_mu"}
    assert spectrum.unit == "events/keV"
    # Above T_max of the 29.8 MeV line only the Michel neutrinos contribute.
    T_line = float(cc.kinematics.T_max_keV(E_LINE, cc.isotope("Cs133").mass_MeV))
    above = spectrum.T_keV > T_line
    assert np.all(spectrum.parts[("Cs133", "nu_mu")][above] == 0.0)
    # Lines: dN/dT = N Φ dσ/dT(E_line, T) exactly.
    T_ge = np.array([0.001, 0.005, 0.01])
    lines = recoil_spectrum(LineOnly(), {"Ge72": 1.0}, T_ge)
    expected = 1e10 * cc.differential_cross_section(0.747, T_ge, "Ge72") + 1e9 * np.where(
        T_ge <= float(cc.kinematics.T_max_keV(0.427, cc.isotope("Ge72").mass_MeV)),
        cc.differential_cross_section(0.427, T_ge, "Ge72"),
        0.0,
    )
    np.testing.assert_allclose(lines.total, expected, rtol=1e-12)
    assert lines.unit == "events/keV/s"


def test_kernel_reuse_reproduces_direct_spectrum_for_other_couplings():
    # Kernels depend on the flux only: one kernel, several physics choices.
    T = np.linspace(1.0, 20.0, 9)
    M = cc.isotope("Cs133").mass_MeV
    kernel = flux_kernel(SOURCE, M, T, "nu_e")
    for sm in (cc.StandardModel(), cc.StandardModel(couplings="pdg_nuN")):
        config = cc.cross_sections.CrossSectionConfig.make("Cs133", sm, "helm", {"flavour": "nu_e"})
        direct = recoil_spectrum(SOURCE, {"Cs133": 1.0}, T, sm).parts[("Cs133", "nu_e")]
        np.testing.assert_allclose(
            kernel.integrate(*config.coefficients(T * 1e-3)), direct, rtol=1e-12
        )


def test_target_nuclei():
    # R25: 14.57 kg CsI → 3.3772e25 Cs and I nuclei.
    nuclei = target_nuclei("CsI", 14.57)
    assert nuclei["Cs133"] == pytest.approx(3.3772e25, rel=1e-4)
    assert target_nuclei({"Ar40": 5.0}) == {"Ar40": 5.0}


def test_bad_input():
    with pytest.raises(CevnsError, match="source"):
        recoil_spectrum("pion", "CsI", [1.0])
    with pytest.raises(CevnsError, match="one-dimensional"):
        recoil_spectrum(SOURCE, "CsI", [[1.0]])
    with pytest.raises(CevnsError, match="T_keV"):
        recoil_spectrum(SOURCE, "CsI", [-1.0])
    with pytest.raises(CevnsError, match="mass_kg"):
        recoil_spectrum(SOURCE, "CsI", [1.0], mass_kg=-2)
    with pytest.raises(CevnsError, match="empty"):
        target_nuclei({})
    with pytest.raises(CevnsError, match="nuclei"):
        target_nuclei({"Ar40": -1.0})
    with pytest.raises(CevnsError):
        recoil_spectrum(SOURCE, "Unobtainium", [1.0])
    with pytest.raises(CevnsError, match="flavour"):
        flux_averaged_cross_section(SOURCE, "CsI", flavour="nu_tau")


# ------------------------------------------------------------------- counts down to T = 0
def test_magnetic_moment_counts_grow_like_log_of_the_threshold_and_diverge_at_zero():
    """dσ/dT ⊃ πα²μ²Z²/m_e² (1/T − 1/E) (PHYSICS §7.5): near T = 0 the ν_e count between
    thresholds ε₂ < ε₁ grows by Σ_i n_i Z_i² · πα²μ²(ħc)²/m_e² · Φ_νe · ln(ε₁/ε₂) (analytic;
    the SM and 1/E parts add O(ε₁) only). At ε = 0 the count is infinite: a precise error."""
    from cevns_core.units import ALPHA, HBARC2_MeV2_cm2, M_E_MeV

    exp = cc.experiment("coherent_csi_2017")
    mu = 1e-9
    physics = cc.NewPhysics(mu_nu_e_muB=mu)
    det = cc.Detector(material="CsI", mass_kg=14.57)
    # log-spaced bins: each spans a factor ≤ 3.2 in T, where 16 Gauss nodes integrate 1/T exactly
    counts = {
        eps: cc.binned_counts(exp.source, det, np.geomspace(eps, 1.0, 13), physics)
        .by_flavour()["nu_e"]
        .sum()
        for eps in (1e-4, 1e-6)
    }
    nuclei = det.targets()
    per_fluence = math.pi * ALPHA**2 * mu**2 * HBARC2_MeV2_cm2 / M_E_MeV**2
    slope = (
        per_fluence
        * exp.source.integrated("nu_e")
        * sum(n * cc.isotope(name).Z ** 2 for name, n in nuclei.items())
    )
    assert counts[1e-6] - counts[1e-4] == pytest.approx(slope * math.log(100.0), rel=1e-3)
    with pytest.raises(cc.DivergentCountsError, match=r"magnetic moment .* infinite"):
        cc.binned_counts(exp.source, det, [0.0, 1.0], physics)
    # finite: the SM, a threshold, or an efficiency/resolution that never counts T → 0
    assert cc.binned_counts(exp.source, det, [0.0, 1.0]).total[0] > 0
    threshold = cc.Detector(material="CsI", mass_kg=14.57, threshold=0.5)
    assert np.isfinite(cc.binned_counts(exp.source, threshold, [0.0, 1.0], physics).total).all()
    csi_2021 = cc.experiment("coherent_csi_2021")
    csi_2021.physics = physics
    assert csi_2021.counts().total > cc.experiment("coherent_csi_2021").counts().total
    # only the flavours the moment couples to: a ν_μ moment does not touch a ν̄_e source
    reactor = cc.experiment("conus")
    nu_mu_only = cc.NewPhysics(mu_nu_mu_muB=mu)
    ideal = cc.Detector(material="Ge", mass_kg=1.0)
    assert np.isfinite(cc.binned_counts(reactor.source, ideal, [0.0, 0.1], nu_mu_only).total).all()


@pytest.mark.parametrize(
    ("params", "flavour", "expected"),
    [
        ({}, None, None),
        ({"mu_nu_e_muB": 1e-10}, "nu_e", "magnetic moment"),
        ({"mu_nu_e_muB": 1e-10}, "nu_mu", None),
        ({"millicharge_mu": 1e-9}, "nubar_mu", "millicharge"),
        ({"millicharge_etau": 1e-9}, "nu_e", "millicharge"),
        ({"millicharge_etau": 1e-9}, "nu_mu", None),
        ({"r2_e_cm2": 1e-32, "eps_uV_ee": 0.1}, None, None),  # shifts of a finite charge
    ],
)
def test_zero_recoil_divergence_names_the_term(params, flavour, expected):
    reason = cc.NewPhysics(**params).zero_recoil_divergence(flavour)
    assert (reason is None) if expected is None else (expected in reason)
