"""Scans with external likelihood terms (APV on ¹³³Cs, PREX-II, CREX) beside CEvNS data.

Second methods: the likelihood evaluated directly (``cc.Likelihood.predict`` + ``chi2`` with
the terms' parameters, what the fits call), the APV χ² function alone
(:func:`cevns_core.electroweak.apv_chi2`), and the named combined fits of
:func:`cevns_core.named_results` (CDG: CsI 2021 + APV, arXiv:2303.09360 via the CDG review).
"""

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.cli import main
from cevns_core.electroweak import apv_chi2, external_term
from cevns_core.likelihood import DataSetLikelihood
from cevns_core.likelihood.published import _NSM_RADII_FM
from cevns_core.scans import scan
from cevns_core.units import SW2_LOW

R_N = np.linspace(4.0, 7.0, 13)
S2W = np.linspace(0.225, 0.265, 21)
PICKS = [(0, 0), (5, 7), (6, 10), (12, 20), (8, 3)]


@pytest.fixture(scope="module")
def sahoo():
    return ["coherent_csi_2021", external_term("apv_cs133", theory="sahoo2021")]


@pytest.fixture(scope="module")
def rn_scan(sahoo):
    return scan(None, "rn_sin2w", data=cc.Likelihood(sahoo), R_n_fm=R_N, sin2_theta_W=S2W)


def _direct(lik, s, r):
    """The fits' route: one prediction per point, the likelihood's χ² with the terms."""
    phys = cc.StandardModel(sin2_theta_W=float(s))
    signal = lik.predict(phys, form_factor="helm", form_factor_params={"R_n_fm": float(r)})
    params = {"sin2_theta_W": float(s), "R_n_Cs133_fm": float(r)}
    return signal, float(lik.chi2(signal, parameters=params))


def test_rn_sin2w_scan_with_apv_equals_the_likelihood_at_sampled_points(rn_scan, sahoo):
    lik = cc.Likelihood(sahoo)
    assert rn_scan.info["external"]["apv_cs133"]["parameters"] == {
        "sin2_theta_W": "axis sin2_theta_W",
        "R_n_Cs133_fm": "axis R_n_fm",
    }
    assert not rn_scan.info["external"]["apv_cs133"]["constant"]
    for i, j in PICKS:
        signal, chi2 = _direct(lik, S2W[j], R_N[i])
        np.testing.assert_allclose(rn_scan.bin_counts[i, j], signal, rtol=1e-10, atol=1e-14)
        assert rn_scan.chi2[i, j] == pytest.approx(chi2, rel=1e-8)


def test_the_apv_part_of_the_scan_is_the_apv_chi2(rn_scan):
    """χ²(CsI + APV) − χ²(CsI) = χ²_APV(s, R_n(Cs)) at every grid point (no shared nuisance)."""
    alone = scan(None, "rn_sin2w", data="coherent_csi_2021", R_n_fm=R_N, sin2_theta_W=S2W)
    expected = apv_chi2(S2W[None, :], R_N[:, None], theory="sahoo2021")
    np.testing.assert_allclose(rn_scan.chi2 - alone.chi2, expected, rtol=1e-9, atol=1e-9)
    # the null point (the experiment's own radius): APV with its published weak charge
    null_apv = float(apv_chi2(SW2_LOW, theory="sahoo2021"))
    assert rn_scan.chi2_null - alone.chi2_null == pytest.approx(null_apv, rel=1e-10)


def test_profiled_minimum_is_the_named_r_n_free_fit(rn_scan):
    """sin²θ_W from CsI 2021 + APV with R_n free: the scan's profile minimum against the fit of
    the named result ``cdg_sin2_csi_apv_rn_free`` (spline in R_n there, kernels here). Both
    have R_n on a 0.1–0.25 fm grid and sin²θ_W on 0.0005–0.002 steps; the scan's minimum is a
    parabola through its lowest grid points, so they agree to a fraction of its 0.002 step."""
    fine = scan(
        None,
        "rn_sin2w",
        data=["coherent_csi_2021", external_term("apv_cs133", theory="sahoo2021")],
        R_n_fm=np.linspace(4.0, 7.0, 31),
        sin2_theta_W=np.linspace(0.225, 0.265, 81),
    )
    chi2 = fine.chi2.min(axis=0)  # profiled over R_n
    k = int(np.argmin(chi2))
    s = fine.axes["sin2_theta_W"]
    a, b, _ = np.polyfit(s[k - 1 : k + 2], chi2[k - 1 : k + 2], 2)
    ours = -b / (2 * a)
    named = cc.named_results(["cdg_sin2_csi_apv_rn_free"])[0]
    assert ours == pytest.approx(named["ours"]["value"], abs=2e-4)
    # and both are the published CDG value within its stated tolerance
    assert abs(ours - named["value"]) <= named["tolerance"]


def test_fixed_radii_of_the_experiment_enter_the_apv_term():
    """R_n fixed (NSM radii R_n(Cs) = 5.09, R_n(I) = 5.03 fm, CDG refs. [35, 36]) in the
    experiment's nuclear model: the APV term takes R_n(Cs) from it, so the 1-D sin²θ_W scan is
    the named fit ``cdg_sin2_csi_apv`` (fit_sin2_theta_w with neutron_radius=...)."""
    exp = cc.experiment("coherent_csi_2021")
    exp.form_factor_params = {"R_n_fm": dict(_NSM_RADII_FM)}
    term = external_term("apv_cs133", theory="sahoo2021")
    lik = cc.Likelihood([DataSetLikelihood("coherent_csi_2021", experiment=exp), term])
    s = np.linspace(0.225, 0.26, 141)
    res = scan(None, "rn_sin2w", data=lik, sin2_theta_W=s, refine=False)
    assert res.info["external"]["apv_cs133"]["parameters"]["R_n_Cs133_fm"] == 5.09
    # the same likelihood (its shape templates follow its experiment's nuclear model)
    fit = cc.fit_sin2_theta_w(lik, grid=s, neutron_radius=dict(_NSM_RADII_FM))
    np.testing.assert_allclose(res.chi2, fit.chi2, rtol=1e-8)
    named = cc.named_results(["cdg_sin2_csi_apv"])[0]
    assert float(s[np.argmin(res.chi2)]) == pytest.approx(named["ours"]["value"], abs=2.5e-4)


def test_new_physics_scan_adds_apv_as_a_constant():
    """A Z′ with vector couplings adds no parity-violating e–q amplitude: APV is constant on the
    grid, evaluated at the experiment's sin²θ_W with its published weak charge (as the fits
    do), and Δχ² is that of CsI 2021 alone."""
    axes = {"coupling": np.geomspace(1e-5, 1e-3, 4), "mass_MeV": np.geomspace(1.0, 1e3, 3)}
    joint = scan(None, "zprime", data=["coherent_csi_2021", "apv_cs133"], **axes)
    alone = scan(None, "zprime", data="coherent_csi_2021", **axes)
    constant = float(apv_chi2(SW2_LOW))
    assert constant > 1.0  # the Dzuba et al. Q_W is 1.6σ from the SM: not a trivial check
    np.testing.assert_allclose(joint.chi2 - alone.chi2, constant, rtol=1e-9)
    np.testing.assert_allclose(joint.delta_chi2, alone.delta_chi2, atol=1e-8)
    info = joint.info["external"]["apv_cs133"]
    assert info["constant"] and info["parameters"] == {"sin2_theta_W": SW2_LOW}
    assert "cancels" in info["note"]


def test_terms_the_scan_cannot_set_are_clear_errors():
    with pytest.raises(cc.CevnsError, match=r"prex2.*R_n_Pb208_fm"):
        scan(
            None,
            "rn_sin2w",
            data=["coherent_csi_2021", "prex2"],
            R_n_fm=[5.0, 5.5],
            sin2_theta_W=[0.23, 0.24],
        )


def test_cli_scan_with_apv(capsys):
    status = main(
        ["scan", "rn_sin2w", "--data", "coherent_csi_2021", "--data", "apv_cs133",
         "--R-n-fm", "4.5", "6.5", "3", "--sin2-theta-W", "0.23", "0.25", "3",
         "--format", "json"]
    )  # fmt: skip
    out, _ = capsys.readouterr()
    assert status == 0
    import json

    data = json.loads(out)
    ref = scan(
        None,
        "rn_sin2w",
        data=["coherent_csi_2021", "apv_cs133"],
        R_n_fm=np.linspace(4.5, 6.5, 3),
        sin2_theta_W=np.linspace(0.23, 0.25, 3),
    )
    np.testing.assert_allclose(np.array(data["chi2"]), ref.chi2, rtol=1e-12)
    assert data["info"]["external"]["apv_cs133"]["constant"] is False


def test_axis_order_does_not_matter(rn_scan, sahoo):
    """sin²θ_W as the first axis: the transposed grid, term included."""
    swapped = scan(
        None, "rn_sin2w", data=cc.Likelihood(sahoo), sin2_theta_W=S2W[::4], R_n_fm=R_N[::3]
    )
    np.testing.assert_allclose(swapped.chi2, rn_scan.chi2[::3, ::4].T, rtol=1e-9)


def test_cli_scan_with_another_apv_theory(capsys):
    """--apv-theory sahoo2021 (CDG's choice) as for `cevns fit`; without apv_cs133 an error."""
    import json

    args = ["scan", "rn_sin2w", "--data", "coherent_csi_2021", "--data", "apv_cs133",
            "--R-n-fm", "5.0", "5.0", "1", "--sin2-theta-W", "0.23", "0.25", "2",
            "--apv-theory", "sahoo2021", "--format", "json"]  # fmt: skip
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    ref = scan(
        None,
        "rn_sin2w",
        data=["coherent_csi_2021", external_term("apv_cs133", theory="sahoo2021")],
        R_n_fm=[5.0],
        sin2_theta_W=[0.23, 0.25],
    )
    np.testing.assert_allclose(np.array(data["chi2"]), ref.chi2, rtol=1e-12)
    assert main(["scan", "zprime", "--data", "coherent_csi_2021", "--apv-theory",
                 "sahoo2021"]) != 0  # fmt: skip
    assert "--apv-theory needs --data apv_cs133" in capsys.readouterr().err


def test_terms_alone_are_scanned_on_the_grid(capsys):
    """A term alone (no CEvNS data set): the scan's χ² is the term's function at every point
    (apv_chi2 on the grid), its minimum APV's closed-form sin²θ_W (apv_sin2_theta_w: Q_W linear
    in sin²θ_W), and new-physics axes leave it flat; PREX-II's R_n(Pb) scan has its minimum at
    the published-measurement inversion (pves_neutron_skin + the term's R_p, found by brentq)."""
    from cevns_core.electroweak import apv_sin2_theta_w, prex2_chi2, pves_neutron_skin

    res = scan(None, "rn_sin2w", data="apv_cs133", R_n_fm=R_N, sin2_theta_W=S2W)
    np.testing.assert_allclose(res.chi2, apv_chi2(S2W[None, :], R_N[:, None]), rtol=1e-12)
    assert res.bin_counts.shape == (R_N.size, S2W.size, 0) and res.info["nuisances"] == []
    assert res.info["external"]["apv_cs133"]["constant"] is False
    fine = np.linspace(0.225, 0.245, 2001)
    one = scan(None, "rn_sin2w", data=["apv_cs133"], sin2_theta_W=fine, refine=False)
    assert one.best_fit["sin2_theta_W"] == pytest.approx(apv_sin2_theta_w().value, abs=1e-5)
    assert one.chi2_null == pytest.approx(float(apv_chi2(SW2_LOW)), rel=1e-12)
    flat = scan(None, "zprime", data="apv_cs133", coupling=[1e-5, 1e-4], mass_MeV=[10.0, 100.0])
    np.testing.assert_allclose(flat.delta_chi2, 0.0, atol=0.0)
    radii = np.linspace(5.3, 6.2, 901)
    pb = scan(None, "rn_sin2w", data="prex2", R_n_fm=radii, refine=False)
    np.testing.assert_allclose(pb.chi2, prex2_chi2(radii), rtol=1e-12)
    # the term's proton rms is the charge radius (pves module docstring): ²⁰⁸Pb 5.5012 fm,
    # Angeli & Marinova, At. Data Nucl. Data Tables 99 (2013) 69
    r_p = 5.5012
    assert pb.best_fit["R_n_fm"] == pytest.approx(r_p + pves_neutron_skin("prex2").skin_fm,
                                                  abs=2e-3)  # fmt: skip
    with pytest.raises(cc.CevnsError, match="one nucleus at a time"):
        scan(None, "rn_sin2w", data=["apv_cs133", "crex"], R_n_fm=R_N, sin2_theta_W=S2W)
    with pytest.raises(cc.CevnsError, match="reference='minimum'"):
        scan(None, "rn_sin2w", data="crex", R_n_fm=[3.4, 3.6], reference="sm")
    status = main(["scan", "rn_sin2w", "--data", "apv_cs133", "--R-n-fm", "4", "7", "13",
                   "--sin2-theta-W", "0.225", "0.265", "21"])  # fmt: skip
    out, _ = capsys.readouterr()
    assert status == 0 and "# data: apv_cs133" in out
