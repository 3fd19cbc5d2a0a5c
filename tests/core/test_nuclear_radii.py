"""The default nuclear description (cevns_core.nuclear_radii): measured charge radii, the
neutron-skin systematics and the nucleon size, against published measurements.

References: charge radii of Angeli & Marinova, At. Data Nucl. Data Tables 99 (2013) 69; nucleon
corrections of PHYSICS.md §4.6; skin systematics of Trzcińska et al., PRL 87 (2001) 082501;
PREX-II (Adhikari et al., PRL 126 (2021) 172502, arXiv:2102.10767) and CREX (Adhikari et al.,
PRL 129 (2022) 042501, arXiv:2205.11593) as quoted in PHYSICS.md §9.1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.nuclear_radii import (
    NEUTRON_SKIN_SYSTEMATICS,
    neutron_skin_systematics,
    nucleon_dipole_form_factor,
)

# rms charge radii in fm (Angeli & Marinova 2013, Table; values of the CEvNS targets)
ANGELI_MARINOVA_FM = {
    "Na23": 2.9936,
    "Ar40": 3.4274,
    "Ca48": 3.4771,
    "Ge74": 4.0742,
    "I127": 4.7500,
    "Cs133": 4.8041,
    "Xe132": 4.7859,
    "Pb208": 5.5012,
}
# PHYSICS.md §4.6: r_p² = 0.7071 fm², r_n² = −0.1161 fm², 3/(4 m_p²) = 0.0331 fm²
R_P2, R_N2, DARWIN_FOLDY = 0.7071, -0.1161, 0.0331
HBARC_MeV_fm = 197.3269804

# PREX-II: F_W(q = 0.3977 fm⁻¹) = 0.368 ± 0.013, R_n − R_p = 0.283 ± 0.071 fm
PREX2 = {"q_fm": 0.3977, "F_W": 0.368, "sigma": 0.013, "skin": 0.283, "skin_sigma": 0.071}
# CREX: F_W(q = 0.8733 fm⁻¹) = 0.1304 ± 0.0052 (stat) ± 0.0020 (syst), R_n − R_p = 0.121 ±
# 0.026 (exp) ± 0.024 (model) fm
CREX = {
    "q_fm": 0.8733,
    "F_W": 0.1304,
    "sigma": math.hypot(0.0052, 0.0020),
    "skin": 0.121,
    "skin_sigma": math.hypot(0.026, 0.024),
}


def _rms_by_quadrature(rho, r_max: float = 20.0) -> float:
    """√(∫4π r⁴ ρ dr) of a density normalised to 1 (second route to the model's own rms)."""
    val, _ = integrate.quad(lambda r: 4 * math.pi * r**4 * float(rho(r)), 0.0, r_max, limit=200)
    return math.sqrt(val)


@pytest.mark.parametrize("name", sorted(ANGELI_MARINOVA_FM))
@pytest.mark.parametrize("model", ["helm", "symmetrized_fermi", "klein_nystrand"])
def test_default_proton_density_reproduces_the_measured_charge_radius(name, model):
    # The default point-proton density, integrated, plus the nucleon finite-size corrections
    # gives back the tabulated charge radius: R_ch² = R_p² + r_p² + (N/Z) r_n² + 3/(4m_p²).
    iso = cc.isotope(name)
    assert iso.charge_radius_fm == pytest.approx(ANGELI_MARINOVA_FM[name], abs=5e-5)
    nm = cc.NuclearModel(isotope=name, model=model)
    R_p = _rms_by_quadrature(nm.rho_p)
    assert R_p == pytest.approx(nm.R_p_fm, rel=1e-6)
    R_ch = math.sqrt(R_p**2 + R_P2 + iso.N / iso.Z * R_N2 + DARWIN_FOLDY)
    assert R_ch == pytest.approx(ANGELI_MARINOVA_FM[name], abs=1e-4)
    # the model as built (Lewin–Smith/A-based size) misses the measured radius
    built = cc.NuclearModel(isotope=name, model=model, proton_radius="charge")
    assert abs(built.R_p_fm - R_p) > 0.02


def test_skin_systematics_against_the_published_fit_and_the_measurements():
    s = NEUTRON_SKIN_SYSTEMATICS
    assert (s["slope_fm"], s["slope_sigma_fm"], s["intercept_fm"], s["intercept_sigma_fm"]) == (
        1.01,
        0.15,
        -0.04,
        0.03,
    )
    # ²⁰⁸Pb: (N − Z)/A = 44/208; ⁴⁸Ca: 8/48
    pb, ca = neutron_skin_systematics("Pb208"), neutron_skin_systematics("Ca48")
    assert pb.skin_fm == pytest.approx(1.01 * 44 / 208 - 0.04, abs=1e-12)
    assert pb.sigma_fm == pytest.approx(math.hypot(0.15 * 44 / 208, 0.03), abs=1e-12)
    assert ca.skin_fm == pytest.approx(1.01 * 8 / 48 - 0.04, abs=1e-12)
    # CREX's skin within 1σ (combined), PREX-II's within 1.5σ (the PREX–CREX tension)
    assert abs(ca.skin_fm - CREX["skin"]) < math.hypot(ca.sigma_fm, CREX["skin_sigma"])
    assert abs(pb.skin_fm - PREX2["skin"]) < 1.5 * math.hypot(pb.sigma_fm, PREX2["skin_sigma"])
    # N = Z nuclei get the (small, negative) intercept; the default model applies it
    assert neutron_skin_systematics("Ca40").skin_fm == pytest.approx(-0.04, abs=1e-12)
    nm = cc.NuclearModel(isotope="Pb208")
    assert nm.R_n_fm_effective - nm.R_p_fm == pytest.approx(pb.skin_fm, rel=1e-9)


@pytest.mark.parametrize(("name", "ref"), [("Pb208", PREX2), ("Ca48", CREX)])
def test_default_weak_form_factor_agrees_with_prex2_and_crex(name, ref):
    # F_W with the package defaults (Helm at the measured radius, skin systematics, nucleon
    # dipole) lies within 1σ of the measurement, the σ combining the measurement's error with the
    # spread from the systematics' skin ±1σ.
    q = ref["q_fm"]
    default = float(cc.weak_form_factor(q, name))
    est = neutron_skin_systematics(name)
    lo = float(cc.weak_form_factor(q, name, skin_fm=est.skin_fm + est.sigma_fm))
    hi = float(cc.weak_form_factor(q, name, skin_fm=est.skin_fm - est.sigma_fm))
    assert lo < default < hi
    assert float(cc.weak_form_factor(q, name, skin_fm=est.skin_fm)) == default
    model_sigma = 0.5 * (hi - lo)
    assert abs(default - ref["F_W"]) < math.hypot(ref["sigma"], model_sigma)


def test_prex2_excludes_the_old_default():
    # F_n = F_p with Helm as built (the previous default, the reviews' choice) gives F_W(²⁰⁸Pb)
    # 0.403 at PREX-II's q: 2.7σ above 0.368 ± 0.013. The default is within 1σ.
    old = float(cc.weak_form_factor(PREX2["q_fm"], "Pb208", **cc.REVIEW_NUCLEAR_CHOICE))
    assert (old - PREX2["F_W"]) / PREX2["sigma"] > 2.5
    new = float(cc.weak_form_factor(PREX2["q_fm"], "Pb208"))
    assert abs(new - PREX2["F_W"]) / PREX2["sigma"] < 1.05


@pytest.mark.parametrize(("name", "ref"), [("Pb208", PREX2), ("Ca48", CREX)])
def test_measured_skins_at_the_measured_radius_reproduce_the_measured_form_factors(name, ref):
    # The collaborations' own skins on the default Helm proton density (anchored on the charge
    # radius, nucleon size folded in) give their F_W within the measured error alone; with the
    # A-based (Lewin–Smith) Helm radius, the old default, CREX's skin puts F_W(⁴⁸Ca) more than
    # 4σ below CREX (0.101 against 0.1304 ± 0.0056): the radius, not the skin, was wrong.
    q = ref["q_fm"]
    anchored = float(cc.weak_form_factor(q, name, skin_fm=ref["skin"]))
    assert abs(anchored - ref["F_W"]) < ref["sigma"]
    if name == "Ca48":
        a_based = float(cc.weak_form_factor(q, name, skin_fm=ref["skin"], proton_radius="charge"))
        assert (ref["F_W"] - a_based) / ref["sigma"] > 4.0


def test_nucleon_dipole_and_the_weak_radius_at_small_q():
    # G_D = (1 + q²/Λ²)⁻², Λ² = 0.71 GeV²: ⟨r²⟩ = 12/Λ² = 0.658 fm² (PHYSICS §3.6). The default
    # F_W = 1 − q² R_W²/6 + … with R_W² = (Z g_p R_p² + N g_n R_n²)/(Z g_p + N g_n) + 12/Λ²
    # (the point distributions folded with the nucleon's size).
    q = np.array([0.005, 0.01])
    r2_dipole = 12.0 / 0.71 * (HBARC_MeV_fm * 1e-3) ** 2
    assert r2_dipole == pytest.approx(0.658, abs=1e-3)
    g = 6.0 * (1.0 - nucleon_dipole_form_factor(q)) / q**2
    assert (4.0 * g[0] - g[1]) / 3.0 == pytest.approx(r2_dipole, rel=1e-5)
    pb = cc.isotope("Pb208")
    nm = cc.NuclearModel(isotope="Pb208")
    gp, gn = 0.5 - 2 * 0.23857, -0.5  # tree couplings (PHYSICS §3.3)
    RW2 = (pb.Z * gp * nm.R_p_fm**2 + pb.N * gn * nm.R_n_fm_effective**2) / (
        pb.Z * gp + pb.N * gn
    ) + r2_dipole
    g = 6.0 * (1.0 - cc.weak_form_factor(q, "Pb208")) / q**2
    assert (4.0 * g[0] - g[1]) / 3.0 == pytest.approx(RW2, rel=1e-5)


def test_switches_and_fallbacks():
    q = np.linspace(0.0, 1.0, 6)
    # skin 0: F_n = F_p exactly, still at the measured radius with the nucleon size
    F_p, F_n = cc.nucleon_form_factors(q, "Cs133", skin_fm=0.0)
    np.testing.assert_array_equal(F_p, F_n)
    # "point": the model's own rms taken as R_ch; "measured" uses the tabulated R_ch instead
    point = cc.NuclearModel(isotope="Cs133", proton_radius="point", skin_fm=0.0)
    measured = cc.NuclearModel(isotope="Cs133", skin_fm=0.0)
    assert measured.R_p_fm == pytest.approx(4.74382, abs=1e-4)  # PHYSICS §4.6 worked example
    assert point.R_p_fm != pytest.approx(measured.R_p_fm, abs=1e-4)
    # a size fixed by the parameters is the point-proton size (no anchoring on R_ch)
    fixed = cc.NuclearModel(isotope="Cs133", model_params={"rms_fm": 4.6}, skin_fm=0.0)
    assert fixed.R_p_fm == pytest.approx(4.6, rel=1e-12)
    # the point nucleus stays F = 1 (no nucleon size added to it)
    np.testing.assert_array_equal(cc.nucleon_form_factors(q, "Cs133", "point")[0], 1.0)
    # a nucleus without a tabulated radius (³⁹Ar, not in Angeli–Marinova's table of the shipped
    # file) falls back on the model's A-based size, taken as R_ch
    iso = cc.isotope("Ar39")
    assert iso.charge_radius_fm is None
    nm = cc.NuclearModel(isotope="Ar39", skin_fm=0.0)
    built = cc.form_factor_model("helm", "Ar39").rms_radius_fm
    expected = math.sqrt(built**2 - R_P2 - iso.N / iso.Z * R_N2 - DARWIN_FOLDY)
    assert nm.R_p_fm == pytest.approx(expected, rel=1e-9)
    with pytest.raises(CevnsError, match="proton_radius"):
        cc.nucleon_form_factors(0.1, "Cs133", proton_radius="charged")
