"""Tests of compare_nuclear_models (Pandey Eqs. (31)–(32), Figs. 4–5).

References: the form-factor table of PHYSICS.md §4.8 (⁴⁰Ar Helm with Lewin–Smith R₀ and adapted
Klein–Nystrand), the cross sections of PHYSICS.md §3.7 (⁴⁰Ar, Helm and F = 1), the point-nucleus
closed form σ = G_F²E²/π 𝒬_V² M/(M + 2E) (PHYSICS.md §3.2) with the tree-level couplings of
PHYSICS.md §3.3, and the small-q expansion of F_W = [Z g_p F_p + N g_n F_n]/(Z g_p + N g_n).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.errors import CevnsError

Q_TABLE = np.array([0.1, 0.2, 0.3, 0.5, 1.0])
# PHYSICS.md §4.8, ⁴⁰Ar
AR40_HELM = np.array([0.98092, 0.92545, 0.83871, 0.60403, 0.07278])
AR40_KN_ADAPTED = np.array([0.98059, 0.92439, 0.83706, 0.60401, 0.08304])
# The tables are of the models as built, without skin (the reviews' nuclear choice), not of the
# default description (measured charge radius, skin systematics, nucleon size).
REVIEW = dict(cc.REVIEW_NUCLEAR_CHOICE)
HELM_AS_BUILT = cc.NuclearModel(isotope="Ar40", model="helm", **REVIEW)


def test_relative_differences_of_form_factors() -> None:
    cmp = cc.compare_nuclear_models(
        "Ar40",
        {"klein_nystrand_adapted": {"model": "klein_nystrand_adapted", **REVIEW}},
        HELM_AS_BUILT,
        q_fm=Q_TABLE,
    )
    assert cmp.reference == "helm" and cmp.labels == ("klein_nystrand_adapted",)
    expected = AR40_KN_ADAPTED / AR40_HELM - 1.0  # from the 5-digit table: ±1.4×10⁻⁴ at q = 1
    for quantity in ("F_p", "F_n", "F_W"):
        got = cmp.relative(quantity)["klein_nystrand_adapted"]
        np.testing.assert_allclose(got, expected, rtol=0, atol=2e-4)
    ratio = cmp.ratio("F_p")["klein_nystrand_adapted"]
    np.testing.assert_allclose(ratio, AR40_KN_ADAPTED / AR40_HELM, rtol=0, atol=2e-4)
    diff = cmp.difference("F_p")["klein_nystrand_adapted"]
    np.testing.assert_allclose(diff, AR40_KN_ADAPTED - AR40_HELM, rtol=0, atol=1.5e-5)
    np.testing.assert_allclose(cmp.values["F_p"]["helm"], AR40_HELM, rtol=0, atol=1e-5)


def test_a_model_against_itself_differs_by_zero() -> None:
    q = np.linspace(0.0, 0.5, 11)
    cmp = cc.compare_nuclear_models(
        "Cs133", {"Helm": "helm", "Helm again": {"model": "helm"}}, "Helm", q_fm=q, E_MeV=[20.0]
    )
    for quantity in ("F_p", "F_n", "F_W", "sigma"):
        np.testing.assert_array_equal(cmp.relative(quantity)["Helm again"], 0.0)


def test_cross_section_ratios_reproduce_the_reference_table() -> None:
    E = np.array([10.0, 30.0, 50.0])
    cmp = cc.compare_nuclear_models("Ar40", {"helm": {"model": "helm", **REVIEW}}, "point", E_MeV=E)
    # PHYSICS.md §3.7, ⁴⁰Ar with Helm (Lewin–Smith): 1.865e-40, 1.513e-39, 3.462e-39 cm²
    np.testing.assert_allclose(
        cmp.values["sigma"]["helm"], [1.865e-40, 1.513e-39, 3.462e-39], rtol=5e-4
    )
    # point nucleus, closed form (PHYSICS.md §3.2), tree couplings g_p = 1/2 − 2·0.23857, g_n = −1/2
    ar = cc.isotope("Ar40")
    QV = ar.Z * (0.5 - 2 * 0.23857) - 0.5 * ar.N
    G_F, hbarc2 = 1.1663788e-11, 3.8937937e-22  # MeV⁻², MeV² cm² (PHYSICS.md §1.2)
    M = ar.mass_MeV
    point = G_F**2 * E**2 / math.pi * QV**2 * M / (M + 2 * E) * hbarc2
    np.testing.assert_allclose(cmp.values["sigma"]["point"], point, rtol=2e-6)
    # the §3.7 pair at 30 MeV: σ_Helm/σ_{F=1} = 1.513/1.699
    assert cmp.ratio("sigma")["helm"][1] == pytest.approx(1.513 / 1.699, rel=1e-3)
    # form factors reduce σ more at higher E (Pandey Fig. 5: differences grow with E)
    rel = cmp.relative("sigma")["helm"]
    assert np.all(rel < 0) and np.all(np.diff(rel) < 0)


def test_weak_form_factor_follows_the_weak_radius() -> None:
    # F_W = 1 − q² R_W²/6 + …, R_W² = (Z g_p R_p² + N g_n R_n²)/(Z g_p + N g_n): a 0.2 fm skin
    q = np.array([0.005, 0.01])
    # (models as built: F_p is Helm's; the default's nucleon size is tested in test_nuclear_radii)
    cmp = cc.compare_nuclear_models(
        "Pb208",
        {"skin": {"model": "helm", "skin_fm": 0.2, "proton_radius": "charge"}},
        cc.NuclearModel(isotope="Pb208", model="helm", **REVIEW),
        q_fm=q,
    )
    g = 6.0 * (1.0 - cmp.values["F_W"]["skin"]) / q**2
    RW2 = (4.0 * g[0] - g[1]) / 3.0
    nm = cc.NuclearModel(isotope="Pb208", model="helm", skin_fm=0.2, proton_radius="charge")
    pb = cc.isotope("Pb208")
    gp, gn = 0.5 - 2 * 0.23857, -0.5
    expected = (pb.Z * gp * nm.R_p_fm**2 + pb.N * gn * nm.R_n_fm_effective**2) / (
        pb.Z * gp + pb.N * gn
    )
    assert RW2 == pytest.approx(expected, rel=1e-5)
    assert np.all(cmp.relative("F_W")["skin"] < 0) and np.all(cmp.relative("F_p")["skin"] == 0)


def test_tables_and_nuclear_models_as_entries() -> None:
    nm = cc.NuclearModel(isotope="Ar40", model="klein_nystrand")
    cmp = cc.compare_nuclear_models(
        "Ar40", ["ar40_charge_fb_devries1987", nm, "tabulated"], HELM_AS_BUILT, q_fm=Q_TABLE
    )
    assert cmp.labels == ("ar40_charge_fb_devries1987", "klein_nystrand", "tabulated")
    table = cc.form_factor_table("ar40_charge_fb_devries1987")
    np.testing.assert_array_equal(
        cmp.values["F_p"]["ar40_charge_fb_devries1987"], table.form_factor(Q_TABLE)
    )
    np.testing.assert_array_equal(cmp.values["F_p"]["tabulated"], table.form_factor(Q_TABLE))
    # the measured ⁴⁰Ar charge density and Helm (as built) agree to 0.3 % below q = 0.5 fm⁻¹
    low = Q_TABLE <= 0.5
    assert np.all(np.abs(cmp.relative("F_p")["ar40_charge_fb_devries1987"][low]) < 3e-3)


def test_bad_requests(tmp_path: Path) -> None:
    with pytest.raises(CevnsError, match="neither a form-factor model"):
        cc.compare_nuclear_models("Ar40", ["gaussian"], "helm")
    with pytest.raises(CevnsError, match="is for Cs133, not Ar40"):
        cc.compare_nuclear_models("Ar40", [cc.NuclearModel(isotope="Cs133")], "helm")
    with pytest.raises(CevnsError, match="models is empty"):
        cc.compare_nuclear_models("Ar40", [], "helm")
    with pytest.raises(CevnsError, match="as a mapping label"):
        cc.compare_nuclear_models("Ar40", [{"model": "helm"}], "point")
    with pytest.raises(CevnsError, match="q_fm must be 1-D"):
        cc.compare_nuclear_models("Ar40", ["helm"], "point", q_fm=[[0.1]])
    with pytest.raises(CevnsError, match=r"E_MeV must lie in \(0"):
        cc.compare_nuclear_models("Ar40", ["helm"], "point", E_MeV=[0.0])
    cmp = cc.compare_nuclear_models("Ar40", ["helm"], "point")
    with pytest.raises(CevnsError, match="pass E_MeV"):
        cmp.relative("sigma")
    with pytest.raises(CevnsError, match="quantity"):
        cmp.relative("F_X")
    # a reference with a diffraction zero on the grid: ratios refuse, differences work
    path = tmp_path / "zero.csv"
    rows = ["0,1", "0.5,0.6", "1,0", "1.5,-0.1", "2,-0.05"]
    head = ["# isotope: Ar40", "# units: fm^-1", "# citation: test", "q,F"]
    path.write_text("\n".join([*head, *rows]) + "\n", encoding="utf-8")
    zero = {"model": "tabulated", "model_params": {"table": str(path)}}
    cmp = cc.compare_nuclear_models("Ar40", {"helm": "helm", "zero": zero}, "zero", q_fm=[0.5, 1.0])
    with pytest.raises(CevnsError, match=r"F_p = 0 at q = 1 \(a diffraction zero\)"):
        cmp.relative("F_p")
    assert np.all(np.isfinite(cmp.difference("F_p")["helm"]))
