"""``cevns fog``: the printed floor is the core's, errors are one line."""

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


def test_fog_csv_matches_core(capsys):
    status, out, err = _run(capsys, "fog", "--target", "Ge", "--masses-GeV", "6", "600", "3")
    assert status == 0 and err == ""
    rows = [r for r in csv.reader(io.StringIO(out)) if r and not r[0].startswith("#")]
    assert rows[0] == ["mass_GeV", "floor_cm2", "floor_exposure_kg_yr"]
    masses = np.array([float(r[0]) for r in rows[1:]])
    floor = np.array([float(r[1]) for r in rows[1:]])
    np.testing.assert_allclose(masses, [6.0, 60.0, 600.0])
    np.testing.assert_allclose(floor, cc.neutrino_fog("Ge", masses).floor_cm2, rtol=1e-9)


def test_fog_json_has_the_grids_and_null_for_unreached_floors(capsys):
    status, out, _ = _run(
        capsys,
        "fog",
        "--target",
        "Xe",
        "--masses-GeV",
        "6",
        "1000",
        "2",
        "--exposures-kg-yr",
        "1",
        "1000",
        "4",
        "--halo",
        "ohare2021",
        "--format",
        "json",
    )
    assert status == 0
    data = json.loads(out)
    assert data["halo"] == "ohare2021" and len(data["exposure_kg_yr"]) == 4
    assert np.shape(data["discovery_limit_cm2"]) == (2, 4)
    # 1 tonne-year is far too little to reach the fog of a 1 TeV WIMP
    assert data["floor_cm2"][1] is None


@pytest.mark.parametrize(
    "argv",
    [
        ["fog", "--target", "Xe", "--masses-GeV", "10", "1", "3"],
        ["fog", "--target", "Xe", "--exposures-kg-yr", "1", "10", "2"],
        ["fog", "--target", "Xe", "--masses-GeV", "1", "10", "2.5"],
        ["fog", "--target", "Xe", "--halo", "shm++"],
        ["fog", "--target", "Xe", "--threshold-keV", "0"],
    ],
)
def test_fog_errors_are_one_line(capsys, argv):
    status, out, err = _run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.startswith("cevns") and err.count("\n") == 1
