"""Published detector-response presets (COHERENT CsI 2017/2021, LAr 2020)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns_core.detector import (
    DETECTOR_PRESETS,
    detector_preset,
    efficiency_preset_variants,
)
from cevns_core.errors import CevnsError
from cevns_core.response import (
    GammaResolution,
)


# ----------------------------------------------------------------------------- presets
def test_presets():
    assert DETECTOR_PRESETS == ("coherent_csi_2017", "coherent_csi_2021", "coherent_lar_2020")
    csi = detector_preset("coherent_csi_2017")
    assert (csi.mass_kg, csi.observable, csi.threshold, csi.upper_limit) == (14.57, "PE", 6, 30)
    # QF × LY = 1.172 PE per keVnr (PHYSICS §6.3)
    assert float(csi.observable_value(1.0)) == pytest.approx(1.172, abs=5e-4)
    assert efficiency_preset_variants("coherent_csi_2017")[0] == "nominal"
    low = detector_preset("coherent_csi_2017", efficiency_variant="x0_minus_1sigma")
    assert low.efficiency.x0 == pytest.approx(10.8507 - 0.3995)
    lar = detector_preset("coherent_lar_2020")
    assert (lar.mass_kg, lar.observable, lar.upper_limit) == (24.4, "keVee", 120.0)
    assert lar.timing_window_us == (-0.1, 4.9)
    with pytest.raises(CevnsError, match="does not state the detector mass; pass mass_kg"):
        detector_preset("coherent_csi_2021")
    c21 = detector_preset("coherent_csi_2021", mass_kg=14.6)
    assert isinstance(c21.resolution, GammaResolution)
    assert c21.light_yield_PE_per_keVee == 13.35
    assert c21.timing_window_us == (0.0, 6.0)
    R = c21.response_matrix(np.array([10.0, 20.0]), np.arange(0.0, 61.0))
    assert R.shape == (60, 2) and (R.sum(axis=0) < 1).all() and (R.sum(axis=0) > 0.3).all()
