"""The session's values ↔ the core's experiment spec (``Experiment.to_spec()`` format; no Panel).

The state holds a preset and what the user changed on top of it (:mod:`dashboard.parameters`).
:func:`spec_of` turns those values into the core's spec: the preset's spec with the state's
target, exposure, source, response choices, nuclear choice and physics, rebuilt by
``cc.Experiment.from_spec(...).to_spec()`` so that it is validated and in the core's canonical
form. :func:`values_from_spec` goes back, for loading a saved configuration or a spec written by
the CLI, and refuses what the dashboard cannot show (a different upper analysis limit, a
tabulated efficiency that is not the preset's …) instead of showing something else.

Specs are memoised by the values they come from (plain JSON text), so asking the state for its
spec many times per update costs a dictionary lookup.
"""

from __future__ import annotations

import copy
import functools
import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import cevns_core as cc
from cevns_core.experiment.parts import model_to_spec
from cevns_core.quenching import ConstantQuenching, LindhardQuenching
from cevns_core.response import ConstantEfficiency, GaussianResolution

from .labels import preset_title
from .parameters import STATE_ENTRIES, declaration, editor_parameters, source_parameters
from .validation import InvalidValue, humanize

__all__ = [
    "DORMANT",
    "EXPERIMENT_NAMES",
    "check_values",
    "experiment_of",
    "in_use",
    "preset_spec",
    "preset_values",
    "source_base",
    "spec_of",
    "values_from_spec",
]

#: The state entries that determine the experiment (those with a place in the spec).
EXPERIMENT_NAMES: tuple[str, ...] = tuple(e.name for e in STATE_ENTRIES if e.spec)
#: Values that reach the spec only with one choice (otherwise dormant: not in the spec, so a
#: saved configuration does not keep them): value → (choice, the choice's value).
DORMANT: dict[str, tuple[str, str]] = {
    "quenching_factor": ("quenching", "constant"),
    "lindhard_k": ("quenching", "lindhard"),
    "efficiency_value": ("efficiency", "constant"),
    "resolution_stochastic": ("resolution", "gaussian"),
}


def in_use(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the dormant ones (those the current choices do not use)."""
    return {
        k: v
        for k, v in values.items()
        if k not in DORMANT or values.get(DORMANT[k][0]) == DORMANT[k][1]
    }


@functools.cache
def _preset_json(name: str) -> str:
    return json.dumps(cc.experiment(name).to_spec(), allow_nan=False)


def preset_spec(name: str) -> dict[str, Any]:
    """The core spec of preset ``name`` as shipped (a fresh copy)."""
    return json.loads(_preset_json(name))


def preset_values(name: str) -> dict[str, Any]:
    """The state values that reproduce preset ``name`` (source, target, exposure, response)."""
    spec = preset_spec(name)
    det, exposure = spec["detector"], spec["exposure"]
    material = det["material"]
    return {
        "target": material if isinstance(material, str) else material.get("name", ""),
        "mass_kg": float(exposure["mass_kg"]),
        "live_time_days": float(exposure["live_time_days"] or 365.25),
        "threshold": float(det["threshold"]),
        "threshold_unit": det["threshold_unit"],
        "observable": det["observable"],
        "quenching": "preset",
        "efficiency": "preset",
        "resolution": "preset",
        "source_type": spec["source"]["type"],
        "source_overrides": {},
        "form_factor_model": spec["nuclear"]["form_factor"],
    }


def source_base(preset: str, source_type: str) -> dict[str, Any]:
    """The parameters a source of ``source_type`` starts from: the preset's when it is of that
    type, else the class defaults (editable parameters only)."""
    names = source_parameters(source_type)
    src = preset_spec(preset)["source"]
    if src["type"] == source_type:
        return {k: src["params"][k] for k in names if k in src["params"]}
    cls = cc.SOURCE_TYPES[source_type]
    out = {}
    for k in names:
        default = cls.param[k].default
        out[k] = list(default) if isinstance(default, tuple | list) else default
    return out


# ------------------------------------------------------------------------------------ to spec
def _source(values: Mapping[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    kind = values["source_type"]
    if kind == "composite":
        if base["source"]["type"] != "composite":
            raise cc.CevnsError(
                f"the preset {preset_title(values['experiment'])} has no composite source "
                "(combined sources); choose a source type"
            )
        return base["source"]
    params = dict(base["source"]["params"]) if base["source"]["type"] == kind else {}
    params.update(source_base(values["experiment"], kind))
    params.update(values["source_overrides"])
    return {"type": kind, "params": params}


def _quenching(values: Mapping[str, Any], base: Any) -> Any:
    kind = values["quenching"]
    if kind == "preset":
        return base
    if kind == "lindhard":
        material = cc.target_material(values["target"])
        return model_to_spec(LindhardQuenching.for_material(material, k=values["lindhard_k"]))
    if kind == "constant":
        return model_to_spec(ConstantQuenching(value=values["quenching_factor"]))
    return None


def _efficiency(values: Mapping[str, Any], base: Any) -> Any:
    kind = values["efficiency"]
    if kind == "preset":
        return base
    if kind == "constant":
        return model_to_spec(ConstantEfficiency(value=float(values["efficiency_value"])))
    return None


def _resolution(values: Mapping[str, Any], base: Any) -> Any:
    kind = values["resolution"]
    if kind == "preset":
        return base
    if kind == "gaussian":
        return model_to_spec(GaussianResolution(stochastic=values["resolution_stochastic"]))
    if kind == "poisson":
        return {"model": "poisson"}
    return None


def _build(values: Mapping[str, Any]) -> dict[str, Any]:
    base = preset_spec(values["experiment"])
    spec = copy.deepcopy(base)
    spec["source"] = _source(values, base)
    det = spec["detector"]
    det.update(
        material=values["target"],
        threshold=float(values["threshold"]),
        threshold_unit=values["threshold_unit"],
        observable=values["observable"],
        quenching=_quenching(values, base["detector"]["quenching"]),
        efficiency=_efficiency(values, base["detector"]["efficiency"]),
        resolution=_resolution(values, base["detector"]["resolution"]),
    )
    if (
        det["upper_limit"] is not None
        and det["threshold_unit"] != base["detector"]["threshold_unit"]
    ):
        det["upper_limit"] = None  # the preset's limit was in another unit
    spec["exposure"] = {
        "mass_kg": float(values["mass_kg"]),
        "live_time_days": float(values["live_time_days"]),
    }
    spec["nuclear"] = {
        "form_factor": values["form_factor_model"],
        "form_factor_params": {
            k: v for k, v in values["form_factor_params"].items() if v is not None
        },
        "skin_fm": float(values["skin_fm"]),
        "R_n_fm": None if values["R_n_fm"] is None else float(values["R_n_fm"]),
    }
    overrides = dict(values["physics_overrides"])
    spec["physics"] = {"class": "NewPhysics", "params": overrides} if overrides else None
    return cc.Experiment.from_spec(spec).to_spec()


_SPECS: OrderedDict[str, str] = OrderedDict()
_MAX_SPECS = 256


def spec_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """The core spec of the state values (a fresh copy; memoised by the values).

    Raises
    ------
    cevns_core.CevnsError
        For a combination the core refuses (naming the entry of the spec).
    """
    key = json.dumps({k: values[k] for k in EXPERIMENT_NAMES}, sort_keys=True)
    text = _SPECS.get(key)
    if text is None:
        text = json.dumps(_build(values), allow_nan=False)
        _SPECS[key] = text
        while len(_SPECS) > _MAX_SPECS:
            _SPECS.popitem(last=False)
    else:
        _SPECS.move_to_end(key)
    return json.loads(text)


@functools.lru_cache(maxsize=8)
def _experiment(text: str) -> cc.Experiment:
    return cc.Experiment.from_spec(json.loads(text))


def experiment_of(spec: Mapping[str, Any]) -> cc.Experiment:
    """The core Experiment of a spec (shared by callers: read it, never change it)."""
    return _experiment(json.dumps(spec, sort_keys=True, allow_nan=False))


def check_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The spec of ``values`` if the core accepts the combination and its threshold can be
    crossed; else InvalidValue with the core's reason in words."""
    try:
        spec = spec_of(values)
        experiment_of(spec).check_threshold()
    except InvalidValue:
        raise
    except cc.CevnsError as exc:
        raise InvalidValue(humanize(str(exc))) from None
    return spec


# ------------------------------------------------------------------------------------ from spec
def _choice(part: str, value: Any, base: Any, models: dict[str, str]) -> tuple[str, Any]:
    """(state choice, its value) of a response model of a spec."""
    if value == base:
        return "preset", None
    if value is None:
        return "none", None
    name = value.get("model") if isinstance(value, dict) else None
    if name in models:
        return name, value.get(models[name])
    raise InvalidValue(
        f"the {part} model {name!r} cannot be set in the dashboard (it offers the preset's, "
        f"{', '.join(models)} or none)"
    )


def _or_default(choice: tuple[str, Any], kind: str, name: str) -> Any:
    """The model's value when ``choice`` is ``kind``, else the entry's default."""
    return choice[1] if choice[0] == kind else declaration(name).default


def values_from_spec(spec: Any) -> dict[str, Any]:
    """The state values of a core spec; InvalidValue for a spec the dashboard cannot show.

    The result reproduces the spec exactly (checked: :func:`spec_of` of it equals the spec's
    canonical form), so a loaded configuration is never shown as something else.
    """
    if not isinstance(spec, dict):
        raise InvalidValue(f"an experiment spec is a JSON object, got {type(spec).__name__}")
    try:
        canonical = cc.Experiment.from_spec(spec).to_spec()
    except cc.CevnsError as exc:
        raise InvalidValue(humanize(str(exc))) from None
    preset = canonical.get("preset")
    if preset not in cc.experiment_names():
        raise InvalidValue(
            "the dashboard starts from a preset: this spec has none (its 'preset' entry must "
            "name one of the presets)"
        )
    base = preset_spec(preset)
    det, exposure, nuclear = canonical["detector"], canonical["exposure"], canonical["nuclear"]
    if not isinstance(det["material"], str):
        raise InvalidValue("the dashboard takes a target by name (a material or an isotope)")
    quenching = _choice(
        "quenching",
        det["quenching"],
        base["detector"]["quenching"],
        {"lindhard": "k", "constant": "value"},
    )
    efficiency = _choice(
        "efficiency", det["efficiency"], base["detector"]["efficiency"], {"constant": "value"}
    )
    resolution = _choice(
        "resolution",
        det["resolution"],
        base["detector"]["resolution"],
        {"gaussian": "stochastic", "poisson": "model"},
    )
    source = canonical["source"]
    kind = source["type"]
    overrides: dict[str, Any] = {}
    if kind != "composite":
        start = source_base(preset, kind)
        names = editor_parameters("source_overrides", {"source_type": kind})
        overrides = {k: v for k, v in source["params"].items() if k in names and start.get(k) != v}
    physics = canonical["physics"] or {}
    for key in ("skin_fm", "R_n_fm"):
        if isinstance(nuclear[key], dict):
            raise InvalidValue(f"the dashboard takes one {key} for every nucleus, not a mapping")
    values = {
        "experiment": preset,
        "target": det["material"],
        "mass_kg": exposure["mass_kg"],
        "live_time_days": exposure["live_time_days"] or 365.25,
        "form_factor_model": nuclear["form_factor"],
        "form_factor_params": dict(nuclear["form_factor_params"]),
        "skin_fm": nuclear["skin_fm"],
        "R_n_fm": nuclear["R_n_fm"],
        "source_type": kind,
        "source_overrides": overrides,
        "threshold": det["threshold"],
        "threshold_unit": det["threshold_unit"],
        "observable": det["observable"],
        "quenching": quenching[0],
        "quenching_factor": _or_default(quenching, "constant", "quenching_factor"),
        "lindhard_k": _or_default(quenching, "lindhard", "lindhard_k"),
        "efficiency": efficiency[0],
        "efficiency_value": _or_default(efficiency, "constant", "efficiency_value"),
        "resolution": resolution[0],
        "resolution_stochastic": _or_default(resolution, "gaussian", "resolution_stochastic"),
        "physics_overrides": dict(physics.get("params", {})),
    }
    rebuilt = spec_of(values)
    if physics.get("class") == "StandardModel":  # the same parameters, on NewPhysics
        canonical["physics"] = rebuilt["physics"] if physics.get("params") else None
    for key in ("source", "detector", "exposure", "nuclear", "physics"):
        if rebuilt[key] != canonical[key]:
            raise InvalidValue(
                f"the spec's {key} cannot be shown in the dashboard exactly "
                f"({_difference(canonical[key], rebuilt[key], key)})"
            )
    return values


def _difference(want: Any, got: Any, path: str) -> str:
    """The first entry where two specs differ, in words."""
    if isinstance(want, dict) and isinstance(got, dict):
        for k in sorted(set(want) | set(got)):
            if want.get(k) != got.get(k):
                return _difference(want.get(k), got.get(k), f"{path}.{k}")
    return f"{path} would be {json.dumps(got)} instead of {json.dumps(want)}"
