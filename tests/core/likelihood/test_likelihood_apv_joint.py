"""CsI 2021 jointly with atomic parity violation in ¹³³Cs: external terms in a Likelihood, the
two-parameter fits, and CDG's combined results (Atzori Corona et al., arXiv:2303.09360)."""

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.electroweak import apv_chi2, apv_sin2_theta_w, external_term
from cevns_core.errors import CevnsError
from cevns_core.likelihood import (
    Likelihood,
    likelihood_neutron_radii,
    likelihood_sin2_theta_w_radius,
    named_results,
)
from cevns_core.likelihood.published import TOLERANCES
from cevns_core.statistics import CL_1SIGMA

NSM = {"Cs": 5.09, "I": 5.03}  # nuclear-shell-model radii quoted by CDG (refs. [35, 36])


@pytest.fixture(scope="module")
def lik():
    return Likelihood(["coherent_csi_2021", "apv_cs133"])


def test_external_term_adds_its_chi2_to_the_poisson_likelihood(lik):
    """Independent route: the joint χ² is the CsI likelihood's plus apv_chi2 at the same
    parameters (no nuisance is shared with APV)."""
    csi = Likelihood("coherent_csi_2021")
    ffp = {"R_n_fm": NSM}
    s = np.array([0.23, 0.24])
    signals = np.array(
        [csi.predict(cc.StandardModel(sin2_theta_W=x), form_factor="helm",
                     form_factor_params=ffp) for x in s]
    )  # fmt: skip
    joint = lik.chi2(signals, parameters={"sin2_theta_W": s, "R_n_Cs133_fm": 5.09})
    expected = csi.chi2(signals) + apv_chi2(s, 5.09)
    np.testing.assert_allclose(joint, expected, rtol=1e-12)
    assert lik.external_names == ["apv_cs133"]
    assert lik.nuisance_names == csi.nuisance_names
    assert "apv_cs133" in repr(lik)


def test_external_terms_need_their_parameters(lik):
    signal = lik.predict()
    with pytest.raises(CevnsError, match="parameters="):
        lik.chi2(signal)
    with pytest.raises(CevnsError, match="R_n_Pb208_fm"):
        lik.chi2(signal, parameters={"sin2_theta_W": 0.238, "R_n_Pb208_fm": 5.8})
    # a term alone (issue 12: "usable alone or jointly"): no cells, its χ² needs parameters too
    alone = Likelihood(["apv_cs133"])
    with pytest.raises(CevnsError, match="parameters="):
        alone.chi2(alone.predict())
    assert float(alone.chi2(alone.predict(), parameters={"sin2_theta_W": 0.238})) == (
        pytest.approx(float(apv_chi2(0.238)), rel=1e-12)
    )
    with pytest.raises(CevnsError, match="twice"):
        Likelihood(["coherent_csi_2021", "apv_cs133", "apv_cs133"])
    with pytest.raises(CevnsError, match="parameters="):
        cc.likelihood.fit_signal_count(lik)


def test_fixed_radius_fit_is_the_sum_of_both_profiles():
    """sin²θ_W with R_n fixed: Δχ² of the joint fit = CsI-only profile + APV χ² at every grid
    point; the best fit is the inverse-variance mean of the two (both nearly Gaussian)."""
    grid = np.linspace(0.225, 0.26, 71)
    data = ["coherent_csi_2021", external_term("apv_cs133", theory="sahoo2021")]
    joint = cc.fit_sin2_theta_w(data, grid=grid, neutron_radius=NSM)
    csi = cc.fit_sin2_theta_w("coherent_csi_2021", grid=grid, neutron_radius=NSM)
    apv = apv_chi2(grid, 5.09, theory="sahoo2021")
    np.testing.assert_allclose(joint.chi2, csi.chi2 + apv, rtol=1e-10)
    wide = cc.fit_sin2_theta_w("coherent_csi_2021", neutron_radius=NSM)
    s_c, m_c, p_c = wide.errors(CL_1SIGMA)
    a = apv_sin2_theta_w("sahoo2021", R_n_Cs_fm=5.09)
    w_c, w_a = 1 / (0.5 * (m_c + p_c)) ** 2, 1 / a.sigma**2
    assert joint.best_fit == pytest.approx((s_c * w_c + a.value * w_a) / (w_c + w_a), abs=2e-4)
    assert joint.info["external"] == ["apv_cs133"]


def test_two_parameter_grid_equals_direct_predictions(lik):
    """Profile2D's χ² (quadratic in s, spline in R_n) against direct predictions off the nodes."""
    s_grid, r_grid = np.linspace(0.22, 0.26, 9), np.linspace(4.0, 7.0, 31)
    grid2 = likelihood_sin2_theta_w_radius(lik, s_grid, r_grid)
    assert grid2.info["interpolated"]
    for i, j in ((2, 7), (6, 18)):
        s, r = float(s_grid[i]), float(r_grid[j])
        signal = lik.predict(cc.StandardModel(sin2_theta_W=s), form_factor="helm",
                             form_factor_params={"R_n_fm": r})  # fmt: skip
        direct = lik.chi2(signal, parameters={"sin2_theta_W": s, "R_n_Cs133_fm": r})
        assert grid2.chi2[i, j] == pytest.approx(float(direct), rel=1e-6, abs=1e-6)
    prof = grid2.profile("sin2_theta_W")
    assert np.all(prof.chi2 <= grid2.chi2.min(axis=1) + 1e-12)  # parabola refines minima
    assert np.all(prof.chi2 >= grid2.chi2.min(axis=1) - 0.05)
    with pytest.raises(CevnsError, match="parameter"):
        grid2.profile("R_n_Cs")


def test_separate_radii_equal_direct_predictions(lik):
    """S(R_Cs, R_I) = S(R_Cs, b0) + S(a0, R_I) − S(a0, b0): the isotopes' counts add."""
    ra, rb = np.linspace(4.0, 6.5, 6), np.linspace(4.0, 7.0, 7)
    grid2 = likelihood_neutron_radii(lik, grids=(ra, rb))
    for i, j in ((1, 5), (4, 2)):
        radii = {"Cs": float(ra[i]), "I": float(rb[j])}
        signal = lik.predict(form_factor="helm", form_factor_params={"R_n_fm": radii})
        direct = lik.chi2(signal, parameters={"sin2_theta_W": 0.23857, "R_n_Cs133_fm": ra[i]})
        assert grid2.chi2[i, j] == pytest.approx(float(direct), rel=1e-9)
    with pytest.raises(CevnsError, match="disjoint"):
        likelihood_neutron_radii(lik, nuclei=(("Cs",), ("Cs",)))


def test_fit_api_options_are_checked():
    with pytest.raises(CevnsError, match="neutron_radius"):
        cc.fit_sin2_theta_w("coherent_csi_2017", neutron_radius="free")
    with pytest.raises(CevnsError, match="'free'"):
        cc.fit_sin2_theta_w(["coherent_csi_2021", "apv_cs133"], neutron_radius="fixed")
    with pytest.raises(CevnsError, match="nuclei"):
        cc.fit_neutron_radius(["coherent_csi_2021", "apv_cs133"], profiled=["I"])
    # scans add the terms (tests/core/scans/test_external_scans.py); a term whose parameter
    # the scan does not set is refused, naming it
    with pytest.raises(CevnsError, match="R_n_Pb208_fm"):
        cc.scan(None, "zprime", data=["coherent_csi_2021", "prex2"],
                coupling=np.geomspace(1e-5, 1e-3, 3), mass_MeV=np.array([10.0, 100.0]))  # fmt: skip


def test_apv_slopes_behind_the_tolerances():
    """dQ_W/d sin²θ_W ≈ −220 and dQ_W/dR_n(Cs) ≈ +1.18 fm⁻¹ (our f(r) overlap) near the SM
    point: the numbers the tolerances of the combined results use."""
    q = cc.electroweak.apv_weak_charge_theory
    slope_s = float(q(0.245, 5.09) - q(0.235, 5.09)) / 0.01
    slope_r = float(q(0.23857, 5.4) - q(0.23857, 5.0)) / 0.4
    assert slope_s == pytest.approx(-220, rel=0.03)
    assert slope_r == pytest.approx(1.18, rel=0.05)
    # the β spread (Bennett–Wieman vs Toh et al.) in Q_W: 0.67 %, ≈ 0.49
    e = cc.electroweak.apv_weak_charge_experimental
    dq = e("dzuba2012", polarizability="toh2019").value - e("dzuba2012").value
    assert abs(dq) == pytest.approx(0.49, abs=0.02)


@pytest.fixture(scope="module")
def combined():
    keys = ["cdg_sin2_csi_apv", "cdg_sin2_csi_apv_rn_free", "cdg_rn_cs_csi_apv", "cdg_rn_i_csi_apv"]
    return {r["key"]: r for r in named_results(keys)}


def test_cdg_combined_sin2(combined):
    """CDG: sin²θ_W = 0.2398 +0.0016 −0.0015 (R_n fixed) and 0.2423 +0.0032 −0.0029 (R_n free),
    CsI 2021 + APV with Sahoo et al.'s amplitude. Best fits within the argued tolerances; the
    errors are APV's (fixed) and APV's with CsI's R_n spread (free): within 15 %."""
    fixed, free = combined["cdg_sin2_csi_apv"], combined["cdg_sin2_csi_apv_rn_free"]
    assert fixed["ours"]["value"] == pytest.approx(0.2398, abs=TOLERANCES[fixed["key"]][0])
    assert free["ours"]["value"] == pytest.approx(0.2423, abs=TOLERANCES[free["key"]][0])
    assert fixed["ours"]["minus"] == pytest.approx(0.0015, rel=0.15)
    assert fixed["ours"]["plus"] == pytest.approx(0.0016, rel=0.15)
    assert free["ours"]["minus"] == pytest.approx(0.0029, rel=0.15)
    assert free["ours"]["plus"] == pytest.approx(0.0032, rel=0.15)
    # freeing R_n moves sin²θ_W up (CsI prefers R_n above the NSM values) and doubles the error
    assert free["ours"]["value"] > fixed["ours"]["value"]
    assert free["ours"]["minus"] > 1.5 * fixed["ours"]["minus"]


def test_cdg_separate_radii(combined):
    """CDG: R_n(Cs) = 5.32 +0.30 −0.23 fm, R_n(I) = 5.30 +0.3 −0.6 fm. R_n(Cs) is APV's
    (error ≈ σ(Q_W)/1.18 ≈ 0.37 fm) and R_n(I) is weaker than R_n(Cs) (CsI only)."""
    cs, i = combined["cdg_rn_cs_csi_apv"]["ours"], combined["cdg_rn_i_csi_apv"]["ours"]
    assert cs["value"] == pytest.approx(5.32, abs=TOLERANCES["cdg_rn_cs_csi_apv"][0])
    assert i["value"] == pytest.approx(5.30, abs=TOLERANCES["cdg_rn_i_csi_apv"][0])
    assert 0.25 <= cs["minus"] <= 0.45 and 0.25 <= cs["plus"] <= 0.45
    assert i["minus"] > cs["minus"] and i["plus"] > cs["plus"]


def test_external_terms_alone_are_fitted_by_the_same_functions():
    """A term alone ("apv_cs133", "prex2", "crex") is a likelihood of no cells: the fits give
    the terms' own determinations, computed here by other routes — APV's sin²θ_W in closed form
    (Q_W linear in sin²θ_W: apv_sin2_theta_w), R_n(Cs) from APV and R_n(Pb), R_n(Ca) from
    PREX-II/CREX by root finding on the terms' χ² (brentq; pves_neutron_skin for the skins)."""
    from scipy.optimize import brentq, minimize_scalar

    from cevns_core.electroweak import pves_neutron_skin
    from cevns_core.units import SW2_LOW

    alone = Likelihood("apv_cs133")
    assert alone.n_cells == 0 and alone.nuisance_names == []
    for theory in ("dzuba2012", "sahoo2021"):
        term = external_term("apv_cs133", theory=theory)
        p = cc.fit_sin2_theta_w(term, grid=np.linspace(0.22, 0.25, 301))
        closed = apv_sin2_theta_w(theory=theory)
        best, minus, plus = p.errors(CL_1SIGMA)
        assert best == pytest.approx(closed.value, abs=1e-7)
        assert minus == pytest.approx(closed.sigma, rel=1e-4)
        assert plus == pytest.approx(closed.sigma, rel=1e-4)
        assert p.chi2_min == pytest.approx(0.0, abs=1e-9)

    def roots(chi2, lo, hi):
        best = minimize_scalar(chi2, bounds=(lo, hi), method="bounded",
                               options={"xatol": 1e-9}).x  # fmt: skip
        return (best, brentq(lambda r: chi2(r) - 1.0, lo, best),
                brentq(lambda r: chi2(r) - 1.0, best, hi))  # fmt: skip

    b, lo, hi = roots(lambda r: float(apv_chi2(SW2_LOW, r)), 3.0, 8.0)
    p = cc.fit_neutron_radius("apv_cs133", grid=np.linspace(4.0, 7.0, 301))
    assert p.info["external"] == ["apv_cs133"]
    best, minus, plus = p.errors(CL_1SIGMA)
    assert (best, best - minus, best + plus) == pytest.approx((b, lo, hi), abs=2e-3)
    for name, grid in (("prex2", (5.3, 6.2)), ("crex", (3.3, 3.8))):
        skin = pves_neutron_skin(name)
        p = cc.fit_neutron_radius(name, grid=np.linspace(*grid, 451))
        best, minus, plus = p.errors(CL_1SIGMA)
        # R_n − skin is the term's proton radius at the best fit and at both interval ends
        r_p = best - skin.skin_fm
        assert best - minus - skin.lower_fm == pytest.approx(r_p, abs=2e-3)
        assert best + plus - skin.upper_fm == pytest.approx(r_p, abs=2e-3)
    with pytest.raises(CevnsError, match="R_n_Pb208_fm"):  # PREX-II says nothing of sin²θ_W
        cc.fit_sin2_theta_w(["apv_cs133", "prex2"])
    # and scanned by the same scan function (tests/core/scans/test_external_scans.py)
    res = cc.scan(None, "rn_sin2w", data="apv_cs133", R_n_fm=[4.0, 5.0],
                  sin2_theta_W=[0.23, 0.24])  # fmt: skip
    np.testing.assert_allclose(res.chi2, apv_chi2(np.array([0.23, 0.24])[None, :],
                                                  np.array([4.0, 5.0])[:, None]))  # fmt: skip


def test_new_physics_fits_take_the_terms_at_each_points_physics():
    """fit_parameter with APV: the neutrino magnetic moment does not enter Q_W(¹³³Cs) (parity
    conserving, neutrino-only), so APV adds its χ² at the physics' sin²θ_W (the low-energy SM
    value) to every grid point: the CsI profile + apv_chi2(0.23857), as the scans do."""
    from cevns_core.units import SW2_LOW

    grid = np.linspace(0.0, 60.0, 7)
    joint = cc.fit_parameter("mu_nu", ["coherent_csi_2021", "apv_cs133"], grid=grid)
    alone = cc.fit_parameter("mu_nu", "coherent_csi_2021", grid=grid)
    np.testing.assert_allclose(joint.chi2, alone.chi2 + float(apv_chi2(SW2_LOW)), rtol=1e-12)
    assert joint.info["external"] == ["apv_cs133"]
    with pytest.raises(CevnsError, match="needs a CEvNS data set"):
        cc.fit_signal_count("apv_cs133")
