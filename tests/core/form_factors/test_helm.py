"""Tests of cevns_core.form_factors.helm against PHYSICS.md §4.1, §4.8, §9.2 and §11."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.form_factors import (
    form_factor,
    form_factor_model,
    helm_density,
    helm_form_factor,
    helm_moments,
    helm_R0_from_rms,
    helm_R0_lewin_smith,
)
from cevns_core.nuclei import isotope
from cevns_core.units import HBARC_MeV_fm, M_MU_MeV

Q_TABLE = np.array([0.1, 0.2, 0.3, 0.5, 1.0])


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


def test_section_4_8_recoil_energy_row() -> None:
    # PHYSICS.md §4.8: ¹³³Cs Helm-LS, T = 1, 5, 10, 20 keV ↔ q ↔ F; q = √(2MT + T²)/ħc (§2)
    M = isotope("Cs133").mass_MeV
    T = np.array([1.0, 5.0, 10.0, 20.0]) * 1e-3
    q = np.sqrt(2.0 * M * T + T**2) / HBARC_MeV_fm
    np.testing.assert_allclose(q, [0.0797, 0.1783, 0.2521, 0.3566], atol=1e-4)
    F = form_factor("helm", q, "Cs133")
    np.testing.assert_allclose(F, [0.97577, 0.88333, 0.77732, 0.59407], atol=1e-4)


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


def test_section_4_8_helm_radius_from_rms() -> None:
    # PHYSICS.md §4.8: R0 = 5.8665 for rms 4.8041 (¹³³Cs)
    assert helm_R0_from_rms(4.8041) == pytest.approx(5.8665, abs=1e-4)
    assert form_factor_model("helm", "Cs133", R0_prescription="from_rms").R0_fm == pytest.approx(
        5.8665, abs=1e-4
    )


def test_helm_functions_agree_with_model() -> None:
    q = np.linspace(0.0, 2.0, 9)
    r = np.linspace(0.0, 12.0, 7)
    helm = form_factor_model("helm", "Cs133")
    np.testing.assert_array_equal(helm.form_factor(q), helm_form_factor(q, helm.R0_fm, 0.9))
    np.testing.assert_array_equal(helm.density(r), helm_density(r, helm.R0_fm, 0.9))
    assert helm_moments(helm.R0_fm, 0.9)[4] == helm.moment(4)
