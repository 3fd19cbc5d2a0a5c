"""Fits of Standard-Model parameters (issue 4 item 3): sin²θ_W and the neutron radius.

* the fast sin²θ_W scan (counts exactly quadratic in sin²θ_W) equals point-by-point predictions;
* the generic profile_1d with settings mappings equals fit_neutron_radius;
* Asimov data: the fits recover the input value (Gaussian CsI 2017 and Poisson LAr 2020 3-D);
* the LAr 2020 3-D Poisson fit of the CEvNS normalisation reproduces the collaboration's 159 ± 43;
* CsI 2017 results against PKK Eq. (31) and Eq. (34) (PHYSICS.md §9.3–9.4), with the tolerance
  argued in each test;
* bad input.

Reference numbers are written into this file with their sources. Grids are coarse (speed).
"""

from dataclasses import replace

import numpy as np
import pytest

from cevns_core.datasets import load_dataset
from cevns_core.errors import CevnsError
from cevns_core.fits import (
    dataset_chi2,
    fit_neutron_radius,
    fit_sin2_theta_w,
    predict_signal,
    profile_1d,
)
from cevns_core.statistics import CL_1SIGMA, Profile1D
from cevns_core.weak_charges import StandardModel

# PKK Eq. (31) (Papoulias, Kosmas & Kuno, Front. Phys. 7 (2019) 191, quoting Papoulias & Kosmas,
# PRD 97 (2018) 033003), COHERENT CsI 2017, 90 % CL: sin²θ_W = 0.197 +0.128 −0.080.
PKK_SW2 = (0.197, 0.080, 0.128)
# PKK Eq. (34) (current data), 90 % CL: ⟨R_n²⟩^{1/2}(CsI) = 5.64 +0.99 −1.23 fm.
PKK_RN = (5.64, 1.23, 0.99)
SW2_SM = 0.23857


# ----------------------------------------------------------------------------- machinery
def test_sin2_scan_is_exactly_quadratic():
    grid = np.array([0.1, 0.17, 0.23857, 0.31, 0.42])
    fast = fit_sin2_theta_w(grid=grid)
    assert fast.info["quadratic_in_sin2"]
    slow = profile_1d(None, "coherent_csi_2017", lambda s: StandardModel(sin2_theta_W=s), grid)
    np.testing.assert_allclose(fast.info["predicted_total"], slow.info["predicted_total"], 1e-10)
    np.testing.assert_allclose(fast.chi2, slow.chi2, rtol=1e-9)
    np.testing.assert_allclose(fast.nuisances, slow.nuisances, atol=1e-9)
    # the flavour-dependent charge-radius correction keeps the structure (g_V^p shifted by a const)
    radius = fit_sin2_theta_w(grid=grid, physics=StandardModel(flavour_radius=True))
    assert radius.info["quadratic_in_sin2"]
    assert not np.allclose(radius.chi2, fast.chi2)


def test_profile_1d_with_settings_mapping():
    grid = [4.0, 5.0, 6.0]
    generic = profile_1d(
        None, "coherent_csi_2017", lambda r: {"form_factor_params": {"R_n_fm": r}}, grid
    )
    direct = fit_neutron_radius(grid=grid)
    np.testing.assert_allclose(generic.chi2, direct.chi2, rtol=1e-12)
    assert direct.info["nuisances"] == ["signal", "prompt_neutrons"]
    # predictions fall with R_n (coherence loss)
    assert np.all(np.diff(direct.info["predicted_total"]) < 0)


@pytest.mark.parametrize("statistic", ["gaussian_coherent", "poisson"])
def test_asimov_csi_recovers_truth(statistic):
    ds = load_dataset("coherent_csi_2017")
    truth = predict_signal(None, ds, StandardModel(sin2_theta_W=SW2_SM))
    observed = ds.backgrounds["steady_state"] + ds.backgrounds["prompt_neutrons"] + truth
    asimov = replace(ds, observed=observed)
    p = fit_sin2_theta_w(asimov, grid=np.linspace(0.15, 0.35, 41), statistic=statistic)
    assert p.best_fit == pytest.approx(SW2_SM, abs=2e-4)
    assert p.chi2_min == pytest.approx(0.0, abs=1e-3)  # parabolic refinement between grid points
    assert p.chi2.min() < 0.01
    i = int(np.argmin(np.abs(p.grid - SW2_SM)))
    np.testing.assert_allclose(p.nuisances[i], 0.0, atol=0.02)


def test_asimov_lar_3d_poisson_recovers_truth():
    ds = load_dataset("coherent_lar_2020_3d")
    truth = predict_signal(None, ds, StandardModel(sin2_theta_W=SW2_SM))
    asimov = replace(ds, observed=ds.total_background + truth)
    p = fit_sin2_theta_w(asimov, grid=np.linspace(0.1, 0.4, 31))
    assert p.best_fit == pytest.approx(SW2_SM, abs=5e-4)
    assert p.chi2_min == pytest.approx(0.0, abs=1e-3)


def test_lar_3d_cevns_normalisation_reproduces_collaboration():
    """Release YAML (arXiv:2006.12659): best-fit CEvNS 159 ± 43, prompt BRN 553 ± 34, delayed
    BRN 10 ± 11, steady state 3131 ± 23 from the collaboration's 3-D binned likelihood fit.

    Our Baker–Cousins χ² is −2 ln of the same binned Poisson likelihood (up to a constant) with
    the same Gaussian normalisation constraints; the collaboration also profiled systematic shape
    variations (SystErrors/, not included here), which can move the fit by a few events and
    widen the error slightly: tolerance 5 events on the count and on each error, 3 events on the
    background normalisations (10 % of their fitted errors).
    """
    ds = load_dataset("coherent_lar_2020_3d")
    scale = np.linspace(0.3, 2.3, 41)
    chi2, nuis = dataset_chi2(
        ds, scale[:, None] * ds.reference_signal, sigma_signal=0, return_nuisances=True
    )
    p = Profile1D("N_CEvNS", 128 * scale, chi2, nuis)
    best, minus, plus = p.errors(CL_1SIGMA)
    assert best == pytest.approx(159, abs=5)
    assert minus == pytest.approx(43, abs=5)
    assert plus == pytest.approx(43, abs=5)
    i = int(np.argmin(chi2))
    B, _ = ds.background_array()
    fitted = (1 + nuis[i, 1:]) * B.sum(axis=1)
    np.testing.assert_allclose(fitted, [3131, 553, 10], atol=3)
    # the energy projection alone separates CEvNS from the BRN much less well
    one = load_dataset("coherent_lar_2020")
    chi2_1d = dataset_chi2(one, scale[:, None] * one.reference_signal, sigma_signal=0)
    assert Profile1D("N", 128 * scale, chi2_1d).errors(CL_1SIGMA)[1] > 1.2 * minus


# ----------------------------------------------------------------------------- vs PKK
@pytest.mark.parametrize(("time_cut", "tol"), [(False, 0.015), (True, 0.02)])
def test_csi_sin2_vs_pkk(time_cut, tol):
    """PKK Eq. (31) against our CsI 2017 Gaussian fit (σ_α = 0.28, σ_β = 0.25, 12 bins 6–30 PE).

    Tolerance: the counts scale as 𝒬_V² with d𝒬_V/ds = −2Z, so d ln N/ds = 4Z/|𝒬_V| ≈ 5.8 for
    Cs (𝒬_V ≈ −37.7); a fractional count difference δ moves s by ≈ δ/5.8. The analyses differ in
    (i) the data: our residual 142 (t < 6 μs) vs the 134 ± 22 of COHERENT's fit used by PKK's
    source, partly compensated by (ii) their prediction; (iii) the QF/acceptance and flux
    details of the prediction (~3 % → 0.005). Without our time cut (PKK's analysis has none: its
    best fit equals ours to 0.001) we allow 0.015; with it the prediction drops by 6 % (→ 0.01)
    and we allow 0.02, on the best fit and on both 90 % ends.
    """
    p = fit_sin2_theta_w(grid=np.linspace(0.05, 0.45, 81), time_cut=time_cut)
    best, minus, plus = p.errors(0.9)
    assert best == pytest.approx(PKK_SW2[0], abs=tol)
    assert best - minus == pytest.approx(PKK_SW2[0] - PKK_SW2[1], abs=tol)
    assert best + plus == pytest.approx(PKK_SW2[0] + PKK_SW2[2], abs=tol)
    # the SM value is inside the 90 % interval, and the 1σ interval is narrower
    assert SW2_SM in p.interval(0.9)
    assert p.interval(CL_1SIGMA).hi < best + plus


def test_csi_neutron_radius_vs_pkk():
    """PKK Eq. (34) (current data) against our common-R_n CsI 2017 fit (Helm, σ_α = 0.28).

    Tolerances. Near 5 fm the predicted count falls by ≈ 30 % per fm (d ln N/dR_n ≈ −0.30 fm⁻¹),
    so a fractional count difference δ moves R_n by ≈ δ/0.3 fm: our t < 6 μs acceptance (6 %,
    0.2 fm), the residual 142 vs 134 (6 %, 0.2 fm, opposite sign) and prediction details (~3 %,
    0.1 fm) → 0.45 fm on the best fit. The upper 90 % end is set by the falling rate, where the
    analyses agree best: 0.3 fm. The lower end is not comparable: as R_n decreases the form
    factor saturates (F → 1) and the rate grows only slowly, so with σ_α = 0.28 the data exclude
    small radii only weakly — our lower 90 % end lies well below PKK's 4.41 fm (their source
    evidently used a smaller normalisation uncertainty); we check it is not above theirs.
    """
    p = fit_neutron_radius(grid=np.linspace(2.5, 8.0, 23))
    best, _minus, plus = p.errors(0.9)
    assert best == pytest.approx(PKK_RN[0], abs=0.45)
    assert best + plus == pytest.approx(PKK_RN[0] + PKK_RN[2], abs=0.3)
    assert p.interval(0.9).lo <= PKK_RN[0] - PKK_RN[1]
    # the R_n of the charge distributions (≈ 4.8 fm, no skin) is allowed at 90 % CL
    assert 4.8 in p.interval(0.9)


def test_lar_fits_run():
    """LAr 2020 (3-D, Poisson): sin²θ_W is constrained to ±0.05 (1σ) around a value compatible
    with the SM; the neutron radius is bounded from above only (CDG quote R_n(Ar) < 4.2 fm at 1σ
    from a more complete analysis; our 1σ upper end is within 0.5 fm of it)."""
    s = fit_sin2_theta_w("coherent_lar_2020_3d", grid=np.linspace(0.05, 0.5, 46))
    best, minus, plus = s.errors(CL_1SIGMA)
    assert abs(best - SW2_SM) < 2 * max(minus, plus)
    assert 0.03 < minus < 0.08 and 0.03 < plus < 0.08
    r = fit_neutron_radius("coherent_lar_2020_3d", grid=np.linspace(2.0, 6.0, 9))
    upper = r.interval(CL_1SIGMA)
    assert upper.lo_open
    assert upper.hi == pytest.approx(4.2, abs=0.5)


def test_profile_1d_with_new_physics():
    """The generic scan takes NewPhysics models (NSI, μ_ν, ... fits of new_physics users)."""
    from cevns_core.physics import NewPhysics

    grid = [-0.2, 0.0, 0.2]
    nsi = profile_1d(None, "coherent_csi_2017", lambda e: NewPhysics(eps_uV_ee=e), grid)
    sm = fit_sin2_theta_w(grid=[SW2_SM, 0.3])
    assert nsi.chi2[1] == pytest.approx(sm.chi2[0], rel=1e-10)
    mu = profile_1d(
        None,
        "coherent_csi_2017",
        lambda m: NewPhysics(mu_nu_e_muB=m * 1e-10, mu_nu_mu_muB=m * 1e-10),
        np.linspace(0.0, 100.0, 11),
        parameter="mu_nu [1e-10 mu_B]",
    )
    assert 10.0 < mu.upper_limit(0.9) < 100.0


# ----------------------------------------------------------------------------- bad input
def test_bad_input():
    with pytest.raises(CevnsError, match="unknown data set"):
        fit_sin2_theta_w("no_such_data")
    with pytest.raises(CevnsError, match="PE"):
        predict_signal("coherent_lar_2020", "coherent_csi_2017")
    with pytest.raises(CevnsError, match="tree"):
        fit_sin2_theta_w(physics=StandardModel(couplings="pdg_nuN"))
    with pytest.raises(CevnsError, match=r"\[0, 1\]"):
        fit_sin2_theta_w(grid=[-0.1, 0.2])
    with pytest.raises(CevnsError, match="increasing"):
        fit_neutron_radius(grid=[5.0, 4.0])
    with pytest.raises(CevnsError, match="unknown statistic"):
        fit_sin2_theta_w(grid=[0.2, 0.3], statistic="bayes")
    with pytest.raises(CevnsError, match="make_physics must return"):
        profile_1d(None, "coherent_csi_2017", lambda v: 3.0, [0.1, 0.2])
    with pytest.raises(CevnsError, match="unknown prediction setting"):
        profile_1d(None, "coherent_csi_2017", lambda v: {"mass": v}, [0.1, 0.2])
    with pytest.raises(CevnsError, match="signal"):
        dataset_chi2("coherent_csi_2017", np.full(12, np.nan))
