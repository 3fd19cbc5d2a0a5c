"""Tests of cevns_core.quenching.presets: the published numbers of the data releases."""

from __future__ import annotations

import pytest

from cevns_core.quenching import (
    quenching_preset,
    quenching_preset_variants,
)


def test_preset_variants():
    assert quenching_preset_variants("coherent_csi_2017") == (
        "nominal",
        "plus_1sigma",
        "minus_1sigma",
    )
    # coherent_parameters.yaml: 0.0878 ± 0.0166
    assert quenching_preset("coherent_csi_2017", "plus_1sigma").value == pytest.approx(0.1044)
    assert quenching_preset("coherent_csi_2017", "minus_1sigma").value == pytest.approx(0.0712)
    # LArParametersAnlA.yaml: b = 0.00078 ± 0.00009
    assert quenching_preset("coherent_lar_2020", "b_plus_1sigma").coefficients == pytest.approx(
        (0.246, 0.00087)
    )
    # scintRespCoefficients.txt, "Syst model 0, +1 sigma"
    syst0 = quenching_preset("coherent_csi_2021", "syst0_plus_1sigma")
    assert syst0.coefficients == pytest.approx((0.0613632, 3.51547, -85.5548, 595.562))
