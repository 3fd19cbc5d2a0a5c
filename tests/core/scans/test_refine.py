"""1-D scans refine a minimum the grid does not resolve (cevns_core.scans.refine)."""

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.scans import scan
from cevns_core.scans.refine import refined_axis, unresolved


def test_unresolved_minimum_and_refined_axis():
    x = np.linspace(0.0, 1.0, 11)
    assert unresolved(x, ((x - 0.33) / 0.01) ** 2) == (pytest.approx(0.2), pytest.approx(0.4))
    assert unresolved(x, ((x - 0.33) / 0.5) ** 2) is None  # many points within Δχ² ≤ 1
    assert unresolved(x, x) is None  # minimum at the edge: an open interval, not a narrow one
    new = refined_axis(x, 0.2, 0.4, n=3)  # 0.25, 0.3, 0.35: 0.3 is already a grid point
    assert new.size == 13 and np.all(np.diff(new) > 0)


def test_narrow_asimov_interval_matches_a_fine_grid(csi):
    # 1000× the CsI exposure and no signal systematic: the 90 % interval of ε_u^ee is ±0.0012,
    # far below the 0.1 grid step. The refined coarse scan agrees with a 0.00005-step scan
    # (second method) to 2 % of the width; without refinement only a point is left (the vertex
    # of the parabola through the three lowest grid points, which stays above the level).
    exp = csi.copy()
    exp.detector.mass_kg = 1000.0 * csi.detector.mass_kg
    options = {"sigma_signal": 0.0}
    fine = scan(exp, "nsi_vector_ee", eps_u=np.linspace(-0.02, 0.02, 801), **options)
    (ref,) = fine.intervals(0.9)
    assert fine.info["refined_points"] == 0
    coarse = scan(exp, "nsi_vector_ee", eps_u=np.linspace(-0.15, 0.25, 5), **options)
    (iv,) = coarse.intervals(0.9)
    width = ref.hi - ref.lo
    assert iv.lo == pytest.approx(ref.lo, abs=0.02 * width)
    assert iv.hi == pytest.approx(ref.hi, abs=0.02 * width)
    assert coarse.info["refined_points"] > 0
    raw = scan(exp, "nsi_vector_ee", eps_u=np.linspace(-0.15, 0.25, 5), refine=False, **options)
    assert raw.shape == (5,) and "refined_points" not in raw.info
    (point,) = raw.intervals(0.9)
    assert point.lo == point.hi and not ref.lo < point.lo < ref.hi


def test_default_signal_systematic_of_asimov_scans():
    # CONNIE publishes no prediction uncertainty: the Asimov scan takes the stated 10 %, not a
    # statistics-only σ_α = 0; a published one (CsI 2017: 48/173) is used as before
    eps = np.linspace(-0.5, 0.5, 41)
    res = scan("connie", "nsi_vector_ee", eps_u=eps, refine=False)
    assert res.info["sigma_signal"] == 0.10
    stats_only = scan("connie", "nsi_vector_ee", eps_u=eps, default_sigma_signal=0.0, refine=False)
    assert stats_only.info["sigma_signal"] == 0.0
    assert np.all(res.delta_chi2 <= stats_only.delta_chi2 + 1e-9)  # a nuisance only relaxes
    csi = scan("coherent_csi_2017", "nsi_vector_ee", eps_u=eps)
    assert csi.info["sigma_signal"] == pytest.approx(48 / 173, rel=1e-3)
    assert cc.signal_uncertainty("connie") == res.info["sigma_signal"]
