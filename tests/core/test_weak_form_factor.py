"""Weak form factor F_W (PHYSICS.md §4.6) against its definition and the PREX-II / CREX results."""

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.errors import CevnsError
from cevns_core.units import HBARC_MeV_fm


def _q_fm(Q2_GeV2):
    return np.sqrt(Q2_GeV2) * 1e3 / HBARC_MeV_fm


def test_normalised_and_equal_to_F_without_skin():
    # the reviews' choice (no skin, Helm as built): F_W is the Helm form factor itself
    q = np.linspace(0.0, 1.0, 11)
    F_W = cc.weak_form_factor(q, "Ar40", **cc.REVIEW_NUCLEAR_CHOICE)
    assert F_W[0] == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(F_W, cc.form_factor("helm", q, "Ar40"), rtol=1e-12, atol=1e-15)


def test_definition_with_a_skin():
    # F_W = (Z g_p F_p + N g_n F_n)/(Z g_p + N g_n) written out by hand (PHYSICS §4.6).
    q = np.array([0.2, 0.4, 0.6])
    F_p, F_n = cc.nucleon_form_factors(q, "Pb208", skin_fm=0.3)
    g_p, g_n = 0.5 - 2 * 0.23857, -0.5
    expected = (82 * g_p * F_p + 126 * g_n * F_n) / (82 * g_p + 126 * g_n)
    np.testing.assert_allclose(cc.weak_form_factor(q, "Pb208", skin_fm=0.3), expected, rtol=1e-12)


def test_prex2_weak_form_factor():
    # PREX-II (Adhikari et al., PRL 126 (2021) 172502): F_W(Q² = 0.00616 GeV²) = 0.368 ± 0.013 with
    # R_n - R_p = 0.283 ± 0.071 fm. Symmetrized Fermi with the point-proton radius and that skin
    # reproduces it within the measurement error.
    F_W = cc.weak_form_factor(
        _q_fm(0.00616), "Pb208", "symmetrized_fermi", skin_fm=0.283, proton_radius="point"
    )
    assert float(F_W) == pytest.approx(0.368, abs=0.013)
    # The charge form factor at the same q is larger (PHYSICS §9.1 quotes F_ch = 0.409).
    assert float(cc.form_factor("symmetrized_fermi", _q_fm(0.00616), "Pb208")) == pytest.approx(
        0.409, abs=0.01
    )


def test_crex_weak_form_factor():
    # CREX (Adhikari et al., PRL 129 (2022) 042501): F_W(Q² = 0.0297 GeV²) = 0.1304 ± 0.0056 (stat ⊕
    # syst) with R_n - R_p = 0.121 fm (PHYSICS §9.1).
    F_W = cc.weak_form_factor(
        _q_fm(0.0297), "Ca48", "symmetrized_fermi", skin_fm=0.121, proton_radius="point"
    )
    assert float(F_W) == pytest.approx(0.1304, abs=0.0056)


def test_bad_input():
    with pytest.raises(CevnsError, match="q_fm"):
        cc.weak_form_factor(-0.1, "Pb208")
    with pytest.raises(CevnsError, match="unknown isotope"):
        cc.weak_form_factor(0.1, "Pb300")
    with pytest.raises(CevnsError):
        cc.weak_form_factor(0.1, "Pb208", "no_such_model")
