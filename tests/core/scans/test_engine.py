"""The scan engine (issue 4): fast path = generic path, the no-new-physics point."""

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.scans import SCAN_MODELS, scan, scan_models

# ------------------------------------------------------------------------- fast = generic
SMALL_GRIDS = {
    "zprime": {"coupling": [1e-4, 1e-3, 3e-3], "mass_MeV": [10.0, 1e3]},
    "zprime_b_minus_l": {"coupling": [1e-4, 1e-3], "mass_MeV": [10.0, 1e3]},
    "zprime_lmu_minus_ltau": {"coupling": [1e-3, 1e-2], "mass_MeV": [10.0]},
    "scalar": {"coupling": [1e-5, 1e-4], "mass_MeV": [1.0, 100.0]},
    "nsi_vector_ee": {"eps_u": [-0.2, 0.3], "eps_d": [-0.1, 0.5]},
    "nsi_tensor_mumu": {"eps_u": [-0.05, 0.01], "eps_d": [0.02]},
    "charge_radius": {"r2_e_cm2": [-5e-31, 1e-31], "r2_mu_cm2": [2e-31]},
    "magnetic_moment": {"mu_e_muB": [0.0, 1e-9], "mu_mu_muB": [5e-9]},
    "sterile_mu": {"dm2_41_eV2": [0.0, 0.5, 3.0], "sin2_2theta": [0.5]},
    "rn_sin2w": {"R_n_fm": [4.5, 5.5], "sin2_theta_W": [0.2, 0.25]},
}


@pytest.mark.parametrize("model", ["zprime", "nsi_vector_ee"])
def test_fast_path_equals_generic_path(csi, model):
    axes = SMALL_GRIDS[model]
    fast = scan(csi, model, **axes)
    slow = scan(csi, model, method="generic", **axes)
    assert fast.info["path"] == "fast" and slow.info["path"] == "generic"
    assert fast.shape == tuple(len(v) for v in axes.values())
    np.testing.assert_allclose(fast.bin_counts, slow.bin_counts, rtol=1e-9)
    np.testing.assert_allclose(fast.counts, slow.counts, rtol=1e-9)
    np.testing.assert_allclose(fast.chi2, slow.chi2, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fast.delta_chi2, slow.delta_chi2, rtol=1e-9, atol=1e-9)


def test_fast_path_equals_generic_path_every_model(csi):
    # one small grid (1-4 points) per remaining model: the kernels reproduce NewPhysics exactly
    for model, axes in SMALL_GRIDS.items():
        if model in ("zprime", "nsi_vector_ee"):
            continue
        fast = scan(csi, model, **axes)
        slow = scan(csi, model, method="generic", **axes)
        np.testing.assert_allclose(fast.bin_counts, slow.bin_counts, rtol=1e-9, err_msg=model)


def test_no_new_physics_point_reproduces_the_experiment(csi):
    res = scan(csi, "zprime", coupling=[0.0, 1e-6], mass_MeV=[1e3])
    assert res.counts[0, 0] == pytest.approx(csi.counts().total, rel=1e-10)
    sm = csi.observed_counts(res.bin_edges).total
    np.testing.assert_allclose(res.observed, sm, rtol=1e-10)


# ------------------------------------------------------------------------- every model, two presets
def _sampled(values, n):
    """n values of a default grid, evenly spread over it (first and last included)."""
    return values[np.linspace(0, values.size - 1, n).round().astype(int)]


@pytest.fixture
def coarse_reactor_bins(monkeypatch):
    """Reactor presets have 400 fine analysis bins; 20 keep the generic path cheap (the
    comparison is bin by bin either way)."""
    fine = cc.Experiment.analysis_bins
    monkeypatch.setattr(cc.Experiment, "analysis_bins", lambda self, n_bins=20: fine(self, 20))


@pytest.mark.parametrize("preset", ["coherent_csi_2017", "conus"])
@pytest.mark.parametrize("model", scan_models())
def test_fast_path_equals_the_per_point_path_at_sampled_points(model, preset, coarse_reactor_bins):
    """The fast path (the effect's vectorised scan terms on precomputed kernels) against the
    per-point path (one NewPhysics per point through the rate engine) on a π-DAR and a reactor
    preset: a 5 × 4 grid over the model's default ranges, 2 × 2 of its points recomputed one
    by one, bin by bin within 1e-10 (a second method: the two paths share only the formulas)."""
    exp = cc.experiment(preset)
    grid = SCAN_MODELS[model].default_axes()
    (a, va), (b, vb) = ((n, _sampled(grid[n], k)) for n, k in zip(grid, (5, 4), strict=True))
    fast = scan(exp, model, method="fast", **{a: va, b: vb})
    rows, cols = [1, 4], [0, 2]
    slow = scan(exp, model, method="generic", **{a: va[rows], b: vb[cols]})
    assert fast.info["path"] == "fast" and slow.info["path"] == "generic"
    np.testing.assert_allclose(
        fast.bin_counts[np.ix_(rows, cols)], slow.bin_counts, rtol=1e-10, atol=0.0
    )
    assert np.any(fast.counts != fast.counts[0, 0]) or preset == "conus"  # the grid does move
