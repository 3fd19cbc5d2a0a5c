"""Save and load a dashboard configuration as a small JSON file.

A configuration is the session's choices (the :class:`dashboard.state.SessionState` parameters
that the URL carries, plus the uncertainty-band settings) as a plain dict::

    {"format": "cevns-dashboard-config", "version": 1, "state": {"experiment": ..., ...}}

:func:`load_config` validates an untrusted file before anything touches the session: size limit,
JSON syntax, known keys only, types and bounds from the parameters' own declarations (so the
bounds are the core models' ones), editor dicts (source, form factor, new physics) checked against
the editor classes. Every problem is a :class:`cevns_core.CevnsError` naming it.
:func:`apply_config` sets the experiment first (choosing it resets the others to the preset),
then the rest, and restores the previous values if the core rejects the combination.

No panel import here: the page wires these to a FileDownload / FileInput.
"""

from __future__ import annotations

import json
import math
from typing import Any

import param

import cevns_core as cc
from cevns_core.form_factors import FORM_FACTOR_MODELS
from cevns_core.physics import NewPhysics

from .state import (
    SessionState,
    editor_class,
    form_factor_parameters,
    physics_parameters,
    source_parameters,
)

__all__ = [
    "CONFIG_FORMAT",
    "CONFIG_KEYS",
    "CONFIG_VERSION",
    "MAX_CONFIG_BYTES",
    "apply_config",
    "config_to_json",
    "load_config",
    "state_to_config",
    "validate_config",
]

CONFIG_FORMAT = "cevns-dashboard-config"
CONFIG_VERSION = 1
#: Largest accepted file (bytes): a real configuration is well under 5 kB.
MAX_CONFIG_BYTES = 100_000
#: State parameters a configuration holds, the experiment first (it resets the others).
CONFIG_KEYS: tuple[str, ...] = (
    "experiment",
    "target",
    "mass_kg",
    "live_time_days",
    "form_factor_model",
    "form_factor_params",
    "skin_fm",
    "R_n_fm",
    "source_type",
    "source_overrides",
    "threshold",
    "threshold_unit",
    "observable",
    "quenching",
    "quenching_factor",
    "lindhard_k",
    "efficiency",
    "efficiency_value",
    "resolution",
    "resolution_stochastic",
    "physics_overrides",
    "flux_uncertainty",
    "quenching_uncertainty",
)


def state_to_config(state: SessionState) -> dict[str, Any]:
    """The session's choices as a JSON-ready dict (see the module docstring)."""
    values: dict[str, Any] = {}
    for key in CONFIG_KEYS:
        value = getattr(state, key)
        values[key] = json.loads(json.dumps(value)) if isinstance(value, dict) else value
    return {"format": CONFIG_FORMAT, "version": CONFIG_VERSION, "state": values}


def config_to_json(cfg: dict[str, Any]) -> str:
    """The configuration as indented JSON text."""
    return json.dumps(cfg, indent=2, ensure_ascii=False) + "\n"


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not a number a configuration may hold")


def load_config(data: str | bytes) -> dict[str, Any]:
    """Parse and validate a configuration file's content (str or bytes).

    Raises
    ------
    cevns_core.CevnsError
        Oversized, not UTF-8, not JSON, wrong structure, unknown keys, wrong types or values out
        of the parameters' bounds (the message names the key).
    """
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if len(raw) > MAX_CONFIG_BYTES:
            raise cc.CevnsError(
                f"configuration file too large ({len(raw)} bytes; at most {MAX_CONFIG_BYTES})"
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise cc.CevnsError("configuration file is not UTF-8 text (not a JSON file)") from None
    elif isinstance(data, str):
        text = data
        if len(text.encode("utf-8")) > MAX_CONFIG_BYTES:
            raise cc.CevnsError(f"configuration file too large (at most {MAX_CONFIG_BYTES} bytes)")
    else:
        raise cc.CevnsError(f"configuration must be text or bytes, not {type(data).__name__}")
    try:
        cfg = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise cc.CevnsError(f"configuration file is not valid JSON: {exc}") from None
    return validate_config(cfg)


def validate_config(cfg: Any) -> dict[str, Any]:
    """Check a parsed configuration; return a normalised copy (CevnsError on any problem)."""
    if not isinstance(cfg, dict):
        raise cc.CevnsError("configuration must be a JSON object")
    unknown = sorted(set(cfg) - {"format", "version", "state"})
    if unknown:
        raise cc.CevnsError(f"unknown configuration key(s): {', '.join(map(str, unknown))}")
    if cfg.get("format") != CONFIG_FORMAT:
        raise cc.CevnsError(f"not a dashboard configuration (format must be {CONFIG_FORMAT!r})")
    if cfg.get("version") != CONFIG_VERSION:
        raise cc.CevnsError(
            f"unsupported configuration version {cfg.get('version')!r} "
            f"(this dashboard reads {CONFIG_VERSION})"
        )
    values = cfg.get("state")
    if not isinstance(values, dict):
        raise cc.CevnsError("configuration 'state' must be a JSON object")
    unknown = sorted(set(values) - set(CONFIG_KEYS))
    if unknown:
        raise cc.CevnsError(f"unknown state key(s): {', '.join(map(str, unknown))}")
    out: dict[str, Any] = {}
    for key in CONFIG_KEYS:
        if key in values:
            out[key] = _check(SessionState.param[key], key, values[key])
    preset = out.get("experiment", SessionState.param.experiment.default)
    source_type = out.get("source_type") or SessionState.preset_values(preset)["source_type"]
    if "source_overrides" in out:
        cls = cc.SOURCE_TYPES[source_type]
        out["source_overrides"] = _check_editor(
            cls, source_parameters(source_type), out["source_overrides"], "source_overrides"
        )
    if "form_factor_params" in out:
        model = out.get("form_factor_model", SessionState.param.form_factor_model.default)
        out["form_factor_params"] = _check_editor(
            FORM_FACTOR_MODELS[model],
            form_factor_parameters(model),
            out["form_factor_params"],
            "form_factor_params",
        )
    if "physics_overrides" in out:
        out["physics_overrides"] = _check_editor(
            NewPhysics, physics_parameters(), out["physics_overrides"], "physics_overrides"
        )
    return {"format": CONFIG_FORMAT, "version": CONFIG_VERSION, "state": out}


def _check(p: param.Parameter, key: str, value: Any) -> Any:
    """``value`` checked against parameter ``p``'s declaration (type, bounds, objects)."""
    if value is None:
        if p.allow_None:
            return None
        raise cc.CevnsError(f"{key}: a value is required (null given)")
    if isinstance(p, param.Boolean):
        if not isinstance(value, bool):
            raise cc.CevnsError(f"{key}: expected true or false, got {value!r}")
        return value
    if isinstance(p, param.Number):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise cc.CevnsError(f"{key}: expected a number, got {value!r}")
        if isinstance(p, param.Integer) and not float(value).is_integer():
            raise cc.CevnsError(f"{key}: expected an integer, got {value!r}")
        if not math.isfinite(value):
            raise cc.CevnsError(f"{key}: expected a finite number, got {value!r}")
        _check_bounds(p, key, value)
        return int(value) if isinstance(p, param.Integer) else float(value)
    if isinstance(p, param.ListSelector):
        if not isinstance(value, list) or any(v not in p.objects for v in value):
            raise cc.CevnsError(f"{key}: expected a list of {list(p.objects)!r}, got {value!r}")
        return list(value)
    if isinstance(p, param.Selector):
        if isinstance(value, list | dict) or (value not in p.objects and p.check_on_set):
            raise cc.CevnsError(f"{key}: {value!r} is not one of {list(p.objects)!r}")
        if not isinstance(value, str):
            raise cc.CevnsError(f"{key}: expected a name, got {value!r}")
        if value not in p.objects:  # open selectors (target): the core must know the name
            _check_target(key, value)
        return value
    if isinstance(p, param.Dict):
        if not isinstance(value, dict):
            raise cc.CevnsError(f"{key}: expected a JSON object, got {value!r}")
        return dict(value)
    raise cc.CevnsError(f"{key}: cannot be set from a configuration")  # pragma: no cover


def _check_bounds(p: param.Number, key: str, value: float) -> None:
    lo, hi = p.bounds or (None, None)
    inc_lo, inc_hi = p.inclusive_bounds
    if lo is not None and (value < lo or (value == lo and not inc_lo)):
        raise cc.CevnsError(f"{key}: {value!r} is below the allowed range ({_range(p)})")
    if hi is not None and (value > hi or (value == hi and not inc_hi)):
        raise cc.CevnsError(f"{key}: {value!r} is above the allowed range ({_range(p)})")


def _range(p: param.Number) -> str:
    lo, hi = p.bounds
    inc_lo, inc_hi = p.inclusive_bounds
    left = "(-∞" if lo is None else ("[" if inc_lo else "(") + f"{lo:g}"
    right = "∞)" if hi is None else f"{hi:g}" + ("]" if inc_hi else ")")
    return f"{left}, {right}"


def _check_target(key: str, value: str) -> None:
    try:
        cc.target_material(value)
    except cc.CevnsError as exc:
        raise cc.CevnsError(f"{key}: unknown material or isotope {value!r} ({exc})") from None


def _check_editor(
    cls: type[param.Parameterized], names: tuple[str, ...], values: dict[str, Any], key: str
) -> dict[str, Any]:
    """An editor dict (``source_overrides`` …) checked against ``cls``'s parameters ``names``."""
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise cc.CevnsError(
            f"{key}: unknown parameter(s) {', '.join(map(str, unknown))} for {cls.__name__}"
        )
    editor = editor_class(cls, tuple(names))
    return {k: _check(editor.param[k], f"{key}.{k}", v) for k, v in values.items()}


def apply_config(state: SessionState, cfg: dict[str, Any]) -> None:
    """Set ``state`` from a configuration (validated again here; nothing changes on error).

    The experiment is applied first (it resets target, exposure, source and response to the
    preset), the source type and form-factor model before their parameter dicts, then the rest.
    If the resulting combination is rejected by the core (``state.spec()`` → experiment), the
    previous values are restored and the CevnsError is raised.
    """
    cfg = validate_config(cfg)
    values = cfg["state"]
    before = {k: getattr(state, k) for k in CONFIG_KEYS}
    order = ["experiment", "source_type", "form_factor_model"]
    try:
        for key in order:
            if key in values:
                state.param.update(**{key: values[key]})
        rest = {k: v for k, v in values.items() if k not in order}
        state.param.update(**rest)
        state.experiment_object()  # the core checks the combination
    except Exception as exc:
        for key in order:
            state.param.update(**{key: before[key]})
        state.param.update(**{k: v for k, v in before.items() if k not in order})
        if isinstance(exc, cc.CevnsError):
            raise
        raise cc.CevnsError(f"configuration rejected: {exc}") from exc
