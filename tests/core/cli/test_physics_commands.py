"""The `cevns` command line: output formats match the core's numbers; errors are one line."""

import csv
import io
import json

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.cli import main


def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cross_section_csv_matches_core(capsys):
    status, out, err = _run(
        capsys, "cross-section", "--isotope", "Cs133", "--energy-MeV", "5", "50", "4"
    )
    assert status == 0 and err == ""
    rows = [r for r in csv.reader(io.StringIO(out)) if r and not r[0].startswith("#")]
    assert rows[0] == ["E_MeV", "sigma_cm2"]
    E = np.array([float(r[0]) for r in rows[1:]])
    sigma = np.array([float(r[1]) for r in rows[1:]])
    np.testing.assert_allclose(E, np.linspace(5, 50, 4))
    np.testing.assert_allclose(sigma, cc.total_cross_section(E, "Cs133"), rtol=1e-9)


def test_cross_section_json_with_options(capsys):
    status, out, _ = _run(
        capsys,
        "cross-section",
        "--isotope",
        "Ar40",
        "--energy-MeV",
        "1",
        "100",
        "5",
        "--log",
        "--form-factor",
        "klein_nystrand",
        "--couplings",
        "pdg_nuN",
        "--format",
        "json",
    )
    assert status == 0
    data = json.loads(out)
    assert data["isotope"] == "Ar40" and data["form_factor"] == "klein_nystrand"
    expected = cc.total_cross_section(
        np.geomspace(1, 100, 5), "Ar40", cc.StandardModel(couplings="pdg_nuN"), "klein_nystrand"
    )
    np.testing.assert_allclose(data["sigma_cm2"], expected, rtol=1e-9)


def test_form_factor_csv_and_params(capsys):
    status, out, _ = _run(
        capsys,
        "form-factor",
        "--isotope",
        "Cs133",
        "--q-fm",
        "0",
        "1",
        "11",
        "--param",
        "s_fm=1.0",
        "--format",
        "json",
    )
    assert status == 0
    data = json.loads(out)
    np.testing.assert_allclose(
        data["F"], cc.form_factor("helm", np.linspace(0, 1, 11), "Cs133", s_fm=1.0), rtol=1e-9
    )
    status, out, _ = _run(capsys, "form-factor", "--list")
    assert status == 0 and out.split() == cc.form_factor_models()


def test_counts_json_matches_the_experiment(capsys):
    status, out, err = _run(capsys, "counts", "--experiment", "coherent_csi_2017", "--json")
    assert status == 0, err
    data = json.loads(out)
    counts = cc.experiment("coherent_csi_2017").counts()
    assert data["total"] == pytest.approx(counts.total, rel=1e-12)
    assert sum(data["by_flavour"].values()) == pytest.approx(data["total"], rel=1e-12)
    assert sum(data["by_isotope"].values()) == pytest.approx(data["total"], rel=1e-12)
    assert data["published"]["predicted"] == 173


def test_counts_with_electron_recoils(capsys):
    status, out, err = _run(
        capsys, "counts", "--experiment", "conus", "--electron-recoils", "--json"
    )
    assert status == 0, err
    data = json.loads(out)
    counts = cc.experiment("conus").copy(electron_recoils=True).counts()
    assert data["by_channel"] == pytest.approx(counts.by_channel, rel=1e-12)
    assert data["by_channel"]["cevns"] == pytest.approx(cc.experiment("conus").counts().total)
    assert data["total"] == pytest.approx(sum(data["by_channel"].values()), rel=1e-12)
    status, out, _ = _run(
        capsys,
        "counts",
        "--experiment",
        "conus",
        "--electron-recoils",
        "--electron-binding",
        "free",
    )
    rows = dict(csv.reader(io.StringIO(out)))
    free = cc.experiment("conus").copy(electron_recoils=True, electron_binding="free").counts()
    assert float(rows["electron"]) == pytest.approx(free.by_channel["electron"], rel=1e-5)
    status, out, err = _run(capsys, "counts", "--experiment", "conus", "--electron-binding", "free")
    assert status == 2 and out == "" and "--electron-recoils" in err


def test_spectrum_and_experiment_list(capsys):
    status, out, _ = _run(
        capsys,
        "spectrum",
        "--experiment",
        "coherent_csi_2017",
        "--recoil-keV",
        "1",
        "30",
        "5",
        "--format",
        "json",
    )
    assert status == 0
    data = json.loads(out)
    expected = cc.experiment("coherent_csi_2017").recoil_spectrum(np.linspace(1, 30, 5))
    np.testing.assert_allclose(data["dN_dT_per_keV"], expected, rtol=1e-12)
    status, out, _ = _run(capsys, "experiments", "--format", "json")
    assert status == 0
    assert {row["name"] for row in json.loads(out)} == set(cc.experiment_names())


def test_experiment_errors_are_one_line(capsys):
    status, out, err = _run(capsys, "counts", "--experiment", "nope")
    assert status == 2 and out == "" and "unknown experiment preset" in err
    assert err.count("\n") == 1


# ------------------------------------------------------------------ the experiment spec
def test_spec_then_counts_and_spectrum_from_the_file(capsys, tmp_path):
    options = ["--skin-fm", "0.1", "--physics", "mu_nu_e_muB=1e-10", "--physics", "mm_exact=true"]
    status, out, err = _run(capsys, "spec", "--experiment", "conus", *options)
    assert status == 0, err
    spec = json.loads(out)
    want = cc.experiment(
        "conus", skin_fm=0.1, physics=cc.NewPhysics(mu_nu_e_muB=1e-10, mm_exact=True)
    )
    assert spec == want.to_spec()
    path = tmp_path / "conus.json"
    path.write_text(out, encoding="utf-8")
    status, out, err = _run(capsys, "counts", "--spec", str(path), "--json")
    assert status == 0, err
    assert json.loads(out)["total"] == want.counts().total
    status, out, _ = _run(
        capsys, "spectrum", "--spec", str(path), "--recoil-keV", "0.5", "2", "4", "--format", "json"
    )
    assert status == 0
    np.testing.assert_allclose(
        json.loads(out)["dN_dT_per_keV"], want.recoil_spectrum(np.linspace(0.5, 2, 4)), rtol=1e-12
    )
    # options apply on top of a spec file; the physics is merged with the file's
    status, out, _ = _run(
        capsys, "counts", "--spec", str(path), "--physics", "mu_nu_e_muB=2e-10", "--json"
    )
    twice = cc.experiment(
        "conus", skin_fm=0.1, physics=cc.NewPhysics(mu_nu_e_muB=2e-10, mm_exact=True)
    )
    assert json.loads(out)["total"] == twice.counts().total
    status, out, _ = _run(capsys, "spec", "--experiment", "conus", "--python")
    assert status == 0 and out == cc.experiment("conus").to_python()


def test_band_matches_the_core(capsys):
    status, out, err = _run(
        capsys,
        "band",
        "--experiment",
        "coherent_csi_2017",
        "--recoil-keV",
        "1",
        "40",
        "5",
        "--bins",
        "10",
        "--format",
        "json",
    )
    assert status == 0, err
    data = json.loads(out)
    exp = cc.experiment("coherent_csi_2017")
    band = cc.uncertainty_band(exp, np.linspace(1, 40, 5), exp.analysis_bins(10))
    np.testing.assert_allclose(data["recoil"]["relative_width"], band.recoil, rtol=1e-12)
    np.testing.assert_allclose(data["observed"]["relative_width"], band.observed, rtol=1e-12)
    assert data["models"] == list(band.models)
    status, out, _ = _run(capsys, "band", "--experiment", "conus", "--observed", "--bins", "3")
    rows = [r for r in csv.reader(io.StringIO(out)) if r and not r[0].startswith("#")]
    assert status == 0 and rows[0][:4] == ["bin_lo", "bin_hi", "counts", "relative_width"]
    assert len(rows) == 4


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["counts"], "one of the arguments --experiment --spec is required"),
        (["counts", "--experiment", "conus", "--spec", "x.json"], "not allowed with"),
        (["counts", "--spec", "/no/such/spec.json"], "cannot read experiment spec"),
        (["spec", "--experiment", "conus", "--physics", "eps_uV_ee=99"], "eps_uV_ee"),
        (["band", "--experiment", "conus", "--flux-uncertainty", "-1"], "flux_uncertainty"),
    ],
)
def test_spec_and_band_errors_are_one_line(capsys, argv, message):
    status, out, err = _run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and message in err
