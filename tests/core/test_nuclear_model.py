"""Tests of cevns_core.nuclear_model: proton/neutron form factors, neutron skin (PHYSICS §4.6)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.form_factors import form_factor, form_factor_model, form_factor_models
from cevns_core.nuclear_model import (
    DARWIN_FOLDY_FM2,
    NEUTRON_MS_RADIUS_FM2,
    PROTON_MS_RADIUS_FM2,
    NuclearModel,
    _cached_pair,
    nucleon_form_factors,
    point_proton_radius,
)
from cevns_core.nuclear_radii import REVIEW_NUCLEAR_CHOICE

FINITE_MODELS = [m for m in form_factor_models() if m != "point"]
DENSITY_MODELS = [m for m in FINITE_MODELS if m != "moment_expansion"]


@pytest.mark.parametrize("model", form_factor_models())
def test_no_skin_means_identical_form_factors(model: str) -> None:
    # PHYSICS.md §4.6 rule: skin 0 and no R_n → F_n = F_p exactly (assumed by §3.7/§11 values,
    # with the model as built: the reviews' choice, not the default skin systematics)
    q = np.linspace(0.0, 0.4, 9)
    nm = NuclearModel(isotope="Cs133", model=model, **REVIEW_NUCLEAR_CHOICE)
    np.testing.assert_array_equal(nm.F_n(q), nm.F_p(q))
    F_p, F_n = nucleon_form_factors(q, "Cs133", model, **REVIEW_NUCLEAR_CHOICE)
    np.testing.assert_array_equal(F_p, F_n)
    np.testing.assert_array_equal(F_p, form_factor(model, q, "Cs133"))
    assert F_n is not F_p


@pytest.mark.parametrize("model", FINITE_MODELS)
def test_skin_increases_neutron_radius(model: str) -> None:
    nm = NuclearModel(isotope="Cs133", model=model, skin_fm=0.3)
    assert nm.R_n_fm_effective == pytest.approx(nm.R_p_fm + 0.3, rel=1e-12)
    assert nm.neutron_model.rms_radius_fm == pytest.approx(nm.R_p_fm + 0.3, rel=1e-12)
    assert float(nm.F_n(0.3)) < float(nm.F_p(0.3))
    assert float(nm.F_n(0.0)) == 1.0
    F_p, F_n = nucleon_form_factors(0.3, "Cs133", model, skin_fm=0.3)
    assert float(F_n) == float(nm.F_n(0.3)) and float(F_p) == float(nm.F_p(0.3))


def test_neutron_model_is_rescaled_proton_model() -> None:
    nm = NuclearModel(isotope="Cs133", model="helm", skin_fm=0.4)
    p, n = nm.proton_model, nm.neutron_model
    assert type(n) is type(p) and n.s_fm == p.s_fm
    assert n.R0_prescription == "from_rms"


def test_explicit_neutron_radius_overrides_skin() -> None:
    nm = NuclearModel(isotope="Cs133", skin_fm=0.7, R_n_fm=5.32)
    assert nm.R_n_fm_effective == pytest.approx(5.32, rel=1e-12)
    # the model as built (no nucleon dipole folded in): F_n is Helm at R_n exactly
    _, F_n = nucleon_form_factors(0.3, "Cs133", skin_fm=0.7, R_n_fm=5.32, proton_radius="charge")
    expected = form_factor("helm", 0.3, "Cs133", rms_fm=5.32)
    assert float(F_n) == pytest.approx(float(expected), rel=1e-14)


@pytest.mark.parametrize("model", DENSITY_MODELS)
def test_densities_normalised(model: str) -> None:
    nm = NuclearModel(isotope="Ar40", model=model, skin_fm=0.2)
    r = np.linspace(0.0, 25.0, 20001)
    for rho in (nm.rho_p, nm.rho_n):
        values = rho(r) * 4.0 * np.pi * r**2
        integral = np.sum(0.5 * (values[1:] + values[:-1]) * np.diff(r))  # trapezoid
        assert integral == pytest.approx(1.0, abs=1e-6)


def test_point_proton_radius_cs133() -> None:
    # PHYSICS.md §4.6: R_p² = R_ch² − 0.7071 − (N/Z)(−0.1161) − 0.0331 fm², ¹³³Cs R_ch = 4.8041 fm
    # (Angeli & Marinova 2013): 23.07938 − 0.7071 + 0.16465 − 0.0331 = 22.50383 fm² → 4.74382 fm
    assert (PROTON_MS_RADIUS_FM2, NEUTRON_MS_RADIUS_FM2, DARWIN_FOLDY_FM2) == (
        0.7071,
        -0.1161,
        0.0331,
    )
    assert point_proton_radius(4.8041, 55, 78) == pytest.approx(4.74382, abs=1e-4)
    assert point_proton_radius(4.8041, 55, 78) ** 2 == pytest.approx(22.50383, abs=1e-4)
    nm = NuclearModel(
        isotope="Cs133",
        model_params={"R0_prescription": "from_rms"},
        proton_radius="point",
        skin_fm=0.0,
    )
    assert nm.R_p_fm == pytest.approx(4.74382, abs=1e-4)
    assert nm.R_n_fm_effective == nm.R_p_fm
    charge = NuclearModel(
        isotope="Cs133", model_params={"R0_prescription": "from_rms"}, proton_radius="charge"
    )
    assert charge.R_p_fm == pytest.approx(4.8041, rel=1e-12)
    assert float(nm.F_p(0.3)) > float(charge.F_p(0.3))
    with_skin = NuclearModel(isotope="Cs133", proton_radius="point", skin_fm=0.5)
    assert with_skin.R_n_fm_effective == pytest.approx(with_skin.R_p_fm + 0.5, rel=1e-12)


def test_model_params_are_passed_through() -> None:
    nm = NuclearModel(isotope="Ar40", model="klein_nystrand", model_params={"a_k_fm": 0.6})
    assert nm.proton_model.a_k_fm == 0.6
    F_p, _ = nucleon_form_factors([0.2], "Ar40", "klein_nystrand", a_k_fm=0.6)
    np.testing.assert_array_equal(F_p, nm.F_p([0.2]))


def test_models_handed_out_are_fresh_copies() -> None:
    nm = NuclearModel(isotope="Cs133")
    before = float(nm.F_p(0.3))
    p = nm.proton_model
    p.s_fm = 1.2  # must not poison the internal cache
    assert float(nm.F_p(0.3)) == before
    assert p is not nm.proton_model


def test_construction_is_cached() -> None:
    nucleon_form_factors(0.1, "Xe132", "symmetrized_fermi", skin_fm=0.15)
    hits = _cached_pair.cache_info().hits
    nucleon_form_factors(np.array([0.2, 0.3]), "Xe132", "symmetrized_fermi", skin_fm=0.15)
    assert _cached_pair.cache_info().hits == hits + 1


def test_broadcast_shapes() -> None:
    q = np.linspace(0.0, 1.0, 6).reshape(2, 3)
    F_p, F_n = nucleon_form_factors(q, "Cs133", skin_fm=0.1)
    assert F_p.shape == F_n.shape == (2, 3)


def test_bad_inputs() -> None:
    with pytest.raises(CevnsError, match=r"skin_fm must lie in \[-1, 3\], got 5"):
        nucleon_form_factors(0.1, "Cs133", skin_fm=5.0)
    with pytest.raises(CevnsError, match="R_n_fm"):
        nucleon_form_factors(0.1, "Cs133", R_n_fm=-1.0)
    with pytest.raises(CevnsError, match="proton_radius"):
        nucleon_form_factors(0.1, "Cs133", proton_radius="neutral")
    with pytest.raises(CevnsError, match="q_fm"):
        nucleon_form_factors(-0.1, "Cs133")
    with pytest.raises(CevnsError, match="form-factor model"):
        nucleon_form_factors(0.1, "Cs133", "gauss")
    with pytest.raises(CevnsError, match="'c_fm'"):
        nucleon_form_factors(0.1, "Cs133", "helm", c_fm=5.0)
    with pytest.raises(CevnsError, match="skin_fm"):
        NuclearModel(isotope="Cs133", skin_fm=-2.0)
    with pytest.raises(CevnsError, match="'skin'"):
        NuclearModel(isotope="Cs133", skin=0.1)
    with pytest.raises(CevnsError, match="form-factor model"):
        NuclearModel(model="gauss")
    with pytest.raises(CevnsError, match="rms"):
        NuclearModel(isotope="Cs133", model="point", skin_fm=0.1).F_n(0.1)
    with pytest.raises(CevnsError, match="δ"):
        NuclearModel(model="point").rho_p(1.0)


def test_point_proton_radius_bad_input() -> None:
    with pytest.raises(CevnsError, match="R_ch_fm"):
        point_proton_radius(0.5, 1, 0)
    with pytest.raises(CevnsError, match="R_ch_fm"):
        point_proton_radius(-1.0, 1, 0)
    assert point_proton_radius(1.0, 1, 0) == pytest.approx(
        math.sqrt(1.0 - PROTON_MS_RADIUS_FM2 - DARWIN_FOLDY_FM2)
    )


def test_harmonic_oscillator_with_skin() -> None:
    # the model as built (R_p = R_ch = 5.5012 fm, Angeli–Marinova 2013) plus the skin
    nm = NuclearModel(
        isotope="Pb208", model="harmonic_oscillator", skin_fm=0.28, proton_radius="charge"
    )
    assert nm.R_n_fm_effective == pytest.approx(5.5012 + 0.28, rel=1e-12)
    model = form_factor_model("harmonic_oscillator", "Pb208")
    assert nm.proton_model.levels == model.levels


def test_a_nucleus_without_neutrons_ignores_the_neutron_choice():
    # ¹H has N = 0: F_n never enters, so no skin or R_n can make it invalid (a −0.5 fm skin
    # would otherwise ask for a Helm radius below its surface thickness)
    F_p, F_n = nucleon_form_factors([0.0, 0.5, 1.0], "H1", skin_fm=-0.5)
    np.testing.assert_array_equal(F_n, F_p)
    plain, _ = nucleon_form_factors([0.0, 0.5, 1.0], "H1")
    np.testing.assert_array_equal(F_p, plain)
