"""Identities every registered form-factor model satisfies, and PHYSICS.md §4.8 across models."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cevns_core.errors import CevnsError, CevnsWarning
from cevns_core.form_factors import (
    HarmonicOscillatorModel,
    HelmModel,
    KleinNystrandModel,
    MomentExpansionModel,
    form_factor,
    form_factor_model,
    form_factor_models,
    harmonic_oscillator_form_factor,
    helm_density,
    helm_form_factor,
    helm_R0_from_rms,
    klein_nystrand_density,
    klein_nystrand_form_factor,
    symmetrized_fermi_density,
    symmetrized_fermi_form_factor,
)
from cevns_core.nuclei import isotope

Q_TABLE = np.array([0.1, 0.2, 0.3, 0.5, 1.0])


DENSITY_MODELS = [
    "helm",
    "symmetrized_fermi",
    "klein_nystrand",
    "klein_nystrand_adapted",
    "harmonic_oscillator",
]


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
def test_form_factor_is_fourier_transform_of_density(name: str, iso: str, gl_fourier) -> None:
    model = form_factor_model(name, iso)
    q = np.linspace(0.0, 3.0, 31)
    np.testing.assert_allclose(gl_fourier(model, q), model.form_factor(q), rtol=0, atol=1e-10)


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
