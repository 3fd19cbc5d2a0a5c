"""Extending (README): a new mediator is one file in ``cevns_core/physics/`` and reaches the
dashboard without an edit there — its group and title, its parameters in the physics editor, the
spec, the page's counts and the scan models. Run on a copy of the core with the file added, in a
fresh process (the dashboard reads the registry when it is imported)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cevns_core

ROOT = Path(__file__).resolve().parents[2]

#: A vector mediator coupled to neutrinos and protons only (the structure of PHYSICS §7.3 with
#: g_n = 0): δg^p = g²/(√2 G_F (|q|² + M²)).
_EFFECT_FILE = '''"""A proton-philic vector mediator (added as one file)."""

from .base import Effect, ScanVariant, axis_from, nonzero, number
from .registry import register_effect
from ..units import G_F_MeV2

__all__ = ["ProtonVectorToy"]

_PARAMETERS = {
    "pvt_coupling": number(bounds=(0.0, 1.0), label="g_pv", unit="", doc="Coupling to ν and p."),
    "pvt_mass_MeV": number(
        50.0, bounds=(0.0, 1e5), inclusive_bounds=(False, True), label="M_pv", unit="MeV",
        doc="Mediator mass in MeV.",
    ),
}


@register_effect
class ProtonVectorToy(Effect):
    name = "proton_vector_toy"
    title = "Proton-philic vector (toy)"
    order = 35
    parameters = _PARAMETERS
    equation = "δg^p = g²/(√2 G_F (|q|² + M²))"
    source = "tests/dashboard/test_new_effect.py"
    scans = (
        ScanVariant(
            name="proton_vector_toy",
            title="proton-philic vector (toy)",
            axes=(
                axis_from(_PARAMETERS["pvt_coupling"], "coupling", "g", (1e-5, 1e-2, 5, True)),
                axis_from(_PARAMETERS["pvt_mass_MeV"], "mass_MeV", "M in MeV", (1.0, 1e3, 4, True)),
            ),
            settings=lambda p: {"pvt_coupling": p["coupling"], "pvt_mass_MeV": p["mass_MeV"]},
            flavour_dependent=False,
        ),
    )

    def coupling_shift(self, v, alpha, beta, q_MeV, q2_MeV2):
        g = v["pvt_coupling"]
        if beta != alpha or not nonzero(g):
            return None
        return g * g / (2.0**0.5 * G_F_MeV2 * (q2_MeV2 + v["pvt_mass_MeV"] ** 2)), 0.0
'''

_USE_IT = """
import json
import cevns_core as cc
from dashboard import results
from dashboard.editors import physics_parameters
from dashboard.labels import group_title, new_physics_groups
from dashboard.spec import spec_of, values_from_spec
from dashboard.state import SessionState

point = {"pvt_coupling": 3e-5, "pvt_mass_MeV": 20.0}
state = SessionState()
state.try_update(physics_overrides=point)
spec = state.spec()
direct = cc.Experiment.from_spec({**spec, "physics": None}).copy(physics=cc.NewPhysics(**point))
print(json.dumps({
    "core": cc.__file__,
    "groups": list(new_physics_groups()),
    "title": group_title("proton_vector_toy"),
    "editable": [n for n in physics_parameters() if n.startswith("pvt_")],
    "active": state.new_physics_active(),
    "physics": spec["physics"],
    "round_trip": spec_of(values_from_spec(spec)) == spec,
    "page": results.counts(spec).observed_total,
    "core_counts": direct.counts().total,
    "sm_counts": cc.Experiment.from_spec({**spec, "physics": None}).counts().total,
    "scan_models": cc.scan_models(),
}))
"""


def test_a_mediator_added_as_one_file_reaches_the_dashboard(tmp_path: Path) -> None:
    shutil.copytree(
        Path(cevns_core.__file__).parent,
        tmp_path / "cevns_core",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (tmp_path / "cevns_core" / "physics" / "proton_vector_toy.py").write_text(
        _EFFECT_FILE, encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])  # the copy's core first
    run = subprocess.run(
        [sys.executable, "-c", _USE_IT],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(got["core"]).is_relative_to(tmp_path)
    assert "proton_vector_toy" in got["groups"] and got["title"] == "Proton-philic vector (toy)"
    assert got["editable"] == ["pvt_coupling", "pvt_mass_MeV"]
    assert got["active"] == ["proton_vector_toy"]
    assert got["physics"] == {"class": "NewPhysics", "params": {"pvt_coupling": 3e-5,
                                                                 "pvt_mass_MeV": 20.0}}  # fmt: skip
    assert got["round_trip"]
    # the page's number is the core's for the same physics, and the mediator changes it
    assert got["page"] == pytest.approx(got["core_counts"], rel=1e-12)
    assert abs(got["page"] / got["sm_counts"] - 1.0) > 0.01
    assert "proton_vector_toy" in got["scan_models"]
