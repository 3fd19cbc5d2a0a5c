"""SessionState: choices, editors generated from the core models, specs and builders."""

from __future__ import annotations

import json

import numpy as np
import param
import pytest

import cevns_core as cc
from cevns_core import NewPhysics
from cevns_core.form_factors import FORM_FACTOR_MODELS
from cevns_core.quenching import ConstantQuenching, LindhardQuenching
from dashboard.labels import new_physics_groups
from dashboard.state import (
    DEFAULT_EXPERIMENT,
    SM_PARAMETERS,
    SOURCE_CHOICES,
    TARGETS,
    SessionState,
    build_detector,
    build_experiment,
    build_physics,
    build_source,
    nuclear_options,
    sm_spec,
    source_parameters,
)


def test_defaults_reproduce_the_preset():
    state = SessionState()
    assert state.experiment == DEFAULT_EXPERIMENT == "coherent_csi_2017"
    preset = cc.experiment(DEFAULT_EXPERIMENT)
    assert state.target == str(preset.detector.material)
    assert state.mass_kg == preset.detector.mass_kg
    assert (state.threshold, state.threshold_unit) == (6.0, "PE")
    assert state.source_type == "pion_dar"
    assert state.source_overrides == {} and state.physics_overrides == {}
    exp = state.experiment_object()
    assert exp.counts().total == pytest.approx(preset.counts().total, rel=1e-12)
    T = np.linspace(0.5, 40.0, 50)
    np.testing.assert_allclose(exp.recoil_spectrum(T), preset.recoil_spectrum(T), rtol=1e-12)


def test_spec_is_plain_json_data():
    # the state's spec is the core's (Experiment.to_spec() format), in its canonical form
    state = SessionState()
    spec = state.spec()
    assert json.loads(json.dumps(spec)) == spec
    assert {"preset", "source", "detector", "nuclear", "physics"} <= set(spec)
    assert set(spec) == set(cc.experiment(DEFAULT_EXPERIMENT).to_spec())
    assert cc.Experiment.from_spec(spec).to_spec() == spec


def test_choosing_a_preset_resets_target_source_and_detector():
    state = SessionState()
    state.threshold = 8.0
    state.source_editor.distance_m = 25.0
    assert state.source_overrides == {"distance_m": 25.0}
    state.experiment = "conus"
    preset = cc.experiment("conus")
    assert state.target == "Ge"
    assert (state.threshold, state.threshold_unit, state.observable) == (0.3, "keVee", "keVee")
    assert state.source_type == "reactor"
    assert state.source_overrides == {}
    assert state.source_editor.distance_m == preset.source.distance_m == 17.0
    built = build_source(state.source_spec())
    assert isinstance(built, cc.Reactor)
    assert built.thermal_power_GW == preset.source.thermal_power_GW


def test_source_editor_copies_the_core_parameters():
    state = SessionState()
    editor = state.source_editor
    for name in source_parameters("pion_dar"):
        core = cc.PionDecayAtRest.param[name]
        mine = editor.param[name]
        assert type(mine) is type(core)
        assert mine.doc == core.doc
        if isinstance(core, param.Number):
            assert mine.bounds == core.bounds and mine.softbounds == core.softbounds
    assert editor.param["distance_m"].label == "Distance (m)"
    editor.distance_m = 30.0
    assert state.source_overrides == {"distance_m": 30.0}
    assert build_source(state.source_spec()).distance_m == 30.0
    # the overrides are the URL's truth: setting them updates the editor
    state.source_overrides = {"distance_m": 40.0}
    assert editor.distance_m == 40.0


def test_changing_the_source_type_gives_a_new_editor():
    state = SessionState()
    state.source_type = "reactor"
    assert set(source_parameters("reactor")) <= set(state.source_editor.param)
    assert state.source_editor.thermal_power_GW == cc.Reactor.param["thermal_power_GW"].default
    exp = state.experiment_object()
    assert isinstance(exp.source, cc.Reactor)
    assert exp.exposure_factor == pytest.approx(state.live_time_days * 86400.0)
    assert "composite" in SOURCE_CHOICES


def test_a_source_switched_to_reactor_keeps_the_full_range_spectrum():
    # Switching a π-DAR preset's source to "reactor" gives the full-range spectrum of the
    # reactor presets (BESTIOLE 2023 + captures), not the 2–8 MeV Huber–Mueller fifth of it:
    # at the editor's power and distance, the flux of the reactor presets' model.
    state = SessionState()
    state.source_type = "reactor"
    src = state.experiment_object().source
    assert src.spectrum_model == "bestiole2023"
    same = cc.Reactor(thermal_power_GW=src.thermal_power_GW, distance_m=src.distance_m)
    assert src.integrated() == pytest.approx(same.integrated(), rel=1e-12)
    hm = cc.Reactor(
        thermal_power_GW=src.thermal_power_GW, distance_m=src.distance_m,
        spectrum_model="huber_mueller",
    )  # fmt: skip
    assert src.integrated() / hm.integrated() == pytest.approx(4.51, rel=0.01)  # PHYSICS §5.3


def test_composite_preset_source_is_the_presets():
    state = SessionState(experiment="xenon_1t_floor")
    assert state.source_type == "composite"
    src = build_source(state.source_spec())
    assert type(src) is type(cc.experiment("xenon_1t_floor").source)
    state.experiment = DEFAULT_EXPERIMENT
    state.source_type = "composite"  # π-DAR preset: there is no mix of sources to take
    with pytest.raises(cc.CevnsError, match="no composite source"):
        build_source(state.source_spec())


def test_form_factor_editor_follows_the_model():
    state = SessionState()
    state.form_factor_model = "symmetrized_fermi"
    names = set(cc.model_parameters("symmetrized_fermi"))
    assert names <= set(state.form_factor_editor.param)
    core = FORM_FACTOR_MODELS["symmetrized_fermi"].param["a_fm"]
    assert state.form_factor_editor.param["a_fm"].bounds == core.bounds
    state.form_factor_editor.a_fm = 0.6
    assert state.form_factor_params == {"a_fm": 0.6}
    state.skin_fm = 0.3
    model, params = nuclear_options(state.nuclear_spec())
    assert model == "symmetrized_fermi"
    assert params == {"a_fm": 0.6, "skin_fm": 0.3}
    state.form_factor_model = "helm"
    assert state.form_factor_params == {}


def test_physics_editor_has_every_new_physics_group():
    state = SessionState()
    editor = state.physics_editor
    for names in new_physics_groups().values():
        for name in names:
            assert name in editor.param
            assert editor.param[name].doc == NewPhysics.param[name].doc
    for name in SM_PARAMETERS:
        assert name in editor.param
    assert state.physics() is None and state.new_physics_active() == []
    editor.zprime_coupling = 2e-4
    editor.zprime_mass_MeV = 50.0
    assert state.physics_overrides == {"zprime_coupling": 2e-4, "zprime_mass_MeV": 50.0}
    physics = state.physics()
    assert isinstance(physics, NewPhysics) and physics.zprime_coupling == 2e-4
    assert state.new_physics_active() == ["zprime"]
    editor.sin2_theta_W = 0.24
    assert sm_spec(state.physics_spec())["params"] == {"sin2_theta_W": 0.24}
    reference = build_physics(sm_spec(state.physics_spec()))
    assert reference.active_groups() == [] and reference.sin2_theta_W == 0.24


def test_detector_overrides():
    state = SessionState(experiment="conus")
    det = build_detector(state.detector_spec())
    assert isinstance(det.quenching, LindhardQuenching)
    state.quenching = "constant"
    state.quenching_factor = 0.2
    det = build_detector(state.detector_spec())
    assert isinstance(det.quenching, ConstantQuenching) and det.quenching.value == 0.2
    state.quenching = "lindhard"
    state.lindhard_k = 0.162
    det = build_detector(state.detector_spec())
    assert det.quenching.k_effective == pytest.approx(0.162)
    assert det.quenching.Z == 32
    state.efficiency = "constant"
    state.efficiency_value = 0.5
    det = build_detector(state.detector_spec())
    assert float(det.efficiency(np.array([1.0]))[0]) == 0.5
    state.resolution = "gaussian"
    state.resolution_stochastic = 0.3
    det = build_detector(state.detector_spec())
    assert det.resolution.stochastic == 0.3
    state.mass_kg = 10.0
    assert build_detector(state.detector_spec()).mass_kg == 10.0


def test_invalid_combinations_raise_the_core_error():
    state = SessionState()
    state.threshold = 40.0  # above the preset's 30 PE upper limit
    with pytest.raises(cc.CevnsError, match="upper_limit"):
        build_detector(state.detector_spec())
    state = SessionState()
    state.quenching = "none"  # a PE observable needs quenching
    with pytest.raises(cc.CevnsError, match="quenching"):
        build_experiment(state.spec())


def test_isotope_and_material_targets():
    state = SessionState()
    state.target = "Xe136"
    assert state.target_isotopes() == ["Xe136"]
    assert set(build_detector(state.detector_spec()).targets()) == {"Xe136"}
    state.target = "CsI[Na]"
    assert set(state.target_isotopes()) == {"Cs133", "I127"}
    assert {"CsI", "Ge", "Ar", "CsI[Na]", "Xe136"} <= set(TARGETS)
    # Lindhard for the target's main element (the core's LindhardQuenching.for_material)
    state.param.update(target="CaWO4", quenching="lindhard", lindhard_k=None)
    det = build_detector(state.detector_spec())
    assert det.quenching.Z == 8  # most numerous nuclei: O


def test_invalid_target_is_refused_not_read_as_another_material():
    # ?target=CsCsCsCsCs must not compute pure Cs while the page shows CsI
    state = SessionState()
    with pytest.raises(ValueError, match="more than once"):
        state.target = "CsCsCsCsCs"
    assert state.target == "CsI[Na]"
    state.target = "Ge72"  # not in the list, but a valid isotope
    assert state.target_isotopes() == ["Ge72"]


def test_out_of_bounds_values_are_rejected():
    state = SessionState()
    with pytest.raises(ValueError):
        state.mass_kg = -1.0
    with pytest.raises(ValueError):
        state.form_factor_model = "no-such-model"
    with pytest.raises(ValueError):
        state.physics_editor.Ue4_sq = 2.0


@pytest.mark.parametrize(
    ("name", "label"),
    [  # the core's labels with their units (no table of labels in the dashboard)
        ("distance_m", "Distance (m)"),
        ("beam_power_MW", "Beam power (MW)"),
        ("zprime_mass_MeV", "M_Z′ (MeV)"),
        ("sin2_theta_W", "sin²θ_W"),
        ("eps_uV_ee", "ε^uV_ee"),
        ("eps_dV_mutau", "ε^dV_μτ"),
        ("r2_e_cm2", "⟨r²_νe⟩ (cm²)"),
        ("Umu4_sq", "|U_μ4|²"),
        ("live_time_days", "Live time (days)"),
    ],
)
def test_widget_labels_are_the_cores(name, label):
    state = SessionState()
    for owner in (state.source_editor, state.physics_editor, state):
        if name in owner.param:
            assert owner.param[name].label == label
            break
    else:
        raise AssertionError(f"{name} is edited nowhere")
