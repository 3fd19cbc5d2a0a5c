"""Tests of cevns_core.form_factors against PHYSICS.md §4, §9.2 and §11 (R9–R17)."""

from __future__ import annotations

import dataclasses
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cevns_core.errors import CevnsError, CevnsWarning
from cevns_core.form_factors import (
    DEFAULT_SHELL_ORDER,
    FORM_FACTOR_MODELS,
    FormFactorModel,
    HarmonicOscillatorModel,
    HelmModel,
    KleinNystrandModel,
    MomentExpansionModel,
    ParameterInfo,
    density_moment,
    form_factor,
    form_factor_model,
    form_factor_models,
    harmonic_oscillator_b_from_rms,
    harmonic_oscillator_density,
    harmonic_oscillator_form_factor,
    harmonic_oscillator_moments,
    helm_density,
    helm_form_factor,
    helm_moments,
    helm_R0_from_rms,
    helm_R0_lewin_smith,
    ho_coefficients,
    ho_lambda_coefficient,
    klein_nystrand_density,
    klein_nystrand_form_factor,
    klein_nystrand_moments,
    klein_nystrand_R_A_adapted,
    klein_nystrand_R_A_coherent,
    lewin_smith_c,
    model_parameters,
    moment_expansion_form_factor,
    point_form_factor,
    shell_occupations,
    spherical_bessel_j1_over_x,
    symmetrized_fermi_c_from_rms,
    symmetrized_fermi_density,
    symmetrized_fermi_form_factor,
    symmetrized_fermi_moments,
)
from cevns_core.nuclei import isotope
from cevns_core.units import HBARC_MeV_fm, M_MU_MeV

Q_TABLE = np.array([0.1, 0.2, 0.3, 0.5, 1.0])
DENSITY_MODELS = [
    "helm",
    "symmetrized_fermi",
    "klein_nystrand",
    "klein_nystrand_adapted",
    "harmonic_oscillator",
]


def _gl_fourier(model: FormFactorModel, q: np.ndarray) -> np.ndarray:
    """F(q) = 4π ∫ρ(r) j0(qr) r² dr by fixed composite Gauss–Legendre quadrature (test-side)."""
    r_max = model._r_max()
    edges = np.unique(np.r_[np.linspace(0.0, r_max, 301), list(model._breakpoints())])
    x, w = np.polynomial.legendre.leggauss(16)
    lo, hi = edges[:-1, None], edges[1:, None]
    r = (lo + 0.5 * (hi - lo) * (x + 1.0)).ravel()
    wr = (0.5 * (hi - lo) * w).ravel()
    rho = model.density(r)
    j0 = np.sinc(q[:, None] * r[None, :] / np.pi)  # np.sinc(x) = sin(πx)/(πx)
    return 4.0 * np.pi * (j0 * (rho * r**2 * wr)[None, :]).sum(axis=1)


# ---------------------------------------------------------------------------------------------
# Reference values (PHYSICS.md §4.8 and §11)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "R0"),
    # PHYSICS.md §11 R9 / §4.8 (Lewin–Smith, s = 0.9 fm, a = 0.52 fm)
    [("Cs133", 5.8671), ("Ar40", 3.8967), ("Al27", 3.4242), ("Ti48", 4.1418)],
)
def test_R9_lewin_smith_R0(name: str, R0: float) -> None:
    assert helm_R0_lewin_smith(isotope(name).A) == pytest.approx(R0, abs=1e-3)
    assert form_factor_model("helm", name).R0_fm == pytest.approx(R0, abs=1e-3)


def test_R10_helm_ls_rms_equals_sf_rms() -> None:
    # PHYSICS.md §11 R10: Helm-LS rms = SF rms (¹³³Cs) = 4.8045 fm, equal by construction (§4.1)
    helm = form_factor_model("helm", "Cs133")
    sf = form_factor_model("symmetrized_fermi", "Cs133")
    assert helm.rms_radius_fm == pytest.approx(4.8045, abs=1e-3)
    assert helm.rms_radius_fm == pytest.approx(sf.rms_radius_fm, rel=1e-13)


def test_R11_helm_cs133() -> None:
    # PHYSICS.md §11 R11 and §4.8 (q = 1.0 column): Helm-LS ¹³³Cs
    F = form_factor("helm", Q_TABLE, "Cs133")
    np.testing.assert_allclose(F, [0.96209, 0.85495, 0.69671, 0.33043, -0.05717], atol=1e-4)
    assert F[-1] == pytest.approx(-0.05717, abs=1e-5)


@pytest.mark.parametrize(
    ("model", "iso", "params", "expected"),
    [
        # PHYSICS.md §4.8 table, row by row
        ("helm", "Cs133", {}, [0.96209, 0.85495, 0.69671, 0.33043, -0.05717]),
        (
            "helm",
            "Cs133",
            {"R0_prescription": "from_rms"},  # rms(4.8041) = Angeli–Marinova charge radius
            [0.96210, 0.85497, 0.69676, 0.33051, -0.05718],
        ),
        ("symmetrized_fermi", "Cs133", {}, [0.96210, 0.85511, 0.69740, 0.33350, -0.05693]),
        ("klein_nystrand", "Cs133", {}, [0.95644, 0.83459, 0.65831, 0.27140, -0.05111]),
        ("helm", "Ar40", {}, [0.98092, 0.92545, 0.83871, 0.60403, 0.07278]),
        # adapted KN with the tabulated ⁴⁰Ar charge radius 3.4274 fm (R_A = 3.831 fm)
        ("klein_nystrand_adapted", "Ar40", {}, [0.98059, 0.92439, 0.83706, 0.60401, 0.08304]),
    ],
)
def test_section_4_8_table(model: str, iso: str, params: dict, expected: list[float]) -> None:
    F = form_factor(model, Q_TABLE, iso, **params)
    np.testing.assert_allclose(F, expected, atol=2e-5)


def test_section_4_8_radii() -> None:
    # PHYSICS.md §4.8: R0 = 5.8665 for rms 4.8041, c = 5.6785, R_A = 6.2785 (¹³³Cs)
    assert helm_R0_from_rms(4.8041) == pytest.approx(5.8665, abs=1e-4)
    assert form_factor_model("helm", "Cs133", R0_prescription="from_rms").R0_fm == pytest.approx(
        5.8665, abs=1e-4
    )
    assert lewin_smith_c(133) == pytest.approx(5.6785, abs=1e-4)
    assert form_factor_model("symmetrized_fermi", "Cs133").c_fm == pytest.approx(5.6785, abs=1e-4)
    assert klein_nystrand_R_A_coherent(133) == pytest.approx(6.2785, abs=1e-4)
    assert form_factor_model("klein_nystrand_adapted", "Ar40").R_A_fm == pytest.approx(
        3.831, abs=1e-3
    )


def test_section_4_8_recoil_energy_row() -> None:
    # PHYSICS.md §4.8: ¹³³Cs Helm-LS, T = 1, 5, 10, 20 keV ↔ q ↔ F; q = √(2MT + T²)/ħc (§2)
    M = isotope("Cs133").mass_MeV
    T = np.array([1.0, 5.0, 10.0, 20.0]) * 1e-3
    q = np.sqrt(2.0 * M * T + T**2) / HBARC_MeV_fm
    np.testing.assert_allclose(q, [0.0797, 0.1783, 0.2521, 0.3566], atol=1e-4)
    F = form_factor("helm", q, "Cs133")
    np.testing.assert_allclose(F, [0.97577, 0.88333, 0.77732, 0.59407], atol=1e-4)


def test_R12_sf_and_kn_at_q03() -> None:
    # PHYSICS.md §11 R12: F_SF, F_KN (¹³³Cs, q = 0.3 fm⁻¹) = 0.69740, 0.65831
    assert float(form_factor("symmetrized_fermi", 0.3, "Cs133")) == pytest.approx(0.6974, abs=1e-4)
    assert float(form_factor("klein_nystrand", 0.3, "Cs133")) == pytest.approx(0.65831, abs=1e-4)


def test_R13_kn_rms2() -> None:
    # PHYSICS.md §11 R13: KN rms² (¹³³Cs, R_A = 1.23A^{1/3}) = 26.592 fm²
    assert form_factor_model("klein_nystrand", "Cs133").moment(2) == pytest.approx(26.592, abs=1e-3)
    assert klein_nystrand_moments(klein_nystrand_R_A_coherent(133))[2] == pytest.approx(
        26.592, abs=1e-3
    )


def test_R14_sf_moments_ar40() -> None:
    # PHYSICS.md §11 R14: SF moments ⁴⁰Ar = 11.5405 fm², 193.310 fm⁴, 4347.92 fm⁶ (10⁻⁵ rel)
    model = form_factor_model("symmetrized_fermi", "Ar40")
    expected = {2: 11.5405, 4: 193.310, 6: 4347.92}
    for k, value in expected.items():
        assert model.moment(k) == pytest.approx(value, rel=1e-5)
        assert symmetrized_fermi_moments(lewin_smith_c(40))[k] == pytest.approx(value, rel=1e-5)


@pytest.mark.parametrize(
    ("name", "at_053", "at_mmu", "pkk"),
    # PHYSICS.md §9.2 / §11 R15 (PKK Sec. IV quotes 0.63 and 0.53)
    [("Al27", 0.631, 0.625, 0.63), ("Ti48", 0.530, 0.523, 0.53)],
)
def test_R15_mu_to_e(name: str, at_053: float, at_mmu: float, pkk: float) -> None:
    q_mu = M_MU_MeV / HBARC_MeV_fm
    assert q_mu == pytest.approx(0.5354, abs=1e-4)
    F = form_factor("helm", [0.53, q_mu], name)
    assert F[0] == pytest.approx(pkk, abs=0.01)
    assert F[0] == pytest.approx(at_053, abs=2e-3)
    assert F[1] == pytest.approx(at_mmu, abs=2e-3)


def test_R17_adapted_kn_radius() -> None:
    # PHYSICS.md §11 R17 / §4.3: adapted KN R_A(⁴⁰Ar, r0 = 3.427 fm) = 3.831 fm
    assert klein_nystrand_R_A_adapted(3.427) == pytest.approx(3.831, abs=1e-3)
    model = form_factor_model("klein_nystrand_adapted", "Ar40", rms_fm=3.427)
    assert model.R_A_fm == pytest.approx(3.831, abs=1e-3)
    assert model.rms_radius_fm == pytest.approx(3.427, rel=1e-12)


# PHYSICS.md §4.4 corrected PKK Table III: Z, last level, f_λ, θ_λ (exact)
TABLE_III = [
    (2, "0s1/2", ["2"], ["2"]),
    (6, "0p3/2", ["2", "8/3"], ["6", "-2/3"]),
    (8, "0p1/2", ["2", "4"], ["8", "-1"]),
    (14, "0d5/2", ["2", "4", "8/5"], ["14", "-3", "1/10"]),
    (18, "0d3/2", ["2", "4", "8/3"], ["18", "-13/3", "1/6"]),
    (20, "1s1/2", ["5", "0", "4"], ["20", "-5", "1/4"]),
    (22, "1p1/2", ["5", "10/3", "4/3", "8/15"], ["22", "-6", "13/30", "-1/120"]),
    (30, "0f7/2", ["5", "10/3", "4/3", "8/7"], ["30", "-10", "5/6", "-1/56"]),
    (34, "1p3/2", ["5", "10", "-4", "232/105"], ["34", "-12", "6/5", "-29/840"]),
    (40, "0f5/2", ["5", "10", "-4", "8/3"], ["40", "-15", "3/2", "-1/24"]),
    (50, "0g9/2", ["5", "10", "-4", "8/3", "32/189"], ["50", "-65/3", "5/2", "-5/56", "1/1512"]),
]


@pytest.mark.parametrize(("Z", "label", "f", "theta"), TABLE_III)
def test_R16_table_III(Z: int, label: str, f: list[str], theta: list[str]) -> None:
    # PHYSICS.md §11 R16 / §4.4 / PKK Table III (θ₂(Z=22) = 13/30, label 0g9/2), exact fractions
    levels = shell_occupations(Z)
    assert levels[-1].label == label
    assert sum(level.occupation for level in levels) == Z
    f_calc, theta_calc = ho_coefficients(levels)
    assert f_calc == [Fraction(x) for x in f]
    assert theta_calc == [Fraction(x) for x in theta]
    # normalisation of PKK Eq. (20) to Z: Σ f_λ (2λ+1)!!/2^λ = Z
    norm = sum(
        fl * Fraction(math.prod(range(2 * lam + 1, 0, -2)), 2**lam) for lam, fl in enumerate(f_calc)
    )
    assert norm == Z
    # the compact rule θ_λ = 4^{−λ} Σ_K f_K K! Λ_λ(K, 0) (PHYSICS.md §4.4)
    compact = [
        sum(
            (
                fK * math.factorial(K) * ho_lambda_coefficient(lam, K, 0)
                for K, fK in enumerate(f_calc)
            ),
            Fraction(0),
        )
        / 4**lam
        for lam in range(len(f_calc))
    ]
    assert compact == theta_calc


def test_table_III_typo_value_breaks_bound() -> None:
    # PHYSICS.md §4.4: with the printed θ₂ = 13/3 the Z = 22 form factor exceeds 1 at qb = 2
    _, theta = ho_coefficients(22)
    y = 2.0
    printed = [float(t) for t in theta]
    printed[2] = 13 / 3
    value = math.exp(-(y**2) / 4) * sum(t * y ** (2 * i) for i, t in enumerate(printed)) / 22
    assert value > 1.0
    assert abs(float(harmonic_oscillator_form_factor(y, 1.0, 22))) <= 1.0


def test_compact_rule_for_large_shells() -> None:
    # PHYSICS.md §4.4 compact rule vs PKK Eq. (A28) for neutron fillings up to N = 126
    for count in (55, 78, 82, 126):
        f, theta = ho_coefficients(count)
        for lam, th in enumerate(theta):
            compact = (
                sum(
                    (
                        fK * math.factorial(K) * ho_lambda_coefficient(lam, K, 0)
                        for K, fK in enumerate(f)
                    ),
                    Fraction(0),
                )
                / 4**lam
            )
            assert compact == th
        assert theta[0] == count


# ---------------------------------------------------------------------------------------------
# Identities for every registry model
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", form_factor_models())
@pytest.mark.parametrize("iso", ["Cs133", "Ar40"])
def test_F0_is_exactly_one(name: str, iso: str) -> None:
    assert float(form_factor(name, 0.0, iso)) == 1.0
    assert float(form_factor_model(name, iso).form_factor(np.array([0.0]))[0]) == 1.0


@pytest.mark.parametrize("name", DENSITY_MODELS)
@pytest.mark.parametrize("iso", ["Cs133", "Ar40", "Al27"])
def test_density_normalisation_and_moments(name: str, iso: str) -> None:
    model = form_factor_model(name, iso)
    assert model.numeric_moment(0) == pytest.approx(1.0, abs=1e-10)
    for k in (2, 4, 6):
        assert model.numeric_moment(k) == pytest.approx(model.moment(k), rel=1e-9)
    assert model.rms_radius_fm == pytest.approx(math.sqrt(model.moment(2)), rel=1e-15)


@pytest.mark.parametrize("name", [*DENSITY_MODELS, "moment_expansion"])
def test_small_q_expansion(name: str) -> None:
    # F = 1 − q²⟨r²⟩/6 + O(q⁴): Richardson-extrapolated finite difference vs the moment
    model = form_factor_model(name, "Cs133")
    q = np.array([0.01, 0.02])
    g = 6.0 * (1.0 - model.form_factor(q)) / q**2
    r2 = (4.0 * g[0] - g[1]) / 3.0
    assert r2 == pytest.approx(model.moment(2), rel=1e-6)


@pytest.mark.parametrize("name", DENSITY_MODELS)
@pytest.mark.parametrize("iso", ["Cs133", "Ar40"])
def test_form_factor_is_fourier_transform_of_density(name: str, iso: str) -> None:
    model = form_factor_model(name, iso)
    q = np.linspace(0.0, 3.0, 31)
    np.testing.assert_allclose(_gl_fourier(model, q), model.form_factor(q), rtol=0, atol=1e-10)


def test_ho_neutrons_and_fractional_occupations_fourier() -> None:
    neutrons = form_factor_model("harmonic_oscillator", "Cs133", nucleons="neutrons")
    assert sum(level.occupation for level in neutrons.levels) == 78
    fop = HarmonicOscillatorModel(
        b_fm=2.0, occupations=[(0, 0, "1/2", 2), (0, 1, "3/2", 4), (0, 1, "1/2", 0.5)]
    )
    for model in (neutrons, fop):
        q = np.linspace(0.0, 3.0, 31)
        np.testing.assert_allclose(_gl_fourier(model, q), model.form_factor(q), atol=1e-10)
        assert model.numeric_moment(0) == pytest.approx(1.0, abs=1e-10)
        for k in (2, 4, 6):
            assert model.numeric_moment(k) == pytest.approx(model.moment(k), rel=1e-9)


def test_pure_functions_agree_with_models() -> None:
    q = np.linspace(0.0, 2.0, 9)
    r = np.linspace(0.0, 12.0, 7)
    helm = form_factor_model("helm", "Cs133")
    np.testing.assert_array_equal(helm.form_factor(q), helm_form_factor(q, helm.R0_fm, 0.9))
    np.testing.assert_array_equal(helm.density(r), helm_density(r, helm.R0_fm, 0.9))
    assert helm_moments(helm.R0_fm, 0.9)[4] == helm.moment(4)
    sf = form_factor_model("symmetrized_fermi", "Cs133")
    np.testing.assert_array_equal(sf.form_factor(q), symmetrized_fermi_form_factor(q, sf.c_fm))
    np.testing.assert_array_equal(sf.density(r), symmetrized_fermi_density(r, sf.c_fm))
    kn = form_factor_model("klein_nystrand", "Cs133")
    np.testing.assert_array_equal(kn.form_factor(q), klein_nystrand_form_factor(q, kn.R_A_fm))
    np.testing.assert_array_equal(kn.density(r), klein_nystrand_density(r, kn.R_A_fm))
    ho = form_factor_model("harmonic_oscillator", "Cs133")
    np.testing.assert_array_equal(ho.form_factor(q), harmonic_oscillator_form_factor(q, ho.b, 55))
    np.testing.assert_array_equal(ho.density(r), harmonic_oscillator_density(r, ho.b, 55))
    assert harmonic_oscillator_moments(ho.b, 55)[2] == pytest.approx(4.8041**2, rel=1e-14)
    assert harmonic_oscillator_b_from_rms(4.8041, 55) == pytest.approx(ho.b, rel=1e-15)
    np.testing.assert_array_equal(point_form_factor(q), np.ones_like(q))


def test_sf_series_matches_closed_form() -> None:
    # below q√(c²+π²a²) = 0.1 the series is used; compare with the naive closed form (PKK Eq. (25))
    c, a = 5.6785, 0.52
    q = np.linspace(0.004, 0.017, 14)  # t from 0.024 to 0.10
    x, y = q * c, np.pi * q * a
    bracket = y * np.sin(x) / np.tanh(y) - x * np.cos(x)
    naive = 3.0 / (x * (x**2 + y**2)) * y / np.sinh(y) * bracket
    np.testing.assert_allclose(symmetrized_fermi_form_factor(q, c, a), naive, rtol=0, atol=1e-11)


def test_j1_over_x_series_and_closed_form_join() -> None:
    x = np.array([0.4999999, 0.5, 0.5000001, 1e-8, 0.0, 2.0])
    closed = (np.sin(x[[0, 1, 2, 5]]) - x[[0, 1, 2, 5]] * np.cos(x[[0, 1, 2, 5]])) / x[
        [0, 1, 2, 5]
    ] ** 3
    value = spherical_bessel_j1_over_x(x)
    np.testing.assert_allclose(value[[0, 1, 2, 5]], closed, rtol=1e-13)
    assert value[3] == pytest.approx(1 / 3, rel=1e-15)
    assert value[4] == 1 / 3


def test_broadcasting_shapes() -> None:
    q = np.array([0.1, 0.3, 0.7]).reshape(3, 1)
    R = np.array([3.0, 4.0, 5.0, 6.0])
    assert helm_form_factor(q, R).shape == (3, 4)
    assert symmetrized_fermi_form_factor(q, R).shape == (3, 4)
    assert klein_nystrand_form_factor(q, R).shape == (3, 4)
    assert harmonic_oscillator_form_factor(q, R / 2.5, 20).shape == (3, 4)
    assert helm_density(q * 10, R).shape == (3, 4)
    assert symmetrized_fermi_density(q * 10, R).shape == (3, 4)
    assert klein_nystrand_density(q * 10, R).shape == (3, 4)
    np.testing.assert_allclose(
        helm_form_factor(q, R)[:, 2], helm_form_factor(q[:, 0], 5.0), rtol=1e-15
    )
    assert np.asarray(helm_R0_from_rms(np.array([3.0, 4.0]))).shape == (2,)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CevnsWarning)  # moment expansion at q = 0.7 fm⁻¹
        for name in form_factor_models():
            assert form_factor(name, q, "Cs133").shape == (3, 1)
            assert form_factor(name, np.zeros((2, 3, 4)), "Cs133").shape == (2, 3, 4)


@pytest.mark.parametrize("name", [m for m in form_factor_models() if m != "moment_expansion"])
def test_large_q_no_overflow(name: str) -> None:
    # pytest runs with filterwarnings=error: any numpy overflow warning would fail here
    q = np.array([5.0, 50.0, 1e3, 1e8, 1e160, 1e300, np.finfo(float).max])
    F = form_factor(name, q, "Cs133")
    assert np.all(np.isfinite(F))
    assert np.all(np.abs(F) <= 1.0)
    if name != "point":
        assert abs(F[-1]) < 1e-30
        model = form_factor_model(name, "Cs133")
        rho = model.density(np.array([0.0, 50.0, 1e5, 1e300]))
        assert np.all(np.isfinite(rho)) and np.all(rho >= 0.0)


def test_moment_expansion_large_q_warns_only_cevns_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F = form_factor("moment_expansion", [1.0, 1e3, 1e40], "Cs133")
    assert caught and all(issubclass(w.category, CevnsWarning) for w in caught)
    assert F.shape == (3,) and np.all(np.isfinite(F))
    # where the truncated series overflows, a CevnsError instead of ±inf/nan (issue 7)
    for q in (1e60, 1e160, 1e300):
        with pytest.raises(CevnsError, match="overflows"):
            form_factor("moment_expansion", [1.0, q], "Cs133")


def test_extreme_shape_parameters_stay_finite() -> None:
    r = np.array([0.0, 1.0, 9.99, 10.0, 10.01, 40.0, 2e3])
    for rho in (
        symmetrized_fermi_density(r, 10.0, 0.005),
        klein_nystrand_density(r, 10.0, 0.005),
        helm_density(r, 10.0, 0.01),
    ):
        assert np.all(np.isfinite(rho)) and np.all(rho >= 0.0)
    q = np.array([0.0, 1e-9, 1.0, 1e4])
    assert np.all(np.isfinite(symmetrized_fermi_form_factor(q, 10.0, 0.005)))
    assert np.all(np.isfinite(symmetrized_fermi_form_factor(q, 0.1, 3.0)))


@settings(max_examples=60, deadline=None)
@given(
    q=st.floats(0.0, 50.0),
    radius=st.floats(0.5, 10.0),
    width=st.floats(0.05, 2.0),
)
def test_form_factor_bounded_by_one(q: float, radius: float, width: float) -> None:
    # a positive density has |F(q)| ≤ F(0) = 1 (Helm, SF, KN)
    assert abs(float(helm_form_factor(q, radius, width))) <= 1.0
    assert abs(float(symmetrized_fermi_form_factor(q, radius, width))) <= 1.0
    assert abs(float(klein_nystrand_form_factor(q, radius, width))) <= 1.0


# ---------------------------------------------------------------------------------------------
# with_rms, parameters, registry
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [m for m in form_factor_models() if m != "point"])
def test_with_rms(name: str) -> None:
    model = form_factor_model(name, "Cs133")
    new = model.with_rms(5.2)
    assert type(new) is type(model)
    assert new.rms_radius_fm == pytest.approx(5.2, rel=1e-12)
    assert float(new.form_factor(0.3)) < float(model.form_factor(0.3))
    if isinstance(model, HelmModel):
        assert new.s_fm == model.s_fm
    if isinstance(model, KleinNystrandModel):
        assert new.a_k_fm == model.a_k_fm
    if isinstance(model, HarmonicOscillatorModel):
        assert new.levels == model.levels
        assert new.b / model.b == pytest.approx(5.2 / model.rms_radius_fm, rel=1e-12)
    if isinstance(model, MomentExpansionModel):
        ratio = 5.2 / model.rms_radius_fm
        assert new.moment(4) == pytest.approx(model.moment(4) * ratio**4, rel=1e-12)
        assert new.moment(6) == pytest.approx(model.moment(6) * ratio**6, rel=1e-12)


def test_point_model() -> None:
    point = form_factor_model("point", "Cs133")
    assert [point.moment(k) for k in (2, 4, 6)] == [0.0, 0.0, 0.0]
    with pytest.raises(CevnsError, match="δ"):
        point.density(1.0)
    with pytest.raises(CevnsError, match="rms_fm"):
        point.with_rms(4.0)


def test_moment_expansion_model() -> None:
    me = form_factor_model("moment_expansion", "Cs133")
    helm = form_factor_model("helm", "Cs133")
    for k in (2, 4, 6):  # default: Helm-LS moments (brief; PHYSICS.md §4.5)
        assert me.moment(k) == pytest.approx(helm.moment(k), rel=1e-14)
    with pytest.raises(CevnsError, match="model-independent"):
        me.density(1.0)
    scaled = form_factor_model("moment_expansion", "Cs133", r2_fm2=25.0)
    assert scaled.moment(4) == pytest.approx(helm.moment(4) * (25.0 / helm.moment(2)) ** 2)
    # small q: close to the Helm form factor it expands
    q = np.array([0.05, 0.1])
    np.testing.assert_allclose(me.form_factor(q), helm.form_factor(q), atol=1e-6)


def test_moment_expansion_warning() -> None:
    # PHYSICS.md §4.5: warn when the last retained term exceeds 10 % of the sum
    F = moment_expansion_form_factor([0.0, 0.05], 23.0, 700.0, 25000.0)
    assert F[0] == 1.0
    with pytest.warns(CevnsWarning, match="10 %"):
        moment_expansion_form_factor([0.1, 1.5], 23.0)
    with pytest.warns(CevnsWarning):
        moment_expansion_form_factor(1.5, 23.0, 700.0, 25000.0)


def test_model_parameters_and_registry() -> None:
    assert (
        form_factor_models()
        == list(FORM_FACTOR_MODELS)
        == [
            "helm",
            "symmetrized_fermi",
            "klein_nystrand",
            "klein_nystrand_adapted",
            "harmonic_oscillator",
            "moment_expansion",
            "point",
        ]
    )
    helm = model_parameters("helm")
    assert set(helm) == {"R0_prescription", "s_fm", "a_fm", "rms_fm"}
    assert isinstance(helm["s_fm"], ParameterInfo)
    assert helm["s_fm"].default == 0.9 and helm["s_fm"].bounds == (0.0, 3.0) and helm["s_fm"].doc
    assert helm["R0_prescription"] == (
        "lewin_smith",
        ("lewin_smith", "from_rms"),
        helm["R0_prescription"].doc,
    )
    assert model_parameters("klein_nystrand_adapted")["R_A_prescription"].default == "adapted"
    assert model_parameters("point") == {}
    for name in form_factor_models():
        for info in model_parameters(name).values():
            assert info.doc


def test_rms_fm_selects_from_rms_prescription() -> None:
    helm = form_factor_model("helm", "Cs133", rms_fm=5.0)
    assert helm.R0_prescription == "from_rms" and helm.rms_radius_fm == pytest.approx(5.0)
    sf = form_factor_model("symmetrized_fermi", "Cs133", rms_fm=5.0)
    assert sf.rms_radius_fm == pytest.approx(5.0)
    kn = form_factor_model("klein_nystrand", "Cs133", rms_fm=5.0)
    assert kn.rms_radius_fm == pytest.approx(5.0)
    ho = form_factor_model("harmonic_oscillator", "Cs133", b_fm=2.2)
    assert ho.b == 2.2


def test_missing_charge_radius() -> None:
    bare = dataclasses.replace(isotope("Cs133"), charge_radius_fm=None)
    assert float(form_factor("helm", 0.1, bare)) == pytest.approx(0.96209, abs=1e-4)
    with pytest.raises(CevnsError, match="charge radius"):
        form_factor("helm", 0.1, bare, R0_prescription="from_rms")
    with pytest.raises(CevnsError, match="charge radius"):
        form_factor_model("harmonic_oscillator", bare)


def test_shell_occupations() -> None:
    levels = shell_occupations(55)
    assert [lvl.label for lvl in levels[-2:]] == ["0g9/2", "0g7/2"]
    assert levels[-1].occupation == 5 and levels[-1].capacity == 8
    assert sum(lvl.occupation for lvl in shell_occupations(126)) == 126
    assert shell_occupations(126)[-1].label == "0i13/2"
    assert sum(int(2 * j + 1) for _, _, j in DEFAULT_SHELL_ORDER) == 184
    custom = shell_occupations(4, order=[(0, 0, 0.5), (0, 1, "1/2"), (0, 1, Fraction(3, 2))])
    assert [(lvl.label, lvl.occupation) for lvl in custom] == [("0s1/2", 2), ("0p1/2", 2)]
    with pytest.raises(CevnsError, match="n_nucleons"):
        shell_occupations(185)
    with pytest.raises(CevnsError, match="j must be"):
        shell_occupations(2, order=[(0, 0, "3/2")])
    with pytest.raises(CevnsError, match="occupation"):
        ho_coefficients([(0, 0, "1/2", 3)])
    with pytest.raises(CevnsError, match="twice"):
        ho_coefficients([(0, 0, "1/2", 1), (0, 0, "1/2", 1)])


def test_density_moment_helper() -> None:
    # uniform sphere: ⟨r²⟩ = 3/5 R² exactly with a breakpoint at R
    R = 4.0

    def sphere(r: np.ndarray) -> np.ndarray:
        return np.where(r < R, 3.0 / (4.0 * np.pi * R**3), 0.0)

    assert density_moment(sphere, 0, 10.0, breakpoints=[R]) == pytest.approx(1.0, rel=1e-13)
    assert density_moment(sphere, 2, 10.0, breakpoints=[R]) == pytest.approx(0.6 * R**2, rel=1e-13)


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


def test_bad_inputs() -> None:
    with pytest.raises(CevnsError, match=r"form-factor model.*helm"):
        form_factor("gaussian", 0.1, "Cs133")
    with pytest.raises(CevnsError, match=r"'R0'.*allowed: R0_prescription, a_fm, rms_fm, s_fm"):
        form_factor("helm", 0.1, "Cs133", R0=5.0)
    with pytest.raises(CevnsError, match=r"'A'.*allowed"):  # hidden parameters are not user input
        form_factor("helm", 0.1, "Cs133", A=100)
    with pytest.raises(CevnsError, match=r"q_fm must lie in \[0, inf\], got -0.1"):
        form_factor("helm", [0.1, -0.1], "Cs133")
    with pytest.raises(CevnsError, match="q_fm must be finite"):
        form_factor("helm", np.nan, "Cs133")
    with pytest.raises(CevnsError, match="q_fm must be finite"):
        form_factor("point", np.inf, "Cs133")
    with pytest.raises(CevnsError, match=r"s_fm must lie in \(0, 3\], got 5"):
        form_factor("helm", 0.1, "Cs133", s_fm=5.0)
    with pytest.raises(CevnsError, match=r"s_fm must lie in \(0, 3\], got 0"):
        HelmModel(A=133, s_fm=0.0)
    with pytest.raises(CevnsError, match="R0_prescription"):
        form_factor("helm", 0.1, "Cs133", R0_prescription="guess")
    with pytest.raises(CevnsError, match=r"rms_fm = 1.0 fm is too small for s_fm"):
        helm_R0_from_rms(1.0, 0.9)
    with pytest.raises(CevnsError, match=r"rms_fm.*too small"):
        form_factor("helm", 0.1, "Cs133", rms_fm=1.5)
    with pytest.raises(CevnsError, match=r"rms_fm.*too small"):
        symmetrized_fermi_c_from_rms(0.5, 0.52)
    with pytest.raises(CevnsError, match=r"rms_fm.*too small"):
        klein_nystrand_R_A_adapted(1.0, 0.7)
    with pytest.raises(CevnsError, match="R0_fm"):
        helm_form_factor(0.1, -1.0)
    with pytest.raises(CevnsError, match="r_fm"):
        helm_density(-1.0, 5.0)
    with pytest.raises(CevnsError, match="unknown isotope"):
        form_factor("helm", 0.1, "Cs999")
    with pytest.raises(CevnsError, match="k"):
        form_factor_model("helm", "Cs133").moment(3)
    with pytest.raises(CevnsError, match="b_fm or rms_fm"):
        form_factor_model("harmonic_oscillator", "Cs133", b_fm=2.0, rms_fm=4.0)
    with pytest.raises(CevnsError, match="rms_fm"):
        form_factor_model("helm", "Cs133").with_rms(-1.0)
