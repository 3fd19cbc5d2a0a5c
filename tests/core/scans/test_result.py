"""ScanResult: Δχ² conventions (PHYSICS §8.3), 1-D intervals."""

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.scans import scan


# ------------------------------------------------------------------------- Δχ² conventions
def test_asimov_delta_chi2_zero_at_sm_and_minimum_at_truth(csi):
    eps = np.linspace(-0.3, 0.3, 13)
    res = scan(csi, "nsi_vector_mumu", eps_u=eps, eps_d=[-0.1, 0.0, 0.1])
    i0, j0 = 6, 1
    assert res.chi2_null == pytest.approx(0.0, abs=1e-12)
    assert res.delta_chi2[i0, j0] == pytest.approx(0.0, abs=1e-9)
    assert res.best_fit["chi2"] == pytest.approx(0.0, abs=1e-9)
    assert np.all(res.delta_chi2 >= -1e-9)
    # Asimov data generated at a non-SM truth: the minimum moves there
    truth = {"eps_u": float(eps[9]), "eps_d": 0.1}
    shifted = scan(csi, "nsi_vector_mumu", eps_u=eps, eps_d=[-0.1, 0.0, 0.1], truth=truth)
    assert shifted.best_fit["index"] == (9, 2)
    assert shifted.delta_chi2[9, 2] == pytest.approx(0.0, abs=1e-9)
    assert shifted.chi2_null > 1.0
    # "relative to the SM": Δχ² = χ² − χ²_SM, negative at the truth
    vs_sm = scan(
        csi, "nsi_vector_mumu", eps_u=eps, eps_d=[-0.1, 0.0, 0.1], truth=truth, reference="sm"
    )
    np.testing.assert_allclose(vs_sm.delta_chi2, shifted.chi2 - shifted.chi2_null)
    assert vs_sm.delta_chi2[9, 2] < -1.0


def test_one_dimensional_nsi_profile_gives_intervals(csi):
    res = scan(csi, "nsi_vector_ee", eps_u=np.linspace(-1.0, 1.0, 201))
    assert res.shape == (201,)
    intervals = res.contour(cl=0.9)
    assert intervals and all(isinstance(iv, cc.statistics.Interval) for iv in intervals)
    assert any(iv.lo < 0.0 < iv.hi for iv in intervals)
    first = next(iv for iv in intervals if iv.lo < 0.0 < iv.hi)
    assert not first.lo_open and not first.hi_open
    # the threshold is the 1-dof level: Δχ² at the crossings
    assert np.interp(first.hi, res.axes["eps_u"], res.delta_chi2) == pytest.approx(2.706, rel=0.02)
    assert res.intervals(0.9) == intervals
