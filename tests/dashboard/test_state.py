"""SessionState: the user's choices turned into calls of the core (no browser)."""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from dashboard.state import E_POINTS, ISOTOPES, Q_MAX_FM, SessionState


def test_defaults():
    state = SessionState()
    assert state.isotopes == ["Cs133", "Ar40"]
    assert state.param.isotopes.objects == ISOTOPES
    assert state.form_factor_model == "helm"
    assert (state.E_min_MeV, state.E_max_MeV) == (1.0, 60.0)
    assert state.param.E_min_MeV.bounds == (0.1, 300.0)
    assert state.param.E_max_MeV.bounds == (0.1, 300.0)
    assert state.log_y is True


def test_model_list_is_the_core_registry():
    assert SessionState.param.form_factor_model.objects == cc.form_factor_models()
    assert "helm" in SessionState.param.form_factor_model.objects


def test_cross_section_curves_are_the_cores_numbers():
    state = SessionState(isotopes=["Cs133"], E_min_MeV=5.0, E_max_MeV=50.0)
    curves = state.cross_section_curves()
    assert list(curves) == ["Cs133"]
    E_MeV, sigma = curves["Cs133"]
    assert E_MeV.shape == sigma.shape == (E_POINTS,)
    assert E_MeV[0] == 5.0 and E_MeV[-1] == 50.0
    np.testing.assert_array_equal(sigma, cc.total_cross_section(E_MeV, "Cs133", form_factor="helm"))
    assert np.all(sigma > 0) and np.all(np.diff(sigma) > 0)  # σ grows with E over 5–50 MeV


def test_cross_sections_follow_isotopes_and_model():
    models = cc.form_factor_models()
    other = next(m for m in models if m != "helm")
    state = SessionState(isotopes=["Ar40", "Xe132"], form_factor_model=other)
    curves = state.cross_section_curves()
    assert list(curves) == ["Ar40", "Xe132"]
    E_MeV, sigma = curves["Xe132"]
    np.testing.assert_array_equal(sigma, cc.total_cross_section(E_MeV, "Xe132", form_factor=other))
    # heavier nucleus, larger coherent cross section at low energy
    assert curves["Xe132"][1][0] > curves["Ar40"][1][0]


def test_form_factor_curves_are_the_cores_numbers():
    state = SessionState(isotopes=["Cs133", "Pb208"])
    curves = state.form_factor_curves()
    assert list(curves) == ["Cs133", "Pb208"]
    q_fm, F = curves["Pb208"]
    assert q_fm[0] == 0.0 and q_fm[-1] == Q_MAX_FM
    np.testing.assert_array_equal(F, cc.form_factor("helm", q_fm, "Pb208"))
    assert F[0] == pytest.approx(1.0)


@pytest.mark.parametrize(("E_min", "E_max"), [(60.0, 60.0), (100.0, 60.0)])
def test_empty_energy_range_raises_the_core_error(E_min, E_max):
    state = SessionState(E_min_MeV=E_min, E_max_MeV=E_max)
    with pytest.raises(cc.CevnsError, match="must be below"):
        state.cross_section_curves()
    # the form factors do not depend on the energy range
    assert set(state.form_factor_curves()) == {"Cs133", "Ar40"}


def test_no_isotope_gives_no_curve():
    state = SessionState(isotopes=[])
    assert state.cross_section_curves() == {}
    assert state.form_factor_curves() == {}


def test_out_of_bounds_values_are_rejected():
    state = SessionState()
    with pytest.raises(ValueError):
        state.E_max_MeV = 1000.0
    with pytest.raises(ValueError):
        state.isotopes = ["Unobtainium300"]
    with pytest.raises(ValueError):
        state.form_factor_model = "no-such-model"
