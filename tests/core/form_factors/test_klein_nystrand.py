"""Tests of cevns_core.form_factors.klein_nystrand against PHYSICS.md §4.3, §4.8 and §11."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.form_factors import (
    form_factor,
    form_factor_model,
    klein_nystrand_density,
    klein_nystrand_form_factor,
    klein_nystrand_moments,
    klein_nystrand_R_A_adapted,
    klein_nystrand_R_A_coherent,
)


def test_R12_kn_at_q03() -> None:
    # PHYSICS.md §11 R12: F_KN (¹³³Cs, q = 0.3 fm⁻¹) = 0.65831
    assert float(form_factor("klein_nystrand", 0.3, "Cs133")) == pytest.approx(0.65831, abs=1e-4)


def test_section_4_8_kn_radii() -> None:
    # PHYSICS.md §4.8: R_A = 6.2785 fm (¹³³Cs, 1.23A^{1/3}); adapted ⁴⁰Ar R_A = 3.831 fm
    assert klein_nystrand_R_A_coherent(133) == pytest.approx(6.2785, abs=1e-4)
    assert form_factor_model("klein_nystrand_adapted", "Ar40").R_A_fm == pytest.approx(
        3.831, abs=1e-3
    )


def test_R13_kn_rms2() -> None:
    # PHYSICS.md §11 R13: KN rms² (¹³³Cs, R_A = 1.23A^{1/3}) = 26.592 fm²
    assert form_factor_model("klein_nystrand", "Cs133").moment(2) == pytest.approx(26.592, abs=1e-3)
    assert klein_nystrand_moments(klein_nystrand_R_A_coherent(133))[2] == pytest.approx(
        26.592, abs=1e-3
    )


def test_R17_adapted_kn_radius() -> None:
    # PHYSICS.md §11 R17 / §4.3: adapted KN R_A(⁴⁰Ar, r0 = 3.427 fm) = 3.831 fm
    assert klein_nystrand_R_A_adapted(3.427) == pytest.approx(3.831, abs=1e-3)
    model = form_factor_model("klein_nystrand_adapted", "Ar40", rms_fm=3.427)
    assert model.R_A_fm == pytest.approx(3.831, abs=1e-3)
    assert model.rms_radius_fm == pytest.approx(3.427, rel=1e-12)


def test_kn_functions_agree_with_model() -> None:
    q = np.linspace(0.0, 2.0, 9)
    r = np.linspace(0.0, 12.0, 7)
    kn = form_factor_model("klein_nystrand", "Cs133")
    np.testing.assert_array_equal(kn.form_factor(q), klein_nystrand_form_factor(q, kn.R_A_fm))
    np.testing.assert_array_equal(kn.density(r), klein_nystrand_density(r, kn.R_A_fm))
