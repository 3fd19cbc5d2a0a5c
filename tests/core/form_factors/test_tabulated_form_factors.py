"""Tests of tabulated nuclear structure (cevns_core.form_factors.tables / .tabulated, PHYSICS §4.7).

Independent references: the closed-form Helm and symmetrized-Fermi form factors, densities and
moments (PKK Eqs. (23)–(27), PHYSICS.md §4.1–4.2), the analytic Fourier transform of a
Fourier–Bessel density (derived in the test), the published Fourier–Bessel coefficients of the
⁴⁰Ar charge density (De Vries, De Jager, De Vries, At. Data Nucl. Data Tables 36 (1987) 495) and the
Angeli–Marinova 2013 charge radius of ⁴⁰Ar, 3.4274(26) fm.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.form_factors import (
    FORM_FACTOR_MODELS,
    FormFactorTable,
    TabulatedModel,
    form_factor_model,
    form_factor_table,
    form_factor_tables,
    helm_form_factor,
    helm_moments,
    helm_R0_lewin_smith,
    load_form_factor_table,
    model_parameters,
    symmetrized_fermi_density,
    symmetrized_fermi_form_factor,
    symmetrized_fermi_moments,
)
from cevns_core.form_factors.lewin_smith import SF_A_FM, lewin_smith_c
from cevns_core.units import HBARC_MeV_fm

R0_CS = helm_R0_lewin_smith(133)  # 5.8671 fm (PHYSICS.md §4.8)
RMS_CS = math.sqrt(helm_moments(R0_CS)[2])
C_CS = lewin_smith_c(133)

# ⁴⁰Ar charge density, Fourier–Bessel fit: R = 9 fm and a_ν in e fm⁻³ (De Vries et al. 1987)
AR40_FB_R = 9.0
AR40_FB_A = np.array(
    [
        *(3.0451e-02, 5.5337e-02, 2.0203e-02, -1.6765e-02, -1.3578e-02, -4.3204e-05),
        *(9.1988e-04, -4.1205e-04, 1.1971e-04, -1.9801e-05, -4.3204e-06, 6.1205e-06),
        *(-3.7803e-06, 1.8001e-06, -7.7407e-07),
    ]
)


def _row(*values: float) -> str:
    return ",".join(repr(float(v)) for v in values)


def _write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def _helm_lines(dq: float = 0.05, q_max: float = 5.0, *, iso: str = "Cs133", A: int = 133):
    R0 = helm_R0_lewin_smith(A)
    q = np.arange(0.0, q_max + dq / 2, dq)
    F = helm_form_factor(q, R0)
    head = [f"# isotope: {iso}", "# units: fm^-1", "# citation: Helm, PKK Eq. (23)", "q,F"]
    return head + [f"{a:.10g},{b:.12e}" for a, b in zip(q, F, strict=True)]


@pytest.fixture
def helm_table(tmp_path: Path) -> Path:
    return _write(tmp_path / "cs133_helm.csv", _helm_lines())


def _fb_form_factor(q: np.ndarray) -> np.ndarray:
    """Analytic F(q) of ρ = Σ a_ν j₀(k_ν r) on r ≤ R, k_ν = νπ/R (derived here).

    ∫₀^R r² j₀(k r) j₀(q r) dr = (−1)^{ν+1} sin(qR) / (q (k² − q²)); at q = 0 it is
    (−1)^{ν+1} R / k² (the normalisation Z).
    """
    nu = np.arange(1, AR40_FB_A.size + 1)
    k = nu * np.pi / AR40_FB_R
    sign = (-1.0) ** (nu + 1)
    norm = np.sum(AR40_FB_A * sign * AR40_FB_R / k**2)
    q = np.asarray(q, dtype=float)[:, None]
    return np.sum(AR40_FB_A * sign * np.sin(q * AR40_FB_R) / (q * (k**2 - q**2)), axis=1) / norm


# --------------------------------------------------------------------------- form-factor tables
def test_helm_table_reproduces_helm(helm_table: Path) -> None:
    table = load_form_factor_table(helm_table)
    assert table.isotope == "Cs133" and table.kind == "form_factor" and table.columns == ("F",)
    # F(0) = 1 exactly (the table is divided by its F(0))
    assert float(table.form_factor(0.0)) == 1.0
    # off-grid points: the cubic spline in q² stays within 3×10⁻⁶ of the closed form (Δq = 0.05)
    q = np.linspace(0.0, 4.99, 1999)
    np.testing.assert_allclose(table.form_factor(q), helm_form_factor(q, R0_CS), rtol=0, atol=3e-6)
    # rms radius from the slope at q = 0 vs PKK Eq. (24): ⟨r²⟩ = 3/5 R₀² + 3s²
    assert table.rms_radius_fm() == pytest.approx(RMS_CS, rel=1e-6)
    assert table.moment(2) == pytest.approx(helm_moments(R0_CS)[2], rel=2e-6)


def test_q_squared_slope_matches_the_tables_radius(helm_table: Path) -> None:
    # F = 1 − q²⟨r²⟩/6 + O(q⁴): Richardson-extrapolated finite difference of the loaded F against
    # the radius the table reports (and the Helm radius it was made from)
    model = form_factor_model("tabulated", "Cs133", table=str(helm_table))
    q = np.array([0.01, 0.02])
    g = 6.0 * (1.0 - model.form_factor(q)) / q**2
    r2 = (4.0 * g[0] - g[1]) / 3.0
    assert r2 == pytest.approx(model.rms_radius_fm**2, rel=1e-6)
    assert model.rms_radius_fm == pytest.approx(RMS_CS, rel=1e-6)


def test_q_in_MeV_gives_the_same_form_factor(tmp_path: Path, helm_table: Path) -> None:
    q_fm = np.arange(0.0, 5.0 + 0.025, 0.05)
    lines = ["# isotope: Cs133", "# units: MeV", "# citation: Helm", "q,F"]
    F = helm_form_factor(q_fm, R0_CS)
    lines += [_row(a * HBARC_MeV_fm, b) for a, b in zip(q_fm, F, strict=True)]
    mev = load_form_factor_table(_write(tmp_path / "mev.csv", lines))
    fm = load_form_factor_table(helm_table)
    q = np.linspace(0.0, 4.9, 50)
    np.testing.assert_allclose(mev.form_factor(q), fm.form_factor(q), rtol=0, atol=1e-9)


def test_proton_and_neutron_columns(tmp_path: Path) -> None:
    q = np.arange(0.0, 3.0 + 0.025, 0.05)
    Fp, Fn = helm_form_factor(q, 5.6), helm_form_factor(q, 6.0)
    lines = ["# isotope: Cs133", "# units: fm^-1", "# citation: two Helm radii", "q,F_p,F_n"]
    lines += [_row(a, b, c) for a, b, c in zip(q, Fp, Fn, strict=True)]
    path = _write(tmp_path / "pn.csv", lines)
    table = load_form_factor_table(path)
    assert table.has_neutrons and not table.is_weak
    expected = {p: math.sqrt(helm_moments(R)[2]) for p, R in (("protons", 5.6), ("neutrons", 6.0))}
    for nucleons, rms in expected.items():
        assert table.rms_radius_fm(nucleons) == pytest.approx(rms, rel=1e-6)
    # NuclearModel takes the table's own neutron distribution; a skin rescales it
    nm = cc.NuclearModel(isotope="Cs133", model="tabulated", model_params={"table": str(path)})
    qq = np.array([0.1, 0.3, 0.6])
    np.testing.assert_allclose(nm.F_p(qq), helm_form_factor(qq, 5.6), atol=1e-6)
    np.testing.assert_allclose(nm.F_n(qq), helm_form_factor(qq, 6.0), atol=1e-6)
    assert nm.R_n_fm_effective - nm.R_p_fm == pytest.approx(
        expected["neutrons"] - expected["protons"]
    )
    skin = cc.NuclearModel(
        isotope="Cs133", model="tabulated", model_params={"table": str(path)}, skin_fm=0.1
    )
    assert skin.R_n_fm_effective == pytest.approx(skin.R_p_fm + 0.1, rel=1e-12)
    # rescaling a distribution: F_s(q) = F(s q)
    s = skin.R_n_fm_effective / table.rms_radius_fm("neutrons")
    np.testing.assert_allclose(skin.F_n(qq), table.form_factor(s * qq, "neutrons"), rtol=1e-13)


def test_weak_form_factor_table_gives_the_weak_cross_section(tmp_path: Path) -> None:
    # a table of F_W alone is used for protons and neutrons: dσ/dT ∝ (Z g_p + N g_n)² F_W²
    # equals the cross section of the p/n model the table was made from (Helm, 0.3 fm skin)
    q = np.arange(0.0, 3.0 + 0.01, 0.02)
    FW = cc.weak_form_factor(q, "Cs133", skin_fm=0.3)
    lines = ["# isotope: Cs133", "# units: fm^-1", "# citation: Helm with skin", "q,F_W"]
    lines += [_row(a, b) for a, b in zip(q, FW, strict=True)]
    path = _write(tmp_path / "fw.csv", lines)
    E, T = np.array([[10.0], [30.0], [50.0]]), np.linspace(0.1, 40.0, 30)
    table = cc.differential_cross_section(
        E, T, "Cs133", form_factor="tabulated", form_factor_params={"table": str(path)}
    )
    model = cc.differential_cross_section(
        E, T, "Cs133", form_factor="helm", form_factor_params={"skin_fm": 0.3}
    )
    np.testing.assert_allclose(table, model, rtol=2e-5, atol=0)


# --------------------------------------------------------------------------- density tables
def test_density_table_transform_matches_symmetrized_fermi(tmp_path: Path) -> None:
    r = np.arange(0.0, 15.0 + 0.025, 0.05)
    rho = 133 * symmetrized_fermi_density(r, C_CS, SF_A_FM)  # any normalisation is accepted
    lines = ["# isotope: Cs133", "# units: fm", "# citation: SF, PKK Eq. (25)", "r,rho"]
    lines += [f"{a:.4f},{b:.12e}" for a, b in zip(r, rho, strict=True)]
    table = load_form_factor_table(_write(tmp_path / "sf.csv", lines))
    assert table.kind == "density"
    q = np.linspace(0.0, 5.0, 501)
    closed = symmetrized_fermi_form_factor(q, C_CS, SF_A_FM)
    np.testing.assert_allclose(table.form_factor(q), closed, rtol=0, atol=1e-7)
    moments = symmetrized_fermi_moments(C_CS, SF_A_FM)  # PKK Eq. (27)
    assert table.rms_radius_fm() == pytest.approx(math.sqrt(moments[2]), rel=1e-6)
    assert table.moment(4) == pytest.approx(moments[4], rel=1e-5)
    rr = np.linspace(0.0, 12.0, 97)
    sf = symmetrized_fermi_density(rr, C_CS, SF_A_FM)
    np.testing.assert_allclose(table.density(rr), sf, rtol=0, atol=1e-7 * sf.max())
    assert float(table.density(20.0)) == 0.0  # zero beyond the table


def test_shipped_ar40_density_is_the_published_fourier_bessel_fit() -> None:
    assert "ar40_charge_fb_devries1987" in form_factor_tables("Ar40")
    table = form_factor_table("ar40_charge_fb_devries1987")
    assert table.isotope == "Ar40" and table.columns == ("rho_ch",)
    assert "At. Data Nucl. Data Tables 36 (1987) 495" in table.citation
    # its transform vs the closed-form transform of the published series
    q = np.linspace(0.01, 3.0, 300)
    np.testing.assert_allclose(table.form_factor(q), _fb_form_factor(q), rtol=0, atol=2e-6)
    # rms: the series' own ⟨r²⟩ (the q² coefficient of the closed form), and the
    # Angeli–Marinova 2013 charge radius 3.4274(26) fm (electron scattering + muonic atoms)
    q_small = np.array([1e-3, 2e-3])
    g = 6.0 * (1.0 - _fb_form_factor(q_small)) / q_small**2
    rms_series = math.sqrt((4.0 * g[0] - g[1]) / 3.0)
    assert table.rms_radius_fm() == pytest.approx(rms_series, rel=1e-5)
    assert table.rms_radius_fm() == pytest.approx(3.4274, rel=2e-3)
    # the file's header states ∫ρ d³r = Z for this normalisation (Z = 18)
    nu = np.arange(1, AR40_FB_A.size + 1)
    Z = np.sum(AR40_FB_A * 4 * np.pi * AR40_FB_R**3 * (-1.0) ** (nu + 1) / (nu * np.pi) ** 2)
    assert Z == pytest.approx(18.0, rel=2e-4)


@pytest.mark.parametrize("name", form_factor_tables())
def test_every_shipped_table_is_valid_and_cited(name: str) -> None:
    table = form_factor_table(name)
    assert name.startswith(table.isotope.lower())
    assert table.citation and float(table.form_factor(0.0)) == 1.0


# the measured charge densities (the theory tables, point-nucleon form factors, are checked in
# test_shell_model_tables.py)
@pytest.mark.parametrize("name", [n for n in form_factor_tables() if "_charge_" in n])
def test_every_shipped_charge_density_has_the_measured_radius(name: str) -> None:
    table = form_factor_table(name)
    iso = cc.isotope(table.isotope)
    # measured charge radii (Angeli–Marinova 2013) agree with the Fourier–Bessel rms to 0.2 %
    assert table.rms_radius_fm() == pytest.approx(iso.charge_radius_fm, rel=2e-3)


# --------------------------------------------------------------------------- the model
def test_tabulated_model_is_registered_but_not_listed() -> None:
    assert "tabulated" not in cc.form_factor_models()
    assert "tabulated" not in FORM_FACTOR_MODELS
    model = form_factor_model("tabulated", "Ar40")
    assert isinstance(model, TabulatedModel) and model.model_name == "tabulated"
    assert TabulatedModel.label and TabulatedModel.equation.startswith("F(q)")
    assert "PHYSICS.md §4.7" in TabulatedModel.reference
    assert set(model_parameters("tabulated")) == set(TabulatedModel.parameter_units)
    q = np.linspace(0.0, 2.0, 21)
    np.testing.assert_array_equal(
        cc.form_factor("tabulated", q, "Ar40"),
        form_factor_table("ar40_charge_fb_devries1987").form_factor(q),
    )


def test_a_model_without_table_raises_when_used() -> None:
    model = TabulatedModel()  # like HelmModel() without A: built, not evaluable
    with pytest.raises(CevnsError, match="TabulatedModel has no table"):
        model.form_factor(0.1)
    model.table = "ar40_charge_fb_devries1987"  # an assignment loads (and checks) the table
    assert float(model.form_factor(0.0)) == 1.0
    with pytest.raises(CevnsError, match="table must be a FormFactorTable"):
        model.table = 42
    with pytest.raises(CevnsError, match="describes Ar40, not Cs133"):
        TabulatedModel(table="ar40_charge_fb_devries1987", isotope_name="Cs133")
    bound = form_factor_model("tabulated", "Ar40")
    ge = form_factor_table("ge72_charge_fb_devries1987")
    with pytest.raises(CevnsError, match="describes Ge72, not Ar40"):
        bound.table = ge
    # a rejected value leaves the model unchanged
    assert bound.table is form_factor_table("ar40_charge_fb_devries1987")
    assert model.table == "ar40_charge_fb_devries1987"
    assert bound.form_factor_table.isotope == "Ar40"


def test_with_rms_rescales_the_distribution() -> None:
    model = form_factor_model("tabulated", "Ar40")
    new = model.with_rms(3.6)
    assert new.rms_radius_fm == pytest.approx(3.6, rel=1e-12)
    s = 3.6 / model.rms_radius_fm
    q = np.array([0.2, 0.5, 1.0])
    np.testing.assert_allclose(new.form_factor(q), model.form_factor(s * q), rtol=1e-13)
    r = np.array([0.0, 2.0, 4.0])
    np.testing.assert_allclose(new.density(r), model.density(r / s) / s**3, rtol=1e-13)
    assert new.moment(4) == pytest.approx(model.moment(4) * s**4, rel=1e-12)


def test_beyond_the_table(helm_table: Path) -> None:
    model = form_factor_model("tabulated", "Cs133", table=str(helm_table))
    with pytest.raises(CevnsError, match=r"q = 6 fm⁻¹ is beyond the table.*ends at q = 5"):
        model.form_factor([1.0, 6.0])
    held = form_factor_model("tabulated", "Cs133", table=str(helm_table), beyond_table="last")
    last = float(helm_form_factor(5.0, R0_CS))
    np.testing.assert_allclose(held.form_factor([6.0, 1e300]), [last, last], rtol=1e-12)


def test_other_isotopes_and_fallback(helm_table: Path) -> None:
    with pytest.raises(CevnsError, match=r"no form-factor table for Ar40.*describes Cs133"):
        cc.form_factor("tabulated", 0.1, "Ar40", table=str(helm_table))
    with pytest.raises(CevnsError, match=r"no form-factor table for Si28.*none is shipped"):
        cc.form_factor("tabulated", 0.1, "Si28")
    np.testing.assert_array_equal(
        cc.form_factor("tabulated", [0.1, 0.4], "Ar36", fallback="helm"),
        cc.form_factor("helm", [0.1, 0.4], "Ar36"),
    )
    with pytest.raises(CevnsError, match="table must be a FormFactorTable"):
        cc.form_factor("tabulated", 0.1, "Ar40", table="no_such_table")
    with pytest.raises(CevnsError, match="fallback"):
        cc.form_factor("tabulated", 0.1, "Ar40", fallback="gaussian")


def test_form_factor_tables_have_no_density(helm_table: Path) -> None:
    model = form_factor_model("tabulated", "Cs133", table=str(helm_table))
    with pytest.raises(CevnsError, match="ρ\\(r\\) needs a density table"):
        model.density(1.0)
    with pytest.raises(CevnsError, match="fixes ⟨r²⟩, not ⟨r\\^4⟩"):
        model.moment(4)
    protons_only = FormFactorTable.from_arrays(
        "Ar40",
        "q",
        [0.0, 1.0, 2.0, 3.0],
        {"F_p": [1.0, 0.9, 0.6, 0.3]},
        units="fm^-1",
        citation="x",
    )
    with pytest.raises(CevnsError, match="has no neutron distribution"):
        form_factor_model("tabulated", "Ar40", nucleons="neutrons", table=protons_only)


# --------------------------------------------------------------------------- use in rates
def test_cross_section_with_a_table_equals_the_analytic_model(helm_table: Path) -> None:
    E, T = np.array([[5.0], [30.0], [50.0]]), np.linspace(0.05, 40.0, 40)
    table = cc.differential_cross_section(
        E, T, "Cs133", form_factor="tabulated", form_factor_params={"table": str(helm_table)}
    )
    # the table is the charge Helm model: the reviews' nuclear choice, not the default one
    helm = cc.differential_cross_section(
        E, T, "Cs133", form_factor="helm", form_factor_params=dict(cc.REVIEW_NUCLEAR_CHOICE)
    )
    np.testing.assert_allclose(table, helm, rtol=1e-5, atol=0)
    sigma = cc.total_cross_section(
        [10.0, 30.0],
        "Cs133",
        form_factor="tabulated",
        form_factor_params={"table": str(helm_table)},
    )
    # PHYSICS.md §3.7: σ(10 MeV) = 2.339×10⁻³⁹, σ(30 MeV) = 1.721×10⁻³⁸ cm² (Helm, ¹³³Cs)
    np.testing.assert_allclose(sigma, [2.339e-39, 1.721e-38], rtol=5e-4)


def test_experiment_with_tables_per_nucleus(tmp_path: Path) -> None:
    cs = _write(tmp_path / "cs.csv", _helm_lines(iso="Cs133", A=133))
    iodine = _write(tmp_path / "i.csv", _helm_lines(iso="I127", A=127))
    exp = cc.experiment(
        "coherent_csi_2017",
        form_factor="tabulated",
        form_factor_params={"table": {"Cs133": str(cs), "I127": str(iodine)}},
    )
    # the tables are the charge Helm model: the reference takes the reviews' nuclear choice
    reference = cc.experiment(
        "coherent_csi_2017", skin_fm=0.0, form_factor_params={"proton_radius": "charge"}
    )
    assert exp.counts().total == pytest.approx(reference.counts().total, rel=1e-5)
    T = np.linspace(1.0, 40.0, 12)
    np.testing.assert_allclose(exp.recoil_spectrum(T), reference.recoil_spectrum(T), rtol=1e-5)


def test_experiment_with_the_shipped_argon_table() -> None:
    # natural argon: ⁴⁰Ar from the Fourier–Bessel density, ³⁶Ar and ³⁸Ar (0.4 %) from Helm
    exp = cc.experiment(
        "coherent_lar_2020", form_factor="tabulated", form_factor_params={"fallback": "helm"}
    )
    # the table is a charge density: compared with Helm as built, no skin (the reviews' choice)
    helm = (
        cc.experiment(
            "coherent_lar_2020", skin_fm=0.0, form_factor_params={"proton_radius": "charge"}
        )
        .counts()
        .total
    )
    # F_FB/F_Helm − 1 is −0.2 % at q = 0.5 fm⁻¹ (above), so the counts differ by less than 1 %
    assert exp.counts().total == pytest.approx(helm, rel=1e-2)
    assert exp.counts().total != helm
    with pytest.raises(CevnsError, match=r"Ar36.*fallback"):
        cc.experiment("coherent_lar_2020", form_factor="tabulated").counts()


# --------------------------------------------------------------------------- bad tables
GOOD_HEAD = ["# isotope: Cs133", "# units: fm^-1", "# citation: test"]
GOOD_ROWS = ["0,1", "0.1,0.96", "0.2,0.855", "0.3,0.697", "0.5,0.33"]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["# isotope: Cs133", "# citation: test", "q,F", *GOOD_ROWS], r"missing.*# units:"),
        (["# isotope: Cs133", "# units: fm", "# citation: t", "q,F", *GOOD_ROWS], "do not fit"),
        (["# isotope: Cs133", "# units: keV", "# citation: t", "q,F", *GOOD_ROWS], "keV"),
        (["# units: fm^-1", "# citation: test", "q,F", *GOOD_ROWS], r"missing.*# isotope:"),
        (["# isotope: Cs133", "# units: fm^-1", "q,F", *GOOD_ROWS], r"missing.*# citation:"),
        ([*GOOD_HEAD[:1], "# isotope: Zz999", *GOOD_HEAD[1:], "q,F", *GOOD_ROWS], "Zz999"),
        ([*GOOD_HEAD, "q,F", "0,1", "0.2,0.9", "0.1,0.95", "0.3,0.7"], "increase strictly"),
        ([*GOOD_HEAD, "q,F", "0,1", "0.1,0.96", "0.1,0.95", "0.3,0.7"], "increase strictly"),
        ([*GOOD_HEAD, "q,F", "0,1", "0.1,nan", "0.2,0.9", "0.3,0.7"], "not finite"),
        ([*GOOD_HEAD, "q,F", "0,1", "0.1,inf", "0.2,0.9", "0.3,0.7"], "not finite"),
        ([*GOOD_HEAD, "q,F", "0,1", "0.1,abc", "0.2,0.9", "0.3,0.7"], "'abc' is not a number"),
        ([*GOOD_HEAD, "q,F", "0,55", "0.1,52", "0.2,47", "0.3,38"], r"F\(0\) = 55"),
        ([*GOOD_HEAD, "q,F", "0,1.01", "0.1,0.96", "0.2,0.9", "0.3,0.7"], r"F\(0\) = 1.01"),
        ([*GOOD_HEAD, "q,F", "0.1,0.96", "0.2,0.9", "0.3,0.7", "0.5,0.3"], "first row.*q = 0"),
        ([*GOOD_HEAD, "q,F", "0,1", "0.1,0.96", "0.2,1.2", "0.3,0.7"], "never exceeds F"),
        ([*GOOD_HEAD, "q,F", "0,1", "0.1,1", "0.2,1", "0.3,1"], "does not decrease"),
        ([*GOOD_HEAD, "q,F", "0,1", "0.1,0.96"], "at least 4 data rows"),
        ([*GOOD_HEAD, "q,F", "0,1,2", *GOOD_ROWS[1:]], "3 values, expected 2"),
        ([*GOOD_HEAD, "q,G", *GOOD_ROWS], "unknown column 'G'"),
        ([*GOOD_HEAD, "E,F", *GOOD_ROWS], "first column must be q"),
        ([*GOOD_HEAD, "q,F_p,F_W", "0,1,1", "0.1,0.9,0.9", "0.2,0.8,0.8", "0.3,0.7,0.7"], "sets"),
        ([*GOOD_HEAD, "q,F_n", *GOOD_ROWS], "do not describe one nucleus"),
        (GOOD_HEAD, "no header"),
        (
            [
                "# isotope: Cs133",
                "# units: fm",
                "# citation: t",
                "r,rho",
                "0,1",
                "3,1",
                "5,0.5",
                "8,0.1",
            ],
            "last radius",
        ),
        (
            [
                "# isotope: Cs133",
                "# units: fm",
                "# citation: t",
                "r,rho",
                "0,1",
                "3,-0.5",
                "5,0.5",
                "8,0",
            ],
            "negative density",
        ),
    ],
)
def test_bad_tables_raise(tmp_path: Path, lines: list[str], message: str) -> None:
    path = _write(tmp_path / "bad.csv", lines)
    with pytest.raises(CevnsError, match=message):
        load_form_factor_table(path)


def test_bad_files_raise(tmp_path: Path) -> None:
    with pytest.raises(CevnsError, match="cannot read form-factor table"):
        load_form_factor_table(tmp_path / "missing.csv")
    with pytest.raises(CevnsError, match="not a regular file"):
        load_form_factor_table(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CevnsError, match="empty"):
        load_form_factor_table(empty)
    big = tmp_path / "big.csv"
    big.write_bytes(b"# " + b"x" * 5_000_000 + b"\n")
    with pytest.raises(CevnsError, match="limit for a form-factor table"):
        load_form_factor_table(big)
    # UTF-16 (as some spreadsheets save) is refused with the reason
    utf16 = _write(tmp_path / "utf16.csv", [*GOOD_HEAD, "q,F", *GOOD_ROWS], encoding="utf-16")
    with pytest.raises(CevnsError, match="not a UTF-8 text file"):
        load_form_factor_table(utf16)


def test_utf8_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    plain = load_form_factor_table(_write(tmp_path / "a.csv", [*GOOD_HEAD, "q,F", *GOOD_ROWS]))
    bom = load_form_factor_table(
        _write(tmp_path / "b.csv", [*GOOD_HEAD, "q,F", *GOOD_ROWS], encoding="utf-8-sig")
    )
    assert (tmp_path / "b.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    q = np.linspace(0.0, 0.5, 11)
    np.testing.assert_array_equal(bom.form_factor(q), plain.form_factor(q))


def test_changed_file_is_read_again(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", [*GOOD_HEAD, "q,F", *GOOD_ROWS])
    first = load_form_factor_table(path)
    _write(path, [*GOOD_HEAD, "# label: changed", "q,F", *GOOD_ROWS, "0.7,0.1"])
    second = load_form_factor_table(path)
    assert second is not first and second.label == "changed"


def test_round_trip_through_csv(tmp_path: Path, helm_table: Path) -> None:
    table = load_form_factor_table(helm_table)
    table.to_csv(tmp_path / "copy.csv")
    copy = load_form_factor_table(tmp_path / "copy.csv")
    q = np.linspace(0.0, 4.9, 99)
    np.testing.assert_allclose(copy.form_factor(q), table.form_factor(q), rtol=0, atol=1e-15)
    assert copy.citation == table.citation


def test_from_arrays_checks_like_a_file() -> None:
    with pytest.raises(CevnsError, match="needs a citation"):
        FormFactorTable.from_arrays(
            "Ar40", "q", [0, 1, 2, 3], {"F": [1, 0.9, 0.6, 0.3]}, units="fm^-1", citation=" "
        )
    with pytest.raises(CevnsError, match="has shape"):
        FormFactorTable.from_arrays(
            "Ar40", "q", [0, 1, 2, 3], {"F": [1, 0.9, 0.6]}, units="fm^-1", citation="x"
        )
