"""Tests of cevns_core.form_factors.numerics: j₁(x)/x and radial moments."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.form_factors import (
    density_moment,
    spherical_bessel_j1_over_x,
)


def test_j1_over_x_series_and_closed_form_join() -> None:
    x = np.array([0.4999999, 0.5, 0.5000001, 1e-8, 0.0, 2.0])
    closed = (np.sin(x[[0, 1, 2, 5]]) - x[[0, 1, 2, 5]] * np.cos(x[[0, 1, 2, 5]])) / x[
        [0, 1, 2, 5]
    ] ** 3
    value = spherical_bessel_j1_over_x(x)
    np.testing.assert_allclose(value[[0, 1, 2, 5]], closed, rtol=1e-13)
    assert value[3] == pytest.approx(1 / 3, rel=1e-15)
    assert value[4] == 1 / 3


def test_density_moment_helper() -> None:
    # uniform sphere: ⟨r²⟩ = 3/5 R² exactly with a breakpoint at R
    R = 4.0

    def sphere(r: np.ndarray) -> np.ndarray:
        return np.where(r < R, 3.0 / (4.0 * np.pi * R**3), 0.0)

    assert density_moment(sphere, 0, 10.0, breakpoints=[R]) == pytest.approx(1.0, rel=1e-13)
    assert density_moment(sphere, 2, 10.0, breakpoints=[R]) == pytest.approx(0.6 * R**2, rel=1e-13)
