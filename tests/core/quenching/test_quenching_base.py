"""Tests of cevns_core.quenching.base: inverse and Jacobian of every model (PHYSICS §6.3)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.quenching import (
    ConstantQuenching,
    ElectronEquivalentPolynomialQuenching,
    LindhardQuenching,
    PolynomialQuenching,
    TabulatedQuenching,
)

# COHERENT CsI 2021 scintillation response, nominal
# (arXiv:2110.07730 ancillary file scintRespCoefficients.txt)
CSI2021 = (0.0554628, 4.30681, -111.707, 840.384)

MODELS = [
    LindhardQuenching(Z=32, A=72.63),
    LindhardQuenching(Z=54, A=131.29, k=0.2),
    ConstantQuenching(value=0.0878),
    PolynomialQuenching(coefficients=(0.246, 0.00078)),
    ElectronEquivalentPolynomialQuenching(coefficients=CSI2021),
    TabulatedQuenching(T_keV=(1.0, 5.0, 10.0, 40.0), Q=(0.05, 0.08, 0.09, 0.12)),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.model_name)
def test_inverse_round_trip(model):
    lo, hi = model.domain_keV()
    T = np.array([0.0, 1e-3, 0.3, 2.0, 9.7, 35.0])
    T = T[(T >= lo) & (T <= min(hi, 40.0))]
    if lo > 0:
        T = np.concatenate(([lo], T))
    Tee = model.electron_equivalent_keV(T)
    back = model.recoil_from_electron_equivalent_keV(Tee)
    assert back == pytest.approx(T, rel=1e-10, abs=1e-12)
    # shape is preserved
    assert model.recoil_from_electron_equivalent_keV(Tee.reshape(-1, 1)).shape == (T.size, 1)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.model_name)
def test_jacobian_against_finite_differences(model):
    # dT_ee/dT = Q + T Q' (PHYSICS §6.3), central differences away from table knots
    T = np.array([1.7, 3.3, 7.2, 23.0])
    h = 1e-5 * T
    numeric = (model.electron_equivalent_keV(T + h) - model.electron_equivalent_keV(T - h)) / (
        2 * h
    )
    assert model.d_electron_equivalent_dT(T) == pytest.approx(numeric, rel=1e-7)
