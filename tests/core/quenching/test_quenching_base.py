"""Tests of cevns_core.quenching.base: inverse and Jacobian of every model (PHYSICS §6.3)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.errors import CevnsError
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


# ------------------------------------------------------------------ scaled models (the band)
def test_scaled_models_scale_the_electron_equivalent_energy():
    # Q·f exactly for the constant, polynomial, T_ee-polynomial and tabulated models
    T = np.array([2.0, 10.0, 50.0])
    assert ConstantQuenching(value=0.1).scaled(1.2).value == pytest.approx(0.12)
    for model in (
        ConstantQuenching(value=0.0878),
        PolynomialQuenching(coefficients=(0.246, 0.00078)),  # LAr 2020
        ElectronEquivalentPolynomialQuenching(coefficients=CSI2021, energy_unit="MeV"),
        TabulatedQuenching(T_keV=(1.0, 20.0, 60.0), Q=(0.1, 0.15, 0.2)),
    ):
        for f in (0.9, 1.1):
            np.testing.assert_allclose(
                model.scaled(f).electron_equivalent_keV(T),
                f * model.electron_equivalent_keV(T),
                rtol=1e-13,
            )
    # Lindhard: k → k·f (of the k in use); Q ≤ 1 is kept where the model requires it
    ge = LindhardQuenching.for_target("Ge")
    assert ge.scaled(0.9).k_effective == pytest.approx(0.9 * ge.k_effective, rel=1e-14)
    assert ConstantQuenching(value=0.95).scaled(1.1).value == 1.0
    capped = TabulatedQuenching(T_keV=(1.0, 2.0), Q=(0.5, 0.95)).scaled(1.1)
    assert capped.Q == (0.55, 1.0)
    with pytest.raises(CevnsError, match="factor"):
        ge.scaled(0.0)


def test_lindhard_for_a_material_uses_its_main_element():
    # CaWO4: four O per formula unit (most nuclei); CsI: one Cs and one I, the heavier (Cs) wins
    assert LindhardQuenching.for_material("CaWO4").Z == 8
    cs = LindhardQuenching.for_material("CsI[Na]", k=0.2)
    assert (cs.Z, cs.k_effective) == (55, 0.2)
    # an isotope target uses its element with the standard atomic weight (Ge: 72.630, IUPAC)
    ge72 = LindhardQuenching.for_material("Ge72")
    assert ge72.A == pytest.approx(72.63, abs=0.01)
    assert ge72.k_effective == pytest.approx(LindhardQuenching.for_target("Ge").k_effective)
    with pytest.raises(CevnsError):
        LindhardQuenching.for_material("Unobtainium")
