"""Save and load a dashboard configuration: the core's experiment spec plus the view (no Panel).

Format (version 2)::

    {"format": "cevns-dashboard-config", "version": 2,
     "experiment": <the core spec: Experiment.to_spec() of the page>,
     "band": {"flux_uncertainty": 0.1, "quenching_uncertainty": 0.1},
     "view": {"tab": "spectra", "spectra": {"log_y": true}, "constraints": {...}, ...}}

``view`` holds the tab shown and each tab's display options that differ from their defaults
(the scan settings among them). Version 1 files (``{"state": {...}}``: the sidebar's values by
name) are still read.

:func:`load_config` checks an untrusted file before anything touches the session: size, UTF-8,
JSON without NaN/Infinity, known keys only, every value by the one validator
(:mod:`dashboard.validation`: the core models' bounds and labels), the spec by the core
(``Experiment.from_spec``) and by :func:`dashboard.spec.values_from_spec` (the dashboard can show
it exactly). :func:`apply_config` then checks the combination (the threshold can be crossed) and
applies everything or nothing. :func:`state_to_config` writes only what :func:`load_config`
accepts: it loads its own output before returning it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import cevns_core as cc

from .parameters import DEFAULT_EXPERIMENT, STATE_ENTRIES
from .spec import values_from_spec
from .state import SessionState
from .validation import InvalidValue, check_entry
from .viewstate import TABS

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
CONFIG_VERSION = 2
#: Largest accepted file (bytes): a real configuration is a few kB.
MAX_CONFIG_BYTES = 100_000
#: The state entries a version-1 file may hold, the experiment first (it resets the others).
CONFIG_KEYS: tuple[str, ...] = tuple(e.name for e in STATE_ENTRIES if e.spec or e.group == "band")
_BAND = tuple(e.name for e in STATE_ENTRIES if e.group == "band")
_TOP_KEYS = ("format", "version", "experiment", "band", "view")


def state_to_config(state: SessionState) -> dict[str, Any]:
    """The session as a configuration (format in the module docstring).

    Raises
    ------
    cevns_core.CevnsError
        If the current choices are invalid, or would give a file that :func:`load_config`
        refuses (never written).
    """
    values = state.values()
    view: dict[str, Any] = {"tab": state.tab}
    view.update({k: dict(v) for k, v in state.view_options.items() if v})
    cfg = {
        "format": CONFIG_FORMAT,
        "version": CONFIG_VERSION,
        "experiment": state.spec(),
        "band": {k: values[k] for k in _BAND},
        "view": view,
    }
    load_config(config_to_json(cfg))  # save writes only what load accepts
    return cfg


def config_to_json(cfg: Mapping[str, Any]) -> str:
    """The configuration as indented JSON text (finite numbers only)."""
    try:
        return json.dumps(cfg, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:
        raise cc.CevnsError("the configuration holds a number that is not finite") from None


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not allowed (only finite numbers)")


def load_config(data: str | bytes) -> dict[str, Any]:
    """Parse and validate a configuration file's content (str or bytes).

    Raises
    ------
    cevns_core.CevnsError
        Oversized, not UTF-8, not JSON, wrong structure, unknown keys, wrong types or values
        out of range (the message names the entry and its label).
    """
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if len(raw) > MAX_CONFIG_BYTES:
            raise cc.CevnsError(
                f"configuration file too large ({len(raw):,} bytes; at most {MAX_CONFIG_BYTES:,})"
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise cc.CevnsError("configuration file is not UTF-8 text (not a JSON file)") from None
    elif isinstance(data, str):
        text = data
        if len(text.encode("utf-8")) > MAX_CONFIG_BYTES:
            raise cc.CevnsError(
                f"configuration file too large (at most {MAX_CONFIG_BYTES:,} bytes)"
            )
    else:
        raise cc.CevnsError(f"configuration must be text or bytes, not {type(data).__name__}")
    try:
        cfg = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise cc.CevnsError(f"configuration file is not valid JSON: {exc}") from None
    return validate_config(cfg)


def _keys(value: Any, where: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise cc.CevnsError(f"{where}: expected a JSON object")
    unknown = [str(k) for k in value if k not in allowed]
    if unknown:
        raise cc.CevnsError(f"unknown {where} key(s): {', '.join(unknown)}")
    return value


def validate_config(cfg: Any) -> dict[str, Any]:
    """Check a parsed configuration; return it normalised (CevnsError on any problem).

    A version-2 result has ``values`` (every state entry), ``view`` (tab and options); a
    version-1 result ``values`` (the entries the file gives) and no view.
    """
    if not isinstance(cfg, dict):
        raise cc.CevnsError("configuration must be a JSON object")
    if cfg.get("format") != CONFIG_FORMAT:
        raise cc.CevnsError(f"not a dashboard configuration (format must be {CONFIG_FORMAT!r})")
    version = cfg.get("version")
    if version == 1:
        return _validate_v1(cfg)
    if version != CONFIG_VERSION:
        raise cc.CevnsError(
            f"unsupported configuration version {json.dumps(version)} (this dashboard reads "
            f"versions 1 and {CONFIG_VERSION})"
        )
    _keys(cfg, "configuration", _TOP_KEYS)
    if "experiment" not in cfg:
        raise cc.CevnsError("configuration: the 'experiment' entry (the spec) is missing")
    try:
        values = values_from_spec(cfg["experiment"])
    except InvalidValue as exc:
        raise exc.at("experiment") from None
    band = _keys(cfg.get("band", {}), "band", _BAND)
    for key, value in band.items():
        values[key] = _check(key, value, values, f"band.{key}")
    view = _keys(cfg.get("view", {}), "view", ("tab", *(t.key for t in TABS)))
    out_view: dict[str, Any] = {}
    if "tab" in view:
        values["tab"] = _check("tab", view["tab"], values, "view.tab")
    for tab in TABS:
        options = _keys(view.get(tab.key, {}), f"view.{tab.key}", tuple(tab.options.param))
        checked = {
            name: _check(f"{tab.key}.{name}", value, values, f"view.{tab.key}.{name}")
            for name, value in options.items()
            if name != "name"
        }
        if checked:
            out_view[tab.key] = checked
    return {"format": CONFIG_FORMAT, "version": CONFIG_VERSION, "values": values, "view": out_view}


def _check(name: str, value: Any, values: Mapping[str, Any], where: str) -> Any:
    try:
        return check_entry(name, value, values)
    except InvalidValue as exc:
        raise exc.at(where) from None


def _validate_v1(cfg: dict[str, Any]) -> dict[str, Any]:
    """A version-1 file: ``{"state": {entry name: value}}``, each value by the validator."""
    unknown = sorted(str(k) for k in cfg if k not in ("format", "version", "state"))
    if unknown:
        raise cc.CevnsError(f"unknown configuration key(s): {', '.join(unknown)}")
    state = cfg.get("state")
    if not isinstance(state, dict):
        raise cc.CevnsError("configuration 'state' must be a JSON object")
    unknown = [str(k) for k in state if k not in CONFIG_KEYS]
    if unknown:
        raise cc.CevnsError(f"unknown state key(s): {', '.join(unknown)}")
    values: dict[str, Any] = {}
    context: dict[str, Any] = dict(SessionState.preset_values(DEFAULT_EXPERIMENT))
    for key in CONFIG_KEYS:  # the experiment and the choices first: they give the editors' models
        if key in state:
            values[key] = _check(key, state[key], context, key)
            if key == "experiment":
                context.update(SessionState.preset_values(values[key]))
            context[key] = values[key]
    return {"format": CONFIG_FORMAT, "version": 1, "values": values, "view": None}


def apply_config(state: SessionState, cfg: Mapping[str, Any]) -> None:
    """Set ``state`` from a configuration: validated again, the combination checked (the core
    builds it and its threshold can be crossed), then applied all at once — on any problem
    nothing changes and the CevnsError says why."""
    if "values" not in cfg:
        cfg = validate_config(cfg)
    state.apply(cfg["values"], cfg.get("view"))
