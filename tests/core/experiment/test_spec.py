"""The experiment spec: one plain, JSON-safe description that rebuilds the set-up exactly.

Checks: the round trip ``Experiment.from_spec(exp.to_spec())`` gives the same spec and the same
counts (bit for bit) for every preset and with every new-physics group switched on; the JSON has
no NaN/Infinity tokens; composite, tabulated and isotope targets survive; bad specs are refused
with the path of the bad entry; ``to_python`` runs in a fresh interpreter and prints the counts
of the experiment.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cevns_core as cc
from cevns_core.experiment import SPEC_FORMAT, from_spec, read_spec, to_python
from cevns_core.materials import Material
from cevns_core.physics import NEW_PHYSICS_GROUPS
from cevns_core.response import ConstantEfficiency, FunctionalEfficiency

ROOT = Path(__file__).resolve().parents[3]

#: One setting per new-physics group that switches it on (sizes near the current bounds).
GROUP_SETTINGS = {
    "nsi_vector": {"eps_uV_ee": 0.1, "eps_dV_mutau": -0.05},
    "nsi_tensor": {"eps_uT_mumu": 0.2},
    "zprime": {"zprime_model": "b_minus_l", "zprime_coupling": 1e-4, "zprime_mass_MeV": 20.0},
    "scalar": {"scalar_coupling": 1e-5, "scalar_mass_MeV": 15.0},
    "magnetic_moment": {"mu_nu_e_muB": 1e-10},
    "transition_moment": {"tmm_Lambda2_muB": 1e-10, "tmm_zeta2_deg": 30.0},
    "charge_radius": {"r2_mu_cm2": 1e-32},
    "millicharge": {"millicharge_e": 1e-9},
    "sterile": {"dm2_41_eV2": 1.3, "Ue4_sq": 0.05},
}


def _round_trip(exp: cc.Experiment) -> tuple[dict, cc.Experiment]:
    spec = exp.to_spec()
    text = json.dumps(spec, allow_nan=False)  # no NaN/Infinity tokens
    rebuilt = cc.Experiment.from_spec(json.loads(text))
    assert rebuilt.to_spec() == spec
    return spec, rebuilt


@pytest.mark.parametrize("name", cc.experiment_names())
def test_every_preset_round_trips_exactly(name):
    exp = cc.experiment(name)
    spec, rebuilt = _round_trip(exp)
    assert spec["format"] == SPEC_FORMAT and spec["preset"] == name
    assert set(spec) == {
        "format",
        "version",
        "name",
        "preset",
        "title",
        "reference",
        "source",
        "detector",
        "exposure",
        "nuclear",
        "physics",
    }
    assert rebuilt.counts() == exp.counts()  # the same floats, breakdown included
    assert rebuilt.published == exp.published and rebuilt.notes == exp.notes


def test_every_new_physics_group_is_covered():
    assert set(GROUP_SETTINGS) == set(NEW_PHYSICS_GROUPS)


@pytest.mark.parametrize("group", sorted(GROUP_SETTINGS))
def test_every_new_physics_group_round_trips_exactly(group):
    physics = cc.NewPhysics(**GROUP_SETTINGS[group])
    assert physics.active_groups() == [group]
    exp = cc.experiment("coherent_csi_2017", physics=physics)
    spec, rebuilt = _round_trip(exp)
    assert spec["physics"] == {"class": "NewPhysics", "params": GROUP_SETTINGS[group]}
    assert rebuilt.counts() == exp.counts()
    assert exp.counts().total != cc.experiment("coherent_csi_2017").counts().total


def test_standard_model_settings_and_nuclear_choice_round_trip():
    exp = cc.experiment(
        "coherent_lar_2020",
        physics=cc.StandardModel(couplings="pdg_nuN", sin2_theta_W=0.24),
        form_factor="klein_nystrand",
        form_factor_params={"a_k_fm": 0.8},
        skin_fm={"Ar": 0.1},
        R_n_fm=None,
    )
    spec, rebuilt = _round_trip(exp)
    assert spec["physics"] == {
        "class": "StandardModel",
        "params": {"couplings": "pdg_nuN", "sin2_theta_W": 0.24},
    }
    assert spec["nuclear"] == {
        "form_factor": "klein_nystrand",
        "form_factor_params": {"a_k_fm": 0.8},
        "skin_fm": {"Ar": 0.1},
        "R_n_fm": None,
    }
    assert rebuilt.counts() == exp.counts()


def test_targets_sources_and_response_models_round_trip():
    src = cc.TabulatedSource(
        E_MeV=[1.0, 5.0, 9.0],
        spectra={"nubar_e": [1e12, 4e11, 1e10]},
        normalisation="flux",
        interpolation="loglinear",
    )
    enriched = Material.from_isotopes({"Xe136": 0.9, "Xe134": 0.1}, by="atoms", name="EXO-like")
    det = cc.Detector(
        material=enriched,
        mass_kg=5.0,
        live_time_days=100.0,
        threshold=0.05,
        threshold_unit="keVee",
        observable="keVee",
        quenching=cc.quenching_model("lindhard", target="Xe"),
        efficiency=ConstantEfficiency(value=0.7),
    )
    exp = cc.Experiment(name="tabulated_xenon", source=src, detector=det)
    spec, rebuilt = _round_trip(exp)
    assert spec["source"]["params"]["E_MeV"] == [1.0, 5.0, 9.0]
    assert spec["source"]["params"]["normalisation"] == "flux"
    assert spec["detector"]["material"]["isotopes"] == {"Xe134": 0.1, "Xe136": 0.9}
    assert spec["detector"]["efficiency"]["model"] == "constant"
    # the enriched target is rebuilt from atom fractions rounded to 12 digits
    assert rebuilt.counts().total == pytest.approx(exp.counts().total, rel=1e-11)
    # a single isotope and a formula are written as names
    for target, written in (("Ge72", "Ge72"), ("CaWO4", "CaWO4")):
        one = cc.experiment("coherent_ge")
        one.detector.material = cc.target_material(target)
        spec, again = _round_trip(one)
        assert spec["detector"]["material"] == written
        assert again.counts().total == one.counts().total


def test_composite_source_is_nested():
    spec = cc.experiment("xenon_1t_floor").to_spec()
    members = spec["source"]["params"]["sources"]
    assert [m["type"] for m in members] == ["solar", "atmospheric", "dsnb_spectrum"]
    assert all(isinstance(m["params"], dict) for m in members)


def test_absent_bounds_are_null_and_infinity_is_refused():
    spec = cc.experiment("conus").to_spec()
    assert spec["detector"]["upper_limit"] is None
    assert spec["detector"]["timing_window_us"] is None
    text = json.dumps(spec, allow_nan=False)
    assert "Infinity" not in text and "NaN" not in text
    bad = json.loads(text)
    bad["detector"]["upper_limit"] = float("inf")
    with pytest.raises(cc.CevnsError, match=r"detector\.upper_limit"):
        from_spec(bad)


def _conus_spec() -> dict:
    return cc.experiment("conus").to_spec()


def _set(spec: dict, path: str, value) -> dict:
    *parents, last = path.split(".")
    target = spec
    for key in parents:
        target = target[key]
    target[last] = value
    return spec


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("detector.quenching.k", 5.0, r"detector\.quenching\.k: k must lie in \(0, 1\]"),
        ("detector.quenching.model", "magic", r"detector\.quenching\.model: unknown quenching"),
        ("detector.efficiency", {"model": "constant", "value": 2.0}, r"detector\.efficiency"),
        ("detector.material", "CsCsCsCsCs", r"detector\.material: .*more than once"),
        ("detector.material", "Unobtainium", r"detector\.material"),
        ("detector.threshold_unit", "eV", r"detector\.threshold_unit"),
        ("detector.colour", "red", r"detector\.colour: unknown entry"),
        ("exposure.mass_kg", -1.0, r"exposure\.mass_kg"),
        ("source.type", "pulsar", r"source\.type: unknown source type 'pulsar'"),
        ("source.params.distance_m", -3.0, r"source\.params\.distance_m"),
        ("source.params.colour", 1.0, r"source\.params\.colour: unknown parameter"),
        ("physics", {"class": "Magic", "params": {}}, r"physics\.class"),
        ("physics", {"class": "NewPhysics", "params": {"eps_uV_ee": 99.0}}, r"physics\.params"),
        ("nuclear.form_factor", "bag", r"nuclear\.form_factor: unknown model"),
        ("nuclear.skin_fm", 9.0, r"nuclear\.skin_fm"),
        ("nuclear.form_factor_params", {"b_fm": 1.0}, r"nuclear\.form_factor_params\.b_fm"),
        ("version", 2, r"spec\.version"),
        ("format", "cevns-dashboard-config", r"spec\.format"),
    ],
)
def test_bad_specs_name_the_path(path, value, message):
    with pytest.raises(cc.CevnsError, match=message):
        from_spec(_set(_conus_spec(), path, value))


def test_missing_parts_and_wrong_types_are_refused():
    spec = _conus_spec()
    del spec["exposure"]
    with pytest.raises(cc.CevnsError, match=r"spec\.exposure: missing"):
        from_spec(spec)
    with pytest.raises(cc.CevnsError, match="expected an object"):
        from_spec([1, 2, 3])
    with pytest.raises(cc.CevnsError, match=r"spec\.extra: unknown entry"):
        from_spec({**_conus_spec(), "extra": 1})


def test_what_has_no_plain_description_is_refused_with_its_path():
    exp = cc.experiment("coherent_csi_2017")
    exp.detector.efficiency = FunctionalEfficiency(function=lambda x: np.ones_like(x))
    with pytest.raises(cc.CevnsError, match=r"detector\.efficiency\.function: a Python function"):
        exp.to_spec()
    exp = cc.experiment("coherent_csi_2017")
    exp.form_factor = cc.NuclearModel(isotope="Cs133")
    with pytest.raises(cc.CevnsError, match=r"nuclear\.form_factor"):
        exp.to_spec()


def test_preset_file_forms_are_accepted():
    # the preset files' Lindhard form ({"model": "lindhard", "target": "Ge"}) reads as Z, A
    spec = _conus_spec()
    spec["detector"]["quenching"] = {"model": "lindhard", "target": "Ge"}
    assert from_spec(spec).counts() == cc.experiment("conus").counts()


def test_read_spec_checks_the_file(tmp_path):
    good = tmp_path / "conus.json"
    good.write_text(json.dumps(_conus_spec()), encoding="utf-8")
    assert from_spec(read_spec(good)).counts() == cc.experiment("conus").counts()
    bad = tmp_path / "nan.json"
    bad.write_text(json.dumps(_conus_spec()).replace('"upper_limit": null', '"upper_limit": NaN'))
    with pytest.raises(cc.CevnsError, match="NaN is not a number"):
        read_spec(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(cc.CevnsError, match="not valid JSON"):
        read_spec(broken)


@pytest.mark.parametrize(
    "build",
    [
        lambda: cc.experiment("coherent_csi_2017", skin_fm=0.3),
        lambda: cc.experiment("conus", physics=cc.NewPhysics(mu_nu_e_muB=1e-10)),
    ],
)
def test_python_script_reproduces_the_counts(build, tmp_path):
    exp = build()
    script = to_python(exp.to_spec())
    assert script == exp.to_python()
    path = tmp_path / "reproduce.py"
    path.write_text(script, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-W", "error", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    printed = dict(line.split(": ", 1) for line in run.stdout.strip().splitlines())
    counts = exp.counts()
    assert float(printed["total"]) == counts.total  # repr of the float: exact
    for key, value in {**counts.by_flavour, **counts.by_isotope}.items():
        assert float(printed[key]) == value
