"""`cevns scan` and `cevns fit` (the command line of the scans)."""

import csv
import io
import json

import numpy as np
import pytest

import cevns_core as cc
from cevns_core import fits
from cevns_core.cli import main
from cevns_core.scans import default_axes, scan


@pytest.fixture(scope="module")
def csi():
    return cc.experiment("coherent_csi_2017")


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


def test_cli_scan_without_grid_options_uses_the_default_grid(capsys):
    # DESIGN §4: `cevns scan MODEL --experiment NAME` alone scans the model's default grid
    status, out, err = _run(capsys, "scan", "nsi_vector_ee", "--experiment", "coherent_csi_2017")
    assert status == 0 and err == ""
    rows = [r for r in csv.reader(io.StringIO(out)) if r and not r[0].startswith("#")]
    assert rows[0] == ["eps_u", "eps_d", "counts", "chi2", "delta_chi2"]
    grid = default_axes("nsi_vector_ee")
    table = np.array([[float(x) for x in r] for r in rows[1:]])
    assert table.shape == (grid["eps_u"].size * grid["eps_d"].size, 5)
    np.testing.assert_allclose(np.unique(table[:, 0]), grid["eps_u"], rtol=1e-6, atol=1e-12)
    expected = scan("coherent_csi_2017", "nsi_vector_ee", **grid)
    np.testing.assert_allclose(table[:, 2], expected.counts.ravel(), rtol=1e-6)
