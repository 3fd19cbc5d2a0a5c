"""Tests of cevns_core.form_factors.symmetrized_fermi against PHYSICS.md §4.2, §4.8 and §11."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.form_factors import (
    form_factor,
    form_factor_model,
    lewin_smith_c,
    symmetrized_fermi_density,
    symmetrized_fermi_form_factor,
    symmetrized_fermi_moments,
)


def test_R12_sf_at_q03() -> None:
    # PHYSICS.md §11 R12: F_SF (¹³³Cs, q = 0.3 fm⁻¹) = 0.69740
    assert float(form_factor("symmetrized_fermi", 0.3, "Cs133")) == pytest.approx(0.6974, abs=1e-4)


def test_section_4_8_sf_half_density_radius() -> None:
    # PHYSICS.md §4.8: c = 5.6785 fm (¹³³Cs)
    assert form_factor_model("symmetrized_fermi", "Cs133").c_fm == pytest.approx(5.6785, abs=1e-4)


def test_R14_sf_moments_ar40() -> None:
    # PHYSICS.md §11 R14: SF moments ⁴⁰Ar = 11.5405 fm², 193.310 fm⁴, 4347.92 fm⁶ (10⁻⁵ rel)
    model = form_factor_model("symmetrized_fermi", "Ar40")
    expected = {2: 11.5405, 4: 193.310, 6: 4347.92}
    for k, value in expected.items():
        assert model.moment(k) == pytest.approx(value, rel=1e-5)
        assert symmetrized_fermi_moments(lewin_smith_c(40))[k] == pytest.approx(value, rel=1e-5)


def test_sf_series_matches_closed_form() -> None:
    # below q√(c²+π²a²) = 0.1 the series is used; compare with the naive closed form (PKK Eq. (25))
    c, a = 5.6785, 0.52
    q = np.linspace(0.004, 0.017, 14)  # t from 0.024 to 0.10
    x, y = q * c, np.pi * q * a
    bracket = y * np.sin(x) / np.tanh(y) - x * np.cos(x)
    naive = 3.0 / (x * (x**2 + y**2)) * y / np.sinh(y) * bracket
    np.testing.assert_allclose(symmetrized_fermi_form_factor(q, c, a), naive, rtol=0, atol=1e-11)


def test_sf_functions_agree_with_model() -> None:
    q = np.linspace(0.0, 2.0, 9)
    r = np.linspace(0.0, 12.0, 7)
    sf = form_factor_model("symmetrized_fermi", "Cs133")
    np.testing.assert_array_equal(sf.form_factor(q), symmetrized_fermi_form_factor(q, sf.c_fm))
    np.testing.assert_array_equal(sf.density(r), symmetrized_fermi_density(r, sf.c_fm))
