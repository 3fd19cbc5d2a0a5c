"""Several experiments or baselines in one χ² (cevns_core.scans.combine; PKK Fig. 16)."""

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.scans import combine_scans, scan, scan_combined

DM2 = np.geomspace(0.3, 30.0, 12)
S2T = np.geomspace(1e-2, 1.0, 10)


def _at_distance(exp, distance_m):
    values = {k: v for k, v in exp.source.param.values().items() if k != "name"}
    return exp.copy(source=type(exp.source)(**{**values, "distance_m": distance_m}))


def test_combination_is_the_sum_of_the_chi2_of_each_experiment(csi):
    texono = cc.experiment("texono")
    res = scan_combined([csi, texono], "sterile_emu", dm2_41_eV2=DM2, sin2_2theta_emu=S2T)
    alone = [scan(e, "sterile_emu", dm2_41_eV2=DM2, sin2_2theta_emu=S2T) for e in (csi, texono)]
    np.testing.assert_array_equal(res.chi2, alone[0].chi2 + alone[1].chi2)
    assert res.chi2_null == alone[0].chi2_null + alone[1].chi2_null
    n0 = alone[0].bin_counts.shape[-1]
    assert res.info["parts"][1]["bins"] == [n0, n0 + alone[1].bin_counts.shape[-1]]
    np.testing.assert_array_equal(res.bin_counts[..., :n0], alone[0].bin_counts)
    np.testing.assert_array_equal(res.observed[n0:], alone[1].observed)
    # Asimov data at the SM: χ²_min = 0 for each, so the combination excludes at least the union
    thr = res.threshold(0.9)
    union = (alone[0].delta_chi2 > thr) | (alone[1].delta_chi2 > thr)
    assert np.all(res.delta_chi2[union] > thr)
    assert res.contour(0.9)  # a 90 % CL boundary on the grid


def test_two_baselines_of_one_reactor_detector_exclude_more_than_either():
    """The same detector at 17 m and 30 m: L/E differ, so cells that neither baseline excludes
    at 90 % CL are excluded by the sum of their χ² (the reason to combine baselines)."""
    near = cc.experiment("conus")
    far = _at_distance(near, 30.0)
    res = scan_combined([near, far], "sterile_e", dm2_41_eV2=DM2, sin2_2theta=S2T)
    a, b = res.info["chi2_parts"]
    thr = res.threshold(0.9)
    union = (a > thr) | (b > thr)
    combined = res.delta_chi2 > thr
    assert np.all(combined[union])
    assert np.any(combined & ~union)
    # the far detector sees fewer events (1/L²) and oscillations at another Δm²
    assert res.info["parts"][0]["experiment"] == res.info["parts"][1]["experiment"] == "conus"
    assert not np.allclose(a, b)


def test_per_experiment_options_and_bad_input(csi):
    res = scan_combined(
        [csi, csi],
        "sterile_mu",
        options=[{"sigma_signal": 0.0}, {"sigma_signal": 0.5}],
        dm2_41_eV2=[1.0, 10.0],
        sin2_2theta=[0.3],
    )
    tight, loose = res.info["chi2_parts"]
    assert np.all(tight >= loose) and np.any(tight > loose)
    with pytest.raises(cc.CevnsError, match="one mapping per experiment"):
        scan_combined([csi, csi], "sterile_mu", options=[{}], dm2_41_eV2=[1.0])
    one = scan(csi, "sterile_mu", dm2_41_eV2=[1.0, 2.0])
    other = scan(csi, "sterile_mu", dm2_41_eV2=[1.0, 3.0])
    with pytest.raises(cc.CevnsError, match="share their grid"):
        combine_scans([one, other])
    with pytest.raises(cc.CevnsError, match="cannot combine scans"):
        combine_scans([one, scan(csi, "sterile_e", dm2_41_eV2=[1.0, 2.0])])
    with pytest.raises(cc.CevnsError, match="non-empty"):
        combine_scans([])
