"""The polynomial route and the closed-form χ² against the kernel route (the previous path).

The kernel route contracts the precomputed kernels at every grid point and computes the χ² from
the bin counts (``cevns_core.statistics``); the polynomial route computes the coefficients of
the counts once per value of the other axis and the Gaussian χ² from Gram matrices. They share
only the effect's scan terms, so equal numbers (to rounding) show the closed forms right.
Tolerances: counts relative to the larger of the count and the Standard-Model count of the bin
(where new physics cancels the SM amplitude both routes keep only the digits above ~1e-16 of
the SM count), χ² relative to max(1, χ²).
"""

from dataclasses import replace

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.scans import SCAN_MODELS, scan, scan_models
from cevns_core.scans.engine import base_physics, build_blocks
from cevns_core.scans.jobs import _job
from cevns_core.scans.polynomial import build_table
from cevns_core.scans.targets import resolve_target

POLYNOMIAL = [m for m in scan_models() if SCAN_MODELS[m].polynomial]


def _grid(model, n=12):
    axes = SCAN_MODELS[model].default_axes()
    return {k: v[np.linspace(0, v.size - 1, n).round().astype(int)] for k, v in axes.items()}


def _assert_same(fast, slow, what):
    assert fast.info["route"] == "polynomial", (what, fast.info["polynomial_unavailable"])
    assert slow.info["route"] == "kernel"
    floor = np.maximum(np.abs(slow.bin_counts), slow.observed)
    np.testing.assert_array_less(
        np.abs(fast.bin_counts - slow.bin_counts), 1e-10 * floor + 1e-300, err_msg=what
    )
    np.testing.assert_allclose(fast.counts, slow.counts, rtol=1e-10, err_msg=what)
    np.testing.assert_array_less(
        np.abs(fast.chi2 - slow.chi2), 1e-10 * np.maximum(1.0, np.abs(slow.chi2)), err_msg=what
    )
    assert fast.chi2_null == pytest.approx(slow.chi2_null, rel=1e-12, abs=1e-12)


def test_every_declared_model_is_polynomial():
    # the models whose terms are affine in monomials of their axes declare it
    assert {"zprime", "scalar", "nsi_vector_ee", "nsi_tensor_mumu", "charge_radius"} <= set(
        POLYNOMIAL
    )
    assert {"magnetic_moment", "sterile_mu", "rn_sin2w"} <= set(POLYNOMIAL)


@pytest.mark.parametrize("model", POLYNOMIAL)
def test_polynomial_route_equals_the_kernel_route_on_csi(csi, model):
    axes = _grid(model)
    fast = scan(csi, model, **axes)
    slow = scan(csi, model, method="kernel", **axes)
    _assert_same(fast, slow, model)


@pytest.mark.parametrize("model", ["zprime", "nsi_vector_ee", "magnetic_moment", "rn_sin2w"])
def test_polynomial_route_on_a_reactor_with_400_bins(model):
    """CONUS: keVee, 400 analysis bins, no smearing (every node in one bin)."""
    exp = cc.experiment("conus")
    axes = _grid(model, 6)
    _assert_same(
        scan(exp, model, **axes), scan(exp, model, method="kernel", **axes), f"conus {model}"
    )


def test_axes_in_either_order_and_one_dimensional_profiles(csi):
    g = np.geomspace(1e-5, 1e-2, 9)
    m = np.geomspace(1.0, 1e4, 7)
    a = scan(csi, "zprime", coupling=g, mass_MeV=m)
    b = scan(csi, "zprime", mass_MeV=m, coupling=g)
    assert b.info["route"] == "polynomial"
    np.testing.assert_allclose(b.chi2, a.chi2.T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b.bin_counts, np.swapaxes(a.bin_counts, 0, 1), rtol=1e-12)
    one = scan(csi, "zprime", coupling=g)
    _assert_same(one, scan(csi, "zprime", method="kernel", coupling=g), "1-D")
    # an axis with no polynomial structure alone (the coupling at 0): the kernel route
    masses = scan(csi, "zprime", mass_MeV=m)
    assert masses.info["route"] == "kernel" and "scanned" in masses.info["polynomial_unavailable"]


def test_data_and_asimov_statistics_in_closed_form(csi):
    s = np.linspace(0.05, 0.45, 21)
    r = np.linspace(4.0, 6.5, 6)
    for kw in (
        {"data": "coherent_csi_2017"},  # COHERENT Gaussian χ², prompt-neutron nuisance
        {"data": "coherent_csi_2017", "sigma_signal": 0.0},  # signal normalisation fixed
        {"data": "coherent_csi_2017", "sigma_signal": float("inf")},  # free
        {"statistic": "poisson"},  # Asimov Poisson: from the counts
    ):
        fast = scan(csi, "rn_sin2w", R_n_fm=r, sin2_theta_W=s, **kw)
        slow = scan(csi, "rn_sin2w", R_n_fm=r, sin2_theta_W=s, method="kernel", **kw)
        _assert_same(fast, slow, str(kw))
        route = "poisson" if kw.get("statistic") == "poisson" else "closed_form"
        assert fast.info["chi2_route"] == route


def test_contours_are_identical(csi):
    axes = {"coupling": np.geomspace(1e-5, 1e-2, 60), "mass_MeV": np.geomspace(1.0, 1e4, 50)}
    fast = scan(csi, "zprime", **axes)
    slow = scan(csi, "zprime", method="kernel", **axes)
    for cl in (0.9, 0.99):
        a, b = fast.contour(cl), slow.contour(cl)
        assert len(a) == len(b) > 0
        for (x1, y1), (x2, y2) in zip(a, b, strict=True):
            np.testing.assert_allclose(x1, x2, rtol=1e-9)
            np.testing.assert_allclose(y1, y2, rtol=1e-9)
    assert fast.best_fit == slow.best_fit


def test_a_wrong_declaration_is_caught(csi):
    """Declared affine in g (it is affine in g²): the check at two grid points refuses it."""
    target = resolve_target(csi, None, time_cut=True)
    names = ("coupling", "mass_MeV")
    values = (np.geomspace(1e-4, 1e-2, 5), np.geomspace(1.0, 1e3, 4))
    spec = SCAN_MODELS["zprime"]
    null = {a.name: a.null for a in spec.axes}
    job = _job(spec, names, values, "fast", target.parts[0], null)
    build_blocks(job, csi, base_physics(csi)[0], False)
    good = build_table([job], spec, names, values)
    assert not isinstance(good, str) and good.keys == ((), (0,), (0, 0))
    wrong = build_table([job], replace(spec, polynomial=({"coupling": 1},)), names, values)
    assert isinstance(wrong, str) and "not affine" in wrong


def test_float32_and_streaming_keep_the_contours(csi):
    axes = {"coupling": np.geomspace(1e-5, 1e-2, 80), "mass_MeV": np.geomspace(1.0, 1e4, 70)}
    full = scan(csi, "zprime", **axes)
    for kw in ({"keep": "chi2"}, {"dtype": "float32"}, {"keep": "chi2", "dtype": "float32"}):
        other = scan(csi, "zprime", **axes, **kw)
        assert other.info["keep"] == kw.get("keep", "bins")
        tol = 1e-6 if kw.get("dtype") == "float32" else 1e-12
        np.testing.assert_allclose(other.chi2, full.chi2, rtol=tol)
        np.testing.assert_allclose(other.counts, full.counts, rtol=tol)
        a, b = full.contour(0.9), other.contour(0.9)
        assert len(a) == len(b)
        for (x1, y1), (x2, y2) in zip(a, b, strict=True):
            # float32 χ² moves a crossing by ≲ 1e-6 of a grid step (log10 step 0.04)
            np.testing.assert_allclose(np.log10(x1), np.log10(x2), atol=1e-6)
            np.testing.assert_allclose(np.log10(y1), np.log10(y2), atol=1e-6)
        assert other.best_fit["index"] == full.best_fit["index"]
        if kw.get("keep") == "chi2":
            with pytest.raises(cc.CevnsError, match="keep='bins'"):
                _ = other.bin_counts
    # the kernel route streams too (its chunks reduced to χ² and totals)
    kernel = scan(csi, "zprime", method="kernel", keep="chi2", **axes)
    np.testing.assert_allclose(kernel.chi2, full.chi2, rtol=1e-10, atol=1e-10)
