"""Scans on multi-dimensional data sets and joint likelihoods (the real-data issue).

Every scan value is compared with a second method at sampled grid points: the per-point
prediction of the fits (``fits.predict_signal`` with a ``NewPhysics``, the rate engine) and the
data set's own χ² (``fits.dataset_chi2``), or ``cc.Likelihood.predict`` and its profiled χ².
"""

import math

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import cevns_core as cc
from cevns_core import fits
from cevns_core.cli import main
from cevns_core.scans import scan

G = np.geomspace(1e-5, 1e-3, 7)
M = np.geomspace(1.0, 1e4, 6)
PICKS = [(0, 0), (3, 2), (5, 4), (6, 1)]


def _zprime(i, j):
    return cc.NewPhysics(zprime_coupling=G[i], zprime_mass_MeV=M[j])


def test_three_dimensional_lar_set_against_the_fits():
    """LAr 2020 energy × F90 × t_trig (960 cells): counts spread as predict_signal does, χ² the
    data set's Poisson χ² with its four nuisances."""
    res = scan(None, "zprime", data="coherent_lar_2020_3d", coupling=G, mass_MeV=M)
    assert res.bin_counts.shape == (7, 6, 960) and res.info["route"] == "polynomial"
    assert res.info["experiment"] == "coherent_lar_2020"
    for i, j in PICKS:
        signal = fits.predict_signal(None, "coherent_lar_2020_3d", _zprime(i, j))
        np.testing.assert_allclose(res.bin_counts[i, j], signal, rtol=1e-10, atol=1e-14)
        chi2 = float(fits.dataset_chi2("coherent_lar_2020_3d", signal))
        assert res.chi2[i, j] == pytest.approx(chi2, rel=1e-10)
    null = fits.predict_signal(None, "coherent_lar_2020_3d")
    assert res.chi2_null == pytest.approx(float(fits.dataset_chi2("coherent_lar_2020_3d", null)))


def test_energy_time_set_against_the_likelihood():
    """CsI 2021 (9 PE × 11 t_rec, 8 nuisances incl. shape morphing) as data=name."""
    res = scan(None, "zprime", data="coherent_csi_2021", coupling=G, mass_MeV=M)
    lik = cc.Likelihood("coherent_csi_2021")
    assert res.info["statistic"] == "poisson likelihood" and res.shape == (7, 6)
    assert res.info["nuisances"] == lik.nuisance_names
    for i, j in PICKS:
        signal = lik.predict(_zprime(i, j))
        np.testing.assert_allclose(res.bin_counts[i, j], signal, rtol=1e-10, atol=1e-14)
        if res.delta_chi2[i, j] < 30:  # far out the profile has several local minima
            assert res.chi2[i, j] == pytest.approx(float(lik.chi2(signal)), rel=1e-9)
    near = res.delta_chi2 < 30
    assert near.sum() >= 10
    np.testing.assert_allclose(res.chi2[near], lik.chi2(res.bin_counts)[near], rtol=1e-9)
    assert res.chi2_null == pytest.approx(float(lik.chi2(lik.predict())), rel=1e-12)
    # the CsI 2017 energy × time set, predicted by an experiment given for the one data set
    s2w = np.linspace(0.15, 0.35, 9)
    two = scan("coherent_csi_2017", "rn_sin2w", data="coherent_csi_2017_2d", sin2_theta_W=s2w)
    profile = cc.fit_sin2_theta_w("coherent_csi_2017_2d", grid=s2w)
    np.testing.assert_allclose(two.chi2, profile.chi2, rtol=1e-8)


def test_joint_scan_is_the_sum_of_single_scans_when_nothing_is_shared():
    axes = {"eps_u": np.linspace(-0.3, 0.3, 5), "eps_d": np.linspace(-0.3, 0.3, 4)}
    joint = scan(
        None,
        "nsi_vector_ee",
        data=cc.Likelihood(["coherent_csi_2021", "coherent_lar_2020"], shared=()),
        **axes,
    )
    a = scan(None, "nsi_vector_ee", data=cc.Likelihood("coherent_csi_2021"), **axes)
    b = scan(None, "nsi_vector_ee", data=cc.Likelihood("coherent_lar_2020"), **axes)
    np.testing.assert_allclose(joint.chi2, a.chi2 + b.chi2, rtol=1e-9)
    np.testing.assert_allclose(joint.counts, a.counts + b.counts, rtol=1e-12)
    assert joint.chi2_null == pytest.approx(a.chi2_null + b.chi2_null, rel=1e-10)
    assert joint.info["nuisances"].count("sns_flux") == 0  # renamed per data set
    assert sum("sns_flux" in n for n in joint.info["nuisances"]) == 2


def test_shared_flux_is_one_parameter_with_its_prior_counted_once():
    """χ²_joint(point) = min_f [χ²_A(f) + χ²_B(f) − f²/σ_f²]: each single likelihood at a fixed
    flux f profiles its other nuisances and counts the flux prior; the joint counts it once."""
    res = scan(
        None, "zprime", data=["coherent_csi_2021", "coherent_lar_2020"], coupling=G, mass_MeV=M
    )
    assert res.info["nuisances"].count("sns_flux") == 1
    singles = [cc.Likelihood(name) for name in ("coherent_csi_2021", "coherent_lar_2020")]
    sigma = 0.10
    # two points inside the interesting region (1 < Δχ² < 30: the flux pulled, not extreme)
    inside = np.argwhere((res.delta_chi2 > 1) & (res.delta_chi2 < 30))
    assert len(inside) >= 2
    for i, j in inside[[0, -1]]:
        signals = [lik.predict(_zprime(i, j)) for lik in singles]

        def total(f, signals=signals):
            fixed = {"sns_flux": f}
            parts = [
                float(lik.chi2(s, fixed=fixed)) for lik, s in zip(singles, signals, strict=True)
            ]
            return sum(parts) - (f / sigma) ** 2

        best = minimize_scalar(total, bounds=(-0.9, 0.9), method="bounded",
                               options={"xatol": 1e-9})  # fmt: skip
        assert res.chi2[i, j] == pytest.approx(best.fun, rel=1e-7)


def test_joint_zprime_scan_against_the_likelihood_at_sampled_points():
    """CsI 2021 + LAr 2020 (3-D): the benchmark's joint scan, where the profile is unique."""
    lik = cc.Likelihood(["coherent_csi_2021", "coherent_lar_2020_3d"])
    res = scan(None, "zprime", data=lik, coupling=G, mass_MeV=M)
    assert res.info["data"] == "coherent_csi_2021 + coherent_lar_2020_3d"
    assert res.bin_counts.shape[-1] == lik.n_cells == 1059
    assert res.info["cells"] == {"coherent_csi_2021": [0, 99], "coherent_lar_2020_3d": [99, 1059]}
    for i, j in PICKS:
        signal = lik.predict(_zprime(i, j))
        np.testing.assert_allclose(res.bin_counts[i, j], signal, rtol=1e-10, atol=1e-14)
        # far out (Δχ² ≫ 30) the profile over shape nuisances is not convex: the scan's warm
        # start and a start from 0 can end in different local minima
        if res.delta_chi2[i, j] < 30:
            assert res.chi2[i, j] == pytest.approx(float(lik.chi2(signal)), rel=1e-9)
    # the row-by-row warm start agrees with independent profiles over the allowed region
    direct = lik.chi2(res.bin_counts)
    near = res.delta_chi2 < 30
    assert near.sum() > 20
    np.testing.assert_allclose(res.chi2[near], direct[near], rtol=1e-9)


def test_cli_scan_with_several_data_sets(capsys):
    status = main(
        ["scan", "nsi_vector_ee", "--data", "coherent_csi_2021", "--data", "coherent_lar_2020",
         "--eps-u", "-0.3", "0.3", "4", "--eps-d", "-0.2", "0.2", "3", "--format", "json"]
    )  # fmt: skip
    out, _ = capsys.readouterr()
    assert status == 0
    import json

    data = json.loads(out)
    ref = scan(
        None,
        "nsi_vector_ee",
        data=["coherent_csi_2021", "coherent_lar_2020"],
        eps_u=np.linspace(-0.3, 0.3, 4),
        eps_d=np.linspace(-0.2, 0.2, 3),
    )
    np.testing.assert_allclose(np.array(data["chi2"]), ref.chi2, rtol=1e-12)
    assert data["info"]["data"] == "coherent_csi_2021 + coherent_lar_2020"


def test_bad_joint_requests_are_clear_errors(csi):
    with pytest.raises(cc.CevnsError, match="data="):
        scan(["coherent_csi_2017"], "zprime", coupling=[1e-4])
    with pytest.raises(cc.CevnsError, match="do not apply to likelihood"):
        scan(None, "zprime", data="coherent_csi_2021", coupling=[1e-4], sigma_signal=0.1)
    with pytest.raises(cc.CevnsError, match="one data set"):
        scan(csi, "zprime", data=["coherent_csi_2021", "coherent_lar_2020"], coupling=[1e-4])
    with pytest.raises(cc.CevnsError, match="give an experiment"):
        scan(None, "zprime", coupling=[1e-4])
    assert main(["scan", "zprime", "--coupling", "1e-5", "1e-3", "3"]) != 0
    assert not math.isnan(scan(None, "zprime", data="coherent_lar_2020", coupling=[1e-4]).chi2_null)
