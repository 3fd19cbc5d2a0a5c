"""Parameter scans (issue 4): fast path = generic path, local = Dask, Δχ² conventions, the Z′
degeneracy band (PHYSICS R31), 1-D intervals, sterile limit, bad input, and the CLI."""

import csv
import io
import json
import math
import subprocess
import sys

import numpy as np
import pytest

import cevns_core as cc
from cevns_core import fits
from cevns_core.cli import main
from cevns_core.errors import CevnsError
from cevns_core.scans import SCAN_MODELS, TextProgress, scan


@pytest.fixture(scope="module")
def csi():
    return cc.experiment("coherent_csi_2017")


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


# ------------------------------------------------------------------------- Dask
def test_dask_local_cluster_gives_the_identical_grid(csi):
    import distributed  # in the test extra: the Dask backend is always tested

    g = np.geomspace(1e-5, 1e-2, 24)
    m = np.geomspace(1.0, 1e4, 20)
    local = scan(csi, "zprime", coupling=g, mass_MeV=m, chunk_rows=4)
    seen = []
    # separate worker processes (the real set-up; loopback, no dashboard)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = scan(
            csi,
            "zprime",
            coupling=g,
            mass_MeV=m,
            chunk_rows=4,
            client=client,
            progress=lambda done, total: seen.append((done, total)),
        )
        generic = scan(
            csi,
            "nsi_vector_ee",
            eps_u=[-0.1, 0.3],
            eps_d=[0.0, 0.2],
            method="generic",
            client=cluster.scheduler_address,
        )
    assert remote.info["backend"] == "dask" and remote.info["chunks"] == 6
    assert seen == [(k, 6) for k in range(1, 7)]
    np.testing.assert_array_equal(remote.bin_counts, local.bin_counts)
    np.testing.assert_array_equal(remote.chi2, local.chi2)
    reference = scan(csi, "nsi_vector_ee", eps_u=[-0.1, 0.3], eps_d=[0.0, 0.2], method="generic")
    np.testing.assert_array_equal(generic.bin_counts, reference.bin_counts)


def test_import_does_not_pull_in_dask_or_the_dashboard_stack():
    code = (
        "import sys, cevns_core, cevns_core.scans; "
        "bad = {'distributed', 'dask', 'panel', 'holoviews', 'bokeh'} & set(sys.modules); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_progress_text_and_callback(csi):
    stream = io.StringIO()
    scan(
        csi,
        "zprime",
        coupling=[1e-4, 1e-3, 1e-2],
        mass_MeV=[10.0],
        chunk_rows=1,
        progress=TextProgress("scan", stream=stream),
    )
    text = stream.getvalue()
    assert "3/3 chunks" in text and text.endswith("\n")
    quiet = io.StringIO()
    scan(
        csi,
        "zprime",
        coupling=[1e-4],
        mass_MeV=[10.0],
        progress=TextProgress("scan", stream=quiet, delay=60.0),
    )
    assert quiet.getvalue() == ""


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


def test_every_model_is_documented():
    for name, model in SCAN_MODELS.items():
        assert model.title and len(model.axes) == 2, name
        assert name in cc.scans.__doc__


# ------------------------------------------------------------------------- CLI
def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_scan_csv(capsys, csi):
    status, out, err = _run(
        capsys,
        "scan", "zprime", "--experiment", "coherent_csi_2017",
        "--coupling", "1e-5", "1e-2", "4", "--log-coupling",
        "--mass-MeV", "1", "1e4", "3", "--log-mass-MeV",
    )  # fmt: skip
    assert status == 0 and err == ""
    meta = [line for line in out.splitlines() if line.startswith("#")]
    assert "# model: zprime" in meta and "# reference: minimum" in meta
    rows = [r for r in csv.reader(io.StringIO(out)) if r and not r[0].startswith("#")]
    assert rows[0] == ["coupling", "mass_MeV", "counts", "chi2", "delta_chi2"]
    table = np.array([[float(x) for x in r] for r in rows[1:]])
    assert table.shape == (12, 5)
    expected = scan(
        csi, "zprime", coupling=np.geomspace(1e-5, 1e-2, 4), mass_MeV=np.geomspace(1, 1e4, 3)
    )
    np.testing.assert_allclose(table[:, 2], expected.counts.ravel(), rtol=1e-8)
    np.testing.assert_allclose(table[:, 4], expected.delta_chi2.ravel(), rtol=1e-8, atol=1e-12)


def test_cli_scan_json_and_intervals(capsys):
    status, out, _ = _run(
        capsys,
        "scan", "nsi_vector_ee", "--experiment", "coherent_csi_2017",
        "--eps-u", "-1", "1", "41", "--format", "json", "--cl", "0.9",
    )  # fmt: skip
    assert status == 0
    data = json.loads(out)
    assert data["model"] == "nsi_vector_ee" and data["shape"] == [41]
    assert data["threshold"] == pytest.approx(2.706, abs=1e-3)
    assert any(iv["lo"] < 0 < iv["hi"] for iv in data["intervals"])
    status, out, _ = _run(
        capsys,
        "scan", "zprime", "--experiment", "coherent_csi_2017", "--contour",
        "--coupling", "1e-4", "1e-2", "30", "--log-coupling",
        "--mass-MeV", "1", "1e4", "20", "--log-mass-MeV",
    )  # fmt: skip
    assert status == 0
    rows = [r for r in csv.reader(io.StringIO(out)) if r and not r[0].startswith("#")]
    assert rows[0] == ["line", "coupling", "mass_MeV"] and len(rows) > 10


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--mass-MeV", "-1", "10", "3", "--coupling", "1e-4", "1e-3", "2"], "mass_MeV"),
        (["--coupling", "1e-4", "1e-3", "2.5"], "integer"),
        (["--eps-u", "0", "1", "3"], "unknown axis"),
        (["--coupling", "1e-4", "1e-3", "3", "--cl", "90"], "cl must lie in"),
        (["--coupling", "0", "1e-3", "3", "--log-coupling"], "LO > 0"),
    ],
)
def test_cli_scan_errors_are_one_line(capsys, argv, message):
    status, out, err = _run(capsys, "scan", "zprime", "--experiment", "coherent_csi_2017", *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("cevns: error:") and message in err


def test_cli_unknown_model_is_one_line(capsys):
    status, _, err = _run(capsys, "scan", "nope", "--experiment", "coherent_csi_2017")
    assert status == 2 and err.count("\n") == 1 and "unknown scan model" in err


def test_cli_fit_sin2(capsys):
    status, out, err = _run(
        capsys, "fit", "sin2_theta_W", "--experiment", "coherent_csi_2017",
        "--data", "coherent_csi_2017", "--grid", "0.05", "0.45", "41", "--format", "json",
    )  # fmt: skip
    assert status == 0 and err == ""
    data = json.loads(out)
    profile = fits.fit_sin2_theta_w(grid=np.linspace(0.05, 0.45, 41))
    assert data["errors"]["best_fit"] == pytest.approx(profile.best_fit, rel=1e-9)
    status, out, _ = _run(
        capsys, "fit", "sin2_theta_W", "--data", "coherent_csi_2017",
        "--grid", "0.05", "0.45", "11",
    )  # fmt: skip
    rows = [r for r in csv.reader(io.StringIO(out)) if r and not r[0].startswith("#")]
    assert status == 0 and rows[0] == ["sin2_theta_W", "chi2", "delta_chi2"] and len(rows) == 12
    status, _, err = _run(capsys, "fit", "g_nu", "--data", "coherent_csi_2017")
    assert status == 2 and err.count("\n") == 1 and "unknown fit parameter" in err


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
