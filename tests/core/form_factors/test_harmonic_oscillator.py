"""Tests of cevns_core.form_factors.harmonic_oscillator against PHYSICS.md §4.4."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns_core.form_factors import (
    HarmonicOscillatorModel,
    form_factor_model,
    harmonic_oscillator_b_from_rms,
    harmonic_oscillator_density,
    harmonic_oscillator_form_factor,
    harmonic_oscillator_moments,
    ho_coefficients,
)


def test_table_III_typo_value_breaks_bound() -> None:
    # PHYSICS.md §4.4: with the printed θ₂ = 13/3 the Z = 22 form factor exceeds 1 at qb = 2
    _, theta = ho_coefficients(22)
    y = 2.0
    printed = [float(t) for t in theta]
    printed[2] = 13 / 3
    value = math.exp(-(y**2) / 4) * sum(t * y ** (2 * i) for i, t in enumerate(printed)) / 22
    assert value > 1.0
    assert abs(float(harmonic_oscillator_form_factor(y, 1.0, 22))) <= 1.0


def test_ho_neutrons_and_fractional_occupations_fourier(gl_fourier) -> None:
    neutrons = form_factor_model("harmonic_oscillator", "Cs133", nucleons="neutrons")
    assert sum(level.occupation for level in neutrons.levels) == 78
    fop = HarmonicOscillatorModel(
        b_fm=2.0, occupations=[(0, 0, "1/2", 2), (0, 1, "3/2", 4), (0, 1, "1/2", 0.5)]
    )
    for model in (neutrons, fop):
        q = np.linspace(0.0, 3.0, 31)
        np.testing.assert_allclose(gl_fourier(model, q), model.form_factor(q), atol=1e-10)
        assert model.numeric_moment(0) == pytest.approx(1.0, abs=1e-10)
        for k in (2, 4, 6):
            assert model.numeric_moment(k) == pytest.approx(model.moment(k), rel=1e-9)


def test_ho_functions_agree_with_model() -> None:
    q = np.linspace(0.0, 2.0, 9)
    r = np.linspace(0.0, 12.0, 7)
    ho = form_factor_model("harmonic_oscillator", "Cs133")
    np.testing.assert_array_equal(ho.form_factor(q), harmonic_oscillator_form_factor(q, ho.b, 55))
    np.testing.assert_array_equal(ho.density(r), harmonic_oscillator_density(r, ho.b, 55))
    assert harmonic_oscillator_moments(ho.b, 55)[2] == pytest.approx(4.8041**2, rel=1e-14)
    assert harmonic_oscillator_b_from_rms(4.8041, 55) == pytest.approx(ho.b, rel=1e-15)
