"""Quenching models: Lindhard, constant, polynomial, T_ee polynomial, tabulated (PHYSICS §6.3)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cevns_core.errors import CevnsError
from cevns_core.quenching import (
    QUENCHING_MODELS,
    ConstantQuenching,
    ElectronEquivalentPolynomialQuenching,
    LindhardQuenching,
    PolynomialQuenching,
    TabulatedQuenching,
    lindhard_quenching_factor,
    quenching_model,
    quenching_preset,
    quenching_preset_variants,
)

# COHERENT CsI 2021 scintillation response, nominal
# (arXiv:2110.07730 ancillary file scintRespCoefficients.txt)
CSI2021 = (0.0554628, 4.30681, -111.707, 840.384)


# ------------------------------------------------------------------------------- Lindhard
@pytest.mark.parametrize(
    ("T_keV", "expected"),
    # PHYSICS §6.3 reference values, Ge (Z = 32, A = 72.63, k = 0.1573); R18 are 1 and 5 keV
    [(0.1, 0.1261), (0.3, 0.1460), (1.0, 0.1713), (5.0, 0.2127), (10.0, 0.2344), (20.0, 0.2597)],
)
def test_lindhard_germanium_reference_values(T_keV, expected):
    q = LindhardQuenching(Z=32, A=72.63, k=0.1573)
    # values quoted to 4 decimals (R18 tolerance 1e-3 is looser)
    assert float(q.quenching_factor(T_keV)) == pytest.approx(expected, abs=1e-4)


def test_R18_lindhard_default_k_for_natural_germanium():
    # PHYSICS §6.3 / §11 R18: k = 0.133 Z^(2/3) A^(-1/2) = 0.157 for Ge;
    # Q(1) = 0.1713, Q(5) = 0.2127
    ge = LindhardQuenching.for_target("Ge")
    assert ge.k_effective == pytest.approx(0.1573, abs=1e-4)
    assert ge.quenching_factor([1.0, 5.0]) == pytest.approx([0.1713, 0.2127], abs=1e-3)


@pytest.mark.parametrize(
    ("element", "T_keV", "expected"),
    # PHYSICS §6.3: Si Q(1) = 0.2095, Q(5) = 0.2676; Xe 0.1523, 0.1883; Ar Q(1) = 0.1916;
    # Na Q(1) = 0.2168 (default k, standard atomic weights)
    [
        ("Si", 1.0, 0.2095),
        ("Si", 5.0, 0.2676),
        ("Xe", 1.0, 0.1523),
        ("Xe", 5.0, 0.1883),
        ("Ar", 1.0, 0.1916),
        ("Na", 1.0, 0.2168),
    ],
)
def test_lindhard_other_elements(element, T_keV, expected):
    q = quenching_model("lindhard", target=element)
    assert float(q.quenching_factor(T_keV)) == pytest.approx(expected, abs=1e-4)


def test_lindhard_isotope_target_uses_mass_number_and_k_override():
    q = LindhardQuenching.for_target("Ge72")
    assert (q.Z, q.A) == (32.0, 72.0)
    # a larger k (CONUS-type 0.162, PHYSICS §6.3) quenches less
    assert lindhard_quenching_factor(1.0, 32, 72.63, k=0.162) > lindhard_quenching_factor(
        1.0, 32, 72.63
    )


def test_lindhard_formula_by_hand():
    # PKK Eq. (30) evaluated by hand for Ar (Z = 18, A = 40) at T = 10 keV
    Z, A, T = 18, 40.0, 10.0
    eps = 11.5 * Z ** (-7 / 3) * T
    k = 0.133 * Z ** (2 / 3) / math.sqrt(A)
    g = 3 * eps**0.15 + 0.7 * eps**0.6 + eps
    q = LindhardQuenching(Z=Z, A=A)
    assert float(q.quenching_factor(T)) == pytest.approx(k * g / (1 + k * g), rel=1e-12)
    assert float(q.electron_equivalent_keV(T)) == pytest.approx(T * k * g / (1 + k * g))


# ----------------------------------------------------------------------- other models
def test_constant_qf_times_light_yield():
    # PHYSICS §6.3: CsI[Na] QF 0.0878 × 13.348 PE/keVee → 1.172 PE per keVnr
    q = quenching_preset("coherent_csi_2017")
    assert float(q.electron_equivalent_keV(1.0)) * 13.348 == pytest.approx(1.172, abs=5e-4)
    assert q.recoil_from_electron_equivalent_keV(0.878) == pytest.approx(10.0)


def test_csi_2021_electron_equivalent_polynomial_by_hand():
    # arXiv:2110.07730 anc. scintRespCoefficients.txt: Eee = a x + b x² + c x³ + d x⁴ (MeV)
    a, b, c, d = CSI2021
    q = quenching_preset("coherent_csi_2021")
    for T in (3.0, 10.0, 25.0):
        x = T / 1e3
        by_hand = (a * x + b * x**2 + c * x**3 + d * x**4) * 1e3
        assert float(q.electron_equivalent_keV(T)) == pytest.approx(by_hand, rel=1e-12)
        assert float(q.quenching_factor(T)) == pytest.approx(by_hand / T, rel=1e-12)
    # 10 keVnr → 0.882006 keVee (hand computation of the nominal curve)
    assert float(q.electron_equivalent_keV(10.0)) == pytest.approx(0.882006, abs=1e-6)
    assert float(q.quenching_factor(0.0)) == pytest.approx(a)  # the T → 0 limit is exact


def test_electron_equivalent_polynomial_units():
    mev = ElectronEquivalentPolynomialQuenching(coefficients=CSI2021, energy_unit="MeV")
    # the same curve written in keV: c_i → c_i × 1000^(1−i)
    kev = ElectronEquivalentPolynomialQuenching(
        coefficients=[c * 1e3 ** (1 - i) for i, c in enumerate(CSI2021, start=1)],
        energy_unit="keV",
    )
    T = np.array([1.0, 7.0, 30.0])
    assert kev.electron_equivalent_keV(T) == pytest.approx(mev.electron_equivalent_keV(T))


def test_lar_2020_polynomial():
    # LArParametersAnlA.yaml (arXiv:2006.12659): QF = 0.246 + 0.00078 T[keVnr]
    q = quenching_preset("coherent_lar_2020")
    assert isinstance(q, PolynomialQuenching)
    assert float(q.quenching_factor(50.0)) == pytest.approx(0.246 + 0.00078 * 50.0)
    assert float(q.electron_equivalent_keV(50.0)) == pytest.approx((0.246 + 0.039) * 50.0)


def test_tabulated_interpolation_and_no_extrapolation():
    q = TabulatedQuenching(T_keV=(5.0, 10.0, 20.0), Q=(0.08, 0.09, 0.10))
    assert q.quenching_factor([5.0, 7.5, 15.0, 20.0]) == pytest.approx([0.08, 0.085, 0.095, 0.10])
    with pytest.raises(CevnsError, match=r"T_keV = 25 is outside .* \[5, 20\] keVnr"):
        q.quenching_factor(25.0)
    with pytest.raises(CevnsError, match="outside the electron-equivalent range"):
        q.recoil_from_electron_equivalent_keV(0.1)  # below Tee(5 keV) = 0.4 keVee


# ---------------------------------------------------------------- inverse and Jacobian
MODELS = [
    LindhardQuenching(Z=32, A=72.63),
    LindhardQuenching(Z=54, A=131.29, k=0.2),
    ConstantQuenching(value=0.0878),
    PolynomialQuenching(coefficients=(0.246, 0.00078)),
    ElectronEquivalentPolynomialQuenching(coefficients=CSI2021),
    TabulatedQuenching(T_keV=(1.0, 5.0, 10.0, 40.0), Q=(0.05, 0.08, 0.09, 0.12)),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.model_name)
def test_inverse_round_trip(model):
    lo, hi = model.domain_keV()
    T = np.array([0.0, 1e-3, 0.3, 2.0, 9.7, 35.0])
    T = T[(T >= lo) & (T <= min(hi, 40.0))]
    if lo > 0:
        T = np.concatenate(([lo], T))
    Tee = model.electron_equivalent_keV(T)
    back = model.recoil_from_electron_equivalent_keV(Tee)
    assert back == pytest.approx(T, rel=1e-10, abs=1e-12)
    # shape is preserved
    assert model.recoil_from_electron_equivalent_keV(Tee.reshape(-1, 1)).shape == (T.size, 1)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.model_name)
def test_jacobian_against_finite_differences(model):
    # dT_ee/dT = Q + T Q' (PHYSICS §6.3), central differences away from table knots
    T = np.array([1.7, 3.3, 7.2, 23.0])
    h = 1e-5 * T
    numeric = (model.electron_equivalent_keV(T + h) - model.electron_equivalent_keV(T - h)) / (
        2 * h
    )
    assert model.d_electron_equivalent_dT(T) == pytest.approx(numeric, rel=1e-7)


def test_lindhard_jacobian_finite_at_zero():
    q = LindhardQuenching(Z=32, A=72.63)
    assert float(q.d_electron_equivalent_dT(0.0)) == 0.0
    assert np.isfinite(q.d_electron_equivalent_dT([0.0, 1e-9])).all()


@settings(max_examples=40, deadline=None)
@given(
    Z=st.integers(min_value=6, max_value=92),
    T=st.floats(min_value=1e-4, max_value=500.0, allow_nan=False),
)
def test_lindhard_inverse_property(Z, T):
    q = LindhardQuenching(Z=float(Z), A=2.5 * Z)
    Tee = q.electron_equivalent_keV(T)
    assert float(q.recoil_from_electron_equivalent_keV(Tee)) == pytest.approx(T, rel=1e-9)


def test_non_monotone_model_cannot_be_inverted_beyond_its_maximum():
    # Q = 0.5 − 0.01 T: T_ee = 0.5 T − 0.01 T² peaks at T = 25 keV, T_ee = 6.25 keVee
    q = PolynomialQuenching(coefficients=(0.5, -0.01))
    assert float(q.recoil_from_electron_equivalent_keV(5.0)) == pytest.approx(
        (0.5 - math.sqrt(0.25 - 0.04 * 5.0)) / 0.02
    )
    with pytest.raises(CevnsError, match="in which the 'polynomial' quenching model is monotone"):
        q.recoil_from_electron_equivalent_keV(7.0)


# ------------------------------------------------------------------ presets and errors
def test_preset_variants():
    assert quenching_preset_variants("coherent_csi_2017") == (
        "nominal",
        "plus_1sigma",
        "minus_1sigma",
    )
    # coherent_parameters.yaml: 0.0878 ± 0.0166
    assert quenching_preset("coherent_csi_2017", "plus_1sigma").value == pytest.approx(0.1044)
    assert quenching_preset("coherent_csi_2017", "minus_1sigma").value == pytest.approx(0.0712)
    # LArParametersAnlA.yaml: b = 0.00078 ± 0.00009
    assert quenching_preset("coherent_lar_2020", "b_plus_1sigma").coefficients == pytest.approx(
        (0.246, 0.00087)
    )
    # scintRespCoefficients.txt, "Syst model 0, +1 sigma"
    syst0 = quenching_preset("coherent_csi_2021", "syst0_plus_1sigma")
    assert syst0.coefficients == pytest.approx((0.0613632, 3.51547, -85.5548, 595.562))
    assert set(QUENCHING_MODELS) == {
        "lindhard",
        "constant",
        "polynomial",
        "electron_equivalent_polynomial",
        "tabulated",
    }


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: quenching_model("birks"), "unknown quenching model 'birks'"),
        (lambda: quenching_preset("coherent_ge"), "unknown detector preset 'coherent_ge'"),
        (
            lambda: quenching_preset("coherent_csi_2017", "plus_2sigma"),
            "unknown variant of quenching preset",
        ),
        (lambda: ConstantQuenching(value=1.5), r"value must lie in \(0, 1\], got 1.5"),
        (lambda: ConstantQuenching(value=0.0), r"value must lie in \(0, 1\], got 0"),
        (lambda: LindhardQuenching(Z=32, A=72.63, kk=0.1), "unknown parameter 'kk'"),
        (lambda: LindhardQuenching.for_target("Qq"), "unknown element 'Qq'"),
        (lambda: quenching_model("lindhard", target="Ge", Z=32), "either target or Z and A"),
        (lambda: PolynomialQuenching(coefficients=(-0.1, 0.01)), r"coefficients\[0\]"),
        (lambda: PolynomialQuenching(coefficients=()), "at least 1 number"),
        (
            lambda: TabulatedQuenching(T_keV=(1.0, 2.0), Q=(0.1, 0.2, 0.3)),
            "same length",
        ),
        (
            lambda: TabulatedQuenching(T_keV=(2.0, 1.0), Q=(0.1, 0.2)),
            "strictly increasing",
        ),
        (
            lambda: ElectronEquivalentPolynomialQuenching(energy_unit="eV"),
            "unknown energy_unit 'eV'",
        ),
        (lambda: ConstantQuenching().quenching_factor(-1.0), r"T_keV must lie in \[0, inf\]"),
        (
            lambda: ConstantQuenching().recoil_from_electron_equivalent_keV(np.nan),
            "Tee_keV must be finite",
        ),
    ],
)
def test_bad_input(build, message):
    with pytest.raises(CevnsError, match=message):
        build()


# ------------------------------------------------------------------ scaled models (the band)
def test_scaled_models_scale_the_electron_equivalent_energy():
    # Q·f exactly for the constant, polynomial, T_ee-polynomial and tabulated models
    T = np.array([2.0, 10.0, 50.0])
    assert ConstantQuenching(value=0.1).scaled(1.2).value == pytest.approx(0.12)
    for model in (
        ConstantQuenching(value=0.0878),
        PolynomialQuenching(coefficients=(0.246, 0.00078)),  # LAr 2020
        ElectronEquivalentPolynomialQuenching(coefficients=CSI2021, energy_unit="MeV"),
        TabulatedQuenching(T_keV=(1.0, 20.0, 60.0), Q=(0.1, 0.15, 0.2)),
    ):
        for f in (0.9, 1.1):
            np.testing.assert_allclose(
                model.scaled(f).electron_equivalent_keV(T),
                f * model.electron_equivalent_keV(T),
                rtol=1e-13,
            )
    # Lindhard: k → k·f (of the k in use); Q ≤ 1 is kept where the model requires it
    ge = LindhardQuenching.for_target("Ge")
    assert ge.scaled(0.9).k_effective == pytest.approx(0.9 * ge.k_effective, rel=1e-14)
    assert ConstantQuenching(value=0.95).scaled(1.1).value == 1.0
    capped = TabulatedQuenching(T_keV=(1.0, 2.0), Q=(0.5, 0.95)).scaled(1.1)
    assert capped.Q == (0.55, 1.0)
    with pytest.raises(CevnsError, match="factor"):
        ge.scaled(0.0)


def test_lindhard_for_a_material_uses_its_main_element():
    # CaWO4: four O per formula unit (most nuclei); CsI: one Cs and one I, the heavier (Cs) wins
    assert LindhardQuenching.for_material("CaWO4").Z == 8
    cs = LindhardQuenching.for_material("CsI[Na]", k=0.2)
    assert (cs.Z, cs.k_effective) == (55, 0.2)
    # an isotope target uses its element with the standard atomic weight (Ge: 72.630, IUPAC)
    ge72 = LindhardQuenching.for_material("Ge72")
    assert ge72.A == pytest.approx(72.63, abs=0.01)
    assert ge72.k_effective == pytest.approx(LindhardQuenching.for_target("Ge").k_effective)
    with pytest.raises(CevnsError):
        LindhardQuenching.for_material("Unobtainium")
