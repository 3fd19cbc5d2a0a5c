"""Detector.bin_assignment: the sparse form of the no-resolution response matrix."""

from __future__ import annotations

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.detector import Detector, detector_preset
from cevns_core.errors import CevnsError
from cevns_core.quenching import quenching_model
from cevns_core.response import TabulatedEfficiency


def _dense(det: Detector, T: np.ndarray, edges: np.ndarray) -> np.ndarray:
    index, weight = det.bin_assignment(T, edges)
    R = np.zeros((edges.size - 1, T.size))
    keep = index >= 0
    R[index[keep], np.flatnonzero(keep)] = weight[keep]
    return R


@pytest.mark.parametrize(
    "det",
    [
        # CsI 2017: PE, window 6-30 PE in the observable, bin-centre logistic efficiency
        detector_preset("coherent_csi_2017"),
        # keVee observable with a keVee threshold and an upper limit (Lindhard quenching)
        Detector(
            material="Ge",
            threshold=0.2,
            threshold_unit="keVee",
            observable="keVee",
            upper_limit=1.5,
            quenching=quenching_model("lindhard", target="Ge"),
        ),
        # threshold in another unit than the observable: the window cuts the true recoil
        Detector(
            material="Ge",
            threshold=1.0,
            threshold_unit="keVnr",
            observable="keVee",
            quenching=quenching_model("lindhard", target="Ge"),
        ),
        # tabulated efficiency applied before smearing (true stage) in keVnr
        Detector(
            material="Xe",
            threshold=0.5,
            efficiency=TabulatedEfficiency(
                x=(0.5, 2.0, 5.0), efficiency=(0.0, 0.4, 0.2), above="hold", stage="true"
            ),
        ),
    ],
)
def test_equals_the_dense_response_matrix(det):
    T = np.linspace(0.01, 40.0, 997)
    top = float(det.observable_value(40.0))
    edges = np.linspace(0.0, top, 23)
    np.testing.assert_array_equal(_dense(det, T, edges), det.response_matrix(T, edges))


def test_counts_of_the_presets_are_unchanged_by_the_sparse_path():
    # The rate engine's no-resolution branch (bincount) against R @ v with the dense matrix on
    # the same nodes: XENONnT ⁸B (tabulated efficiency in keVnr) and CONUS+ (keVee threshold).
    from cevns_core.rates import _recoil_nodes, recoil_spectrum

    for name in ("xenonnt_b8_2024", "conus_plus_2025"):
        exp = cc.experiment(name)
        det, src = exp.detector, exp.source
        edges = exp.analysis_bins()
        recoil_edges = det.recoil_bin_edges(edges)
        dense = sparse = 0.0
        for iso, count in det.targets().items():
            T, w = _recoil_nodes(src, det, cc.isotope(iso).mass_MeV, recoil_edges)
            values = recoil_spectrum(src, {iso: count}, T).total * w
            dense += (det.response_matrix(T, edges) @ values).sum()
            index, weight = det.bin_assignment(T, edges)
            sparse += np.sum((values * weight)[index >= 0])
        assert sparse == pytest.approx(dense, rel=1e-12)
        # (counts uses 8 bins for a detector without efficiency: other nodes, same integral)
        assert exp.counts().total == pytest.approx(dense * exp.exposure_factor, rel=1e-6)


def test_needs_a_detector_without_resolution():
    with pytest.raises(CevnsError, match="without resolution"):
        detector_preset("coherent_lar_2020").bin_assignment([1.0], [0.0, 10.0])
