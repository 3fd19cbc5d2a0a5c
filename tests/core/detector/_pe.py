"""The CsI[Na] PE-counting detector the detector tests share (COHERENT 2017 response)."""

from __future__ import annotations

from typing import Any

import numpy as np

from cevns_core.detector import Detector

QF, LY = 0.0878, 13.348  # COHERENT 2017 release, coherent_parameters.yaml
T_NODES = np.array([0.0, 0.5, 2.0, 4.7, 8.0, 13.0, 21.0, 30.0])


def pe_detector(**kw: Any) -> Detector:
    """14.57 kg CsI counting photo-electrons, with ``kw`` overriding any setting."""
    base: dict[str, Any] = dict(
        material="CsI",
        mass_kg=14.57,
        quenching=QF,
        light_yield_PE_per_keVee=LY,
        observable="PE",
        threshold_unit="PE",
    )
    base.update(kw)
    return Detector(**base)
