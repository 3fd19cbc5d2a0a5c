"""Lindhard quenching with the adiabatic correction (cevns_core.quenching.adiabatic)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.quenching import (
    LindhardAdiabaticQuenching,
    LindhardQuenching,
    quenching_model,
)


def test_reproduces_scholz_2016_abstract():
    # Scholz et al., PRD 94 (2016) 122003, arXiv:1608.03588, abstract: k = 0.179 gives a
    # quenching factor of 13.7 % at 0.3 keVnr and 25.3 % at 8.5 keVnr (with the adiabatic
    # correction). Tolerance: the abstract's rounding, ±0.05 %.
    q = quenching_model("lindhard_adiabatic", target="Ge")
    assert q.k_effective == 0.179
    Q = q.quenching_factor([0.3, 8.5])
    assert Q[0] == pytest.approx(0.137, abs=5e-4)
    assert Q[1] == pytest.approx(0.253, abs=5e-4)


def test_bonhomme_2022_range_with_plain_lindhard():
    # A. Bonhomme et al., EPJC 82 (2022) 815, abstract: quenching factors between 0.16 and 0.23
    # in 0.4-6.3 keVnr, compatible with Lindhard k = 0.162 (the CONUS/CONUS+ choice). Tolerance:
    # two significant digits (±0.006).
    q = quenching_model("lindhard", target="Ge", k=0.162)
    lo, hi = q.quenching_factor([0.4, 6.3])
    assert lo == pytest.approx(0.16, abs=0.006)
    assert hi == pytest.approx(0.23, abs=0.006)


def test_adiabatic_factor_limits():
    # Far above ξ the correction vanishes (e^(-50) ~ 2e-22); at T = ξ ln 2 it halves Q.
    q = LindhardAdiabaticQuenching(Z=32, A=72.63, k=0.179, xi_keV=0.1)
    plain = LindhardQuenching(Z=32, A=72.63, k=0.179)
    assert q.quenching_factor(5.0) == pytest.approx(float(plain.quenching_factor(5.0)), rel=1e-15)
    T_half = q.onset_keV
    assert T_half == pytest.approx(0.1 * np.log(2))
    assert q.quenching_factor(T_half) == pytest.approx(0.5 * plain.quenching_factor(T_half))


def test_jacobian_matches_finite_difference_and_inverse_round_trips():
    # dT_ee/dT (analytic) against a central difference of T_ee(T); T(T_ee(T)) = T.
    q = LindhardAdiabaticQuenching()
    T = np.array([0.05, 0.2, 0.5, 1.0, 3.0, 10.0])
    h = 1e-6 * T
    numeric = (q.electron_equivalent_keV(T + h) - q.electron_equivalent_keV(T - h)) / (2 * h)
    np.testing.assert_allclose(q.d_electron_equivalent_dT(T), numeric, rtol=1e-6)
    Tee = q.electron_equivalent_keV(T)
    np.testing.assert_allclose(q.recoil_from_electron_equivalent_keV(Tee), T, rtol=1e-9)


def test_bad_input():
    with pytest.raises(CevnsError, match="xi_keV"):
        LindhardAdiabaticQuenching(xi_keV=-1.0)
    with pytest.raises(CevnsError, match="unknown parameter 'q'"):
        quenching_model("lindhard_adiabatic", target="Ge", q=1.0)
    with pytest.raises(CevnsError, match="either target or Z and A"):
        quenching_model("lindhard_adiabatic", target="Ge", Z=32)
