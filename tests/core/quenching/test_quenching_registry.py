"""Tests of cevns_core.quenching.registry and of bad input to the quenching models."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.errors import CevnsError
from cevns_core.quenching import (
    QUENCHING_MODELS,
    ConstantQuenching,
    ElectronEquivalentPolynomialQuenching,
    LindhardQuenching,
    PolynomialQuenching,
    TabulatedQuenching,
    quenching_model,
    quenching_preset,
)


def test_registry_names():
    assert set(QUENCHING_MODELS) == {
        "lindhard",
        "lindhard_adiabatic",
        "constant",
        "polynomial",
        "electron_equivalent_polynomial",
        "tabulated",
    }


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: quenching_model("birks"), "unknown quenching model 'birks'"),
        (lambda: quenching_preset("coherent_ge"), "unknown detector preset 'coherent_ge'"),
        (
            lambda: quenching_preset("coherent_csi_2017", "plus_2sigma"),
            "unknown variant of quenching preset",
        ),
        (lambda: ConstantQuenching(value=1.5), r"value must lie in \(0, 1\], got 1.5"),
        (lambda: ConstantQuenching(value=0.0), r"value must lie in \(0, 1\], got 0"),
        (lambda: LindhardQuenching(Z=32, A=72.63, kk=0.1), "unknown parameter 'kk'"),
        (lambda: LindhardQuenching.for_target("Qq"), "unknown element 'Qq'"),
        (lambda: quenching_model("lindhard", target="Ge", Z=32), "either target or Z and A"),
        (lambda: PolynomialQuenching(coefficients=(-0.1, 0.01)), r"coefficients\[0\]"),
        (lambda: PolynomialQuenching(coefficients=()), "at least 1 number"),
        (
            lambda: TabulatedQuenching(T_keV=(1.0, 2.0), Q=(0.1, 0.2, 0.3)),
            "same length",
        ),
        (
            lambda: TabulatedQuenching(T_keV=(2.0, 1.0), Q=(0.1, 0.2)),
            "strictly increasing",
        ),
        (
            lambda: ElectronEquivalentPolynomialQuenching(energy_unit="eV"),
            "unknown energy_unit 'eV'",
        ),
        (lambda: ConstantQuenching().quenching_factor(-1.0), r"T_keV must lie in \[0, inf\]"),
        (
            lambda: ConstantQuenching().recoil_from_electron_equivalent_keV(np.nan),
            "Tee_keV must be finite",
        ),
    ],
)
def test_bad_input(build, message):
    with pytest.raises(CevnsError, match=message):
        build()
