"""scan(): the Z′ degeneracy band (PHYSICS R31), the sterile limit, data fits, bad input."""

import math

import numpy as np
import pytest

import cevns_core as cc
from cevns_core import fits
from cevns_core.errors import CevnsError
from cevns_core.scans import scan


def test_zprime_degeneracy_band_on_csi_2017(csi):
    """Destructive interference: Δχ² ≈ 0 along g²/M² = 3.12e-6 GeV⁻² for heavy M (R31)."""
    M = np.array([1e3, 3e3, 1e4])
    g = np.geomspace(3e-4, 3e-2, 401)
    res = scan(csi, "zprime", coupling=g, mass_MeV=M)
    level = res.threshold(0.9)
    assert level == pytest.approx(4.605, abs=1e-3)  # 2 dof
    for j, mass in enumerate(M):
        d = res.delta_chi2[:, j]
        band = math.sqrt(3.12e-6 * (mass / 1e3) ** 2)
        near = np.abs(np.log(g / band)) < 0.05
        k = np.flatnonzero(near)[np.argmin(d[near])]
        assert g[k] ** 2 / (mass / 1e3) ** 2 == pytest.approx(3.12e-6, rel=0.02)
        assert d[k] < 0.05  # allowed inside the band
        assert d[np.argmin(np.abs(g - band / math.sqrt(2.0)))] > 10 * level  # 𝒢 ≈ 0: excluded
        assert d[np.argmin(np.abs(g - 2.0 * band))] > level  # 49× the SM rate
    # the 90 % contour on a log-log grid: closed lines around the band at heavy M
    grid = scan(
        csi, "zprime", coupling=np.geomspace(1e-3, 1e-1, 161), mass_MeV=np.geomspace(1e3, 1e4, 9)
    )
    lines = grid.contour(0.9)
    assert lines and all(len(a) == len(b) for a, b in lines)
    column = grid.axes["mass_MeV"][4]  # 3.16 GeV: where the lines cross this mass
    crossings = np.concatenate([a[np.abs(np.log(b / column)) < 1e-9] for a, b in lines])
    band = math.sqrt(3.12e-6 * (column / 1e3) ** 2)
    below, above = crossings[crossings < band], crossings[crossings > band]
    # the band is an allowed island between two crossings, tight around it
    assert below.size and above.size
    assert band / below.max() < 1.2 and above.min() / band < 1.2
    assert below.min() < 0.5 * band  # and the SM-like region at small g is separate


def test_sterile_without_splitting_is_the_standard_model(csi):
    res = scan(csi, "sterile_mu", dm2_41_eV2=[0.0, 1e-8, 1e-6, 1.0], sin2_2theta=[0.1, 0.5, 1.0])
    assert np.all(np.abs(res.delta_chi2[:3]) < 1e-6)
    np.testing.assert_allclose(res.counts[0], csi.counts().total, rtol=1e-10)
    assert np.all(res.delta_chi2[3, 1:] > res.delta_chi2[3, 0])  # disappearance at 1 eV²


def test_data_scan_matches_the_sin2_fit(csi):
    s = np.linspace(0.05, 0.45, 41)
    res = scan(csi, "rn_sin2w", sin2_theta_W=s, data="coherent_csi_2017")
    profile = fits.fit_sin2_theta_w(grid=s)
    np.testing.assert_allclose(res.chi2, profile.chi2, rtol=1e-9)
    assert res.info["data"] == "coherent_csi_2017"
    assert res.chi2_null > 0.0


# ------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("model", "axes", "message"),
    [
        ("zprime", {"coupling": [1e-4], "mass_MeV": [-1.0, 10.0]}, "mass_MeV"),
        ("zprime", {"coupling": [1e-4, math.nan], "mass_MeV": [10.0]}, "finite"),
        ("zprime", {"coupling": [1e-4, math.inf]}, "finite"),
        ("zprime", {"coupling": [], "mass_MeV": [10.0]}, "empty"),
        ("zprime", {}, "axes"),
        ("zprime", {"coupling": [1e-3, 1e-4]}, "increasing"),
        ("zprime", {"coupling": [[1e-3, 1e-4]]}, "1-D"),
        ("zprime", {"eps_u": [0.1]}, "unknown axis"),
        ("no_such_model", {"coupling": [0.1]}, "unknown scan model"),
        ("scalar", {"coupling": [-1e-3]}, "coupling"),
        ("sterile_e", {"sin2_2theta": [1.5]}, "sin2_2theta"),
        ("nsi_vector_ee", {"eps_u": [0.1], "eps_d": [0.1], "coupling": [1.0]}, "at most two"),
    ],
)
def test_bad_input_raises_cevns_error(csi, model, axes, message):
    with pytest.raises(CevnsError, match=message):
        scan(csi, model, **axes)


def test_bad_options_and_cl(csi):
    res = scan(csi, "zprime", coupling=[1e-4, 1e-3], mass_MeV=[10.0, 100.0])
    for cl in (0.0, 1.0, 90.0, -0.5):
        with pytest.raises(CevnsError, match="cl"):
            res.contour(cl=cl)
    with pytest.raises(CevnsError, match="reference"):
        scan(csi, "zprime", coupling=[1e-4], reference="global")
    with pytest.raises(CevnsError, match="data set"):
        scan(csi, "zprime", coupling=[1e-4], data="no_such_data")
    with pytest.raises(CevnsError, match="binned in keVee"):
        scan(csi, "zprime", coupling=[1e-4], data="coherent_lar_2020")
    with pytest.raises(CevnsError, match="chunk_rows"):
        scan(csi, "zprime", coupling=[1e-4], chunk_rows=0)
    with pytest.raises(CevnsError, match="client"):
        scan(csi, "zprime", coupling=[1e-4], client=object())
    with pytest.raises(CevnsError, match="truth"):
        scan(csi, "zprime", coupling=[1e-4], truth={"mass_MeV": -3.0})
    with pytest.raises(CevnsError, match="experiment"):
        scan(42, "zprime", coupling=[1e-4])


def test_a_moment_scan_on_a_detector_counting_vanishing_recoils_is_refused():
    # dσ/dT ∝ 1/T: without a threshold the count of every grid point but μ = 0 is infinite
    exp = cc.experiment("coherent_csi_2017")
    exp.detector = cc.Detector(material="CsI", mass_kg=14.57, threshold=0.0)
    with pytest.raises(cc.DivergentCountsError, match="magnetic moment"):
        cc.scan(exp, "magnetic_moment", mu_e_muB=[0.0, 1e-9], mu_mu_muB=[0.0, 1e-9])
    with_threshold = cc.scan(
        "coherent_csi_2017", "magnetic_moment", mu_e_muB=[0.0, 1e-9], mu_mu_muB=[0.0, 1e-9]
    )
    assert np.isfinite(with_threshold.delta_chi2).all()


# ------------------------------------------------------------------------- analysis bins
def test_bins_option_and_error_controlled_auto_binning(csi):
    """An ideal keVnr detector (Ge, no smearing or efficiency): bins=n is n equal bins over
    the analysis window; bins="auto" picks fewer bins whose Asimov Δχ² agrees with the 400
    default bins to the 1 % tolerance where Δχ² < 30 (where the contours are)."""
    exp = cc.experiment("coherent_ge")
    axes = {"coupling": np.geomspace(1e-5, 1e-2, 40), "mass_MeV": np.geomspace(1.0, 1e4, 30)}
    fine = scan(exp, "zprime", **axes)
    assert fine.info["bins"] == 400 and fine.info["bins_note"] is None
    twenty = scan(exp, "zprime", bins=20, **axes)
    edges = exp.analysis_bins()
    np.testing.assert_allclose(twenty.bin_edges, np.linspace(edges[0], edges[-1], 21))
    np.testing.assert_allclose(twenty.counts, fine.counts, rtol=1e-9)  # totals: any binning
    auto = scan(exp, "zprime", bins="auto", **axes)
    assert 32 <= auto.info["bins"] < 400 and "→" in auto.info["bins_note"]
    near = fine.delta_chi2 < 30
    error = np.abs(auto.delta_chi2 - fine.delta_chi2) / np.maximum(1.0, fine.delta_chi2)
    assert np.max(error[near]) < 0.01
    # a PE detector with an efficiency keeps its own bins; data sets have theirs
    assert scan(csi, "zprime", bins="auto", coupling=[1e-4]).info["bins"] == 24
    with pytest.raises(CevnsError, match="Asimov"):
        scan(csi, "zprime", bins=10, data="coherent_csi_2017", coupling=[1e-4])
    for bad in (0, [1.0], [2.0, 1.0], "fine"):
        with pytest.raises(CevnsError, match="bin"):
            scan(exp, "zprime", bins=bad, coupling=[1e-4])
