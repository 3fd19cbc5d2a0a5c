"""Save writes only what load accepts: every parameter at its bounds, saved and loaded again,
gives the same session; loading is all or nothing."""

from __future__ import annotations

import json

import param
import pytest

import cevns_core as cc
from cevns_core.form_factors import FORM_FACTOR_MODELS
from dashboard.config import apply_config, config_to_json, load_config, state_to_config
from dashboard.parameters import (
    SOURCE_CHOICES,
    STATE_ENTRIES,
    VIEW_ENTRIES,
    declaration,
    form_factor_parameters,
    physics_parameters,
    source_parameters,
)
from dashboard.spec import in_use
from dashboard.state import SessionState
from dashboard.validation import InvalidValue


def _bounds(p: param.Parameter) -> list[float]:
    """The values at a number parameter's bounds (just inside an excluded bound)."""
    if not isinstance(p, param.Number) or p.bounds is None:
        return []
    out = []
    for bound, inclusive, inward in zip(p.bounds, p.inclusive_bounds, (1, -1), strict=True):
        if bound is None:
            continue
        value = bound if inclusive else bound + inward * max(abs(bound), 1.0) * 1e-9
        out.append(int(value) if isinstance(p, param.Integer) else float(value))
    return out


def _round_trip(state: SessionState) -> None:
    text = config_to_json(state_to_config(state))
    assert "NaN" not in text and "Infinity" not in text
    other = SessionState(experiment="conus")
    apply_config(other, load_config(text))
    # every value in use (a dormant one — a constant Q while the preset's quenching is chosen
    # — is not in the spec, so not in the file)
    assert in_use(other.values()) == in_use(state.values())
    assert other.spec() == state.spec()
    assert other.view_options == state.view_options


def _try(state: SessionState, changes: dict) -> bool:
    """Set ``changes`` if the state accepts them (a refusal must say why)."""
    try:
        state.try_update(**changes)
    except InvalidValue as exc:
        assert exc.message
        return False
    return True


CASES = [
    (e.name, v) for e in STATE_ENTRIES if e.widget != "editor" for v in _bounds(declaration(e.name))
]


@pytest.mark.parametrize(("name", "value"), CASES, ids=[f"{n}={v:g}" for n, v in CASES])
def test_state_values_at_their_bounds_round_trip(name, value):
    state = SessionState()
    if name in ("lindhard_k", "quenching_factor"):
        _try(state, {"experiment": "conus"})
        _try(state, {"quenching": "lindhard" if name == "lindhard_k" else "constant"})
    if _try(state, {name: value}):
        assert getattr(state, name) == value
        _round_trip(state)


def _editor_cases() -> list[tuple[str, str, str, float]]:
    cases = []
    for kind in SOURCE_CHOICES:
        for key in source_parameters(kind):
            for v in _bounds(cc.SOURCE_TYPES[kind].param[key]):
                cases.append(("source_overrides", kind, key, v))
    for model in cc.form_factor_models():
        for key in form_factor_parameters(model):
            for v in _bounds(FORM_FACTOR_MODELS[model].param[key]):
                cases.append(("form_factor_params", model, key, v))
    for key in physics_parameters():
        for v in _bounds(cc.NewPhysics.param[key]):
            cases.append(("physics_overrides", "", key, v))
    return cases


EDITOR_CASES = _editor_cases()


@pytest.mark.parametrize(
    ("entry", "choice", "key", "value"),
    EDITOR_CASES,
    ids=[f"{c or 'physics'}.{k}={v:g}" for _, c, k, v in EDITOR_CASES],
)
def test_model_parameters_at_their_bounds_round_trip(entry, choice, key, value):
    state = SessionState(experiment="conus")  # a flux source: live time and power matter
    low = {"threshold_unit": "keVnr", "observable": "keVnr", "threshold": 0.001}
    assert _try(state, low)  # every source's recoils cross it (⁵¹Cr: up to 0.017 keVnr)
    if entry == "source_overrides":
        assert _try(state, {"source_type": choice})
    if entry == "form_factor_params" and not _try(state, {"form_factor_model": choice}):
        return  # a model that cannot describe the target (e.g. no shell model for Ge)
    if _try(state, state.editor_changes(entry, key, value)):
        _round_trip(state)


@pytest.mark.parametrize("entry", VIEW_ENTRIES, ids=lambda e: e.name)
def test_view_options_at_their_bounds_round_trip(entry):
    cls, option = entry.mirrors
    for value in _bounds(cls.param[option]) or [cls.param[option].default]:
        state = SessionState()
        state.set_view(entry.tab, option, value)
        _round_trip(state)


def _config(state: SessionState, **changes) -> str:
    cfg = state_to_config(state)
    for path, value in changes.items():
        node = cfg
        *parents, last = path.split("__")
        for key in parents:
            node = node[key]
        node[last] = value
    return json.dumps(cfg)


def test_loading_is_all_or_nothing():
    state = SessionState()
    state.try_update(mass_kg=3.0)
    before, view = state.values(), dict(state.view_options)
    other = SessionState()
    impossible = {  # a threshold above every recoil: refused, not "Configuration loaded"
        "experiment__detector__threshold": 500.0,
        "experiment__detector__upper_limit": None,
        "experiment__detector__threshold_unit": "keVnr",
        "experiment__detector__observable": "keVnr",
    }
    bad = [
        _config(other, **impossible),
        _config(other, band__flux_uncertainty=1.5),
        _config(other, view__spectra={"n_bins": 1000}),
        _config(other, view__tab="nowhere"),
        _config(other, experiment__source__params__distance_m=-1.0),
    ]  # fmt: skip
    for text in bad:
        with pytest.raises(cc.CevnsError):
            apply_config(state, load_config(text))
        assert state.values() == before and state.view_options == view


def test_a_valid_file_with_a_bad_combination_changes_nothing():
    state = SessionState()
    before = state.values()
    text = json.dumps(
        {"format": "cevns-dashboard-config", "version": 1, "state": {"threshold": 40.0}}
    )
    cfg = load_config(text)  # each value is fine on its own
    with pytest.raises(InvalidValue, match="must exceed the threshold"):
        apply_config(state, cfg)
    assert state.values() == before
