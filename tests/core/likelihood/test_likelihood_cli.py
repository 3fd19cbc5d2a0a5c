"""`cevns fit PARAM --data A --data B`: a joint fit equals the Python API's."""

import json

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.cli import main


def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_joint_fit_from_the_command_line(capsys):
    status, out, err = _run(capsys, "fit", "sin2_theta_W", "--data", "coherent_csi_2021",
                            "--data", "coherent_lar_2020", "--grid", "0.1", "0.35", "26",
                            "--cl", "0.6827", "--format", "json")  # fmt: skip
    assert status == 0 and err == ""
    payload = json.loads(out)
    ref = cc.fit_sin2_theta_w(["coherent_csi_2021", "coherent_lar_2020"],
                              grid=np.linspace(0.1, 0.35, 26))  # fmt: skip
    np.testing.assert_allclose(payload["chi2"], ref.chi2, rtol=1e-10)
    assert payload["info"]["datasets"] == ["coherent_csi_2021", "coherent_lar_2020"]
    assert "sns_flux" in payload["info"]["nuisances"]


def test_single_data_and_nuclei_option(capsys):
    status, out, _ = _run(capsys, "fit", "R_n_fm", "--data", "coherent_csi_2021", "--nuclei",
                          "I", "--grid", "3", "8", "11")  # fmt: skip
    assert status == 0
    assert "# parameter: R_n_fm[I]" in out
    status, _, err = _run(capsys, "fit", "sin2_theta_W", "--data", "coherent_csi_2021",
                          "--nuclei", "I")  # fmt: skip
    assert status != 0 and "--nuclei" in err


@pytest.mark.parametrize("extra", [["--statistic", "gaussian"], ["--no-time-cut"]])
def test_options_of_1d_sets_are_refused_for_likelihoods(capsys, extra):
    status, _, err = _run(capsys, "fit", "sin2_theta_W", "--data", "coherent_csi_2021", *extra)
    assert status != 0 and "do not apply" in err


def test_fit_with_apv_from_the_command_line(capsys):
    """`cevns fit sin2_theta_W --data coherent_csi_2021 --data apv_cs133`: the CsI likelihood
    plus the APV term (default theory, Dzuba et al. 2012), as the Python API."""
    status, out, err = _run(capsys, "fit", "sin2_theta_W", "--data", "coherent_csi_2021",
                            "--data", "apv_cs133", "--grid", "0.22", "0.26", "41",
                            "--cl", "0.6827", "--format", "json")  # fmt: skip
    assert status == 0 and err == ""
    payload = json.loads(out)
    ref = cc.fit_sin2_theta_w(["coherent_csi_2021", "apv_cs133"], grid=np.linspace(0.22, 0.26, 41))
    np.testing.assert_allclose(payload["chi2"], ref.chi2, rtol=1e-10)
    assert payload["info"]["external"] == ["apv_cs133"]
    # APV dominates: the best fit is APV's own sin²θ_W (0.2357 ± 0.0020) within 0.001
    assert payload["errors"]["best_fit"] == pytest.approx(0.2357, abs=1e-3)
    status, out, _ = _run(capsys, "fit", "R_n_fm", "--data", "coherent_csi_2021", "--data",
                          "apv_cs133", "--nuclei", "Cs", "--grid", "4", "7", "31")  # fmt: skip
    assert status == 0 and "# parameter: R_n_fm[Cs]" in out


def test_apv_theory_and_free_radius_options(capsys):
    """--apv-theory picks the PNC amplitude (Sahoo et al. 2021, as CDG); --neutron-radius free
    profiles a common R_n: the same profile as the Python API."""
    status, out, err = _run(capsys, "fit", "sin2_theta_W", "--data", "coherent_csi_2021",
                            "--data", "apv_cs133", "--apv-theory", "sahoo2021",
                            "--neutron-radius", "free", "--grid", "0.23", "0.255", "26",
                            "--format", "json")  # fmt: skip
    assert status == 0 and err == ""
    payload = json.loads(out)
    data = ["coherent_csi_2021", cc.external_term("apv_cs133", theory="sahoo2021")]
    ref = cc.fit_sin2_theta_w(data, grid=np.linspace(0.23, 0.255, 26), neutron_radius="free")
    np.testing.assert_allclose(payload["chi2"], ref.chi2, rtol=1e-10)
    assert payload["info"]["profiled"] == "R_n_fm"
    for argv, message in (
        (("--apv-theory", "sahoo2021"), "--data apv_cs133"),
        (("--data", "apv_cs133", "--neutron-radius", "big"), "--neutron-radius"),
    ):
        status, _, err = _run(capsys, "fit", "sin2_theta_W", "--data", "coherent_csi_2021", *argv)
        assert status != 0 and message in err
