"""Tests of cevns_core.quenching.polynomial: constant Q, polynomial Q, T_ee polynomial (§6.3)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.quenching import (
    ElectronEquivalentPolynomialQuenching,
    PolynomialQuenching,
    quenching_preset,
)

# COHERENT CsI 2021 scintillation response, nominal
# (arXiv:2110.07730 ancillary file scintRespCoefficients.txt)
CSI2021 = (0.0554628, 4.30681, -111.707, 840.384)


def test_constant_qf_times_light_yield():
    # PHYSICS §6.3: CsI[Na] QF 0.0878 × 13.348 PE/keVee → 1.172 PE per keVnr
    q = quenching_preset("coherent_csi_2017")
    assert float(q.electron_equivalent_keV(1.0)) * 13.348 == pytest.approx(1.172, abs=5e-4)
    assert q.recoil_from_electron_equivalent_keV(0.878) == pytest.approx(10.0)


def test_csi_2021_electron_equivalent_polynomial_by_hand():
    # arXiv:2110.07730 anc. scintRespCoefficients.txt: Eee = a x + b x² + c x³ + d x⁴ (MeV)
    a, b, c, d = CSI2021
    q = quenching_preset("coherent_csi_2021")
    for T in (3.0, 10.0, 25.0):
        x = T / 1e3
        by_hand = (a * x + b * x**2 + c * x**3 + d * x**4) * 1e3
        assert float(q.electron_equivalent_keV(T)) == pytest.approx(by_hand, rel=1e-12)
        assert float(q.quenching_factor(T)) == pytest.approx(by_hand / T, rel=1e-12)
    # 10 keVnr → 0.882006 keVee (hand computation of the nominal curve)
    assert float(q.electron_equivalent_keV(10.0)) == pytest.approx(0.882006, abs=1e-6)
    assert float(q.quenching_factor(0.0)) == pytest.approx(a)  # the T → 0 limit is exact


def test_electron_equivalent_polynomial_units():
    mev = ElectronEquivalentPolynomialQuenching(coefficients=CSI2021, energy_unit="MeV")
    # the same curve written in keV: c_i → c_i × 1000^(1−i)
    kev = ElectronEquivalentPolynomialQuenching(
        coefficients=[c * 1e3 ** (1 - i) for i, c in enumerate(CSI2021, start=1)],
        energy_unit="keV",
    )
    T = np.array([1.0, 7.0, 30.0])
    assert kev.electron_equivalent_keV(T) == pytest.approx(mev.electron_equivalent_keV(T))


def test_lar_2020_polynomial():
    # LArParametersAnlA.yaml (arXiv:2006.12659): QF = 0.246 + 0.00078 T[keVnr]
    q = quenching_preset("coherent_lar_2020")
    assert isinstance(q, PolynomialQuenching)
    assert float(q.quenching_factor(50.0)) == pytest.approx(0.246 + 0.00078 * 50.0)
    assert float(q.electron_equivalent_keV(50.0)) == pytest.approx((0.246 + 0.039) * 50.0)


def test_non_monotone_model_cannot_be_inverted_beyond_its_maximum():
    # Q = 0.5 − 0.01 T: T_ee = 0.5 T − 0.01 T² peaks at T = 25 keV, T_ee = 6.25 keVee
    q = PolynomialQuenching(coefficients=(0.5, -0.01))
    assert float(q.recoil_from_electron_equivalent_keV(5.0)) == pytest.approx(
        (0.5 - math.sqrt(0.25 - 0.04 * 5.0)) / 0.02
    )
    with pytest.raises(CevnsError, match="in which the 'polynomial' quenching model is monotone"):
        q.recoil_from_electron_equivalent_keV(7.0)
