"""Configuration files: round trip and validation of untrusted files (dashboard.config)."""

from __future__ import annotations

import json
import os

import pytest

import cevns_core as cc
from dashboard.config import (
    MAX_CONFIG_BYTES,
    apply_config,
    config_to_json,
    load_config,
    state_to_config,
)
from dashboard.state import SessionState


def _edited() -> SessionState:
    state = SessionState(experiment="conus")
    state.param.update(threshold=0.25, mass_kg=3.0, skin_fm=0.2, form_factor_model="klein_nystrand")
    state.physics_overrides = {"mu_nu_e_muB": 1e-10}
    state.flux_uncertainty = 0.2
    return state


def test_round_trip_reproduces_the_state_and_spec():
    state = _edited()
    text = config_to_json(state_to_config(state))
    other = SessionState()
    apply_config(other, load_config(text))
    assert other.spec() == state.spec()
    assert state_to_config(other) == state_to_config(state)
    # bytes (what FileInput gives) work too
    third = SessionState()
    apply_config(third, load_config(text.encode()))
    assert third.spec() == state.spec()


def test_round_trip_of_source_overrides():
    state = SessionState()
    state.source_overrides = {"distance_m": 25.0}
    other = SessionState(experiment="conus")
    apply_config(other, load_config(config_to_json(state_to_config(state))))
    assert other.spec() == state.spec()
    assert other.source_editor.distance_m == 25.0


def _cfg(**values) -> str:
    return json.dumps({"format": "cevns-dashboard-config", "version": 1, "state": values})


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("not json at all", "not valid JSON"),
        ('{"format": ', "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"state": {}}', "format"),
        (_cfg(threshold="high"), "threshold: expected a number"),
        (_cfg(mass_kg=True), "mass_kg: expected a number"),
        (_cfg(experiment=3), "experiment"),
        (_cfg(experiment="no_such_preset"), "no_such_preset"),
        (_cfg(colour="red"), "unknown state key"),
        (_cfg(mass_kg=-1.0), "mass_kg: -1.0 is below"),
        (_cfg(flux_uncertainty=5.0), "flux_uncertainty: 5.0 is above"),
        (_cfg(physics_overrides={"bogus": 1}), "unknown parameter"),
        (_cfg(physics_overrides=[1]), "physics_overrides: expected a JSON object"),
        (_cfg(physics_overrides={"sin2_theta_W": "x"}), "sin2_theta_W: expected a number"),
        (_cfg(target="Unobtainium"), "unknown material"),
        ('{"format": "cevns-dashboard-config", "version": 1, "state": {"mass_kg": NaN}}', "JSON"),
        ('{"format": "cevns-dashboard-config", "version": 3, "state": {}}', "version"),
    ],
)
def test_bad_files_are_rejected_with_a_clear_message(text, match):
    with pytest.raises(cc.CevnsError, match=match):
        load_config(text)


def test_oversized_file_is_rejected():
    big = _cfg(experiment="conus")[:-2] + "}" + " " * MAX_CONFIG_BYTES + "}"
    with pytest.raises(cc.CevnsError, match="too large"):
        load_config(big.encode())
    with pytest.raises(cc.CevnsError, match="too large"):
        load_config(big)


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_rejected(seed):
    data = os.urandom(200 + seed)
    with pytest.raises(cc.CevnsError):
        load_config(data)


def test_bad_config_keeps_the_current_state():
    state = _edited()
    before = state.spec()
    with pytest.raises(cc.CevnsError):
        apply_config(
            state, {"format": "cevns-dashboard-config", "version": 1, "state": {"mass_kg": -5}}
        )
    assert state.spec() == before


def test_combination_rejected_by_the_core_restores_the_state():
    state = _edited()
    before = state.spec()
    cfg = load_config(_cfg(threshold_unit="keVee", observable="keVee", quenching="none"))
    with pytest.raises(cc.CevnsError, match="quenching"):
        apply_config(state, cfg)
    assert state.spec() == before
